"""One bounded cache for the answers and rendered payloads that reporters ask for again and again."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A mapping of at most `size` entries (and, with `weigh`, at most `budget` in weight, e.g. bytes) that
    forgets the least recently used first, so no input can make it grow past a stated bound.

    Keys carry the knowledge version, so entries of an older knowledge are never hit again and simply age out.

    With `doorkeeper`, a key is kept only the second time it is put within about `size` puts (the first time
    only its hash is noted, in a set emptied whenever it reaches `size`): the admission filter of TinyLFU
    (Einberger, Friedman, Manes, 2017). Questions asked once, most of a long tail of them, then neither evict
    the answers reporters do ask again nor churn the cache's memory, one new payload of kilobytes each; a
    question asked again soon is kept from its second time.
    """

    def __init__(
        self,
        size: int,
        *,
        budget: int | None = None,
        weigh: Callable[[V], int] | None = None,
        doorkeeper: bool = False,
    ) -> None:
        self.size = size
        self.budget = budget
        self.weigh = weigh
        self.weight = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._seen: set[int] | None = set() if doorkeeper else None

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        seen = self._seen
        if seen is not None and key not in self._items:
            h = hash(key)
            if h not in seen:  # the first time: noted, not kept
                if len(seen) >= self.size:
                    seen.clear()
                seen.add(h)
                return value
            seen.discard(h)
        old = self._items.pop(key, None)
        if old is not None and self.weigh:
            self.weight -= self.weigh(old)
        self._items[key] = value
        if self.weigh:
            self.weight += self.weigh(value)
        while len(self._items) > self.size or (self.budget is not None and self.weight > self.budget):
            _, gone = self._items.popitem(last=False)
            if self.weigh:
                self.weight -= self.weigh(gone)
        return value

    def __len__(self) -> int:
        return len(self._items)
