"""Serving: one ASGI app (Bolt at /slack/events, plus /healthz and /metrics) under uvicorn, or Socket Mode.

Knowledge loads in the background at start-up (/healthz answers 503 until it is in), then is watched for
changes and reloaded off the request path. A malformed request is answered 4xx, never 500: bot/web/guard.py
verifies the signature on the raw bytes before anything parses them (401, 408, 413), our middleware rejects
signed bodies missing what Slack always sends (400), and anything that still fails while Bolt parses a body
is answered 400 here. bot/web/protocol.py bounds what a connection may cost before it is a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.config import Settings
from bot.core.loader import load
from bot.core.store import KnowledgeStore
from bot.metrics import Metrics

if TYPE_CHECKING:
    from bot.installs import Installs
from bot.service import Service
from bot.slack.app import build_app
from bot.web import guard, protocol
from bot.web.guard import Message, Receive, Refused, Scope, Send, is_admin
from bot.web.lifecycle import Coalesced, Workers

log = logs.get()
EVENTS_PATH = "/slack/events"
#: uvicorn's graceful timeout: requests in flight at SIGTERM get this long to be answered. Budget with
#: protocol.DRAIN_SECONDS, the preStop sleep and the app's shutdown inside terminationGracePeriodSeconds
#: (deploy/k8s/deployment.yaml; tests/web/test_signals.py checks the sum).
GRACEFUL_SECONDS = 10
#: The app's own shutdown after that (deferred work, reload tasks, the installs database), at most.
SHUTDOWN_SECONDS = 5


def default_api_url() -> str:
    return AsyncWebClient.BASE_URL


class Factdesk:
    """The running bot: store, service, Bolt app and the ASGI routes around it."""

    def __init__(self, settings: Settings, knowledge: Path | None = None) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.store = KnowledgeStore(knowledge or settings.knowledge, cache_dir=settings.cache_dir)
        self.service = Service(
            self.store,
            maintainers=settings.maintainers,
            maintainer_group=settings.maintainer_group,
            metrics=self.metrics,
            debug=settings.debug,
        )
        self.installs: Installs | None = None
        bolt: dict[str, Any] = {}
        if settings.oauth:  # many workspaces: each request is authorised with its workspace's installed token
            from bot.installs import Installs

            self.installs = Installs(settings)
            bolt["oauth_settings"] = self.installs.oauth_settings
        token = None if settings.oauth else settings.bot_token
        self.client = AsyncWebClient(token=token, base_url=settings.api_url or default_api_url())
        # Signatures are verified on the raw bytes before Bolt sees them (_events): Bolt need not do it again.
        self.bolt = build_app(self.service, signing_secret=settings.signing_secret or "", client=self.client,
                              request_verification_enabled=False, **bolt)  # fmt: skip
        self.handler = AsyncSlackRequestHandler(self.bolt, path=EVENTS_PATH)
        self.tasks: list[asyncio.Task[Any]] = []
        self.reloads = Coalesced(self.service.reload_now)
        if settings.maintainers_channel and settings.bot_token:
            # With many workspaces, the maintainers' channel is in the home workspace: SLACK_BOT_TOKEN's.
            self._reports = self.client if not self.installs else AsyncWebClient(
                token=settings.bot_token, base_url=self.client.base_url
            )  # fmt: skip
            self.service.notify = self._notify

    async def _notify(self, text: str) -> None:
        await self._reports.chat_postMessage(channel=self.settings.maintainers_channel or "", text=text)

    # -- lifecycle -------------------------------------------------------------------------------
    async def startup(self) -> None:
        if self.installs:
            await self.installs.create_tables()
        self.tasks.append(asyncio.create_task(self._load_then_watch()))
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on every platform
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_sighup)

    def _on_sighup(self) -> None:
        log.info("reload_requested", by="SIGHUP")
        self.reloads.request()  # a storm of SIGHUPs is at most one reload a second, the last one honoured

    async def _load_then_watch(self) -> None:
        outcome = await asyncio.to_thread(self.store.reload)
        if outcome.ok:
            # The first knowledge lives as long as the process: move it out of the cyclic collector's sight,
            # or every full collection walks the whole index in the middle of a request (p99 spikes).
            # Only the first load: a reloaded knowledge's predecessor must stay collectable.
            gc.freeze()
            self.metrics.ready.set(1)
            log.info("knowledge_loaded", version=outcome.version, took_ms=round(outcome.took_ms, 1))
        else:
            log.error("knowledge_invalid", errors=[str(p) for p in outcome.problems if p.severity == "error"])
        if self.settings.watch_seconds > 0:
            await self.store.watch(self.settings.watch_seconds, self.service.reloaded)

    async def shutdown(self) -> None:
        try:
            async with asyncio.timeout(SHUTDOWN_SECONDS):  # inside Kubernetes' grace period (see above)
                await self._stop()
        except TimeoutError:
            log.error("shutdown_timed_out", seconds=SHUTDOWN_SECONDS)

    async def _stop(self) -> None:
        await self.reloads.close()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
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
                if is_admin(scope, self.settings.admin_token):
                    rows = [{"query": q, "count": n} for q, n in self.service.misses.most_common(100)]
                    await guard.respond(tracked, 200, json.dumps(rows).encode(), "application/json")
                else:
                    await guard.respond(tracked, 403, b"forbidden: send Authorization: Bearer $FACTDESK_ADMIN_TOKEN")
            elif path == "/metrics" and method == "GET":
                await guard.respond(tracked, 200, self.metrics.render(), self.metrics.content_type)
            elif path == EVENTS_PATH and method != "POST":
                await guard.respond(tracked, 405, b"method not allowed")
            elif not guard.headers_are_text(scope):  # Bolt decodes them as UTF-8: refused before it crashes
                await guard.respond(tracked, 400, b"malformed request: headers are not UTF-8")
            elif path == EVENTS_PATH:
                await self._events(scope, receive, tracked, status)
            else:
                await self._bolt(dict(scope), receive, tracked, status)  # Bolt's OAuth routes, or its 404
        finally:
            self.metrics.request(route, status["code"] or 500, time.perf_counter() - t0)

    async def _events(self, scope: Scope, receive: Receive, send: Send, status: dict[str, int]) -> None:
        """Signature first, on the raw bytes, with the body capped as it streams; only then Bolt parses."""
        try:
            body = await guard.signed_body(scope, receive, self.settings.signing_secret or "")
        except Refused as refused:
            # Counted in /metrics by status; logged only in debug, or a flood of junk would flood the log too.
            log.debug("request_refused", status=refused.status, reason=refused.reason)
            await guard.respond(send, refused.status, refused.reason.encode(), close=True)  # body maybe unread
            return
        await self._bolt(scope, guard.replay(body), send, status)

    async def _bolt(self, scope: Scope, receive: Receive, send: Send, status: dict[str, int]) -> None:
        try:
            await self.handler(scope, receive, send)  # type: ignore[arg-type]  # Bolt types scope as a dict
        except Exception as e:
            log.warning("request_malformed", error=type(e).__name__)
            if not status["code"]:  # nothing sent yet: the client still gets an answer
                await guard.respond(send, 400, b"malformed request")

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
        await guard.respond(send, code, json.dumps(body).encode(), "application/json")

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


def _fail_fast(settings: Settings, knowledge: Path) -> bool:
    """Check knowledge before listening: broken knowledge at start-up is an error with file:line, not a 503."""
    result = load(knowledge, settings.cache_dir)
    for p in result.errors:
        print(p, file=sys.stderr)
    if not result.ok:
        print(f"factdesk: error: knowledge in {knowledge} has errors; not starting", file=sys.stderr)
    return result.ok


def serve(settings: Settings, *, host: str | None, port: int | None, workers: int | None, knowledge: Path) -> int:
    import uvicorn

    if not _fail_fast(settings, knowledge):
        return 1
    host = host or settings.host
    port = settings.port if port is None else port
    workers = workers or settings.workers
    log.info("server_starting", host=host, port=port, workers=workers, knowledge=str(knowledge),
             open_files=protocol.raise_file_limit())  # fmt: skip
    if workers > 1:
        os.environ["FACTDESK_KNOWLEDGE"] = str(knowledge)
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # read by each worker as it imports the client
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="factdesk-metrics-")
        config = uvicorn.Config("bot.server:create_app", factory=True, workers=workers, **http_options(host, port))
        Workers(config, sockets=[config.bind_socket()]).run()  # SIGHUP reloads each worker, not restarts it
    else:
        server = uvicorn.Server(uvicorn.Config(Factdesk(settings, knowledge), **http_options(host, port)))
        server.run()
        if not server.started:  # could not bind, or the app's start-up failed: uvicorn logged why
            return 1
    return 0


def http_options(host: str, port: int, lifespan: str = "on") -> dict[str, Any]:
    """uvicorn's settings, the same for every mode: our bounded protocol, no proxy-header rewriting of the
    client address (is_admin reads the socket's own peer), and no logging setup of uvicorn's own, so its
    lines reach the root handler bot/logs.py installs (JSON or console, redacted) like every other."""
    return {
        "host": host,
        "port": port,
        "http": protocol.GuardedHttpTools,
        "log_config": None,
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": False,
        "server_header": False,
        "lifespan": lifespan,
        "timeout_keep_alive": int(protocol.IDLE_SECONDS),
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }


def socket_mode(settings: Settings, *, knowledge: Path) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if not _fail_fast(settings, knowledge):
        return 1

    async def run() -> None:
        import uvicorn

        bot = Factdesk(settings, knowledge)
        await bot.startup()
        # Slack's traffic comes over the socket; the port still answers /healthz and /metrics, so probes and
        # Prometheus work the same in both modes (HTTP requests to /slack/events are refused unsigned).
        config = uvicorn.Config(bot, **http_options(settings.host, settings.port, lifespan="off"))
        health = uvicorn.Server(config)
        probes = asyncio.create_task(health.serve())
        log.info("socket_mode_starting", knowledge=str(knowledge), health_port=settings.port,
                 open_files=protocol.raise_file_limit())  # fmt: skip
        try:
            await AsyncSocketModeHandler(bot.bolt, settings.app_token).start_async()  # type: ignore[no-untyped-call]
        finally:
            health.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await probes
            await bot.shutdown()

    asyncio.run(run())
    return 0
