"""Every date mention in a sentence, resolved against the publication or the event it counts from.

A module of its own because dating is the extractor's most intricate rule set ("the 14th", "the following
year", "3/4/2024" in two orders) and the only part that does calendar arithmetic; what it cannot resolve it
returns with a note for the maintainer, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.core.dates import PartialDate, day_exists, month_number, nearest_year
from bot.core.extract.page import _MON, _WEEKDAYS
from bot.core.text import NUMBER_WORDS

# -- dates -------------------------------------------------------------------------------------------
_NUM_MONTHS = {"day": 0, "week": 0, "month": 1, "year": 12}
_DATES = re.compile(
    rf"(?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b)"
    rf"|(?P<num>\b(?P<n1>\d{{1,2}})[/.](?P<n2>\d{{1,2}})[/.](?P<ny>(?:19|20)\d\d)\b)"
    rf"|(?P<mdy>\b(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>(?:19|20)\d\d)\b)?)"
    rf"|(?P<dmy>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MON})\b\.?(?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?)"
    rf"|(?P<my>\b(?P<m3>{_MON})\.?,?\s+(?P<y3>(?:19|20)\d\d)\b)"
    r"|(?P<mo>\b(?P<mp>in|last|this|next|since|until|early|late|mid-|earlier in|later in)\s+"
    rf"(?P<m4>{_MON})\b(?!\.?,?\s+\d))"
    rf"|(?P<wd>\b(?P<wp>(?:on|last|this|next|since|until|by)\s+)?(?P<w>{_WEEKDAYS})\b)"
    r"|(?P<nth>\b(?:on )?the (?P<nd>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?! (?:century|anniversary|time|day|place))"
    r"(?: of (?P<nof>last|this|next) month\b)?)"
    r"|(?P<rel>\b(?:yesterday|today|tonight|tomorrow|last night|(?:on )?the same day|"
    r"(?:earlier |later )?this (?:week|month|year)|"
    r"last (?:week|month|year)|next (?:week|month|year)|the (?:previous|following|next) (?:day|week|month|year)|"
    r"the day before|a day later|a year later|a year earlier)\b)"
    r"|(?P<ago>\b(?P<an>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<au>day|week|month|year)s?\s+(?P<ad>ago|later|earlier)\b)"
    r"|(?P<dec>\bthe (?:(?:19|20)\d0)s\b)"
    r"|(?P<year>\b(?:18|19|20)\d\d\b(?![’'%]?s\b|,\d|\.\d|-(?:point|strong|member)))",
    re.IGNORECASE,
)
_SPELLED = {**NUMBER_WORDS, "a": 1}  # the pattern says which of them a date reads


@dataclass
class DateMention:
    """One date as the article wrote it, resolved when it can be (`iso` None: a question for the maintainer)."""

    words: str
    iso: str | None
    sentence: str
    relative: bool  # the words alone do not give the date (no year, "on Wednesday", "the following year")
    note: str = ""


_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|scheduled|due to|plans? to|expected to)\b")


def _days(day: dt.date) -> int:
    return day.year * 372 + day.month * 31 + day.day  # an order of days, enough to compare distances


def _month_back(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) - n
    return k // 12, k % 12 + 1


def _resolve(m: re.Match[str], anchor: dt.date, published: PartialDate, pub_day: dt.date | None) -> DateMention:
    words = m.group(0)
    g = m.groupdict()
    iso: str | None = None
    relative = True
    note = ""
    if g["iso"]:
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        iso, relative = (f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None), False
    elif g["num"]:
        a, b, y = int(g["n1"]), int(g["n2"]), int(g["ny"])
        readings = [(mo, d) for mo, d in ((b, a), (a, b)) if day_exists(y, mo, d)]  # day first, then US order
        if len(set(readings)) > 1:
            readings.sort(key=lambda md: abs((dt.date(y, *md) - anchor).days))
            note = f"{words!r} could be day/month or month/day: took the reading nearest the publication"
        if readings:
            iso, relative = f"{y:04d}-{readings[0][0]:02d}-{readings[0][1]:02d}", False
    elif g["mdy"] or g["dmy"]:
        mo = month_number(g["m1"] or g["m2"]) or 1
        d = int(g["d1"] or g["d2"])
        y_text = g["y1"] or g["y2"]
        y = int(y_text) if y_text else nearest_year(mo, d, anchor)
        relative = not y_text
        iso = f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None
    elif g["my"]:
        iso, relative = f"{int(g['y3']):04d}-{month_number(g['m3']) or 1:02d}", False
    elif g["mo"]:
        mo = month_number(g["m4"]) or 1
        prefix = g["mp"].lower()
        if prefix == "last":
            y = anchor.year if mo < anchor.month else anchor.year - 1
        elif prefix == "next":
            y = anchor.year if mo > anchor.month else anchor.year + 1
        else:
            y = nearest_year(mo, None, anchor)
        iso = f"{y:04d}-{mo:02d}"
    elif g["wd"]:
        target = list(calendar.day_name).index(g["w"].capitalize())
        if pub_day is None:
            note = f"{words!r}: the publication's day is not known, so the weekday cannot be dated"
        elif (g["wp"] or "").strip().lower() == "next":
            iso = (pub_day + dt.timedelta(days=(target - pub_day.weekday() - 1) % 7 + 1)).isoformat()
        else:  # news reports the past: the latest such weekday on or before publication
            iso = (pub_day - dt.timedelta(days=(pub_day.weekday() - target) % 7)).isoformat()
    elif g["nth"]:  # "on the 14th": the nearest such day (past, unless the sentence speaks of the future)
        d = int(g["nd"])
        if g["nof"]:
            y, mo = _month_back(anchor.year, anchor.month, {"last": 1, "this": 0, "next": -1}[g["nof"].lower()])
        else:
            near = [_month_back(anchor.year, anchor.month, k) for k in (1, 0, -1)]
            near = [(y, mo) for y, mo in near if day_exists(y, mo, d)] or [(anchor.year, anchor.month)]
            if not _FUTURE.search(m.string):  # "was sent on the 14th": a day already past
                near = [(y, mo) for y, mo in near if (y, mo, d) <= (anchor.year, anchor.month, anchor.day)] or near
            y, mo = min(near, key=lambda ym: abs(ym[0] * 372 + ym[1] * 31 + d - _days(anchor)))
        iso = f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None
    elif g["rel"]:
        iso, note = _relative(words.lower(), anchor, published, pub_day)
    elif g["ago"]:
        n = int(g["an"]) if g["an"].isdigit() else _SPELLED.get(g["an"].lower(), 1)
        unit = g["au"].lower()
        sign = -1 if g["ad"].lower() in ("ago", "earlier") else 1
        if unit == "day":
            iso = (anchor + dt.timedelta(days=sign * n)).isoformat()
        elif unit == "month":
            y, mo = _month_back(anchor.year, anchor.month, -sign * n)
            iso = f"{y:04d}-{mo:02d}"
        elif unit == "year":
            iso = str(anchor.year + sign * n)
        else:
            note = f"{words!r}: a week is no precision the knowledge stores; give the day if the article does"
    elif g["dec"]:
        note = f"{words!r} is a decade: give the year if the article does"
        relative = False
    elif g["year"]:
        iso, relative = words, False
    return DateMention(words, iso, "", relative, note)


def _relative(words: str, anchor: dt.date, published: PartialDate, pub_day: dt.date | None) -> tuple[str | None, str]:
    week = f"{words!r}: a week is no precision the knowledge stores; give the day if the article does"
    day_words = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1,
                 "the previous day": -1, "the day before": -1, "the following day": 1, "the next day": 1,
                 "a day later": 1, "the same day": 0, "on the same day": 0}  # fmt: skip
    if words in day_words:
        base = anchor if words.startswith(("the ", "a ")) else pub_day
        if base is None:
            return None, f"{words!r}: the publication's day is not known"
        return (base + dt.timedelta(days=day_words[words])).isoformat(), ""
    if words.endswith("week"):
        return None, week
    if words.endswith("month"):
        base_year, base_month = (anchor.year, anchor.month) if words.startswith("the ") else (
            published.year, published.month or anchor.month)  # fmt: skip
        step = -1 if ("last" in words or "previous" in words) else 1 if ("next" in words or "following" in words) else 0
        y, mo = _month_back(base_year, base_month, -step)
        return f"{y:04d}-{mo:02d}", ""
    year = anchor.year if words.startswith(("the ", "a ")) else published.year
    step = -1 if ("last" in words or "previous" in words or ("earlier" in words and words.startswith("a "))) else 0
    step = 1 if ("next" in words or "following" in words or ("later" in words and words.startswith("a "))) else step
    return str(year + step), ""


def _sentence_dates(sentence: str, published: PartialDate, pub_day: dt.date | None) -> list[DateMention]:
    """Every date mention in a sentence; "the following year" counts from the date before it."""
    default = pub_day or dt.date(published.year, published.month or 7, 1)
    out: list[DateMention] = []
    anchor = default
    for m in _DATES.finditer(sentence):
        relative_to_event = m.group(0).lower().startswith(("the ", "a ")) or (m.group("ago") is not None and (
            m.group("ad").lower() in ("later", "earlier")))  # fmt: skip
        mention = _resolve(m, anchor if relative_to_event else default, published, pub_day)
        if mention.iso and mention.iso[:4].isdigit() and int(mention.iso[:4]) > published.year + 1 and not (
                mention.relative):  # fmt: skip
            continue  # a four-digit number after the article's time is not a date it reports
        mention.sentence = sentence
        out.append(mention)
        if mention.iso:
            parts = [int(p) for p in mention.iso.split("-")]
            anchor = dt.date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 1)
    return out
