"""A local stand-in for Slack's Socket Mode WebSocket: it says hello, pushes envelopes the test hands it, and
records every acknowledgement the bot sends back (aiohttp, already a dependency, on its own thread).

As Slack does (https://docs.slack.dev/apis/events-api/using-socket-mode): an envelope not acknowledged within
3 seconds is delivered again with `retry_attempt` and `retry_reason`, up to 3 times, and the connection can be
dropped at any moment (`drop()`), after which the client must open a new one through apps.connections.open."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from aiohttp import WSMsgType, web


class SocketStandIn:
    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.redeliver_unacked = True
        self.connected = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._sockets: list[web.WebSocketResponse] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "stand-in"}}))
        self.connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
        return ws

    def push(self, envelope: dict[str, Any]) -> None:
        async def send() -> None:
            await self._sockets[-1].send_str(json.dumps(envelope))
            if self.redeliver_unacked:
                self._loop.create_task(self._redeliver(envelope))

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(10)

    async def _redeliver(self, envelope: dict[str, Any]) -> None:
        for attempt in (1, 2, 3):
            await asyncio.sleep(3.0)
            if envelope["envelope_id"] in self.acks or not self._sockets or self._sockets[-1].closed:
                return
            again = {**envelope, "retry_attempt": attempt, "retry_reason": "timeout"}
            await self._sockets[-1].send_str(json.dumps(again))

    def drop(self) -> None:
        """Close every open connection, as Slack does when it refreshes or loses one."""

        async def close() -> None:
            for ws in self._sockets:
                await ws.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if envelope_id in self.acks:
                return self.acks[envelope_id]
            time.sleep(0.02)
        raise AssertionError(f"no ack for envelope {envelope_id}")

    def close(self) -> None:
        async def stop() -> None:
            for ws in self._sockets:
                await ws.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
