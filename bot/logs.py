"""The one place structlog is configured.

Events are short snake_case names with key-value context. Tokens and secrets are removed by a processor
that runs on every event, so no call site can leak one by mistake. Every line, uvicorn's and Bolt's included,
goes through the same pipeline: the standard library's root handler renders theirs with our processors, and
uvicorn is started without a logging setup of its own (bot/server.py's http_options).

Values can carry what a stranger typed (a field of a signed request that Bolt warns about, a header), so no
value may start a line of its own or drive a terminal: JSON escapes control characters itself; the console
renderer prints strings raw, so there they are escaped first (`\n`, `\x1b`), and a traceback's own line
breaks are kept but indented under its event.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_SECRET_KEYS = re.compile(r"token|secret|signature|password|authorization|cookie|client_secret", re.I)
_SECRET_VALUES = re.compile(r"\b(xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|v0=[0-9a-f]{64})\b")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTAINERS = (dict, list, tuple)  # a tuple of types: isinstance checks it faster than a union


def _escape_char(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def escape_controls(text: str) -> str:
    """`text` on one line with no byte a terminal would act on (ESC sequences, carriage returns)."""
    return _CONTROL.sub(_escape_char, text) if _CONTROL.search(text) else text


def one_line_values(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """For the console renderer, which prints strings raw: escape control characters in every value, so a
    value cannot forge a log line. A traceback keeps its line breaks, each continuation indented."""
    for key, value in event.items():
        if isinstance(value, str):
            if key == "exception":
                event[key] = "\n".join(f"    {escape_controls(line)}" for line in value.rstrip("\n").split("\n"))
            else:
                event[key] = escape_controls(value)
    return event


class Redactor:
    """Removes secrets from every log line, whichever way they were logged.

    Two passes, both cheap because they run on every event: before rendering, values under secret-looking
    keys (`token=`, `authorization=`, nested too) are replaced; after rendering, one compiled pattern (token
    shapes plus every configured secret, also as JSON and repr escape them) is applied once to the finished
    line, so a secret inside a message, a list or a traceback is caught without walking every value.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if len(s) >= 6)
        forms = {f for s in self.secrets for f in (s, json.dumps(s)[1:-1], repr(s)[1:-1])}
        parts = [_SECRET_VALUES.pattern, *(re.escape(f) for f in sorted(forms, key=len, reverse=True))]
        self._values = re.compile("|".join(f"(?:{p})" for p in parts))
        self._markers = ("xox", "xapp-", "v0=", *forms)  # substring tests are far cheaper than the pattern
        self._keys: dict[str, bool] = {}

    def _secret_key(self, key: str) -> bool:
        found = self._keys.get(key)
        if found is None:
            found = bool(_SECRET_KEYS.search(key))
            if len(self._keys) < 10_000:
                self._keys[key] = found
        return found

    def _keys_out(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: REDACTED if self._secret_key(str(k)) else self._keys_out(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._keys_out(v) for v in value)
        return value

    def __call__(self, _logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        known = self._keys  # the same few keys come back on every line: a dict lookup, not a method call each
        for key, value in event.items():
            secret = known.get(key)
            if secret is None:
                secret = self._secret_key(key)
            if secret:
                event[key] = REDACTED
            elif isinstance(value, _CONTAINERS):
                event[key] = self._keys_out(value)
        return event

    def line(self, text: str) -> str:
        for marker in self._markers:
            if marker in text:
                return self._values.sub(REDACTED, text)
        return text

    def rendering(self, renderer: Any) -> Any:
        """Wrap a structlog renderer so that its output line is redacted."""

        def render(logger: Any, method: str, event: MutableMapping[str, Any]) -> str:
            return self.line(renderer(logger, method, event))

        return render


_second: list[Any] = [-1, ""]  # the last whole second formatted, and its text


def utc_timestamp(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """ISO 8601 UTC with microseconds, as structlog's TimeStamper writes it, at a fifth of the cost: the
    date and time to the second are formatted once a second, not once an event (one per request)."""
    now = time.time()
    whole = int(now)
    if whole != _second[0]:
        _second[0], _second[1] = whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    event["timestamp"] = f"{_second[1]}.{int((now - whole) * 1_000_000):06d}Z"
    return event


def _fallback(value: Any) -> Any:
    """What JSON cannot hold, as structlog's JSONRenderer writes it: its `__structlog__()`, else its repr."""
    method = getattr(value, "__structlog__", None)
    return method() if callable(method) else repr(value)


def json_renderer() -> Any:
    """structlog's JSONRenderer on an encoder built once: `json.dumps` with a `default` builds a new encoder
    on every call, one per request here."""
    encode = json.JSONEncoder(default=_fallback).encode
    return structlog.processors.JSONRenderer(serializer=lambda event, **_: encode(event))


class JsonLines:
    """The JSON format's whole chain for structlog's own events, as one processor: the level, the timestamp, an
    exception's text, secret keys out, the JSON line, secret values out of it. The same steps in the same
    order as the chain the standard library's lines go through; as five processors, their calls and walks of
    the event were half of what a line cost, and there is one line per answer."""

    def __init__(self, redact: Redactor) -> None:
        self.redact = redact
        self.encode = json.JSONEncoder(default=_fallback).encode

    def __call__(self, logger: Any, method: str, event: MutableMapping[str, Any]) -> str:
        event = utc_timestamp(logger, method, structlog.processors.add_log_level(logger, method, event))
        if "exc_info" in event:
            event = structlog.processors.format_exc_info(logger, method, event)
        return self.redact.line(self.encode(self.redact(logger, method, event)))


class _Stderr(io.TextIOBase):
    """Whatever `sys.stderr` is when a line is written, not when logging was configured (it may be replaced)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def writable(self) -> bool:
        return True


def configure(
    fmt: str = "console", *, debug: bool = False, secrets: Iterable[str] = (), stream: Any = None, quiet: bool = False
) -> None:
    """Configure structlog (and the stdlib loggers Bolt and uvicorn use) once, at start.

    `quiet` (the one-shot commands: ask, check, console) keeps warnings and errors only: a maintainer at a
    terminal wants the answer, not a log line per question.
    """
    level = logging.DEBUG if debug else (logging.WARNING if quiet else logging.INFO)
    out: Any = stream or _Stderr()
    renderer: Any = json_renderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    redact = Redactor(secrets)
    shared: list[Any] = [
        structlog.processors.add_log_level,
        utc_timestamp,
        structlog.processors.format_exc_info,
        redact,
        *([] if fmt == "json" else [one_line_values]),
    ]
    structlog.configure(
        processors=[JsonLines(redact)] if fmt == "json" else [*shared, redact.rendering(renderer)],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # One write per line (print() writes the line and its newline apart: two system calls per line on an
        # unbuffered stderr, as PYTHONUNBUFFERED makes it in the image), flushed at once.
        logger_factory=structlog.WriteLoggerFactory(out),
        cache_logger_on_first_use=True,  # configured once at start; the lazy proxy cost ~10 us an event
    )
    # Bolt, the Slack SDK and uvicorn log through the standard library: same format, same redaction.
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, redact.rendering(renderer)],
        )
    )
    logging.captureWarnings(True)  # Python's warnings too (py.warnings), instead of raw lines on stderr
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


def get(name: str = "factdesk") -> Any:
    return structlog.get_logger(name)
