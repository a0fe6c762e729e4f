"""What the maintainers' channel is told about a reload, in Slack's mrkdwn."""

from __future__ import annotations

from bot.core.store import Outcome
from bot.core.text import escape_mrkdwn

MAX_ERRORS_SHOWN = 10


def reload_report(outcome: Outcome) -> str:
    """A good reload says what changed; a refused one lists the `file:line` errors to fix, first ten."""
    if outcome.ok:
        change = outcome.change.summary() if outcome.change else "no entry changed"
        return f"Knowledge reloaded (version `{outcome.version}`): {change}. Took {outcome.took_ms:.0f} ms."
    errors = [escape_mrkdwn(str(p)) for p in outcome.errors]
    shown = "\n".join(f"• `{e}`" for e in errors[:MAX_ERRORS_SHOWN])
    more = f"\n… and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    return f"Knowledge reload refused: the last good knowledge is still served. Fix:\n{shown}{more}"
