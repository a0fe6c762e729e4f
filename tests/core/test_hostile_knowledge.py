"""Hostile or broken knowledge edits: nothing outside the folder is read, nothing blocks, nothing raises.

Each test is one edit from issue 11 made to a copy of the `mini` fixture; the answer is always a `LoadResult`
whose errors are `file:line` lines, and no message quotes a file the checker did not accept as a source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.core.loader import LoadResult, load
from bot.core.loader.archive import MAX_ARCHIVE_BYTES
from bot.core.store import KnowledgeStore
from tests.support.paths import FIXTURES, ROOT

SECRET = "xoxb-SECRET-never-in-a-message"
ARCHIVE = "archive: sources/gazette-2024-03-07.txt"


def _mini(tmp: Path) -> Path:
    folder = tmp / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    topic = folder / "mini.yaml"
    text = topic.read_text("utf-8")
    assert old in text
    topic.write_text(text.replace(old, new, 1), "utf-8")


def _outside_secret(tmp: Path) -> Path:
    """A file outside the folder that would match the fixture's quotes, with a secret in the matching passage."""
    secret = tmp / "secret.txt"
    text = (FIXTURES / "mini" / "sources" / "gazette-2024-03-07.txt").read_text("utf-8")
    secret.write_text(text.replace("without fail", f"without {SECRET}"), "utf-8")
    return secret


def _messages(result: LoadResult) -> str:
    return "\n".join(str(p) for p in result.problems)


def test_an_archive_linked_out_of_the_folder_is_refused_and_never_quoted(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    (folder / "sources" / "link.txt").symlink_to(_outside_secret(tmp_path))
    _edit(folder, ARCHIVE, "archive: sources/link.txt")
    result = load(folder)
    assert result.knowledge is None
    (err,) = result.errors
    assert err.line == 13 and "'sources/link.txt' leads outside the knowledge folder" in err.message
    assert SECRET not in _messages(result)


@pytest.mark.parametrize("written", ["/proc/self/environ", "{outside}", "../secret.txt", "sources/../../secret.txt"])
def test_archive_paths_out_of_the_folder_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    monkeypatch.setenv("FACTDESK_TEST_SECRET", SECRET)
    folder = _mini(tmp_path)
    secret = _outside_secret(tmp_path)
    _edit(folder, ARCHIVE, "archive: " + written.format(outside=secret))
    result = load(folder)
    assert result.knowledge is None and [p.line for p in result.errors] == [13]
    assert SECRET not in _messages(result)


def test_a_fifo_archive_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    archive = folder / "sources" / "gazette-2024-03-07.txt"
    archive.unlink()
    os.mkfifo(archive)
    results: list[LoadResult] = []
    worker = threading.Thread(target=lambda: results.append(load(folder)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert results, "loading blocked on a FIFO"
    assert "is not a regular file" in results[0].errors[0].message


def test_an_archive_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    with (folder / "sources" / "gazette-2024-03-07.txt").open("r+b") as f:
        f.truncate(MAX_ARCHIVE_BYTES + 1)  # sparse: costs no disk
    (err,) = load(folder).errors
    assert err.line == 13 and f"the limit is {MAX_ARCHIVE_BYTES:,}" in err.message


def test_a_topic_file_linked_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """The same check that keeps a link to /dev/zero from being read until memory runs out."""
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "mini.yaml").symlink_to(FIXTURES / "mini" / "mini.yaml")
    (err,) = load(folder).errors
    assert err.file.endswith("mini.yaml") and "leads outside the knowledge folder" in err.message


def test_an_archive_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    archive = folder / "sources" / "gazette-2024-03-07.txt"
    good = archive.read_bytes()
    archive.write_bytes(good + b"one more line \xff\xfe\n")
    (err,) = load(folder).errors
    assert err.line == 13
    line = len(good.splitlines()) + 1
    assert f"'sources/gazette-2024-03-07.txt' is not UTF-8 text (line {line})" in err.message


def test_a_folder_named_like_a_topic_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    (folder / "drafts.yaml").mkdir()
    for cache in (None, tmp_path / "cache"):
        (err,) = load(folder, cache).errors
        assert err.file.endswith("drafts.yaml") and "is not a regular file" in err.message


def test_a_topic_file_removed_mid_load_is_an_error_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _mini(tmp_path)
    import bot.core.loader.folder as folder_module

    listed = folder_module.topic_files(folder)
    monkeypatch.setattr(folder_module, "topic_files", lambda root: [*listed, root / "gone.yaml"])
    (err,) = load(folder, tmp_path / "cache").errors
    assert err.file.endswith("gone.yaml") and "'gone.yaml' not found" in err.message


def test_deep_nesting_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    _edit(folder, "examples: [timeline, quote roe]", "examples: " + "[" * 10_000 + "]" * 10_000)
    (err,) = load(folder).errors
    assert (err.line, err.message) == (6, "nested more than 32 levels deep; knowledge is a few levels deep")


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    bomb = "".join(f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 9) if n else 'a'}]\n" for n in range(7))
    (folder / "mini.yaml").write_text(bomb + (folder / "mini.yaml").read_text("utf-8"), "utf-8")
    (err,) = load(folder).errors
    assert err.line == 2 and "YAML aliases" in err.message


def test_a_reload_that_raises_keeps_the_last_good_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _mini(tmp_path)
    store = KnowledgeStore(folder, isolated=False)  # loaded in this process; the child's own failures: test_rebuild
    assert store.reload().ok
    good = store.catalog

    def broken(*_: object) -> LoadResult:
        raise OSError("the disk went away")

    monkeypatch.setattr("bot.core.store.load", broken)
    outcome = store.reload()
    assert not outcome.ok and store.catalog is good and store.state == "degraded"
    assert "the reload failed (OSError)" in outcome.summary()


def test_a_tagged_edit_leaves_the_store_degraded_with_its_line(tmp_path: Path) -> None:
    folder = _mini(tmp_path)
    store = KnowledgeStore(folder)
    assert store.reload().ok
    _edit(folder, "title: Mini topic", "title: !important Mini topic")
    outcome = store.reload()
    assert not outcome.ok and store.state == "degraded"
    assert [(p.line, "YAML tags" in p.message) for p in store.pending] == [(4, True)]


def test_a_deeply_nested_expectations_file_is_an_error_not_a_crashed_process(tmp_path: Path) -> None:
    """In a child process: before the fix, the C composer overflowed the stack and the process died."""
    shutil.copytree(FIXTURES / "expected", tmp_path / "k")
    (tmp_path / "k" / "mini.expect.yaml").write_text("- " + "[" * 200_000 + "]" * 200_000 + "\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(tmp_path / "k")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "FACTDESK_CACHE": "off"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-500:]
    assert "mini.expect.yaml:1:" in done.stdout and "nested more than 32 levels deep" in done.stdout
