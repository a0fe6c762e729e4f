"""What every rendered Slack message must satisfy, shared by the tests that render one (directly or over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.slack import blocks as bk


def texts(payload: Any) -> Iterator[str]:
    if isinstance(payload, dict):
        for k, v in payload.items():
            if k == "text" and isinstance(v, str):
                yield v
            else:
                yield from texts(v)
    elif isinstance(payload, list):
        for v in payload:
            yield from texts(v)


def assert_within_limits(message: dict[str, Any]) -> None:
    blocks = message["blocks"]
    assert 0 < len(blocks) <= bk.MAX_BLOCKS
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= bk.HEADER_CHARS and b["text"]["type"] == "plain_text"
        if b["type"] == "section":
            assert len(b.get("text", {}).get("text", "")) <= bk.SECTION_CHARS
            assert len(b.get("fields", [])) <= bk.MAX_FIELDS
            assert all(len(f["text"]) <= bk.FIELD_CHARS for f in b.get("fields", []))
        if b["type"] == "context":
            assert 0 < len(b["elements"]) <= bk.CONTEXT_ELEMENTS
        if b["type"] == "actions":  # action ids unique within their block, as Slack requires
            assert len({el["action_id"] for el in b["elements"]}) == len(b["elements"])
            for el in b["elements"]:
                assert len(el["text"]["text"]) <= bk.BUTTON_CHARS
                assert len(el["value"]) <= bk.BUTTON_VALUE_CHARS
        if b["type"] == "actions":
            for el in b["elements"]:
                assert len(el["text"]["text"]) <= bk.BUTTON_CHARS
                assert len(el["value"]) <= bk.BUTTON_VALUE_CHARS
    assert len(message["text"]) <= bk.FALLBACK_CHARS
