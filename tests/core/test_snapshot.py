"""The compiled snapshot: loaded instead of the files only while it matches every file and the code."""

from __future__ import annotations

import gc
import shutil
import sys
from pathlib import Path

import pytest

from bot.core import diskcache, snapshot
from bot.core.engine import Catalog
from bot.core.kinds import KINDS
from bot.core.loader import load
from bot.core.query import parse
from bot.core.store import KnowledgeStore
from tests.support.paths import FIXTURES


def _copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / name, folder)
    return folder


def _texts(catalog: Catalog, command: str, questions: list[str]) -> list[tuple[str, ...]]:
    topic = catalog.knowledge.topic_for(command)
    assert topic is not None
    return [tuple(i.text or "" for i in catalog.answer(topic, parse(q)).items) for q in questions]


def test_a_snapshot_answers_as_the_files_do(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "two_topics")
    written, _ = snapshot.build(folder, tmp_path / "cache")
    assert written is not None and written.exists()
    found = snapshot.read(tmp_path / "cache", folder)
    assert found is not None
    catalog, _ = found
    loaded = load(folder).knowledge
    assert loaded is not None
    fresh = Catalog.build(loaded)
    assert catalog.knowledge.version == fresh.knowledge.version
    assert catalog.knowledge.topics == fresh.knowledge.topics  # every entry, field by field
    for t in loaded.topics:
        questions = ["timeline", "sources", "article 1", *(e.id for e in t.quotes), "who said"]
        assert _texts(catalog, t.command, questions) == _texts(fresh, t.command, questions)
        assert len(catalog.engines[t.command].index) == len(fresh.engines[t.command].index)


@pytest.mark.parametrize("change", ["edit topic", "edit archive", "new topic", "new expectations", "code"])
def test_a_snapshot_that_does_not_match_is_not_used(tmp_path: Path, change: str) -> None:
    folder = _copy(tmp_path, "two_topics")
    assert snapshot.build(folder, tmp_path / "cache")[0] is not None
    if change == "edit topic":
        (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited\n")
    elif change == "edit archive":
        archive = next((folder / "sources").iterdir())
        archive.write_text(archive.read_text() + "\nA new paragraph.\n")
    elif change == "new topic":
        shutil.copy(folder / "mini.yaml", folder / "third.yaml")
    elif change == "new expectations":
        (folder / "mini.expect.yaml").write_text("- ask: timeline\n")
    else:
        diskcache.code_fingerprint.cache_clear()
        (diskcache.CORE / "__snapshot_test_probe__.py").write_text("# another code\n")
    try:
        said: list[str] = []
        assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
        assert said  # and says why, for the log
    finally:
        (diskcache.CORE / "__snapshot_test_probe__.py").unlink(missing_ok=True)
        diskcache.code_fingerprint.cache_clear()


def test_a_snapshot_of_another_folder_or_a_broken_file_is_not_used(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "mini")
    written, _ = snapshot.build(folder, tmp_path / "cache")
    assert written is not None
    assert snapshot.read(tmp_path / "cache", tmp_path / "elsewhere") is None
    written.write_bytes(written.read_bytes()[: written.stat().st_size // 2])  # truncated
    assert snapshot.read(tmp_path / "cache", folder) is None


def test_no_snapshot_of_knowledge_with_errors(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "mini")
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\nbogus_field: 1\n")
    written, problems = snapshot.build(folder, tmp_path / "cache")
    assert written is None and any(p.severity == "error" for p in problems)
    assert not list((tmp_path / "cache").glob("snapshot-*"))


def test_the_store_starts_from_a_matching_snapshot_and_reloads_from_the_files(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "mini")
    cache = tmp_path / "cache"
    snapshot.build(folder, cache)
    (cache / "marker").write_text("")
    store = KnowledgeStore(folder, cache_dir=cache)
    outcome = store.reload()
    assert outcome.ok and store.catalog is not None
    assert not list(cache.glob("*.index.pickle"))  # nothing was parsed or indexed: it came from the snapshot
    assert not store.changed()  # and it watches the files it describes
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited\n")
    assert store.changed()
    again = store.reload()
    assert again.ok and store.catalog.knowledge.version != outcome.version


def test_a_reload_rebuilds_only_the_topic_an_edit_touched(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "two_topics")
    store = KnowledgeStore(folder)
    assert store.reload().ok and store.catalog is not None
    before = {c: (e.topic, e.index) for c, e in store.catalog.engines.items()}
    (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited\n")
    assert store.reload().ok
    after = {c: (e.topic, e.index) for c, e in store.catalog.engines.items()}
    mini = next(t.command for t in store.catalog.knowledge.topics if t.path.endswith("mini.yaml"))
    other = next(c for c in after if c != mini)
    assert after[other][0] is before[other][0] and after[other][1] is before[other][1]  # kept as it was
    assert after[mini][0] is not before[mini][0] and after[mini][1] is not before[mini][1]  # rebuilt
    assert store.catalog.engines[other].version == store.catalog.knowledge.version


def test_a_reload_leaves_the_collector_on_and_the_new_knowledge_out_of_its_reach(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "mini")
    store = KnowledgeStore(folder)
    frozen = gc.get_freeze_count()
    interval = sys.getswitchinterval()
    try:
        assert gc.isenabled()
        assert store.reload().ok and store.catalog is not None
        assert gc.isenabled() and sys.getswitchinterval() == interval
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_release_empties_a_parsed_file_piece_by_piece() -> None:
    from bot.core.gcpause import release
    from bot.core.loader.positions import YamlDoc, compose

    raw = "items:\n" + "".join(f"  - {{id: e{i}, words: [a, b, c]}}\n" for i in range(2000))
    node, problems = compose(raw, "big.yaml")
    assert node is not None and not problems
    doc = YamlDoc("big.yaml")
    data = doc.to_data(node)
    assert len(data["items"]) == 2000 and len(doc.pos) > 2000
    for x in (node, data, doc.pos):
        release(x, batch=16)
    assert node.value == [] and data == {} and doc.pos == {}


def test_a_swapped_out_catalog_is_taken_apart_only_when_nobody_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from bot.core import store as store_module

    monkeypatch.setattr(store_module, "RETIRE_SECONDS", 0.01)
    folder = _copy(tmp_path, "two_topics")
    store = KnowledgeStore(folder)
    assert store.reload().ok and store.catalog is not None

    def edit_and_reload() -> dict[str, int]:
        sizes = {Path(t.path).name: t for t in store.catalog.knowledge.topics} if store.catalog else {}
        (folder / "mini.yaml").write_text((folder / "mini.yaml").read_text() + "\n# edited\n")
        assert store.reload().ok
        time.sleep(0.3)
        return {name: len(t.entries) for name, t in sizes.items()}

    held = store.catalog  # a request still answering from it
    every = len(KINDS)  # a topic holds a section per entry kind
    assert edit_and_reload() == {"mini.yaml": every, "budget.yaml": every}  # untouched: still in use
    del held
    assert edit_and_reload() == {"mini.yaml": 0, "budget.yaml": every}  # the edited topic's taken apart, not the other
    assert store.catalog is not None and all(len(t.entries) == every for t in store.catalog.knowledge.topics)


def test_release_rests_every_batch_when_paced() -> None:
    from bot.core.gcpause import release

    rests: list[int] = []
    big = {"a": list(range(1000)), "b": {i: str(i) for i in range(500)}}
    release(big, batch=100, pace=lambda: rests.append(1))
    assert big == {} and len(rests) == (2 + 1000 + 500) // 100  # one rest per 100 items taken out


def test_pace_rests_only_after_a_stretch_of_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core import gcpause

    clock = [0.0]
    slept: list[float] = []
    monkeypatch.setattr("bot.core.gcpause.time.perf_counter", lambda: clock[0])
    monkeypatch.setattr("bot.core.gcpause.time.sleep", slept.append)
    pace = gcpause.Pace(work=0.002, rest=0.003)
    for step in (0.001, 0.0005, 0.001, 0.001, 0.0001):
        clock[0] += step
        pace()
    assert slept == [0.003]  # after 2.5 ms of work, not before; the stretch starts again after the rest
