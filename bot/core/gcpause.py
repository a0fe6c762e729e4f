"""Keeping the garbage collector and large deallocations from stalling answers: bulk construction without the
cyclic collector walking it (`bulk_build`, `whole_reload`), and large structures freed piece by piece
(`release`, `retire`), so the interpreter can switch to the thread serving answers between pieces."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

RELOAD_SWITCH_SECONDS = 0.001


@contextmanager
def bulk_build() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects that all stay alive.

    Each collection would walk everything already built only to free nothing; at 100k entries that was a
    third of the build time. Collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def whole_reload() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a whole reload, and out of what it built for good.

    Pausing it piece by piece (`bulk_build`) was not enough: when it was turned back on at the end of a build,
    the millions of new objects set off three collections in a row, the last a full one, each walking the
    whole heap while holding the GIL, so every answer waited 1.4-2.0 s at 100,000 entries. Here it stays off
    until the new knowledge is built and swapped in, and everything alive then is frozen: moved out of the
    collector's reach. The knowledge has no reference cycles, so the old one is still freed, by reference
    counting, when the last request using it ends. Young garbage is collected first (cheap: the frozen heap is
    not walked), so little that is already garbage is frozen with it. Meanwhile the interpreter offers the GIL
    to the thread serving answers every millisecond instead of every 5: an answer needs it a few times, and
    each wait was up to 5 ms behind the reload's thread.
    """
    was_enabled = gc.isenabled()
    gc.collect(1)
    gc.disable()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, RELOAD_SWITCH_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        gc.freeze()
        if was_enabled:
            gc.enable()


class Pace:
    """Work in short stretches with rests between them, for a thread of the serving process that has much
    Python work to do while answers are served (reading a reload's result, taking the old knowledge apart).

    Offering the GIL every millisecond is not enough: two threads that both want it pass it back and forth,
    and each time the answering thread releases it for a moment (every read, write or log line) it waits a
    whole switch interval to get it back, so an answer took several times as long while a reload was read
    back. During a rest the answering thread has the GIL to itself. Call it often; it rests only once a
    stretch of `work` seconds is done, for `rest` seconds.
    """

    def __init__(self, work: float = 0.002, rest: float = 0.002) -> None:
        self.work = work
        self.rest = rest
        self.since = time.perf_counter()

    def __call__(self) -> None:
        if time.perf_counter() - self.since >= self.work:
            time.sleep(self.rest)
            self.since = time.perf_counter()


def _never() -> None:
    return None


def _big(x: object, batch: int) -> bool:
    value = getattr(x, "value", x) if type(x).__module__ == "yaml.nodes" else x
    return isinstance(value, list | dict) and len(value) > batch


def release(obj: object, batch: int = 256, pace: Callable[[], None] = _never) -> None:
    """Empty a large structure that nothing else uses a little at a time, instead of in one deallocation.

    Freeing a parsed 30 MB topic file (its YAML nodes, positions, plain data) is a few million deallocations
    in one C cascade that holds the GIL: ~0.5 s during which no answer is served while a reload runs in its
    thread. Removed item by item from its big lists and dicts (and YAML nodes' lists), each step frees only a
    small subtree and the interpreter can switch threads between steps. The caller must own `obj` outright.
    `pace` (a `Pace`) is called every `batch` items.
    """
    stack = [obj]
    n = 0
    while stack:
        x = stack.pop()
        items = getattr(x, "value", None) if type(x).__module__ == "yaml.nodes" else x
        if isinstance(items, list):
            while items:
                n += 1
                if n % batch == 0:
                    pace()
                item = items.pop()
                if isinstance(item, tuple):
                    stack.extend(i for i in item if _big(i, batch))
                elif _big(item, batch):
                    stack.append(item)
        elif isinstance(items, dict):
            while items:
                n += 1
                if n % batch == 0:
                    pace()
                _, item = items.popitem()
                if _big(item, batch):
                    stack.append(item)


def retire(old: Any, kept: Iterable[object] = (), pace: Callable[[], None] = _never) -> None:
    """Take apart a knowledge base nobody uses any more (a `Catalog` swapped out by a reload) piece by piece.

    Dropped at once, its last reference would free millions of objects in one cascade holding the GIL (~0.6 s
    at 100,000 entries, measured under load). Each topic's entries and each index's tables are emptied with
    `release` instead. `kept` are the topics and indexes the new knowledge still uses (unchanged files).
    """
    keep = {id(k) for k in kept}
    for engine in old.engines.values():
        index = engine.index
        if id(index) in keep:
            continue
        entries, index.entries = list(index.entries), ()
        release(entries, pace=pace)
        for value in list(vars(index).values()):
            if isinstance(value, list | dict):
                release(value, pace=pace)
    for topic in old.knowledge.topics:
        if id(topic) in keep:
            continue
        for section in list(topic.entries):
            items = list(topic.entries.pop(section))
            release(items, pace=pace)
        release(topic.source_by_id, pace=pace)
        release(topic.person_by_id, pace=pace)


@cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # pragma: no cover - not glibc
        return None


def trim() -> None:
    """Hand memory freed by a reload back to the operating system, so resident memory stays flat from one
    reload to the next. glibc keeps freed heap for reuse (and a piecewise free leaves it in holes);
    `malloc_trim` returns what it can. The call runs without the GIL (ctypes), so answers go on meanwhile;
    elsewhere than glibc it is a no-op."""
    libc = _libc()
    trim_heap = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim_heap is not None:
        trim_heap(0)
