"""Signals: reloads that do not pile up, and a supervisor whose SIGHUP reloads instead of restarting.

A reload reads and checks every knowledge file and tells the maintainers' channel; a burst of SIGHUPs (a
script in a loop, a config-management tool) must not become a burst of reloads and posts. One reload runs at
a time, reloads start at least MIN_INTERVAL apart, and every request that arrives meanwhile is folded into
the next one: the last request is always honoured, and a storm costs one reload per MIN_INTERVAL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from uvicorn.supervisors import Multiprocess

from bot import logs

log = logs.get()


class Coalesced:
    """Runs an async job on request; requests made while it runs fold into a single run after it."""

    def __init__(self, job: Callable[[], Awaitable[Any]], min_interval: float = 1.0) -> None:
        self.job = job
        self.min_interval = min_interval
        self.runs = 0
        self._again = False
        self._last = float("-inf")
        self._task: asyncio.Task[None] | None = None

    def request(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            wait = self._last + self.min_interval - loop.time()
            if wait > 0:  # requests arriving meanwhile set _again and are served by this run
                await asyncio.sleep(wait)
            self._again = False
            self._last = loop.time()
            self.runs += 1
            try:
                await self.job()
            except Exception as e:  # a failed reload must not stop the next one from being asked for
                log.error("reload_failed", error=type(e).__name__)
            if not self._again:
                return

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Workers(Multiprocess):
    """uvicorn's worker supervisor, except that SIGHUP is passed on to every worker, each of which reloads
    its own knowledge, instead of restarting them all (which dropped every worker's warm caches and, under
    a SIGHUP storm, kept them restarting)."""

    def handle_hup(self) -> None:
        log.info("reload_requested", by="SIGHUP", workers=len(self.processes))
        for process in self.processes:
            if process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGHUP)
