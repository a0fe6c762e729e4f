"""The broken fixtures under tests/fixtures/errors and where each says its error must be reported.

Each fixture carries a `# expect: message` comment on the line the problem belongs to; the loader, the schema
and the server's start-up check are all held to it.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.paths import FIXTURES

ERROR_FIXTURES = sorted((FIXTURES / "errors").glob("*.yaml"))
MARK = re.compile(r"#\s*expect(?:\[(\w+)\])?:\s*(.+)$")


def expectation(path: Path) -> tuple[int, str, str | None]:
    """The fixture names, on the line where the error must be reported, what the message must say."""
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        m = MARK.search(line)
        if m:
            return n, m.group(2).strip(), m.group(1)
    raise AssertionError(f"{path.name} has no '# expect:' marker")
