"""Reload stall: a steady stream of signed commands while the knowledge is edited and reloaded (SIGHUP, the
file changed so the parse cache misses, as after a maintainer's edit): the slowest answer and the p99 during
each reload against the same stream before any, and the server's RSS after the 1st and after the 5th reload
(a reload must not leak the knowledge it replaced)."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sys
import time

from bench.harness import Lab, Sample, lab, load, pct, proc_status, verdicts, wait_ready
from bench.startup import build_snapshot
from bot.core.store import RETIRE_SECONDS

TARGETS = {"max_ms": 50.0, "rss_growth": 0.10}


def run(the_lab: Lab, reloads: int, connections: int, every: float, quiet: float) -> tuple[dict[str, float], bool]:
    cache = the_lab.tmp / "reload-cache"
    print("factdesk snapshot (the server starts from it, as a deployed one does) ...", file=sys.stderr, flush=True)
    build_snapshot(the_lab, cache)
    server = the_lab.factdesk("reload", cache)
    wait_ready(server)
    topic = the_lab.knowledge / "synth.yaml"
    windows: list[tuple[float, float]] = []
    phases: dict[str, list[tuple[float, float]]] = {"building": [], "reading and swapping": [], "retiring": []}
    rss: dict[int, float] = {}

    async def reload_all() -> None:
        await asyncio.sleep(quiet)  # the stream before any reload: the baseline
        for n in range(1, reloads + 1):
            with topic.open("a", encoding="utf-8") as f:
                f.write(f"# edit {n}\n")  # new content: the whole file is parsed again, as after an edit
            t0 = time.perf_counter()
            os.kill(server.proc.pid, signal.SIGHUP)
            built = None
            while server.reloads() < n:
                if time.perf_counter() - t0 > 300:
                    raise RuntimeError(f"reload {n} not done in 300 s")
                if built is None and server.count("knowledge_rebuilt") >= n:
                    built = time.perf_counter()
                await asyncio.sleep(0.02)
            swapped = time.perf_counter()
            # The window ends once the replaced knowledge is taken apart (RETIRE_SECONDS after the swap).
            await asyncio.sleep(RETIRE_SECONDS + 1.0)
            end = time.perf_counter()
            windows.append((t0, end))
            phases["building"].append((t0, built or t0))
            phases["reading and swapping"].append((built or t0, swapped + 0.2))
            phases["retiring"].append((swapped + 0.2, end))
            rss[n] = proc_status(server.proc.pid, "VmRSS")
            print(f"reload {n}/{reloads}: {swapped - t0:.2f} s, RSS after the retirement {rss[n]:.0f} MB",
                  file=sys.stderr)  # fmt: skip

    samples: list[Sample] = []

    async def stream_until_done() -> None:
        stop = asyncio.Event()

        async def controller() -> None:
            try:
                await reload_all()
            finally:
                stop.set()

        async def streamer() -> None:
            while not stop.is_set():
                samples.extend(await load(server.port, the_lab.uncached, 0.5, connections, every=every,
                                           offset=len(samples)))  # fmt: skip

        await asyncio.gather(controller(), streamer())

    asyncio.run(stream_until_done())
    server_peak = proc_status(server.proc.pid, "VmHWM")
    the_lab.stop(server)
    child_peak = max((float(m) for m in re.findall(r'"children_peak_mb": ?(\d+)', server.log.read_text("utf-8"))),
                     default=float("nan"))  # fmt: skip
    first = windows[0][0] if windows else float("inf")
    before = [s.ms for s in samples if s.sent < first]
    during = [s.ms for s in samples if any(a <= s.sent <= b for a, b in windows)]
    by_phase = {k: [s.ms for s in samples if any(a <= s.sent <= b for a, b in spans)] for k, spans in phases.items()}
    errors = sum(not s.ok for s in samples)
    m = {
        "baseline_p99_ms": pct(before, 99),
        "baseline_max_ms": max(before, default=float("nan")),
        "reload_p99_ms": pct(during, 99),
        "reload_max_ms": max(during, default=float("nan")),
        "answers_during_reloads": float(len(during)),
        "rss_after_1_mb": rss.get(1, 0.0),
        f"rss_after_{reloads}_mb": rss.get(reloads, 0.0),
        "errors": float(errors),
        "server_peak_mb": server_peak,
        "child_peak_mb": child_peak,
    }
    growth = rss.get(reloads, 0.0) / rss[1] - 1 if rss.get(1) else float("nan")
    print(f"\nreload stall at {the_lab.entries:,} entries, {connections} connections, one request per "
          f"{every * 1000:.0f} ms each")  # fmt: skip
    print(f"  before any reload: p99 {m['baseline_p99_ms']:.1f} ms, max {m['baseline_max_ms']:.1f} ms "
          f"({len(before)} answers)")  # fmt: skip
    print(f"  during {reloads} reloads: p99 {m['reload_p99_ms']:.1f} ms, max {m['reload_max_ms']:.1f} ms "
          f"({len(during)} answers)")  # fmt: skip
    for name, values in by_phase.items():
        slow = sorted((s for s in samples if any(a <= s.sent <= b for a, b in phases[name])), key=lambda s: -s.ms)[:3]
        into = ", ".join(f"{s.ms:.0f} ms at +{s.sent - max(a for a, _ in phases[name] if a <= s.sent):.2f} s"
                         for s in slow)  # fmt: skip
        print(f"    {name}: p99 {pct(values, 99):.1f} ms, max {max(values, default=float('nan')):.1f} ms "
              f"({len(values)} answers; slowest {into} into the phase)")  # fmt: skip
    print(f"  peak RSS: the server {server_peak:.0f} MB (its start from the snapshot included), "
          f"the child that built a reload {child_peak:.0f} MB")  # fmt: skip
    print(f"  RSS after 1 reload {rss.get(1, 0):.0f} MB, after {reloads}: {rss.get(reloads, 0):.0f} MB "
          f"({growth:+.1%})")  # fmt: skip
    ok = verdicts(
        {
            f"no answer slower than {TARGETS['max_ms']:.0f} ms during a reload (max {m['reload_max_ms']:.1f} ms)": m[
                "reload_max_ms"
            ]
            <= TARGETS["max_ms"],
            f"RSS after {reloads} reloads within {TARGETS['rss_growth']:.0%} of after 1 ({growth:+.1%})": abs(growth)
            <= TARGETS["rss_growth"],
            f"no failed request ({errors})": errors == 0,
        },
        the_lab.entries,
    )
    return m, ok


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench reload",
        description="Latency of a steady request stream while the knowledge is edited and reloaded; RSS growth.",
        epilog="example: python -m bench reload --entries 100000 --reloads 5",
    )
    p.add_argument("--entries", type=int, default=100_000, help="synthetic knowledge size (default 100000)")
    p.add_argument("--reloads", type=int, default=5, help="edits + reloads in a row (default 5)")
    p.add_argument("--connections", type=int, default=4, help="connections of the steady stream (default 4)")
    p.add_argument("--every-ms", type=float, default=10.0, help="per connection, one request this often")
    p.add_argument("--quiet-seconds", type=float, default=10.0, help="the stream alone before any reload (default 10)")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.reloads < 1:
        parser().error("--reloads must be at least 1")
    with lab(args.entries) as the_lab:
        _, ok = run(the_lab, args.reloads, args.connections, args.every_ms / 1000, args.quiet_seconds)
    return 0 if ok else 1
