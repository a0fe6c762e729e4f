"""Where tests find the project and their fixtures: one definition, imported by conftest and every test.

Tests never read the maintainers' `knowledge/` folder for counts or wording: it changes with the story, and a
valid update must not break the suite. The few tests about how it is shipped (the editor schema, the
Kubernetes ConfigMaps) name it as PRODUCTION.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
KNOWLEDGE = FIXTURES / "pact"  # the seed knowledge as of the first release, frozen: tests pin its counts
PRODUCTION = ROOT / "knowledge"  # the maintainers' live folder: never pinned by a test
