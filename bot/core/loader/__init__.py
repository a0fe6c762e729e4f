"""Load knowledge files: YAML → checked, verified, immutable `Knowledge`.

The loader never raises, whatever the files hold or whatever happens to them while it reads. It returns
every problem it finds, each pinned to `file:line:col`, so a maintainer fixes a broken edit in one pass, and
a running bot can refuse the edit while it keeps serving what it had.

Along its seams: `problems` (what is reported), `positions` (YAML with the line of every value),
`validate` (the JSON Schema editors also use), `build` (what a schema cannot say, with the kinds of
`bot.core.kinds`), `folder` (a whole folder, with the disk cache), `archive` (reading a file only inside the
knowledge folder, only a regular one, bounded).
"""

from __future__ import annotations

from bot.core.loader.build import load_topic
from bot.core.loader.folder import load, topic_files
from bot.core.loader.problems import LoadResult, Problem, Severity
from bot.core.loader.validate import schema

__all__ = ["LoadResult", "Problem", "Severity", "load", "load_topic", "schema", "topic_files"]
