"""Shared fixtures: a frozen copy of the seed knowledge, and small fixture topics that each show one thing.

Tests never read the maintainers' `knowledge/` folder for counts or wording: it changes with the story, and a
valid update must not break the suite. `./run test` checks it with `factdesk check`; the few tests about how it
is shipped (the editor schema, the Kubernetes ConfigMaps) name it as PRODUCTION (tests/support/paths.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.engine import Catalog
from bot.core.loader import load
from tests.support import slack_stand_in
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES, KNOWLEDGE


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    result = load(KNOWLEDGE)
    assert result.ok, [str(p) for p in result.errors]
    assert result.knowledge is not None
    return Catalog.build(result.knowledge)


@pytest.fixture(scope="session")
def pact() -> Door:
    return open_door(KNOWLEDGE, "/pact")


@pytest.fixture(scope="session")
def corrected() -> Door:
    """A topic whose entries carry corrections (tests/fixtures/corrected)."""
    return open_door(FIXTURES / "corrected", "/corrected")


@pytest.fixture
def slack() -> Iterator[slack_stand_in.StandIn]:
    """A fresh local stand-in for Slack's Web API and response_urls, recording what the bot sends."""
    stand_in = slack_stand_in.start()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def strict() -> Iterator[slack_stand_in.StandIn]:
    """One stand-in for a whole module's tests, for modules that share one server process (started once)."""
    stand_in = slack_stand_in.start()
    yield stand_in
    stand_in.close()
