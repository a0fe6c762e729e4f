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
        read, built = catalog.engines[t.command].index, fresh.engines[t.command].index
        assert len(read) == len(built)
        for name, value in vars(built).items():  # every table as built: the compact layouts read back exactly
            assert vars(read)[name] == value, name


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("edit topic", "mini.yaml"),
        ("edit archive", "sources"),
        ("new topic", "third.yaml"),
        ("new expectations", "mini.expect.yaml"),
        ("code", "the code changed"),
    ],
)
def test_a_snapshot_that_does_not_match_is_not_used(
    tmp_path: Path, change: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Other code is a copy of the core changed, never the core itself: a file added to the live source tree,
    # however briefly, changes the fingerprint for any server or benchmark running from it at that moment.
    core = tmp_path / "core"
    shutil.copytree(diskcache.CORE, core, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(diskcache, "CORE", core)
    diskcache.code_fingerprint.cache_clear()
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
        (core / "another.py").write_text("# another code\n")
    try:
        said: list[str] = []
        assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
        assert len(said) == 1 and reason in said[0]  # and says what changed, for the log
    finally:
        diskcache.code_fingerprint.cache_clear()


def test_a_snapshot_of_another_folder_is_not_used(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "mini")
    written, _ = snapshot.build(folder, tmp_path / "cache")
    assert written is not None
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(folder, elsewhere)
    snapshot.path_for(tmp_path / "cache", elsewhere).write_bytes(written.read_bytes())  # copied under its name
    said: list[str] = []
    assert snapshot.read(tmp_path / "cache", elsewhere, on_stale=said.append) is None
    assert said == [f"it was written for another folder ({folder})"]


def _corrupt(data: bytes, how: str) -> bytes:
    header_end = data.index(b"\n") + 1
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "another format":
        return b"factdesk-snapshot-0\n" + data[header_end:]
    if how == "not a pickle":
        return b"\x00\xff" * 500
    if how == "flipped bytes":  # the header intact, the catalog's bytes garbled
        middle = len(data) * 3 // 4
        return data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64]) + data[middle + 64 :]
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["truncated", "another format", "not a pickle", "flipped bytes"])
def test_a_corrupt_snapshot_is_ignored_with_a_reason_and_the_store_loads_the_files(tmp_path: Path, how: str) -> None:
    folder = _copy(tmp_path, "mini")
    written, _ = snapshot.build(folder, tmp_path / "cache")
    assert written is not None
    written.write_bytes(_corrupt(written.read_bytes(), how))
    said: list[str] = []
    assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
    assert len(said) == 1 and said[0]
    store = KnowledgeStore(folder, cache_dir=tmp_path / "cache")
    assert store.reload().ok and store.catalog is not None  # from the files


def test_a_snapshot_is_not_trusted_when_its_files_cannot_be_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path, "mini")
    assert snapshot.build(folder, tmp_path / "cache")[0] is not None

    def unreadable(root: Path, archives: object) -> dict[str, str | None]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(snapshot, "_expected_files", unreadable)
    said: list[str] = []
    assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
    assert said == ["the files could not be compared: PermissionError"]


def test_a_snapshot_of_other_fields_is_refused_not_misread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class whose fields changed is caught by the code fingerprint; should one slip by, the maker refuses."""
    folder = _copy(tmp_path, "mini")
    assert snapshot.build(folder, tmp_path / "cache")[0] is not None
    snapshot.maker.cache_clear()
    real = snapshot.slots_of

    def renamed(cls: object) -> tuple[str, ...] | None:
        names = real(cls)
        return tuple(n + "_was" for n in names) if names and getattr(cls, "__name__", "") == "Source" else names

    monkeypatch.setattr(snapshot, "slots_of", renamed)
    said: list[str] = []
    try:
        assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
    finally:
        snapshot.maker.cache_clear()
    assert len(said) == 1 and said[0].startswith("ValueError: Source:")


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
    interval = sys.getswitchinterval()
    try:
        assert gc.isenabled()
        assert store.reload().ok and store.catalog is not None
        assert gc.isenabled() and sys.getswitchinterval() == interval
        # Frozen: tracked, yet in none of the generations the collector walks. (Comparing freeze counts before
        # and after was flaky: frozen objects of earlier tests that die meanwhile leave the count.)
        catalog = store.catalog
        assert gc.is_tracked(catalog) and all(o is not catalog for o in gc.get_objects())
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


def test_a_file_vanishing_while_the_code_is_fingerprinted_is_said_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a missing snapshot is silent: a source file removed mid-check (a checkout under a running server)
    once fell into the same `FileNotFoundError` and the server loaded everything in full without a word."""
    folder = _copy(tmp_path, "mini")
    assert snapshot.build(folder, tmp_path / "cache")[0] is not None

    def vanished() -> bytes:
        raise FileNotFoundError(2, "No such file or directory", "bot/core/gone.py")

    monkeypatch.setattr(snapshot, "code_fingerprint", vanished)
    said: list[str] = []
    assert snapshot.read(tmp_path / "cache", folder, on_stale=said.append) is None
    assert len(said) == 1 and said[0].startswith("FileNotFoundError") and "gone.py" in said[0]
    assert snapshot.read(tmp_path / "nowhere", folder, on_stale=said.append) is None
    assert len(said) == 1  # no snapshot at all: nothing to say


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
