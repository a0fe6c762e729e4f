"""Dates that keep the precision their source gave.

A newsroom must not print "1 January 1961" when the article only said "1961". A `PartialDate` therefore
stores only the parts that are known and shows itself at exactly that precision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


class Precision(IntEnum):
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

    @property
    def precision(self) -> Precision:
        if self.minute is not None:
            return Precision.MINUTE
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def sort_key(self) -> tuple[int, int, int, int, int]:
        """Orders a year before any month of it, so "1961" heads the events of 1961."""
        return (self.year, self.month or 0, self.day or 0, self.hour or 0, self.minute or 0)

    def iso(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        if self.minute is not None:
            out += f"T{self.hour:02d}:{self.minute:02d}{self.tz or ''}"
        return out

    def display(self) -> str:
        """Human form at the stored precision: `1961`, `May 2024`, `Wed 19 June 2024`."""
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
    """Parse what a maintainer wrote (an int year or an ISO-like string) into a `PartialDate`."""
    if isinstance(value, bool):
        raise DateError("expected a date like 1961, 2024-05, 2024-06-19 or 2024-06-20T11:01+09:00")
    if isinstance(value, int):
        text = f"{value:04d}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise DateError("expected a date like 1961, 2024-05, 2024-06-19 or 2024-06-20T11:01+09:00")
    m = _DATE_RE.match(text)
    if not m:
        raise DateError(f"{text!r} is not a date: expected 1961, 2024-05, 2024-06-19 or 2024-06-20T11:01+09:00")
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
