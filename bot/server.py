"""The running bot as one ASGI app: Bolt at /slack/events, plus /healthz, /metrics and /misses.

A malformed request is answered 4xx, never 500: bot/web/guard.py verifies the signature on the raw bytes before
anything parses them (401, 408, 413), the Slack middleware rejects signed bodies missing what Slack always sends
(400), and anything that still fails while Bolt parses a body is answered 400 here. bot/web/protocol.py bounds
what a connection may cost before it is a request. Starting it (checks, uvicorn, Socket Mode) is bot/launch.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import re
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.config import Settings
from bot.core.store import KnowledgeStore, Outcome
from bot.metrics import Metrics
from bot.misses import Misses
from bot.service import Service
from bot.slack import identity as slack_identity
from bot.slack.app import build_app
from bot.slack.http import asgi_response, bolt_request
from bot.slack.identity import CredentialsRefused, Identity
from bot.slack.middleware import drain
from bot.slack.reports import reload_report
from bot.state import MemoryState, SharedState, SQLState
from bot.web import guard
from bot.web.guard import Message, Receive, Refused, Scope, Send, is_admin
from bot.web.lifecycle import Coalesced

if TYPE_CHECKING:
    from bot.installs import Installs

log = logs.get()
EVENTS_PATH = "/slack/events"
#: uvicorn's graceful timeout: requests in flight at SIGTERM get this long to be answered. Budget with
#: protocol.DRAIN_SECONDS, the preStop sleep and the app's shutdown inside terminationGracePeriodSeconds
#: (deploy/k8s/deployment.yaml; tests/web/test_signals.py checks the sum).
GRACEFUL_SECONDS = 10
#: The app's own shutdown after that (acked work still answering, reload tasks, databases), at most.
SHUTDOWN_SECONDS = 5
DRAIN_SECONDS = 3.0  # of SHUTDOWN_SECONDS: Bolt's listeners still answering after their ack
_WORKSPACE = re.compile(r"[A-Z0-9]{1,32}")  # a Slack team id, as /misses?workspace= takes it


def open_state(database_url: str) -> SharedState:
    """The shared state in FACTDESK_DATABASE_URL's database (tables are created at start-up).

    A SQLite file that cannot be created (a read-only container with no URL set) falls back to this process's
    memory with an error in the log, rather than keeping a single replica from answering; a PostgreSQL URL is
    used as given, and a database that cannot be reached then stops the start-up.
    """
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        try:
            sqlite3.connect(url.database).close()
        except sqlite3.Error as e:
            log.error("shared_state_unavailable", error=str(e), fix="set FACTDESK_DATABASE_URL to a writable place")
            return MemoryState()
    return SQLState(database_url)


class Factdesk:
    """The running bot: store, service, Bolt app and the ASGI routes around it."""

    def __init__(
        self,
        settings: Settings,
        knowledge: Path | None = None,
        store: KnowledgeStore | None = None,
        identity: Identity | None = None,
    ) -> None:
        """`store`, when given, is already loaded (by `serve`'s start-up check): the knowledge loads once."""
        self.settings = settings
        self.metrics = Metrics()
        self.store = store or KnowledgeStore(knowledge or settings.knowledge, cache_dir=settings.cache_dir)
        self.state = open_state(settings.database_url)
        self.installs: Installs | None = None
        bolt: dict[str, Any] = {}
        if settings.oauth:  # many workspaces: each request is authorised with its workspace's installed token
            from bot.installs import Installs

            self.installs = Installs(settings)
            bolt["oauth_settings"] = self.installs.oauth_settings
        token = None if settings.oauth else settings.bot_token
        self.client = slack_identity.client(token, settings.api_url or AsyncWebClient.BASE_URL)
        self.identity = None if settings.oauth else (identity or Identity(settings.bot_token or ""))
        notify = None
        if settings.maintainers_channel and settings.bot_token:
            # With many workspaces, the maintainers' channel is in the home workspace: SLACK_BOT_TOKEN's.
            self._reports = self.client if not self.installs else AsyncWebClient(
                token=settings.bot_token, base_url=self.client.base_url
            )  # fmt: skip
            notify = self._notify
        self.service = Service(
            self.store,
            maintainers=settings.maintainers,
            maintainer_group=settings.maintainer_group,
            metrics=self.metrics,
            notify=notify,
            misses=Misses(self.state),
            debug=settings.debug,
        )
        self.bolt = build_app(
            self.service,
            state=self.state,  # event ids and share clicks, shared by every replica of the same database
            signing_secret=settings.signing_secret or "",
            client=self.client,
            identity=self.identity,
            installations=slack_identity.Installations(self.installs.installations) if self.installs else None,
            # Signatures are verified on the raw bytes before Bolt sees them (_events): Bolt need not do it again.
            request_verification_enabled=False,
            **bolt,
        )
        self.handler = AsyncSlackRequestHandler(self.bolt, path=EVENTS_PATH)  # Bolt's other routes (OAuth)
        self.socket_alive: Callable[[], Awaitable[bool]] | None = None  # set in Socket Mode
        self.tasks: list[asyncio.Task[Any]] = []
        self.reloads = Coalesced(self.service.reload_now)

    async def _notify(self, outcome: Outcome) -> None:
        channel = self.settings.maintainers_channel or ""
        await self._reports.chat_postMessage(channel=channel, text=reload_report(outcome))

    # -- lifecycle -------------------------------------------------------------------------------
    async def startup(self) -> None:
        if self.installs:
            await self.installs.create_tables()
        if isinstance(self.state, SQLState):
            await self.state.create_tables()
        self.tasks.append(asyncio.create_task(self._load_then_watch()))
        self.tasks.append(asyncio.create_task(self.service.misses.run()))
        if self.identity is not None and not self.identity.checked and self.identity.token:
            self.tasks.append(asyncio.create_task(self._check_credentials(self.identity)))
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on every platform
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_sighup)

    def _on_sighup(self) -> None:
        log.info("reload_requested", by="SIGHUP")
        self.reloads.request()  # a storm of SIGHUPs is at most one reload a second, the last one honoured

    async def _load_then_watch(self) -> None:
        if self.store.catalog is None:  # not loaded by the start-up check (a worker process of several)
            await self._first_load()
        else:
            self.metrics.ready.set(1)
        if self.settings.watch_seconds > 0:
            await self.store.watch(self.settings.watch_seconds, self.service.reloaded)

    async def _first_load(self) -> None:
        outcome = await asyncio.to_thread(self.store.reload)
        if outcome.ok:
            # The first knowledge lives as long as the process: move it out of the cyclic collector's sight,
            # or every full collection walks the whole index in the middle of a request (p99 spikes).
            # Only the first load: a reloaded knowledge's predecessor must stay collectable.
            gc.freeze()
            self.metrics.ready.set(1)
            log.info("knowledge_loaded", version=outcome.version, took_ms=round(outcome.took_ms, 1))
        else:
            log.error("knowledge_invalid", errors=[str(p) for p in outcome.errors])

    async def _check_credentials(self, identity: Identity) -> None:
        """Each worker learns the bot's ids once, off the request path; requests never wait for it."""
        try:
            if not await identity.check(self.client):
                await identity.keep_checking(self.client)
        except CredentialsRefused as e:
            log.error("slack_credentials_refused", reason=str(e))

    async def shutdown(self) -> None:
        try:
            async with asyncio.timeout(SHUTDOWN_SECONDS):  # inside Kubernetes' grace period (see above)
                await self._stop()
        except TimeoutError:
            log.error("shutdown_timed_out", seconds=SHUTDOWN_SECONDS)

    async def _stop(self) -> None:
        # Acked events and clicks may still be answering (Bolt's lazy listeners): let them finish first, or a
        # rolling restart loses answers Slack will never ask for again.
        await drain(self.bolt, DRAIN_SECONDS)
        await self.reloads.close()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.service.misses.flush()  # what this process counted since the last flush is kept
        await self.state.close()
        if self.installs:
            await self.installs.close()

    # -- ASGI ------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        t0 = time.perf_counter()
        path, method = scope.get("path", ""), scope.get("method", "GET")
        status = {"code": 0}  # 0 until a response starts; counted as 500 if none ever does

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        route = path if path in (EVENTS_PATH, "/healthz", "/metrics", "/misses") else "other"
        try:
            if path == "/healthz" and method in ("GET", "HEAD"):
                await self._healthz(scope, tracked)
            elif path == "/misses" and method == "GET":
                await self._misses(scope, tracked)
            elif path == "/metrics" and method == "GET":
                await guard.respond(tracked, 200, self.metrics.render(), self.metrics.content_type)
            elif path == EVENTS_PATH and method != "POST":
                await guard.respond(tracked, 405, b"method not allowed")
            elif (text := guard.text_headers(scope)) is None:  # Bolt decodes them as UTF-8: refused, not a crash
                await guard.respond(tracked, 400, b"malformed request: headers are not UTF-8")
            elif path == EVENTS_PATH:
                await self._events(scope, receive, tracked, *text)
            else:
                await self._bolt(dict(scope), receive, tracked, status)  # Bolt's OAuth routes, or its 404
        finally:
            self.metrics.request(route, status["code"] or 500, time.perf_counter() - t0)

    async def _events(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], query: str) -> None:
        """Signature first, on the raw bytes, with the body capped as it streams; only then Bolt parses it and
        dispatches it to its listeners (bot/slack/http.py stands in for Bolt's ASGI adapter here)."""
        try:
            body = await guard.signed_body(scope, receive, self.settings.signing_secret or "")
        except Refused as refused:
            # Counted in /metrics by status; logged only in debug, or a flood of junk would flood the log too.
            log.debug("request_refused", status=refused.status, reason=refused.reason)
            await guard.respond(send, refused.status, refused.reason.encode(), close=True)  # body maybe unread
            return
        try:
            response = await self.bolt.async_dispatch(bolt_request(body, query, headers))
        except Exception as e:  # a body Bolt cannot read (its listeners' errors are its own 500s)
            log.warning("request_malformed", error=type(e).__name__)
            await guard.respond(send, 400, b"malformed request")
            return
        code, raw_headers, payload = asgi_response(response)
        await send({"type": "http.response.start", "status": code, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})

    async def _bolt(self, scope: Scope, receive: Receive, send: Send, status: dict[str, int]) -> None:
        try:
            await self.handler(scope, receive, send)  # type: ignore[arg-type]  # Bolt types scope as a dict
        except Exception as e:
            log.warning("request_malformed", error=type(e).__name__)
            if not status["code"]:  # nothing sent yet: the client still gets an answer
                await guard.respond(send, 400, b"malformed request")

    async def _misses(self, scope: Scope, send: Send) -> None:
        """The most asked unanswered questions of one workspace (`?workspace=T…`; none: single workspace),
        summed over every process and replica sharing the state, control characters stripped."""
        if not is_admin(scope, self.settings.admin_token):
            await guard.respond(send, 403, b"forbidden: send Authorization: Bearer $FACTDESK_ADMIN_TOKEN")
            return
        query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1")[:200])
        workspace = (query.get("workspace") or [""])[0]
        if workspace and not _WORKSPACE.fullmatch(workspace):
            await guard.respond(send, 400, b"workspace must be a Slack team id, e.g. T0123ABCD")
            return
        rows = [{"query": q, "count": n} for q, n in await self.service.misses.top(workspace, 100)]
        await guard.respond(send, 200, json.dumps(rows).encode(), "application/json")

    async def _healthz(self, scope: Scope, send: Send) -> None:
        """Status and version for anyone (probes need no more); topics and knowledge errors, which name
        files and quote what is being edited, only for an admin (is_admin)."""
        state = self.store.state
        catalog = self.store.catalog
        body: dict[str, Any] = {"status": state}
        if catalog:
            body["version"] = catalog.knowledge.version
        if is_admin(scope, self.settings.admin_token):
            if catalog:
                body["topics"] = [t.command for t in catalog.knowledge.topics]
            if self.store.pending:
                body["reason"] = [str(p) for p in self.store.pending[:20]]
        code = 200 if state in ("ok", "degraded") else 503
        if not await self._socket_ok():
            body["socket"], code = "disconnected", 503
        await guard.respond(send, code, json.dumps(body).encode(), "application/json")

    async def _socket_ok(self) -> bool:
        """In Socket Mode all of Slack's traffic comes over the socket: with it down the bot is not serving."""
        return self.socket_alive is None or await self.socket_alive()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app() -> Factdesk:
    """The uvicorn factory (used for --workers > 1): each worker process builds its own app from the env."""
    settings = Settings.from_env()
    logs.configure(settings.log_format, debug=settings.debug, secrets=settings.secrets())
    return Factdesk(settings)
