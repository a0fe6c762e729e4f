"""Many workspaces against the strict stand-in: each workspace's own token, no Web API before an ack, uninstalls
forgotten, GovSlack installs sent to GovSlack."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.installs import Installs
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.installs import CLIENT_ID, INSTALLED_TOKEN, install
from tests.support.paths import FIXTURES
from tests.support.server import Running, serve

MINI = FIXTURES / "mini"


@pytest.fixture
def installed(slack: slack_stand_in.StandIn, tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    db = tmp_path / "installs.sqlite3"
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "client-secret-not-real", "SLACK_BOT_TOKEN": "",
           "FACTDESK_DATABASE_URL": f"sqlite:///{db}", "FACTDESK_MAINTAINER_GROUP": "S0DESK"}  # fmt: skip
    with serve(tmp_path, slack.api_url, MINI, extra_env=env) as running:
        assert install(running).status == 200
        yield running, db


def test_maintainer_group_is_looked_up_with_the_asking_workspace_token(
    installed: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    running, _ = installed
    r = sc.post_signed(running.port, sc.command_body("status", command="/mini", user="U0DESKCHIEF", team="T0OTHER"))
    assert r.status == 200 and r.json()["blocks"][0]["text"]["text"] == "factdesk status", r.json()
    (lookup,) = slack.calls("/api/usergroups.users.list")
    assert lookup.headers["Authorization"] == f"Bearer {INSTALLED_TOKEN}"


def test_no_web_api_call_before_the_ack_in_any_workspace(
    installed: tuple[Running, Path], slack: slack_stand_in.StandIn
) -> None:
    running, _ = installed
    slack.clear()
    for _ in range(3):
        r = sc.post_signed(running.port, sc.command_body("timeline", command="/mini", team="T0OTHER"))
        assert r.status == 200 and r.json()["blocks"][0]["text"]["text"] == "Timeline"
    assert slack.requests == []  # neither auth.test nor anything else: the installation is read once, kept


def test_an_uninstalled_workspace_is_forgotten(installed: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    running, db = installed
    assert sc.post_signed(running.port, sc.command_body("timeline", command="/mini", team="T0OTHER")).status == 200
    event = {"type": "app_uninstalled", "event_ts": "1718870800.000100"}
    assert sc.post_signed(running.port, sc.event_body(event, team="T0OTHER"), form=False).status == 200
    deadline = time.monotonic() + 10
    rows: list[tuple[str]] = [("",)]
    while rows and time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("select team_id from slack_bots").fetchall()
        time.sleep(0.05)
    assert rows == []
    body = sc.command_body("timeline", command="/mini", team="T0OTHER", response_url=f"{slack.url}/respond/gone")
    refused = sc.post_signed(running.port, body)
    assert refused.status == 200 and "Timeline" not in refused.body.decode()  # no cached token answers for it


@pytest.mark.parametrize(
    ("api_url", "authorize"),
    [(None, "https://slack.com/oauth/v2/authorize"), ("https://slack-gov.com/api/", "https://slack-gov.com/oauth/v2/authorize")],
)  # fmt: skip
def test_govslack_installs_go_to_govslack(tmp_path: Path, api_url: str | None, authorize: str) -> None:
    settings = Settings(client_id=CLIENT_ID, client_secret="x", api_url=api_url,
                        database_url=f"sqlite:///{tmp_path / 'i.db'}")  # fmt: skip
    assert Installs(settings).oauth_settings.authorization_url == authorize
