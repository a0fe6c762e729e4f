"""Bulk construction without the cyclic garbage collector walking it (see `bulk_build`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
    not walked), so little that is already garbage is frozen with it.
    """
    was_enabled = gc.isenabled()
    gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _big(x: object, batch: int) -> bool:
    value = getattr(x, "value", x) if type(x).__module__ == "yaml.nodes" else x
    return isinstance(value, list | dict) and len(value) > batch


def release(obj: object, batch: int = 256) -> None:
    """Empty a large structure that nothing else uses a little at a time, instead of in one deallocation.

    Freeing a parsed 30 MB topic file (its YAML nodes, positions, plain data) is a few million deallocations
    in one C cascade that holds the GIL: ~0.5 s during which no answer is served while a reload runs in its
    thread. Removed item by item from its big lists and dicts (and YAML nodes' lists), each step frees only a
    small subtree and the interpreter can switch threads between steps. The caller must own `obj` outright.
    """
    stack = [obj]
    while stack:
        x = stack.pop()
        items = getattr(x, "value", None) if type(x).__module__ == "yaml.nodes" else x
        if isinstance(items, list):
            while items:
                item = items.pop()
                if isinstance(item, tuple):
                    stack.extend(i for i in item if _big(i, batch))
                elif _big(item, batch):
                    stack.append(item)
        elif isinstance(items, dict):
            while items:
                _, item = items.popitem()
                if _big(item, batch):
                    stack.append(item)
