"""Cold start of a new pod: `factdesk serve` to /healthz 200, wall time and the server's peak RSS, from the
snapshot `factdesk snapshot` wrote (what the image or the init container beside git-sync builds), against the
baseline in the same run: a cold start with an empty cache, which parses, verifies and indexes every file.
The snapshot's own build (time and peak RSS of `factdesk snapshot`, the init step) is printed beside them."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Lab, lab, proc_status, verdicts, wait_ready

TARGETS = {"cold_s": 1.5, "peak_rss_mb": 400.0}


def build_snapshot(the_lab: Lab, cache: Path) -> tuple[float, float]:
    """`factdesk snapshot` into `cache`, as the init step runs it: wall seconds and its peak RSS in MB."""
    env = the_lab.env(cache)
    args = [sys.executable, "-m", "bot", "snapshot", str(the_lab.knowledge), "--into", str(cache), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"factdesk snapshot failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return took, usage.ru_maxrss / 1024


def run(the_lab: Lab, runs: int) -> tuple[dict[str, float], bool]:
    print("factdesk snapshot (the init step) ...", file=sys.stderr, flush=True)
    snapshot_cache = the_lab.tmp / "startup-snapshot"
    built_s, built_rss = build_snapshot(the_lab, snapshot_cache)
    full: list[tuple[float, float]] = []
    snap: list[tuple[float, float]] = []
    for r in range(runs):  # alternating: the same machine state for each
        for kind, cache, out in (
            ("full load, empty cache", the_lab.tmp / f"startup-cache-{r}", full),
            ("from the snapshot", snapshot_cache, snap),
        ):
            print(f"start {r + 1}/{runs}: {kind} ...", file=sys.stderr, flush=True)
            server = the_lab.factdesk(f"startup {kind}", cache)
            took = wait_ready(server)
            out.append((took, proc_status(server.proc.pid, "VmHWM")))
            the_lab.stop(server)
    m = {
        "cold_s": statistics.median(t for t, _ in snap),
        "cold_peak_rss_mb": max(p for _, p in snap),
        "full_s": statistics.median(t for t, _ in full),
        "full_peak_rss_mb": max(p for _, p in full),
        "snapshot_build_s": built_s,
        "snapshot_build_rss_mb": built_rss,
    }
    print(f"\nstart to /healthz 200 at {the_lab.entries:,} entries, median of {runs} (peak RSS: the largest)")
    print(f"  cold, from the snapshot:           {m['cold_s']:.2f} s, peak RSS {m['cold_peak_rss_mb']:.0f} MB")
    print(f"  cold, full load (baseline):        {m['full_s']:.2f} s, peak RSS {m['full_peak_rss_mb']:.0f} MB "
          f"({m['full_s'] / m['cold_s']:.1f}x the snapshot's time)")  # fmt: skip
    print(f"  factdesk snapshot (the init step): {built_s:.2f} s, peak RSS {built_rss:.0f} MB")
    ok = verdicts(
        {
            f"cold start <= {TARGETS['cold_s']} s ({m['cold_s']:.2f} s)": m["cold_s"] <= TARGETS["cold_s"],
            f"peak RSS <= {TARGETS['peak_rss_mb']:.0f} MB ({m['cold_peak_rss_mb']:.0f} MB)": m["cold_peak_rss_mb"]
            <= TARGETS["peak_rss_mb"],
        },
        the_lab.entries,
    )
    return m, ok


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench startup",
        description="Cold start of factdesk serve from a snapshot, and with a full load: seconds to /healthz 200, RSS.",
        epilog="example: python -m bench startup --entries 100000 --runs 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--entries", type=int, default=100_000, help="synthetic knowledge size (default 100000)")
    p.add_argument("--runs", type=int, default=3, help="starts of each kind; medians are reported")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    with lab(args.entries) as the_lab:
        _, ok = run(the_lab, args.runs)
    return 0 if ok else 1
