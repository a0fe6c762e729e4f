"""Coalesced reloads: a burst of requests is at most one run per interval, and the last is never dropped."""

from __future__ import annotations

import asyncio

from bot.web.lifecycle import Coalesced


def test_a_burst_is_one_run_now_and_one_after_and_the_last_request_is_honoured() -> None:
    seen: list[int] = []
    state = {"value": 0}

    async def job() -> None:
        seen.append(state["value"])  # what the run saw: a reload reads the files as they are when it starts
        await asyncio.sleep(0.01)

    async def burst() -> Coalesced:
        runs = Coalesced(job, min_interval=0.1)
        for n in range(1, 201):
            state["value"] = n
            runs.request()
            await asyncio.sleep(0.0005)
        await asyncio.sleep(0.3)
        return runs

    runs = asyncio.run(burst())
    assert runs.runs == len(seen) <= 4  # not 200
    assert seen[-1] == 200  # the run after the burst saw the last change


def test_a_failing_run_does_not_stop_the_next() -> None:
    calls: list[int] = []

    async def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("knowledge folder unreadable for a moment")

    async def twice() -> None:
        runs = Coalesced(job, min_interval=0.0)
        runs.request()
        await asyncio.sleep(0.01)
        runs.request()
        await asyncio.sleep(0.01)
        await runs.close()

    asyncio.run(twice())
    assert len(calls) == 2
