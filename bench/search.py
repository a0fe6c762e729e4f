"""Search benchmark: load+index time, peak memory and query latency at 1k, 10k and 100k entries.

Side by side, in the same run and on the same corpus and queries:
- factdesk's engine (the whole `answer()` path: parse, search, build the Answer);
- (a) a naive rapidfuzz full scan (`process.extract` with WRatio over every entry);
- (b) SQLite FTS5 with bm25 ranking.

Each query is generated from a known entry, so the benchmark also reports how often each method finds that
entry first (exact alias, the alias with one typo, and four consecutive words of the entry's text).
Load figures come from a fresh process per measurement, so peak RSS is that of loading alone.
"""

from __future__ import annotations

import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGETS = {"p99_ms": 5.0, "vs_naive": 100.0, "vs_fts5": 2.0, "load_index_s": 3.0, "rss_mb": 400.0}


@dataclass
class Q:
    kind: str  # exact | typo | free
    text: str
    entry_id: str


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("swap", "drop", "sub"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiouklmnrst") + word[i + 1 :]


def queries(data: dict[str, Any], n: int, seed: int = 11) -> list[Q]:
    """A fixed mix: a third exact alias words, a third with one typo, a third free words from the text."""
    rng = random.Random(seed)
    pool = [(f["id"], f["aliases"], f["text"]) for f in data["facts"]] + [
        (e["id"], e["aliases"], e["what"]) for e in data["timeline"]
    ]
    out: list[Q] = []
    while len(out) < n:
        ident, aliases, text = rng.choice(pool)
        alias = aliases[0]
        kind = ("exact", "typo", "free")[len(out) % 3]
        if kind == "exact":
            out.append(Q(kind, alias, ident))
        elif kind == "typo":  # the alias with one typo in its longest word, as a reporter mistypes a name
            words = alias.split()
            i = max(range(len(words)), key=lambda k: len(words[k]))
            if len(words[i]) < 5:
                continue
            words[i] = _typo(words[i], rng)
            out.append(Q(kind, " ".join(words), ident))
        else:
            words = [w.strip(".").lower() for w in text.split()]
            start = rng.randrange(0, max(1, len(words) - 4))
            out.append(Q(kind, " ".join(words[start : start + 4]), ident))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure_load(folder: Path, cache: Path | None) -> dict[str, float]:
    """Run in a child process: load + index once, report seconds and peak RSS."""
    from bot.core.engine import Catalog
    from bot.core.loader import load

    t0 = time.perf_counter()
    result = load(folder, cache)
    t1 = time.perf_counter()
    assert result.knowledge is not None, result.errors[:3]
    Catalog.build(result.knowledge, cache)
    t2 = time.perf_counter()
    return {"load_s": t1 - t0, "index_s": t2 - t1, "rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries that over from the parent across
    fork and exec, so a child started by a big parent reported the parent's peak (495 MB instead of 349)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(folder: Path, cache: Path | None) -> dict[str, float]:
    args = [sys.executable, "-m", "bench.search", "--measure-load", str(folder), str(cache) if cache else "-"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _fts5(data: dict[str, Any]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table e using fts5(id unindexed, keys, body)")
    rows = [(f["id"], " ".join(f["aliases"]), f["text"]) for f in data["facts"]]
    rows += [(e["id"], " ".join(e["aliases"]), e["what"]) for e in data["timeline"]]
    rows += [(q["id"], q["text"], q["context"]) for q in data["quotes"]]
    rows += [(p["id"], " ".join([p["name"], *p.get("aliases", [])]), p.get("role", "")) for p in data["people"]]
    db.executemany("insert into e values (?, ?, ?)", rows)
    return db


def _fts5_query(db: sqlite3.Connection, text: str) -> list[str]:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split() if w]
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    return [r[0] for r in db.execute("select id from e where e match ? order by bm25(e) limit 5", (match,))]


def run_size(entries: int, n_queries: int, naive_queries: int, workdir: Path) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from bench.synth import generate
    from bot.core.engine import Catalog
    from bot.core.loader import load
    from bot.core.query import parse

    folder = workdir / f"k{entries}"
    cache = workdir / f"cache{entries}"
    t0 = time.perf_counter()
    data = generate(folder, entries)
    gen_s = time.perf_counter() - t0
    cold = _child(folder, cache)  # parses the YAML, fills the cache
    warm = _child(folder, cache)  # what a restart or an unchanged reload costs

    result = load(folder, cache)
    assert result.knowledge is not None
    engine = Catalog.build(result.knowledge, cache).engine("/synth")
    assert engine is not None
    qs = queries(data, n_queries)

    def found(ids: list[str], q: Q) -> bool:
        """Top-1: the bot shows its best answer first, so that is what must be right."""
        return bool(ids) and ids[0] == q.entry_id

    ours: list[float] = []
    ours_hits: dict[str, list[bool]] = {"exact": [], "typo": [], "free": []}
    for q in qs:
        t = time.perf_counter()
        answer = engine.answer(parse(q.text))
        ours.append((time.perf_counter() - t) * 1000)
        ours_hits[q.kind].append(found([i.entry_id or "" for i in answer.items], q))

    db = _fts5(data)
    fts: list[float] = []
    fts_hits: dict[str, list[bool]] = {"exact": [], "typo": [], "free": []}
    for q in qs:
        t = time.perf_counter()
        ids = _fts5_query(db, q.text)
        fts.append((time.perf_counter() - t) * 1000)
        fts_hits[q.kind].append(found(ids, q))

    texts = [" ".join(f["aliases"]) + " " + f["text"] for f in data["facts"]]
    texts += [" ".join(e["aliases"]) + " " + e["what"] for e in data["timeline"]]
    naive: list[float] = []
    for q in qs[:naive_queries]:
        t = time.perf_counter()
        process.extract(q.text, texts, scorer=fuzz.WRatio, limit=5)
        naive.append((time.perf_counter() - t) * 1000)

    def rate(h: dict[str, list[bool]]) -> dict[str, float]:
        return {k: round(100 * sum(v) / len(v), 1) for k, v in h.items() if v}

    return {
        "entries": entries,
        "generate_s": round(gen_s, 2),
        "cold": cold,
        "warm": warm,
        "ours_ms": {"p50": statistics.median(ours), "p99": pct(ours, 99)},
        "fts5_ms": {"p50": statistics.median(fts), "p99": pct(fts, 99)},
        "naive_ms": {"p50": statistics.median(naive), "p99": pct(naive, 99), "queries": len(naive)},
        "ours_found_pct": rate(ours_hits),
        "fts5_found_pct": rate(fts_hits),
    }


def report(rows: list[dict[str, Any]]) -> bool:
    print()
    print("entries | load+index cold s | load+index warm s | peak RSS warm MB | ours p50/p99 ms | FTS5 p50/p99 ms "
          "| naive p50 ms | ours vs naive | ours/FTS5 p50 | found ours exact/typo/free % | found FTS5 %")  # fmt: skip
    ok = True
    for r in rows:
        cold = r["cold"]["load_s"] + r["cold"]["index_s"]
        warm = r["warm"]["load_s"] + r["warm"]["index_s"]
        speedup = r["naive_ms"]["p50"] / r["ours_ms"]["p50"]
        vs_fts = r["ours_ms"]["p50"] / r["fts5_ms"]["p50"]
        fo, ff = r["ours_found_pct"], r["fts5_found_pct"]
        print(
            f"{r['entries']:>7} | {cold:>17.2f} | {warm:>17.2f} | {r['warm']['rss_mb']:>16.0f} | "
            f"{r['ours_ms']['p50']:>6.2f}/{r['ours_ms']['p99']:<6.2f} | "
            f"{r['fts5_ms']['p50']:>6.2f}/{r['fts5_ms']['p99']:<6.2f} "
            f"| {r['naive_ms']['p50']:>12.1f} | {speedup:>12.0f}x | {vs_fts:>12.2f}x | "
            f"{fo['exact']:.0f}/{fo['typo']:.0f}/{fo['free']:.0f} | "
            f"{ff['exact']:.0f}/{ff['typo']:.0f}/{ff['free']:.0f}"
        )
    big = rows[-1]
    checks = {
        f"query p99 <= {TARGETS['p99_ms']} ms": big["ours_ms"]["p99"] <= TARGETS["p99_ms"],
        f">= {TARGETS['vs_naive']:.0f}x faster than the naive scan (p50)": big["naive_ms"]["p50"]
        / big["ours_ms"]["p50"]
        >= TARGETS["vs_naive"],
        f"within {TARGETS['vs_fts5']}x of FTS5 (p50)": big["ours_ms"]["p50"]
        <= TARGETS["vs_fts5"] * big["fts5_ms"]["p50"],
        "finds more typo'd queries than FTS5": big["ours_found_pct"]["typo"] > big["fts5_found_pct"]["typo"],
        f"warm load+index <= {TARGETS['load_index_s']} s": big["warm"]["load_s"] + big["warm"]["index_s"]
        <= TARGETS["load_index_s"],
        f"peak RSS (warm load) <= {TARGETS['rss_mb']:.0f} MB": big["warm"]["rss_mb"] <= TARGETS["rss_mb"],
    }
    print(f"\ntargets at {big['entries']} entries:")
    for name, passed in checks.items():
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return ok


def main(argv: list[str]) -> int:
    if argv[:1] == ["--measure-load"]:
        cache = None if argv[2] == "-" else Path(argv[2])
        print(json.dumps(measure_load(Path(argv[1]), cache)))
        return 0
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench search",
        description="Per size: cold and warm load, peak RSS, query latency and top-1 accuracy, beside a naive "
        "rapidfuzz scan and SQLite FTS5 on the same synthetic corpus.",
        epilog="example: python -m bench search 1000,10000",
    )
    parser.add_argument("sizes", nargs="?", default="1000,10000,100000", help="comma-separated entry counts")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"SIZES must be whole numbers separated by commas, e.g. 1000,10000 (got {args.sizes!r})")
    with tempfile.TemporaryDirectory(prefix="factdesk-bench-") as tmp:
        rows = []
        for size in sizes:
            print(f"benchmarking {size} entries ...", file=sys.stderr, flush=True)
            rows.append(run_size(size, n_queries=600, naive_queries=20 if size >= 100_000 else 60, workdir=Path(tmp)))
        print(json.dumps(rows, indent=1), file=sys.stderr)
    return 0 if report(rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
