"""What the end-to-end benchmarks share: a lab (temporary folder, Slack stand-in, synthetic knowledge, server
processes) that leaves nothing behind, and a light load generator of signed slash commands.

The load generator shares the cores with the servers, the same way for every server, so ratios measured in the
same run are what to read; it is kept light so that the server, not the client, is what runs out of CPU. For
throughput it is bench/loadgen.c (epoll, keep-alive, requests signed beforehand by this module), compiled into
the lab's folder when a C compiler is there; otherwise, and for the reload bench's steady stream, the Python
one below (uvloop protocol callbacks, raw HTTP/1.1 bytes), which costs the shared cores several times more.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, cast

from bench.search import queries as synth_queries
from bench.synth import generate
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import ROOT
from tests.support.server import BOT_TOKEN, free_port

COMMAND = "/synth"
CACHED_QUERIES = 10  # a reporter's common questions: answered from the caches after the first time
UNCACHED_QUERIES = 8000  # more distinct questions than the answer (4,096) and render (2,048) caches hold
ANSWER_CACHE = 4096
T = TypeVar("T")


def proc_status(pid: int, field_name: str) -> float:
    """A /proc/PID/status memory figure in MB (VmHWM: peak resident, VmRSS: resident now); 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (uvicorn's workers), from /proc (Linux)."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    _read: int = 0  # bytes of the log counted so far
    _tail: bytes = b""  # a line not yet finished at the last read
    _counts: dict[str, int] = field(default_factory=dict)

    def count(self, event: str) -> int:
        """How many times the server has logged `event` so far. Reads only what the log gained since the last
        call: the reload bench asks every 20 ms from the load generator's own event loop, and re-reading the
        whole log (megabytes, one line per answer) held that loop for milliseconds each time, which the
        requests then measured as the server's latency."""
        if event not in self._counts:  # first asked: counted over what was read before, once
            seen = self.log.read_bytes()[: self._read - len(self._tail)]
            self._counts[event] = seen.count(f'"{event}"'.encode())
        with self.log.open("rb") as f:
            f.seek(self._read)
            new = f.read()
        self._read += len(new)
        lines, _, self._tail = (self._tail + new).rpartition(b"\n")
        for name in self._counts:
            self._counts[name] += lines.count(f'"{name}"'.encode())
        return self._counts[event]

    def reloads(self) -> int:
        return self.count("knowledge_reloaded")


@dataclass
class Lab:
    """A temporary folder (removed at exit, with every child process stopped), the stand-in and knowledge."""

    entries: int
    tmp: Path = field(init=False)
    knowledge: Path = field(init=False)
    data: dict[str, Any] = field(init=False)
    servers: list[Server] = field(default_factory=list)
    client: Path | None = field(init=False, default=None)

    def __enter__(self) -> Lab:
        self._dir = tempfile.TemporaryDirectory(prefix="factdesk-bench-")
        self.tmp = Path(self._dir.name)
        self.client = native_client(self.tmp)
        if self.client is None:
            print("note: no C compiler: the load generator is the Python one, which takes more of the shared cores",
                  file=sys.stderr)  # fmt: skip
        self.stand_in = slack_stand_in.start()
        self.knowledge = self.tmp / "knowledge"
        print(f"generating {self.entries:,} synthetic entries ...", file=sys.stderr, flush=True)
        self.data = generate(self.knowledge, self.entries)
        texts = [q.text for q in synth_queries(self.data, UNCACHED_QUERIES + UNCACHED_QUERIES // 2)]
        self.uncached = list(dict.fromkeys(texts))[:UNCACHED_QUERIES]
        self.cached = self.uncached[:CACHED_QUERIES]
        if len(self.uncached) <= ANSWER_CACHE:
            print(f"note: only {len(self.uncached)} distinct questions at this size, fewer than the answer cache "
                  "holds: the uncached mix is partly cached", file=sys.stderr)  # fmt: skip
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for s in self.servers:
            self.stop(s)
        self.stand_in.close()
        self._dir.cleanup()

    def env(self, cache: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_", "PROMETHEUS_"))}
        metrics = self.tmp / f"metrics-{len(self.servers)}"
        metrics.mkdir(exist_ok=True)
        env.update(
            SLACK_SIGNING_SECRET=sc.SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=self.stand_in.api_url,
            FACTDESK_LOG_FORMAT="json", FACTDESK_CACHE=str(cache), FACTDESK_WATCH_SECONDS="0",
            FACTDESK_DATABASE_URL=f"sqlite:///{self.tmp / 'state.sqlite3'}", PYTHONUNBUFFERED="1",
            PROMETHEUS_MULTIPROC_DIR=str(metrics),  # else `serve --workers` makes its own, outside this folder
        )  # fmt: skip
        env.update(extra)
        return env

    def start(self, name: str, args: list[str], env: dict[str, str]) -> Server:
        port = free_port()
        log = self.tmp / f"{name.replace(' ', '-').replace(',', '')}-{port}.log"
        with log.open("wb") as f:
            proc = subprocess.Popen([*args, str(port)], cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT)
        server = Server(name, proc, port, log)
        self.servers.append(server)
        return server

    def factdesk(self, name: str, cache: Path, *extra_args: str, **env: str) -> Server:
        args = [sys.executable, "-m", "bot", "serve", "--knowledge", str(self.knowledge), *extra_args, "--port"]
        return self.start(name, args, self.env(cache, **env))

    def noop(self, name: str = "do-nothing Bolt app", *extra_args: str) -> Server:
        args = [sys.executable, "-m", "bench.noop_app", "--process-before-response", *extra_args]
        return self.start(name, args, self.env(self.tmp / "unused"))

    def stop(self, server: Server) -> None:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGTERM)
            try:
                server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                for child in children(server.proc.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGKILL)
                server.proc.kill()
                server.proc.wait()


def wait_ready(server: Server, path: str = "/healthz", timeout: float = 300.0) -> float:
    """Seconds until `path` answers 200 (polled every 5 ms); the process must stay alive."""
    t0 = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}: {server.log.read_text()[-800:]}")
        try:
            if sc.request(server.port, "GET", path).status == 200:
                return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{server.name} not ready in {timeout:.0f} s")


def wait_listening(server: Server, timeout: float = 60.0) -> None:
    """Until the server answers HTTP at all (the do-nothing app has no /healthz: its 404 will do)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}: {server.log.read_text()[-800:]}")
        try:
            sc.request(server.port, "GET", "/")
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{server.name} not listening in {timeout:.0f} s")


_BODIES: dict[str, bytes] = {}  # each question's form body, encoded once per run (the lab's few thousand)


class Requests:
    """Signed HTTP/1.1 requests as bytes. Slack's signature carries a timestamp, so they are re-signed each
    second: a small set is built whole once a second; in a large one (the uncached mix) each body is encoded
    once and only its signature is made per request (one HMAC), so the client stays light on the shared cores."""

    def __init__(self, port: int, texts: list[str]) -> None:
        self.texts = texts
        self.head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
        ).encode()
        self.secret = sc.SECRET.encode()
        self.second = -1
        self.raw: list[bytes] = []

    def get(self, i: int) -> bytes:
        now = int(time.time())
        if len(self.texts) > 64:
            return self._build(self._body(i % len(self.texts)), now)
        if now != self.second:
            self.second, self.raw = now, [self._build(self._body(j), now) for j in range(len(self.texts))]
        return self.raw[i % len(self.raw)]

    def _body(self, j: int) -> bytes:
        text = self.texts[j]
        body = _BODIES.get(text)
        if body is None:
            body = _BODIES[text] = sc.command_body(text, command=COMMAND)
        return body

    def _build(self, body: bytes, now: int) -> bytes:
        ts = str(now).encode()
        signature = hmac.new(self.secret, b"v0:" + ts + b":" + body, hashlib.sha256).hexdigest().encode()
        return b"".join((
            self.head, b"Content-Length: %d\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: v0=%s\r\n\r\n"
            % (len(body), ts, signature), body,
        ))  # fmt: skip


@dataclass
class Sample:
    sent: float  # perf_counter when sent
    ms: float
    ok: bool


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending its next request when the previous answer is whole (or, with
    `every`, no sooner than `every` seconds after the previous one was sent).

    A protocol rather than asyncio streams: callbacks straight from the event loop, with no task switch per
    read, so the client's share of the cores (which it takes from the servers it measures) stays small.
    """

    def __init__(self, requests: Requests, i: int, stop: float, every: float, samples: list[Sample]) -> None:
        self.requests, self.i, self.stop, self.every, self.samples = requests, i, stop, every, samples
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.buffer = bytearray()
        self.head = b""
        self.length = -1
        self.t0 = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # (uvloop's transports do not subclass asyncio's)
        self.send()

    def send(self) -> None:
        if self.transport.is_closing():
            return
        self.t0 = time.perf_counter()
        if self.t0 >= self.stop:
            self.transport.close()
            return
        self.transport.write(self.requests.get(self.i))
        self.i += 1

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if self.length < 0:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head = bytes(buffer[:end])
            del buffer[: end + 4]
            self.length = 0
            for line in self.head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    self.length = int(line[15:])
        if len(buffer) < self.length:
            return
        t1 = time.perf_counter()
        body = bytes(buffer[: self.length])
        del buffer[: self.length]
        self.samples.append(Sample(self.t0, (t1 - self.t0) * 1000, self.head[9:12] == b"200" and bool(body)))
        self.length = -1
        if self.every:
            asyncio.get_running_loop().call_later(max(0.0, self.t0 + self.every - t1), self.send)
        else:
            self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def starts(texts: int, connections: int, offset: int = 0) -> list[int]:
    """Where each connection starts in the mix (bench/loadgen.c starts its connections the same way)."""
    stride = max(1, texts // connections)
    return [offset + n * stride for n in range(connections)]


async def load(
    port: int, texts: list[str], seconds: float, connections: int, *, every: float = 0.0, offset: int = 0
) -> list[Sample]:
    """`connections` keep-alive connections for `seconds`, each sending its next request when the answer came
    (or, with `every`, no sooner than `every` seconds after the previous one: a steady stream)."""
    requests = Requests(port, texts)
    samples: list[Sample] = []
    stop = time.perf_counter() + seconds
    loop = asyncio.get_running_loop()
    opened: list[_Connection] = []
    # Connections start evenly spaced along the mix: a question comes back only after every other connection has
    # asked its share, len(texts) requests later, more than the caches hold, so the uncached mix is uncached.
    # (Starts 7,919 apart were 81 apart modulo the 8,000 questions: each question came back ~1,300 requests
    # later, from the next connection, and nearly all of the "uncached" answers were cache hits.)
    for first in starts(len(texts), connections, offset):
        start = functools.partial(_Connection, requests, first, stop, every, samples)
        opened.append((await loop.create_connection(start, "127.0.0.1", port))[1])
    await asyncio.gather(*(c.done for c in opened))
    return samples


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the load generator on uvloop (as uvicorn runs the servers), where there is one: its transports
    cost the client less CPU per request, and that CPU is taken from the servers being measured."""
    try:
        import uvloop
    except ImportError:  # (not on Windows)
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def native_client(folder: Path) -> Path | None:
    """bench/loadgen.c compiled into `folder` (the lab's, removed with it), or None without a C compiler."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    out = folder / "loadgen"
    done = subprocess.run([cc, "-O2", "-o", str(out), str(Path(__file__).with_name("loadgen.c"))],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        print(f"note: bench/loadgen.c did not compile ({done.stderr.strip()[:200]})", file=sys.stderr)
        return None
    return out


def signed_requests(port: int, texts: list[str], path: Path) -> Path:
    """Every question as a whole signed request, in the file format bench/loadgen.c reads (a 4-byte
    little-endian length, then the bytes). Signed now: Slack's window is 5 minutes, a round a few seconds."""
    requests, now = Requests(port, texts), int(time.time())
    with path.open("wb") as f:
        for j in range(len(texts)):
            raw = requests._build(requests._body(j), now)
            f.write(len(raw).to_bytes(4, "little") + raw)
    return path


def native_load(client: Path, port: int, texts: list[str], seconds: float, connections: int, offset: int = 0,
                folder: Path | None = None) -> dict[str, float]:  # fmt: skip
    """One run of the C load generator: its count, errors, p50/p99 (ms) and its own CPU seconds."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = signed_requests(port, texts, Path(tmp) / "requests.bin")
        args = [str(client), str(port), str(connections), str(seconds), str(offset), str(path)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr.strip()[:300]}")
    return cast(dict[str, float], json.loads(done.stdout))


def throughput(
    server: Server, texts: list[str], seconds: float, connections: int, client: Path | None = None
) -> dict[str, float]:
    """Closed-loop throughput at `connections` keep-alive connections: requests/s, latency, and the CPU per
    request of the server (with its workers) and of the load generator (`client`: the C one, else Python)."""
    if client is not None:
        native_load(client, server.port, texts, 1.0, connections, offset=10_007)  # warm-up
        cpu0 = cpu_seconds(server.proc.pid)
        got = native_load(client, server.port, texts, seconds, connections)
        cpu = cpu_seconds(server.proc.pid) - cpu0
        n = max(1.0, got["count"])
        return {
            "rps": got["count"] / seconds, "p50": got["p50_ms"], "p99": got["p99_ms"],
            "cpu_ms_per_request": 1000 * cpu / n, "client_cpu_ms_per_request": 1000 * got["cpu_s"] / n,
            "errors": got["errors"],
        }  # fmt: skip
    run(load(server.port, texts, 1.0, connections, offset=10_007))  # warm-up: auth.test, first requests
    cpu0, client0 = cpu_seconds(server.proc.pid), os.times()
    samples = run(load(server.port, texts, seconds, connections))
    cpu, client_cpu = cpu_seconds(server.proc.pid) - cpu0, os.times()
    lat = [s.ms for s in samples]
    n = max(1, len(samples))
    return {
        "rps": len(samples) / seconds,
        "p50": statistics.median(lat),
        "p99": pct(lat, 99),
        "cpu_ms_per_request": 1000 * cpu / n,
        # The load generator's own CPU (this process): what it takes from the two cores the servers share.
        "client_cpu_ms_per_request": 1000 * (client_cpu.user + client_cpu.system - client0.user - client0.system) / n,
        "errors": float(sum(not s.ok for s in samples)),
    }


def verdicts(checks: dict[str, bool], entries: int) -> bool:
    note = "" if entries >= 100_000 else f" (the targets are for 100,000 entries; this run has {entries:,})"
    print(f"\ntargets{note}:")
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return all(checks.values())


def lab(entries: int) -> Lab:
    return Lab(entries)
