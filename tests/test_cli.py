"""The CLI is a thin shell: exit codes, one-line errors, --help with an example on every command."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, parser
from tests.support.paths import FIXTURES, KNOWLEDGE, ROOT


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(KNOWLEDGE)]) == 0
    out = capsys.readouterr().out
    assert "pact.yaml: 2 sources, 1 article, 9 quotes, 10 events, 15 facts, 7 people, 0 cited provisions — ok" in out
    assert "warning: source 'reuters' has no link" in out


def test_check_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "errors", tmp_path, dirs_exist_ok=True)
    from tests.support.expectations import expectation

    at = expectation(tmp_path / "altered_quote.yaml")[0]
    assert main(["check", str(tmp_path / "altered_quote.yaml")]) == 1
    captured = capsys.readouterr()
    assert f"altered_quote.yaml:{at}:11: error: quote is not word for word" in captured.out
    assert "1 error — not loaded" in captured.err


def test_check_speaks_github_annotations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "errors", tmp_path, dirs_exist_ok=True)
    from tests.support.expectations import expectation

    at = expectation(tmp_path / "altered_quote.yaml")[0]
    assert main(["check", str(tmp_path / "altered_quote.yaml"), "--format", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    where = f"file={tmp_path / 'altered_quote.yaml'},line={at},col=11"
    assert line.startswith(f"::error {where}::quote is not word for word")


def test_singular_counts_read_right(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "corrected")]) == 0
    line = "corrected.yaml: 1 source, 1 article, 0 quotes, 0 events, 2 facts, 0 people, 0 cited provisions — ok"
    assert line in capsys.readouterr().out


def test_ask_json_is_the_slack_payload(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "--json", "article4"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["response_type"] == "ephemeral"
    assert payload["blocks"][0]["type"] == "header"


def test_ask_takes_the_question_as_typed_in_slack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "article4"]) == 0
    plain = capsys.readouterr().out
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "/pact", "article4"]) == 0
    assert capsys.readouterr().out == plain and "Article 4" in plain


def test_ask_unknown_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "--command", "/nope", "x"]) == 2
    err = capsys.readouterr().err
    assert err == "factdesk: error: no topic answers /nope; choose one of: /pact\n"


def test_every_command_has_help_with_an_example() -> None:
    sub = next(a for a in parser()._actions if a.dest == "cmd")
    choices: dict[str, argparse.ArgumentParser] = sub.choices  # type: ignore[assignment]
    for name, p in choices.items():
        assert "example:" in (p.epilog or ""), name
        assert f"factdesk {name}" in (p.epilog or "") or name == "socket", name


def test_serve_without_credentials_says_what_is_missing(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for var in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("factdesk: error: missing SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN.")
    assert "Signing Secret" in err and "factdesk console" in err and "Traceback" not in err


def test_console_script_and_module_run() -> None:
    for cmd in ([str(Path(sys.executable).parent / "factdesk")], [sys.executable, "-m", "bot"]):
        mini = str(FIXTURES / "mini")  # a fixture, not the maintainers' knowledge, whose answers may change
        done = subprocess.run([*cmd, "ask", "--knowledge", mini, "when was the first bridge built"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("1901\n")  # the date is the header; what happened is the body


@pytest.mark.skipif(not (ROOT / ".venv" / ".factdesk-bot").exists(), reason="needs the .venv ./run makes")
def test_readme_main_command_without_credentials_opens_the_console() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    done = subprocess.run(["./run"], cwd=ROOT, input="/pact article4\nquit\n", env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "No Slack credentials set: starting the local console" in done.stderr
    assert "Article 4" in done.stdout and "without delay" in done.stdout


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in [v for v in os.environ if v.startswith(("SLACK_", "FACTDESK_"))]:
        monkeypatch.delenv(var)


def test_serving_settings_do_not_break_ask_or_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("FACTDESK_PORT", "abc")
    monkeypatch.setenv("FACTDESK_WORKERS", "many")
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "article4"]) == 0
    assert main(["check", str(FIXTURES / "corrected")]) == 0
    assert "error" not in capsys.readouterr().err


def test_serve_refuses_a_bad_port_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s" * 32)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("FACTDESK_PORT", "99999")
    assert main(["serve", "--knowledge", str(KNOWLEDGE)]) == 2
    assert capsys.readouterr().err == (
        "factdesk: error: FACTDESK_PORT='99999' is out of range: it must be from 1 to 65535; unset it for 3000\n"
    )
    monkeypatch.setenv("FACTDESK_KNOWLEDGE", str(FIXTURES / "errors"))  # stops it before listening, in one line
    assert main(["serve", "--port", "3001"]) == 1  # --port given: FACTDESK_PORT is not this run's setting
    assert "FACTDESK_PORT" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["serve", "--port", "70000"])
    assert e.value.code == 2
    assert "argument --port: 70000 is out of range: a port is from 1 to 65535" in capsys.readouterr().err


def test_a_missing_knowledge_folder_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("FACTDESK_KNOWLEDGE", str(tmp_path / "nowhere"))
    for argv in (["ask", "article4"], ["check"]):
        assert main(argv) == 2
        assert capsys.readouterr().err == (
            f"factdesk: error: FACTDESK_KNOWLEDGE='{tmp_path / 'nowhere'}': no such file or folder; "
            "set it to your knowledge folder (e.g. ./knowledge) or unset it\n"
        )
    assert main(["ask", "--knowledge", str(tmp_path / "gone"), "x"]) == 2
    assert capsys.readouterr().err == f"factdesk: error: --knowledge {tmp_path / 'gone'}: no such file or folder\n"


def test_schema_write_to_a_missing_folder_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema", "--write", str(tmp_path / "no" / "such" / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err == f"factdesk: error: cannot write {tmp_path / 'no' / 'such' / 'x.json'}: No such file or directory\n"


def test_report_asks_the_port_in_factdesk_port_with_the_admin_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import http.server
    import threading

    seen: list[str | None] = []

    class Misses(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            body = json.dumps([{"query": "article 99", "count": 3}]).encode()
            self.send_response(200 if self.path == "/misses" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Misses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _clean_env(monkeypatch)
        monkeypatch.setenv("FACTDESK_PORT", str(server.server_address[1]))
        monkeypatch.setenv("FACTDESK_ADMIN_TOKEN", "admin-1")
        assert main(["report"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert "     3  article 99" in capsys.readouterr().out
    assert seen == ["Bearer admin-1"]
    sub = next(a for a in parser()._actions if a.dest == "cmd")
    choices: dict[str, argparse.ArgumentParser] = sub.choices  # type: ignore[assignment]
    assert "FACTDESK_ADMIN_TOKEN" in choices["report"].format_help()


def test_start_with_partial_slack_credentials_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-2")
    assert main(["start", "--knowledge", str(KNOWLEDGE)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("factdesk: error: missing SLACK_BOT_TOKEN. ") and err.count("\n") == 1
    assert "console" not in err.split(".")[0]  # not silently the console


@pytest.mark.parametrize("flag", ["help", "--help", "-h"])
def test_run_help_lists_its_own_commands(flag: str) -> None:
    done = subprocess.run(["./run", flag], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ./run [COMMAND]")
    for line in ("./run test", "./run bench", "./run help"):
        assert line in done.stdout
    assert "Setting up" not in done.stderr  # help needs no set-up


def test_ask_and_the_console_route_a_question_without_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    two = str(FIXTURES / "two_topics")
    assert main(["ask", "--knowledge", two, "who", "said", "fully", "funded"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Who said it\n") and "Sam Poe — direct quote" in out
    assert main(["ask", "--knowledge", two, "timeline"]) == 0
    out = capsys.readouterr().out
    assert "/budget and /mini both have an answer: ask one of them." in out and "None" not in out
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--knowledge", two], input="ferry\nharbour act\n", cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "The treasurer expects the ferry service to be fully funded." in done.stdout
    assert "Article 9 of the Harbour Act" in done.stdout and "None" not in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("title: Mini topic", "title: !important Mini topic", "mini.yaml:4:8: error: YAML tags"),
        ("examples: [timeline, quote roe]", "examples: " + "[" * 10_000 + "]" * 10_000, "mini.yaml:6:"),
    ],
    ids=["tag", "deep"],
)
def test_check_says_what_once_crashed_the_loader_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old: str, new: str, said: str
) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "k")
    topic = tmp_path / "k" / "mini.yaml"
    topic.write_text(topic.read_text("utf-8").replace(old, new), "utf-8")
    assert main(["check", str(tmp_path / "k")]) == 1
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert said in line and "Traceback" not in captured.out + captured.err
    assert captured.err.strip().endswith("1 error — not loaded")


def test_snapshot_writes_what_serve_starts_from_and_refuses_broken_knowledge(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core import snapshot

    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    assert main(["snapshot", str(folder), "--into", str(tmp_path / "cache")]) == 0
    assert "snapshot of" in capsys.readouterr().out
    assert snapshot.read(tmp_path / "cache", folder) is not None
    monkeypatch.setenv("FACTDESK_CACHE", "off")
    assert main(["snapshot", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--into" in err
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\nbogus_field: 1\n")
    assert main(["snapshot", str(folder), "--into", str(tmp_path / "other")]) == 1
    out = capsys.readouterr()
    assert "bogus_field" in out.out and "no snapshot written" in out.err
    assert not (tmp_path / "other").exists() or not list((tmp_path / "other").glob("snapshot-*"))
