"""The local console: a stand-in for Slack on a machine without Slack credentials.

A maintainer types `/pact article4` (or just `article4` when there is one topic) and sees the answer the bot
would send, rendered from the same Block Kit payload. At a terminal it behaves like a shell prompt: line
editing and history (kept between runs in the user's state folder), answers wrapped to the terminal's width,
and Ctrl-D or Ctrl-C leave on a fresh line. Piped input is read line by line, with no prompt.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.slack.blocks import render_message
from bot.terminal.render import render_text

if TYPE_CHECKING:
    from bot.service import Service

PROMPT = "factdesk> "
HISTORY_LENGTH = 1000
INTERRUPTED = 130  # the status shells report for Ctrl-C (128 + SIGINT)


def history_file(env: dict[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/factdesk/history (by default ~/.local/state/factdesk/history): per user, not per project."""
    e = os.environ if env is None else env
    base = e.get("XDG_STATE_HOME") or str(Path(e.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / "factdesk" / "history"


class LineReader:
    """Reads the console's lines: with readline's editing and history at a terminal, plainly from a pipe.

    `readline()` returns "" at the end: Ctrl-D (status 0) or Ctrl-C (status 130), each leaving the cursor
    on a fresh line so the shell's prompt does not land after ours.
    """

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.status = 0
        self.interactive = stdin is sys.stdin and stdout is sys.stdout and stdin.isatty()
        self.history: Path | None = None
        if self.interactive:
            try:
                import readline
            except ImportError:  # pragma: no cover - a Python built without readline: input() still works
                return
            self.history = history_file()
            readline.set_history_length(HISTORY_LENGTH)
            with contextlib.suppress(OSError):  # the first run, or an unreadable file: start with no history
                readline.read_history_file(self.history)

    def readline(self) -> str:
        if not self.interactive:
            return self.stdin.readline()
        try:
            line = input(PROMPT)
        except EOFError:
            self.stdout.write("\n")
            return ""
        except KeyboardInterrupt:
            self.stdout.write("\n")
            self.status = INTERRUPTED
            return ""
        self._save()
        return line

    def _save(self) -> None:
        if self.history is None:
            return
        import readline

        try:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(self.history)
        except OSError:
            pass  # a read-only home keeps this session's history only


def split_command(line: str) -> tuple[str | None, str]:
    """`/pact article4` → ("/pact", "article4"); `article4` → (None, "article4"): the service picks the topic."""
    line = line.strip()
    if line.startswith("/"):
        command, _, rest = line.partition(" ")
        return command, rest
    return None, line


def run_console(service: Service, stdin: TextIO, stdout: TextIO) -> int:
    commands = service.commands()
    reader = LineReader(stdin, stdout)
    stdout.write(f"factdesk console — topics: {', '.join(commands)}. Type `{commands[0]} help`, or `quit` to leave.\n")
    while True:
        line = reader.readline()
        if not line:
            return reader.status
        if line.strip() in ("quit", "exit", ":q"):
            return 0
        if not line.strip():
            continue
        command, text = split_command(line)
        answer = service.answer(command, text)
        stdout.write(render_text(render_message(answer)) + "\n")
        stdout.flush()
