"""The store swaps knowledge atomically, keeps the last good one on a bad edit, and says what changed."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest

from bot.core.loader import load
from bot.core.loader.folder import Remembered
from bot.core.query import parse
from bot.core.store import KnowledgeStore, Outcome, diff
from tests.support.paths import FIXTURES


def _copy(tmp: Path) -> Path:
    folder = tmp / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    return folder


def test_bad_edit_keeps_last_good_and_reports(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    assert store.state == "starting"
    first = store.reload()
    assert first.ok and store.state == "ok"
    good = store.catalog
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text().replace("without fail", "without doubt"))
    assert store.changed()
    bad = store.reload()
    assert not bad.ok
    assert store.catalog is good and store.state == "degraded"
    assert any("not word for word" in p.message for p in store.pending)
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text().replace("without doubt", "without fail"))
    assert store.reload().ok and store.state == "ok" and store.pending == ()


def test_change_summary_counts_by_kind(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    store.reload()
    text = (folder / "mini.yaml").read_text()
    text = text.replace("    what: The first bridge is built.", "    what: The first bridge was built.")
    text = text.replace(
        "facts:\n",
        "facts:\n  - id: tuesday\n    text: Approved on a Tuesday.\n    source: gazette\n"
        "    evidence: approved the plan on Tuesday\n",
    )
    (folder / "mini.yaml").write_text(text)
    outcome = store.reload()
    assert outcome.ok and outcome.change is not None
    assert outcome.change.summary() == "+1 fact, ~1 event"


def test_change_summary_says_people_in_english(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    old = load(folder).knowledge
    text = (folder / "mini.yaml").read_text()
    person = "  - id: john-doe\n    name: John Doe\n    source: gazette\n"
    (folder / "mini.yaml").write_text(text.replace("people:\n", "people:\n" + person))
    new = load(folder).knowledge
    assert old is not None and new is not None
    assert diff(old, new).summary() == "+1 person"
    assert diff(new, old).summary() == "-1 person"
    added = "+1 article, +1 cited provision, +2 events, +1 fact, +2 people, +1 quote, +1 source"
    assert diff(None, new).summary() == added


def test_first_load_is_all_added(tmp_path: Path) -> None:
    store = KnowledgeStore(_copy(tmp_path))
    outcome = store.reload()
    assert outcome.change is not None
    assert outcome.change.added == {
        "sources": 1, "people": 1, "quotes": 1, "events": 2, "facts": 1, "articles": 1, "cited provisions": 1
    }  # fmt: skip
    assert diff(store.catalog.knowledge, store.catalog.knowledge).empty  # type: ignore[union-attr]


def test_readers_never_see_a_half_built_catalog(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    store.reload()
    seen: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            catalog = store.catalog
            assert catalog is not None
            answer = catalog.answer(catalog.knowledge.topics[0], parse("quote roe"))
            seen.append(answer.items[0].text)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for r in readers:
        r.start()
    for _ in range(20):
        (folder / "mini.yaml").touch()
        assert store.reload().ok
    stop.set()
    for r in readers:
        r.join()
    assert seen and set(seen) == {"without fail"}


def test_watching_survives_a_failing_poll(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    store.reload()
    real_reload = store.reload
    calls = {"n": 0}

    def flaky_reload() -> Outcome:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("file vanished mid-read")
        return real_reload()

    monkeypatch.setattr(store, "reload", flaky_reload)
    outcomes: list[Outcome] = []

    async def collect(outcome: Outcome) -> None:
        outcomes.append(outcome)

    async def scenario() -> None:
        watcher = asyncio.create_task(store.watch(0.01, collect))
        (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n")
        for _ in range(1000):
            if outcomes:
                break
            await asyncio.sleep(0.01)
        watcher.cancel()

    asyncio.run(scenario())
    assert calls["n"] >= 2 and outcomes and outcomes[0].ok  # the first poll raised; watching went on


def test_the_watcher_watches_every_archive_the_knowledge_cites(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "archive_elsewhere", folder)
    store = KnowledgeStore(folder)
    assert store.reload().ok and not store.changed()
    archive = folder / "texts" / "gazette-2024-03-07.txt"
    archive.write_text(archive.read_text("utf-8").replace("without fail", "without doubt"), "utf-8")
    assert store.changed(), "an archive outside sources/ was edited and not noticed"
    refused = store.reload()
    assert not refused.ok and any("not word for word" in p.message for p in refused.errors)


def test_an_edit_made_while_loading_is_seen_at_the_next_poll(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core.loader import LoadResult, load

    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)

    def load_then_edit(root: Path, cache: Path | None = None, memo: Remembered | None = None) -> LoadResult:
        result = load(root, cache, memo)
        (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited during the load\n")
        return result

    monkeypatch.setattr("bot.core.store.load", load_then_edit)
    assert store.reload().ok
    assert store.changed()
