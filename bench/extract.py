"""`./run bench extract`: how much of a real article `factdesk extract` finds, and that its time is linear.

Accuracy: each article under bench/articles/ has hand labels (labels.yaml: every quote with its speaker, every
date mention with its resolved date, and the page's dates that are not events). Per article it prints
quotes found / speaker right, dates found / resolved right, page dates wrongly proposed as events, and
proposed quotes that match no label (the price of over-proposing).

Time: a text of N words made of long runs of capitalised words (what made an earlier version quadratic) at
N, 2N and 4N words; the time ratio between sizes should stay near the size ratio.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from bot.core.dates import parse_date
from bot.core.extract import DateMention, Proposal, extract, person_name
from bot.core.text import fold

ARTICLES = Path(__file__).resolve().parent / "articles"


def _quote_found(label: str, proposed: str) -> bool:
    want, have = fold(label), fold(proposed)
    return want in have or (have in want and len(have) >= 0.6 * len(want))


def _speaker_right(names: list[str], guess: str) -> bool:
    full, (name, _) = fold(guess), person_name(guess)
    return bool(guess) and any(fold(n) in (full, fold(name)) or fold(n) in full for n in names)


def _date_matches(label: str, mention: DateMention) -> bool:
    want, have = fold(label), fold(mention.words)
    return want == have or want in have or have in want


def score(name: str, label: dict[str, Any]) -> dict[str, int]:
    text = (ARTICLES / f"{name}.txt").read_text("utf-8")
    proposal: Proposal = extract(text, name, parse_date(str(label["published"])))
    out = {"quotes": 0, "found": 0, "speaker": 0, "dates": 0, "d_found": 0, "d_right": 0, "false_events": 0}
    labelled = [str(q["text"]) for q in label.get("quotes") or []]
    out["extra"] = sum(
        not any(_quote_found(t, p.text) or _quote_found(p.text, t) for t in labelled) for p in proposal.quotes
    )
    for q in label.get("quotes") or []:
        out["quotes"] += 1
        hit = next((p for p in proposal.quotes if _quote_found(q["text"], p.text)), None)
        if hit:
            out["found"] += 1
            out["speaker"] += _speaker_right([str(n) for n in q["speaker"]], hit.speaker)
    unused = list(proposal.dates)
    for d in label.get("dates") or []:
        out["dates"] += 1
        mention = next((m for m in unused if _date_matches(str(d["words"]), m)), None)
        if mention:
            unused.remove(mention)
            out["d_found"] += 1
            want = None if d["date"] is None else str(d["date"])
            out["d_right"] += mention.iso == want
    for words in label.get("not_events") or []:
        out["false_events"] += sum(_date_matches(str(words), m) for m in proposal.dates)
    return out


def _row(name: str, s: dict[str, int]) -> str:
    quotes = f"{s['found']:>6}/{s['quotes']:<5} {s['speaker']:>7}/{s['quotes']:<5}"
    dates = f"{s['d_found']:>5}/{s['dates']:<5} {s['d_right']:>3}/{s['dates']:<5} {s['false_events']:>6}"
    return f"{name:34} {quotes} {dates} {s['extra']:>10}"


def accuracy() -> None:
    labels: dict[str, dict[str, Any]] = yaml.safe_load((ARTICLES / "labels.yaml").read_text("utf-8"))
    totals: dict[str, int] = {}
    head = f"{'quotes found':>12} {'speaker right':>13} {'dates found':>11} {'resolved':>9} {'page dates':>10}"
    head += f" {'unlabelled':>10}"
    print(f"{'article':34} {head}")
    for name, label in labels.items():
        s = score(name, label)
        for k, v in s.items():
            totals[k] = totals.get(k, 0) + v
        print(_row(name, s))
    print(_row("total", totals))
    print("page dates: dateline, crawl stamp, caption or header dates proposed as events (want 0)")
    print("unlabelled: proposed quotes matching no label (quoted terms and titles, or noise a maintainer deletes)")


def _capitals(words: int) -> str:
    run = " ".join(f"Name{i % 97} Kim Jong Un" for i in range(words // 4))
    # a run with no reporting verb after it is what made the speaker search try every start position
    return f'"A quote," {run} and more. {run} reported on Monday that the 23 articles matter.'


def timing(base: int = 8000, rounds: int = 3) -> None:
    published = parse_date("2024-12-05")
    sizes = [base, base * 2, base * 4]
    medians = []
    for n in sizes:
        text = _capitals(n)
        runs = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            extract(text, "bench", published)
            runs.append(time.perf_counter() - t0)
        medians.append(statistics.median(runs))
        print(f"{n:>7} words of capitalised runs: median {medians[-1] * 1000:8.1f} ms over {rounds} runs")
    ratio = medians[-1] / medians[0]
    verdict = "PASS" if ratio < 4 * 1.5 else "FAIL"
    print(f"4x the words took {ratio:.1f}x the time (linear: about 4x; quadratic: 16x) — {verdict}")


def main(argv: list[str]) -> int:
    accuracy()
    print()
    timing(int(argv[0]) if argv else 8000)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
