"""Loading a knowledge folder: every topic file, each parsed again only when it (or a source) changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.core.diskcache import DiskCache
from bot.core.gcpause import bulk_build
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
    entry = cache.path(str(path).encode(), path.read_bytes())
    hit = cache.get(entry)
    if isinstance(hit, tuple) and len(hit) == 3:
        archives, topic, problems = hit
        try:
            if all(_sha((path.parent / a).read_bytes()) == h for a, h in archives.items()):
                return topic, problems
        except OSError:
            pass
    topic, problems = load_topic(path)
    if topic is not None:
        archives = {s.archive: _sha((path.parent / s.archive).read_bytes()) for s in topic.sources}
        cache.put(entry, (archives, topic, problems))
    return topic, problems


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
        yield f.read_bytes()


def load(root: Path | str, cache_dir: Path | None = None) -> LoadResult:
    """Load a knowledge folder (or one file). Returns knowledge only when there is no error at all.

    With `cache_dir`, files unchanged since they last loaded cleanly are not parsed again.
    """
    root = Path(root)
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
        with bulk_build():
            topic, found = _cached_load(f, cache) if cache else load_topic(f)
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
    if has_errors(problems):
        return LoadResult(None, problems)
    digest = hashlib.sha256()
    for chunk in _fingerprint([*files, *sorted(set(archives))]):
        digest.update(chunk)
    return LoadResult(Knowledge(tuple(topics), digest.hexdigest()[:12], time.time()), problems)
