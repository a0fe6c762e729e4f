"""Cold start: from `factdesk serve` with an empty parse cache to /healthz 200 (knowledge parsed, verified,
indexed, listening), wall time and the server's peak RSS; a warm start (cache kept) beside it for comparison."""

from __future__ import annotations

import argparse
import statistics
import sys

from bench.harness import Lab, lab, proc_status, verdicts, wait_ready

TARGETS = {"cold_s": 1.5, "peak_rss_mb": 400.0}


def run(the_lab: Lab, runs: int) -> tuple[dict[str, float], bool]:
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for r in range(runs):
        cache = the_lab.tmp / f"startup-cache-{r}"  # fresh: nothing parsed yet
        for kind, out in (("cold", cold), ("warm", warm)):
            print(f"start {r + 1}/{runs}: {kind} ...", file=sys.stderr, flush=True)
            server = the_lab.factdesk(f"startup {kind}", cache)
            took = wait_ready(server)
            out.append((took, proc_status(server.proc.pid, "VmHWM")))
            the_lab.stop(server)
    m = {
        "cold_s": statistics.median(t for t, _ in cold),
        "cold_peak_rss_mb": max(p for _, p in cold),
        "warm_s": statistics.median(t for t, _ in warm),
        "warm_peak_rss_mb": max(p for _, p in warm),
    }
    print(f"\nstart to /healthz 200 at {the_lab.entries:,} entries, median of {runs} (peak RSS: the largest)")
    print(f"  cold (empty cache): {m['cold_s']:.2f} s, peak RSS {m['cold_peak_rss_mb']:.0f} MB")
    print(f"  warm (cache kept):  {m['warm_s']:.2f} s, peak RSS {m['warm_peak_rss_mb']:.0f} MB")
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
        description="Cold start (empty cache) and warm start of factdesk serve: seconds to /healthz 200, peak RSS.",
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
