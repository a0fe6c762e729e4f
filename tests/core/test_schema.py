"""The JSON Schema editors use and the checker never disagree."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import loader
from bot.core.kinds import KINDS
from bot.core.loader.positions import YamlDoc
from bot.core.loader.validate import schema_valid
from tests.support.expectations import ERROR_FIXTURES, expectation
from tests.support.paths import FIXTURES, KNOWLEDGE, PRODUCTION


def _data(path: Path) -> Any:
    node = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)
    assert node is not None
    return YamlDoc(str(path)).to_data(node)


def test_editor_copy_is_the_schema_the_checker_uses() -> None:
    assert json.loads((PRODUCTION / "schema.json").read_text("utf-8")) == loader.schema()
    jsonschema.validators.validator_for(loader.schema()).check_schema(loader.schema())


NEW_FORMAT = [FIXTURES / n / f"{n}.yaml" for n in ("multisource", "disputed", "corrected_everywhere")]


@pytest.mark.parametrize(
    "path", [KNOWLEDGE / "pact.yaml", FIXTURES / "mini" / "mini.yaml", *NEW_FORMAT], ids=lambda p: p.stem
)
def test_valid_files_pass_both(path: Path) -> None:
    data = _data(path)
    assert jsonschema.validators.validator_for(loader.schema())(loader.schema()).is_valid(data)
    assert schema_valid(data)
    assert load_ok(path)


def load_ok(path: Path) -> bool:
    topic, problems = loader.load_topic(path)
    return topic is not None and not [p for p in problems if p.severity == "error"]


@pytest.mark.parametrize("path", [p for p in ERROR_FIXTURES if expectation(p)[2] != "syntax"], ids=lambda p: p.stem)
def test_schema_rejects_exactly_the_structural_errors(path: Path) -> None:
    """Fixtures marked [schema] break the structure: the schema (so the editor) rejects them too.
    The others break what a schema cannot say (references, quotes, calendars): only the checker sees them."""
    structural = expectation(path)[2] == "schema"
    valid = jsonschema.validators.validator_for(loader.schema())(loader.schema()).is_valid(_data(path))
    assert valid is not structural
    assert not load_ok(path)


MUTATIONS = st.sampled_from(["drop", "extra", "number", "text", "list"])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fast_and_thorough_validators_agree(data: st.DataObject) -> None:
    """The compiled validator (fast path) and jsonschema (error messages) accept the same documents."""
    doc = copy.deepcopy(_data(FIXTURES / "mini" / "mini.yaml"))
    for _ in range(data.draw(st.integers(1, 3))):
        section = data.draw(st.sampled_from([k.section for k in KINDS]))
        entry = data.draw(st.sampled_from(doc[section]))
        field = data.draw(st.sampled_from(sorted(entry)))
        how = data.draw(MUTATIONS)
        if how == "drop":
            del entry[field]
        elif how == "extra":
            entry[data.draw(st.text("abcxyz_", min_size=1, max_size=6))] = "x"
        elif how == "number":
            entry[field] = data.draw(st.integers(-5, 3000))
        elif how == "text":
            entry[field] = data.draw(st.text(max_size=12))
        else:
            entry[field] = [entry[field]]
    thorough = jsonschema.validators.validator_for(loader.schema())(loader.schema()).is_valid(doc)
    assert schema_valid(doc) is thorough
