"""The terminal reads the same Slack payload back as text."""

from __future__ import annotations

import io

from bot.slack.blocks import render_message
from bot.terminal.console import run_console, split_command
from bot.terminal.render import mrkdwn_to_text, render_text
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES


def test_mrkdwn_to_text() -> None:
    assert mrkdwn_to_text("*bold* _it_ <https://x.example/a|label> &lt;b&gt; &amp;") == (
        "bold it label (https://x.example/a) <b> &"
    )


def test_article_as_text(pact: Door) -> None:
    out = render_text(render_message(pact.answer("article4")))
    assert out.startswith("Article 4: ")
    assert "Translation by Reuters" in out and "Translation by Yonhap" in out
    assert "│ “In case any one of the two sides" in out
    assert "[Share to channel]" in out


def test_split_command() -> None:
    assert split_command("/pact article4\n") == ("/pact", "article4")
    assert split_command("timeline") == (None, "timeline")


def test_console_answers_lines_until_quit(pact: Door) -> None:
    out = io.StringIO()
    lines = "/pact timeline 1990s\n/nope x\narticle 4\nquit\narticle 4\n"
    code = run_console(pact.service, io.StringIO(lines), out)
    text = out.getvalue()
    assert code == 0
    assert "Timeline: 1990s" in text and "1991" in text
    assert "No topic answers /nope. Known: /pact." in text
    assert text.count("Article 4: ") == 1  # nothing after quit


def test_corrections_read_in_a_terminal(corrected: Door) -> None:
    text = render_text(render_message(corrected.answer("approval")))
    assert "⚠ This answer includes a corrected entry" in text and ":warning:" not in text
    assert "⚠ Corrected Fri 8 March 2024: said the mayor approved the plan" in text


def test_compared_wordings_keep_their_marks_in_a_terminal() -> None:
    harbour = open_door(FIXTURES / "developing", "/harbour")
    text = render_text(render_message(harbour.answer("compare article 3")))
    assert "│ “*If one* side is *placed under attack,*" in text
    assert "Wording by Wire B" in text and "*Wording" not in text
