"""A knowledge update is only a different valid folder: the main flows (check, ask, a signed /pact served over
HTTP) work on it unchanged, so maintainers can follow a developing story without touching code or tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.model import Topic
from bot.slack.blocks import render_message
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES, KNOWLEDGE
from tests.support.server import serve

UPDATED = FIXTURES / "pact_update"


def engine(folder: Path) -> Door:
    return open_door(folder, "/pact")


def topic(folder: Path) -> Topic:
    knowledge = engine(folder).service.knowledge()
    assert knowledge is not None
    return knowledge.topics[0]


def test_the_update_really_differs_from_the_seed() -> None:
    """Guards the tests below: they prove nothing if the two folders hold the same knowledge."""
    seed, updated = topic(KNOWLEDGE), topic(UPDATED)
    assert len(updated.sources) == len(seed.sources) + 1 and len(updated.timeline) == len(seed.timeline) + 1
    files = {p.name for p in (UPDATED / "sources").iterdir()} - {p.name for p in (KNOWLEDGE / "sources").iterdir()}
    assert files == {"interfax-2024-12-05.txt"}


def test_check_counts_the_folder_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(UPDATED)]) == 0
    line = "pact.yaml: 3 sources, 1 article, 10 quotes, 11 events, 15 facts, 8 people, 0 cited provisions — ok"
    assert line in capsys.readouterr().out


def test_ask_answers_from_the_new_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(UPDATED), "--json", "entry into force"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == render_message(engine(UPDATED).answer("entry into force"))
    assert "4 December 2024" in json.dumps(payload) and "Interfax" in json.dumps(payload)
    # The same question on the seed finds nothing: the answer above came from the update.
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "--json", "entry into force"]) == 0
    assert "Interfax" not in capsys.readouterr().out


def test_served_signed_request_answers_from_the_updated_folder(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    updated = engine(UPDATED)
    with serve(tmp_path, slack.api_url, UPDATED) as bot:
        for text in ("entry into force", "rudenko", "sources"):
            r = sc.post_signed(bot.port, sc.command_body(text))
            assert r.status == 200
            assert r.json() == render_message(updated.answer(text)), text
        assert "Interfax" in json.dumps(r.json())  # the sources list names the new outlet
