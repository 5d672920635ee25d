"""Writing a file so that it is never torn: a temporary file in the same directory, fsync, then a rename (or a
hard link, which never overwrites), then fsync of the directory. Used by ``snapshot`` and by the backups of
``fix --apply``; errors are the callers' to word (they raise OSError here)."""

from __future__ import annotations

import contextlib
import os
import tempfile


def write_atomic(path: str, data: bytes, *, mode: int = 0o644, overwrite: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically. Without ``overwrite``, False (nothing written) if ``path`` exists,
    even when it appeared while writing. OSError for anything else."""
    if not overwrite and os.path.lexists(path):
        return False
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        elif not _place_new(tmp, path):
            return False
        fsync_directory(directory)
        return True
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _place_new(tmp: str, path: str) -> bool:
    """Move ``tmp`` to ``path`` only if ``path`` does not exist (a hard link fails if it appeared meanwhile)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system
        if os.path.lexists(path):
            return False
        os.replace(tmp, path)
    return True


def fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["fsync_directory", "write_atomic"]
