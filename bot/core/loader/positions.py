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
        try:
            return self._scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):  # a 5,000-digit number, a tag the scan let through
            self.problems.append(self._at_node(node, "this value cannot be read; put the text in quotes"))
            return node.value

    def _at_node(self, node: yaml.Node, message: str) -> Problem:
        return Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, Severity.ERROR, message)


#: Knowledge is a few levels deep (quotes[3].translations[0].text); deeper is a mistake or an attack, and the
#: C composer recurses without a limit (100,000 levels crash the process).
MAX_DEPTH = 32
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str"}


def shape_problem(raw: str, name: str, quoted: list[Any]) -> Problem | None:
    """What the composer must never be given: deep nesting, aliases (an alias bomb of ten lines expands to
    gigabytes), and tags (`!important`, which no constructor knows). One pass over the parser's events,
    ~12% of what composing costs; a syntax error found here is raised to `compose` as it would be there."""
    depth = 0
    for event in yaml.parse(raw, Loader=_YamlLoader):
        mark = event.start_mark
        if isinstance(event, yaml.ScalarEvent) and event.style in ('"', "'") and event.end_mark.line > mark.line:  # type: ignore[union-attr]
            quoted.append(event)  # a quoted text over several lines: rare on purpose, often a quote left open
        if isinstance(event, yaml.AliasEvent):
            return _problem(name, mark, "YAML aliases (*name) are not allowed in knowledge files; write the value out")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return _problem(name, mark, f"nested more than {MAX_DEPTH} levels deep; knowledge is a few levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent) and getattr(event, "tag", None) not in _PLAIN_TAGS:
            return _problem(
                name, mark, "YAML tags (words starting with '!') are not allowed here; put the text in quotes"
            )
    return None


def _problem(name: str, mark: Any, message: str) -> Problem:
    return Problem(name, mark.line + 1, mark.column + 1, Severity.ERROR, message)


def compose(raw: str, name: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text to its node tree, or say where its syntax breaks and what usually causes that."""
    quoted: list[Any] = []
    try:
        shape = shape_problem(raw, name, quoted)
        if shape:
            return None, [shape]
        node = yaml.compose(raw, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as e:
        return None, [_syntax(e, raw.splitlines(), name, quoted)]
    except yaml.YAMLError as e:
        return None, [Problem(name, 1, 1, Severity.ERROR, f"YAML syntax: {e}")]
    return node, []


def _syntax(e: yaml.MarkedYAMLError, lines: list[str], name: str, quoted: list[Any]) -> Problem:
    """A syntax error at the line to fix, with the usual cause of that error in a maintainer's words."""
    what = "YAML syntax: " + " ".join(x for x in (e.context, e.problem) if x)
    mark = e.problem_mark or e.context_mark
    if e.context and "quoted scalar" in e.context and e.context_mark:
        if e.problem and "escape" in e.problem and e.problem_mark:
            hint = "a backslash in double quotes starts an escape: put the text in single quotes instead"
            return _problem(name, e.problem_mark, f"{what}: {hint}")
        # The file (or the document) ended inside a quote: where it was opened is what to fix.
        return _problem(name, e.context_mark, f"{what}: the quotation mark opened here is never closed")
    if quoted and mark and quoted[-1].end_mark.line == mark.line:  # a quote ran on, closing where YAML broke
        opened = quoted[-1].start_mark
        hint = f"the quotation mark opened here runs on to line {quoted[-1].end_mark.line + 1}; close it on this line"
        return _problem(name, opened, f"{what} (line {mark.line + 1}): {hint}")
    if mark is None:
        return Problem(name, 1, 1, Severity.ERROR, what)
    text = lines[mark.line] if mark.line < len(lines) else ""
    hint = ""
    if e.problem and "mapping values are not allowed" in e.problem:
        before = text[: mark.column]
        if ": " in before or before.lstrip().startswith("- "):
            hint = "the text holds ': ', which YAML reads as a new field: put the text in quotes"
        else:
            hint = "this field is indented more than the fields above it: line it up with them"
    elif text.lstrip().startswith("- ") and e.problem and ("expected" in e.problem or "expected" in (e.context or "")):
        hint = _list_hint(lines, mark.line)
    elif e.problem and "tab character" in e.problem:
        hint = "indent with spaces, not tabs"
    return _problem(name, mark, f"{what}: {hint}" if hint else what)


def _list_hint(lines: list[str], at: int) -> str:
    """A list item at the wrong indentation: say which item above it should line up with."""
    column = len(lines[at]) - len(lines[at].lstrip())
    for n in range(at - 1, -1, -1):
        above = lines[n]
        if above.lstrip().startswith("- "):
            indent = len(above) - len(above.lstrip())
            if indent != column:
                return (
                    f"a list item at the wrong indentation: put its '-' under the '-' of line {n + 1} "
                    f"({indent} spaces, not {column})"
                )
            break
    return "a list item at the wrong indentation: line its '-' up with the other items of its list"


def where(path: Path_) -> str:
    """A path as a maintainer reads it: quotes[3].text."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"
