"""The one bounded cache: no input makes it grow past its count or its weight."""

from __future__ import annotations

from bot.core.cache import LRU


def test_count_bound_forgets_the_least_recently_used() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and len(cache) == 2


def test_weight_bound_holds_whatever_is_put() -> None:
    cache: LRU[int, str] = LRU(1000, budget=100, weigh=len)
    for n in range(50):
        cache.put(n, "x" * (n % 40))
        assert cache.weight <= 100
    assert cache.weight == sum(len(v) for v in cache._items.values())
    cache.put(7, "y" * 500)  # heavier than the whole budget: it cannot be kept either
    assert cache.weight <= 100 and cache.get(7) is None


def test_putting_a_key_again_replaces_its_weight() -> None:
    cache: LRU[str, str] = LRU(10, budget=10, weigh=len)
    cache.put("k", "abcdef")
    cache.put("k", "ab")
    assert cache.weight == 2 and len(cache) == 1
