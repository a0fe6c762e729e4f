"""The Bolt app's own parts that are not a request: the cache of rendered answers."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.core.answer import Answer, Item, ItemKind, Kind
from bot.slack.app import RenderCache


def _title(payload: str) -> str:
    return str(json.loads(payload)["blocks"][0]["text"]["text"])


def test_rendered_answers_are_filed_under_the_version_they_were_answered_from() -> None:
    # A reload can land between answering and rendering: the old answer must not be kept for the new version.
    cache = RenderCache()
    old = Answer(
        Kind.FACTS, "Before the edit", (Item(kind=ItemKind.FACT, text="The treaty has 23 articles."),), version="v1"
    )
    new = replace(old, title="After the edit", version="v2")
    for _ in range(2):  # (a payload is kept from its second time: the cache's doorkeeper)
        assert _title(cache.message("/pact", "how many articles", old)) == "Before the edit"
        assert _title(cache.message("/pact", "how many articles", new)) == "After the edit"
    assert _title(cache.message("/pact", "how many articles", old)) == "Before the edit"
    assert len(cache.entries) == 2


def test_notices_are_never_kept() -> None:
    cache = RenderCache()
    notice = Answer(Kind.NOTICE, "For maintainers only", intro="`status` is a maintainers' command.")
    assert _title(cache.message("/pact", "status", notice)) == "For maintainers only"
    assert len(cache.entries) == 0
