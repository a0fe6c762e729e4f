"""A compiled snapshot of checked knowledge (model and search indexes), loaded at start instead of parsing.

Parsing, verifying and indexing 100,000 entries takes many seconds and about a gigabyte at its peak; reading
them back takes about half a second and no more memory than the knowledge itself. The snapshot is built where
memory and time are cheap (`factdesk snapshot`: the image build, or an init container beside git-sync) and
read once when a server starts.

The file: a format line, a header (what it was built from), the catalog, then each index's tables. Both are
pickles laid out for reading: objects made by one generated call each, the index's many small tables stored
as a few large arrays and strings cut apart again in C, and the tables apart from the catalog so that the
two are never held twice over while being read (an unpickler keeps all it read until it is done).

It is trusted only when it provably describes what would be loaded: the code of `bot/core` (the same
fingerprint as the disk cache) and the bytes of every file the knowledge was loaded from (topic files, their
archived sources, the maintainers' expectation files, also those that did not exist) must be the same, and
the folder must hold no other topic file. Anything else is a full load. A snapshot is written only from
knowledge that loaded without error and met its expectations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import tempfile
import threading
from array import array
from collections.abc import Callable, Iterable
from functools import cache
from itertools import accumulate
from pathlib import Path
from types import FunctionType
from typing import IO, Any

from bot.core import expect
from bot.core.diskcache import code_fingerprint
from bot.core.engine import Catalog
from bot.core.index import SearchIndex, common_sets
from bot.core.loader import Problem, load, topic_files

FORMAT = b"factdesk-snapshot-3"


def path_for(folder: Path, root: Path) -> Path:
    """One snapshot per knowledge folder (named as it was given) in a cache folder."""
    return folder / f"snapshot-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.pickle"


def _digest(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _expected_files(root: Path, archives: Iterable[str]) -> dict[str, str | None]:
    """The digest of every file the knowledge in `root` is made of (None: the file is not there)."""
    topics = topic_files(root) if root.exists() else []
    files = {*topics, *(expect.path_for(t) for t in topics), *map(Path, archives)}
    return {str(f): _digest(f) for f in sorted(files)}


# -- pickling frozen dataclasses fast ------------------------------------------------------------------
# The standard pickling of a frozen slotted dataclass calls dataclasses' own __setstate__, which looks up the
# class's fields for every object: ~70% of reading a snapshot. Each object is stored instead as a call of its
# class's maker (stored once per class, by class and field names) with its values: one call of generated code
# that sets each slot through its own descriptor, with no lookups and no loop.


@cache
def slots_of(cls: Any) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def maker(cls: Any, names: tuple[str, ...]) -> Callable[..., object]:
    """A function of one argument per field that makes one `cls` (the code a dataclass' own `__init__` is made
    of, minus the per-field `object.__setattr__` lookups). Raises ValueError for fields `cls` does not have."""
    if slots_of(cls) != names:
        raise ValueError(f"{getattr(cls, '__name__', cls)}: the snapshot's fields {names} are not the class's")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set{i}": getattr(cls, n).__set__ for i, n in enumerate(names)})
    args = ", ".join(f"v{i}" for i in range(len(names)))
    body = "".join(f"    set{i}(o, v{i})\n" for i in range(len(names)))
    exec(f"def make({args}):\n    o = new(cls)\n{body}    return o\n", scope)  # our own template, no input
    make: Callable[..., object] = scope["make"]
    _made[make] = (cls, names)
    return make


_made: dict[Callable[..., object], tuple[Any, tuple[str, ...]]] = {}  # each maker: what it makes, for pickling


# -- the index's phrase and typo tables -------------------------------------------------------------------
# Most of their keys hold one number, stored bare (`index.ids`). Unpickled, each would be its own new int
# object (pickle shares no ints): ~30 bytes a key, hundreds of thousands of keys. Stored as the keys (joined
# into one string: one object for the unpickler to track, not one per key) and one array of their numbers,
# they are rebuilt in C around one shared int per number; the few keys with several numbers are stored as is.
Table = dict[str, int | tuple[int, ...]]
Packed = tuple[str | list[str], "array[int]", Table]
_SEP = "\0"


def _pack(table: Table) -> Packed:
    ones = {k: v for k, v in table.items() if isinstance(v, int)}
    keys: str | list[str] = list(ones) if any(_SEP in k for k in ones) else _SEP.join(ones)
    return keys, array("I", ones.values()), {k: v for k, v in table.items() if not isinstance(v, int)}


def _unpack(packed: Packed, ints: list[int]) -> Table:
    keys, numbers, rest = packed
    if isinstance(keys, str):
        keys = keys.split(_SEP) if numbers else []
    table: Table = dict(zip(keys, map(ints.__getitem__, numbers), strict=True))
    table.update(rest)
    return table


_PACKED = ("phrases", "deletes")


# -- the index's posting lists and vocabulary -------------------------------------------------------------
# Tens of thousands of small arrays, each its own few objects for the unpickler to build and track: stored
# as one array of every number and one of their lengths, they are cut apart again in C. The vocabulary
# numbers its terms in order, so it is rebuilt from the terms (around shared ints) rather than stored.


def _flat(arrays: Iterable[array[int]]) -> tuple[array[int], array[int]]:
    flat, lengths = array("I"), array("I")
    for a in arrays:
        flat.extend(a)
        lengths.append(len(a))
    return flat, lengths


def _cut(flat: array[int], lengths: array[int]) -> list[array[int]]:
    ends = list(accumulate(lengths))
    return list(map(flat.__getitem__, map(slice, [0, *ends[:-1]], ends)))


# The tables are written after the catalog, as a second pickle: everything an unpickler reads stays alive
# until it is done (its memo), and this way the catalog's memo is gone before the tables' bytes are read.
_SLOT = "_snapshot_tables"


def _tables(index: SearchIndex) -> dict[str, Any]:
    """Everything of an index but its entries (which point into the model) and `common` (built on reading)."""
    state = {k: v for k, v in index.__dict__.items() if k not in ("common", "entries")}
    state.update({name: _pack(state[name]) for name in _PACKED})
    if all(isinstance(p, array) and p.typecode == "I" for p in (*index.postings, *index.key_postings.values())):
        state["postings"] = _flat(index.postings)
        keys = array("I", index.key_postings)
        state["key_postings"] = (keys, *_flat(index.key_postings.values()))
    if index.vocab == {t: i for i, t in enumerate(index.terms)}:
        state["vocab"] = None  # numbered in order: made again from the terms
    return state


def _index_shell(entries: tuple[Any, ...], slot: int) -> SearchIndex:
    index = object.__new__(SearchIndex)
    index.__dict__.update({"entries": entries, _SLOT: slot})
    return index


def _fill(index: SearchIndex, state: dict[str, Any]) -> None:
    ints = list(range(max(state["size"], len(state["terms"]))))
    for name in _PACKED:
        state[name] = _unpack(state[name], ints)
    if isinstance(state["postings"], tuple):
        state["postings"] = _cut(*state["postings"])
        keys, flat, lengths = state["key_postings"]
        state["key_postings"] = dict(zip(map(ints.__getitem__, keys), _cut(flat, lengths), strict=True))
    if state["vocab"] is None:
        state["vocab"] = dict(zip(state["terms"], ints, strict=False))  # ints: at least as many
    index.__dict__.update(state)
    index.common = common_sets(index.postings, index.common_df, index.size)  # not stored: built as it was


def _fill_all(catalog: Catalog, tables: list[dict[str, Any] | None]) -> None:
    """Give each index of `catalog` its tables. Raises ValueError unless every index gets its own."""
    for engine in catalog.engines.values():
        slot = engine.index.__dict__.pop(_SLOT)
        state, tables[slot] = tables[slot], None  # each table freed as soon as its index holds what it needs
        if state is None:
            raise ValueError(f"index tables {slot} claimed twice")
        _fill(engine.index, state)
    if any(t is not None for t in tables):
        raise ValueError("index tables that no index claimed")


class _Pickler(pickle.Pickler):
    """Pickles a catalog compactly. Equal strings in the model's fields (a source id cited by thousands of
    entries, each read from its own place in the YAML) are written once and read back as one object."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=5)
        self._strings: dict[str, str] = {}
        self.tables: list[dict[str, Any] | None] = []  # each index's, written after the catalog

    def _same(self, value: Any) -> Any:
        if type(value) is str:
            return self._strings.setdefault(value, value)
        if type(value) is tuple and value and all(type(v) is str for v in value):
            return tuple(map(self._same, value))
        return value

    def reducer_override(self, obj: Any) -> Any:
        cls: Any = type(obj)
        if cls is SearchIndex:  # with its entries, which its own pickling leaves out (the disk cache's)
            self.tables.append(_tables(obj))
            return _index_shell, (obj.entries, len(self.tables) - 1)
        made = _made.get(obj) if cls is FunctionType else None
        if made is not None:  # a maker: stored once, by what it makes, and made again when read
            return maker, made
        names = slots_of(cls)
        if names is None:
            return NotImplemented
        return maker(cls, names), tuple(self._same(getattr(obj, n)) for n in names)


# -- writing and reading --------------------------------------------------------------------------------
def _archives(catalog: Catalog) -> list[str]:
    return sorted({str(Path(t.path).parent / s.archive) for t in catalog.knowledge.topics for s in t.sources})


def write(folder: Path, root: Path, catalog: Catalog, problems: Iterable[Problem] = ()) -> Path:
    """Write the snapshot of `catalog`, loaded from `root`, whole or not at all. Raises OSError."""
    archives = _archives(catalog)
    header = {
        "code": code_fingerprint().hex(),
        "root": str(root),
        "archives": archives,
        "files": _expected_files(root, archives),
    }
    folder.mkdir(parents=True, exist_ok=True)
    target = path_for(folder, root)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(FORMAT + b"\n")
            pickle.dump(header, f, protocol=5)
            pickler = _Pickler(f)
            pickler.dump((catalog, tuple(problems)))
            pickle.dump(pickler.tables, f, protocol=5)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _stale(header: Any, root: Path) -> str | None:
    """Why a snapshot's header rules it out before its files are even compared, or None."""
    if not isinstance(header, dict) or not isinstance(header.get("files"), dict):
        return "not a snapshot header"
    if not isinstance(header.get("archives"), list):
        return "not a snapshot header"
    if header.get("code") != code_fingerprint().hex():
        return "the code changed since it was written"
    if header.get("root") != str(root):
        return f"it was written for another folder ({header.get('root')})"
    return None


def _changed(expected: dict[str, str | None], root: Path, archives: list[str]) -> str | None:
    """Which knowledge files differ from those the snapshot was written from, in words, or None."""
    now = _expected_files(root, archives)
    changed = sorted(f for f in now.keys() | expected.keys() if now.get(f) != expected.get(f))  # None: not there
    if not changed:
        return None
    return f"{len(changed)} knowledge file(s) changed since it was written, first {changed[0]}"


def _load(f: IO[bytes], root: Path) -> tuple[Any, str | None]:
    """What the snapshot in `f` holds, and why it must not be used (None: it may)."""
    if f.readline().rstrip(b"\n") != FORMAT:
        return None, "not a snapshot of this format"
    header = pickle.load(f)
    why = _stale(header, root)
    if why:
        return None, why
    compared: list[str | None] = []

    def compare() -> None:
        try:
            compared.append(_changed(header["files"], root, header["archives"]))
        except Exception as e:  # never a snapshot trusted on a comparison that did not finish
            compared.append(f"the files could not be compared: {type(e).__name__}")

    comparing = threading.Thread(target=compare, name="snapshot-compare", daemon=True)
    comparing.start()
    try:
        value = pickle.load(f)  # our own file: written by `write`, whole, in our own cache folder
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Catalog)):
            return None, "it does not hold a catalog"
        _fill_all(value[0], pickle.load(f))
    finally:
        comparing.join()
    return value, compared[0] if compared else "the files could not be compared"


def read(
    folder: Path, root: Path, *, on_stale: Callable[[str], None] | None = None
) -> tuple[Catalog, tuple[Problem, ...]] | None:
    """The catalog (and the warnings it loaded with) of a snapshot that matches `root` and this code; else None,
    after telling `on_stale` why (nothing when there is no snapshot at all).

    The knowledge files are compared with the snapshot's while it is read, in a thread: hashing them (~50 MB
    at 100,000 entries) releases the interpreter, so it costs the start nothing. What was read is returned
    only once they all matched.
    """
    said = on_stale or (lambda _: None)
    try:
        f = path_for(folder, root).open("rb")
    except FileNotFoundError:
        return None
    except OSError as e:
        said(f"{type(e).__name__}: {e}")
        return None
    try:
        with f:
            value, why = _load(f, root)
    except Exception as e:  # truncated, unreadable, garbled, or a file vanished mid-check: a full load will do
        value, why = None, f"{type(e).__name__}: {e}"
    if why is not None:
        said(why)
        return None
    catalog, problems = value
    return catalog, tuple(problems)


def build(root: Path, folder: Path) -> tuple[Path | None, list[Problem]]:
    """Load `root` from its files (no cache), check it as a reload would, and write its snapshot into `folder`.

    Returns the snapshot's path (None when the knowledge has errors or fails its expectations) and every
    problem found. Raises OSError when the snapshot cannot be written.
    """
    result = load(root)
    if not result.ok or result.knowledge is None:
        return None, list(result.problems)
    catalog = Catalog.build(result.knowledge)
    broken = expect.check(catalog)
    if broken:
        return None, [*result.problems, *broken]
    return write(folder, root, catalog, result.problems), list(result.problems)
