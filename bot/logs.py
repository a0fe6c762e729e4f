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
    """Replaces secret-looking keys and values, and any configured secret wherever it appears."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if len(s) >= 6)

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _SECRET_VALUES.sub(REDACTED, value)
            for s in self.secrets:
                value = value.replace(s, REDACTED)
            return value
        if isinstance(value, dict):
            return {k: REDACTED if _SECRET_KEYS.search(str(k)) else self._clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._clean(v) for v in value)
        return value

    def __call__(self, _logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key in list(event):
            event[key] = REDACTED if _SECRET_KEYS.search(key) else self._clean(event[key])
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
