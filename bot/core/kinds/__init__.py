"""The registry of entry kinds: every module of this package that declares a `KIND`.

A new kind of entry is a new module here (its model, how it is built and checked, what the index sees of it,
how it becomes an answer item) plus its section in schema.json; nothing else names kinds one by one.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from bot.core.kinds.base import Entry, EntryKind, Raw

__all__ = ["KINDS", "Entry", "EntryKind", "Raw", "by_name", "kind_of"]


def _discover() -> tuple[EntryKind[Any], ...]:
    found: list[EntryKind[Any]] = []
    for info in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{info.name}"), "KIND", None)
        if isinstance(kind, EntryKind):
            found.append(kind)
    return tuple(sorted(found, key=lambda k: k.order))


KINDS: tuple[EntryKind[Any], ...] = _discover()
_BY_NAME = {k.name: k for k in KINDS}
_BY_MODEL = {k.model: k for k in KINDS}


def by_name(name: str) -> EntryKind[Any]:
    return _BY_NAME[name]


def kind_of(entry: object) -> EntryKind[Any]:
    """The kind an entry belongs to (TypeError if it is no registered kind's model)."""
    kind = _BY_MODEL.get(type(entry))
    if kind is None:
        raise TypeError(f"{type(entry).__name__} is not an entry kind")
    return kind
