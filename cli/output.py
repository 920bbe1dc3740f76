"""Writing a file a command was asked to write, without ever harming what is already there.

``crossover report --out PATH`` may run as root, in a shared folder, on a full or
read-only disk. The report goes to a temporary file created exclusively beside the target
(never through a link someone planted at its name), and is renamed over the target only
when the target is a regular file or does not exist: a device (``/dev/null``), a FIFO, a
folder or a symbolic link is refused, and a failure leaves the target as it was.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from scenario import InputError

__all__ = ["write_file_safely"]

_WHY = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file is larger than this system allows",
}


def _refuse_unusual_target(out: Path) -> None:
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode):
        return
    kind = ("a symbolic link" if stat.S_ISLNK(info.st_mode) else "a folder" if stat.S_ISDIR(info.st_mode)
            else "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or special file")
    raise InputError(f"{out} is {kind}, not a regular file; give the path of a file to write (it is replaced whole).")


def write_file_safely(out: str | Path, data: bytes) -> None:
    """Write ``data`` to ``out`` whole or not at all.

    Raises:
        InputError: the folder is missing, the target is not a regular file, or the write
            failed (read-only, full, no permission), with the reason in words.
    """
    out = Path(out)
    folder = out.parent
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist; create it or write somewhere else")
    _refuse_unusual_target(out)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    tmp = folder / f".{out.name}.{secrets.token_hex(8)}.partial"
    try:
        fd = os.open(tmp, flags, 0o644)  # a fresh, unguessable name: nothing can be waiting at it
    except OSError as exc:
        raise InputError(f"cannot write {out}: {_WHY.get(exc.errno, exc.strerror)}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        _refuse_unusual_target(out)  # again, just before: it may have changed while writing
        os.replace(tmp, out)  # a half-written report never replaces a good one
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {out}: {_WHY.get(exc.errno, exc.strerror)}; nothing was changed") from None
    except InputError:
        tmp.unlink(missing_ok=True)
        raise
