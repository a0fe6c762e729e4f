"""The console at a real terminal (a pseudo-terminal): editing keys, history kept between runs, the terminal's
width, and a clean exit on Ctrl-D and Ctrl-C."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import FIXTURES, ROOT

UP = b"\x1b[A"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """A `factdesk console` running on a pseudo-terminal of a given width, driven key by key."""

    def __init__(self, state: Path, columns: int) -> None:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(state), "XDG_STATE_HOME": str(state / "state"),
               "TERM": "xterm", "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}  # fmt: skip
        argv = [sys.executable, "-m", "bot", "console", "--knowledge", str(FIXTURES / "mini")]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size its terminal, then become the console
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
            # as a shell starts it: Ctrl-C neither ignored nor blocked (a test runner may have done either)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.chdir(ROOT)
            os.execve(sys.executable, argv, env)
        self.seen = b""

    def read_until(self, needle: bytes, times: int = 1, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while self.seen.count(needle) < times:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                raise AssertionError(f"no {needle!r} in {self.seen[-400:]!r}")
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            self.seen += chunk
        return self.text()

    def answered(self, times: int) -> str:
        """Wait for the `times`-th answer and the prompt after it (a redrawn prompt alone does not count)."""
        self.read_until(b"[Share to channel]", times=times)
        while not self.seen.rsplit(b"[Share to channel]", 1)[1].endswith(b"factdesk> "):
            self.read_until(b"factdesk> ", times=self.seen.count(b"factdesk> ") + 1)
        time.sleep(0.2)  # let readline settle into reading the next line
        return self.text()

    def text(self) -> str:
        return ANSI.sub("", self.seen.decode("utf-8", "replace"))

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def exit_code(self, timeout: float = 30) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.read_rest()
                return os.waitstatus_to_exitcode(status)
            self.read_rest()
            time.sleep(0.05)
        raise AssertionError(f"the console did not exit: {self.text()[-300:]!r}")

    def read_rest(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.seen += chunk


@pytest.fixture
def state(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def test_editing_keys_history_width_and_ctrl_d(state: Path) -> None:
    term = Terminal(state, columns=60)
    term.read_until(b"factdesk> ")
    term.type(b"timeline\r")
    answer = term.answered(1).split("timeline\n", 1)[1]
    assert "1901" in answer and "Bridge to" in answer and "open next spring" in answer.replace("\n   ", " ")
    assert max(len(line) for line in answer.splitlines()) <= 59  # wrapped to the terminal, not to 100
    term.type(UP + b"\r")  # the arrow recalls the last line instead of printing ^[[A
    term.answered(2)
    assert term.text().count("Timeline\n") == 2 and "^[[A" not in term.text()
    term.type(b"\x04")  # Ctrl-D
    assert term.exit_code() == 0
    assert term.text().endswith("factdesk> \n")  # the shell's prompt will start on a fresh line
    assert (state / "state" / "factdesk" / "history").read_text("utf-8").splitlines()[-1] == "timeline"


def test_history_survives_a_restart_and_ctrl_c_leaves_with_130(state: Path) -> None:
    history = state / "state" / "factdesk" / "history"
    history.parent.mkdir(parents=True)
    history.write_text("timeline\n", "utf-8")
    term = Terminal(state, columns=80)
    term.read_until(b"factdesk> ")
    term.type(UP + b"\r")  # recalls the previous run's line
    assert "Timeline\n" in term.answered(1)
    term.type(b"\x03")  # Ctrl-C
    assert term.exit_code() == 130
    assert term.text().endswith("factdesk> \n") and "Traceback" not in term.text()
