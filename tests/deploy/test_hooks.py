"""The maintainers' safety nets outside the bot: the pre-commit hook and the CI workflow run the checker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.paths import KNOWLEDGE, ROOT

HOOK = ROOT / "deploy" / "git-hooks" / "pre-commit"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(GIT_AUTHOR_NAME="Desk", GIT_AUTHOR_EMAIL="desk@news.example", GIT_COMMITTER_NAME="Desk",
               GIT_COMMITTER_EMAIL="desk@news.example")  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    _git(tmp_path, "init", "-q")
    hooks = tmp_path / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    shutil.copy(HOOK, hooks / "pre-commit")
    _git(tmp_path, "add", "-A")
    assert _git(tmp_path, "commit", "-qm", "knowledge").returncode == 0
    return tmp_path


def test_hook_refuses_a_commit_that_misquotes(repo: Path) -> None:
    pact = repo / "knowledge" / "pact.yaml"
    pact.write_text(pact.read_text("utf-8").replace("text: the level of alliance", "text: the level of an alliance"))
    _git(repo, "add", "knowledge")
    refused = _git(repo, "commit", "-qm", "misquote")
    assert refused.returncode == 1
    assert "pact.yaml:159:11: error: quote is not word for word" in refused.stdout + refused.stderr


def test_hook_checks_what_is_staged_not_the_working_copy(repo: Path) -> None:
    pact = repo / "knowledge" / "pact.yaml"
    text = pact.read_text("utf-8")
    pact.write_text(text.replace("text: The treaty has 23 articles.", "text: The treaty has 23 articles in all."))
    _git(repo, "add", "knowledge")
    pact.write_text("not: [valid")  # unstaged breakage must not block a good staged edit
    assert _git(repo, "commit", "-qm", "good edit").returncode == 0


def test_hook_and_workflow_run_the_real_checker() -> None:
    assert os.access(HOOK, os.X_OK)
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "knowledge.yml").read_text("utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "factdesk check knowledge --format github" in runs
    assert "knowledge/**" in workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"]
    assert hooks[0]["entry"].startswith("factdesk check knowledge") and hooks[0]["files"] == "^knowledge/"
