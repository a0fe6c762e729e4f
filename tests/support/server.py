"""Start the real `factdesk serve` (or `factdesk socket`) as a process on loopback, and stop it.

The one way tests start the bot as a server: each test names only what it changes (settings, options, the
mode), and every server is stopped, killed if it will not stop, whatever the test does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.slack_client import SECRET, request

BOT_TOKEN = "xoxb-000000000-1111111111-testtokenNOTREAL"  # a made-up token, never valid anywhere


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def logs(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def wait_healthy(port: int, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> list[int]:
    """Poll /healthz until 200; returns every status seen (so a test can see the 503 before it)."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            status = request(port, "GET", "/healthz").status
        except OSError:
            time.sleep(0.02)
            continue
        seen.append(status)
        if status == 200:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"server not healthy in {timeout}s; saw {seen[-5:]}")


@contextmanager
def serve(tmp: Path, api_url: str, knowledge: Path, *, extra_env: dict[str, str] | None = None,
          args: tuple[str, ...] = (), port: int | None = None, mode: str = "serve", wait: bool = True,
          log_name: str | None = None) -> Iterator[Running]:  # fmt: skip
    """`mode` "socket" starts Socket Mode (no signing secret; the health port from FACTDESK_PORT); `wait`
    False yields as soon as the process is started, for tests that wait for something else first."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    env.update(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=api_url,
        FACTDESK_KNOWLEDGE=str(knowledge), FACTDESK_LOG_FORMAT="json", FACTDESK_CACHE=str(tmp / "cache"),
        FACTDESK_DATABASE_URL=f"sqlite:///{tmp / 'state.sqlite3'}",
        FACTDESK_WATCH_SECONDS="0.2", PYTHONUNBUFFERED="1",
    )  # fmt: skip
    command = ["serve", "--port", str(port)]
    if mode == "socket":  # Socket Mode signs nothing: the secret is HTTP's; `socket` takes its port from the env
        del env["SLACK_SIGNING_SECRET"]
        env["FACTDESK_PORT"] = str(port)
        command = ["socket"]
    if "--workers" in args:  # else `serve` makes its own metrics folder, outside tmp, left behind
        (tmp / "metrics").mkdir(exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp / "metrics")
    env.update(extra_env or {})
    log_path = tmp / (log_name or f"server-{port}.log")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *command, *args], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    running = Running(proc, port, log_path)
    try:
        if wait:
            wait_healthy(port, proc=proc)
        yield running
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(check: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll `check` until it is true; bounded, so a test that waits on a server never hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"condition not met in {timeout} s")
