"""Structure checked against the JSON Schema editors also use (`schema.json`), so the checker and the editor's
squiggles cannot disagree. Two validators of one schema: a compiled one that is fast and says only yes or no,
and jsonschema, which says what is wrong and where, used only once a file is known to be wrong.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from bot.core.loader.positions import Path_, YamlDoc, where
from bot.core.text import fold

if TYPE_CHECKING:  # imported where used: a server started from a snapshot never needs it
    import jsonschema


@cache
def schema() -> dict[str, Any]:
    """The knowledge JSON Schema shipped with the package (knowledge/schema.json is a copy for editors)."""
    data: dict[str, Any] = json.loads(resources.files("bot.core").joinpath("schema.json").read_text("utf-8"))
    return data


@cache
def _validator() -> jsonschema.protocols.Validator:
    """The thorough validator: every error, with its path. Used only once a file is known to be wrong."""
    import jsonschema

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
            doc.error(path, f"{place}: {err.instance!r} is not valid; {_expected(data, path, sch, err.instance)}")
        elif err.validator == "enum":
            doc.error(path, f"{place}: {err.instance!r} is not one of {', '.join(map(str, expected))}")
        elif err.validator == "type":
            doc.error(path, f"{place}: expected {err.validator_value}, found {type(err.instance).__name__}")
        else:
            doc.error(path, f"{place}: {err.message}")


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}  # fmt: skip
_MONTH = r"(?P<month>[A-Za-z]+)\.?"
_WRITTEN = (
    re.compile(rf"^(?:[A-Za-z]+,? )?{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})$"),  # June 19, 2024
    re.compile(rf"^(?:[A-Za-z]+,? )?(?P<day>\d{{1,2}})(?:st|nd|rd|th)? {_MONTH},? (?P<year>\d{{4}})$"),  # 19 June 2024
    re.compile(rf"^{_MONTH},? (?P<year>\d{{4}})$"),  # June 2024
)


def _expected(data: Any, path: Path_, sch: dict[str, Any], value: Any) -> str:
    """What to write instead, in the maintainer's terms: the ids that exist, the date forms the checker reads."""
    field = path[-1] if path else ""
    description = str(sch.get("description", ""))
    if field == "speaker" or "`people`" in description:
        people = data.get("people") if isinstance(data, dict) else None
        ids = [p["id"] for p in people or () if isinstance(p, dict) and isinstance(p.get("id"), str)]
        slug = _slug(value)
        if slug in ids:
            return f"use the person's id from `people:`: {slug}"
        known = f" (ids there: {', '.join(ids[:12])}{', …' if len(ids) > 12 else ''})" if ids else ""
        return f"use a person's id from `people:`, e.g. {slug or 'jane-roe'}{known}"
    if description.startswith("A short unique name"):
        return f"an id is lower case, digits and hyphens, e.g. {_slug(value) or 'jane-roe'}"
    if description.startswith("A date"):
        iso = _iso(value)
        suggestion = f"write it as {iso}; " if iso else ""
        written = ""
        if isinstance(value, str) and "as_written" in _parent_schema(path):
            written = f"; if the source words it so, keep its words in `as_written: {value}`"
        return (
            f"{suggestion}the checker reads 1961 (a year), 2024-06 (a month), 2024-06-19 (a day) or "
            f"2024-06-20T11:01+09:00 (a time), at the precision the source gives{written}"
        )
    return f"expected {description}"


def _parent_schema(path: Path_) -> set[str]:
    """The fields the object holding `path` may have (so a hint names only fields that exist there)."""
    section = path[0] if path else None
    prop = schema()["properties"].get(section, {}) if isinstance(section, str) else {}
    items = prop.get("items", {}) if isinstance(prop, dict) else {}
    return set(items.get("properties", {})) if len(path) == 3 and isinstance(items, dict) else set()


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(str(value))).strip("-")


def _iso(value: Any) -> str | None:
    """ "June 19, 2024" → "2024-06-19": the form to write, when the text says it without doubt."""
    text = str(value).strip()
    for pattern in _WRITTEN:
        m = pattern.match(text)
        month = (_MONTHS.get(m["month"].lower()) or _short(m["month"])) if m else None
        if m and month:
            day = m.groupdict().get("day")
            return f"{m['year']}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    return None


def _short(word: str) -> int | None:
    hits = [n for name, n in _MONTHS.items() if len(word) >= 3 and name.startswith(word.lower())]
    return hits[0] if len(hits) == 1 else None
