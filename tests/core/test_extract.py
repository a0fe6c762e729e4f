"""Drafting from an article: it recovers every curated quote, and resolves dates without inventing any."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.dates import parse_date
from bot.core.extract import extract, to_yaml
from bot.core.loader import load
from bot.core.text import typographic
from tests.conftest import KNOWLEDGE


@pytest.mark.parametrize("source_id", ["reuters", "yonhap"])
def test_recovers_every_curated_quote(source_id: str) -> None:
    topic = load(KNOWLEDGE).knowledge.topics[0]  # type: ignore[union-attr]
    src = topic.source_by_id[source_id]
    proposal = extract((KNOWLEDGE / src.archive).read_text("utf-8"), source_id, src.published)
    proposed = [typographic(q["text"]).rstrip(".") for q in proposal.quotes]
    curated = [q for q in topic.quotes if q.source == source_id]
    assert curated
    for q in curated:
        want = typographic(q.text).rstrip(".")
        assert any(want == p or want in p for p in proposed), q.id
    # and the translations of the articles, which are quotes too
    for art in topic.articles:
        for t in art.translations:
            if t.source == source_id:
                assert typographic(t.text) in proposed


def test_speakers_and_kinds_are_guessed() -> None:
    text = (KNOWLEDGE / "sources" / "yonhap-via-korea-herald-2024-06-20.txt").read_text("utf-8")
    by_text = {q["text"]: q for q in extract(text, "yonhap", parse_date("2024-06-20")).quotes}
    assert by_text["the level of alliance"]["speaker_guess"] == "Kim"
    assert by_text["the level of alliance"]["kind"] == "direct"
    reported = next(q for t, q in by_text.items() if t.startswith("the new treaty also requires"))
    assert reported["kind"] == "reported" and reported["speaker_guess"] == "The KCNA"


def test_dates_resolve_against_publication_keeping_the_words() -> None:
    reuters = (KNOWLEDGE / "sources" / "reuters-via-star-advertiser-2024-06-20.txt").read_text("utf-8")
    yonhap = (KNOWLEDGE / "sources" / "yonhap-via-korea-herald-2024-06-20.txt").read_text("utf-8")
    dates = {(e["date"], e["as_written"]) for e in extract(reuters, "r", parse_date("2024-06-20")).timeline}
    dates |= {(e["date"], e["as_written"]) for e in extract(yonhap, "y", parse_date("2024-06-20")).timeline}
    for expected in [("2024-05", "last month"), ("2024-06-19", "on Wednesday"), ("2024-06-20", "on Thursday"),
                     ("1991", "the following year"), ("1961", "1961"), ("1996", "1996"), ("2000", "2000")]:  # fmt: skip
        assert expected in dates
    vague = {w: d for d, w in dates if d.startswith("TODO")}
    assert set(vague) == {"the 1960s", "this week"}  # no precision invented for a decade or a week


def test_the_draft_is_yaml_a_maintainer_can_paste(tmp_path: Path) -> None:
    text = (KNOWLEDGE / "sources" / "reuters-via-star-advertiser-2024-06-20.txt").read_text("utf-8")
    out = to_yaml(extract(text, "reuters", parse_date("2024-06-20")), "# header\n")
    data = yaml.safe_load(out)
    assert out.startswith("# header\n") and {"quotes", "timeline", "facts"} <= data.keys()
    assert all(q["source"] == "reuters" for q in data["quotes"])
    assert any("23" in f["numbers"] or "fifth" in f["numbers"] for f in data["facts"])
