"""Starting the bot: everything checked before it listens, then uvicorn (HTTP) or Socket Mode.

Each check is one clear line and exit code 1 when it fails: the shared-state database, the knowledge (loaded
once, and that load is what is served), Slack's answer to the bot token. Then the ASGI app (bot/server.py)
runs under uvicorn with the bounded protocol of bot/web, or beside a Socket Mode connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.config import Settings
from bot.core.gcpause import trim
from bot.core.store import KnowledgeStore
from bot.server import GRACEFUL_SECONDS, Factdesk, open_state
from bot.slack import identity as slack_identity
from bot.slack.identity import CredentialsRefused, Identity
from bot.state import SQLState
from bot.web import protocol
from bot.web.lifecycle import Workers

log = logs.get()


def _load_or_fail(settings: Settings, knowledge: Path, *, served: bool = True) -> KnowledgeStore | None:
    """Load the knowledge before listening: broken knowledge at start-up is an error with file:line, not a 503.

    The loaded store is what the server then serves, so the knowledge is loaded once; with several workers,
    each loads its own and this is only the check (`served` False).
    """
    store = KnowledgeStore(knowledge, cache_dir=settings.cache_dir)
    outcome = store.reload()
    for p in outcome.errors:
        print(p, file=sys.stderr)
    if not outcome.ok:
        print(f"factdesk: error: knowledge in {knowledge} has errors; not starting", file=sys.stderr)
        return None
    gc.freeze()  # it lives as long as the process: keep the collector from walking it mid-request
    event = "knowledge_loaded" if served else "knowledge_checked"
    log.info(event, version=outcome.version, took_ms=round(outcome.took_ms, 1))
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


def _checked(
    settings: Settings, knowledge: Path, *, served: bool = True
) -> tuple[KnowledgeStore, Identity | None] | None:
    """The checks every mode makes before it listens, quickest first; None when one failed (already said)."""
    if not _state_ready(settings):  # one line, before any knowledge is loaded
        return None
    store = _load_or_fail(settings, knowledge, served=served)
    if store is None:
        return None
    good, identity = check_credentials(settings)
    return (store, identity) if good else None


def serve(settings: Settings, *, host: str | None, port: int | None, workers: int | None, knowledge: Path) -> int:
    import uvicorn

    workers = workers or settings.workers
    checked = _checked(settings, knowledge, served=workers == 1)
    if checked is None:
        return 1
    store, identity = checked
    del checked
    host = host or settings.host
    port = settings.port if port is None else port
    log.info("server_starting", host=host, port=port, workers=workers, knowledge=str(knowledge),
             open_files=protocol.raise_file_limit())  # fmt: skip
    if workers > 1:
        # Each worker loads its own; the check's copy would sit in this process, serving nothing, for its life.
        del store
        gc.collect()  # also empties the interpreter's free lists of what the load left there
        trim()
        os.environ["FACTDESK_KNOWLEDGE"] = str(knowledge)
        made = None
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # read by each worker as it imports the client
            made = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="factdesk-metrics-")
        config = uvicorn.Config("bot.server:create_app", factory=True, workers=workers, **http_options(host, port))
        try:
            Workers(config, sockets=[config.bind_socket()]).run()  # SIGHUP reloads each worker, not restarts it
        finally:
            if made:  # the workers' metric files: nothing left behind in /tmp
                shutil.rmtree(made, ignore_errors=True)
    else:
        app = Factdesk(settings, knowledge, store, identity)
        server = uvicorn.Server(uvicorn.Config(app, **http_options(host, port)))
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

    checked = _checked(settings, knowledge)
    if checked is None:
        return 1
    store, identity = checked

    async def run() -> None:
        import uvicorn

        bot = Factdesk(settings, knowledge, store, identity)
        await bot.startup()
        # Slack's traffic comes over the socket; the port still answers /healthz and /metrics, so probes and
        # Prometheus work the same in both modes (HTTP requests to /slack/events are refused unsigned).
        config = uvicorn.Config(bot, **http_options(settings.host, settings.port, lifespan="off"))
        health = uvicorn.Server(config)
        probes = asyncio.create_task(health.serve())
        log.info("socket_mode_starting", knowledge=str(knowledge), health_port=settings.port,
                 open_files=protocol.raise_file_limit())  # fmt: skip
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
