"""Reloads built in a child process: the same knowledge and the same refusals as a reload in the server, the
server's own objects kept for unchanged files, and whatever goes wrong in the child a refused edit."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.core import rebuild
from bot.core.index import SearchIndex
from bot.core.loader import Severity
from bot.core.query import parse
from bot.core.store import KnowledgeStore
from tests.support.paths import FIXTURES


def _copy(tmp_path: Path, name: str = "two_topics") -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / name, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "mini.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _loaded(folder: Path) -> KnowledgeStore:
    store = KnowledgeStore(folder)
    assert store.reload().ok and store.catalog is not None
    return store


def test_a_reload_is_parsed_in_a_child_not_in_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)

    def no_parsing_here(*_: object) -> Any:
        raise AssertionError("the serving process parsed a topic file during a reload")

    monkeypatch.setattr("bot.core.loader.folder.load_topic", no_parsing_here)
    _edit(folder, "title: Mini topic", "title: Mini topic, edited")
    outcome = store.reload()
    assert outcome.ok, outcome.problems
    assert store.catalog is not None
    assert {t.title for t in store.catalog.knowledge.topics} >= {"Mini topic, edited"}
    assert outcome.change is not None and outcome.version == store.catalog.knowledge.version


def test_a_broken_edit_in_the_child_names_its_line_and_keeps_the_last_good(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)
    good = store.catalog
    _edit(folder, "without fail", "without doubt")
    outcome = store.reload()
    assert not outcome.ok and store.catalog is good and store.state == "degraded"
    (problem,) = [p for p in store.pending if "not word for word" in p.message]
    assert problem.file == str(folder / "mini.yaml") and problem.line > 1
    assert str(problem).startswith(f"{folder / 'mini.yaml'}:{problem.line}:")


def test_a_deleted_topic_file_is_dropped_and_an_added_one_loaded(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)
    budget = (folder / "budget.yaml").read_text("utf-8")
    (folder / "budget.yaml").unlink()
    assert store.reload().ok and store.catalog is not None
    assert [Path(t.path).name for t in store.catalog.knowledge.topics] == ["mini.yaml"]
    assert list(store.catalog.engines) == [store.catalog.knowledge.topics[0].command]
    kept = store.catalog.knowledge.topics[0]
    (folder / "budget.yaml").write_text(budget, "utf-8")
    assert store.reload().ok and store.catalog is not None
    assert sorted(Path(t.path).name for t in store.catalog.knowledge.topics) == ["budget.yaml", "mini.yaml"]
    assert any(t is kept for t in store.catalog.knowledge.topics)  # the untouched file's topic, not a copy


@pytest.mark.parametrize(
    ("child", "said"),
    [
        ("import sys; sys.exit(3)", "exit status 3"),
        ("import time; time.sleep(30)", "was stopped"),
        ("import sys, pathlib, json; pathlib.Path(json.load(sys.stdin)['out']).write_bytes(b'not a result')", "failed"),
    ],
    ids=["crashes", "hangs", "writes-garbage"],
)
def test_whatever_goes_wrong_in_the_child_is_a_refused_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: str, said: str
) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)
    good = store.catalog
    monkeypatch.setattr(rebuild, "command", lambda: [sys.executable, "-c", child])
    monkeypatch.setattr(rebuild, "TIMEOUT_SECONDS", 1.0)
    _edit(folder, "title: Mini topic", "title: Mini topic, edited")
    outcome = store.reload()
    assert not outcome.ok and store.catalog is good and store.state == "degraded"
    assert said in outcome.summary() and outcome.errors[0].severity == Severity.ERROR
    monkeypatch.undo()
    assert store.reload().ok and store.state == "ok"  # the next reload, with a working child, recovers


def test_the_child_is_given_no_slack_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)
    seen = tmp_path / "env.txt"
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "do-not-pass-me")
    monkeypatch.setenv("FACTDESK_PROBE", "passed")
    child = f"import os, pathlib, sys; pathlib.Path({str(seen)!r}).write_text(repr(dict(os.environ))); sys.exit(1)"
    monkeypatch.setattr(rebuild, "command", lambda: [sys.executable, "-c", child])
    assert not store.reload().ok
    env = seen.read_text()
    assert "FACTDESK_PROBE" in env and "do-not-pass-me" not in env and "SLACK_SIGNING_SECRET" not in env


def test_the_result_reads_back_the_same_knowledge_in_small_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild, "PART", 3)  # every list or dict of the fixture's size is written in parts
    folder = _copy(tmp_path)
    built = rebuild.build(folder, None, {})
    assert built.ok and built.pieces and all(p.built for p in built.pieces)
    buf = io.BytesIO()
    rebuild.write(buf, built)
    sizes: list[int] = []
    real_join = rebuild._join

    def join(kind: str, parts: list[list[Any]], pace: Any) -> Any:
        sizes.extend(len(p) for p in parts)
        return real_join(kind, parts, pace)

    monkeypatch.setattr(rebuild, "_join", join)
    back = rebuild.read(io.BytesIO(buf.getvalue()))
    assert isinstance(back, rebuild.Rebuilt)
    assert sizes and max(sizes) <= 3 and len(sizes) > 10
    for was, now in zip(built.pieces, back.pieces, strict=True):
        assert was.built is not None and now.built is not None
        (topic, index), (topic2, index2) = was.built, now.built
        assert topic2 == topic and isinstance(index2, SearchIndex)
        state = {k: v for k, v in vars(index).items() if k != "entries"}
        assert {k: v for k, v in vars(index2).items() if k != "entries"} == state
        assert index2.entries == index.entries
        entries = {id(e) for section in topic2.entries.values() for e in section}
        assert all(id(e.ref) in entries for e in index2.entries)  # the index points into the topic, no copies
        assert all(id(s) in entries for s in topic2.source_by_id.values())


def test_an_unchanged_topic_is_not_sent_back(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = _loaded(folder)
    assert store.catalog is not None
    served = rebuild.known(store.catalog, store._parsed)
    assert sorted(Path(p).name for p in served) == ["budget.yaml", "mini.yaml"]
    _edit(folder, "title: Mini topic", "title: Mini topic, edited")
    found = rebuild.build(folder, None, served)
    sent = {Path(p.path).name: p.built is not None for p in found.pieces}
    assert found.ok and sent == {"budget.yaml": False, "mini.yaml": True}
    catalog = found.catalog(store.catalog, store._parsed)
    topic = catalog.knowledge.topic_for("/mini") or catalog.knowledge.topics[0]
    assert catalog.answer(topic, parse("quote roe")).items
