"""The loader: the seed knowledge loads complete and right; every kind of error is pinned to its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.dates import Precision
from bot.core.loader import load, load_topic
from tests.support.expectations import ERROR_FIXTURES, expectation
from tests.support.paths import FIXTURES, KNOWLEDGE, ROOT


def test_seed_knowledge_loads_clean_but_for_missing_links() -> None:
    result = load(KNOWLEDGE)
    assert result.ok
    assert result.errors == []
    # No link is known for either republished page: a warning each, never an invented link.
    assert sorted(p.message.split("'")[1] for p in result.warnings) == ["reuters", "yonhap"]
    assert all("no link" in p.message for p in result.warnings)


def test_article_4_in_both_translations() -> None:
    topic = load(KNOWLEDGE).knowledge.topics[0]  # type: ignore[union-attr]
    (art,) = [a for a in topic.articles if a.number == 4]
    by_source = {t.source: t.text for t in art.translations}
    assert by_source["reuters"].startswith("In case any one of the two sides is put in a state of war")
    assert by_source["yonhap"].startswith("If one of the two sides is placed under a state of war")
    assert all("Article 51 of the UN Charter" in text for text in by_source.values())


def test_timeline_is_in_order_with_the_source_precision() -> None:
    topic = load(KNOWLEDGE).knowledge.topics[0]  # type: ignore[union-attr]
    years = [e.date.year for e in topic.timeline]
    assert years == sorted(years)
    for year in (1961, 1990, 1991, 1996, 2000, 2024):
        assert year in years
    first = {e.date.year: e for e in reversed(topic.timeline)}
    assert first[1961].date.precision is Precision.YEAR
    assert first[1991].as_written == "the following year"
    may = next(e for e in topic.timeline if e.id == "2024-putin-visits-china")
    assert (may.date.iso(), may.date.precision, may.as_written) == ("2024-05", Precision.MONTH, "last month")
    signed = next(e for e in topic.timeline if e.id == "2024-treaty-signed")
    assert signed.date.display() == "Wed 19 June 2024"


def test_kim_and_chang_are_quoted_with_their_kind_of_speech() -> None:
    topic = load(KNOWLEDGE).knowledge.topics[0]  # type: ignore[union-attr]
    quotes = {q.id: q for q in topic.quotes}
    assert quotes["kim-level-of-alliance"].text == "the level of alliance"
    assert quotes["kim-level-of-alliance"].kind == "direct"
    assert quotes["chang-review-arming-ukraine"].text == "Seoul would review its position on arming Ukraine"
    assert quotes["chang-review-arming-ukraine"].kind == "reported"
    assert topic.person_by_id["chang-ho-jin"].role == "South Korea's national security advisor"


def test_sources_keep_their_publication_precision() -> None:
    topic = load(KNOWLEDGE).knowledge.topics[0]  # type: ignore[union-attr]
    src = topic.source_by_id
    assert src["yonhap"].published.iso() == "2024-06-20T11:01+09:00"
    assert src["reuters"].published.iso() == "2024-06-20"
    assert src["reuters"].link is None and src["yonhap"].link is None
    assert src["reuters"].byline == "Jack Kim and Ju-min Park"


def test_archives_hold_only_words_of_the_seed_articles() -> None:
    """Every paragraph archived is in the seed as received: furniture dropped, nothing retyped."""
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for archive in (KNOWLEDGE / "sources").glob("*.txt"):
        seed = (seeds / archive.name).read_text("utf-8")
        for para in filter(None, (p.strip() for p in archive.read_text("utf-8").split("\n\n"))):
            assert para in seed, f"{archive.name}: {para[:60]!r} is not in the seed"
        assert "ADVERTISING" not in archive.read_text("utf-8")
        assert "Leave a Reply" not in archive.read_text("utf-8")


def test_mini_fixture_is_valid() -> None:
    result = load(FIXTURES / "mini")
    assert result.ok and result.problems == []


@pytest.mark.parametrize("path", ERROR_FIXTURES, ids=lambda p: p.stem)
def test_each_error_is_reported_at_its_line(path: Path) -> None:
    line, message, _ = expectation(path)
    topic, problems = load_topic(path, display=path.name)
    assert topic is None
    errors = [p for p in problems if p.severity == "error"]
    assert any(p.line == line and message in p.message for p in errors), "\n".join(map(str, errors))
    rendered = [str(p) for p in errors if p.line == line]
    assert all(re.match(rf"^{re.escape(path.name)}:{line}:\d+: error: ", r) for r in rendered)


def test_a_quote_altered_by_one_word_marks_the_word_in_the_closest_passage() -> None:
    _, problems = load_topic(FIXTURES / "errors" / "altered_quote.yaml")
    (err,) = [p for p in problems if p.severity == "error"]
    assert 'you wrote "doubt" where the source has "fail";' in err.message
    assert err.message.endswith('differences in [brackets]: ""without [fail"]"')


def test_a_broken_file_among_good_ones_loads_nothing(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "errors" / "altered_quote.yaml", tmp_path / "zz.yaml")
    result = load(tmp_path)
    assert result.knowledge is None
    assert any(p.file.endswith("zz.yaml") for p in result.errors)


def test_two_topics_cannot_share_a_command(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "mini" / "mini.yaml", tmp_path / "again.yaml")
    result = load(tmp_path)
    assert result.knowledge is None
    assert any("/mini is already answered by" in p.message for p in result.errors)


def test_cache_gives_the_same_topic_and_notices_a_changed_source(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    cache = tmp_path / "cache"
    first = load(folder, cache)
    assert first.ok and list(cache.glob("*.pickle"))
    second = load(folder, cache)
    assert second.knowledge is not None and first.knowledge is not None
    assert second.knowledge.topics[0] == first.knowledge.topics[0]
    # Change the archived source under an unchanged YAML file: the cache must not hide the broken quote.
    src = folder / "sources" / "gazette-2024-03-07.txt"
    src.write_text(src.read_text("utf-8").replace("without fail", "without delay"), "utf-8")
    third = load(folder, cache)
    assert third.knowledge is None
    assert any("not word for word" in p.message for p in third.errors)


def test_empty_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", "utf-8")
    assert "the file is empty" in load(tmp_path).errors[0].message
    assert load(tmp_path / "nope").errors[0].message == "no such file or folder"


def test_a_count_of_articles_needs_evidence_that_states_that_number(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "two_topics", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "budget.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("  articles: 12\n", "  articles: 13\n"), "utf-8")
    topic, problems = load_topic(path)
    assert topic is None
    (problem,) = problems
    assert problem.line == text.splitlines().index("  evidence: The budget law, which has 12 articles") + 1
    assert problem.message == "the evidence does not state the number 13"
    path.write_text(text.replace("which has 12 articles", "which has 12 clauses"), "utf-8")
    topic, problems = load_topic(path)
    assert topic is None and "evidence is not word for word in source 'ledger'" in problems[0].message


def test_a_schema_hint_that_leads_nowhere_is_a_warning(tmp_path: Path) -> None:
    """Editors check a topic file against the schema its first line names; a hint to nothing checks nothing."""
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    topic = folder / "mini.yaml"
    text = topic.read_text("utf-8")
    topic.write_text("# yaml-language-server: $schema=./schema.json\n" + text, "utf-8")
    result = load(folder)
    assert result.ok
    assert [(p.line, p.severity) for p in result.warnings if "schema hint" in p.message] == [(1, "warning")]
    (folder / "schema.json").write_text("{}", "utf-8")
    assert not [p for p in load(folder).warnings if "schema hint" in p.message]


def test_a_glossary_meaning_no_entry_uses_is_a_warning_at_its_line(tmp_path: Path) -> None:
    """ "nk: north korea" in a topic whose entries never say "north korea": a question with "nk" could only miss."""
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "mini.yaml").read_text("utf-8")
    glossary = "terms:\n  jr: jane roe\n  nk: north korea\nsources:\n"
    (tmp_path / "mini.yaml").write_text(text.replace("sources:\n", glossary, 1))
    topic, problems = load_topic(tmp_path / "mini.yaml", display="mini.yaml")
    assert topic is not None and topic.terms == (("jr", "jane roe"), ("nk", "north korea"))
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert str(warning).startswith("mini.yaml:9:7: warning: no entry uses 'north', 'korea' (the meaning of 'nk')")
