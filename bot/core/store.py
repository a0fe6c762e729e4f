"""The live knowledge: loaded, verified and indexed off the request path, then swapped in one assignment.

Requests read `store.catalog` once and use that snapshot to the end, so a reload never changes the ground
under a request in flight, and no request waits for a reload. A reload that fails keeps the last good
catalog serving and records why, for /healthz, /pact status and the maintainers' channel.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from bot.core import expect, rebuild, snapshot
from bot.core.engine import Catalog
from bot.core.gcpause import Pace, release, retire, trim, whole_reload
from bot.core.kinds import KINDS
from bot.core.loader import Problem, Severity, load, topic_files
from bot.core.loader.folder import Remembered
from bot.core.model import Knowledge

log = structlog.get_logger("factdesk")  # configured once, by bot/logs.py
RETIRE_SECONDS = 5.0  # a request reads the catalog once and answers in milliseconds; Slack waits 3 s
RETIRE_REFS = 2  # `old` in the closure cell, and getrefcount's own argument


@dataclass(frozen=True, slots=True)
class Change:
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        """ "+2 quotes, ~1 event, -1 person", the way an editor would say it."""
        name = {k.plural: k for k in KINDS}

        def part(sign: str, counts: dict[str, int]) -> list[str]:
            return [sign + name[plural].count(n) for plural, n in sorted(counts.items())]

        parts = part("+", self.added) + part("~", self.changed) + part("-", self.removed)
        return ", ".join(parts) or "no entry changed"


def diff(old: Knowledge | None, new: Knowledge) -> Change:
    """What a reload changed, counted by kind of entry (named by its plural, as counts are).

    Topic by topic and entry by entry in Python, not as set operations over every entry at once: those are
    single C calls that held the GIL for ~80 ms at 100,000 entries while answers waited. A topic the reload
    kept as it was (the same object) is skipped.
    """
    pace = Pace()
    added: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    before = {t.command: t for t in old.topics} if old else {}
    for t in new.topics:
        was = before.pop(t.command, None)
        if was is t:
            continue
        for kind in KINDS:
            earlier = {e.id: e for e in was.section(kind)} if was else {}
            for e in t.section(kind):
                pace()
                prev = earlier.pop(e.id, None)
                if prev is None:
                    added[kind.plural] += 1
                elif prev != e:
                    changed[kind.plural] += 1
            removed[kind.plural] += len(earlier)
            release(earlier, pace=pace)
    for gone in before.values():
        for kind in KINDS:
            removed[kind.plural] += len(gone.section(kind))

    def counts(c: Counter[str]) -> dict[str, int]:
        return {k: n for k, n in c.items() if n}

    return Change(counts(added), counts(changed), counts(removed))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a reload did: a value the service logs and each adapter renders for the maintainers."""

    ok: bool
    took_ms: float
    problems: tuple[Problem, ...]
    change: Change | None = None
    version: str | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def summary(self) -> str:
        """One plain sentence: what changed, or why the edit was refused."""
        if self.ok:
            change = self.change.summary() if self.change else "no entry changed"
            return f"Knowledge reloaded (version {self.version}): {change}. Took {self.took_ms:.0f} ms."
        first = f" First: {self.errors[0]}" if self.errors else ""
        return f"Knowledge reload refused ({len(self.errors)} errors); the last good knowledge is still served.{first}"


def watched_files(root: Path, knowledge: Knowledge | None) -> list[Path]:
    """Exactly the files a knowledge was loaded from: its topic files and every archive they cite, wherever it is.

    New topic files in the folder count too, so adding a topic is noticed.
    """
    files = set(topic_files(root)) if root.exists() else set()
    for t in knowledge.topics if knowledge else ():
        files.add(Path(t.path))
        files.update(Path(t.path).parent / s.archive for s in t.sources)
    files.update(expect.path_for(f) for f in list(files) if f.suffix in (".yaml", ".yml"))
    return sorted(files)


class KnowledgeStore:
    def __init__(self, root: Path | str, cache_dir: Path | None = None, *, isolated: bool = True) -> None:
        self.root = Path(root)
        self.cache_dir = cache_dir
        self.isolated = isolated  # reloads after the first are built in a child process (`bot.core.rebuild`)
        self.catalog: Catalog | None = None
        self.pending: tuple[Problem, ...] = ()  # errors of the last failed reload, until a good one
        self.reloads = 0
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[int, int]] = {}
        self._parsed: Remembered = {}  # each topic file as last loaded: an unchanged one is not parsed again

    @property
    def state(self) -> str:
        if self.catalog is None:
            return "starting" if not self.pending else "failed"
        return "degraded" if self.pending else "ok"

    def _stamp(self, knowledge: Knowledge | None) -> dict[str, tuple[int, int]]:
        """Cheap change detection: size and mtime of every file a knowledge was loaded from."""
        out = {}
        for f in watched_files(self.root, knowledge):
            try:
                st = f.stat()
            except OSError:
                continue
            out[str(f)] = (st.st_size, st.st_mtime_ns)
        return out

    def changed(self) -> bool:
        return self._stamp(self.catalog.knowledge if self.catalog else None) != self._seen

    def _retire_later(self, old: Catalog, new: Catalog) -> None:
        """Take the swapped-out catalog apart in the background once no request can still be using it (each
        reads `catalog` once; Slack waits 3 s), rather than freeing it in one stall (`gcpause.retire`)."""
        kept = [x for e in new.engines.values() for x in (e.topic, e.index)]

        def later() -> None:
            if sys.getrefcount(old) > RETIRE_REFS:  # still held somewhere: let reference counting free it
                return
            retire(old, kept, Pace())
            trim()

        timer = threading.Timer(RETIRE_SECONDS, later)
        timer.daemon = True
        timer.start()

    def _from_snapshot(self, t0: float) -> Outcome | None:
        """The first load, from a snapshot `factdesk snapshot` wrote, when it matches the files and the code."""
        if self.catalog is not None or self.cache_dir is None:
            return None
        before = self._stamp(None)
        found = snapshot.read(self.cache_dir, self.root, on_stale=lambda why: log.info("snapshot_not_used", reason=why))
        if found is None:
            return None
        catalog, problems = found
        self.catalog = catalog
        self._seen = {f: before.get(f, st) for f, st in self._stamp(catalog.knowledge).items()}
        self.pending = ()
        self.reloads += 1
        took = (time.perf_counter() - t0) * 1000
        log.info("snapshot_used", version=catalog.knowledge.version, took_ms=round(took, 1))
        return Outcome(True, took, problems, diff(None, catalog.knowledge), catalog.knowledge.version)

    def reload(self) -> Outcome:
        """Load, verify and index; swap only if everything is right. Safe to call from any thread.

        Never raises: whatever goes wrong refuses the edit like a wrong edit does (the last good knowledge
        is served, the state is degraded, the outcome says why), so a caller always has an outcome to report.
        """
        t0 = time.perf_counter()
        try:
            return self._reload(t0)
        except Exception as e:  # a reload that raised would report nothing to anyone
            log.error("knowledge_reload_failed", error=type(e).__name__)
            failed = Problem(str(self.root), 1, 1, Severity.ERROR, f"the reload failed ({type(e).__name__})")
            self.pending = (failed,)
            return Outcome(False, (time.perf_counter() - t0) * 1000, (failed,))

    def _reload(self, t0: float) -> Outcome:
        with self._lock, whole_reload():
            started = self._from_snapshot(t0)
            if started is not None:
                return started
            before = self._seen = self._stamp(self.catalog.knowledge if self.catalog else None)
            if self.catalog is not None and self.isolated:
                catalog, problems = self._rebuilt(self.catalog)
            else:
                catalog, problems = self._built_here()
            if catalog is None:
                self.pending = tuple(p for p in problems if p.severity == "error") or problems
                return Outcome(False, (time.perf_counter() - t0) * 1000, problems)
            retired = self.catalog
            knowledge = catalog.knowledge
            change = diff(retired.knowledge if retired else None, knowledge)
            self.catalog = catalog  # the atomic swap: one reference assignment
            if retired is not None:
                self._retire_later(retired, catalog)
            # Watch the new knowledge's files from now on, as they were *before* loading: an edit made while
            # it loaded must still look like a change at the next poll.
            self._seen = {f: before.get(f, st) for f, st in self._stamp(knowledge).items()}
            self.pending = ()
            self.reloads += 1
            took = (time.perf_counter() - t0) * 1000
            trim()  # what the build freed (parse trees, scaffolding) back to the system
            return Outcome(True, took, problems, change, knowledge.version)

    def _built_here(self) -> tuple[Catalog | None, tuple[Problem, ...]]:
        """Load, verify and index in this process: the first load (nothing is served yet), or when asked."""
        result = load(self.root, self.cache_dir, self._parsed)
        if not result.ok or result.knowledge is None:
            return None, tuple(result.problems)
        catalog = Catalog.build(result.knowledge, self.cache_dir, self.catalog)
        broken = expect.check(catalog)  # the maintainers' own expectations: a wrong edit is refused
        if broken:
            return None, (*result.problems, *broken)
        return catalog, tuple(result.problems)

    def _rebuilt(self, serving: Catalog) -> tuple[Catalog | None, tuple[Problem, ...]]:
        """The same in a child process (`bot.core.rebuild`): this one only waits, then reads the topics an
        edit touched back in small pieces, so answers go on at their usual speed meanwhile."""

        def built(seconds: float) -> None:  # the child is done; its result is read next
            # The largest child so far: what a pod's memory limit must leave room for beside the server.
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            log.info("knowledge_rebuilt", took_ms=round(seconds * 1000, 1), children_peak_mb=round(peak))

        found = rebuild.run(self.root, self.cache_dir, rebuild.known(serving, self._parsed), on_built=built)
        if not found.ok:
            return None, found.problems
        return found.catalog(serving, self._parsed), found.problems

    async def watch(self, interval: float, on_outcome: Callable[[Outcome], Awaitable[None]]) -> None:
        """Poll for changed files and reload them in a worker thread.

        Polling rather than inotify: it also sees the symlink swap Kubernetes does when a ConfigMap
        changes, and edits on network file systems, at the cost of a stat per file per second.
        """
        while True:
            await asyncio.sleep(interval)
            try:
                if self.changed():
                    outcome = await asyncio.to_thread(self.reload)
                    await on_outcome(outcome)
            except Exception as e:  # one bad poll must not end watching for the life of the process
                log.error("knowledge_watch_failed", error=f"{type(e).__name__}: {e}")
