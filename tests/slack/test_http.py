"""The Slack app over real HTTP: `factdesk serve` on loopback, signed requests, a local Slack stand-in."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.engine import SAYS
from bot.slack.blocks import render_message
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.asking import Door
from tests.support.block_kit import assert_within_limits, texts
from tests.support.paths import FIXTURES, KNOWLEDGE
from tests.support.server import BOT_TOKEN, Running, serve


@pytest.fixture(scope="module")
def slack() -> Iterator[slack_stand_in.StandIn]:
    stand_in = slack_stand_in.start()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def bot(slack: slack_stand_in.StandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with serve(tmp_path_factory.mktemp("serve"), slack.api_url, KNOWLEDGE) as running:
        yield running


def test_slash_command_is_answered_inside_the_ack(bot: Running, pact: Door) -> None:
    r = sc.post_signed(bot.port, sc.command_body("article4"))
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    # The very payload `factdesk ask --json article4` prints, its buttons carrying the version it was answered from.
    version = json.loads(r.json()["blocks"][-1]["elements"][0]["value"])["v"]
    assert len(version) == 12
    assert r.json() == render_message(dataclasses.replace(pact.answer("article4"), version=version))


@pytest.mark.parametrize(
    ("text", "header"),
    [("article4", "Article 4: "), ("timeline", "Timeline"), ("when was the 1961 treaty scrapped", "1996"),
     ("quote kim", "Quotes: Kim Jong Un"), ("chang ho-jin", "Chang Ho-jin"), ("sources", "Sources of /pact"),
     ("", "/pact: "), ("article 5", "No answer in the curated sources"), ("how many articles", SAYS)],
)  # fmt: skip
def test_each_kind_of_answer_over_http(bot: Running, text: str, header: str) -> None:
    r = sc.post_signed(bot.port, sc.command_body(text))
    assert r.status == 200
    message = r.json()
    assert message["response_type"] == "ephemeral"
    assert message["blocks"][0]["text"]["text"].startswith(header)
    assert_within_limits(message)


@pytest.mark.parametrize(
    "how",
    ["forged", "stale", "missing", "future"],
)
def test_bad_signatures_are_401(bot: Running, how: str) -> None:
    body = sc.command_body("article4")
    if how == "forged":
        r = sc.post_signed(bot.port, body, secret="not-the-secret")
    elif how == "stale":
        r = sc.post_signed(bot.port, body, timestamp=int(time.time()) - 6 * 60)
    elif how == "future":
        r = sc.post_signed(bot.port, body, timestamp=int(time.time()) + 6 * 60)
    else:
        r = sc.request(bot.port, "POST", "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 401


def test_tampered_body_is_401(bot: Running) -> None:
    headers = sc.sign(sc.command_body("article4"))
    tampered = sc.command_body("article 5")
    r = sc.request(
        bot.port, "POST", "/slack/events", tampered, {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status == 401


@pytest.mark.parametrize(
    "body",
    [b"payload=not-json", b"payload=%7B%22type%22%3A%22block_actions%22%7D", b"text=article4&user_id=U1",
     b"command=%2Fpact&text=x", b"\xff\xfe\x00garbage", b""],
    ids=["payload-not-json", "action-without-user", "command-missing", "user-missing", "binary", "empty"],
)  # fmt: skip
def test_malformed_signed_bodies_are_4xx_never_500(bot: Running, body: bytes) -> None:
    r = sc.post_signed(bot.port, body)
    assert 400 <= r.status < 500, (r.status, r.body)


def test_wrong_method_and_paths(bot: Running) -> None:
    assert sc.request(bot.port, "GET", "/slack/events").status == 405
    assert sc.request(bot.port, "GET", "/nothing-here").status == 404


@pytest.mark.parametrize(
    "evil", ["<!channel>", "<!here>", "<@U024BE7LH>", "<http://evil.example|click>", "<!subteam^S123>", "<#C1|x>"]
)
def test_user_text_is_escaped_over_http(bot: Running, evil: str) -> None:
    r = sc.post_signed(bot.port, sc.command_body(f"nothing about {evil}"))
    assert r.status == 200
    shown = [*texts(r.json()["blocks"]), r.json()["text"]]
    assert not any(evil in t for t in shown)
    assert any(evil.replace("<", "&lt;").replace(">", "&gt;") in t for t in shown)


def test_ten_kilobyte_query_and_control_characters_get_a_polite_answer(bot: Running) -> None:
    r = sc.post_signed(bot.port, sc.command_body("article 4 " * 1100))
    assert r.status == 200 and r.json()["blocks"][0]["text"]["text"] == "That question is too long"
    r = sc.post_signed(bot.port, sc.command_body("arti\x00cle\x1b[31m 4\x07"))
    assert r.status == 200 and r.json()["blocks"][0]["type"] == "header"


def test_share_button_posts_the_answer_to_the_channel(bot: Running, slack: slack_stand_in.StandIn) -> None:
    first = sc.post_signed(bot.port, sc.command_body("quote kim")).json()
    (actions,) = [b for b in first["blocks"] if b["type"] == "actions"]
    value = actions["elements"][0]["value"]
    response_url = f"{slack.url}/hooks/share-1"
    r = sc.post_signed(bot.port, sc.action_body(value, response_url, user="U0SHARER"))
    assert r.status == 200
    posted, deleted = slack.wait_for("/hooks/share-1", 2)
    # Two requests: the message for the channel, then delete_original on its own (Slack ignores anything sent
    # beside it, so the answer would vanish and nothing be posted).
    assert posted.body["response_type"] == "in_channel" and "delete_original" not in posted.body
    assert deleted.body == {"delete_original": True}
    assert slack.channel == [posted.body] and slack.deleted == ["/hooks/share-1"]
    assert posted.body["blocks"][0] == first["blocks"][0]  # the same answer
    assert "Shared by <@U0SHARER> from /pact" in json.dumps(posted.body)
    assert not [b for b in posted.body["blocks"] if b["type"] == "actions"]


def test_a_broken_share_value_gets_an_ephemeral_apology(bot: Running, slack: slack_stand_in.StandIn) -> None:
    r = sc.post_signed(bot.port, sc.action_body("{not json", f"{slack.url}/hooks/share-broken"))
    assert r.status == 200
    (posted,) = slack.wait_for("/hooks/share-broken")
    assert posted.body["blocks"][0]["text"]["text"] == "Cannot share"


def test_a_suggestion_button_answers_privately_through_the_response_url(
    bot: Running, slack: slack_stand_in.StandIn
) -> None:
    miss = sc.post_signed(bot.port, sc.command_body("article 5")).json()
    (actions,) = [b for b in miss["blocks"] if b["type"] == "actions"]
    (button,) = actions["elements"]
    assert button["text"]["text"] == "/pact article 4"
    channel_before = list(slack.channel)
    url = f"{slack.url}/hooks/suggest-1"
    body = sc.action_body(button["value"], url, action=button["action_id"])
    assert sc.post_signed(bot.port, body).status == 200
    (answered,) = slack.wait_for("/hooks/suggest-1")
    assert answered.body["response_type"] == "ephemeral" and answered.body["replace_original"] is False
    assert answered.body["blocks"][0]["text"]["text"].startswith("Article 4: ")
    assert answered.body["text"].startswith("Article 4: ")  # the notification text Slack requires beside blocks
    assert slack.channel == channel_before, "nothing was posted for the channel to see"
    broken = sc.action_body("{not json", f"{slack.url}/hooks/suggest-broken", action=button["action_id"])
    assert sc.post_signed(bot.port, broken).status == 200
    (sorry,) = slack.wait_for("/hooks/suggest-broken")
    assert sorry.body["blocks"][0]["text"]["text"] == "Cannot ask"


def test_a_mention_without_a_command_goes_to_the_topic_that_answers(tmp_path: Path) -> None:
    slack = slack_stand_in.start()  # its own: the module's stand-in counts one auth.test for one server
    asked = [("ferry", SAYS), ("timeline", "Which topic?"), ("quote roe", "Quotes: Jane Roe")]
    try:
        with serve(tmp_path, slack.api_url, FIXTURES / "two_topics") as two:
            for n, (text, header) in enumerate(asked):
                ts = f"17188703{n:02d}.000100"
                event = {"type": "app_mention", "user": "U0REPORTER", "text": f"<@U0FACTBOT> {text}", "ts": ts,
                         "channel": f"C0TWO{n}", "event_ts": ts}  # fmt: skip
                assert sc.post_signed(two.port, sc.event_body(event), form=False).status == 200
                posted = slack.wait_for("/api/chat.postMessage", n + 1)[-1].body
                assert posted["thread_ts"] == ts and posted["blocks"][0]["text"]["text"] == header, posted
    finally:
        slack.close()


def test_mention_is_answered_in_thread(bot: Running, slack: slack_stand_in.StandIn) -> None:
    before = len(slack.calls("/api/chat.postMessage"))
    event = {"type": "app_mention", "user": "U0REPORTER", "text": "<@U0FACTBOT> when did the soviet union collapse",
             "ts": "1718870100.000100", "channel": "C0NEWSDESK", "event_ts": "1718870100.000100"}  # fmt: skip
    assert sc.post_signed(bot.port, sc.event_body(event), form=False).status == 200
    posted = slack.wait_for("/api/chat.postMessage", before + 1)[-1].body
    assert posted["channel"] == "C0NEWSDESK" and posted["thread_ts"] == "1718870100.000100"
    assert posted["blocks"][0]["text"]["text"] == "1991"
    assert "response_type" not in posted


def test_dm_is_answered_and_bot_messages_are_ignored(bot: Running, slack: slack_stand_in.StandIn) -> None:
    before = len(slack.calls("/api/chat.postMessage"))
    dm = {"type": "message", "channel_type": "im", "user": "U0REPORTER", "text": "/pact article 4",
          "ts": "1718870200.000100", "channel": "D0DM"}  # fmt: skip
    from_bot = {**dm, "bot_id": "B0OTHER", "ts": "1718870201.000100"}
    assert sc.post_signed(bot.port, sc.event_body(from_bot), form=False).status == 200
    assert sc.post_signed(bot.port, sc.event_body(dm), form=False).status == 200
    posted = slack.wait_for("/api/chat.postMessage", before + 1)
    time.sleep(0.3)
    assert len(slack.calls("/api/chat.postMessage")) == before + 1  # the bot's message got no answer
    assert posted[-1].body["channel"] == "D0DM" and posted[-1].body["blocks"][0]["text"]["text"].startswith("Article 4")


def test_app_home_shows_what_the_bot_knows(bot: Running, slack: slack_stand_in.StandIn) -> None:
    event = {"type": "app_home_opened", "user": "U0REPORTER", "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
    assert sc.post_signed(bot.port, sc.event_body(event), form=False).status == 200
    view = slack.wait_for("/api/views.publish")[-1].body
    assert view["user_id"] == "U0REPORTER"
    home = json.loads(view["view"]) if isinstance(view["view"], str) else view["view"]
    text = json.dumps(home, ensure_ascii=False)
    assert home["type"] == "home" and "/pact" in text and "9 quotes" in text and "/pact article4" in text


def test_url_verification_challenge(bot: Running) -> None:
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()  # fmt: skip
    r = sc.post_signed(bot.port, body, form=False)
    assert r.status == 200 and b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in r.body


def test_two_hundred_concurrent_commands_are_all_answered(bot: Running) -> None:
    queries = ["article4", "timeline", "quote kim", "when was the 1961 treaty scrapped", "sources"] * 40

    async def one(session: aiohttp.ClientSession, text: str) -> tuple[int, str]:
        body = sc.command_body(text)
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sc.sign(body)}
        async with session.post(f"http://127.0.0.1:{bot.port}/slack/events", data=body, headers=headers) as r:
            data = await r.json()
            return r.status, data["blocks"][0]["text"]["text"]

    async def all_of_them() -> list[tuple[int, str]]:
        conn = aiohttp.TCPConnector(limit=200)
        async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=60)) as session:
            return await asyncio.gather(*(one(session, q) for q in queries))

    results = asyncio.run(all_of_them())
    assert len(results) == 200 and all(status == 200 for status, _ in results)
    headers = {q: h for q, (_, h) in zip(queries, results, strict=True)}
    assert headers["article4"].startswith("Article 4") and headers["timeline"] == "Timeline"


def test_token_is_verified_once_not_per_request(bot: Running, slack: slack_stand_in.StandIn) -> None:
    for _ in range(3):
        sc.post_signed(bot.port, sc.command_body("timeline"))
    assert len(slack.calls("/api/auth.test")) == 1


def test_healthz_and_metrics(bot: Running) -> None:
    r = sc.request(bot.port, "GET", "/healthz")
    assert r.status == 200
    health = r.json()
    assert health["status"] == "ok" and len(health["version"]) == 12 and health["topics"] == ["/pact"]
    metrics = sc.request(bot.port, "GET", "/metrics").body.decode()
    assert 'factdesk_answers_total{kind="article"}' in metrics
    assert "factdesk_misses_total" in metrics
    assert 'factdesk_http_requests_total{route="/slack/events",status="401"}' in metrics
    assert "factdesk_http_request_seconds_bucket" in metrics


def test_logs_are_json_lines_without_secrets_or_user_text(bot: Running) -> None:
    sc.post_signed(bot.port, sc.command_body("a very private question about sources xyzzy"))
    time.sleep(0.2)
    logs = bot.logs()
    events = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    answered = [e for e in events if e.get("event") == "command_answered"]
    assert answered and {"topic", "kind", "latency_ms", "user", "channel", "timestamp"} <= answered[-1].keys()
    assert "xyzzy" not in logs
    assert sc.SECRET not in logs and BOT_TOKEN not in logs and "xoxb-" not in logs
    assert all(line.startswith("{") for line in logs.splitlines() if line.strip()), "every log line is JSON"


def test_knowledge_is_loaded_once_before_listening(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    """The start-up check's load is the one served: no second load, and no request sees a half-started bot."""
    from tests.support.synth import synthetic_knowledge

    synthetic_knowledge(tmp_path / "k", 2000)
    with serve(tmp_path, slack.api_url, tmp_path / "k", extra_env={"FACTDESK_CACHE": "off"}) as bot:
        r = sc.post_signed(bot.port, sc.command_body("timeline", command="/synth"))
        assert r.status == 200 and r.json()["blocks"][0]["text"]["text"] == "Timeline"
        events = [json.loads(line) for line in bot.logs().splitlines() if line.startswith("{")]
    assert [e["event"] for e in events].count("knowledge_loaded") == 1
