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
            installation_store=self.installations,
            state_store=self.states,
        )

    async def create_tables(self) -> None:
        await self.installations.create_tables()  # type: ignore[no-untyped-call]
        await self.states.create_tables()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self.engine.dispose()
