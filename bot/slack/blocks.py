"""Render an `Answer` as a Slack message: Block Kit built as plain dicts (bot/slack/kit.py).

Slack rejects a whole message when one block breaks a limit, and a reporter then gets nothing. So every
text is cut to its limit here at a word boundary, and an answer with more items than fit ends by naming
each item left out and the question that shows it, instead of failing or dropping them silently.
Everything shown (knowledge and the reporter's own words) is escaped, so no text can ping `@channel` or
forge a link.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.core.answer import UNCITED_KINDS, Answer, Citation, Item, ItemKind, Kind
from bot.core.model import Correction
from bot.core.text import clip, escape_mrkdwn
from bot.slack.kit import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
MAX_FIELDS = 10
CONTEXT_ELEMENTS = 10
BUTTON_CHARS = 75
BUTTON_VALUE_CHARS = 2000
FALLBACK_CHARS = 3000
ECHO_CHARS = 200

CORRECTED_NOTICE = ":warning: This answer includes a corrected entry: the correction is shown with it."
DISPUTED_NOTICE = ":scales: The sources disagree on part of this answer: each side is shown with its sources."
SHARE_ACTION = "share_answer"
SHARE_LABEL = "Share to channel"
CITE_ACTION = "copy_citation"
CITE_LABEL = "Copy citation"
CHECK_SHORTCUT = "check_with_factdesk"
#: "Did you mean" buttons: each asks its suggestion privately. Action ids are unique within a block, so the
#: first button is SUGGEST_ACTION and the others SUGGEST_ACTION_2, _3 (SUGGEST_ACTIONS matches them all).
SUGGEST_ACTION = "ask_suggestion"
SUGGEST_ACTIONS = r"^ask_suggestion(_[0-9])?$"
MAX_SUGGESTIONS = 3
MORE_ACTION = "show_more"  # a button per question that shows what the answer left out; answered privately
MORE_BUTTONS = 4
CHANGED_NOTICE = ":arrows_counterclockwise: The knowledge changed since you asked: this is the current answer."


def esc(text: str, limit: int) -> str:
    """Escape, then fit: cut the raw text so that its escaped form stays within `limit`."""
    budget = limit
    out = escape_mrkdwn(clip(text, budget))
    while len(out) > limit:  # escaping grew it: give back exactly the excess and cut again
        budget -= len(out) - limit
        out = escape_mrkdwn(clip(text, max(1, budget)))
    return out


def _link(url: str, label: str) -> str:
    safe_url = url.replace(">", "%3E").replace("|", "%7C").replace("<", "%3C")
    return f"<{safe_url}|{escape_mrkdwn(label).replace('|', '¦')}>"


def citation_text(c: Citation) -> str:
    """outlet · date · headline (linked when a link is known; never an invented one)."""
    headline = clip(c.headline, 300)
    shown = _link(c.link, headline) if c.link else f"{escape_mrkdwn(headline)} (no link known)"
    out = f"{escape_mrkdwn(c.credit)} · {c.published.display()} · {shown}"
    if c.mirrors:
        out += " · same text: " + ", ".join(_link(m.link, m.outlet) for m in c.mirrors[:3])
    return out


def marked(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    """Escaped text with each marked span in bold: where two wordings of a clause differ."""
    out, pos = [], 0
    for start, end in marks:
        out += [escape_mrkdwn(text[pos:start]), f"*{escape_mrkdwn(text[start:end])}*"]
        pos = end
    return "".join(out) + escape_mrkdwn(text[pos:])


def _item_text(item: Item, limit: int) -> str:
    parts = []
    if item.heading:
        parts.append(f"*{esc(item.heading, 300)}*")
    body = f"“{item.text}”" if item.verbatim else item.text
    head_len = sum(len(p) + 1 for p in parts)
    room = limit - head_len - 2
    detail = f"_{esc(item.detail, min(600, room // 3))}_" if item.detail else ""
    body_room = room - len(detail) - 1
    body_text = esc(body, body_room)
    if item.marks and len(shown := f"“{marked(item.text, item.marks)}”") <= body_room:
        body_text = shown  # marks only where the whole text fits: a clipped clause is compared by no one
    parts.append("> " + body_text.replace("\n", "\n> ") if item.verbatim else body_text)
    if detail:
        parts.append(detail)
    return "\n".join(parts)[:limit]


def _contexts(texts: list[str]) -> list[Block]:
    """As many context blocks as the notes need (ten elements each): a note past the tenth is never dropped."""
    return [_context(*texts[i : i + CONTEXT_ELEMENTS]) for i in range(0, len(texts), CONTEXT_ELEMENTS)]


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, SECTION_CHARS)) for t in texts[:CONTEXT_ELEMENTS]])


class Refs:
    """Each source of an answer cited once: numbered in order of first use, listed once at the end.

    An answer drawn from one source names it once, with no numbers; with several, each item says which
    ("Reuters [1] · Yonhap [2]") and the full lines (outlet, date, headline, link) follow the answer.
    """

    def __init__(self, items: list[Item]) -> None:
        self.numbers: dict[str, int] = {}
        self.citations: list[Citation] = []
        for item in items:
            for c in item.citations:
                if c.source_id not in self.numbers:
                    self.numbers[c.source_id] = len(self.citations) + 1
                    self.citations.append(c)
        self.used: set[str] = set()

    @property
    def several(self) -> bool:
        return len(self.citations) > 1

    def short(self, item: Item) -> str | None:
        """ "Reuters [1] · Yonhap [2]": which of the listed sources attest this item."""
        self.used.update(c.source_id for c in item.citations)
        if not self.several or not item.citations:
            return None
        return " · ".join(f"{escape_mrkdwn(c.credit)} [{self.numbers[c.source_id]}]" for c in item.citations)

    def numbered(self, item: Item) -> Item:
        """The item with its source numbers after its heading ("Wording by Reuters [1]"), for side-by-side."""
        self.used.update(c.source_id for c in item.citations)
        if not self.several or not item.citations:
            return item
        numbers = ", ".join(str(self.numbers[c.source_id]) for c in item.citations)
        return replace(item, heading=f"{item.heading or ''} [{numbers}]".strip())

    def footer_blocks(self) -> int:
        fixes = sum(len(c.corrections) for c in self.citations)
        return -(-(len(self.citations) + fixes) // CONTEXT_ELEMENTS)

    def footer(self) -> list[Block]:
        """The sources actually cited by what was shown, each once."""
        shown = [c for c in self.citations if c.source_id in self.used]
        if not shown:
            return []
        fixes = [f"{escape_mrkdwn(c.credit)}: {correction_text(x)}" for c in shown for x in c.corrections]
        if not self.several:
            return [_context(f"Source: {citation_text(shown[0])}", *fixes)]
        lines = [f"[{self.numbers[c.source_id]}] {citation_text(c)}" for c in shown] + fixes
        return _contexts(lines)


def _item_blocks(item: Item, refs: Refs) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_item_text(item, SECTION_CHARS)))]
    notes = [short] if (short := refs.short(item)) else []
    notes += [correction_text(c) for c in item.corrections]
    blocks += _contexts(notes)
    if item.sides:
        blocks.append(_context(*dispute_lines(item, refs)))
    return blocks


def dispute_lines(item: Item, refs: Refs) -> list[str]:
    """The sides of a disagreement, each with who says so, in the order the maintainers recorded (none preferred)."""
    lines = [":scales: *The sources disagree:*"]
    for side in item.sides[: CONTEXT_ELEMENTS - 1]:
        who = ", ".join(
            f"{escape_mrkdwn(c.credit)} [{refs.numbers[c.source_id]}]" if refs.several else escape_mrkdwn(c.credit)
            for c in side.citations
        )
        lines.append(f"{esc(side.says, 1200)} ({who})")
    return lines


def correction_text(c: Correction) -> str:
    return f":warning: Corrected {c.date.display()}: {esc(c.wrong, 900)} → {esc(c.right, 900)}"


def _side_by_side(items: list[Item], refs: Refs) -> list[Block]:
    """At most ten wordings side by side (Slack's limit of fields); the caller shows the rest one under another."""
    fields = [MarkdownTextObject(text=_item_text(refs.numbered(item), FIELD_CHARS)) for item in items[:MAX_FIELDS]]
    cites = [
        f"*{escape_mrkdwn(i.heading or '')}:* {correction_text(c)}" for i in items[:MAX_FIELDS] for c in i.corrections
    ]
    blocks: list[Block] = [SectionBlock(fields=fields)]
    blocks += _contexts(cites)
    return blocks


def _timeline_of(items: list[Item]) -> str | None:
    """`timeline 1961-2000` when every item is a dated event: the question that shows them all."""
    years = sorted({i.date.year for i in items if i.date})
    if not years or not all(i.kind is ItemKind.EVENT and i.date for i in items):
        return None
    return f"timeline {years[0]}" if years[0] == years[-1] else f"timeline {years[0]}-{years[-1]}"


def left_out(answer: Answer, items: list[Item]) -> str:
    """What Slack's 50 blocks could not hold: each item named, with the question that shows it."""

    def ask(words: str) -> str:
        return f"`{esc(f'{answer.command} {words}', 200)}`"

    together = _timeline_of(items)
    if together:
        head = f"Not shown here, {len(items)} more (Slack's limit of 50 blocks); ask {ask(together)} to see them:"
    else:
        head = f"Not shown here, {len(items)} more (Slack's limit of 50 blocks), each with the question that shows it:"
    text, room = head, SECTION_CHARS - len(head) - 80
    for n, item in enumerate(items):
        line = f"• {esc(' · '.join(x for x in (item.heading, item.text) if x), 160)}"
        if not together:
            line += f" — {ask(item.entry_id.replace('-', ' ') if item.entry_id else answer.query)}"
        if len(line) + 1 > room:
            rest = ask(together) if together else f"{ask(answer.query)} with more words"
            return f"{text}\n…and {len(items) - n} others: {rest}."
        text, room = f"{text}\n{line}", room - len(line) - 1
    return text


def more_buttons(answer: Answer) -> list[ButtonElement]:
    """One button per question that shows what the answer left out, answered privately to whoever clicks."""
    out: list[ButtonElement] = []
    for ask in answer.more[:MORE_BUTTONS]:
        value = json.dumps({"c": answer.command, "q": ask, "v": answer.version}, ensure_ascii=False)
        if len(value) <= BUTTON_VALUE_CHARS:
            label = clip(f"Show {ask}", BUTTON_CHARS)
            out.append(ButtonElement(text=label, action_id=f"{MORE_ACTION}:{len(out)}", value=value))
    return out


def share_value(answer: Answer) -> str | None:
    """What the buttons carry: the question, so the answer is recomputed rather than trusted from the client,
    and the knowledge version it was answered from, so a reload in between is noticed instead of shared unseen."""
    value = json.dumps({"c": answer.command, "q": answer.query, "v": answer.version}, ensure_ascii=False)
    return value if len(value) <= BUTTON_VALUE_CHARS else None


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".?!…" else text + "."


def fallback_text(answer: Answer) -> str:
    """The notification and screen-reader text: the header and the answer's first statement, as sentences
    ("Timeline. 1901: The first bridge is built (The Gazette).") a phone can show and a screen reader say."""
    body = answer.intro or ""
    if answer.items and not (body and answer.kind in UNCITED_KINDS):
        first = answer.items[0]
        body = f"“{first.text}”" if first.verbatim else first.text
        if first.heading:
            body = f"{first.heading}: {body}"
        if first.citations:
            body = f"{body.rstrip('.')} ({first.citations[0].credit})"
    return esc(" ".join(s for s in (_sentence(answer.title), _sentence(body)) if s), FALLBACK_CHARS)


def suggestion_command(answer: Answer, suggestion: str) -> tuple[str, str]:
    """(command, text) of a suggestion: "article 4" is asked of the answer's topic; "/mini timeline" names its own."""
    if suggestion.startswith("/"):
        command, _, text = suggestion.partition(" ")
        return command, text
    return answer.command, suggestion


def _suggestions(answer: Answer) -> list[Block]:
    """ "Did you mean" with one button per suggestion, each answered privately to the one who clicks."""
    buttons = []
    for n, s in enumerate(answer.suggestions[:MAX_SUGGESTIONS]):
        command, text = suggestion_command(answer, s)
        value = json.dumps({"c": command, "q": text}, ensure_ascii=False)
        if len(value) > BUTTON_VALUE_CHARS:
            continue
        action = SUGGEST_ACTION if n == 0 else f"{SUGGEST_ACTION}_{n + 1}"
        label = esc(f"{command} {text}".strip(), BUTTON_CHARS)  # the reporter's own words, for "Which topic?"
        buttons.append(ButtonElement(text=label, action_id=action, value=value))
    if not buttons:
        return []
    return [SectionBlock(text=MarkdownTextObject(text="Did you mean:")), ActionsBlock(elements=buttons)]


def citations(answer: Answer) -> list[Citation]:
    """Each source the answer quotes, once, in order of first use."""
    seen: dict[str, Citation] = {}
    for item in answer.items:
        for c in item.citations:
            seen.setdefault(c.source_id, c)
    return list(seen.values())


def citation_plain(answer: Answer) -> list[str]:
    """Outlet, “headline”, date, link: one plain line per source, as a copy desk pastes it."""
    return [
        f"{c.credit}, “{c.headline}”, {c.published.display()}, {c.link or '(no link known)'}" for c in citations(answer)
    ]


def render_blocks(
    answer: Answer, *, shared_by: str | None = None, share: bool = True, changed: bool = False
) -> list[dict[str, Any]]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(answer.title, HEADER_CHARS)))]
    tail: list[Block] = []
    if answer.kind in (Kind.MISS, Kind.NOTICE) and answer.query.strip():
        blocks.append(_context(f"You asked: {esc(answer.query.strip(), ECHO_CHARS)}"))
    if answer.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=esc(answer.intro, SECTION_CHARS))))
    if changed:
        blocks.append(_context(CHANGED_NOTICE))
    if answer.corrected:  # said first, as a newsroom runs a correction: before the reader quotes it
        blocks.append(_context(CORRECTED_NOTICE))
    if answer.disputed:  # and before the headline's one date is taken for the answer
        blocks.append(_context(DISPUTED_NOTICE))
    tail += _suggestions(answer)
    if shared_by:
        tail.append(_context(f"Shared by <@{escape_mrkdwn(shared_by)}> from {escape_mrkdwn(answer.command)}"))
    elif share and answer.shareable and (value := share_value(answer)) is not None:
        buttons = [ButtonElement(text=SHARE_LABEL[:BUTTON_CHARS], action_id=SHARE_ACTION, value=value)]
        if citations(answer):
            buttons.append(ButtonElement(text=CITE_LABEL[:BUTTON_CHARS], action_id=CITE_ACTION, value=value))
        tail.append(ActionsBlock(elements=buttons))
    if answer.more and not shared_by:
        tail.append(ActionsBlock(elements=more_buttons(answer)))

    items = list(answer.items)
    refs = Refs(items)
    if answer.side_by_side:
        paired = [i for i in items if i.kind == "translation"]
        items = [i for i in items if i.kind != "translation"]
        blocks += _side_by_side(paired, refs)
        items = paired[MAX_FIELDS:] + items  # past ten wordings: one under another, never dropped
    if answer.kind is Kind.HELP:
        examples = "\n".join(f"• `{esc(i.text, 300)}`" for i in items)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(examples, SECTION_CHARS))))
        items = []
    status = [i for i in items if i.kind is ItemKind.STATUS]
    if status:  # labelled lines (the maintainers' status): one compact section
        lines = "\n".join(f"*{esc(i.heading or '', 200)}:* {esc(i.text, 600)}" for i in status)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(lines, SECTION_CHARS))))
        items = [i for i in items if i.kind is not ItemKind.STATUS]

    budget = MAX_BLOCKS - len(blocks) - len(tail) - refs.footer_blocks() - 1  # one kept for what is left out
    for n, item in enumerate(items):
        chunk = _item_blocks(item, refs)
        if len(chunk) + (1 if n else 0) > budget:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=left_out(answer, items[n:]))))
            break
        if n:
            blocks.append(DividerBlock())
            budget -= 1
        blocks += chunk
        budget -= len(chunk)
    blocks += refs.footer()
    blocks += tail
    return [b.to_dict() for b in blocks]


def render_message(
    answer: Answer,
    *,
    response_type: str = "ephemeral",
    shared_by: str | None = None,
    share: bool = True,
    changed: bool = False,
) -> dict[str, Any]:
    """The whole Slack message payload: what the bot puts in the ack, and what `factdesk ask --json` prints.

    `share=False` for replies that are already public or cannot be replaced (threads, DMs, shortcuts): a Share
    click there would delete the reply itself.
    """
    return {
        "response_type": response_type,
        "text": fallback_text(answer),
        "blocks": render_blocks(answer, shared_by=shared_by, share=share, changed=changed),
    }
