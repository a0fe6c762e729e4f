"""Structure checked against the JSON Schema editors also use (`schema.json`), so the checker and the editor's
squiggles cannot disagree. Two validators of one schema: a compiled one that is fast and says only yes or no,
and jsonschema, which says what is wrong and where, used only once a file is known to be wrong.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema

from bot.core.loader.positions import Path_, YamlDoc, where


@cache
def schema() -> dict[str, Any]:
    """The knowledge JSON Schema shipped with the package (knowledge/schema.json is a copy for editors)."""
    data: dict[str, Any] = json.loads(resources.files("bot.core").joinpath("schema.json").read_text("utf-8"))
    return data


@cache
def _validator() -> jsonschema.protocols.Validator:
    """The thorough validator: every error, with its path. Used only once a file is known to be wrong."""
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


@cache
def _fast_validators() -> tuple[Any, dict[str, Any]]:
    """The same schema compiled to Python code: ~10x faster than jsonschema, but it stops at the first error.

    Compiled in pieces: the document without its lists' items, and one validator per list's item. One
    validator for the whole document is a single huge generated function that calls `locals()` for every
    object it checks, which costs in proportion to the function's size: ~20 us a call, 8 s at 100k entries.
    Together the pieces accept exactly what the whole schema accepts.
    """
    whole = copy.deepcopy(schema())  # fastjsonschema rewrites $refs in the dict it is given
    items: dict[str, Any] = {}
    for name, prop in whole["properties"].items():
        if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            item = {"$schema": whole["$schema"], "definitions": copy.deepcopy(whole["definitions"]), **prop["items"]}
            items[name] = fastjsonschema.compile(item)
            whole["properties"][name] = {k: v for k, v in prop.items() if k != "items"}
    return fastjsonschema.compile(whole), items


def schema_valid(data: Any) -> bool:
    """Whether `data` matches the schema: the fast check every file takes."""
    document, items = _fast_validators()
    try:
        document(data)
        for name, validate in items.items():
            for item in data.get(name) or ():
                validate(item)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(doc: YamlDoc, data: Any) -> None:
    """Every way `data` breaks the schema, in words a maintainer acts on, each at its line."""
    for err in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path: Path_ = tuple(err.absolute_path)
        place = where(path)
        sch = err.schema if isinstance(err.schema, dict) else {}
        instance: Any = err.instance
        expected: Any = err.validator_value
        if err.validator == "additionalProperties":
            allowed = sorted(sch.get("properties", {}))
            extra = [k for k in instance if k not in sch.get("properties", {})]
            for k in extra:
                doc.error(
                    (*path, k),
                    f"unknown field {k!r} in {place}; expected one of: {', '.join(allowed)}",
                    key=True,
                )
        elif err.validator == "required":
            missing = str(err.message).split("'")[1] if "'" in str(err.message) else str(err.message)
            doc.error(path, f"{place} is missing the required field {missing!r}")
        elif (err.validator in ("anyOf", "oneOf") and "description" in sch) or (
            err.validator == "pattern" and "description" in sch
        ):
            doc.error(path, f"{place}: {err.instance!r} is not valid; expected {sch['description']}")
        elif err.validator == "enum":
            doc.error(path, f"{place}: {err.instance!r} is not one of {', '.join(map(str, expected))}")
        elif err.validator == "type":
            doc.error(path, f"{place}: expected {err.validator_value}, found {type(err.instance).__name__}")
        else:
            doc.error(path, f"{place}: {err.message}")
