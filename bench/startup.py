"""Cold start of a new pod: `factdesk serve` to /healthz 200, wall time and the peak RSS of its process tree,
from the snapshot `factdesk snapshot` wrote (what the image or the init container beside git-sync builds),
against the baseline in the same run: a cold start with an empty cache, which parses, verifies and indexes
every file. The snapshot's own build (time and peak RSS of `factdesk snapshot`, the init step) is printed
beside them.

Each start is what a new pod does: its own cache folder holding only the snapshot the init step built (never
what an earlier start left there), modules compiled as the image's `pip install` compiles them, and its log
read back: a start meant to come from the snapshot that loaded the files instead (the snapshot refused as
stale, say) stops the run with the reason the server logged, rather than hiding a full load in the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from bench.harness import Lab, Server, children, lab, proc_status, verdicts, wait_ready
from tests.support.paths import ROOT

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


def compile_modules() -> None:
    """Compile every module a server imports, as the image's `pip install` does: a start that compiles its
    imports from source (no bytecode written, PYTHONDONTWRITEBYTECODE) spends a second on what a pod never does."""
    paths = [str(ROOT / "bot"), sysconfig.get_paths()["purelib"]]
    # Not checked: a package may ship a file no Python 3 compiles (a template, an example); the rest is compiled.
    args = [sys.executable, "-m", "compileall", "-q", "-j", "0", *paths]
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL)


def loaded_from(log: str) -> str:
    """How a server's first load went, from its log: "snapshot", or "files" (with the reason a snapshot was
    refused, when it logged one)."""
    source, why = "files", ""
    for line in log.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        if event.get("event") == "snapshot_used":
            source = "snapshot"
        elif event.get("event") == "snapshot_not_used":
            why = str(event.get("reason", ""))
    return f"files (snapshot not used: {why})" if source == "files" and why else source


def tree_peak_rss(pid: int) -> float:
    """Peak resident MB of a process and its children (uvicorn's workers): the sum of each one's peak, which is
    never less than the peak of the sum."""
    return sum(proc_status(p, "VmHWM") for p in [pid, *children(pid)])


def start(the_lab: Lab, kind: str, cache: Path) -> tuple[float, float, str]:
    server: Server = the_lab.factdesk(f"startup {kind}", cache)
    took = wait_ready(server)
    peak = tree_peak_rss(server.proc.pid)
    the_lab.stop(server)
    return took, peak, loaded_from(server.log.read_text("utf-8", errors="replace"))


def run(the_lab: Lab, runs: int) -> tuple[dict[str, float], bool]:
    print("compiling modules (as the image does) ...", file=sys.stderr, flush=True)
    compile_modules()
    print("factdesk snapshot (the init step) ...", file=sys.stderr, flush=True)
    built = the_lab.tmp / "startup-snapshot"
    built_s, built_rss = build_snapshot(the_lab, built)
    full: list[tuple[float, float]] = []
    snap: list[tuple[float, float]] = []
    for r in range(runs):  # alternating: the same machine state for each
        print(f"start {r + 1}/{runs}: full load, empty cache ...", file=sys.stderr, flush=True)
        took, peak, source = start(the_lab, "full load empty cache", the_lab.tmp / f"startup-cache-{r}")
        if source != "files":
            raise RuntimeError(f"the full-load start {r + 1} did not load the files: {source}")
        full.append((took, peak))
        print(f"start {r + 1}/{runs}: from the snapshot ...", file=sys.stderr, flush=True)
        cache = the_lab.tmp / f"startup-snapshot-{r}"  # a new pod's: only what the init step built
        shutil.copytree(built, cache)
        took, peak, source = start(the_lab, "from the snapshot", cache)
        if source != "snapshot":
            raise RuntimeError(f"the start from the snapshot {r + 1} loaded {source}")
        snap.append((took, peak))
    m = {
        "cold_s": statistics.median(t for t, _ in snap),
        "cold_peak_rss_mb": max(p for _, p in snap),
        "full_s": statistics.median(t for t, _ in full),
        "full_peak_rss_mb": max(p for _, p in full),
        "snapshot_build_s": built_s,
        "snapshot_build_rss_mb": built_rss,
    }
    print(f"\nstart to /healthz 200 at {the_lab.entries:,} entries, median of {runs} "
          "(peak RSS of the process tree: the largest)")  # fmt: skip
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
