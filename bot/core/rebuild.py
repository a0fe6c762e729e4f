"""A reload's parse, check and index done in a child process, so that answers never wait for it.

In a thread of the serving process a reload of 100,000 entries is ~25 s of Python work: the answering thread
shares the GIL with it all that time, and some of its single C calls (composing the YAML tree, pickling the
parse cache, freeing millions of parse nodes) hold the GIL for tens of milliseconds each, so answers stalled
up to ~150 ms. It also grew the server by the ~1 GB of a YAML tree with every position marked. In a child
process at a lower priority, none of that touches the server: it waits on the child without the GIL, then
reads back only the topics the edit touched, in pieces small enough that the interpreter can switch to the
answering thread between them (`Transfer`). A topic file unchanged since the server loaded it is not sent: the
server keeps its very `Topic` and index.

The child is `python -m bot.core.rebuild`: a new interpreter (not a fork of a threaded server), given its
work as JSON on stdin, writing its result to a file in a private temporary folder. Whatever goes wrong in it
(an exception, a crash, a hang) is a refused reload with a line saying so, never an exception in the server.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.core import expect
from bot.core.engine import Catalog, TopicEngine
from bot.core.gcpause import Pace
from bot.core.index import SearchIndex, common_sets
from bot.core.loader import Problem, Severity, load
from bot.core.loader.folder import Remembered
from bot.core.model import Knowledge, Topic
from bot.core.snapshot import maker, slots_of

TIMEOUT_SECONDS = 900.0  # ten times a reload of 100,000 entries on a busy machine: a hung child is stopped
CHILD_NICENESS = 19  # the serving process comes first whenever the cores are busy
PART = 2048  # items of a large list or dict rebuilt in one C call when the result is read back
BOT_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the `bot` package, for the child's path

#: What the server already serves, per topic file: its digest and its archives' digests (folder.Remembered).
Known = dict[str, tuple[str, dict[str, str]]]


@dataclass(frozen=True, slots=True)
class Piece:
    """One topic file as the child loaded it; `built` is None when it is the one the server already has."""

    path: str
    key: str
    archives: dict[str, str]
    problems: tuple[Problem, ...]
    built: tuple[Topic, SearchIndex] | None


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a child reload found: the new knowledge's topics (only the changed ones built), or why not."""

    ok: bool
    problems: tuple[Problem, ...]
    version: str = ""
    loaded_at: float = 0.0
    pieces: tuple[Piece, ...] = ()

    def catalog(self, previous: Catalog, memo: Remembered) -> Catalog:
        """The new catalog: topics the child sent, and the server's own for those it did not.

        `memo` is updated to describe the new knowledge (a file no longer loaded is forgotten).
        """
        indexes = {id(e.topic): e.index for e in previous.engines.values()}
        topics: list[Topic] = []
        built: dict[str, SearchIndex] = {}
        remembered: Remembered = {}
        for p in self.pieces:
            if p.built is None:  # the very topic and index the server has
                topic = memo[p.path][2]
                index = indexes[id(topic)]
            else:
                topic, index = p.built
            built[topic.command] = index
            topics.append(topic)
            remembered[p.path] = (p.key, p.archives, topic, list(p.problems))
        memo.clear()
        memo.update(remembered)
        knowledge = Knowledge(tuple(topics), self.version, self.loaded_at)
        engines = {t.command: TopicEngine(t, built[t.command], self.version) for t in topics}
        return Catalog(knowledge, engines)


def known(catalog: Catalog, memo: Remembered) -> Known:
    """The files whose topic (and its index) the server serves now: the child need not send them back."""
    served = {id(e.topic) for e in catalog.engines.values()}
    return {path: (key, archives) for path, (key, archives, topic, _) in memo.items() if id(topic) in served}


def _failed(root: Path, message: str) -> Rebuilt:
    return Rebuilt(False, (Problem(str(root), 1, 1, Severity.ERROR, message),))


def build(root: Path, cache_dir: Path | None, served: Known) -> Rebuilt:
    """The child's work: load, check and index everything, as a reload in the server did; keep what changed."""
    memo: Remembered = {}
    result = load(root, cache_dir, memo)
    if not result.ok or result.knowledge is None:
        return Rebuilt(False, tuple(result.problems))
    catalog = Catalog.build(result.knowledge, cache_dir)
    broken = expect.check(catalog)  # the maintainers' own expectations: a wrong edit is refused
    if broken:
        return Rebuilt(False, (*result.problems, *broken))
    pieces = []
    for t in result.knowledge.topics:
        key, archives, _, problems = memo[t.path]
        same = served.get(t.path) == (key, archives)
        built = None if same else (t, catalog.engines[t.command].index)
        pieces.append(Piece(t.path, key, archives, tuple(problems), built))
    k = result.knowledge
    return Rebuilt(True, tuple(result.problems), k.version, k.loaded_at, tuple(pieces))


def run(root: Path, cache_dir: Path | None, served: Known, on_built: Callable[[float], None] | None = None) -> Rebuilt:
    """Reload `root` in a child process and read its result back. Never raises.

    `on_built` is told how long the child took, when it is done and before its result is read.
    """
    try:
        return _run(root, cache_dir, served, on_built or (lambda _: None))
    except Exception as e:  # the promise of a reload: a refused edit, never an exception
        return _failed(root, f"the reload failed ({type(e).__name__})")


def command() -> list[str]:
    """How the child is started (a function, so tests can put another child in its place)."""
    return [sys.executable, "-m", "bot.core.rebuild"]


def _run(root: Path, cache_dir: Path | None, served: Known, on_built: Callable[[float], None]) -> Rebuilt:
    timeout = TIMEOUT_SECONDS
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}  # it needs no secret
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BOT_ROOT), env.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory(prefix="factdesk-reload-") as folder:
        out = Path(folder) / "rebuilt.pickle"
        work = {"root": str(root), "cache": str(cache_dir) if cache_dir else None, "out": str(out), "known": served}
        proc = subprocess.Popen(
            command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        try:
            proc.communicate(json.dumps(work).encode(), timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return _failed(root, f"the reload took longer than {timeout:.0f} s and was stopped; the edit is refused")
        if proc.returncode != 0:
            return _failed(root, f"the reload's checker stopped (exit status {proc.returncode}); the edit is refused")
        on_built(time.perf_counter() - started)
        with out.open("rb") as f:
            value = read(f, Pace())
    if not isinstance(value, Rebuilt):
        return _failed(root, "the reload's checker sent something else than a result; the edit is refused")
    return value


# -- the result, written by the child and read back in small pieces -------------------------------------
# One pickle of the result would be read back by one C call: the unpickler builds a large list or dict
# without running any Python code, and at its end drops its memo (a reference to every object it made, millions
# at 100,000 entries) in one loop: ~30 ms at 30,000 entries, all of it holding the GIL. So the result is
# written as a sequence of small pickles ("frames"): every list, tuple or dict of more than `PART` items in
# frames of `PART` items, then the result itself, in which what earlier frames held is only a number (a
# persistent id). Between two frames the reading thread runs Python code, where the interpreter may switch to
# the answering thread. Frozen dataclasses are rebuilt by a Python call too, their slots set directly.


def _make(cls: Any, values: tuple[Any, ...]) -> object:
    """One frozen dataclass, by the snapshot's maker for its class (its slots set directly)."""
    names = slots_of(cls)
    if names is None or len(names) != len(values):
        raise ValueError(f"{cls.__name__} does not have these fields")
    return maker(cls, names)(*values)


def _index(state: dict[str, Any]) -> SearchIndex:
    index = object.__new__(SearchIndex)
    index.__dict__.update(state)
    index.common = common_sets(index.postings, index.common_df, index.size)  # not sent: built as it was
    return index


def _state(obj: object) -> dict[str, Any] | None:
    """What is written of an object the writer looks into: a dataclass's fields, an index's tables."""
    if type(obj) is SearchIndex:  # with its entries, which its own pickling leaves out (the disk cache's)
        return {k: v for k, v in vars(obj).items() if k != "common"}
    cls: Any = type(obj)
    names = slots_of(cls)
    return None if names is None else {n: getattr(obj, n) for n in names}


def _shared(items: list[Any]) -> list[Any]:
    """The items of a large container that later frames may refer to: entries (dataclasses), not words."""
    return [x for x in items if _dataclass(x)]


def _dataclass(x: Any) -> bool:
    cls: Any = type(x)
    return slots_of(cls) is not None


class _Frame(pickle.Pickler):
    def __init__(self, f: IO[bytes], ids: dict[int, int]) -> None:
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self.ids = ids

    def persistent_id(self, obj: Any) -> int | None:
        return self.ids.get(id(obj))

    def reducer_override(self, obj: Any) -> Any:
        state = _state(obj)
        if state is None:
            return NotImplemented
        if type(obj) is SearchIndex:
            return _index, (state,)
        return _make, (type(obj), tuple(state.values()))


class Writer:
    """Writes a value as frames: its large containers first, in parts, then the value referring to them."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.ids: dict[int, int] = {}
        self.alive: list[object] = []  # what `ids` names stays alive while writing, so no id is reused

    def _register(self, obj: object) -> None:
        self.ids[id(obj)] = len(self.alive)
        self.alive.append(obj)

    def _frame(self, value: object) -> None:
        _Frame(self.f, self.ids).dump(value)

    def _parts(self, obj: object) -> None:
        """Write every large container inside `obj` (depth first, in field order) as parts.

        A topic's sections go first, whatever their size: the index's entries, `source_by_id` and the like
        refer to their entries, which must then be the same objects, not copies.
        """
        if id(obj) in self.ids or isinstance(obj, str | bytes | int | float | type(None)):
            return
        if isinstance(obj, Topic):
            for section in obj.entries.values():
                if id(section) not in self.ids:
                    self._container(section, list(section))
        if isinstance(obj, list | tuple | dict):
            items = list(obj.items()) if isinstance(obj, dict) else list(obj)
            if len(items) > PART:
                self._container(obj, items)
                return
            for x in items:
                self._parts(x)
            return
        for value in (_state(obj) or {}).values():
            self._parts(value)

    def _container(self, obj: list[Any] | tuple[Any, ...] | dict[Any, Any], items: list[Any]) -> None:
        kind = type(obj).__name__
        for i in range(0, max(len(items), 1), PART):
            self._frame(("part", kind, i + PART >= len(items), items[i : i + PART]))
        self._register(obj)
        for x in _shared(list(obj.values()) if isinstance(obj, dict) else items):
            self._register(x)

    def write(self, value: object) -> None:
        self._parts(value)
        self._frame(("value", value))


class _Reading(pickle.Unpickler):
    def __init__(self, f: IO[bytes], table: list[object]) -> None:
        super().__init__(f)
        self.table = table

    def persistent_load(self, pid: Any) -> object:
        return self.table[pid]


def _join(kind: str, parts: list[list[Any]], pace: Callable[[], None]) -> list[Any] | tuple[Any, ...] | dict[Any, Any]:
    if kind == "dict":
        d: dict[Any, Any] = {}
        for p in parts:
            pace()
            d.update(p)
        return d
    items: list[Any] = []
    for p in parts:
        pace()
        items.extend(p)
    return tuple(items) if kind == "tuple" else items


def write(f: IO[bytes], value: Rebuilt) -> None:
    Writer(f).write(value)


def read(f: IO[bytes], pace: Callable[[], None] = lambda: None) -> object:
    """Read frames back one by one; between two, the answering thread gets its turn (`pace`: a `Pace`)."""
    table: list[object] = []
    parts: list[list[Any]] = []
    while True:
        pace()
        frame = _Reading(f, table).load()  # our own child's file, in a folder only this process and it know
        if frame[0] == "value":
            return frame[1]
        _, kind, last, items = frame
        parts.append(items)
        if last:
            whole = _join(kind, parts, pace)
            parts = []
            table.append(whole)
            for i, x in enumerate(whole.values() if isinstance(whole, dict) else whole):
                if i % PART == 0:
                    pace()
                if _dataclass(x):  # as `_shared` chose them when writing
                    table.append(x)


def main() -> int:
    """The child: the work is JSON on stdin; the result goes to the file named there; exit 0 when written."""
    with contextlib.suppress(OSError):
        os.nice(CHILD_NICENESS)
    gc.disable()  # a short-lived process building millions of objects that all stay alive until it exits
    work = json.loads(sys.stdin.buffer.read())
    root = Path(work["root"])
    served: Known = {p: (k, a) for p, (k, a) in work["known"].items()}
    try:
        result = build(root, Path(work["cache"]) if work["cache"] else None, served)
    except Exception as e:  # reported like the server's own reload would
        result = _failed(root, f"the reload failed ({type(e).__name__})")
    with open(work["out"], "wb") as f:
        write(f, result)
    return 0


if __name__ == "__main__":  # run as the module's own name, so that what it pickles names bot.core.rebuild
    from bot.core import rebuild

    sys.exit(rebuild.main())
