"""How a long timeline is cut: its news kept, the rest counted and named with the question that shows it."""

from __future__ import annotations

import calendar
from collections import Counter

from bot.core.kinds.event import Event

MAX_TIMELINE = 12  # events in one timeline answer: what Slack's 50 blocks hold with a citation line each


def _span(years: list[int]) -> str:
    """The `timeline` words for exactly these years: "1996", "1990s", "1961-2000" (never a wider span, which
    would show again what the answer already shows)."""
    lo, hi = min(years), max(years)
    if lo == hi:
        return str(lo)
    return f"{lo}s" if lo % 10 == 0 and hi == lo + 9 else f"{lo}-{hi}"  # a decade only when whole


def timeline_cut(events: list[Event], command: str) -> tuple[list[Event], tuple[str, ...], str | None]:
    """The most recent events that fit one answer, the questions that show the rest, and what to say of the cut.

    A timeline is read for its news, so a long one keeps its end. The cut falls between whole years, so that
    `timeline <years>` shows exactly the part left out; when the newest year alone is too long, between whole
    months of it (`timeline June 2024`). Nothing is left out without being counted and named.
    """
    if len(events) <= MAX_TIMELINE:
        return events, (), None
    n, cut = len(events), len(events)
    while cut:  # events come in date order: step back a whole year at a time while the rest still fits
        start = cut
        while start and events[start - 1].date.year == events[cut - 1].date.year:
            start -= 1
        if n - start > MAX_TIMELINE:
            break
        cut = start
    if cut < n:
        shown, earlier = events[cut:], events[:cut]
        more: tuple[str, ...] = (f"timeline {_span([earlier[0].date.year, earlier[-1].date.year])}",)
    else:  # the newest year alone is too long: cut between its months
        newest = events[-1].date.year
        year = [e for e in events[start:] if e.date.year == newest]
        counts = Counter(e.date.month or 0 for e in year)
        months, total, first = sorted(counts), counts[0], 13
        for m in reversed([m for m in months if m]):
            if total + counts[m] > MAX_TIMELINE:
                break
            total, first = total + counts[m], m
        if first == 13:  # not even its newest month fits: that month whole, as the renderer's cut names the rest
            first = max(months)
        # What the year gives without a month stays: no narrower question would show it.
        shown = [e for e in year if not e.date.month or e.date.month >= first]
        kept = {id(e) for e in shown}
        earlier = [e for e in events if id(e) not in kept]
        before = [e.date.year for e in events[:start]]
        more = ((f"timeline {_span(before)}",) if before else ()) + tuple(
            f"timeline {calendar.month_name[m]} {newest}" for m in months if 0 < m < first
        )
    asks = " and ".join(f"`{command} {m}`" for m in more)
    one = len(earlier) == 1
    intro = (
        f"{len(shown)} of the {len(events)} events, the most recent. "
        + (f"The earlier one ({earlier[0].date.display()}) is" if one else
           f"The {len(earlier)} earlier ones ({earlier[0].date.display()} to {earlier[-1].date.display()}) are")
        + f" in {asks}."
    )  # fmt: skip
    return shown, more, intro
