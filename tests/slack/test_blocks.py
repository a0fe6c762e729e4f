"""Block Kit rendering: Slack's limits hold on every answer, and nothing a user types escapes."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from bot.core.answer import Answer, Item, ItemKind, Kind
from bot.core.dates import parse_date
from bot.core.model import Correction
from bot.slack import blocks as bk
from tests.support.asking import Door, open_door
from tests.support.block_kit import assert_within_limits, texts
from tests.support.paths import FIXTURES

QUERIES = [
    *("article4", "article 5", "timeline", "timeline 1990s", "quotes", "quote kim", "kim", "sources", ""),
    *("when was the 1961 treaty scrapped", "who said level of alliance", "nothing here at all", "x" * 900),
]


@pytest.mark.parametrize("text", QUERIES)
def test_every_answer_fits_slack(pact: Door, text: str) -> None:
    assert_within_limits(bk.render_message(pact.answer(text)))


def test_article_translations_are_side_by_side_and_attributed(pact: Door) -> None:
    msg = bk.render_message(pact.answer("article4"))
    (fields_block,) = [b for b in msg["blocks"] if b["type"] == "section" and "fields" in b]
    fields = [f["text"] for f in fields_block["fields"]]
    assert fields[0].startswith("*Translation by Reuters [1]*") and "put in a state of war" in fields[0]
    assert fields[1].startswith("*Translation by Yonhap [2]*") and "placed under a state of war" in fields[1]
    cites = [t for t in texts(msg["blocks"]) if t.startswith("[")]
    assert cites[0].startswith("[1] Reuters via Honolulu Star-Advertiser · Thu 20 June 2024")
    assert cites[1].startswith("[2] Yonhap via The Korea Herald · Thu 20 June 2024, 11:01 (UTC+09:00)")
    assert all("(no link known)" in c for c in cites)


@pytest.mark.parametrize("text", ["timeline", "article4", "quote kim", "sources", "latest"])
def test_each_source_is_cited_once_per_answer(pact: Door, text: str) -> None:
    msg = bk.render_message(pact.answer(text))
    shown = list(texts(msg["blocks"]))
    for headline in ("New North Korea-Russia pact calls", "N. Korea, Russia agree to offer"):
        lines = [t for t in shown if headline in t and "·" in t]
        assert len(lines) <= 1, (text, lines)


def test_share_button_carries_the_question(pact: Door) -> None:
    msg = bk.render_message(pact.answer("quote kim"))
    (actions,) = [b for b in msg["blocks"] if b["type"] == "actions"]
    button = actions["elements"][0]
    assert button["action_id"] == bk.SHARE_ACTION
    version = pact.answer("quote kim").version
    assert version and json.loads(button["value"]) == {"c": "/pact", "q": "quote kim", "v": version}


def test_shared_answer_names_who_shared_it_and_has_no_button(pact: Door) -> None:
    msg = bk.render_message(pact.answer("article4"), response_type="in_channel", shared_by="U123ABC")
    assert msg["response_type"] == "in_channel"
    assert not [b for b in msg["blocks"] if b["type"] == "actions"]
    assert "Shared by <@U123ABC> from /pact" in json.dumps(msg)


@pytest.mark.parametrize(
    "evil", ["<!channel>", "<!here>", "<@U024BE7LH>", "<http://evil.example|click me>", "a & b > c", "<#C123|general>"]
)
def test_user_text_is_escaped(pact: Door, evil: str) -> None:
    msg = bk.render_message(pact.answer(f"tell me about {evil} please"))
    shown = [*list(texts(msg["blocks"])), msg["text"]]
    assert not any("<!" in t or "<@U0" in t or "<http://evil" in t or "<#C" in t for t in shown)
    assert any("&lt;" in t or "&amp;" in t or "&gt;" in t for t in shown)


def test_a_long_answer_names_what_it_cuts_and_the_question_that_shows_it(pact: Door) -> None:
    base = pact.answer("timeline")
    many = dataclasses.replace(base, items=base.items * 40)
    msg = bk.render_message(many)
    assert_within_limits(msg)
    (cut,) = [t for t in texts(msg["blocks"]) if t.startswith("Not shown here, ")]
    shown = sum(1 for b in msg["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("*"))
    left = len(many.items) - shown
    assert f"Not shown here, {left} more" in cut
    years = sorted({i.date.year for i in many.items if i.date})
    assert f"`/pact timeline {years[0]}-{years[-1]}`" in cut  # dated events: the timeline of their years
    named = cut.count("\n• ")
    assert named > 0 and (named == left or f"…and {left - named} others: `/pact timeline" in cut)


def test_more_than_ten_wordings_are_shown_one_under_another_not_dropped() -> None:
    wording = [Item(kind=ItemKind.TRANSLATION, text=f"wording {n}", heading=f"Outlet {n}") for n in range(13)]
    msg = bk.render_message(Answer(Kind.ARTICLE, "Article 1", tuple(wording), command="/x", side_by_side=True))
    assert_within_limits(msg)
    shown = json.dumps(msg["blocks"])
    assert all(f"wording {n}" in shown for n in range(13))


def test_cut_items_that_are_not_events_are_named_with_a_question_for_them() -> None:
    facts = tuple(Item(kind=ItemKind.FACT, text=f"fact {n}", entry_id=f"fact-number-{n}") for n in range(80))
    msg = bk.render_message(Answer(Kind.FACTS, "Facts", facts, command="/x", query="numbers"))
    assert_within_limits(msg)
    (cut,) = [t for t in texts(msg["blocks"]) if t.startswith("Not shown here, ")]
    lines = cut.splitlines()[1:]
    named = [line for line in lines if line.startswith("• ")]
    assert named and all(line.endswith(f"`/x fact number {line.split()[2]}`") for line in named)
    left = int(cut.split()[3])
    assert len(named) == left or lines[-1] == f"…and {left - len(named)} others: `/x numbers` with more words."


def test_long_texts_are_clipped_at_a_word_boundary() -> None:
    huge = Answer(
        Kind.FACTS, "T" * 400, (Item(kind=ItemKind.FACT, text="word " * 2000, heading="h" * 500),), command="/x"
    )
    msg = bk.render_message(huge)
    assert_within_limits(msg)
    section = next(b for b in msg["blocks"] if b["type"] == "section")
    assert section["text"]["text"].rstrip().endswith("…")
    assert "wor…" not in section["text"]["text"]


def test_escaping_never_overflows_a_limit() -> None:
    text = "<&>" * 3000
    out = bk.esc(text, 3000)
    assert len(out) <= 3000 and "<" not in out and not out.endswith("&am…")


def test_corrections_are_said_first_and_shown_with_their_entry(corrected: Door) -> None:
    fact = bk.render_message(corrected.answer("approval"))
    shown = list(texts(fact["blocks"]))
    assert shown[1] == bk.CORRECTED_NOTICE  # right under the header, before anything can be quoted
    assert ":warning: Corrected Fri 8 March 2024: said the mayor approved the plan → the council approved it" in shown
    article = bk.render_message(corrected.answer("article 2"))
    assert bk.CORRECTED_NOTICE in texts(article)
    assert any('Corrected Sat 9 March 2024: the translation was given as "the bridge will open"' in t
               for t in texts(article))  # fmt: skip
    clean = bk.render_message(corrected.answer("bridge closed"))
    assert clean["blocks"][1]["text"]["text"].startswith("The first bridge was closed last year.")
    assert not any("Corrected" in t or "corrected" in t for t in texts(clean))


def test_compared_wordings_show_their_differences_in_bold() -> None:
    harbour = open_door(FIXTURES / "developing", "/harbour")
    msg = bk.render_message(harbour.answer("compare article 3"))
    assert_within_limits(msg)
    shown = "\n".join(texts(msg["blocks"]))
    assert "“*If one* side is *placed under attack,* the other side *provides* help without delay”" in shown
    assert "Wording by Wire A" in shown and "Wording by Wire B" in shown


@pytest.mark.parametrize("times", [2.5, 10])
def test_text_far_over_its_limit_is_cut_near_the_limit_not_to_an_ellipsis(times: float) -> None:
    text = "The council approved the plan & more. " * int(bk.SECTION_CHARS * times / 38)
    out = bk.esc(text, bk.SECTION_CHARS)
    assert bk.SECTION_CHARS - 60 <= len(out) <= bk.SECTION_CHARS and out.endswith("…")
    long_item = Answer(Kind.FACTS, "Facts", (Item(kind=ItemKind.FACT, text=text),))
    fallback = bk.fallback_text(long_item)  # the notification text too
    assert bk.FALLBACK_CHARS - 60 <= len(fallback) <= bk.FALLBACK_CHARS


def test_suggestions_are_short_buttons_that_ask_them() -> None:
    two = open_door(FIXTURES / "two_topics", "/mini")
    miss = bk.render_message(two.answer("article 5"))
    assert_within_limits(miss)
    (actions,) = [b for b in miss["blocks"] if b["type"] == "actions"]
    (button,) = actions["elements"]
    assert button["text"]["text"] == "/mini article 2" and button["action_id"] == bk.SUGGEST_ACTION
    assert json.loads(button["value"]) == {"c": "/mini", "q": "article 2"}
    which = bk.render_message(two.service.answer(None, "timeline"))  # suggestions that name their own topic
    assert_within_limits(which)
    (actions,) = [b for b in which["blocks"] if b["type"] == "actions"]
    assert [(b["text"]["text"], json.loads(b["value"])) for b in actions["elements"]] == [
        ("/budget timeline", {"c": "/budget", "q": "timeline"}),
        ("/mini timeline", {"c": "/mini", "q": "timeline"}),
    ]
    assert all(re.match(bk.SUGGEST_ACTIONS, b["action_id"]) for b in actions["elements"])
    assert "/mini /" not in json.dumps(which)
    evil = bk.render_message(two.service.answer(None, "timeline <!channel>"))  # echoed in the suggestions
    shown = [*texts(evil["blocks"]), evil["text"]]
    assert not any("<!channel>" in s for s in shown) and any("timeline &lt;!channel&gt;" in s for s in shown)


@pytest.mark.parametrize(
    ("text", "said"),
    [("when was the first bridge built", "1901. The first bridge is built (The Gazette)."),
     ("article 5", "No answer in the curated sources. The curated sources never quote Article 5. They quote "
                   "Article 2."),
     ("quote roe", "Quotes: Jane Roe. Jane Roe — direct quote: “without fail” (The Gazette)."),
     ("approval", "What the curated sources say. The council approved the plan (The Gazette).")],
)  # fmt: skip
def test_the_notification_text_reads_as_sentences(text: str, said: str) -> None:
    assert bk.fallback_text(open_door(FIXTURES / "mini", "/mini").answer(text)) == said


def test_an_item_with_more_notes_than_a_context_block_holds_keeps_them_all() -> None:
    fixes = tuple(Correction(parse_date("2024-06-21"), f"wrong {n}", f"right {n}") for n in range(12))
    msg = bk.render_message(Answer(Kind.FACTS, "Facts", (Item(kind=ItemKind.FACT, text="x", corrections=fixes),)))
    assert_within_limits(msg)
    shown = json.dumps(msg["blocks"])
    assert all(f"right {n}" in shown for n in range(12))
