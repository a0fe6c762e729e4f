"""The startup benchmark counts a start as one from the snapshot only when the server says it was: a start that
fell back to loading the files (the snapshot refused as stale) once passed for a snapshot start and showed a
full load's peak memory as the snapshot's."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.startup import loaded_from
from bot.core import snapshot
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES
from tests.support.server import serve


def test_the_server_says_which_load_it_started_from(tmp_path: Path, slack: slack_stand_in.StandIn) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini", folder)
    assert snapshot.build(folder, tmp_path / "cache")[0] is not None  # where `serve` points FACTDESK_CACHE
    with serve(tmp_path, slack.api_url, folder, log_name="fresh.log") as bot:
        assert loaded_from(bot.logs()) == "snapshot"
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited after the snapshot\n")
    with serve(tmp_path, slack.api_url, folder, log_name="stale.log") as bot:
        said = loaded_from(bot.logs())
    assert said.startswith("files (snapshot not used: ") and "changed" in said


def test_a_start_with_no_snapshot_loaded_the_files() -> None:
    assert loaded_from('{"event": "knowledge_loaded", "took_ms": 12.0}\nnot json\n[1]\n') == "files"
