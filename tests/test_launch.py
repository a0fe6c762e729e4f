"""Start-up: with several workers, the parent's own check of the knowledge is not kept in the parent."""

from __future__ import annotations

import shutil
import socket
import weakref
from pathlib import Path

import pytest

from bot import launch
from bot.config import Settings
from bot.core.store import KnowledgeStore
from tests.support.paths import FIXTURES
from tests.support.server import free_port


def test_serve_with_workers_keeps_no_knowledge_in_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker loads its own; the parent's copy (~270 MB at 100,000 entries) once stayed for the parent's
    whole life beside the workers', serving nothing."""
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini", folder)
    env = {"FACTDESK_CACHE": str(tmp_path / "cache"), "FACTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"}
    settings = Settings.from_env(env)
    checked: list[weakref.ref[KnowledgeStore]] = []
    real = launch._checked

    def remembering(*args: object, **kwargs: object) -> tuple[KnowledgeStore, object] | None:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        assert out is not None and out[0].catalog is not None  # the check did load the knowledge
        checked.append(weakref.ref(out[0]))
        return out

    alive_while_serving: list[bool] = []

    class Workers:
        def __init__(self, config: object, sockets: list[socket.socket]) -> None:
            self.sockets = sockets

        def run(self) -> None:
            alive_while_serving.append(checked[0]() is not None)
            for s in self.sockets:
                s.close()

    monkeypatch.setattr(launch, "_checked", remembering)
    monkeypatch.setattr(launch, "Workers", Workers)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    assert launch.serve(settings, host="127.0.0.1", port=free_port(), workers=2, knowledge=folder) == 0
    assert alive_while_serving == [False]
