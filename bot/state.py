"""State that must be shared across processes and replicas: seen event ids, share clicks, unanswered questions.

Slack retries an event it thinks was lost, and a reporter may double-click Share; with several replicas behind a
load balancer, only a store they all see can tell a retry from a first delivery. `SharedState` is that store's
contract; `MemoryState` is the single-process implementation (tests, the console); `SQLState` keeps it in the
database FACTDESK_DATABASE_URL names (the one the OAuth installations use): SQLite by default, which every
worker of one machine shares, and PostgreSQL when several replicas run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
#: Unanswered questions kept per workspace in the database; past it the least asked are pruned (a question
#: asked often enough to matter is far above the cut).
MAX_MISSES_STORED = 10_000
PURGE_EVERY = 1000  # claims between two deletions of expired ones


def async_url(url: str) -> str:
    """`sqlite:///x.db` → `sqlite+aiosqlite:///x.db`: an asyncio driver is needed; explicit ones are kept."""
    scheme, sep, rest = url.partition("://")
    if not sep or "+" in scheme:
        return url
    return f"{_ASYNC_DRIVERS.get(scheme, scheme)}://{rest}"


class SharedState(Protocol):
    async def claim(self, key: str, ttl: float) -> bool:
        """True exactly once per `key` within `ttl` seconds, across every process sharing this store.

        Used for Slack event ids (retries) and share clicks (double clicks): the caller acts only on True.
        """
        ...

    async def add_misses(self, workspace: str, counts: Mapping[str, int]) -> None:
        """Add counts of unanswered questions for one workspace (team id; "" for single-workspace)."""
        ...

    async def top_misses(self, workspace: str, n: int) -> list[tuple[str, int]]:
        """The `n` most asked unanswered questions of one workspace, most frequent first."""
        ...

    async def close(self) -> None: ...


class MemoryState:
    """`SharedState` for one process. Bounded: old claims are dropped once expired or past `max_keys`."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._claims: dict[str, float] = {}
        self._misses: dict[str, dict[str, int]] = {}

    async def claim(self, key: str, ttl: float) -> bool:
        now = time.monotonic()
        expires = self._claims.get(key)
        if expires is not None and expires > now:
            return False
        if len(self._claims) >= self.max_keys:
            self._claims = {k: t for k, t in self._claims.items() if t > now}
            while len(self._claims) >= self.max_keys:  # still full of live keys: forget the oldest
                self._claims.pop(next(iter(self._claims)))
        self._claims[key] = now + ttl
        return True

    async def add_misses(self, workspace: str, counts: Mapping[str, int]) -> None:
        table = self._misses.setdefault(workspace, {})
        for question, n in counts.items():
            table[question] = table.get(question, 0) + n

    async def top_misses(self, workspace: str, n: int) -> list[tuple[str, int]]:
        table = self._misses.get(workspace, {})
        return sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    async def close(self) -> None:
        return None


class SQLState:
    """`SharedState` in a SQL database, through SQLAlchemy's asyncio engine (aiosqlite or asyncpg).

    `claim` is one statement, atomic in the database itself whichever process runs it: INSERT … ON CONFLICT
    DO UPDATE … WHERE the existing claim has expired. A live claim makes it a no-op, so exactly one of several
    racing processes sees a row written. Times are wall-clock seconds (several machines compare them).
    """

    def __init__(self, url: str, *, max_misses: int = MAX_MISSES_STORED) -> None:
        from sqlalchemy import BigInteger, Column, Float, MetaData, String, Table
        from sqlalchemy.ext.asyncio import create_async_engine

        url = async_url(url)
        self.dialect = url.partition("+")[0].partition(":")[0]
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"FACTDESK_DATABASE_URL: {self.dialect!r} is not supported; use sqlite or postgresql")
        options: dict[str, Any] = {}
        if self.dialect == "sqlite":  # workers of one machine write the same file: wait for the lock, not fail
            options["connect_args"] = {"timeout": 15}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        self.max_misses = max_misses
        meta = MetaData()
        self.claims = Table(
            "factdesk_claims",
            meta,
            Column("key", String(255), primary_key=True),
            Column("expires", Float, nullable=False),
        )
        self.misses = Table(
            "factdesk_misses",
            meta,
            Column("workspace", String(64), primary_key=True),
            Column("question", String(255), primary_key=True),
            Column("count", BigInteger, nullable=False),
        )
        self.meta = meta
        self._claimed = 0

    def _insert(self, table: Any) -> Any:
        """INSERT with ON CONFLICT: both dialects have it, each in its own module."""
        from sqlalchemy.dialects import postgresql, sqlite

        return postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)

    async def create_tables(self) -> None:
        """Create the tables if missing; safe when several processes start at once."""
        from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

        try:
            async with self.engine.begin() as conn:
                if self.dialect == "sqlite":  # readers never wait for the writer; one fsync per commit
                    await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                await conn.run_sync(self.meta.create_all)
        except (IntegrityError, OperationalError, ProgrammingError):
            # another process created them between our check and our CREATE: fine if they are there now
            async with self.engine.begin() as conn:
                await conn.run_sync(self.meta.create_all)

    async def claim(self, key: str, ttl: float) -> bool:
        from sqlalchemy import delete

        now = time.time()
        stmt = self._insert(self.claims).values(key=key[:255], expires=now + ttl)
        stmt = stmt.on_conflict_do_update(
            index_elements=[self.claims.c.key],
            set_={"expires": stmt.excluded.expires},
            where=self.claims.c.expires <= now,
        ).returning(self.claims.c.key)
        async with self.engine.begin() as conn:
            won = (await conn.execute(stmt)).first() is not None
            self._claimed += 1
            if self._claimed % PURGE_EVERY == 0:
                await conn.execute(delete(self.claims).where(self.claims.c.expires <= now))
        return won

    async def add_misses(self, workspace: str, counts: Mapping[str, int]) -> None:
        from sqlalchemy import delete, select

        if not counts:
            return
        rows = [
            {"workspace": workspace[:64], "question": q[:255], "count": n}
            for q, n in sorted(counts.items())  # one lock order for every writer: no deadlock between replicas
            if n > 0
        ]
        stmt = self._insert(self.misses)
        stmt = stmt.on_conflict_do_update(
            index_elements=[self.misses.c.workspace, self.misses.c.question],
            set_={"count": self.misses.c.count + stmt.excluded.count},
        )
        m = self.misses.c
        async with self.engine.begin() as conn:
            await conn.execute(stmt, rows)
            kept = (
                select(m.question)
                .where(m.workspace == workspace[:64])
                .order_by(m.count.desc(), m.question)
                .limit(self.max_misses)
            )
            await conn.execute(delete(self.misses).where(m.workspace == workspace[:64], m.question.not_in(kept)))

    async def top_misses(self, workspace: str, n: int) -> list[tuple[str, int]]:
        from sqlalchemy import select

        m = self.misses.c
        query = select(m.question, m.count).where(m.workspace == workspace[:64])
        async with self.engine.connect() as conn:
            rows = await conn.execute(query.order_by(m.count.desc(), m.question).limit(n))
            return [(str(q), int(c)) for q, c in rows]

    async def close(self) -> None:
        await self.engine.dispose()


async def open_state(url: str) -> SQLState:
    """A `SQLState` for FACTDESK_DATABASE_URL with its tables in place."""
    state = SQLState(url)
    await state.create_tables()
    return state
