"""Cross-cutting work around the listeners: dropping Slack's retries, tracking work done after the ack, and
looking up maintainers' user groups. The listeners themselves are in app.py."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.lazy_listener.asyncio_runner import AsyncioLazyListenerRunner
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.state import SharedState

log = logs.get()
#: How long an event id is remembered: Slack retries a delivery three times, the last about five minutes on.
#: https://docs.slack.dev/apis/events-api/#retries
EVENT_TTL = 3600.0
GROUP_LOOKUP_SECONDS = 1.5  # with the rest of the answer, well inside Slack's 3 s


class DropRetries(AsyncMiddleware):
    """An event Slack delivers again (X-Slack-Retry-Num, or the same event id) is acked and not answered twice.

    Slack retries when our ack was slow or lost, though the first delivery may be answered already; with several
    replicas the retry can reach another one, so the event id is claimed in the shared state.
    """

    def __init__(self, state: SharedState) -> None:
        self.state = state

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id and not await self.state.claim(f"event:{event_id}", EVENT_TTL):
            retry = (req.headers.get("x-slack-retry-num") or [req.body.get("retry_attempt", "")])[0]
            log.info("event_retry_dropped", event_id=str(event_id)[:40], retry=str(retry)[:8])
            return BoltResponse(status=200, body="")
        return await next()


class TrackedLazyListeners(AsyncioLazyListenerRunner):
    """Bolt's lazy-listener runner, keeping its tasks so shutdown can let acked work finish (rolling restarts)."""

    def __init__(self, logger: Any) -> None:
        super().__init__(logger)
        self.tasks: set[asyncio.Future[None]] = set()

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        from slack_bolt.lazy_listener.async_internals import to_runnable_function

        task = asyncio.ensure_future(to_runnable_function(internal_func=function, logger=self.logger, request=request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def drain(app: AsyncApp, timeout: float) -> int:
    """Wait up to `timeout` for listeners still running after their ack; returns how many were left unfinished."""
    runner = getattr(app.listener_runner, "lazy_listener_runner", None)
    tasks = set(runner.tasks) if isinstance(runner, TrackedLazyListeners) else set()
    if not tasks:
        return 0
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    if pending:
        log.warning("listeners_cut_at_shutdown", unfinished=len(pending), finished=len(done))
    return len(pending)


class GroupMembers:
    """Members of a Slack user group, fetched with `usergroups.users.list` and kept for a minute per workspace.

    Only maintainers' commands need it, so the lookup is lazy; it uses the asking workspace's own client (with
    many workspaces the app-level client has no token), and is bounded well inside Slack's 3 s for the ack. A
    failed or slow lookup refuses (nobody is promoted to maintainer because Slack was unreachable).
    """

    def __init__(self, ttl: float = 60.0, timeout: float = GROUP_LOOKUP_SECONDS) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self._members: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}

    async def of(self, group: str, client: AsyncWebClient, workspace: str = "") -> frozenset[str]:
        now = time.monotonic()
        found = self._members.get((workspace, group))
        if found and now - found[0] < self.ttl:
            return found[1]
        try:
            reply = await asyncio.wait_for(client.usergroups_users_list(usergroup=group), self.timeout)
        except Exception as e:  # SlackApiError, network, timeout: refuse rather than fail the command
            log.warning("usergroup_lookup_failed", group=group, error=str(e) or type(e).__name__)
            return frozenset()
        members = frozenset(str(u) for u in reply.get("users") or ())
        self._members[(workspace, group)] = (now, members)
        return members
