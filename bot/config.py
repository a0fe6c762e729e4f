"""Configuration from the environment, checked at start with errors that say how to fix them.

Slack's own variables keep Slack's names (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_APP_TOKEN,
SLACK_API_URL) so a team's existing secrets work unchanged; everything of ours is FACTDESK_*.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


_HOW = {
    "SLACK_SIGNING_SECRET": "the app's Basic Information page → App Credentials → Signing Secret",
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token (starts with xoxb-)",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, with the connections:write scope (starts with xapp-)",
    "SLACK_CLIENT_ID": "Basic Information → App Credentials → Client ID",
    "SLACK_CLIENT_SECRET": "Basic Information → App Credentials → Client Secret",
}


# Settings only a running server reads: wrong values stop `serve`/`socket`, never `ask`, `check` or the console.
SERVING = ("FACTDESK_PORT", "FACTDESK_WORKERS", "FACTDESK_LOG_FORMAT", "FACTDESK_WATCH_SECONDS")

SLACK_VARIABLES = (
    "SLACK_APP_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """FACTDESK_CACHE: where parsed knowledge is kept between starts ("off" to parse every time)."""
    raw = env.get("FACTDESK_CACHE", "")
    if raw.lower() in ("off", "none", "0", "false"):
        return None
    if raw:
        return Path(raw)
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "factdesk"


def _url_password(url: str) -> tuple[str, ...]:
    """A database URL's password, so that logging the URL can never show it."""
    from urllib.parse import urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    return (password,) if password else ()


def _ids(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").replace(";", ",").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    knowledge: Path = Path("knowledge")
    signing_secret: str | None = field(default=None, repr=False)
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 3000
    workers: int = 1
    log_format: str = "console"
    debug: bool = False
    maintainers: frozenset[str] = frozenset()
    maintainer_group: str | None = None
    maintainers_channel: str | None = None
    watch_seconds: float = 1.0
    cache_dir: Path | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    database_url: str = field(default="sqlite:///factdesk.sqlite3", repr=False)  # may hold a password
    admin_token: str | None = field(default=None, repr=False)
    knowledge_env: str | None = None  # FACTDESK_KNOWLEDGE as set, to name it when the folder is missing
    # Settings that were set but wrong, by variable: each command checks only the ones it uses, so a bad
    # FACTDESK_PORT stops `serve` but not `ask` (see `require_valid`).
    problems: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, strict: bool = True) -> Settings:
        """Read the environment; `strict` raises on the first wrong setting, else they wait in `problems`."""
        e = os.environ if env is None else env
        problems: dict[str, str] = {}

        def number(name: str, default: float, kind: type = int, low: float = 0, high: float | None = None) -> float:
            raw = e.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                value = kind(raw.strip())
            except ValueError:
                what = "an integer" if kind is int else "a number"
                problems[name] = f"{name}={raw!r} is not {what}; set it to e.g. {kind(default)} or unset it"
                return default
            if value < low or (high is not None and value > high):
                span = f"from {kind(low)} to {kind(high)}" if high is not None else f"at least {kind(low)}"
                problems[name] = f"{name}={raw!r} is out of range: it must be {span}; unset it for {kind(default)}"
                return default
            return float(value)

        log_format = e.get("FACTDESK_LOG_FORMAT", "console").lower()
        if log_format not in ("console", "json"):
            problems["FACTDESK_LOG_FORMAT"] = (
                f"FACTDESK_LOG_FORMAT={log_format!r}: use 'json' (production) or 'console'"
            )
            log_format = "console"
        settings = cls(
            knowledge=Path(e.get("FACTDESK_KNOWLEDGE") or "knowledge"),
            knowledge_env=e.get("FACTDESK_KNOWLEDGE") or None,
            signing_secret=e.get("SLACK_SIGNING_SECRET") or None,
            bot_token=e.get("SLACK_BOT_TOKEN") or None,
            app_token=e.get("SLACK_APP_TOKEN") or None,
            api_url=e.get("SLACK_API_URL") or None,
            host=e.get("FACTDESK_HOST") or "127.0.0.1",
            port=int(number("FACTDESK_PORT", 3000, low=1, high=65535)),
            workers=int(number("FACTDESK_WORKERS", 1, low=1, high=256)),
            log_format=log_format,
            debug=_flag(e.get("FACTDESK_DEBUG")),
            maintainers=_ids(e.get("FACTDESK_MAINTAINERS")),
            maintainer_group=e.get("FACTDESK_MAINTAINER_GROUP") or None,
            maintainers_channel=e.get("FACTDESK_MAINTAINERS_CHANNEL") or None,
            watch_seconds=number("FACTDESK_WATCH_SECONDS", 1.0, float),
            cache_dir=_cache_dir(e),
            client_id=e.get("SLACK_CLIENT_ID") or None,
            client_secret=e.get("SLACK_CLIENT_SECRET") or None,
            database_url=e.get("FACTDESK_DATABASE_URL") or "sqlite:///factdesk.sqlite3",
            admin_token=e.get("FACTDESK_ADMIN_TOKEN") or None,
            problems=problems,
        )
        if strict:
            settings.require_valid(*problems)
        return settings

    def require_valid(self, *names: str) -> None:
        """Raise the first problem among these variables (one line naming the variable and the fix)."""
        for name in names:
            if name in self.problems:
                raise ConfigError(self.problems[name])

    def require_serving(self) -> None:
        """What `serve` and `socket` read besides Slack's credentials: all must be right before listening."""
        self.require_valid(*SERVING)

    @property
    def oauth(self) -> bool:
        """Many workspaces: installed through Slack's OAuth flow, each with its own token in the database."""
        return bool(self.client_id or self.client_secret)

    def secrets(self) -> tuple[str, ...]:
        found = (self.signing_secret, self.bot_token, self.app_token, self.client_secret, self.admin_token)
        return tuple(s for s in found if s) + _url_password(self.database_url)

    def _require(self, *names: str) -> None:
        values = {
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
        }
        missing = [n for n in names if not values[n]]
        if missing:
            how = "; ".join(f"{n}: {_HOW[n]}" for n in missing)
            raise ConfigError(
                f"missing {', '.join(missing)}. Export {'them' if len(missing) > 1 else 'it'} from your Slack "
                f"app's settings at api.slack.com/apps ({how}), or run `factdesk console` to try the bot "
                "without Slack"
            )
        if self.bot_token and not self.bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if "SLACK_APP_TOKEN" in names and self.app_token and not self.app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

    def require_http(self) -> None:
        if self.oauth:  # tokens come from each workspace's installation, not from the environment
            self._require("SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
        else:
            self._require("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")

    def require_socket(self) -> None:
        self._require("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")

    def slack_mode(self) -> str | None:
        """How the main job reaches Slack: "socket", "http", or None (no Slack variable set: the console).

        Some credentials but not a working set is an error naming what is missing: silently opening the
        console would leave a deployment that looks up but answers nobody.
        """
        if self.app_token:
            self.require_socket()
            return "socket"
        if self.signing_secret or self.oauth:
            self.require_http()
            return "http"
        if self.bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is set but not how Slack reaches the bot: also set SLACK_APP_TOKEN for Socket Mode "
                f"({_HOW['SLACK_APP_TOKEN']}) or SLACK_SIGNING_SECRET for HTTP ({_HOW['SLACK_SIGNING_SECRET']}); "
                "or unset SLACK_BOT_TOKEN to use the local console"
            )
        return None
