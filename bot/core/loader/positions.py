"""YAML text → plain data, remembering where every value and key was written, so problems name their line."""

from __future__ import annotations

from typing import Any

import yaml

from bot.core.loader.problems import Problem, Severity

try:  # The C parser is ~10x faster; fall back where libyaml is missing.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

#: Where a value is in a document: ("quotes", 3, "text").
Path_ = tuple[str | int, ...]


class YamlDoc:
    """One YAML file turned into plain data plus the position of every value and key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.pos: dict[Path_, tuple[int, int]] = {}
        self.key_pos: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The closest known position to `path` (walking up to its parent if it has none)."""
        table = self.key_pos if key else self.pos
        p = path
        while p:
            if p in table:
                return table[p]
            if p in self.pos:
                return self.pos[p]
            p = p[:-1]
        return self.pos.get((), (1, 1))

    def error(self, path: Path_, message: str, *, key: bool = False, severity: Severity = Severity.ERROR) -> None:
        line, col = self.at(path, key=key)
        self.problems.append(Problem(self.file, line, col, severity, message))

    def to_data(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    self.problems.append(self._at_node(knode, "a key must be a plain word"))
                    continue
                key = str(knode.value)
                if key in out:
                    self.problems.append(self._at_node(knode, f"field {key!r} appears twice here; keep one"))
                    continue
                self.key_pos[(*path, key)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
                out[key] = self.to_data(vnode, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.to_data(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # most scalars: what the constructor would return, without its overhead
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep "2024-06-19" as written: precision matters, not a datetime
        return self._scalars.construct_object(node, deep=True)

    def _at_node(self, node: yaml.Node, message: str) -> Problem:
        return Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, Severity.ERROR, message)


def compose(raw: str, name: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text to its node tree, or say where its syntax breaks."""
    try:
        node = yaml.compose(raw, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as e:
        # An unclosed quote is found at the end of the file; where it was opened is what to fix.
        opened = e.context and "quoted scalar" in e.context
        mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(name, line, col, Severity.ERROR, f"YAML syntax: {what}")]
    except yaml.YAMLError as e:
        return None, [Problem(name, 1, 1, Severity.ERROR, f"YAML syntax: {e}")]
    return node, []


def where(path: Path_) -> str:
    """A path as a maintainer reads it: quotes[3].text."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"
