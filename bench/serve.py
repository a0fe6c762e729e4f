"""End-to-end benchmark: signed /pact commands over HTTP against `factdesk serve`, side by side in the same
run with a do-nothing Bolt app (bench/noop_app.py) on the same uvicorn settings.

The load generator is this process (asyncio streams, pre-built signed requests, keep-alive) holding 16
connections, each sending the next signed command as soon as the previous answer arrived, for a fixed time
after a warm-up. It shares the 2 cores with the server, the same way for every server, so ratios are what to
read; it is kept light so that the server, not the client, is what runs out of CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.server import BOT_TOKEN, ROOT, free_port, wait_healthy

QUERIES = ["article4", "timeline", "quote kim", "when was the 1961 treaty scrapped", "sources", "chang ho-jin",
           "who said level of alliance", "timeline 1990s", "article 5", "how many articles"]  # fmt: skip
TARGETS = {"throughput_ratio": 0.85, "p99_ms": 25.0}


class _Requests:
    """Signed HTTP/1.1 requests as bytes, re-signed once a second (Slack's signature carries a timestamp).

    Building the bytes once keeps the load generator cheap: it shares the two cores with the server, and a
    heavy client (aiohttp cost ~0.7 ms of CPU a request) capped what any server could show, workers or not.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.second = -1
        self.raw: list[bytes] = []

    def get(self, i: int) -> bytes:
        now = int(time.time())
        if now != self.second:
            self.second, self.raw = now, [self._build(sc.command_body(q), now) for q in QUERIES]
        return self.raw[i % len(self.raw)]

    def _build(self, body: bytes, now: int) -> bytes:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
            **sc.sign(body, now),
        }
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode() + body


async def _load(port: int, seconds: float, connections: int) -> tuple[int, list[float], int]:
    requests = _Requests(port)
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = n
        try:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                writer.write(requests.get(i))
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                if status != 200 or not body:
                    errors += 1
                latencies.append((time.perf_counter() - t0) * 1000)
                i += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker(n) for n in range(connections)))
    return len(latencies), latencies, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (uvicorn's workers), from /proc (Linux)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended while we looked
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measure(port: int, seconds: float, connections: int, pid: int) -> dict[str, float]:
    asyncio.run(_load(port, 1.0, connections))  # warm-up: first-request auth.test, caches
    cpu0 = cpu_seconds(pid)
    count, lat, errors = asyncio.run(_load(port, seconds, connections))
    cpu = cpu_seconds(pid) - cpu0
    lat.sort()
    return {
        "rps": count / seconds,
        "p50": statistics.median(lat),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "cpu_ms_per_request": 1000 * cpu / max(1, count),
        "server_cpu_pct": 100 * cpu / seconds,
        "errors": errors,
        "requests": count,
    }


def median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as f:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench serve",
        description="Signed /pact commands against factdesk serve and a do-nothing Bolt app, in alternating rounds.",
        epilog="example: python -m bench serve --seconds 8 --rounds 3 --workers",
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one measured round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server; medians are reported")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", action="store_true", help="also run factdesk serve --workers 2 (scaling)")
    args = parser.parse_args(argv)
    stand_in = slack_stand_in.start()
    tmp = Path(tempfile.mkdtemp(prefix="factdesk-bench-serve-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    env.update(SLACK_SIGNING_SECRET=sc.SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=stand_in.api_url,
               FACTDESK_LOG_FORMAT="json", FACTDESK_CACHE=str(tmp / "cache"), FACTDESK_WATCH_SECONDS="1")  # fmt: skip
    serve_cmd = [sys.executable, "-m", "bot", "serve", "--knowledge", str(ROOT / "knowledge"), "--port"]
    noop = [sys.executable, "-m", "bench.noop_app"]
    servers = {
        "do-nothing Bolt app": noop,
        "do-nothing, same Bolt config": [*noop, "--process-before-response"],
        "factdesk serve": serve_cmd,
    }
    if args.workers:
        servers["factdesk serve, 2 workers"] = [*serve_cmd[:-1], "--workers", "2", "--port"]
    running: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    try:
        for name, cmd in servers.items():  # all started first, then measured in turn: same machine state
            port = free_port()
            proc = _start([*cmd, str(port)], env, tmp / f"{port}.log")
            running[name] = (port, proc)
            if name.startswith("do-nothing"):
                _wait_port(port)
            else:
                wait_healthy(port, proc=proc)
        for r in range(args.rounds):
            for name, (port, proc) in running.items():
                print(f"round {r + 1}/{args.rounds}: {name}, {args.seconds:.0f} s ...", file=sys.stderr)
                rounds[name].append(measure(port, args.seconds, args.connections, proc.pid))
    finally:
        for _, proc in running.values():
            proc.terminate()
            proc.wait(timeout=15)
        stand_in.close()
    results = {name: median_of(rs) for name, rs in rounds.items()}
    print(f"\nmedians of {args.rounds} rounds of {args.seconds:.0f} s at {args.connections} connections")
    print(f"{'server':<26} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | server CPU ms/req | server CPU %")
    for name, m in results.items():
        print(
            f"{name:<26} | {m['rps']:>7.0f} | {m['p50']:>7.2f} | {m['p99']:>7.2f} | {m['cpu_ms_per_request']:>17.3f} "
            f"| {m['server_cpu_pct']:>12.0f}"
        )
    ours = results["factdesk serve"]
    ratios = [o["rps"] / b["rps"] for o, b in zip(rounds["factdesk serve"], rounds["do-nothing Bolt app"], strict=True)]
    ratio = statistics.median(ratios)
    print(f"\nthroughput ratio factdesk / do-nothing per round: {', '.join(f'{x:.0%}' for x in ratios)}")
    alike = [
        o["rps"] / b["rps"]
        for o, b in zip(rounds["factdesk serve"], rounds["do-nothing, same Bolt config"], strict=True)
    ]
    print(f"throughput ratio factdesk / do-nothing with the same Bolt config: {', '.join(f'{x:.0%}' for x in alike)}")
    errors = sum(r["errors"] for rs in rounds.values() for r in rs)
    checks = {
        f"throughput >= {TARGETS['throughput_ratio']:.0%} of the do-nothing app (median {ratio:.0%})": ratio
        >= TARGETS["throughput_ratio"],
        f"throughput >= {TARGETS['throughput_ratio']:.0%} of the do-nothing app with the same Bolt config "
        f"(median {statistics.median(alike):.0%})": statistics.median(alike) >= TARGETS["throughput_ratio"],
        f"p99 <= {TARGETS['p99_ms']:.0f} ms at {args.connections} connections ({ours['p99']:.1f} ms)": ours["p99"]
        <= TARGETS["p99_ms"],
        f"no failed request ({errors:.0f})": errors == 0,
    }
    if args.workers:
        two = results["factdesk serve, 2 workers"]
        print(f"scaling 1 -> 2 workers: {two['rps'] / ours['rps']:.2f}x requests/s (load generator shares the cores)")
    print("\ntargets:")
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(json.dumps({"medians": results, "rounds": rounds}), file=sys.stderr)
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
