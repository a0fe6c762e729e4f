"""The Dockerfile and compose file, kept honest without Docker: what they copy exists, what they run exists,
and the image's health check, run as written against the real server, says healthy."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from bot.cli import parser
from tests.support import slack_stand_in
from tests.support.config import CONFIG_NAMES
from tests.support.paths import KNOWLEDGE, ROOT
from tests.support.server import free_port, serve


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in stage:
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def _ignored(path: str) -> bool:
    """Apply .dockerignore (last matching rule wins; `!` re-includes)."""
    ignored = False
    for rule in (ROOT / ".dockerignore").read_text("utf-8").splitlines():
        rule = rule.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            ignored = not negate
    return ignored


def test_image_is_multi_stage_and_runs_as_nobody_in_particular() -> None:
    assert sum(1 for word, _ in instructions() if word == "FROM") >= 2
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users and users[-1] not in ("root", "0") and not users[-1].startswith("0:")


def test_everything_copied_is_in_the_build_context() -> None:
    copies = [rest for word, rest in instructions() if word == "COPY" and not rest.startswith("--from")]
    sources = [src for rest in copies for src in shlex.split(rest)[:-1]]
    assert "knowledge" in sources and "bot" in sources
    for src in sources:
        assert (ROOT / src).exists(), src
        assert not _ignored(src), f"{src} is excluded by .dockerignore"
    assert _ignored("tests") and _ignored(".venv") and _ignored(".git")  # the context stays small


def test_entrypoint_and_cmd_are_real_commands() -> None:
    stage = final_stage()
    entry = json.loads(next(rest for word, rest in stage if word == "ENTRYPOINT"))
    cmd = json.loads(next(rest for word, rest in stage if word == "CMD"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert entry == ["factdesk"] and "factdesk" in scripts
    sub = next(a for a in parser()._actions if a.dest == "cmd")
    assert cmd[0] in sub.choices  # type: ignore[operator]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    for service in compose["services"].values():
        assert service["command"][0] in sub.choices  # type: ignore[operator]


def test_image_settings_are_ones_the_bot_reads() -> None:
    env = _env(final_stage())
    ours = {k for k in env if k.startswith(("FACTDESK_", "SLACK_"))}
    assert ours and ours <= CONFIG_NAMES, ours - CONFIG_NAMES
    exposed = next(rest for word, rest in final_stage() if word == "EXPOSE")
    assert exposed == env["FACTDESK_PORT"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    for service in compose["services"].values():
        assert set(service["environment"]) <= CONFIG_NAMES
        assert all(m.endswith(":/app/knowledge:ro") for m in service["volumes"])
    assert compose["services"]["factdesk"]["ports"] == [f"{env['FACTDESK_PORT']}:{env['FACTDESK_PORT']}"]


def test_the_health_check_as_written_passes_against_the_real_server(tmp_path: Path) -> None:
    env = _env(final_stage())
    check = next(rest for word, rest in final_stage() if word == "HEALTHCHECK")
    argv = json.loads(check.split(" CMD ", 1)[1])
    assert argv[0] == "python"
    port = free_port()

    def health() -> int:
        run = subprocess.run([sys.executable, *argv[1:]], env={"FACTDESK_PORT": str(port)}, capture_output=True)
        return run.returncode

    assert health() != 0  # nothing listening yet: the check can fail
    stand_in = slack_stand_in.start()
    image_env = {k: v for k, v in env.items() if k.startswith("FACTDESK_") and k != "FACTDESK_KNOWLEDGE"}
    image_env.update(FACTDESK_PORT=str(port), FACTDESK_CACHE=str(tmp_path / "cache"))
    try:
        with serve(tmp_path, stand_in.api_url, KNOWLEDGE, extra_env=image_env, port=port):
            assert health() == 0
    finally:
        stand_in.close()
