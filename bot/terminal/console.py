"""The local console: a stand-in for Slack on a machine without Slack credentials.

A maintainer types `/pact article4` (or just `article4` when there is one topic) and sees the answer the bot
would send, rendered from the same Block Kit payload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from bot.slack.blocks import render_message
from bot.terminal.render import render_text

if TYPE_CHECKING:
    from bot.core.engine import Catalog

PROMPT = "factdesk> "


def split_command(line: str, default: str | None) -> tuple[str | None, str]:
    """`/pact article4` → ("/pact", "article4"); `article4` → (default, "article4")."""
    line = line.strip()
    if line.startswith("/"):
        command, _, rest = line.partition(" ")
        return command, rest
    return default, line


def run_console(catalog: Catalog, stdin: TextIO, stdout: TextIO) -> int:
    commands = [t.command for t in catalog.knowledge.topics]
    default = commands[0] if len(commands) == 1 else None
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
        command, text = split_command(line, default)
        answer = catalog.answer(command, text)
        if answer is None:
            stdout.write(f"No topic answers {command}; known: {', '.join(commands)}\n")
            continue
        stdout.write(render_text(render_message(answer)) + "\n")
        stdout.flush()
