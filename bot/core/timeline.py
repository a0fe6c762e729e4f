"""How a long timeline is cut: its news kept, the rest counted and named with the question that shows it."""

from __future__ import annotations

import calendar

from bot.core.kinds.event import Event

MAX_TIMELINE = 12  # events in one timeline answer: what Slack's 50 blocks hold with a citation line each


def _span(years: list[int]) -> str:
    """The narrowest `timeline` words for these years: "1996", "1990s", "1961-2000"."""
    lo, hi = min(years), max(years)
    if lo == hi:
        return str(lo)
    return f"{lo}s" if lo // 10 == hi // 10 and lo % 10 == 0 else f"{lo}-{hi}"


def timeline_cut(events: list[Event], command: str) -> tuple[list[Event], tuple[str, ...], str | None]:
    """The most recent events that fit one answer, the questions that show the rest, and what to say of the cut.

    A timeline is read for its news, so a long one keeps its end. The cut falls between whole years, so that
    `timeline <years>` shows exactly the part left out; when the newest year alone is too long, between whole
    months of it (`timeline June 2024`). Nothing is left out without being counted and named.
    """
    if len(events) <= MAX_TIMELINE:
        return events, (), None
    years = sorted({e.date.year for e in events})
    kept = [y for i, y in enumerate(years) if sum(e.date.year >= y for e in events) <= MAX_TIMELINE]
    if kept:
        shown = [e for e in events if e.date.year >= kept[0]]
        earlier = [e for e in events if e.date.year < kept[0]]
        more: tuple[str, ...] = (f"timeline {_span([e.date.year for e in earlier])}",)
    else:  # the newest year alone is too long: cut between its months
        newest = years[-1]
        last = [e for e in events if e.date.year == newest]
        months = sorted({e.date.month or 0 for e in last})
        fits = [m for m in months if m and sum((e.date.month or 0) >= m for e in last) <= MAX_TIMELINE]
        start = fits[0] if fits else months[-1]
        # What the year gives without a month stays: no narrower question would show it.
        shown = [e for e in last if not e.date.month or e.date.month >= start]
        earlier = [e for e in events if e not in shown]
        before = [e.date.year for e in events if e.date.year < newest]
        more = ((f"timeline {_span(before)}",) if before else ()) + tuple(
            f"timeline {calendar.month_name[m]} {newest}" for m in months if 0 < m < start
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
