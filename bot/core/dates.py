"""Dates that keep the precision their source gave.

A newsroom must not print "1 January 1961" when the article only said "1961". A `PartialDate` therefore
stores only the parts that are known and shows itself at exactly that precision. An article that says only
"about 1960", "before 2000" or "in the 1960s" gets a date that says so too (`qualifier`), shown and sorted as
what it is rather than rounded to a year it never gave.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


_APPROX_RE = re.compile(r"^(?:(?P<q>about|before|after)\s+(?P<date>.+)|(?P<decade>\d{3}0)s)$")
ACCEPTED = "1961, 2024-05, 2024-06-19, 2024-06-20T11:01+09:00, about 1960, before 2000, after 1990 or 1960s"


class Precision(IntEnum):
    DECADE = 0
    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4


class DateError(ValueError):
    """Raised with a message a maintainer can act on."""


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    tz: str | None = None
    qualifier: str = ""  # "" (as given), "about", "before", "after" or "decade" (the year is its first)

    @property
    def precision(self) -> Precision:
        if self.qualifier == "decade":
            return Precision.DECADE
        if self.minute is not None:
            return Precision.MINUTE
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def sort_key(self) -> tuple[int, int, int, int, int, int]:
        """Orders a year before any month of it, so "1961" heads the events of 1961.

        "the 1960s" heads the decade; "about 1960" comes after what is known to be 1960; "before 2000" comes
        after everything dated earlier and just before 2000; "after 1990" after everything dated in 1990.
        """
        parts = [self.year, self.month or 0, self.day or 0, self.hour or 0, self.minute or 0]
        if self.qualifier == "after" and self.precision < Precision.MINUTE:  # past every finer date inside it
            parts[int(self.precision)] = 99
        rank = {"decade": 0, "before": -1, "about": 2, "after": 3}.get(self.qualifier, 1)
        return (parts[0], parts[1], parts[2], parts[3], parts[4], rank)

    @property
    def approximate(self) -> bool:
        return bool(self.qualifier)

    @property
    def exact(self) -> PartialDate:
        """The date without its qualifier ("about 1960" → 1960; "the 1960s" → 1960)."""
        return PartialDate(self.year, self.month, self.day, self.hour, self.minute, self.tz)

    def exact_day(self) -> PartialDate:
        """The date at most to the day, without time or zone: the day an article speaks of as "today"."""
        return PartialDate(self.year, self.month, self.day)

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """The first and last moment the date can mean, ignoring zones (each is local to its article).

        "before P" runs from the start of time to P's start; "after P" from P's end on; "about P" is P widened by
        a tenth of a year, a month or a day on either side per precision (enough to say "about 1960" is not 1965).
        """
        if self.qualifier == "decade":
            return dt.datetime(self.year, 1, 1), dt.datetime(self.year + 9, 12, 31, 23, 59)
        y, m, d = self.year, self.month, self.day
        if self.minute is not None:
            start = dt.datetime(y, m or 1, d or 1, self.hour or 0, self.minute)
            end = start
        elif d is not None:
            start, end = dt.datetime(y, m or 1, d), dt.datetime(y, m or 1, d, 23, 59)
        elif m is not None:
            start = dt.datetime(y, m, 1)
            end = dt.datetime(y, m, calendar.monthrange(y, m)[1], 23, 59)
        else:
            start, end = dt.datetime(y, 1, 1), dt.datetime(y, 12, 31, 23, 59)
        if self.qualifier == "before":
            return dt.datetime.min, start - dt.timedelta(minutes=1)
        if self.qualifier == "after":
            return end + dt.timedelta(minutes=1), dt.datetime.max
        if self.qualifier == "about":
            pad = {Precision.YEAR: dt.timedelta(days=2 * 365), Precision.MONTH: dt.timedelta(days=31)}
            widen = pad.get(self.precision, dt.timedelta(days=1))
            return start - widen, end + widen
        return start, end

    def iso(self) -> str:
        if self.qualifier == "decade":
            return f"{self.year:04d}s"
        if self.qualifier:
            return f"{self.qualifier} {self.exact.iso()}"
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        if self.minute is not None:
            out += f"T{self.hour:02d}:{self.minute:02d}{self.tz or ''}"
        return out

    def display(self) -> str:
        """Human form at the stored precision: `1961`, `May 2024`, `Wed 19 June 2024`, `about 1960`, `the 1960s`."""
        if self.qualifier == "decade":
            return f"the {self.year}s"
        if self.qualifier:
            return f"{self.qualifier} {self.exact.display()}"
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        weekday = dt.date(self.year, self.month, self.day).strftime("%a")
        out = f"{weekday} {self.day} {month} {self.year}"
        if self.minute is not None:
            out += f", {self.hour:02d}:{self.minute:02d}"
            if self.tz:
                out += " UTC" if self.tz == "Z" else f" (UTC{self.tz})"
        return out

    def __str__(self) -> str:
        return self.display()


def parse_date(value: object) -> PartialDate:
    """Parse what a maintainer wrote (an int year or an ISO-like string) into a `PartialDate`.

    Approximate forms ("about 1960", "before 2000", "after 1990", "1960s") are read here; the schema says
    where they may be written (a timeline's dates, not a source's publication).
    """
    if isinstance(value, bool):
        raise DateError("expected a date like 1961, 2024-05, 2024-06-19 or 2024-06-20T11:01+09:00")
    if isinstance(value, int):
        text = f"{value:04d}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise DateError("expected a date like 1961, 2024-05, 2024-06-19 or 2024-06-20T11:01+09:00")
    approx = _APPROX_RE.match(text)
    if approx and approx["decade"]:
        return PartialDate(int(approx["decade"]), qualifier="decade")
    if approx:
        inner = parse_date(approx["date"])
        if inner.qualifier:
            raise DateError(f"{text!r}: one qualifier at a time; expected {ACCEPTED}")
        return dataclasses.replace(inner, qualifier=approx["q"])
    m = _DATE_RE.match(text)
    if not m:
        raise DateError(f"{text!r} is not a date: expected {ACCEPTED}")
    year = int(m["y"])
    month = int(m["m"]) if m["m"] else None
    day = int(m["d"]) if m["d"] else None
    hour = int(m["hh"]) if m["hh"] else None
    minute = int(m["mm"]) if m["mm"] else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{text!r}: month {month} does not exist")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"{text!r}: {calendar.month_name[month]} {year} has no day {day}")
    if hour is not None and (hour > 23 or (minute is not None and minute > 59)):
        raise DateError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day")
    tz = m["tz"]
    if tz and tz != "Z":
        tzh, tzm = int(tz[1:3]), int(tz[4:6])
        if tzh > 14 or tzm > 59:
            raise DateError(f"{text!r}: {tz} is not a time zone offset")
    return PartialDate(year, month, day, hour, minute, tz)


# -- reading dates as articles write them (used by the extractor) ----------------------------------------
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["sept"] = 9


def month_number(word: str) -> int | None:
    """`June`, `Jun`, `Jun.`, `Sept.` → 6, 6, 6, 9; anything else → None."""
    return _MONTH_NAMES.get(word.lower().rstrip("."))


def nearest_year(month: int, day: int | None, anchor: dt.date) -> int:
    """The year that puts "June 19" (no year given) nearest the anchor date; on a tie, the earlier one.

    Articles name dates without a year when the year is obvious to the reader: the date closest to the
    publication. A December article's "January 15" is next month, its "June 19" this year's June.
    """
    best: tuple[int, int] | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        last = calendar.monthrange(year, month)[1]
        when = dt.date(year, month, min(day or 15, last))
        distance = abs((when - anchor).days)
        if best is None or distance < best[0] or (distance == best[0] and year < best[1]):
            best = (distance, year)
    assert best is not None
    return best[1]


def day_exists(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
