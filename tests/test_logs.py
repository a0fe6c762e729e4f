"""Secrets never reach a log line, whichever way they are logged."""

from __future__ import annotations

import io
import json
import logging
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import logs

SECRET = "s3cr3t-signing-value-1234"
TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKl"


def _lines(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_secret_keys_values_and_configured_secrets_are_redacted() -> None:
    out = io.StringIO()
    logs.configure("json", secrets=[SECRET], stream=out)
    log = logs.get()
    log.info("x", token=TOKEN, authorization="Bearer abc", note=f"with {SECRET} inside", other=f"tok {TOKEN} end")
    log.info(
        "y", nested={"client_secret": "abc", "list": [TOKEN, "ok"]}, app="xapp-1-A0-123-abcdef", sig="v0=" + "a" * 64
    )
    text = out.getvalue()
    assert SECRET not in text and TOKEN not in text and "Bearer abc" not in text and "xapp-1-A0" not in text
    first, second = _lines(out)
    assert first["token"] == logs.REDACTED and first["note"] == f"with {logs.REDACTED} inside"
    assert first["other"] == f"tok {logs.REDACTED} end"
    assert second["nested"] == {"client_secret": logs.REDACTED, "list": [logs.REDACTED, "ok"]}
    assert second["sig"] == logs.REDACTED


def test_stdlib_loggers_are_redacted_and_json_too() -> None:
    out = io.StringIO()
    logs.configure("json", secrets=[SECRET], stream=out)
    logging.getLogger("slack_bolt.App").warning("Failed to authorize with %s and %s", TOKEN, SECRET)
    (line,) = _lines(out)
    assert TOKEN not in json.dumps(line) and SECRET not in json.dumps(line)
    assert line["level"] == "warning" and "Failed to authorize" in line["event"]


def test_ordinary_values_pass_through() -> None:
    out = io.StringIO()
    logs.configure("json", stream=out)
    logs.get().info("command_answered", topic="/pact", kind="article", user="U0REPORTER", latency_ms=0.4)
    (line,) = _lines(out)
    assert line["event"] == "command_answered" and line["user"] == "U0REPORTER" and line["latency_ms"] == 0.4


def test_timestamps_are_iso_utc_with_microseconds_like_structlogs() -> None:
    out = io.StringIO()
    logs.configure("json", stream=out)
    before = datetime.now(UTC)
    logs.get().info("x")
    after = datetime.now(UTC)
    (line,) = _lines(out)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", line["timestamp"])
    stamped = datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00"))
    assert before - timedelta(milliseconds=1) <= stamped <= after + timedelta(milliseconds=1)


FORGED = "ok\n2026-01-01T00:00:00Z [info     ] command_answered user=U0ADMIN\r\x1b[2K\x1b[31mred\u2028"


def test_console_values_cannot_forge_lines_or_drive_the_terminal() -> None:
    out = io.StringIO()
    logs.configure("console", stream=out)
    logs.get().warning("share_malformed", user=FORGED)
    # Bolt formats raw field values of a signed request into its own warnings
    logging.getLogger("slack_bolt.App").warning("Unhandled request (%s)", FORGED)
    text = out.getvalue()
    lines = text.splitlines()
    assert len(lines) == 2, lines
    assert "\x1b" not in text and "\r" not in text and "\u2028" not in text
    assert "share_malformed" in lines[0] and "\\n2026-01-01" in lines[0] and "\\x1b[31mred" in lines[0]
    assert "Unhandled request" in lines[1] and "\\r\\x1b[2K" in lines[1]


def test_console_tracebacks_stay_under_their_event() -> None:
    out = io.StringIO()
    logs.configure("console", stream=out)
    try:
        raise ValueError("bad\n2026-01-01 [info     ] forged")
    except ValueError:
        logs.get().exception("listener_failed")
    continuation = out.getvalue().splitlines()[1:]
    assert continuation and all(line.startswith("    ") for line in continuation), continuation
    assert any(line.strip().startswith("ValueError: bad") for line in continuation)


def test_json_lines_escape_control_characters() -> None:
    out = io.StringIO()
    logs.configure("json", stream=out)
    logs.get().warning("share_malformed", user=FORGED)
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request %s", FORGED)
    first, second = _lines(out)  # exactly two lines, each valid JSON
    assert first["user"] == FORGED and second["logger"] == "uvicorn.error"
    assert "\x1b" not in out.getvalue() and "\u2028" not in out.getvalue()


def test_python_warnings_go_through_the_pipeline_too() -> None:
    out = io.StringIO()
    with warnings.catch_warnings():  # pytest records warnings itself; inside this block they are shown again
        warnings.simplefilter("always")
        logging.captureWarnings(False)  # earlier tests' configure() captured pytest's own hook; start afresh
        logs.configure("json", secrets=[SECRET], stream=out)
        try:
            warnings.warn(f"deprecated call with {SECRET}", DeprecationWarning, stacklevel=1)
        finally:
            logging.captureWarnings(False)
    (line,) = _lines(out)
    assert line["logger"] == "py.warnings" and SECRET not in json.dumps(line)


class _Writes(io.StringIO):
    """A stream that remembers each write: on an unbuffered stderr each one is a system call."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


def test_each_line_is_written_whole_in_one_write() -> None:
    for fmt in ("json", "console"):
        out = _Writes()
        logs.configure(fmt, stream=out)
        logs.get().info("command_answered", topic="/pact", kind="article", user="U0REPORTER", latency_ms=0.4)
        (written,) = out.writes
        assert written.endswith("\n") and written.count("\n") == 1 and "command_answered" in written


def test_values_json_cannot_hold_are_written_as_structlog_writes_them() -> None:
    class Custom:
        def __structlog__(self) -> str:
            return "custom form"

    out = io.StringIO()
    logs.configure("json", stream=out)
    logs.get().info("x", path=Path("/k/pact.yaml"), custom=Custom(), when=datetime(2024, 6, 19, tzinfo=UTC))
    (line,) = _lines(out)
    assert line["path"] == repr(Path("/k/pact.yaml")) and line["custom"] == "custom form"
    assert line["when"] == repr(datetime(2024, 6, 19, tzinfo=UTC))
