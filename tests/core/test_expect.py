"""Maintainers' expectations: a wrong edit is refused with file:line, a valid update passes."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.cli import main
from bot.core import expect
from bot.core.store import KnowledgeStore
from tests.support.paths import FIXTURES


def _copy(tmp: Path) -> Path:
    folder = tmp / "k"
    shutil.copytree(FIXTURES / "expected", folder)
    return folder


def _drop_quote(folder: Path) -> None:
    topic = folder / "mini.yaml"
    text = topic.read_text("utf-8")
    start = text.index("quotes:")
    topic.write_text(text[:start] + text[text.index("timeline:") :], "utf-8")


def test_expectations_that_hold_pass_and_are_not_a_topic(tmp_path: Path) -> None:
    store = KnowledgeStore(_copy(tmp_path))
    outcome = store.reload()
    assert outcome.ok, [str(p) for p in outcome.errors]
    assert store.catalog is not None and [t.command for t in store.catalog.knowledge.topics] == ["/mini"]


def test_an_edit_that_breaks_an_expectation_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    assert store.reload().ok
    good = store.catalog
    _drop_quote(folder)  # valid knowledge, but the answer the maintainers pinned is gone
    assert store.changed()
    refused = store.reload()
    assert not refused.ok and store.catalog is good and store.state == "degraded"
    messages = [str(p) for p in refused.errors]
    assert any(m.startswith(f"{folder / 'mini.expect.yaml'}:1:1: error: the answer to 'quote roe'") for m in messages)
    assert any("no longer says 'without fail'" in m for m in messages)


def test_factdesk_check_runs_the_expectations(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = _copy(tmp_path)
    assert main(["check", str(folder)]) == 0
    _drop_quote(folder)
    assert main(["check", str(folder)]) == 1
    assert "mini.expect.yaml:1:1: error: the answer to 'quote roe' is a miss answer, expected quotes" in (
        capsys.readouterr().out
    )


def test_a_valid_update_passes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    topic = folder / "mini.yaml"
    topic.write_text(topic.read_text("utf-8").replace("aliases: [approval]", "aliases: [approval, council vote]"))
    assert KnowledgeStore(folder).reload().ok


def test_a_malformed_expectations_file_is_file_line_not_a_traceback(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "mini.expect.yaml").write_text("- ask: quote roe\n  sayz: x\n- kind: miss\n- ask: [unclosed\n", "utf-8")
    _, problems = expect.read(folder / "mini.expect.yaml")
    assert problems and all(p.file.endswith("mini.expect.yaml") for p in problems)
    (folder / "mini.expect.yaml").write_text("- ask: quote roe\n  sayz: x\n- kind: miss\n", "utf-8")
    _, problems = expect.read(folder / "mini.expect.yaml")
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (2, "unknown field 'sayz'"),
        (3, "each expectation needs one `ask:` question"),
    ]


def test_editing_the_expectations_is_noticed_by_the_watcher(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = KnowledgeStore(folder)
    assert store.reload().ok and not store.changed()
    with (folder / "mini.expect.yaml").open("a", encoding="utf-8") as f:
        f.write("- ask: quote roe\n  never: without fail\n")
    assert store.changed() and not store.reload().ok
