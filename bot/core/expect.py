"""Maintainers' own expectations: the answers that matter, written beside each topic and checked on every load.

Tests check the code; they cannot know what today's knowledge must answer. A maintainer can: `pact.expect.yaml`
next to `pact.yaml` lists questions and what each answer must say, must never say, and must cite. `factdesk check`
and every reload ask them, so an edit that would drop a translation, misattribute a quote or lose a source is
refused with `file:line`, while a valid update (new sources, new counts) passes.

    - ask: article4
      says: ["put in a state of war", "placed under a state of war"]
      cites: [reuters, yonhap]
    - ask: article 5
      kind: miss
      never: ["Article 5:"]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.answer import Answer, Kind
from bot.core.engine import Catalog
from bot.core.loader import Problem, Severity
from bot.core.loader.positions import shape_problem
from bot.core.model import Knowledge
from bot.core.query import parse
from bot.core.text import fold

SUFFIX = ".expect.yaml"
MAX_BYTES = 1_000_000
FIELDS = ("ask", "kind", "says", "never", "cites")

try:  # the C parser where libyaml is there
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Expectation:
    ask: str
    line: int
    kind: Kind | None = None
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()


def path_for(topic_file: Path) -> Path:
    """`pact.yaml` → `pact.expect.yaml`, beside it."""
    return topic_file.with_name(topic_file.name.split(".", 1)[0] + SUFFIX)


def is_expectations(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def _strings(node: yaml.Node) -> tuple[str, ...] | None:
    if isinstance(node, yaml.ScalarNode):
        return (str(node.value),)
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        return tuple(str(n.value) for n in node.value)
    return None


def read(path: Path) -> tuple[list[Expectation], list[Problem]]:
    """Parse an expectations file; every mistake is a `file:line` problem, never an exception."""
    name = str(path)

    def problem(line: int, message: str) -> Problem:
        return Problem(name, line, 1, Severity.ERROR, message)

    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return [], [problem(1, f"the file is larger than {MAX_BYTES // 1000} KB; split it")]
        text = raw.decode("utf-8")
        refused = shape_problem(text, name, [])  # the C composer crashes the process on deep nesting
        if refused:
            return [], [refused]
        root = yaml.compose(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError) as e:
        return [], [problem(1, f"cannot read the file: {type(e).__name__}")]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return [], [problem(mark.line + 1 if mark else 1, f"YAML syntax: {e.problem or e.context}")]
    except yaml.YAMLError as e:
        return [], [problem(1, f"YAML syntax: {type(e).__name__}")]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [problem(root.start_mark.line + 1, "expected a list of `- ask: …` items")]
    found: list[Expectation] = []
    problems: list[Problem] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(problem(line, "each item is a mapping starting with `ask:`"))
            continue
        fields: dict[str, tuple[str, ...]] = {}
        for key, value in item.value:
            k = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            strings = _strings(value)
            if k not in FIELDS:
                problems.append(problem(key.start_mark.line + 1, f"unknown field {k!r}; use {', '.join(FIELDS)}"))
            elif strings is None:
                problems.append(problem(value.start_mark.line + 1, f"{k}: expected text or a list of texts"))
            else:
                fields[k] = strings
        if len(fields.get("ask", ())) != 1:
            problems.append(problem(line, "each expectation needs one `ask:` question"))
            continue
        kind: Kind | None = None
        if "kind" in fields:
            try:
                kind = Kind(fields["kind"][0])
            except ValueError:
                problems.append(problem(line, f"kind: use one of {', '.join(k.value for k in Kind)}"))
                continue
        found.append(
            Expectation(
                fields["ask"][0], line, kind, fields.get("says", ()), fields.get("never", ()), fields.get("cites", ())
            )
        )
    return found, problems


def answer_text(answer: Answer) -> str:
    """Everything an answer shows, as one folded string: what `says` and `never` are matched against."""
    parts: list[str] = [answer.title, answer.intro or "", *answer.suggestions]
    for item in answer.items:
        parts += [item.heading or "", item.text, item.detail or ""]
        parts += [f"{c.wrong} {c.right}" for c in item.corrections]
        parts += [f"{c.credit} {c.headline}" for c in item.citations]
        parts += [f"{x.wrong} {x.right}" for c in item.citations for x in c.corrections]
        parts += [side.says for side in item.sides]
    return fold("\n".join(parts))


def cited(answer: Answer) -> set[str]:
    return {c.source_id for item in answer.items for c in item.citations}


def verdicts(catalog: Catalog, expectations: Iterable[Expectation], command: str, file: str) -> list[Problem]:
    """Ask each question of one topic and report every expectation the answer breaks."""
    topic = catalog.knowledge.topic_for(command)
    if topic is None:
        return [Problem(file, 1, 1, Severity.ERROR, f"no topic answers {command}")]
    problems = []
    for e in expectations:
        answer = catalog.answer(topic, parse(e.ask))
        text = answer_text(answer)
        broken = []
        if e.kind is not None and answer.kind is not e.kind:
            broken.append(f"is a {answer.kind.value} answer, expected {e.kind.value}")
        broken += [f"no longer says {s!r}" for s in e.says if fold(s) not in text]
        broken += [f"says {s!r}, which it must never say" for s in e.never if fold(s) in text]
        missing = [c for c in e.cites if c not in cited(answer)]
        if missing:
            broken.append(f"does not cite {', '.join(missing)}")
        problems += [Problem(file, e.line, 1, Severity.ERROR, f"the answer to {e.ask!r} {b}") for b in broken]
    return problems


def wanted(knowledge: Knowledge) -> bool:
    """Whether any topic has expectations (asking them needs the search index built)."""
    return any(path_for(Path(t.path)).is_file() for t in knowledge.topics)


def check(catalog: Catalog) -> list[Problem]:
    """Every topic's expectations file, where there is one."""
    problems: list[Problem] = []
    for topic in catalog.knowledge.topics:
        path = path_for(Path(topic.path))
        if not path.is_file():
            continue
        expectations, found = read(path)
        problems += found + verdicts(catalog, expectations, topic.command, str(path))
    return problems
