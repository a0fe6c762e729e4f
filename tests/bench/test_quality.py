"""The quality benchmark classifies answers as the labels say, and refuses labels the knowledge lacks."""

from __future__ import annotations

import re

import pytest

from bench import quality
from tests.support.paths import FIXTURES


def test_counts_per_class_with_and_without_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = quality.main([str(FIXTURES / "quality" / "rel.yaml"), "--knowledge", str(FIXTURES / "relevance")])
    out = capsys.readouterr().out
    baseline, checked = (counts(part) for part in out.split(" relevance check on\n"))
    assert baseline["trap"] == (0, 0, 2)  # "troops" and "nuclear weapons" answered with what shares a word
    assert checked == {"answerable": (2, 0, 0), "unanswerable": (0, 2, 0), "trap": (0, 2, 0)}
    assert "PASS" in out and code == 0


def counts(table: str) -> dict[str, tuple[int, ...]]:
    """{class: (right, honest miss, misleading)} from the printed table."""
    rows = re.findall(r"^  (\w+) +\d+  right +(\d+) .*honest miss +(\d+) .*misleading +(\d+) ", table, re.M)
    return {cls: tuple(map(int, n)) for cls, *n in rows}


def test_an_expected_id_the_knowledge_lacks_stops_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "quality" / "unknown-id.yaml"
    assert quality.main([str(path), "--knowledge", str(FIXTURES / "relevance")]) == 1
    assert "expected ids not in the knowledge: no-such-entry" in capsys.readouterr().err
