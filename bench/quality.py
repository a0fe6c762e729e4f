"""Answer-quality benchmark: right answers, honest misses and misleading answers, per class of question.

Each labelled question (bench/quality/*.yaml) goes through `Service.answer`, the door Slack uses, over a
`KnowledgeStore` of the knowledge folder, and its answer is classified:
- right: it leads with an entry the label expects (answerable questions only);
- honest miss: the bot says it has no answer (`Kind.MISS`);
- misleading: anything else, e.g. a quote offered under "Quotes" that does not answer what was asked.
A reporter who repeats a misleading answer publishes an error, so the target is none, at no loss of right
answers. The baseline, measured in the same run, is the same engine with the relevance check switched off.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import yaml

from bot import logs
from bot.core import relevance
from bot.core.answer import Answer, Kind
from bot.core.store import KnowledgeStore
from bot.service import Service

HERE = Path(__file__).resolve().parent
CLASSES = ("answerable", "unanswerable", "trap")
OUTCOMES = ("right", "honest miss", "misleading")
EXAMPLE = "e.g. ./run bench quality   or   ./run bench quality bench/quality/pact.yaml --show misleading"


@dataclass(frozen=True)
class Question:
    ask: str
    cls: str
    expect: tuple[str, ...]


def read(path: Path) -> tuple[str, list[Question]]:
    """A labelled file: `command`, then `questions` of {ask, class, expect?}. Malformed files stop the run."""
    data = yaml.safe_load(path.read_text("utf-8"))
    out = []
    for i, q in enumerate(data["questions"]):
        cls = q["class"]
        if cls not in CLASSES:
            raise ValueError(f"{path}: question {i + 1}: class must be one of {', '.join(CLASSES)}")
        expect = tuple(q.get("expect", ()))
        if (cls == "answerable") != bool(expect):
            raise ValueError(f"{path}: question {i + 1}: `expect` is required for answerable questions only")
        out.append(Question(str(q["ask"]), cls, expect))
    return str(data["command"]), out


def classify(q: Question, a: Answer) -> str:
    if a.kind is Kind.MISS:
        return "honest miss"
    lead = next((i.entry_id for i in a.items if i.entry_id), None)
    return "right" if q.cls == "answerable" and lead in q.expect else "misleading"


def lead_of(a: Answer) -> str:
    return next((i.entry_id for i in a.items if i.entry_id), "") or a.kind.value


@contextmanager
def relevance_off() -> Iterator[None]:
    with mock.patch.object(relevance, "about", lambda *_a, **_k: True):
        yield


def measure(store: KnowledgeStore, command: str, questions: list[Question], *, baseline: bool) -> list[tuple[str, str]]:
    service = Service(store)  # its own answer cache: each question is asked fresh, with or without the check
    with relevance_off() if baseline else nullcontext():
        out = []
        for q in questions:
            a = service.answer(command, q.ask)
            out.append((classify(q, a), lead_of(a)))
        return out


def table(questions: list[Question], outcomes: list[tuple[str, str]]) -> list[str]:
    counts: Counter[tuple[str, str]] = Counter((q.cls, o) for q, (o, _) in zip(questions, outcomes, strict=True))
    lines = []
    for cls in CLASSES:
        n = sum(counts[(cls, o)] for o in OUTCOMES)
        if n:
            cells = "  ".join(f"{o} {counts[(cls, o)]:3d} ({100 * counts[(cls, o)] / n:3.0f}%)" for o in OUTCOMES)
            lines.append(f"  {cls:<13}{n:3d}  {cells}")
    return lines


def known_ids(store: KnowledgeStore, command: str) -> set[str]:
    catalog = store.catalog
    engine = catalog.engine(command) if catalog else None
    if engine is None:
        raise ValueError(f"no topic answers {command}")
    return {d.entry_id for d in engine.index.entries} | {s.id for s in engine.topic.sources}  # sources lead `sources`


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench quality",
        description="Right answers, honest misses and misleading answers per class of labelled question.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    files = sorted(HERE.glob("quality/*.yaml"))
    parser.add_argument("files", nargs="*", type=Path, default=files, help="labelled sets (default: bench/quality/)")
    parser.add_argument("--knowledge", type=Path, default=HERE.parent / "knowledge", help="knowledge folder")
    parser.add_argument(
        "--show", choices=("misleading", "all", "none"), default="misleading", help="questions to list (after)"
    )
    args = parser.parse_args(argv)
    logs.configure(stream=io.StringIO())  # one log line per answer would bury the figures
    store = KnowledgeStore(args.knowledge)
    if not store.reload().ok:
        print(f"error: {args.knowledge} does not load; run factdesk check {args.knowledge}", file=sys.stderr)
        return 1
    failed = False
    for path in args.files:
        try:
            command, questions = read(path)
            unknown = {e for q in questions for e in q.expect} - known_ids(store, command)
        except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 1
        if unknown:
            print(f"error: {path}: expected ids not in the knowledge: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 1
        before = measure(store, command, questions, baseline=True)
        after = measure(store, command, questions, baseline=False)
        print(f"{path.name} ({len(questions)} questions, {command} over {args.knowledge.name}/)")
        print(" baseline: relevance check off")
        print("\n".join(table(questions, before)))
        print(" relevance check on")
        print("\n".join(table(questions, after)))
        right = [sum(o == "right" for o, _ in x) for x in (before, after)]
        misleading = sum(o == "misleading" for o, _ in after)
        ok = misleading == 0 and right[1] >= right[0]
        failed |= not ok
        print(f" target: no misleading answer ({misleading}), right >= baseline ({right[1]} vs {right[0]}): "
              f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
        for q, (o, lead), (o0, lead0) in zip(questions, after, before, strict=True):
            if args.show == "all" or (args.show == "misleading" and o == "misleading"):
                print(f"   {o:<11} [{q.cls}] {q.ask!r} -> {lead}   (baseline: {o0}, {lead0})")
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
