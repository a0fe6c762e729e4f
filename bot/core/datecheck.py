"""A stored date against the words that back it: what a copy editor checks before a date is printed.

The checks are functions of one attestation (the date, its evidence texts, `as_written`, the source's
publication date, and the event it is counted from, if any), so they apply the same way to every source an
entry cites. They read the article's words for dates (absolute ones such as "in 1961" or "December 4, 2024",
approximate ones such as "around 1960" or "the 1960s", relative ones such as "last month", "on Wednesday" or
"the following year"), resolve the relative ones, and compare the result with the stored date:

- a date the words contradict is refused ("1950" for "in 1961", "2024-06-20" for "on Wednesday");
- a date more precise than the words is refused ("2000-02-09" for "In 2000", "2024-05-15" for "last month");
- a weekday in `as_written` must be the date's weekday;
- `as_written` is for relative words only: an absolute date is the date itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.dates import ACCEPTED, PartialDate
from bot.core.datewords import Mention, from_event, read
from bot.core.model import Source
from bot.core.text import fold

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_

_BACKWARD = re.compile(r"\b(?:previous|before|earlier)\b", re.IGNORECASE)

__all__ = ["Anchor", "Mention", "Verdict", "anchor", "attest", "check", "compare", "read", "said"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """What a relative date is counted from: an event of the timeline (its label is what the answer says)."""

    label: str
    date: PartialDate


@dataclass(frozen=True, slots=True)
class Verdict:
    """The problems found, each with the field it belongs to ("date" or "as_written"), and what the date was
    resolved against ("" when the words were absolute), for the answer to say."""

    problems: tuple[tuple[str, str], ...] = ()
    against: str = ""


def compare(date: PartialDate, said: PartialDate) -> str:
    """ "ok", "contradicts" or "too precise": may `date` be stored for what the words say (`said`)?

    The date may be less precise than the words (1960s for "in 1961"), never more, and never outside them.
    """
    d0, d1 = date.span()
    s0, s1 = said.span()
    if d1 < s0 or s1 < d0:
        return "contradicts"
    return "ok" if d0 <= s0 and s1 <= d1 else "too precise"


def _write(d: PartialDate) -> str:
    return f"`{d.iso()}`"


def check(
    date: PartialDate,
    evidence: Sequence[str],
    as_written: str | None,
    published: PartialDate,
    anchor: Anchor | None = None,
) -> Verdict:
    """Check one attestation of `date`; see the module's docstring for the rules."""
    if as_written:
        return _check_written(date, evidence, as_written, published, anchor)
    if anchor is not None:  # no words of its own: the same date as the event it names
        return _against(date, anchor.date, f"relative_to {anchor.label}", "")
    said = [m for text in evidence for m in read(text, published)]
    absolute = [m for m in said if not m.relative and m.value]
    relative = [m.words for m in said if m.relative]
    hint = f"; it dates it relatively ({relative[0]!r}): put those words in `as_written`" if relative else ""
    if not absolute:
        why = hint or ": quote the article's words that date it (and put them in `as_written` if they are relative)"
        return Verdict((("date", f"date {date.iso()} is not in its evidence, which gives no date{why}"),))
    verdicts = [(compare(date, m.value), m) for m in absolute if m.value]
    if any(v == "ok" for v, _ in verdicts):
        return Verdict()
    close = [m for v, m in verdicts if v == "too precise"]
    if close and close[0].value:
        words, value = close[0].words, close[0].value
        message = (
            f"date {date.iso()} is more precise than its evidence, which says only {words!r}: write {_write(value)}"
        )
        return Verdict((("date", message),))
    written = ", ".join(repr(m.words) for m in absolute)
    message = (
        f"date {date.iso()} contradicts its evidence, which says {written}: write the date the article gives{hint}"
    )
    return Verdict((("date", message),))


def _check_written(
    date: PartialDate, evidence: Sequence[str], as_written: str, published: PartialDate, anchor: Anchor | None
) -> Verdict:
    said = read(as_written, published)
    words = f"as_written {as_written!r}"
    if said and all(not m.relative for m in said):
        message = (
            f"{words} gives the date absolutely: `as_written` is only for words that need the publication or "
            'another event to be a date ("last month", "on Wednesday", "the following year"); remove it'
        )
        out = [("as_written", message)]
        m = said[0]
        if m.value and compare(date, m.value) != "ok":
            out.append(("date", f"date {date.iso()} does not match {m.words!r}: write {_write(m.value)}"))
        return Verdict(tuple(out))
    for m in said:
        if m.weekday is not None and date.precision >= 3 and not date.approximate and date.month and date.day:
            actual = dt.date(date.year, date.month, date.day).weekday()
            if actual != m.weekday:
                named = calendar.day_name[m.weekday]
                message = f"date {date.iso()} is a {calendar.day_name[actual]}, but {words} names a {named}"
                return Verdict((("date", f"{message}: write the date the words mean"),))
        if m.day is not None and date.day is not None and date.day != m.day and not date.approximate:
            message = f"date {date.iso()} is day {date.day} of its month, but {words} names day {m.day}"
            return Verdict((("date", f"{message}: write the date the words mean"),))
    main = next((m for m in said if m.relative), None)
    if anchor is not None:
        if main is None:  # words that name the other event ("after the summit talks"): its date
            return _against(date, anchor.date, words, anchor.label)
        value = from_event(main.words, anchor.date) if main.from_event else _read_one(main.words, anchor.date)
        return _against(date, value, words, anchor.label)
    if main is None:
        message = (
            f'{words} is no date I can read: when it names another event ("after the summit"), add '
            f"`relative_to:` that event's id; otherwise give the date as {ACCEPTED}"
        )
        return Verdict((("as_written", message),))
    if main.from_event:
        before = _earlier_in(evidence, as_written, published)
        if (before is None or before.value is None) and _BACKWARD.search(main.words):
            # "Ukraine said the previous day": with no date before it, the day before the article's own
            value = from_event(main.words, published)
            return _against(date, value, words, f"its publication ({published.exact_day().display()})")
        if before is None or before.value is None:
            message = (
                f"{words} counts from another event, and the evidence names no date before it: "
                "add `relative_to:` that event's id"
            )
            return Verdict((("as_written", message),))
        return _against(
            date, from_event(main.words, before.value), words, f'"{before.words}", earlier in the same passage'
        )
    return _against(date, main.value, words, f"its publication ({published.exact_day().display()})")


def _read_one(words: str, base: PartialDate) -> PartialDate | None:
    """Publication-relative words ("last month") counted from another event's date instead."""
    return next((m.value for m in read(words, base) if m.value), None)


def _earlier_in(evidence: Sequence[str], as_written: str, published: PartialDate) -> Mention | None:
    """The absolute date written before `as_written` in the evidence: "in 1990 and collapsed the following year"."""
    for text in evidence:
        at = fold(text).find(fold(as_written))
        if at < 0:
            continue
        found = [m for m in read(text, published) if not m.relative and m.value and m.start < at]
        if found:
            return found[-1]
    return None


def _against(date: PartialDate, value: PartialDate | None, words: str, against: str) -> Verdict:
    """Compare with what the words mean once counted from `against` (said by the answer)."""
    if value is None:
        return Verdict(against=against)
    verdict = compare(date, value)
    if verdict == "ok":
        return Verdict(against=against)
    said = f"{words}, which, counted from {against}," if words else f"{against}, which"
    means = "means" if verdict == "contradicts" else "gives only"
    how = "contradicts" if verdict == "contradicts" else "is more precise than"
    message = f"date {date.iso()} {how} {said} {means} {value.display()}: write {_write(value)}"
    return Verdict((("date", message),), against)


# -- what the kinds call --------------------------------------------------------------------------------------
def anchor(ctx: Builder, ref: str | None, path: Path_, own: str, events: dict[str, Any]) -> Anchor | None:
    """The event `relative_to` names (any entry with `id`, `date` and `what`), reported when there is none."""
    if ref is None:
        return None
    found = events.get(ref)
    if found is None or ref == own:
        known = ", ".join(i for i in events if i != own) or "none"
        why = "an event cannot count from itself" if ref == own else f"no event of this timeline has the id {ref!r}"
        ctx.error(path, f"relative_to: {why}; give the id of the event the date counts from (known: {known})")
        return None
    return Anchor(f'"{found.what.rstrip(".")}" ({found.date.display()})', found.date)


_TOO_PRECISE = "is more precise than"


def attest_all(
    ctx: Builder,
    path: Path_,
    date: PartialDate,
    attested: Sequence[tuple[Sequence[str], str | None, Source | None]],
    against: Anchor | None = None,
) -> tuple[str, ...]:
    """Each of several sources' words for one date ((evidence, as_written, source) each); returns what each was
    counted from. Every contradiction is refused; a source less precise than the date ("In 2000" beside
    another's "February 9, 2000") is not, as long as one source gives the date at its full precision."""
    lenient = len(attested) > 1 and any(
        s is not None and not any(_TOO_PRECISE in m for _, m in check(date, ev, aw, s.published, against).problems)
        for ev, aw, s in attested
    )
    return tuple(attest(ctx, path, date, ev, aw, s, against, lenient=lenient) for ev, aw, s in attested)


def attest(
    ctx: Builder,
    path: Path_,
    date: PartialDate,
    evidence: Sequence[str],
    as_written: str | None,
    source: Source | None,
    against: Anchor | None = None,
    fields: tuple[str, str] = ("date", "as_written"),
    *,
    lenient: bool = False,
) -> str:
    """Report at `path` what is wrong with one attestation of `date`; return what it was counted from
    ("" when its words are absolute). `fields` names the date's and as_written's keys in the entry.
    `lenient`: another source gives the date at its precision, so this one may be vaguer."""
    if source is None:
        return ""
    if date.span()[0] > source.published.span()[1]:
        ctx.error(
            (*path, fields[0]),
            f"{fields[0]} {date.iso()} is after its source {source.id!r} was published "
            f"({source.published.iso()}); a source cannot report what had not happened",
        )
    verdict = check(date, evidence, as_written, source.published, against)
    for field, message in verdict.problems:
        if lenient and _TOO_PRECISE in message:
            continue
        if fields != ("date", "as_written"):  # a quote's said and said_evidence: name them as the file does
            message = message.replace("as_written '", f"{fields[1]} '").replace("date ", f"{fields[0]} ", 1)
        ctx.error((*path, fields[0] if field == "date" else fields[1]), f"{message} (see knowledge/README.md, Dates)")
    return verdict.against


def said(ctx: Builder, path: Path_, date: PartialDate, evidence: str, source: Source | None) -> None:
    """A quote's `said` against `said_evidence`, whose date words play `as_written`'s part when relative.

    Words that name an occasion rather than a date ("After the summit talks, Kim declared") give nothing to
    check: a quote has no `relative_to`, so they are left as the maintainer wrote them.
    """
    if source is None or not (words := read(evidence, source.published)):
        return
    relative = None if any(not m.relative for m in words) else words[0].words
    attest(ctx, path, date, [evidence], relative, source, fields=("said", "said_evidence"))


def published(ctx: Builder, path: Path_, date: PartialDate, evidence: str) -> None:
    """A source's `published` against the page's own words for it: no other day, no other weekday.

    Only contradiction is refused: the page's words may give less than `published` does (a time shown apart).
    """
    for m in read(evidence, date):
        problem = ""
        if m.weekday is not None and date.day is not None and date.month is not None:
            actual = dt.date(date.year, date.month, date.day).weekday()
            if actual != m.weekday:
                named = calendar.day_name[m.weekday]
                problem = f"is a {calendar.day_name[actual]}, but published_evidence {evidence!r} names a {named}"
        elif m.value is not None and compare(date.exact_day(), m.value) == "contradicts":
            problem = f"contradicts published_evidence {evidence!r}, which says {m.value.display()}"
        if problem:
            ctx.error((*path, "published"), f"published {date.iso()} {problem}: write the page's date")
            return
