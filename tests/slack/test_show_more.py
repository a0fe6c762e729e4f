"""The "Show timeline …" button of a long timeline, over real HTTP: signed as Slack signs it, answered through
the response_url of the strict stand-in (tests/support/slack_stand_in.py), privately to whoever clicked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.blocks import MORE_ACTION
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES
from tests.support.server import Running, serve


@pytest.fixture(scope="module")
def bot(strict: slack_stand_in.StandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with serve(tmp_path_factory.mktemp("more"), strict.api_url, FIXTURES / "long_timeline") as running:
        yield running


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_earlier_part_of_a_long_timeline_is_shown_privately(bot: Running, strict: slack_stand_in.StandIn) -> None:
    r = sc.post_signed(bot.port, sc.command_body("timeline", command="/decades"))
    assert r.status == 200
    timeline = r.json()
    (more,) = [b for b in _buttons(timeline) if b["action_id"].startswith(MORE_ACTION)]
    assert more["text"]["text"] == "Show timeline 1950-2023"
    assert "Milestone of" not in json.dumps(timeline["blocks"])  # the earlier part is not in the answer itself

    url = f"{strict.url}/hooks/more"
    body = sc.action_body(more["value"], url, action=more["action_id"])
    assert sc.post_signed(bot.port, body).status == 200
    (shown,) = strict.wait_for("/hooks/more")
    assert shown.body["response_type"] == "ephemeral" and shown.body["replace_original"] is False
    assert shown.body["blocks"][0]["text"]["text"] == "Timeline: 1950–2023"
    text = json.dumps(shown.body["blocks"], ensure_ascii=False)
    assert all(f"Milestone of {year}" in text for year in (1950, 1961, 1975, 1990, 1991, 2000, 2010))
    assert not [b for b in _buttons(shown.body) if b["action_id"].startswith(MORE_ACTION)]  # nothing left out


def test_a_broken_show_button_gets_a_notice_not_an_error(bot: Running, strict: slack_stand_in.StandIn) -> None:
    url = f"{strict.url}/hooks/more-broken"
    assert sc.post_signed(bot.port, sc.action_body("{not json", url, action=f"{MORE_ACTION}:0")).status == 200
    (said,) = strict.wait_for("/hooks/more-broken")
    assert "That button is broken" in json.dumps(said.body)
