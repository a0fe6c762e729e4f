"""Soak: signed traffic and hostile traffic together against the real `factdesk serve` on loopback.

First a calm phase (signed commands only) gives the baseline; then the same signed traffic runs while the
server is attacked: floods of unsigned 900 KB bodies, chunked bodies that never end, connections that say
nothing, heads dripped a line a second, bad signatures, signed bodies of odd shapes and SIGHUP storms.
Reported: signed answers lost (not a 200 within Slack's 3 s), 5xx answers (to anyone), p99 of signed answers
calm and under attack, and the server's RSS growth. Everything goes to 127.0.0.1 and every loop is bounded
in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import ROOT
from tests.support.server import BOT_TOKEN, free_port, wait_healthy

SLACK_DEADLINE = 3.0  # Slack gives up on an answer after 3 s: later is lost
QUERIES = ["article4", "timeline", "quote kim", "sources", "how many articles", "article 5"]
TARGETS = {"lost": 0, "5xx": 0, "rss_growth_mb": 100.0, "p99_ms": 1000.0}
ODD = [
    ("form", urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "U0"}, "actions": [{}]})})),
    ("json", json.dumps({"type": "event_callback", "event": "app_mention", "team_id": "T0NEWS"})),
    ("form", urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "U0"}, "view": {}})})),
    ("form", urlencode({"payload": "[1, 2]"})),
    ("form", "command=/pact&text=x"),
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    why_lost: dict[str, int] = field(default_factory=dict)
    server_errors: int = 0
    hostile: dict[str, int] = field(default_factory=dict)

    def saw(self, what: str, status: int) -> None:
        if status >= 500:
            self.server_errors += 1
        key = f"{what} {status}"
        self.hostile[key] = self.hostile.get(key, 0) + 1


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _request(port: int, body: bytes, headers: dict[str, str], keep_alive: bool = True) -> bytes:
    head = {"Host": f"127.0.0.1:{port}", "Content-Length": str(len(body)), **headers}
    if not keep_alive:
        head["Connection"] = "close"
    return (
        "POST /slack/events HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    ).encode() + body


def signed(port: int, body: bytes, form: bool = True, keep_alive: bool = True) -> bytes:
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    return _request(port, body, {"Content-Type": kind, **sc.sign(body)}, keep_alive)


async def read_status(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return int(head[9:12])


async def signed_traffic(port: int, stop: float, tally: Tally, n: int, seconds: float) -> None:
    """One keep-alive connection sending the next signed command when the previous answer arrives."""
    i = n
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.monotonic() < stop:
        t0 = time.perf_counter()
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(signed(port, sc.command_body(QUERIES[i % len(QUERIES)])))
            status = await asyncio.wait_for(read_status(reader), SLACK_DEADLINE)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as e:
            tally.lost += 1
            why = f"{type(e).__name__} at {seconds - (stop - time.monotonic()):.1f} s"
            tally.why_lost[why] = tally.why_lost.get(why, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        took = (time.perf_counter() - t0) * 1000
        if status >= 500:
            tally.server_errors += 1
        if status != 200:
            tally.lost += 1
            tally.why_lost[str(status)] = tally.why_lost.get(str(status), 0) + 1
        else:
            tally.latencies.append(took)
        i += 1
        await asyncio.sleep(0.01)  # a newsroom's pace, times many: the point is answers, not throughput
    if writer is not None:
        writer.close()


async def one_shot(port: int, data: bytes, what: str, tally: Tally) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(data)
        tally.saw(what, await asyncio.wait_for(read_status(reader), 10))
        writer.close()
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        tally.saw(what, 0)  # hung up on: what the server should do to much of this


async def flood(port: int, stop: float, tally: Tally) -> None:
    """Unsigned 900 KB bodies, 8 at a time, as fast as the server refuses them."""
    body = b"a" * 900_000
    fake = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
    for _ in range(20_000):
        if time.monotonic() >= stop:
            return
        fake["X-Slack-Request-Timestamp"] = str(int(time.time()))
        await asyncio.gather(*(one_shot(port, _request(port, body, fake, False), "flood", tally) for _ in range(8)))


async def chunked_giant(port: int, stop: float, tally: Tally) -> None:
    """A chunked body meant to reach 50 MB, sent until the server hangs up; then again."""
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    for _ in range(1000):
        if time.monotonic() >= stop:
            return
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n"
            f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0={'0' * 64}\r\n\r\n"
        )
        answer: asyncio.Future[int] | None = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head.encode())
            answer = asyncio.ensure_future(read_status(reader))
            for _ in range(800):
                if answer.done():
                    break
                writer.write(chunk)
                await writer.drain()
            tally.saw("chunked", await asyncio.wait_for(answer, 10))
            writer.close()
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            tally.saw("chunked", 0)
        finally:
            if answer is not None and not answer.done():
                answer.cancel()
            if answer is not None:
                with contextlib.suppress(BaseException):
                    answer.exception()  # retrieved: the server hanging up is the expected outcome


async def silent(port: int, stop: float, tally: Tally, count: int) -> None:
    """`count` connections that never send a byte, reopened as the server closes them."""

    async def hold() -> None:
        for _ in range(100):
            if time.monotonic() >= stop:
                return
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                await asyncio.wait_for(reader.read(1), max(0.1, stop - time.monotonic()))
                tally.saw("silent closed", 0)
                writer.close()
            except TimeoutError:
                writer.close()
                return
            except OSError:
                tally.saw("silent refused", 0)
                await asyncio.sleep(0.5)

    await asyncio.gather(*(hold() for _ in range(count)))


async def drip(port: int, stop: float, tally: Tally, count: int) -> None:
    """Connections that send their head a line a second and never finish it."""

    async def one() -> None:
        for _ in range(50):
            if time.monotonic() >= stop:
                return
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"POST /slack/events HTTP/1.1\r\n")
                for n in range(60):
                    if time.monotonic() >= stop or reader.at_eof():
                        break
                    writer.write(f"X-Drip-{n}: y\r\n".encode())
                    await asyncio.sleep(1)
                    if reader._buffer:  # type: ignore[attr-defined]  # the server answered (408)
                        break
                tally.saw("drip", int(bytes(reader._buffer)[9:12] or 0))  # type: ignore[attr-defined]
                writer.close()
            except (OSError, ValueError):
                tally.saw("drip", 0)

    await asyncio.gather(*(one() for _ in range(count)))


async def bad_and_odd(port: int, stop: float, tally: Tally) -> None:
    """Bad signatures, and signed bodies of shapes Slack never sends."""
    for i in range(100_000):
        if time.monotonic() >= stop:
            return
        body = sc.command_body("article4")
        wrong = _request(port, body, {"Content-Type": "application/x-www-form-urlencoded",
                                      **sc.sign(body, secret="not-the-signing-secret")}, False)  # fmt: skip
        kind, odd = ODD[i % len(ODD)]
        shaped = signed(port, odd.encode(), kind == "form", False)
        await asyncio.gather(one_shot(port, wrong, "bad signature", tally), one_shot(port, shaped, "odd shape", tally))
        await asyncio.sleep(0.02)


async def sighup_storms(pid: int, stop: float) -> int:
    sent = 0
    for _ in range(100):
        if time.monotonic() >= stop:
            return sent
        for _ in range(50):
            os.kill(pid, signal.SIGHUP)
            sent += 1
        await asyncio.sleep(2)
    return sent


async def phase(
    port: int, pid: int, seconds: float, attack: bool, args: argparse.Namespace
) -> tuple[Tally, int, float]:
    tally = Tally()
    stop = time.monotonic() + seconds
    peak = [rss_mb(pid)]

    async def sample() -> None:
        while time.monotonic() < stop:
            peak[0] = max(peak[0], rss_mb(pid))
            await asyncio.sleep(0.2)

    jobs = [signed_traffic(port, stop, tally, n, seconds) for n in range(args.connections)] + [sample()]
    hups = None
    if attack:
        hups = asyncio.ensure_future(sighup_storms(pid, stop))
        jobs += [flood(port, stop, tally), chunked_giant(port, stop, tally), chunked_giant(port, stop, tally),
                 silent(port, stop, tally, args.silent), drip(port, stop, tally, 40),
                 bad_and_odd(port, stop, tally)]  # fmt: skip
    await asyncio.gather(*jobs)
    return tally, (await hups) if hups else 0, peak[0]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("nan")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench soak",
        description="Signed and hostile traffic together against factdesk serve on loopback; lost answers, 5xx, "
        "p99 and RSS growth.",
        epilog="example: python -m bench soak --seconds 30",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the attack phase")
    parser.add_argument("--calm", type=float, default=8.0, help="length of the calm (baseline) phase")
    parser.add_argument("--connections", type=int, default=4, help="signed keep-alive connections")
    parser.add_argument("--silent", type=int, default=600, help="silent connections held open by the attacker")
    args = parser.parse_args(argv)
    stand_in = slack_stand_in.start()
    tmp = Path(tempfile.mkdtemp(prefix="factdesk-bench-soak-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    env.update(SLACK_SIGNING_SECRET=sc.SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=stand_in.api_url,
               FACTDESK_LOG_FORMAT="json", FACTDESK_CACHE=str(tmp / "cache"), FACTDESK_WATCH_SECONDS="1",
               FACTDESK_MAINTAINERS_CHANNEL="C0MAINTAIN")  # fmt: skip
    port = free_port()
    log = tmp / "server.log"
    with log.open("wb") as f:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port),
                                 "--knowledge", str(ROOT / "knowledge")], cwd=ROOT, env=env, stdout=f,
                                stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_healthy(port, proc=proc)
        print(f"calm phase, {args.calm:.0f} s ...", file=sys.stderr)
        calm, _, _ = asyncio.run(phase(port, proc.pid, args.calm, False, args))
        rss0 = rss_mb(proc.pid)
        print(f"attack phase, {args.seconds:.0f} s ...", file=sys.stderr)
        hostile, hups, peak = asyncio.run(phase(port, proc.pid, args.seconds, True, args))
        time.sleep(2)  # let the server close what the attack left
        rss1 = rss_mb(proc.pid)
        alive = proc.poll() is None and sc.request(port, "GET", "/healthz").status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        stand_in.close()
    server_log = log.read_text("utf-8", errors="replace")
    reloads = server_log.count('"knowledge_reloaded"')
    log_errors = server_log.count('"level": "error"') + server_log.count("Traceback")
    print(
        f"\nsoak: {args.connections} signed connections; calm {args.calm:.0f} s, then {args.seconds:.0f} s under attack"
    )
    print(f"{'phase':<8} | {'signed answered':>15} | {'lost':>4} | {'5xx':>4} | {'p50 ms':>7} | {'p99 ms':>7}")
    for name, t in (("calm", calm), ("attack", hostile)):
        p50 = statistics.median(t.latencies) if t.latencies else float("nan")
        print(f"{name:<8} | {len(t.latencies):>15} | {t.lost:>4} | {t.server_errors:>4} | {p50:>7.1f} | "
              f"{p99(t.latencies):>7.1f}")  # fmt: skip
    if calm.why_lost or hostile.why_lost:
        print(f"signed answers lost, by cause: calm {calm.why_lost}, attack {hostile.why_lost}")
    print(f"p99 under attack / calm: {p99(hostile.latencies) / p99(calm.latencies):.1f}x")
    print(f"RSS: {rss0:.0f} MB before the attack, peak {peak:.0f} MB, {rss1:.0f} MB after")
    print(f"SIGHUPs sent: {hups}; reloads done: {reloads}; server log: {log_errors} errors or tracebacks")
    print("hostile requests by outcome (0 = connection closed by the server):")
    for key, n in sorted(hostile.hostile.items()):
        print(f"  {key:<24} {n}")
    lost = calm.lost + hostile.lost
    errors = calm.server_errors + hostile.server_errors
    growth = peak - rss0
    checks = {
        f"signed answers lost: {lost}": lost <= TARGETS["lost"],
        f"5xx answers: {errors}": errors <= TARGETS["5xx"],
        f"RSS growth under attack <= {TARGETS['rss_growth_mb']:.0f} MB ({growth:.0f} MB)": growth
        <= TARGETS["rss_growth_mb"],
        f"p99 of signed answers under attack <= {TARGETS['p99_ms']:.0f} ms ({p99(hostile.latencies):.0f} ms)": p99(
            hostile.latencies
        )
        <= TARGETS["p99_ms"],
        f"still healthy afterwards: {alive}": alive,
        f"no error or traceback in the server's log ({log_errors})": log_errors == 0,
        "SIGHUP storms coalesced (reloads < SIGHUPs / 10)": reloads < max(1, hups) / 10,
    }
    print("\ntargets:")
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    if all(checks.values()):
        shutil.rmtree(tmp, ignore_errors=True)  # nothing left behind in /tmp
        return 0
    print(f"\nkept for a look: {log}")  # a failed run keeps its server's log
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
