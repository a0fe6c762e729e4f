"""End-to-end benchmark: signed /pact commands over HTTP against `factdesk serve`, side by side in the same
run with a do-nothing Bolt app (bench/noop_app.py) on the same uvicorn settings.

The load generator is a separate Python process (aiohttp, keep-alive) holding 16 connections, each sending
the next signed command as soon as the previous answer arrived, for a fixed time after a warm-up. It shares the
2 cores with the server, the same way for both servers, so the ratio is what to read.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.server import BOT_TOKEN, ROOT, free_port, wait_healthy

QUERIES = ["article4", "timeline", "quote kim", "when was the 1961 treaty scrapped", "sources", "chang ho-jin",
           "who said level of alliance", "timeline 1990s", "article 5", "how many articles"]  # fmt: skip
TARGETS = {"throughput_ratio": 0.85, "p99_ms": 25.0}


async def _load(port: int, seconds: float, connections: int) -> tuple[int, list[float], int]:
    bodies = [sc.command_body(q) for q in QUERIES]
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, n: int) -> None:
        nonlocal errors
        i = n
        while time.perf_counter() < stop:
            body = bodies[i % len(bodies)]
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sc.sign(body)}
            t0 = time.perf_counter()
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as r:
                await r.read()
                if r.status != 200:
                    errors += 1
            latencies.append((time.perf_counter() - t0) * 1000)
            i += 1

    conn = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.gather(*(worker(session, n) for n in range(connections)))
    return len(latencies), latencies, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, seconds: float, connections: int, pid: int) -> dict[str, float]:
    asyncio.run(_load(port, 2.0, connections))  # warm-up: first-request auth.test, caches
    cpu0 = cpu_seconds(pid)
    count, lat, errors = asyncio.run(_load(port, seconds, connections))
    cpu = cpu_seconds(pid) - cpu0
    lat.sort()
    return {
        "cpu_ms_per_request": 1000 * cpu / max(1, count),
        "server_cpu_pct": 100 * cpu / seconds,
        "rps": count / seconds,
        "p50": statistics.median(lat),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "errors": errors,
        "requests": count,
    }


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as f:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT)


def main(argv: list[str]) -> int:
    seconds = float(argv[0]) if argv else 10.0
    connections = 16
    stand_in = slack_stand_in.start()
    tmp = Path(tempfile.mkdtemp(prefix="factdesk-bench-serve-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    env.update(SLACK_SIGNING_SECRET=sc.SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=stand_in.api_url,
               FACTDESK_LOG_FORMAT="json", FACTDESK_CACHE=str(tmp / "cache"), FACTDESK_WATCH_SECONDS="1")  # fmt: skip
    results: dict[str, dict[str, float]] = {}
    servers = {
        "do-nothing Bolt app": [sys.executable, "-m", "bench.noop_app"],
        "factdesk serve": [sys.executable, "-m", "bot", "serve", "--knowledge", str(ROOT / "knowledge")],
    }
    try:
        for name, cmd in servers.items():
            port = free_port()
            full = [*cmd, str(port)] if name.startswith("do-nothing") else [*cmd, "--port", str(port)]
            proc = _start(full, env, tmp / f"{port}.log")
            try:
                if name.startswith("do-nothing"):
                    _wait_port(port)
                else:
                    wait_healthy(port, proc=proc)
                print(f"loading {name} for {seconds:.0f} s at {connections} connections ...", file=sys.stderr)
                results[name] = measure(port, seconds, connections, proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=15)
    finally:
        stand_in.close()
    print(
        f"\n{'server':<22} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | server CPU ms/req | server CPU % | errors"
    )
    for name, r in results.items():
        print(
            f"{name:<22} | {r['rps']:>7.0f} | {r['p50']:>7.2f} | {r['p99']:>7.2f} | {r['cpu_ms_per_request']:>17.3f} "
            f"| {r['server_cpu_pct']:>12.0f} | {r['errors']:.0f}"
        )
    ours, base = results["factdesk serve"], results["do-nothing Bolt app"]
    ratio = ours["rps"] / base["rps"]
    checks = {
        f"throughput >= {TARGETS['throughput_ratio']:.0%} of the do-nothing app ({ratio:.0%})": ratio
        >= TARGETS["throughput_ratio"],
        f"p99 <= {TARGETS['p99_ms']:.0f} ms at {connections} connections ({ours['p99']:.1f} ms)": ours["p99"]
        <= TARGETS["p99_ms"],
        "no failed request": ours["errors"] == 0 and base["errors"] == 0,
    }
    print("\ntargets:")
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(json.dumps(results), file=sys.stderr)
    return 0 if all(checks.values()) else 1


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            sc.request(port, "GET", "/")
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listening on {port}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
