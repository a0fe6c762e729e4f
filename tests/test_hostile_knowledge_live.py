"""Hostile knowledge edits against a running `factdesk serve`: the bot's secrets never reach the maintainers'
channel or /healthz, and an edit that used to crash the loader leaves the bot degraded and says so."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES
from tests.support.server import BOT_TOKEN, Running, serve

MAINTAINER = "U0EDITOR"
ARCHIVE = "archive: sources/gazette-2024-03-07.txt"


@pytest.fixture
def live(slack: slack_stand_in.StandIn, tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini", folder)
    env = {"FACTDESK_MAINTAINERS": MAINTAINER, "FACTDESK_MAINTAINERS_CHANNEL": "C0MAINTAIN"}
    with serve(tmp_path, slack.api_url, folder, extra_env=env) as running:
        yield running, folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_an_archive_pointed_at_the_process_environment_leaks_nothing(
    live: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    bot, folder = live
    # A near miss of a variable's name: were the environment read, the closest passage would hold its value.
    topic = folder / "mini.yaml"
    text = topic.read_text("utf-8").replace(ARCHIVE, "archive: /proc/self/environ")
    topic.write_text(text.replace("text: without fail", "text: SLACK_SIGNING_SECRET=guess"))
    (posted,) = slack.wait_for("/api/chat.postMessage")
    health = sc.request(bot.port, "GET", "/healthz").json()
    status = sc.post_signed(bot.port, sc.command_body("status", user=MAINTAINER, command="/mini")).json()
    seen = json.dumps([posted.body, health, status])
    for secret in (sc.SECRET, BOT_TOKEN):
        assert secret not in seen
    assert "must be a path inside the knowledge folder" in posted.body["text"]
    assert health["status"] == "degraded"


def test_an_edit_that_crashed_the_loader_is_reported_and_the_reload_answers(
    live: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    bot, folder = live
    edit(folder / "mini.yaml", "title: Mini topic", "title: !important Mini topic")
    (posted,) = slack.wait_for("/api/chat.postMessage")
    assert "reload refused" in posted.body["text"] and "mini.yaml:4:" in posted.body["text"]
    health = sc.request(bot.port, "GET", "/healthz").json()
    assert health["status"] == "degraded" and "YAML tags" in health["reason"][0]
    reply = sc.post_signed(bot.port, sc.command_body("reload", user=MAINTAINER, command="/mini")).json()
    assert reply["blocks"][0]["text"]["text"] == "Reloading"
    second = slack.wait_for("/api/chat.postMessage", 2)[1]
    assert "reload refused" in second.body["text"] and "YAML tags" in second.body["text"]
