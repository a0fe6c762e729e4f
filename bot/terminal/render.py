"""Render a Slack message payload as plain text for a terminal.

The console and `factdesk ask` show the very payload the bot would send Slack, read back as text, so what
a maintainer sees locally is what a reporter sees in Slack, not a second rendering that could drift.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from typing import Any

MIN_WIDTH = 40  # narrower than this, wrapping hurts more than long lines
PIPE_WIDTH = 100  # when the output is not a terminal (a pipe, a file) and COLUMNS is not set


def terminal_width() -> int:
    """The terminal's columns (COLUMNS first, as shells export it), minus one so a full line never wraps early."""
    columns = shutil.get_terminal_size(fallback=(PIPE_WIDTH + 1, 24)).columns
    return max(MIN_WIDTH, columns - 1)


_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_USER = re.compile(r"<@([A-Z0-9]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
_EMOJI = {":warning:": "⚠", ":scales:": "⚖"}  # the emoji codes our answers use, as a terminal can show them


def mrkdwn_to_text(text: str) -> str:
    """Plain text; bold inside a quotation stays as *word*, since there it marks where wordings differ."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _USER.sub(lambda m: f"@{m.group(1)}", text)
    text = "\n".join(line if line.startswith("> ") else _BOLD.sub(r"\1", line) for line in text.split("\n"))
    text = _ITALIC.sub(r"\1", text)
    for code, glyph in _EMOJI.items():
        text = text.replace(code, glyph)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _wrap(text: str, width: int, indent: str = "") -> str:
    lines = []
    for line in text.split("\n"):
        prefix = indent
        if line.startswith("> "):
            prefix, line = indent + "│ ", line[2:]
        lines.append(textwrap.fill(line, width, initial_indent=prefix, subsequent_indent=prefix) or prefix)
    return "\n".join(lines)


def render_text(payload: dict[str, Any], width: int | None = None) -> str:
    """The payload as text wrapped to `width` columns (default: the terminal's)."""
    width = terminal_width() if width is None else width
    out: list[str] = []
    for block in payload.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            out += [title, "═" * min(width, len(title))]
        elif kind == "section":
            if "text" in block:
                out.append(_wrap(mrkdwn_to_text(block["text"]["text"]), width))
            for f in block.get("fields", []):
                out.append(_wrap(mrkdwn_to_text(f["text"]), width))
                out.append("")
        elif kind == "context":
            for el in block.get("elements", []):
                out.append(_wrap("— " + mrkdwn_to_text(el.get("text", "")), width, "   "))
        elif kind == "divider":
            out.append("")
        elif kind == "actions":
            labels = [el["text"]["text"] for el in block.get("elements", []) if "text" in el]
            out.append("  ".join(f"[{label}]" for label in labels))
    if not out:
        out.append(mrkdwn_to_text(payload.get("text", "")))
    return "\n".join(out).rstrip() + "\n"
