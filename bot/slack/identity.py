"""Who the bot is in Slack, learnt once at start-up, and how each request is authorised without the Web API.

Bolt's single-workspace authorisation calls `auth.test` on the first request and keeps only a success, so while
the Web API is refused or hangs every slash command waited on it and failed, though a command needs no token at
all. Here the token is checked once at start: a wrong token is one clear line and no start; an unreachable API is
a warning and a retry in the background, and requests are authorised from memory meanwhile.

With many workspaces, Bolt's default looks the installation up in the database and calls `auth.test` before
every ack. Here the installation (which already holds the bot's ids) is kept a few minutes per workspace, and
forgotten when Slack says the app was uninstalled or its tokens revoked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs

log = logs.get()
#: Errors that mean the token itself is wrong: retrying cannot help, starting would only apologise to everyone.
#: https://docs.slack.dev/reference/methods/auth.test (errors: invalid_auth, not_authed, account_inactive, ...)
FATAL = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                   "no_permission", "not_allowed_token_type"})  # fmt: skip
CHECK_TIMEOUT = 5.0
INSTALL_TTL = 300.0


class CredentialsRefused(Exception):
    """Slack refused the token: the message says which and what to do."""


def client(token: str | None, base_url: str, timeout: int = 10) -> AsyncWebClient:
    """A Web API client that waits out Slack's rate limits (429 + Retry-After) instead of losing the message.

    Slack allows about one message a second per channel; a burst of mentions in one channel would otherwise drop
    answers. Connection errors keep the SDK's own single retry.
    """
    web = AsyncWebClient(token=token, base_url=base_url, timeout=timeout)
    web.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    return web


Find = Callable[[AsyncBoltContext, str | None, str | None, str | None], Awaitable[AuthorizeResult | None]]


class Authorize(AsyncAuthorize):
    """Bolt's authorize, which Bolt calls as it is. Given a plain function instead, Bolt wraps it and, on every
    request, builds every argument it could pass (the context's every value, a logger, the client) to pick
    the few the function names. `find(context, enterprise_id, team_id, user_id)` is the authorisation itself;
    an AuthorizeResult, or None for a workspace the app is not installed in."""

    def __init__(self, find: Find) -> None:
        self.find = find

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        return await self.find(context, enterprise_id, team_id, user_id)


@dataclass
class Identity:
    """The single workspace's bot token and the ids `auth.test` gives for it (None until Slack answered)."""

    token: str
    user_id: str | None = None
    bot_id: str | None = None
    team_id: str | None = None
    checked: bool = False

    async def check(self, web: AsyncWebClient, timeout: float = CHECK_TIMEOUT) -> bool:
        """Ask Slack once. True when known; False when unreachable; CredentialsRefused when the token is wrong."""
        try:
            reply = await asyncio.wait_for(web.auth_test(token=self.token), timeout)
        except SlackApiError as e:
            error = str(e.response.get("error", "")) if e.response is not None else ""
            if error in FATAL:
                raise CredentialsRefused(
                    f"Slack refused SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token again from your app's "
                    "OAuth & Permissions page, and reinstall the app if it was removed"
                ) from None
            log.warning("slack_credentials_unchecked", error=error or type(e).__name__)
            return False
        except (TimeoutError, OSError, Exception) as e:  # refused, unreachable, hanging: not the token's fault
            log.warning("slack_unreachable", error=type(e).__name__, retry="in the background")
            return False
        self.user_id, self.bot_id, self.team_id = reply.get("user_id"), reply.get("bot_id"), reply.get("team_id")
        self.checked = True
        log.info("slack_credentials_ok", team=self.team_id, bot_user=self.user_id)
        return True

    async def keep_checking(self, web: AsyncWebClient, first_wait: float = 2.0, longest: float = 300.0) -> None:
        """Retry with a growing pause until Slack answers: until then replies are still sent, just unverified."""
        wait = first_wait
        while not self.checked:
            await asyncio.sleep(wait)
            try:
                if await self.check(web):
                    return
            except CredentialsRefused as e:
                log.error("slack_credentials_refused", reason=str(e))
                return
            wait = min(longest, wait * 2)

    def authorizer(self) -> Authorize:
        """Bolt's authorize: from memory, never a network call on the request path."""
        return Authorize(self._result)

    async def _result(
        self, _context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id or self.team_id,
            bot_token=self.token,
            bot_user_id=self.user_id,
            bot_id=self.bot_id,
            user_id=user_id,
        )


class Installations:
    """Many workspaces: authorise each request from its workspace's installation, kept a few minutes."""

    def __init__(self, store: AsyncInstallationStore, ttl: float = INSTALL_TTL) -> None:
        self.store = store
        self.ttl = ttl
        self._found: dict[tuple[str | None, str | None], tuple[float, AuthorizeResult | None]] = {}

    def authorizer(self) -> Authorize:
        """Bolt's authorize (None: not installed in that workspace)."""
        return Authorize(self.find)

    async def find(
        self, context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult | None:
        key = (enterprise_id, None if context.is_enterprise_install else team_id)
        now = time.monotonic()
        found = self._found.get(key)
        if found and now - found[0] < self.ttl:
            return found[1]
        bot = await self.store.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=context.is_enterprise_install
        )
        result = None
        if bot is not None:
            result = AuthorizeResult(
                enterprise_id=bot.enterprise_id or enterprise_id,
                team_id=bot.team_id or team_id,
                bot_token=bot.bot_token,
                bot_user_id=bot.bot_user_id,
                bot_id=bot.bot_id,
                bot_scopes=bot.bot_scopes,
                user_id=user_id,
            )
        self._found[key] = (now, result)
        return result

    def forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        for key in [k for k in self._found if k[1] == team_id or (enterprise_id and k[0] == enterprise_id)]:
            del self._found[key]


class _DropTokenSkipped(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and warns, at every start, that the client we give it
    wins: that is the design here (the token reaches requests through `authorize`), so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def quiet_bolt_token_warning() -> None:
    bolt = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, _DropTokenSkipped) for f in bolt.filters):
        bolt.addFilter(_DropTokenSkipped())
