"""One on-disk cache of pickled values, for the parsed topics and their search indexes.

Keys include a fingerprint of every file of `bot/core`: a value built by other code (another checker,
another index, another model) is never read back, whatever file that code was moved to. The cache is ours,
written by this process or one like it; a value that cannot be read for any reason is simply built again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

CORE = Path(__file__).parent


@cache
def code_fingerprint() -> bytes:
    """A digest of the core's code and schema, names included; compiled files are left out."""
    h = hashlib.sha256()
    for f in sorted(p for p in CORE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(CORE).as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    return h.digest()


class DiskCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, *parts: bytes, suffix: str = ".pickle") -> Path:
        h = hashlib.sha256(code_fingerprint())
        for part in parts:
            h.update(hashlib.sha256(part).digest())
        return self.folder / f"{h.hexdigest()}{suffix}"

    def get(self, entry: Path) -> object | None:
        try:
            with entry.open("rb") as f:
                value: object = pickle.load(f)  # our own files, in our own cache folder
            return value
        except Exception:  # a missing, truncated or stale entry is a miss, whatever the unpickler raised
            return None

    def put(self, entry: Path, value: object) -> None:
        """Write whole or not at all (a reader never sees half a file); a cache that cannot be written only
        costs time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except OSError:
            pass
