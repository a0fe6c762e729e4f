"""Many workspaces: the OAuth install flow over HTTP against `factdesk serve`, with the local Slack stand-in
playing oauth.v2.access, and SQLite holding the installations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.installs import async_url
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.installs import CLIENT_ID, INSTALLED_TOKEN, install
from tests.support.paths import KNOWLEDGE
from tests.support.server import Running, serve


@pytest.fixture
def bot(slack: slack_stand_in.StandIn, tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    db = tmp_path / "installs.sqlite3"
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "client-secret-not-real", "SLACK_BOT_TOKEN": "",
           "FACTDESK_DATABASE_URL": f"sqlite:///{db}"}  # fmt: skip
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as running:
        yield running, db


def test_install_then_answer_that_workspace_with_its_own_token(
    bot: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    running, db = bot
    done = install(running)
    assert done.status == 200, done.body[:300]
    (exchange,) = slack.calls("/api/oauth.v2.access")
    assert exchange.body["code"] == "the-code"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select team_id, bot_token, client_id from slack_installations").fetchall()
    assert rows == [("T0OTHER", INSTALLED_TOKEN, CLIENT_ID)]

    answered = sc.post_signed(running.port, sc.command_body("article4", team="T0OTHER"))
    assert answered.status == 200 and answered.json()["blocks"][0]["text"]["text"].startswith("Article 4")

    mention = {"type": "app_mention", "user": "U0REPORTER", "channel": "C0OTHER", "text": "<@U0FACTBOT2> timeline",
               "ts": "1718870000.000100", "event_ts": "1718870000.000100"}  # fmt: skip
    assert sc.post_signed(running.port, sc.event_body(mention, team="T0OTHER"), form=False).status == 200
    (posted,) = slack.wait_for("/api/chat.postMessage")
    assert posted.headers["Authorization"] == f"Bearer {INSTALLED_TOKEN}" and posted.body["channel"] == "C0OTHER"


def test_a_workspace_that_never_installed_is_told_to_install(
    bot: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    running, _ = bot
    body = sc.command_body("article4", team="T0NEVER", response_url=f"{slack.url}/respond/never")
    refused = sc.post_signed(running.port, body)
    assert refused.status == 200 and "Article 4" not in refused.body.decode()
    (told,) = slack.wait_for("/respond/never")
    assert "install" in told.body["text"].lower() and "Article 4" not in str(told.body)


def test_a_forged_or_reused_state_installs_nothing(bot: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    running, db = bot
    forged = sc.request(running.port, "GET", "/slack/oauth_redirect?code=the-code&state=made-up")
    assert forged.status >= 400
    assert slack.calls("/api/oauth.v2.access") == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from slack_installations").fetchone() == (0,)


def test_database_urls_get_an_asyncio_driver() -> None:
    assert async_url("sqlite:///data/installs.db") == "sqlite+aiosqlite:///data/installs.db"
    assert async_url("postgresql://u:p@db/factdesk") == "postgresql+asyncpg://u:p@db/factdesk"
    assert async_url("postgresql+psycopg://u:p@db/factdesk") == "postgresql+psycopg://u:p@db/factdesk"
