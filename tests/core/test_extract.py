"""Drafting from an article: each test feeds a few sentences that show one thing the extractor must get right."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.core.dates import parse_date
from bot.core.extract import Proposal, Topic, add_to_topic, draft, extract, sentences, to_yaml
from bot.core.loader import load, schema
from tests.support.paths import FIXTURES


def run(text: str, published: str = "2024-12-05") -> Proposal:
    return extract(text, "src", parse_date(published))


def dates(text: str, published: str = "2024-12-05") -> list[tuple[str | None, str]]:
    return [(d.iso, d.words) for d in run(text, published).dates]


def quotes(text: str, published: str = "2024-12-05") -> list[tuple[str, str, str]]:
    return [(q.kind, q.speaker, q.text) for q in run(text, published).quotes]


# -- dates -------------------------------------------------------------------------------------------
def test_a_date_without_a_year_takes_the_year_nearest_the_publication() -> None:
    text = "It was signed on June 19. It took effect on December 4. Talks resume on January 15."
    assert dates(text) == [("2024-06-19", "June 19"), ("2024-12-04", "December 4"), ("2025-01-15", "January 15")]
    assert all(d.relative for d in run(text).dates)  # the year was inferred: the draft keeps the words


def test_numeric_dates_are_days_not_years() -> None:
    assert dates("The treaty was signed on 20/06/2024 in Pyongyang.") == [("2024-06-20", "20/06/2024")]
    (ambiguous,) = run("Stamped 11/12/2024 in Tokyo.", "2024-11-12").dates
    assert ambiguous.iso == "2024-11-12" and "month/day" in ambiguous.note  # the reading nearest publication


def test_a_month_alone_is_a_month_and_a_month_with_a_year_keeps_it() -> None:
    assert dates("The leaders met in May.", "2024-06-20") == [("2024-05", "in May")]
    assert dates("The war began in February 2022.") == [("2022-02", "February 2022")]
    assert dates("Talks were held last June.") == [("2024-06", "last June")]


def test_relative_dates_resolve_against_the_publication() -> None:
    text = (
        "Kim spoke yesterday. The vote was last month. The decree appeared on Saturday. "
        "Ukraine said the previous day that it held the line. It was sent to parliament on the 14th."
    )
    assert dates(text, "2024-11-20") == [
        ("2024-11-19", "yesterday"), ("2024-10", "last month"), ("2024-11-16", "on Saturday"),
        ("2024-11-19", "the previous day"), ("2024-11-14", "on the 14th"),
    ]  # fmt: skip


def test_a_day_of_the_month_alone_is_the_nearest_such_day() -> None:
    text = "The council will meet on the 6th. The Duma voted on the 24th of last month. It was sent on the 14th."
    assert dates(text, "2024-11-05") == [
        ("2024-11-06", "on the 6th"), ("2024-10-24", "on the 24th of last month"), ("2024-10-14", "on the 14th"),
    ]  # fmt: skip


def test_relative_dates_resolve_against_the_event_before_them() -> None:
    text = "Moscow recognised Seoul in 1990 and the Soviet Union collapsed the following year."
    assert dates(text) == [("1990", "1990"), ("1991", "the following year")]


def test_what_has_no_stored_precision_is_asked_not_guessed() -> None:
    found = run("Putin signed it last week, reviving a pact from the 1960s.").dates
    assert [(d.iso, d.words) for d in found] == [(None, "last week"), (None, "the 1960s")]
    assert all(d.note for d in found)


def test_a_number_after_the_article_is_not_a_year() -> None:
    assert dates("Some 2,000 troops and 3000 shells were sent.") == []


# -- the page around the story -----------------------------------------------------------------------
def test_abbreviations_do_not_end_sentences() -> None:
    text = "N. Korea told the U.N. on Dec. 4 that Gen. Kim and J. Smith agreed. Then they left."
    assert sentences(text) == [
        "N. Korea told the U.N. on Dec. 4 that Gen. Kim and J. Smith agreed.",
        "Then they left.",
    ]


def test_a_lost_space_after_a_full_stop_still_ends_the_sentence() -> None:
    assert sentences("It was signed in June 2024.The Duma agreed. See News.Az for more.") == [
        "It was signed in June 2024.", "The Duma agreed.", "See News.Az for more.",
    ]  # fmt: skip


def test_a_page_header_date_before_the_headline_leaves_the_dateline_found() -> None:
    p = run(
        "6 Nov 2024 11:36\n\nCouncil ratifies treaty\n\nMOSCOW. Nov 6 (Interfax) - It was approved on Wednesday.",
        "2024-11-06",
    )
    assert (p.headline, p.dateline) == ("Council ratifies treaty", "MOSCOW. Nov 6 (Interfax) -")
    assert [d.words for d in p.dates] == ["on Wednesday"]


def test_a_list_of_links_is_furniture_even_with_quotes_and_dates() -> None:
    text = 'The treaty was ratified.\nMore- Other news\n- Senate to discuss it tomorrow\n- Agency "warns of floods"'
    p = run(text)
    assert p.quotes == [] and p.dates == []


def test_headline_byline_dateline_caption_and_furniture_propose_nothing() -> None:
    text = (FIXTURES / "extract" / "bridge-2024-03-08.txt").read_text("utf-8")
    p = run(text, "2024-03-08")
    assert p.headline == "Minister vows bridge will open next spring"
    assert p.dateline == "RIVERTON, March 8 (Gazette) -"
    assert [d.words for d in p.dates] == ["on Thursday", "on Tuesday", "1901", "last year"]  # not March 8, not the
    assert not any("Floods" in q.text or "Floods" in s for q in p.quotes for s in (q.sentence,))  # caption's
    assert "School fair raises funds" in p.skipped and "(Reporting by Staff; Editing by Desk)" in p.skipped


def test_a_crawl_stamp_is_not_an_event() -> None:
    assert dates("date 2024-12-05 The treaty came into force on Wednesday.") == [("2024-12-04", "on Wednesday")]
    assert dates("Published\n11/12/2024 5:11:05 AM\nThe treaty was ratified on Monday.", "2024-11-12") == [
        ("2024-11-11", "on Monday")
    ]


# -- quotes and speakers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will finish it," Roe said.', "Roe"),
        ('"We will finish it," said Jane Roe.', "Jane Roe"),
        ('The minister, Jane Roe, said: "We will finish it."', "Jane Roe"),
        ('"We will finish it," North Korean leader Kim Jong Un said on Thursday.', "North Korean leader Kim Jong Un"),
        ('Slutsky evaluated the treaty, saying, "We will finish it."', "Slutsky"),
        ('"We will finish it." Tass reported.', "Tass"),
        ('Roe spoke of the bridge, asserting, "We will finish it."', "Roe"),
        ('"We will finish it," Article 4 of the agreement says.', "Article 4 of the agreement"),
    ],
)
def test_a_quote_gets_its_speaker(text: str, speaker: str) -> None:
    assert quotes(text)[0] == ("direct", speaker, "We will finish it")


def test_a_quote_over_two_sentences_is_one_quote() -> None:
    (q,) = quotes('"It is built. It will open in spring," the mayor said.')
    assert q == ("direct", "the mayor", "It is built. It will open in spring")


def test_it_and_he_are_taken_to_the_last_one_named_and_say_so() -> None:
    p = run('KCNA said the treaty took effect. "It is a strong driving force," it said.')
    q = p.quotes[-1]
    assert q.speaker == "KCNA" and "'it'" in q.note


def test_reported_speech_in_its_three_shapes() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskiy said on Thursday that North Korea has sent 11,000 troops. "
        "North Korea has ratified the treaty, the official KCNA reported Tuesday, amid concern in Seoul. "
        "Seoul would review its position on arming Ukraine, the national security advisor, Chang Ho-jin, said."
    )
    assert quotes(text) == [
        ("reported", "Ukrainian President Volodymyr Zelenskiy", "North Korea has sent 11,000 troops"),
        ("reported", "KCNA", "North Korea has ratified the treaty"),
        ("reported", "Chang Ho-jin", "Seoul would review its position on arming Ukraine"),
    ]


def test_a_reporting_verb_before_a_quotation_is_not_reported_speech() -> None:
    text = 'Regarding the bridge, he said, "We will finish it." Asked about costs, he replied, "Ask the council."'
    assert [q[0] for q in quotes(text)] == ["direct", "direct"]


def test_citing_belongs_to_the_attribution() -> None:
    assert quotes("The Duma has ratified the treaty, News.Az reports citing Gazeta.Ru.") == [
        ("reported", "News.Az", "The Duma has ratified the treaty")
    ]


def test_a_list_of_speakers_is_one_speaker() -> None:
    text = "Seoul, Washington and Kyiv have said there are more than 10,000 soldiers in Russia."
    assert quotes(text) == [("reported", "Seoul, Washington and Kyiv", "there are more than 10,000 soldiers in Russia")]


def test_a_sentence_without_a_reporting_verb_proposes_no_speaker() -> None:
    text = "Washington and Seoul have been increasingly alarmed by deepening military cooperation between them."
    assert quotes(text) == []


def test_reported_speech_inside_a_quote_is_part_of_the_quote() -> None:
    text = 'It added, "Kyiv just claimed some were shelled, officials said here."'
    assert [q[0] for q in quotes(text)] == ["direct"]


def test_the_same_quote_twice_is_proposed_once() -> None:
    assert len(quotes('"Without delay," Kim said. Putin also said "without delay" on Friday.')) == 1


# -- numbers -----------------------------------------------------------------------------------------
def test_numbers_that_are_facts_not_dates_or_article_numbers() -> None:
    p = run("The 23-point treaty, signed on June 19, 2024, cites Article 51 and costs $3.5 billion.")
    assert p.facts == [(p.facts[0][0], ["23-point", "$3.5 billion"])]


# -- the draft ---------------------------------------------------------------------------------------
def _draft(text: str, topic: Topic | None = None) -> dict[str, list[str]]:
    published = parse_date("2024-03-08")
    return draft(extract(text, "gazette-2", published), source_id="gazette-2", published=published,
                 archive="sources/gazette-2.txt", topic=topic)  # fmt: skip


def test_the_draft_pastes_into_a_topic_file_with_only_fields_the_checker_accepts() -> None:
    text = (FIXTURES / "extract" / "bridge-2024-03-08.txt").read_text("utf-8")
    out = to_yaml(_draft(text), "# header\n")
    data = yaml.safe_load(out)
    allowed = {k: set(v["items"]["properties"]) for k, v in schema()["properties"].items()
               if "properties" in v.get("items", {})}  # fmt: skip
    for section, entries in data.items():
        for entry in entries:
            assert set(entry) <= allowed[section], (section, entry)
    assert "\n  - id: gazette-2\n" in out  # the topic file's indentation
    assert "  # what: say what happened, in your words" in out  # questions are comments


def test_absolute_years_have_no_as_written_relative_dates_keep_their_words() -> None:
    timeline = yaml.safe_load(to_yaml(_draft("Built in 1901, it closed last year."), ""))["timeline"]
    assert [(e["date"], e.get("as_written")) for e in timeline] == [(1901, None), (2023, "last year")]


def test_one_event_per_date_with_the_other_mentions_as_comments() -> None:
    blocks = _draft("The pact was scrapped in 1996. Talks stalled after 1996.")["timeline"]
    assert len(blocks) == 1 and "# also dated 1996 ('1996'): «Talks stalled after 1996.»" in blocks[0]


def test_vague_dates_are_comments_not_entries() -> None:
    (block,) = _draft("It revives a pact from the 1960s.")["timeline"]
    assert all(line.lstrip().startswith("#") for line in block.splitlines())


def test_known_speakers_are_reused_and_new_ones_proposed() -> None:
    topic = Topic.read({"people": [{"id": "jane-roe", "name": "Jane Roe", "aliases": ["roe"]}]})
    sections = _draft('"We will finish it," Roe said. "It is late," said Bob Stone.', topic)
    assert "speaker: jane-roe" in sections["quotes"][0] and "speaker: bob-stone" in sections["quotes"][1]
    assert len(sections["people"]) == 1 and "name: Bob Stone" in sections["people"][0]


def test_add_to_topic_appends_under_each_key_and_keeps_comments() -> None:
    text = "# keep me\ntopic: t\nquotes:\n  - id: a\n    text: x\n\ntimeline: []\nfacts:\n  - id: f\n"
    out = add_to_topic(text, {"quotes": ["  - id: b"], "timeline": ["  - id: e"], "facts": [], "people": ["  - id: p"]})
    assert out == (
        "# keep me\ntopic: t\nquotes:\n  - id: a\n    text: x\n\n  - id: b\n\ntimeline:\n  - id: e\n\nfacts:\n"
        "  - id: f\n\npeople:\n  - id: p\n"
    )


def test_into_a_topic_then_check_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    article = FIXTURES / "extract" / "bridge-2024-03-08.txt"
    argv = ["extract", str(article), "--source-id", "gazette-2024-03-08", "--published", "2024-03-08",
            "--outlet", "The Gazette", "--into", str(tmp_path / "mini.yaml")]  # fmt: skip
    assert main(argv) == 0
    assert "archived the article as" in capsys.readouterr().err
    assert (tmp_path / "sources" / "gazette-2024-03-08.txt").read_text("utf-8") == article.read_text("utf-8")
    result = load(tmp_path)
    assert result.ok, [str(p) for p in result.errors]
    topic = result.knowledge.topics[0]  # type: ignore[union-attr]
    assert any(q.text == "We will finish it without fail" and q.speaker == "jane-roe" for q in topic.quotes)
    assert main(argv) == 2  # the same source id twice is refused, in one line
    assert "is already an id in" in capsys.readouterr().err


def test_extract_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = FIXTURES / "extract" / "bridge-2024-03-08.txt"
    assert main(["extract", str(article), "--source-id", "Bad Id", "--published", "2024-03-08"]) == 2
    assert capsys.readouterr().err.startswith("factdesk: error: --source-id 'Bad Id': use lower-case")
    (tmp_path / "broken.yaml").write_text("topic: [\n", "utf-8")
    argv = [
        "extract",
        str(article),
        "--source-id",
        "g",
        "--published",
        "2024-03-08",
        "--into",
        str(tmp_path / "broken.yaml"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"factdesk: error: {tmp_path / 'broken.yaml'}:2:1: not valid YAML") and err.count("\n") == 1
