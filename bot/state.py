"""State that must be shared across processes and replicas: seen event ids, share clicks, unanswered questions.

Slack retries an event it thinks was lost, and a reporter may double-click Share; with several replicas behind a
load balancer, only a store they all see can tell a retry from a first delivery. `SharedState` is that store's
contract; `MemoryState` is the single-process implementation (tests, the console, one worker). Database-backed
implementations (SQLite by default, PostgreSQL for several replicas) live beside it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Protocol


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
