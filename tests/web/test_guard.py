"""Hostile requests against the real server on loopback: each is refused with a 4xx, costs the server little,
and leaves it answering signed commands."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.web import guard, protocol
from bot.web.guard import is_admin
from tests.support import raw_http, slack_stand_in
from tests.support import slack_client as sc
from tests.support.paths import FIXTURES
from tests.support.server import Running, serve

ADMIN = "admin-token-for-tests-only"
KNOWLEDGE = FIXTURES / "corrected"
COMMAND = "/corrected"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    slack = slack_stand_in.start()
    try:
        with serve(tmp_path_factory.mktemp("guard"), slack.api_url, KNOWLEDGE,
                   extra_env={"FACTDESK_ADMIN_TOKEN": ADMIN}) as running:  # fmt: skip
            yield running
    finally:
        slack.close()


def answers(bot: Running) -> bool:
    r = sc.post_signed(bot.port, sc.command_body("anything", command=COMMAND))
    return r.status == 200 and "blocks" in r.json()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def no_tracebacks(bot: Running) -> None:
    text = bot.logs()
    assert "Traceback" not in text and '"status": 500' not in text, text[-2000:]


def test_a_giant_chunked_body_is_refused_as_it_streams(bot: Running) -> None:
    before = rss_kb(bot.proc.pid)
    sock = raw_http.connect(bot.port)
    now = str(int(time.time()))
    sock.sendall(raw_http.head("POST", "/slack/events", bot.port, [
        ("Content-Type", "application/x-www-form-urlencoded"), ("Transfer-Encoding", "chunked"),
        ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", "v0=" + "0" * 64)]))  # fmt: skip
    sent = [0]

    def flood() -> None:  # 50 MB, as the attacker did, unless the server hangs up first
        chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
        try:
            for _ in range(800):
                sock.sendall(chunk)
                sent[0] += 65536
        except OSError:
            return

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    status, headers, _ = raw_http.read_response(sock)
    sock.close()
    writer.join(10)
    assert status == 413 and headers.get("connection") == "close"
    assert sent[0] < 20_000_000  # refused long before the end
    assert rss_kb(bot.proc.pid) - before < 30_000  # KB: bounded by the cap, not by what was sent
    assert answers(bot)


def test_unsigned_and_oddly_signed_requests_are_refused_before_parsing(bot: Running) -> None:
    body = sc.command_body("x", command=COMMAND)
    good = sc.sign(body)
    cases = {
        "no signature": {},
        "timestamp abc": {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": good["X-Slack-Signature"]},
        "huge timestamp": {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": good["X-Slack-Signature"]},
        "stale": sc.sign(body, timestamp=int(time.time()) - 301),
        "wrong secret": sc.sign(body, secret="not-the-secret-at-all"),
        "short signature": {**good, "X-Slack-Signature": "v0=abc"},
    }
    for name, headers in cases.items():
        r = sc.request(bot.port, "POST", "/slack/events", body,
                       {"Content-Type": "application/x-www-form-urlencoded", **headers})  # fmt: skip
        assert r.status == 401, name
    big = b"a" * (guard.MAX_BODY_BYTES + 1)  # refused on its declared length, before a byte of it is read:
    signed = [(k, v) for k, v in sc.sign(big).items()]  # only the head is sent, so no client races the refusal
    too_big = raw_http.head("POST", "/slack/events", bot.port, [*signed, ("Content-Length", str(len(big)))])
    assert raw_http.exchange(bot.port, too_big)[0] == 413
    no_tracebacks(bot)


def test_headers_that_are_not_utf8_are_4xx(bot: Running) -> None:
    misses = raw_http.head("GET", "/misses", bot.port, [("Authorization", b"Bearer \xff\xfe")])
    assert raw_http.exchange(bot.port, misses)[0] == 403
    health = raw_http.head("GET", "/healthz", bot.port, [("Authorization", b"Bearer \xc3\x28")])
    assert raw_http.exchange(bot.port, health)[0] == 200
    body = sc.command_body("x", command=COMMAND)
    signed = raw_http.head("POST", "/slack/events", bot.port, [
        ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(body))),
        *sc.sign(body).items(), ("X-Odd", b"\xff")]) + body  # fmt: skip
    assert raw_http.exchange(bot.port, signed)[0] == 400
    not_utf8 = b"text=\xff\xfe&command=" + COMMAND.encode()
    assert sc.post_signed(bot.port, not_utf8).status == 400
    no_tracebacks(bot)


def test_healthz_details_are_for_the_admin(bot: Running) -> None:
    anyone = sc.request(bot.port, "GET", "/healthz")
    assert anyone.status == 200 and set(anyone.json()) == {"status", "version"}
    admin = sc.request(bot.port, "GET", "/healthz", headers={"Authorization": f"Bearer {ADMIN}"})
    assert admin.json()["topics"] == [COMMAND]
    wrong = sc.request(bot.port, "GET", "/healthz", headers={"Authorization": "Bearer guess"})
    assert "topics" not in wrong.json()


def test_silent_and_slow_connections_are_closed(bot: Running) -> None:
    silent = raw_http.connect(bot.port)
    slow_body = raw_http.connect(bot.port)  # signed-looking head, then a body that never comes
    slow_body.sendall(raw_http.head("POST", "/slack/events", bot.port, [
        ("Content-Length", "1000"), ("X-Slack-Request-Timestamp", str(int(time.time()))),
        ("X-Slack-Signature", "v0=" + "0" * 64)]) + b"text=")  # fmt: skip
    slow = raw_http.connect(bot.port)
    slow.sendall(b"POST /slack/events HTTP/1.1\r\n")
    pipelined = raw_http.connect(bot.port)  # a whole request, then in the same bytes a next head that never ends
    pipelined.sendall(raw_http.signed_command(bot.port, "anything", COMMAND) + b"POST /slack/events HTTP/1.1\r\n")
    assert raw_http.read_response(pipelined)[0] == 200
    t0 = time.monotonic()
    blank = raw_http.connect(bot.port)  # blank lines, which the parser skips before a request line
    n = 0
    while time.monotonic() - t0 < protocol.HEAD_SECONDS + 1:  # a header line a second: the head never ends
        try:
            slow.sendall(f"X-Drip-{n}: y\r\n".encode())
            blank.sendall(b"\r\n")
        except OSError:
            break
        n += 1
        time.sleep(1)
    assert raw_http.closed_within(blank, 2)[0]
    closed, got = raw_http.closed_within(slow, 3)
    assert closed and got.startswith(b"HTTP/1.1 408")
    closed, got = raw_http.closed_within(pipelined, 3)
    assert closed and got.startswith(b"HTTP/1.1 408")
    assert raw_http.closed_within(silent, protocol.IDLE_SECONDS)[0]
    assert raw_http.read_response(slow_body)[0] == 408  # long since: BODY_SECONDS < the drip above
    huge = raw_http.connect(bot.port)
    huge.sendall(b"GET /healthz HTTP/1.1\r\n" + b"X-Big: " + b"a" * (protocol.MAX_HEAD_BYTES + 10))
    closed, got = raw_http.closed_within(huge, 3)
    assert closed and got.startswith(b"HTTP/1.1 431")
    assert answers(bot)


def test_a_body_in_pieces_is_answered_and_the_connection_then_serves_the_next(bot: Running) -> None:
    request = raw_http.signed_command(bot.port, "article4", COMMAND)
    cut = request.index(b"\r\n\r\n") + 4 + 5  # the head and a few bytes of the body, the rest a moment later
    sock = raw_http.connect(bot.port)
    sock.sendall(request[:cut])
    time.sleep(0.5)
    sock.sendall(request[cut:])
    status, _, body = raw_http.read_response(sock)
    assert status == 200 and "blocks" in json.loads(body)
    sock.sendall(raw_http.signed_command(bot.port, "article4", COMMAND))  # no timer of the first one fires on it
    time.sleep(0.2)
    assert raw_http.read_response(sock)[0] == 200


def test_past_the_connection_limit_the_longest_silent_ones_make_room(bot: Running) -> None:
    t0 = time.monotonic()
    socks = [raw_http.connect(bot.port) for _ in range(protocol.MAX_CONNECTIONS + 50)]
    try:
        time.sleep(protocol.YOUNG_SECONDS + 0.1)  # silent for a while now: fair game
        assert sc.request(bot.port, "GET", "/healthz").status == 200
        assert answers(bot)
        assert time.monotonic() - t0 < protocol.IDLE_SECONDS  # not merely the idle timeout at work
        assert raw_http.closed_within(socks[0], 1)[0]  # the oldest went first
    finally:
        for s in socks:
            s.close()


def test_uvicorns_own_lines_are_json_like_every_other(bot: Running) -> None:
    assert raw_http.exchange(bot.port, b"NOT HTTP AT ALL\r\n\r\n")[0] == 400
    deadline = time.monotonic() + 5
    while "Invalid HTTP request" not in bot.logs() and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [line for line in bot.logs().splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # every line, uvicorn's too, is one JSON object
    assert any(p.get("logger") == "uvicorn.error" and "Invalid HTTP request" in p["event"] for p in parsed)


def test_the_loopback_rule_trusts_the_socket_not_a_forwarding_header() -> None:
    assert is_admin({"client": ("127.0.0.1", 5000)}, None)
    assert is_admin({"client": ("127.3.0.1", 5000)}, None)
    assert is_admin({"client": ("::1", 5000)}, None)
    assert not is_admin({"client": ("127.evil.example", 5000)}, None)
    assert not is_admin({"client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"127.0.0.1")]}, None)
    assert not is_admin({"client": ("10.1.2.3", 5000)}, None)
    assert not is_admin({"client": ("127.0.0.1", 5000)}, "set")
    assert not is_admin({"client": ("127.0.0.1", 5000), "headers": [(b"authorization", b"Bearer \xff")]}, "set")


def _payload(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_signed_requests_of_odd_shapes_are_400_not_500(bot: Running) -> None:
    user = {"id": "U0REPORTER"}
    forms = {
        "actions: [{}]": _payload({"type": "block_actions", "user": user, "actions": [{}]}),
        "actions: a string": _payload({"type": "block_actions", "user": user, "actions": "share"}),
        "user: a string": _payload({"type": "block_actions", "user": "U0", "actions": [{"action_id": "a"}]}),
        "view_submission": _payload({"type": "view_submission", "user": user, "view": {"id": "V0"}}),
        "type: a list": _payload({"type": ["block_actions"]}),
    }
    events = {
        "event: a string": {"type": "event_callback", "event": "app_mention", "team_id": "T0NEWS"},
        "event without type": {"type": "event_callback", "event": {"user": "U0"}, "team_id": "T0NEWS"},
        "mention without channel": {"type": "event_callback", "event": {"type": "app_mention", "ts": "1.2"}},
    }
    for name, body in forms.items():
        r = sc.post_signed(bot.port, body)
        assert r.status == 400, (name, r.status, r.body)
    for name, event in events.items():
        r = sc.post_signed(bot.port, json.dumps(event).encode(), form=False)
        assert r.status == 400, (name, r.status, r.body)
    no_tracebacks(bot)
    assert answers(bot)


def test_oauth_routes_refuse_headers_that_are_not_utf8_and_still_work(
    slack: slack_stand_in.StandIn, tmp_path: Path
) -> None:
    env = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-not-real", "SLACK_BOT_TOKEN": "",
           "FACTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'installs.sqlite3'}"}  # fmt: skip
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as oauth:
        odd = raw_http.head("GET", "/slack/install", oauth.port, [("Cookie", b"slack-app-oauth-state=\xff\xfe")])
        assert raw_http.exchange(oauth.port, odd)[0] == 400
        odd_query = raw_http.head("GET", "/slack/oauth_redirect?code=%FF&state=\xff", oauth.port, [])
        assert raw_http.exchange(oauth.port, odd_query)[0] in (400, 401, 403)
        assert sc.request(oauth.port, "GET", "/slack/install").status == 200  # unsigned GETs still work
        assert "Traceback" not in oauth.logs()
