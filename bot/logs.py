"""The one place structlog is configured.

Events are short snake_case names with key-value context. Tokens and secrets are removed by a processor
that runs on every event, so no call site can leak one by mistake.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_SECRET_KEYS = re.compile(r"token|secret|signature|password|authorization|cookie|client_secret", re.I)
_SECRET_VALUES = re.compile(r"\b(xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|v0=[0-9a-f]{64})\b")


class Redactor:
    """Replaces secret-looking keys and values, and any configured secret wherever it appears.

    It runs on every log event, so it is built for speed: key decisions are memoised, and one compiled
    pattern (token shapes plus the configured secrets) is applied once per string long enough to hold one.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if len(s) >= 6)
        parts = [_SECRET_VALUES.pattern, *(re.escape(s) for s in sorted(self.secrets, key=len, reverse=True))]
        self._values = re.compile("|".join(f"(?:{p})" for p in parts))
        self._shortest = min([6, *(len(s) for s in self.secrets)])
        self._keys: dict[str, bool] = {}

    def _secret_key(self, key: str) -> bool:
        found = self._keys.get(key)
        if found is None:
            found = bool(_SECRET_KEYS.search(key))
            if len(self._keys) < 10_000:
                self._keys[key] = found
        return found

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._values.sub(REDACTED, value) if len(value) >= self._shortest else value
        if isinstance(value, dict):
            return {k: REDACTED if self._secret_key(str(k)) else self._clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._clean(v) for v in value)
        return value

    def __call__(self, _logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key, value in event.items():
            if self._secret_key(key):
                event[key] = REDACTED
            elif isinstance(value, str | dict | list | tuple):
                event[key] = self._clean(value)
        return event


def configure(fmt: str = "console", *, debug: bool = False, secrets: Iterable[str] = (), stream: Any = None) -> None:
    """Configure structlog (and the stdlib loggers Bolt and uvicorn use) once, at start."""
    level = logging.DEBUG if debug else logging.INFO
    out = stream or sys.stderr
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    redact = Redactor(secrets)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    # Bolt, the Slack SDK and uvicorn log through the standard library: same format, same redaction.
    handler = logging.StreamHandler(out)
    handler.addFilter(_StdlibRedactFilter(redact))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


class _StdlibRedactFilter(logging.Filter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact._clean(record.getMessage())
        record.args = None
        return True


def get(name: str = "factdesk") -> Any:
    return structlog.get_logger(name)
