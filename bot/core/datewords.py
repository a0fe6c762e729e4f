"""Dates as articles write them: "in 1961", "around 1960", "the 1960s", "last month", "on Wednesday", "the
following year", read and, where the publication (or another date) is enough, resolved.

The checker (bot/core/datecheck.py) compares what they mean with a stored date; each mention keeps its words,
so a refusal can quote them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.core.dates import PartialDate, day_exists, month_number, nearest_year
from bot.core.text import NUMBER_WORDS

_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_Y = r"(?:1[5-9]|20)\d\d"
_N = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_APPROX = r"(?P<{}>about|around|circa|c\.|approximately|roughly|some time before|before|prior to|after)\s+(?:in\s+)?"
_READ = re.compile(
    rf"(?P<iso>\b(?P<iy>{_Y})-(?P<im>\d\d)-(?P<id>\d\d)\b)"
    rf"|(?P<mdy>\b(?P<m1>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>{_Y})\b)?)"
    rf"|(?P<dmy>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>{_Y})\b)?)"
    rf"|(?P<my>\b(?P<m3>{_MON}),?\s+(?P<y3>{_Y})\b)"
    rf"|(?P<mo>\b(?P<mp>in|last|this|next|early|late|mid-|earlier in|later in)\s+(?P<m4>{_MON})(?![\w.])(?!,?\s+\d))"
    r"|(?P<nth>\b(?:on\s+)?the\s+(?P<nd>3[01]|[12]\d|[1-9])(?:st|nd|rd|th)\b"
    r"(?!\s+(?:century|anniversary|time|day|place|round|session|congress|plenum))"
    r"(?:\s+of\s+(?P<nof>last|this|next)\s+month)?)"
    rf"|(?P<wd>\b(?P<wp>(?:on|last|this|next)\s+)?(?P<w>{_WD})\b)"
    rf"|(?P<dec>\b(?:{_APPROX.format('dq')})?(?:the\s+)?(?P<dy>(?:1[5-9]|20)\d0)[’']?s\b)"
    r"|(?P<rel>\b(?:yesterday|today|tonight|last night|(?:on\s+)?the same (?:day|month|year)|"
    r"(?:earlier |later )?this (?:week|month|year)|(?:last|next) (?:week|month|year)|"
    r"the (?:previous|following|next) (?:day|week|month|year)|the (?:day|month|year) (?:before|after))\b)"
    rf"|(?P<ago>\b(?P<an>{_N})\s+(?P<au>day|week|month|year)s?\s+(?P<ad>ago|later|earlier|after|before)\b)"
    rf"|(?P<year>\b(?:{_APPROX.format('q')})?(?P<yy>{_Y})\b(?![’']?s\b|,\d|\.\d|-\d))",
    re.IGNORECASE,
)
_SPELLED = {**NUMBER_WORDS, "a": 1, "an": 1}  # `_N` says which of them a date reads
_QUALIFIER = {"about": "about", "around": "about", "circa": "about", "c.": "about", "approximately": "about",
              "roughly": "about", "some time before": "before", "before": "before", "prior to": "before",
              "after": "after"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    """One date as the article wrote it. `value` is what it means once resolved (None: not to a date)."""

    words: str
    start: int
    value: PartialDate | None = None
    relative: bool = False  # needs the publication or another event to be a date
    from_event: bool = False  # counts from another event ("the following year"), not from the publication
    weekday: int | None = None  # Monday 0: a weekday the words name
    day: int | None = None  # a day of the month the words name without its month ("on the 6th")


def shift(d: PartialDate, *, days: int = 0, months: int = 0, years: int = 0) -> PartialDate | None:
    """`d` moved by whole units, kept at a precision the move allows (a day needs a day to count from)."""
    if days:
        if d.day is None or d.month is None:
            return None
        day = dt.date(d.year, d.month, d.day) + dt.timedelta(days=days)
        return PartialDate(day.year, day.month, day.day)
    if months:
        if d.month is None:
            return None
        k = d.year * 12 + d.month - 1 + months
        return PartialDate(k // 12, k % 12 + 1)
    return PartialDate(d.year + years) if years else PartialDate(d.year, d.month, d.day)


def _unit(d: PartialDate, unit: str) -> PartialDate | None:
    """The publication's own day, month or year ("today", "this month", "this year")."""
    if unit == "day":
        return PartialDate(d.year, d.month, d.day) if d.day is not None else None
    if unit == "month":
        return PartialDate(d.year, d.month) if d.month is not None else None
    return PartialDate(d.year)


def _relative(words: str, base: PartialDate) -> PartialDate | None:
    w = " ".join(words.lower().split()).removeprefix("on ")
    if w in ("yesterday", "last night"):
        return shift(base, days=-1)
    if w in ("today", "tonight"):
        return _unit(base, "day")
    unit = w.split()[-1] if w.split()[-1] in ("day", "week", "month", "year") else w.split()[1]
    if unit == "week":
        return None  # a week is no precision a date stores
    step = (
        -1
        if re.search(r"\b(?:last|previous|before)\b", w)
        else 1
        if re.search(r"\b(?:next|following|after)\b", w)
        else 0
    )
    if not step:
        return _unit(base, unit)
    return shift(base, **{f"{unit}s": step})


def read(text: str, published: PartialDate) -> list[Mention]:
    """Every date mention in `text`, resolved against the publication where only that is needed."""
    out = []
    pub_day = dt.date(published.year, published.month, published.day) if published.day and published.month else None
    for m in _READ.finditer(text):
        g, words, at = m.groupdict(), m.group(0), m.start()
        if g["iso"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
            out.append(Mention(words, at, PartialDate(y, mo, d) if day_exists(y, mo, d) else None))
        elif g["mdy"] or g["dmy"]:
            mo, d = month_number(g["m1"] or g["m2"]) or 1, int(g["d1"] or g["d2"])
            y_text = g["y1"] or g["y2"]
            y = (
                int(y_text)
                if y_text
                else nearest_year(mo, d, pub_day or dt.date(published.year, published.month or 7, 1))
            )
            value = PartialDate(y, mo, d) if day_exists(y, mo, d) else None
            out.append(Mention(words, at, value, relative=not y_text))
        elif g["my"]:
            out.append(Mention(words, at, PartialDate(int(g["y3"]), month_number(g["m3"]) or 1)))
        elif g["mo"]:
            mo, prefix = month_number(g["m4"]) or 1, g["mp"].lower()
            year = published.year
            if prefix == "last":
                year -= mo >= (published.month or 13)
            elif prefix == "next":
                year += mo <= (published.month or 0)
            elif published.month is not None:
                year = nearest_year(mo, None, dt.date(published.year, published.month, published.day or 15))
            out.append(Mention(words, at, PartialDate(year, mo), relative=True))
        elif g["nth"]:  # "the 24th of last month" is a date; "on the 6th" may be this month's, past or to come
            d, step = int(g["nd"]), {"last": -1, "this": 0, "next": 1}.get((g["nof"] or "").lower())
            base = shift(published, months=step) if step is not None and published.month is not None else None
            value = None
            if base is not None and base.month is not None and day_exists(base.year, base.month, d):
                value = PartialDate(base.year, base.month, d)
            out.append(Mention(words, at, value, relative=True, day=d))
        elif g["wd"]:
            target = list(calendar.day_name).index(g["w"].capitalize())
            value = None
            if pub_day is not None:
                back = (pub_day.weekday() - target) % 7
                if (g["wp"] or "").strip().lower() == "next":
                    back = -((target - pub_day.weekday() - 1) % 7 + 1)
                day = pub_day - dt.timedelta(days=back)
                value = PartialDate(day.year, day.month, day.day)
            out.append(Mention(words, at, value, relative=True, weekday=target))
        elif g["dec"]:
            out.append(Mention(words, at, PartialDate(int(g["dy"]), qualifier="decade")))  # "before the 1960s": vague
        elif g["rel"]:
            from_event = words.lower().startswith(("the ", "on the ")) and "same" not in words.lower()
            value = None if from_event else _relative(words, published)
            out.append(Mention(words, at, value, relative=True, from_event=from_event))
        elif g["ago"]:
            n = int(g["an"]) if g["an"].isdigit() else _SPELLED.get(g["an"].lower(), 1)
            unit, direction = g["au"].lower(), g["ad"].lower()
            sign = -1 if direction in ("ago", "earlier", "before") else 1
            from_event = direction != "ago"
            value = None if from_event or unit == "week" else shift(published, **{f"{unit}s": sign * n})
            out.append(Mention(words, at, value, relative=True, from_event=from_event))
        elif g["year"]:
            qualifier = _QUALIFIER.get(" ".join((g["q"] or "").lower().split()), "")
            out.append(Mention(words, at, PartialDate(int(g["yy"]), qualifier=qualifier)))
    return out


def from_event(words: str, base: PartialDate) -> PartialDate | None:
    """ "the following year" after 1990 is 1991; "two days later" after 4 December is 6 December."""
    w = " ".join(words.lower().split())
    ago = re.match(rf"({_N})\s+(day|week|month|year)s?\s+(later|earlier|after|before)$", w)
    if ago:
        n = int(ago[1]) if ago[1].isdigit() else _SPELLED.get(ago[1], 1)
        sign = -1 if ago[3] in ("earlier", "before") else 1
        return None if ago[2] == "week" else shift(base, **{f"{ago[2]}s": sign * n})
    return _relative(w, base)
