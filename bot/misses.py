"""Unanswered questions, really counted: a Space-Saving summary per workspace, flushed to the shared state.

A plain counter that stops taking new keys once full freezes on the first one-off misses: a question asked 50
times after 5,200 one-off misses never appears. Space-Saving (Metwally, Agrawal, El Abbadi, 2005) keeps a fixed
number of counters and, when a new question arrives with all of them taken, hands the least counted slot to
it. What that guarantees, with `capacity` counters and N misses counted since the last flush:

- every question asked more than N / capacity times since the last flush is in the summary;
- a question's count is over-estimated by at most its recorded `error` (≤ N / capacity); we flush only
  `count - error`, a count it certainly reached, so the shared totals never overstate a question.

Counting is the hot path (a reporter is waiting): a dict look-up and a move between two "same count" buckets,
O(1), no I/O. Every `FLUSH_SECONDS` (and at shutdown) the summaries are added to the `SharedState` and reset,
so a restart loses at most one interval, and every replica adds to the same totals.

Memory bound: at most `max_workspaces` summaries of `capacity` questions of at most `MAX_QUESTION_CHARS`
characters each between two flushes (defaults: 128 × 512 × 200 characters, about 13 MB of text worst case).
Misses of further workspaces in the same interval are dropped and counted in `dropped`.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata

from bot import logs
from bot.core.text import fold
from bot.state import SharedState

log = logs.get()

MAX_QUESTION_CHARS = 200
FLUSH_SECONDS = 10.0
#: ANSI/VT escape sequences (CSI … final byte, OSC … BEL or ST, two-character escapes) go whole: removing only
#: the ESC would leave "[31m" behind.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")


def printable(text: str) -> str:
    """`text` without escape sequences or control, format (bidi overrides, zero-width), private or unassigned
    characters, whitespace runs made one space: for anything a user typed that is shown on a terminal or in a
    list (misses, reports), where colour codes or a terminal title sequence must not reach the reader."""
    if not text.isprintable():  # fast path: plain text has nothing to remove
        text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in _ESCAPES.sub("", text))
    return " ".join(text.split())


def question_key(text: str) -> str:
    """How a miss is counted: folded (case, accents, spacing), printable, bounded."""
    return printable(fold(text))[:MAX_QUESTION_CHARS]


class SpaceSaving:
    """The Space-Saving summary in O(1) per count: counters grouped in buckets of equal count.

    `buckets[c]` holds the questions counted exactly `c` times (a dict used as an insertion-ordered set), and
    `low` is the smallest non-empty count, where a newcomer takes its slot from.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.counts: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.buckets: dict[int, dict[str, None]] = {}
        self.low = 0
        self.total = 0

    def add(self, key: str) -> None:
        self.total += 1
        count = self.counts.get(key)
        if count is None:
            if len(self.counts) < self.capacity:
                count, error = 0, 0
            else:  # evict a least counted question; the newcomer inherits its count as possible error
                bucket = self.buckets[self.low]
                victim = next(iter(bucket))
                self._unfile(victim, self.low)
                del self.counts[victim], self.errors[victim]
                count = error = self.low
            self.errors[key] = error
        else:
            self._unfile(key, count)
        self.counts[key] = count + 1
        self.buckets.setdefault(count + 1, {})[key] = None
        if count == 0:
            self.low = 1  # nothing is counted less than once
        elif count == self.low and count not in self.buckets:
            self.low = count + 1  # the last question at the lowest count moved up

    def _unfile(self, key: str, count: int) -> None:
        bucket = self.buckets[count]
        del bucket[key]
        if not bucket:
            del self.buckets[count]

    def guaranteed(self) -> dict[str, int]:
        """Each question's count minus its possible error: a number of times it was certainly asked."""
        return {k: c - self.errors[k] for k, c in self.counts.items() if c > self.errors[k]}

    def __len__(self) -> int:
        return len(self.counts)


class Misses:
    """Per-workspace miss counting in memory, with periodic flushes to a `SharedState`.

    Reading (`top`, `snapshot`) combines the shared totals with what this process has not flushed yet, so a
    question shows up as soon as it was asked, and a second replica's questions after its next flush.
    """

    def __init__(
        self,
        state: SharedState,
        *,
        capacity: int = 512,
        max_workspaces: int = 128,
        shown: int = 10,
    ) -> None:
        self.state = state
        self.capacity = capacity
        self.max_workspaces = max_workspaces
        self.shown = shown
        self.pending: dict[str, SpaceSaving] = {}
        self.dropped = 0
        self._shared: dict[str, list[tuple[str, int]]] = {}  # top lists as of the last flush, for `snapshot`
        self._lock = asyncio.Lock()

    # -- hot path ----------------------------------------------------------------------------------
    def count(self, text: str, workspace: str = "") -> None:
        key = question_key(text)
        if not key:
            return
        summary = self.pending.get(workspace)
        if summary is None:
            if len(self.pending) >= self.max_workspaces:
                self.dropped += 1
                return
            summary = self.pending[workspace] = SpaceSaving(self.capacity)
        summary.add(key)

    # -- flushing ----------------------------------------------------------------------------------
    async def flush(self) -> None:
        """Add what was counted since the last flush to the shared state, then refresh the shown top lists.

        Summaries are swapped out before the first await, so counting goes on into fresh ones meanwhile. On a
        failed write the counts are put back and tried again at the next flush.
        """
        async with self._lock:
            taken, self.pending = self.pending, {}
            written: list[str] = []
            try:
                for workspace, summary in taken.items():
                    counts = summary.guaranteed()
                    if counts:
                        await self.state.add_misses(workspace, counts)
                    written.append(workspace)
                for workspace in written:  # the most recently counted last, so kept longest
                    self._shared.pop(workspace, None)
                    self._shared[workspace] = []
                while len(self._shared) > self.max_workspaces:
                    del self._shared[next(iter(self._shared))]
                for workspace in list(self._shared):
                    self._shared[workspace] = await self.state.top_misses(workspace, self.shown)
            except Exception as e:  # the database is away: keep the counts for the next flush
                log.warning("misses_flush_failed", error=str(e))
                for workspace, summary in taken.items():
                    if workspace not in written:
                        self._merge_back(workspace, summary)
            if self.dropped:
                log.warning("misses_dropped", count=self.dropped, reason="too many workspaces in one interval")
                self.dropped = 0

    def _merge_back(self, workspace: str, summary: SpaceSaving) -> None:
        current = self.pending.get(workspace)
        if current is None:
            self.pending[workspace] = summary
            return
        for key, n in summary.guaranteed().items():
            for _ in range(min(n, self.capacity)):  # bounded: a retried summary never costs more than this
                current.add(key)

    async def run(self, every: float = FLUSH_SECONDS) -> None:
        """Flush forever (a background task of the server); cancelled at shutdown, which then calls `flush`."""
        while True:
            await asyncio.sleep(every)
            await self.flush()

    # -- reading -----------------------------------------------------------------------------------
    async def top(self, workspace: str, n: int) -> list[tuple[str, int]]:
        """The shared totals, this process's unflushed counts included (it flushes first)."""
        await self.flush()
        return [(printable(q), c) for q, c in await self.state.top_misses(workspace, n)]

    def snapshot(self, workspace: str, n: int | None = None) -> list[tuple[str, int]]:
        """Without waiting (for answers built synchronously): shared totals as of the last flush plus this
        process's unflushed counts. A workspace first asked about here shows its shared totals from the next
        flush on."""
        n = n or self.shown
        if workspace not in self._shared and len(self._shared) < self.max_workspaces:
            self._shared[workspace] = []  # fetched at the next flush
        merged: dict[str, int] = dict(self._shared.get(workspace, ()))
        summary = self.pending.get(workspace)
        if summary is not None:
            for key, c in summary.guaranteed().items():
                merged[key] = merged.get(key, 0) + c
        return sorted(((printable(q), c) for q, c in merged.items()), key=lambda kv: (-kv[1], kv[0]))[:n]
