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


def test_with_a_doorkeeper_a_key_is_kept_from_its_second_put() -> None:
    cache: LRU[str, int] = LRU(4, doorkeeper=True)
    assert cache.put("a", 1) == 1 and cache.get("a") is None  # the first time: returned, not kept
    cache.put("a", 1)
    assert cache.get("a") == 1
    cache.put("a", 2)  # kept keys are replaced as usual
    assert cache.get("a") == 2 and len(cache) == 1


def test_a_doorkeeper_keeps_a_long_tail_of_one_off_keys_out() -> None:
    cache: LRU[str, int] = LRU(4, doorkeeper=True)
    for _ in range(2):
        cache.put("asked again", 0)
    for _ in range(3):  # a cycle of keys longer than the cache: each is seen again only long after
        for i in range(10):
            cache.put(f"once {i}", i)
    assert len(cache) == 1 and cache.get("asked again") == 0
    plain: LRU[str, int] = LRU(4)
    for i in range(10):
        plain.put(f"once {i}", i)
    assert len(plain) == 4 and plain.get("asked again") is None
