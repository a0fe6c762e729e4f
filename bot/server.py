"""Serving: one ASGI app (Bolt at /slack/events, plus /healthz and /metrics) under uvicorn, or Socket Mode.

Knowledge loads in the background at start-up (/healthz answers 503 until it is in), then is watched for
changes and reloaded off the request path. A malformed request is answered 4xx, never 500: Bolt verifies
signatures (401), our middleware rejects signed bodies missing what Slack always sends (400), and anything
that still fails while Bolt parses a body is answered 400 here.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.config import Settings
from bot.core.store import KnowledgeStore, Outcome
from bot.metrics import Metrics
from bot.misses import Misses
from bot.state import MemoryState, SharedState, SQLState

if TYPE_CHECKING:
    from bot.installs import Installs
from bot.service import Service
from bot.slack import identity as slack_identity
from bot.slack.app import build_app
from bot.slack.http import EventsHandler
from bot.slack.identity import CredentialsRefused, Identity
from bot.slack.middleware import drain
from bot.slack.reports import reload_report

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logs.get()
MAX_BODY_BYTES = 1_000_000
DRAIN_SECONDS = 8.0  # within uvicorn's graceful shutdown (10 s) and Kubernetes' default grace (30 s)
EVENTS_PATH = "/slack/events"
_WORKSPACE = re.compile(r"[A-Z0-9]{1,32}")  # a Slack team id, as /misses?workspace= takes it


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
            **bolt,
        )
        self.handler = EventsHandler(self.bolt, path=EVENTS_PATH)
        self.socket_alive: Callable[[], Awaitable[bool]] | None = None  # set in Socket Mode
        self.tasks: list[asyncio.Task[Any]] = []

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
        self.tasks.append(asyncio.create_task(self.service.reload_now()))

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
        # Acked events and clicks may still be answering (Bolt's lazy listeners): let them finish first, or a
        # rolling restart loses answers Slack will never ask for again.
        await drain(self.bolt, DRAIN_SECONDS)
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
                await self._healthz(tracked)
            elif path == "/misses" and method == "GET":
                await self._misses(scope, tracked)
            elif path == "/metrics" and method == "GET":
                await _respond(tracked, 200, self.metrics.render(), self.metrics.content_type)
            elif path == EVENTS_PATH and method == "POST":
                await self._events(scope, receive, tracked, status)
            elif path == EVENTS_PATH:
                await _respond(tracked, 405, b"method not allowed")
            else:
                await self.handler(dict(scope), receive, tracked)  # Bolt's OAuth routes, or its 404
        finally:
            self.metrics.request(route, status["code"] or 500, time.perf_counter() - t0)

    async def _events(self, scope: Scope, receive: Receive, send: Send, status: dict[str, int]) -> None:
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _respond(send, 413, b"request too large")
            return
        try:
            await self.handler(scope, receive, send)  # type: ignore[arg-type]  # Bolt types scope as a dict
        except Exception as e:
            log.warning("request_malformed", error=type(e).__name__)
            if not status["code"]:  # nothing sent yet: the client still gets an answer
                await _respond(send, 400, b"malformed request")

    async def _misses(self, scope: Scope, send: Send) -> None:
        """The most asked unanswered questions of one workspace (`?workspace=T…`; none: single workspace),
        summed over every process and replica sharing the state, control characters stripped."""
        if not may_read_misses(scope, self.settings.admin_token):
            await _respond(send, 403, b"forbidden: send Authorization: Bearer $FACTDESK_ADMIN_TOKEN")
            return
        query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1")[:200])
        workspace = (query.get("workspace") or [""])[0]
        if workspace and not _WORKSPACE.fullmatch(workspace):
            await _respond(send, 400, b"workspace must be a Slack team id, e.g. T0123ABCD")
            return
        rows = [{"query": q, "count": n} for q, n in await self.service.misses.top(workspace, 100)]
        await _respond(send, 200, json.dumps(rows).encode(), "application/json")

    async def _healthz(self, send: Send) -> None:
        state = self.store.state
        catalog = self.store.catalog
        body: dict[str, Any] = {"status": state}
        if catalog:
            body["version"] = catalog.knowledge.version
            body["topics"] = [t.command for t in catalog.knowledge.topics]
        if self.store.pending:
            body["reason"] = [str(p) for p in self.store.pending[:20]]
        code = 200 if state in ("ok", "degraded") else 503
        if not await self._socket_ok():
            body["socket"], code = "disconnected", 503
        await _respond(send, code, json.dumps(body).encode(), "application/json")

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


def may_read_misses(scope: Scope, admin_token: str | None) -> bool:
    """What reporters asked in vain can reveal a story before it runs: not for anyone who reaches the port.

    With FACTDESK_ADMIN_TOKEN set, the token is required; without it, only this machine (loopback, which is
    also where `kubectl port-forward` arrives) may read the list.
    """
    if admin_token:
        sent = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        return hmac.compare_digest(sent, f"Bearer {admin_token}")
    client = scope.get("client") or ("", 0)
    return str(client[0]) in ("127.0.0.1", "::1") or str(client[0]).startswith("127.")


async def _respond(send: Send, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app() -> Factdesk:
    """The uvicorn factory (used for --workers > 1): each worker process builds its own app from the env."""
    settings = Settings.from_env()
    logs.configure(settings.log_format, debug=settings.debug, secrets=settings.secrets())
    return Factdesk(settings)


def _load_or_fail(settings: Settings, knowledge: Path) -> KnowledgeStore | None:
    """Load the knowledge before listening: broken knowledge at start-up is an error with file:line, not a 503.

    The loaded store is what the server then serves, so the knowledge is loaded once.
    """
    store = KnowledgeStore(knowledge, cache_dir=settings.cache_dir)
    outcome = store.reload()
    for p in outcome.errors:
        print(p, file=sys.stderr)
    if not outcome.ok:
        print(f"factdesk: error: knowledge in {knowledge} has errors; not starting", file=sys.stderr)
        return None
    gc.freeze()  # it lives as long as the process: keep the collector from walking it mid-request
    log.info("knowledge_loaded", version=outcome.version, took_ms=round(outcome.took_ms, 1))
    return store


def _state_ready(settings: Settings) -> bool:
    """Reach the shared-state database and create its tables before listening: one clear line if it cannot
    be reached (several replicas each keeping their own state would answer Slack's retries twice)."""
    from sqlalchemy.engine import make_url

    async def check() -> None:
        state = open_state(settings.database_url)
        try:
            if isinstance(state, SQLState):
                await state.create_tables()
        finally:
            await state.close()

    try:
        asyncio.run(check())
    except Exception as e:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        for secret in settings.secrets():
            reason = reason.replace(secret, "***")
        print(f"factdesk: error: cannot use FACTDESK_DATABASE_URL {where}: {reason}", file=sys.stderr)
        return False
    return True


def check_credentials(settings: Settings) -> tuple[bool, Identity | None]:
    """Ask Slack once, before listening, whether SLACK_BOT_TOKEN is good.

    A refused token is one line on stderr and False (not starting: every command would only apologise).
    Unreachable is a warning; the identity, checked or not, goes to the app, which keeps retrying. With many
    workspaces there is no single token to check (None).
    """
    if settings.oauth or not settings.bot_token:
        return True, None
    identity = Identity(settings.bot_token)
    web = slack_identity.client(settings.bot_token, settings.api_url or AsyncWebClient.BASE_URL)
    try:
        asyncio.run(identity.check(web))
    except CredentialsRefused as e:
        print(f"factdesk: error: {e}", file=sys.stderr)
        return False, None
    return True, identity


def serve(settings: Settings, *, host: str | None, port: int | None, workers: int | None, knowledge: Path) -> int:
    import uvicorn

    if not _state_ready(settings):  # the quick check first: one line, before any knowledge is loaded
        return 1
    store = _load_or_fail(settings, knowledge)
    if store is None:
        return 1
    good, identity = check_credentials(settings)
    if not good:
        return 1
    host = host or settings.host
    port = settings.port if port is None else port
    workers = workers or settings.workers
    log.info("server_starting", host=host, port=port, workers=workers, knowledge=str(knowledge))
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "lifespan": "on",
        "timeout_graceful_shutdown": 10,
    }
    if workers > 1:
        os.environ["FACTDESK_KNOWLEDGE"] = str(knowledge)
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # read by each worker as it imports the client
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="factdesk-metrics-")
        uvicorn.run("bot.server:create_app", factory=True, workers=workers, **common)
    else:
        uvicorn.run(Factdesk(settings, knowledge, store, identity), **common)
    return 0


def socket_mode(settings: Settings, *, knowledge: Path) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if not _state_ready(settings):  # the quick check first: one line, before any knowledge is loaded
        return 1
    store = _load_or_fail(settings, knowledge)
    if store is None:
        return 1
    good, identity = check_credentials(settings)
    if not good:
        return 1

    async def run() -> None:
        import uvicorn

        bot = Factdesk(settings, knowledge, store, identity)
        await bot.startup()
        # Slack's traffic comes over the socket; the port still answers /healthz and /metrics, so probes and
        # Prometheus work the same in both modes (HTTP requests to /slack/events are refused unsigned).
        config = uvicorn.Config(bot, host=settings.host, port=settings.port, log_level="warning", access_log=False,
                                lifespan="off")  # fmt: skip
        health = uvicorn.Server(config)
        probes = asyncio.create_task(health.serve())
        log.info("socket_mode_starting", knowledge=str(knowledge), health_port=settings.port)
        handler = AsyncSocketModeHandler(bot.bolt, settings.app_token)
        bot.socket_alive = handler.client.is_connected
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            health.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await probes
            await bot.shutdown()

    asyncio.run(run())
    return 0
