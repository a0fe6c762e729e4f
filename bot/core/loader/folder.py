"""Loading a knowledge folder: every topic file, each parsed again only when it (or a source) changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.core.diskcache import DiskCache
from bot.core.gcpause import bulk_build
from bot.core.loader.archive import MAX_ARCHIVE_BYTES, MAX_TOPIC_BYTES, UnsafeRead, inside, read_bytes
from bot.core.loader.build import load_topic
from bot.core.loader.problems import LoadResult, Problem, Severity, has_errors
from bot.core.model import Knowledge, Topic


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cached_load(path: Path, cache: DiskCache) -> tuple[Topic | None, list[Problem]]:
    """`load_topic`, remembered by content: an unchanged file (and unchanged sources) is not parsed again.

    Parsing is what costs at scale (PyYAML reads ~2 MB/s), so a reload re-parses only the files that
    changed. Only files that loaded without error are cached.
    """
    entry = cache.path(str(path).encode(), read_bytes(path, MAX_TOPIC_BYTES))
    hit = cache.get(entry)
    if isinstance(hit, tuple) and len(hit) == 3:
        archives, topic, problems = hit
        try:
            if all(_sha(_archive(path, a)) == h for a, h in archives.items()):
                return topic, problems
        except UnsafeRead:
            pass
    topic, problems = load_topic(path)
    if topic is not None:
        archives = {s.archive: _sha(_archive(path, s.archive)) for s in topic.sources}
        cache.put(entry, (archives, topic, problems))
    return topic, problems


#: What a reload remembers of each topic file it loaded: the file's digest, its archives' digests, the result.
Remembered = dict[str, tuple[str, dict[str, str], Topic, list[Problem]]]


def _remembered_load(path: Path, cache: DiskCache | None, memo: Remembered) -> tuple[Topic | None, list[Problem]]:
    """A topic file unchanged since the last load (its sources too) is the very `Topic` it was: a reload
    rebuilds only the files an edit touched, and the search index of an unchanged topic is kept as well."""
    key = _sha(read_bytes(path, MAX_TOPIC_BYTES))
    hit = memo.get(str(path))
    if hit is not None and hit[0] == key:
        try:
            if all(_sha(_archive(path, a)) == h for a, h in hit[1].items()):
                return hit[2], hit[3]
        except UnsafeRead:
            pass
    topic, problems = _cached_load(path, cache) if cache else load_topic(path)
    if topic is not None:
        archives = {s.archive: _sha(_archive(path, s.archive)) for s in topic.sources}
        memo[str(path)] = (key, archives, topic, problems)
    return topic, problems


def _archive(topic_file: Path, written: str) -> bytes:
    return read_bytes(inside(topic_file.parent, written), MAX_ARCHIVE_BYTES, written)


def _load_one(
    root: Path, path: Path, cache: DiskCache | None, memo: Remembered | None
) -> tuple[Topic | None, list[Problem]]:
    """One topic file, whatever is wrong with it: every failure is a problem at a line, never an exception.

    A file that cannot be read (removed mid-reload, a folder named *.yaml, a link out of the folder) is one
    line saying so; anything else that goes wrong is named by its kind only, since its text could quote a file.
    """
    try:
        if root.is_dir():
            inside(root, path.name)
        with bulk_build():
            if memo is not None:
                return _remembered_load(path, cache, memo)
            return _cached_load(path, cache) if cache else load_topic(path)
    except UnsafeRead as e:
        return None, [Problem(str(path), 1, 1, Severity.ERROR, f"cannot read the file: {e}")]
    except RecursionError:
        return None, [Problem(str(path), 1, 1, Severity.ERROR, "the file is nested too deeply to check")]
    except Exception as e:  # the loader's promise: a problem, never an exception
        message = f"the checker failed on this file ({type(e).__name__}); the edit is refused"
        return None, [Problem(str(path), 1, 1, Severity.ERROR, message)]


def topic_files(root: Path) -> list[Path]:
    """The topic files of a knowledge folder, or the one file named."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.name.endswith(".expect.yaml")
    )


def _fingerprint(files: Iterable[Path]) -> Iterator[bytes]:
    for f in files:
        yield f.name.encode()
        yield read_bytes(f, MAX_TOPIC_BYTES, str(f))


def load(root: Path | str, cache_dir: Path | None = None, memo: Remembered | None = None) -> LoadResult:
    """Load a knowledge folder (or one file). Returns knowledge only when there is no error at all.

    With `cache_dir`, files unchanged since they last loaded cleanly are not parsed again; with `memo` (kept by
    the caller from one load to the next), such files are not even read back from the cache. Never raises: a
    failure of any kind is a problem, so a running bot keeps its last good knowledge and says why.
    """
    try:
        return _load(Path(root), cache_dir, memo)
    except Exception as e:  # e.g. the folder itself removed or unreadable mid-reload
        message = f"the knowledge could not be loaded ({type(e).__name__}); the edit is refused"
        return LoadResult(None, [Problem(str(root), 1, 1, Severity.ERROR, message)])


def _load(root: Path, cache_dir: Path | None, memo: Remembered | None) -> LoadResult:
    if not root.exists():
        return LoadResult(None, [Problem(str(root), 1, 1, Severity.ERROR, "no such file or folder")])
    files = topic_files(root)
    if not files:
        return LoadResult(None, [Problem(str(root), 1, 1, Severity.ERROR, "no topic files (*.yaml) in this folder")])
    cache = DiskCache(cache_dir) if cache_dir else None
    problems: list[Problem] = []
    topics: list[Topic] = []
    commands: dict[str, str] = {}
    archives: list[Path] = []
    for f in files:
        topic, found = _load_one(root, f, cache, memo)
        problems.extend(found)
        if topic is None:
            continue
        if topic.command in commands:
            clash = f"{topic.command} is already answered by {commands[topic.command]}"
            problems.append(Problem(str(f), 1, 1, Severity.ERROR, clash))
            continue
        commands[topic.command] = str(f)
        topics.append(topic)
        archives.extend(f.parent / s.archive for s in topic.sources)
    if memo is not None:
        for gone in memo.keys() - {str(f) for f in files}:  # a deleted topic file is not kept alive
            del memo[gone]
    if has_errors(problems):
        return LoadResult(None, problems)
    digest = hashlib.sha256()
    try:
        for chunk in _fingerprint([*files, *sorted(set(archives))]):
            digest.update(chunk)
    except UnsafeRead as e:  # changed or removed since it was checked: check again at the next reload
        return LoadResult(None, [*problems, Problem(str(root), 1, 1, Severity.ERROR, f"cannot read the file: {e}")])
    return LoadResult(Knowledge(tuple(topics), digest.hexdigest()[:12], time.time()), problems)
