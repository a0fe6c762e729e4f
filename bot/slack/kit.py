"""Block Kit as plain dicts, with the constructor shapes of `slack_sdk.models.blocks` that blocks.py uses.

The SDK's models validate every object as it is built and again in `to_dict()`; for an answer that is most of
the cost of rendering it, on every request that misses the render cache. blocks.py keeps every text within
Slack's limits itself, and tests/slack/test_kit.py parses every rendered payload of every answer kind (and the
App Home view) back through `slack_sdk.models.blocks` and its validation, so Slack's limits stay guaranteed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class _Obj:
    """A Block Kit object that is already its JSON."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


class Block(_Obj):
    __slots__ = ()


def _dicts(items: Sequence[_Obj]) -> list[dict[str, Any]]:
    return [i.data for i in items]


class PlainTextObject(_Obj):
    __slots__ = ()

    def __init__(self, *, text: str, emoji: bool | None = None) -> None:
        data: dict[str, Any] = {"type": "plain_text", "text": text}
        if emoji is not None:
            data["emoji"] = emoji
        super().__init__(data)


class MarkdownTextObject(_Obj):
    __slots__ = ()

    def __init__(self, *, text: str) -> None:
        super().__init__({"type": "mrkdwn", "text": text})


class HeaderBlock(Block):
    __slots__ = ()

    def __init__(self, *, text: PlainTextObject) -> None:
        super().__init__({"type": "header", "text": text.data})


class SectionBlock(Block):
    __slots__ = ()

    def __init__(self, *, text: MarkdownTextObject | None = None, fields: Sequence[MarkdownTextObject] = ()) -> None:
        data: dict[str, Any] = {"type": "section"}
        if text is not None:
            data["text"] = text.data
        if fields:
            data["fields"] = _dicts(fields)
        super().__init__(data)


class ContextBlock(Block):
    __slots__ = ()

    def __init__(self, *, elements: Sequence[_Obj]) -> None:
        super().__init__({"type": "context", "elements": _dicts(elements)})


class DividerBlock(Block):
    __slots__ = ()

    def __init__(self) -> None:
        super().__init__({"type": "divider"})


class ButtonElement(_Obj):
    __slots__ = ()

    def __init__(self, *, text: str, action_id: str, value: str) -> None:
        # As the SDK writes a button label given as a string: plain text with emoji on.
        super().__init__(
            {"type": "button", "text": {"type": "plain_text", "text": text, "emoji": True}, "action_id": action_id,
             "value": value}
        )  # fmt: skip


class ActionsBlock(Block):
    __slots__ = ()

    def __init__(self, *, elements: Sequence[ButtonElement]) -> None:
        super().__init__({"type": "actions", "elements": _dicts(elements)})


class View(_Obj):
    __slots__ = ()

    def __init__(self, *, type: str, blocks: Sequence[Block]) -> None:
        super().__init__({"type": type, "blocks": _dicts(blocks)})
