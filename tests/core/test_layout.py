"""The core stays a core: it imports nothing else of the bot, and no module grows past what a reader holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
CORE = BOT / "core"


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names if node.module == "bot")
    return out


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_only_the_core(path: Path) -> None:
    outside = {m for m in _imports(path) if (m == "bot" or m.startswith("bot.")) and not m.startswith("bot.core")}
    assert not outside, f"{path.relative_to(BOT)} imports {sorted(outside)}"


def test_no_module_of_the_bot_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(BOT)): n for p in BOT.rglob("*.py") if (n := len(p.read_text("utf-8").splitlines())) > 400
    }
    assert not long
