"""Maintainers' workflow against a running `factdesk serve`: live edits, refused edits, reload under load."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.metrics import FLUSH_SECONDS
from bot.web.guard import is_admin
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES, KNOWLEDGE
from tests.support.server import Running, serve, wait_until

MAINTAINER = "U0EDITOR"


@pytest.fixture
def live(slack: slack_stand_in.StandIn, tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    env = {"FACTDESK_MAINTAINERS": f"{MAINTAINER},U0OTHER", "FACTDESK_MAINTAINERS_CHANNEL": "C0MAINTAIN"}
    with serve(tmp_path, slack.api_url, folder, extra_env=env) as running:
        yield running, folder


def ask(bot: Running, text: str, user: str = "U0REPORTER") -> dict:  # type: ignore[type-arg]
    r = sc.post_signed(bot.port, sc.command_body(text, user=user))
    assert r.status == 200
    return r.json()  # type: ignore[no-any-return]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_good_edit_is_live_in_seconds(live: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    bot, folder = live
    assert ask(bot, "how many articles")["blocks"][1]["text"]["text"].startswith("The treaty has 23 articles.\n")
    t0 = time.monotonic()
    edit(folder / "pact.yaml", "    text: The treaty has 23 articles.", "    text: The treaty has 23 articles in all.")
    wait_until(
        lambda: ask(bot, "how many articles")["blocks"][1]["text"]["text"].startswith(
            "The treaty has 23 articles in all."
        )
    )
    took = time.monotonic() - t0
    assert took < 5
    (posted,) = slack.wait_for("/api/chat.postMessage")
    assert posted.body["channel"] == "C0MAINTAIN"
    assert "Knowledge reloaded" in posted.body["text"] and "~1 fact" in posted.body["text"]


def test_broken_edit_keeps_the_old_answer(live: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    bot, folder = live
    edit(folder / "pact.yaml", "    text: the level of alliance", "    text: the level of an alliance")
    (posted,) = slack.wait_for("/api/chat.postMessage")
    assert "reload refused" in posted.body["text"]
    assert "pact.yaml:" in posted.body["text"] and "not word for word" in posted.body["text"]
    health = sc.request(bot.port, "GET", "/healthz")
    assert health.status == 200  # still serving, with the last good knowledge
    assert health.json()["status"] == "degraded" and "not word for word" in health.json()["reason"][0]
    quote = ask(bot, "quote kim")
    assert "the level of alliance" in json.dumps(quote) and "the level of an alliance" not in json.dumps(quote)
    status = ask(bot, "status", user=MAINTAINER)
    assert "degraded" in json.dumps(status) and "Pending error" in json.dumps(status)


def test_yaml_syntax_error_is_refused_too(live: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    bot, folder = live
    edit(folder / "pact.yaml", "title: North Korea", 'title: "North Korea')
    (posted,) = slack.wait_for("/api/chat.postMessage")
    assert "YAML syntax" in posted.body["text"]
    assert ask(bot, "article4")["blocks"][0]["text"]["text"].startswith("Article 4")


def test_maintainer_commands_are_for_maintainers(live: tuple[Running, Path]) -> None:
    bot, _ = live
    refused = ask(bot, "status", user="U0REPORTER")
    assert refused["blocks"][0]["text"]["text"] == "For maintainers only"
    status = json.dumps(ask(bot, "status", user=MAINTAINER))
    assert "State:* ok" in status and "/pact:* pact.yaml:" in status and "9 quotes" in status


def test_members_of_the_maintainer_group_are_maintainers(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    env = {"FACTDESK_MAINTAINER_GROUP": "S0DESK"}
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as bot:
        assert ask(bot, "article4", user="U0DESKCHIEF")["blocks"][0]["type"] == "header"
        assert slack.calls("/api/usergroups.users.list") == []  # only maintainers' commands look groups up
        assert "State:* ok" in json.dumps(ask(bot, "status", user="U0DESKCHIEF"))
        assert "State:* ok" in json.dumps(ask(bot, "status", user="U0NIGHTDESK"))
        assert ask(bot, "status", user="U0REPORTER")["blocks"][0]["text"]["text"] == "For maintainers only"
    (lookup,) = slack.calls("/api/usergroups.users.list")  # members kept for a minute: one call for three asks
    assert lookup.body["usergroup"] == "S0DESK"


def test_unanswered_questions_are_counted_without_users(live: tuple[Running, Path]) -> None:
    bot, _ = live
    for user in ("U1", "U2", "U3"):
        ask(bot, "What about the Arctic?", user=user)
    ask(bot, "weather tomorrow")
    misses = sc.request(bot.port, "GET", "/misses").json()
    assert misses[0] == {"query": "what about the arctic?", "count": 3}
    assert "U1" not in json.dumps(misses)
    assert "3× what about the arctic?" in json.dumps(ask(bot, "status", user=MAINTAINER), ensure_ascii=False)


def test_reload_command_and_sighup(live: tuple[Running, Path], slack: slack_stand_in.StandIn) -> None:
    bot, _ = live
    assert ask(bot, "reload", user="U0REPORTER")["blocks"][0]["text"]["text"] == "For maintainers only"
    assert ask(bot, "reload", user=MAINTAINER)["blocks"][0]["text"]["text"] == "Reloading"
    slack.wait_for("/api/chat.postMessage", 1)
    bot.proc.send_signal(signal.SIGHUP)
    posted = slack.wait_for("/api/chat.postMessage", 2)
    assert all("Knowledge reloaded" in p.body["text"] and "no entry changed" in p.body["text"] for p in posted)


def test_no_request_is_lost_during_repeated_reloads(live: tuple[Running, Path]) -> None:
    bot, folder = live
    pact = folder / "pact.yaml"
    original = pact.read_text("utf-8")
    queries = ["article4", "timeline", "quote kim", "sources"] * 75

    async def one(session: aiohttp.ClientSession, text: str) -> int:
        body = sc.command_body(text)
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sc.sign(body)}
        async with session.post(f"http://127.0.0.1:{bot.port}/slack/events", data=body, headers=headers) as r:
            data = await r.json()
            assert data["blocks"][0]["type"] == "header"
            return r.status

    async def load_while_editing() -> list[int]:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
            results: list[int] = []
            for round_ in range(6):
                pact.write_text(original.replace("23 articles.", f"23 articles ({round_}).", 1), "utf-8")
                batch = queries[round_ * 50 : (round_ + 1) * 50]
                results += await asyncio.gather(*(one(session, q) for q in batch))
                await asyncio.sleep(0.25)
            return results

    statuses = asyncio.run(load_while_editing())
    assert len(statuses) == 300 and set(statuses) == {200}
    metrics = sc.request(bot.port, "GET", "/metrics").body.decode()
    reloads = [line for line in metrics.splitlines() if line.startswith('factdesk_reloads_total{result="ok"}')]
    assert reloads and float(reloads[0].split()[-1]) >= 2


def test_start_up_with_broken_knowledge_fails_fast(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.support.paths import ROOT
    from tests.support.server import BOT_TOKEN

    shutil.copytree(FIXTURES / "errors", tmp_path / "k")
    env = {
        "SLACK_SIGNING_SECRET": sc.SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "FACTDESK_CACHE": "off",
        "PATH": "/usr/bin:/bin",
    }
    broken = str(tmp_path / "k" / "altered_quote.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "9", "--knowledge", broken],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    from tests.support.expectations import expectation

    at = expectation(tmp_path / "k" / "altered_quote.yaml")[0]
    assert f"altered_quote.yaml:{at}:11: error: quote is not word for word" in done.stderr
    assert "not starting" in done.stderr


def test_two_workers_answer_and_one_scrape_counts_both(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    with serve(tmp_path, slack.api_url, KNOWLEDGE, args=("--workers", "2")) as bot:
        # each worker loads the knowledge itself: nothing is shared between them but the files
        wait_until(lambda: bot.logs().count('"knowledge_loaded"') == 2, timeout=30)
        for n in range(40):
            assert ask(bot, f"timeline {1990 + n % 10}")["blocks"][0]["type"] == "header"

        def answers() -> float:
            text = sc.request(bot.port, "GET", "/metrics").body.decode()
            counted = [line for line in text.splitlines() if line.startswith("factdesk_answers_total")]
            return sum(float(line.rsplit(" ", 1)[1]) for line in counted)

        # Each worker adds its tallies to the shared files once a second (bot/metrics.py FLUSH_SECONDS)
        time.sleep(2 * FLUSH_SECONDS)
        for _ in range(6):  # whichever worker answers the scrape, it reports both workers' requests
            assert answers() == 40


def test_misses_are_for_the_admin_token_only(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    token = "admin-token-for-tests-only"
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env={"FACTDESK_ADMIN_TOKEN": token}) as bot:
        ask(bot, "what about the arctic?")
        assert sc.request(bot.port, "GET", "/misses").status == 403
        wrong = sc.request(bot.port, "GET", "/misses", headers={"Authorization": "Bearer guess"})
        assert wrong.status == 403
        right = sc.request(bot.port, "GET", "/misses", headers={"Authorization": f"Bearer {token}"})
        assert right.status == 200 and right.json() == [{"query": "what about the arctic?", "count": 1}]
        url = f"http://127.0.0.1:{bot.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
        report = [sys.executable, "-m", "bot", "report", "--url", url]
        done = subprocess.run(report, env={**env, "FACTDESK_ADMIN_TOKEN": token}, capture_output=True, text=True)
        assert done.returncode == 0 and "     1  what about the arctic?" in done.stdout
        refused = subprocess.run(report, env=env, capture_output=True, text=True)
        assert refused.returncode != 0 and refused.stderr.count("\n") == 1 and "403" in refused.stderr


def test_without_a_token_misses_stay_on_this_machine() -> None:
    assert is_admin({"client": ("127.0.0.1", 5000)}, None)
    assert is_admin({"client": ("::1", 5000)}, None)
    assert not is_admin({"client": ("10.1.2.3", 5000)}, None)
    assert not is_admin({"client": ("127.0.0.1", 5000)}, "set")  # a set token is required even locally


def test_misses_survive_a_restart_and_never_carry_control_characters(
    slack: slack_stand_in.StandIn, tmp_path: Path
) -> None:
    """Counted misses are flushed to the shared state at shutdown and read back by the next process; what a
    user typed reaches /misses, `factdesk report` and `/pact status` without escape sequences."""
    hostile = "\x1b]0;owned\x07\x1b[31mred\x1b[0m arctic?\x07"
    env = {"FACTDESK_MAINTAINERS": MAINTAINER}
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as bot:
        ask(bot, hostile)
        ask(bot, hostile)
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as bot:  # same database, a new process
        ask(bot, hostile)
        misses = sc.request(bot.port, "GET", "/misses").json()
        assert misses == [{"query": "red arctic?", "count": 3}]
        status = json.dumps(ask(bot, "status", user=MAINTAINER), ensure_ascii=False)
        assert "3× red arctic?" in status and "\\u001b" not in status and "\\u0007" not in status
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
        done = subprocess.run([sys.executable, "-m", "bot", "report", "--url", f"http://127.0.0.1:{bot.port}"],
                              env=env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0 and "     3  red arctic?" in done.stdout
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout
        assert sc.request(bot.port, "GET", "/misses?workspace=T0OTHER").json() == []
        assert sc.request(bot.port, "GET", "/misses?workspace=%1b[31m").status == 400


def test_report_strips_control_characters_a_server_sends(tmp_path: Path) -> None:
    """`factdesk report` cleans what it prints even when the server it reads does not."""
    import http.server
    import threading

    class Hostile(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps([{"query": "\x1b]0;title\x07\x1b[2Jwiped", "count": 2}]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        done = subprocess.run([sys.executable, "-m", "bot", "report", "--url", url], env=env, capture_output=True,
                              text=True)  # fmt: skip
        assert done.returncode == 0 and "     2  wiped" in done.stdout and "\x1b" not in done.stdout
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_unwritable_default_database_keeps_answering_from_memory(
    slack: slack_stand_in.StandIn, tmp_path: Path
) -> None:
    """A read-only container with no database set: the state falls back to memory, the log says so."""
    env = {"FACTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'state.sqlite3'}"}
    with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env) as bot:
        ask(bot, "what about the arctic?")
        assert sc.request(bot.port, "GET", "/misses").json() == [{"query": "what about the arctic?", "count": 1}]
        assert '"shared_state_unavailable"' in bot.logs()


def test_an_unreachable_postgresql_stops_the_start_without_showing_its_password(tmp_path: Path) -> None:
    """Several replicas without their shared database would each keep their own state: refuse to start."""
    from tests.support.server import BOT_TOKEN, free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    env.update(SLACK_SIGNING_SECRET=sc.SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL="http://127.0.0.1:9",
               FACTDESK_KNOWLEDGE=str(KNOWLEDGE), FACTDESK_CACHE="off", FACTDESK_LOG_FORMAT="json",
               FACTDESK_DATABASE_URL="postgresql://factdesk:s3cr3t-pw@127.0.0.1:9/factdesk")  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(free_port())], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "cannot use FACTDESK_DATABASE_URL" in done.stderr
    assert "s3cr3t-pw" not in done.stdout + done.stderr
