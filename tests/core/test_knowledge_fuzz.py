"""Property-based: any edit of a topic file gives a `LoadResult`, never an exception, and never a message that
quotes a file the checker did not accept as a source.

The edits are random lines of YAML punctuation, hostile values (paths out of the folder, tags, aliases,
huge numbers, elisions) and free text, put into a copy of the `mini` fixture beside a secret file outside it
that the fixture's quotes would match.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.loader import LoadResult, load
from tests.support.paths import FIXTURES

SECRET = "SECRETxq7-never-in-a-message"
LINES = (FIXTURES / "mini" / "mini.yaml").read_text("utf-8").splitlines()

ARCHIVES = st.sampled_from(
    ["sources/gazette-2024-03-07.txt", "../secret.txt", "{secret}", "sources/link.txt", "/proc/self/environ",
     "sources/../../secret.txt", "sources", "''", "~/secret.txt", "sources/gazette-2024-03-07.txt/.."]
)  # fmt: skip
FRAGMENTS = st.sampled_from(
    ["archive: ../secret.txt", "archive: sources/link.txt", "&a", "*a", "<<: *a", "!important",
     "!!python/object/apply:os.system", "!!binary", "[", "]", "{", "}", '"', "'", ": ", "- ", "  - ", "\t", "#",
     "|", ">", "? ", "---", "...", "%YAML 1.1", "\ufeff", "\x00", "😀", "…", "1e999", "9" * 5000, "~", "null",
     "2024-02-30", "June 19, 2024", "without fail", "Without Fail", "the bridge would open", "source: nowhere",
     "speaker: Jane Roe", "text: without fail", "- id: x", "[" * 200 + "]" * 200, "  " * 60 + "a: b"]
)  # fmt: skip
PIECE = st.one_of(FRAGMENTS, st.text(max_size=30))
EDIT = st.tuples(
    st.integers(0, len(LINES)), st.sampled_from(["replace", "insert", "append", "delete"]), st.lists(PIECE, max_size=4)
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fuzz")
    secret = root / "secret.txt"
    text = (FIXTURES / "mini" / "sources" / "gazette-2024-03-07.txt").read_text("utf-8")
    secret.write_text(text.replace("without fail", f"without {SECRET}").replace("Tuesday", SECRET), "utf-8")
    k = root / "k"
    shutil.copytree(FIXTURES / "mini", k)
    (k / "sources" / "link.txt").symlink_to(secret)
    before = os.environ.get("FACTDESK_FUZZ_SECRET")
    os.environ["FACTDESK_FUZZ_SECRET"] = SECRET  # what /proc/self/environ would give away
    yield k
    if before is None:
        del os.environ["FACTDESK_FUZZ_SECRET"]


def _apply(lines: list[str], archive: str, edits: list[tuple[int, str, list[str]]], secret: Path) -> str:
    written = archive.replace("{secret}", str(secret))
    out = [line.replace("sources/gazette-2024-03-07.txt", written) for line in lines]
    for at, how, pieces in edits:
        text = "".join(pieces)
        n = min(at, len(out))
        if how == "replace" and n < len(out):
            out[n] = out[n][: len(out[n]) - len(out[n].lstrip())] + text
        elif how == "append" and n < len(out):
            out[n] += text
        elif how == "delete" and n < len(out):
            del out[n]
        else:
            out.insert(n, text)
    return "\n".join(out) + "\n"


@settings(max_examples=250, deadline=None)
@given(ARCHIVES, st.lists(EDIT, max_size=4))
def test_any_edit_gives_a_result_and_never_quotes_a_file_outside(
    folder: Path, archive: str, edits: list[tuple[int, str, list[str]]]
) -> None:
    (folder / "mini.yaml").write_text(_apply(LINES, archive, edits, folder.parent / "secret.txt"), "utf-8")
    result = load(folder)
    assert isinstance(result, LoadResult)
    assert result.ok or result.errors
    for p in result.problems:
        assert p.line >= 1 and p.col >= 1
        assert SECRET not in p.message, str(p)
