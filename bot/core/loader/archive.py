"""Reading a knowledge file without trusting it: inside the knowledge folder, a regular file, bounded.

A knowledge edit is the one input the loader reads paths from, and whatever it reads can end up quoted in a
message (the closest passage of a misquote) that reaches the maintainers' channel, /healthz and CI logs. So
a path may not leave the folder (no absolute path, no `..`, no symlink pointing out of it), only a regular
file is read (a FIFO would block the reload, /dev/zero would never end), and never more than a set size.
Each refusal is a short sentence that names the path as written and quotes nothing from the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath

#: An archived article is some kilobytes; a topic file at 100k entries some tens of megabytes.
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024
MAX_TOPIC_BYTES = 256 * 1024 * 1024

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class UnsafeRead(Exception):
    """Why a file was not read, in words a maintainer can act on (never any of the file's content)."""


def inside(folder: Path, written: str) -> Path:
    """The file `written` (as a topic file names it) names inside `folder`, or `UnsafeRead` saying why not."""
    pure = PurePath(written)
    if not written.strip() or pure.is_absolute() or written.startswith("~"):
        raise UnsafeRead(f"{written!r} must be a path inside the knowledge folder, such as sources/name.txt")
    if ".." in pure.parts:
        raise UnsafeRead(f"{written!r} may not use '..': archived texts stay inside the knowledge folder")
    path = folder / pure
    root = os.path.realpath(folder)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        raise UnsafeRead(f"{written!r} leads outside the knowledge folder (a link?); copy the text into the folder")
    return path


def read_bytes(path: Path, limit: int, name: str | None = None) -> bytes:
    """Up to `limit` bytes of a regular file, never blocking on a FIFO or a device, never reading past `limit`."""
    shown = repr(name if name is not None else path.name)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before open: opening some devices has effects
            raise UnsafeRead(f"{shown} is not a regular file (a folder, a pipe or a device?)")
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise UnsafeRead(f"{shown} not found") from None
    except PermissionError:
        raise UnsafeRead(f"{shown} cannot be read (permission denied)") from None
    except OSError as e:
        raise UnsafeRead(f"{shown} cannot be read ({e.strerror or type(e).__name__})") from None
    try:
        st = os.fstat(fd)  # the file opened, which may not be the one stat() saw
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeRead(f"{shown} is not a regular file (a folder, a pipe or a device?)")
        if st.st_size > limit:
            raise UnsafeRead(f"{shown} is {st.st_size:,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeRead(f"{shown} grew past the limit of {limit:,} bytes while it was read")
        return b"".join(chunks)
    except OSError as e:
        raise UnsafeRead(f"{shown} cannot be read ({e.strerror or type(e).__name__})") from None
    finally:
        os.close(fd)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, or `UnsafeRead` naming the line of the first byte that is not UTF-8 (never the byte's text)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnsafeRead(f"{name!r} is not UTF-8 text (line {line}); save it as UTF-8") from None


def read_archive(folder: Path, written: str) -> str:
    """An archived text named in a topic file: inside `folder`, a regular UTF-8 file of bounded size."""
    return decode(read_bytes(inside(folder, written), MAX_ARCHIVE_BYTES, written), written)
