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
from tests.conftest import FIXTURES, KNOWLEDGE, ROOT


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(KNOWLEDGE)]) == 0
    out = capsys.readouterr().out
    assert "pact.yaml: 2 sources, 1 article, 9 quotes, 10 events, 15 facts, 7 people — ok" in out
    assert "warning: source 'reuters' has no link" in out


def test_check_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "errors", tmp_path, dirs_exist_ok=True)
    from tests.core.test_loader import expectation

    at = expectation(tmp_path / "altered_quote.yaml")[0]
    assert main(["check", str(tmp_path / "altered_quote.yaml")]) == 1
    captured = capsys.readouterr()
    assert f"altered_quote.yaml:{at}:11: error: quote is not word for word" in captured.out
    assert "1 error — not loaded" in captured.err


def test_check_speaks_github_annotations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "errors", tmp_path, dirs_exist_ok=True)
    from tests.core.test_loader import expectation

    at = expectation(tmp_path / "altered_quote.yaml")[0]
    assert main(["check", str(tmp_path / "altered_quote.yaml"), "--format", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    where = f"file={tmp_path / 'altered_quote.yaml'},line={at},col=11"
    assert line.startswith(f"::error {where}::quote is not word for word")


def test_singular_counts_read_right(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "corrected")]) == 0
    assert "corrected.yaml: 1 source, 1 article, 0 quotes, 0 events, 2 facts, 0 people — ok" in capsys.readouterr().out


def test_ask_json_is_the_slack_payload(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(KNOWLEDGE), "--json", "article4"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["response_type"] == "ephemeral"
    assert payload["blocks"][0]["type"] == "header"


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
        done = subprocess.run([*cmd, "ask", "when was the 1961 treaty scrapped"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("1996: ")


@pytest.mark.skipif(not (ROOT / ".venv" / ".factdesk-installed").exists(), reason="needs the .venv ./run makes")
def test_readme_main_command_without_credentials_opens_the_console() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTDESK_"))}
    done = subprocess.run(["./run"], cwd=ROOT, input="/pact article4\nquit\n", env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "No Slack credentials set: starting the local console" in done.stderr
    assert "Article 4" in done.stdout and "without delay" in done.stdout
