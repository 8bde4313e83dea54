"""Writing outputs without ever leaving a half-written or clobbered file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import DreamqError, Problem, display_path


def write_atomic(path: str | Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same
    directory and an atomic rename.  Refuses to replace an existing file (or a
    symlink, even a dangling one) unless ``force`` is true."""
    path = Path(path)
    shown = display_path(path)
    if (path.exists() or path.is_symlink()) and not force:
        raise DreamqError(
            Problem("file exists; nothing was written", shown, hint="pass --force to overwrite it")
        )
    if path.is_dir():
        raise DreamqError(Problem("is a directory; nothing was written", shown))
    directory = path.parent
    if not directory.is_dir():
        raise DreamqError(
            Problem("directory does not exist; nothing was written", display_path(directory))
        )
    data = text.encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise DreamqError(
            Problem(
                f"cannot write in this directory: {exc.strerror}; nothing was written",
                display_path(directory),
            )
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        if path.is_symlink():
            path.unlink()  # replace the link itself, never the file it points to
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DreamqError(
            Problem(f"cannot write file: {exc.strerror}; nothing was written", shown)
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
