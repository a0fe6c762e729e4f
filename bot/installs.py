"""Many workspaces: Bolt's OAuth install flow, with installations and OAuth states in a SQL database.

SQLite (the default) suits one replica; for several replicas point FACTDESK_DATABASE_URL at a database they
share (PostgreSQL: `postgresql://user:pass@host/db`, with the asyncpg driver installed). Nothing else about
a workspace is kept: its questions are answered from the same knowledge, with its own bot token.
"""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import Settings
from bot.slack.app import BOT_SCOPES
from bot.state import async_url

__all__ = ["STATE_SECONDS", "Installs", "async_url"]
STATE_SECONDS = 600  # an install link is good for ten minutes
#: GovSlack is a separate Slack at slack-gov.com: its installs must be sent to its own authorize page, as its
#: Web API is at https://slack-gov.com/api/ (SLACK_API_URL). https://docs.slack.dev/govslack
GOV_HOST = "slack-gov.com"


def authorization_url(api_url: str | None) -> str:
    """Where an install link sends the admin: slack.com's authorize page, or GovSlack's for a GovSlack API URL."""
    from urllib.parse import urlsplit

    host = (urlsplit(api_url or "").hostname or "").lower()
    if host == GOV_HOST or host.endswith("." + GOV_HOST):
        return f"https://{GOV_HOST}/oauth/v2/authorize"
    return "https://slack.com/oauth/v2/authorize"


class Installs:
    """The OAuth settings Bolt needs, and the tables behind them (created at start-up if missing)."""

    def __init__(self, settings: Settings) -> None:
        self.engine: AsyncEngine = create_async_engine(async_url(settings.database_url))
        self.installations = AsyncSQLAlchemyInstallationStore(client_id=settings.client_id or "", engine=self.engine)
        self.states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=self.engine)
        self.oauth_settings = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=sorted(BOT_SCOPES),
            authorization_url=authorization_url(settings.api_url),
            installation_store=self.installations,
            state_store=self.states,
        )

    async def create_tables(self) -> None:
        await self.installations.create_tables()  # type: ignore[no-untyped-call]
        await self.states.create_tables()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self.engine.dispose()
