"""The App Home tab: what the bot knows, how fresh it is, what to ask, and what the desk has corrected."""

from __future__ import annotations

import time
from typing import Any

from bot.core.model import Knowledge
from bot.slack.blocks import _context, correction_text, esc
from bot.slack.kit import Block, DividerBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock, View

HOME_CORRECTIONS = 10


def render_home(knowledge: Knowledge) -> dict[str, Any]:
    """The App Home tab: what the bot knows, how fresh it is, and what to ask."""
    updated = time.strftime("%d %b %Y %H:%M UTC", time.gmtime(knowledge.loaded_at))
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="factdesk: sourced answers"))]
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text="Every answer comes from curated, checked news sources and names its source. "
                "Nothing is guessed: when the sources say nothing, I say so."
            )
        )
    )
    for topic in knowledge.topics[:15]:
        blocks.append(DividerBlock())
        text = f"*{esc(topic.command, 40)}* · {esc(topic.title, 200)}\n{esc(topic.summary, 2000)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        facts = topic.count_text(" · ")
        examples = "  ".join(f"`{esc(f'{topic.command} {ex}', 100)}`" for ex in topic.examples[:6])
        blocks.append(_context(facts, f"Try: {examples}" if examples else "Try: help"))
        fixes = topic.corrections()[:HOME_CORRECTIONS]
        if fixes:  # what the desk has corrected, newest first, so nobody keeps quoting the old version
            blocks.append(_context(*(f"*{esc(title, 200)}:* {correction_text(c)}" for title, c in fixes)))
    blocks.append(_context(f"Knowledge version `{knowledge.version}`, loaded {updated}."))
    return View(type="home", blocks=blocks[:100]).to_dict()
