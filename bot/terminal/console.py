"""The local console: a stand-in for Slack on a machine without Slack credentials.

A maintainer types `/pact article4` (or just `article4` when there is one topic) and sees the answer the bot
would send, rendered from the same Block Kit payload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from bot.slack.blocks import render_message
from bot.terminal.render import render_text

if TYPE_CHECKING:
    from bot.service import Service

PROMPT = "factdesk> "


def split_command(line: str) -> tuple[str | None, str]:
    """`/pact article4` → ("/pact", "article4"); `article4` → (None, "article4"): the service picks the topic."""
    line = line.strip()
    if line.startswith("/"):
        command, _, rest = line.partition(" ")
        return command, rest
    return None, line


def run_console(service: Service, stdin: TextIO, stdout: TextIO) -> int:
    commands = service.commands()
    interactive = stdin.isatty()
    stdout.write(f"factdesk console — topics: {', '.join(commands)}. Type `{commands[0]} help`, or `quit` to leave.\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        if line.strip() in ("quit", "exit", ":q"):
            return 0
        if not line.strip():
            continue
        command, text = split_command(line)
        answer = service.answer(command, text)
        stdout.write(render_text(render_message(answer)) + "\n")
        stdout.flush()
