"""Throughput end to end: signed slash commands over HTTP against `factdesk serve` on synthetic knowledge, side
by side in the same run with a do-nothing Bolt app (bench/noop_app.py) on the same uvicorn and Bolt settings,
both fed the very same requests, in alternating rounds.

Two mixes: *cached*, ten questions asked again and again (answered from the answer and render caches), and
*uncached*, thousands of distinct questions, more than the caches hold, so every answer is searched and
rendered. Optionally `serve --workers 2` on the uncached mix, for scaling.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from bench.harness import Lab, lab, proc_status, throughput, verdicts, wait_listening, wait_ready

TARGETS = {"cached_ratio": 0.85, "uncached_ratio": 0.50, "uncached_p99_ms": 15.0, "workers_scaling": 1.7}


def median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def run(the_lab: Lab, seconds: float, rounds: int, connections: int, workers: bool) -> tuple[dict[str, float], bool]:
    noop = the_lab.noop()
    ours = the_lab.factdesk("factdesk serve", the_lab.tmp / "serve-cache")
    plan = [(noop, "cached"), (ours, "cached"), (noop, "uncached"), (ours, "uncached")]
    if workers:  # the do-nothing app's own scaling too: the ceiling the shared cores and the client allow
        noop2 = the_lab.noop("do-nothing Bolt app, 2 workers", "--workers", "2")
        ours2 = the_lab.factdesk("factdesk serve, 2 workers", the_lab.tmp / "serve-cache", "--workers", "2")
        plan += [(noop2, "uncached"), (ours2, "uncached")]
    started = [noop, ours, *([noop2, ours2] if workers else [])]
    for s in started:  # all started first, then measured in turn: the same machine state for each
        if s.name.startswith("do-nothing"):
            wait_listening(s)
        else:
            wait_ready(s, timeout=600)
    results: dict[str, list[dict[str, float]]] = {f"{s.name} | {mix}": [] for s, mix in plan}
    for r in range(rounds):
        for server, mix in plan:
            print(f"round {r + 1}/{rounds}: {server.name}, {mix}, {seconds:.0f} s ...", file=sys.stderr, flush=True)
            texts = the_lab.cached if mix == "cached" else the_lab.uncached
            results[f"{server.name} | {mix}"].append(throughput(server, texts, seconds, connections, the_lab.client))
    peak = proc_status(ours.proc.pid, "VmHWM")
    med = {name: median_of(rs) for name, rs in results.items()}
    print(f"\nmedians of {rounds} rounds of {seconds:.0f} s at {connections} connections, "
          f"{the_lab.entries:,} entries")  # fmt: skip
    print(f"{'server | mix':<40} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | server CPU ms/req"
          " | client CPU ms/req")  # fmt: skip
    for name, m in med.items():
        print(f"{name:<40} | {m['rps']:>7.0f} | {m['p50']:>7.2f} | {m['p99']:>7.2f} | {m['cpu_ms_per_request']:>17.3f}"
              f" | {m['client_cpu_ms_per_request']:>17.3f}")  # fmt: skip

    def ratio(a: str, b: str) -> float:
        return statistics.median(x["rps"] / y["rps"] for x, y in zip(results[a], results[b], strict=True))

    cached = ratio("factdesk serve | cached", "do-nothing Bolt app | cached")
    uncached = ratio("factdesk serve | uncached", "do-nothing Bolt app | uncached")
    p99 = med["factdesk serve | uncached"]["p99"]
    errors = sum(r["errors"] for rs in results.values() for r in rs)
    print(
        f"\nshare of the do-nothing app's throughput: cached {cached:.0%}, uncached {uncached:.0%} (per-round medians)"
    )
    print(f"peak RSS of factdesk serve: {peak:.0f} MB")
    checks = {
        f"cached >= {TARGETS['cached_ratio']:.0%} of the do-nothing app ({cached:.0%})": cached
        >= TARGETS["cached_ratio"],
        f"uncached >= {TARGETS['uncached_ratio']:.0%} of the do-nothing app ({uncached:.0%})": uncached
        >= TARGETS["uncached_ratio"],
        f"uncached p99 <= {TARGETS['uncached_p99_ms']:.0f} ms at {connections} connections ({p99:.1f} ms)": p99
        <= TARGETS["uncached_p99_ms"],
        f"no failed request ({errors:.0f})": errors == 0,
    }
    figures = {"cached_ratio": cached, "uncached_ratio": uncached, "uncached_p99_ms": p99, "peak_rss_mb": peak}
    if workers:
        scaling = ratio("factdesk serve, 2 workers | uncached", "factdesk serve | uncached")
        baseline = ratio("do-nothing Bolt app, 2 workers | uncached", "do-nothing Bolt app | uncached")
        figures["workers_scaling"], figures["noop_workers_scaling"] = scaling, baseline
        print(f"scaling 1 -> 2 workers, uncached: {scaling:.2f}x requests/s; the do-nothing app's own: {baseline:.2f}x "
              "(the load generator shares the cores)")  # fmt: skip
        checks[f"1 -> 2 workers >= {TARGETS['workers_scaling']}x uncached ({scaling:.2f}x)"] = (
            scaling >= TARGETS["workers_scaling"]
        )
    print(json.dumps({"medians": med, "rounds": results}), file=sys.stderr)
    return figures, verdicts(checks, the_lab.entries)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench serve",
        description="Cached and uncached answers against the do-nothing Bolt app, in alternating rounds.",
        epilog="example: python -m bench serve --entries 100000 --seconds 8 --rounds 3 --workers",
    )
    p.add_argument("--entries", type=int, default=100_000, help="synthetic knowledge size (default 100000)")
    p.add_argument("--seconds", type=float, default=8.0, help="length of one measured round (default 8)")
    p.add_argument("--rounds", type=int, default=3, help="rounds per server and mix; medians are reported")
    p.add_argument("--connections", type=int, default=16, help="keep-alive connections (default 16)")
    p.add_argument("--workers", action="store_true", help="also factdesk serve --workers 2 (scaling)")
    p.add_argument("--python-client", action="store_true",
                   help="load with the Python client even when the C one (bench/loadgen.c) compiles")  # fmt: skip
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    with lab(args.entries) as the_lab:
        if args.python_client:
            the_lab.client = None
        print(f"load generator: {'bench/loadgen.c' if the_lab.client else 'Python (bench/harness.py)'}")
        _, ok = run(the_lab, args.seconds, args.rounds, args.connections, args.workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
