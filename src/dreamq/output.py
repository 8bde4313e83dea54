"""Writing outputs without ever leaving a half-written or clobbered file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import DreamqError, Problem, display_path


def write_atomic(path: str | Path, content: str | bytes, *, force: bool = False) -> None:
    """Write ``content`` (text is written as UTF-8) to ``path`` through a
    temporary file in the same directory and an atomic rename.  Refuses to
    replace an existing file (or a symlink, even a dangling one) unless
    ``force`` is true."""
    write_files([(Path(path), content)], force=force)


def write_files(files: Sequence[tuple[Path, str | bytes]], *, force: bool = False) -> None:
    """Write several files all or nothing: every target is checked, then every
    file is written to a temporary file beside its target, and only then are
    they renamed into place.  A problem with any of them writes none."""
    check_targets([path for path, _ in files], force=force)
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files:
            staged.append((_stage(Path(path), content), Path(path)))
        for tmp, path in staged:
            if path.is_symlink():
                path.unlink()  # replace the link itself, never the file it points to
            os.replace(tmp, path)
    except OSError as exc:
        raise DreamqError(
            Problem(f"cannot write file: {exc.strerror}; nothing was written", display_path(path))
        ) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def check_targets(paths: Sequence[str | Path], *, force: bool = False) -> None:
    """Refuse, before any work is done, targets that :func:`write_files` would
    refuse (an existing file without ``force``, a directory, a missing folder)."""
    for path in paths:
        _check_target(Path(path), force)


def _check_target(path: Path, force: bool) -> None:
    shown = display_path(path)
    if (path.exists() or path.is_symlink()) and not force:
        raise DreamqError(
            Problem("file exists; nothing was written", shown, hint="pass --force to overwrite it")
        )
    if path.is_dir():
        raise DreamqError(Problem("is a directory; nothing was written", shown))
    if not path.parent.is_dir():
        what = "is not a directory" if path.parent.exists() else "directory does not exist"
        raise DreamqError(Problem(f"{what}; nothing was written", display_path(path.parent)))


def _stage(path: Path, content: str | bytes) -> str:
    """``content`` in a synced temporary file beside ``path``; its name."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DreamqError(
            Problem(
                f"cannot write in this directory: {exc.strerror}; nothing was written",
                display_path(path.parent),
            )
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_tree(
    directory: str | Path, files: Sequence[tuple[str, str | bytes]], *, force: bool = False
) -> list[Path]:
    """Write ``files`` (paths relative to ``directory``, which is made if
    missing) all or nothing.  Any existing file is an error naming them all
    unless ``force``.  Returns the paths written."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise DreamqError(
            Problem("is not a directory; nothing was written", display_path(directory))
        )
    targets = [(directory / name, content) for name, content in files]
    existing = [path for path, _ in targets if path.exists() or path.is_symlink()]
    if existing and not force:
        raise DreamqError(
            Problem(
                f"{len(existing)} file(s) exist: "
                f"{', '.join(display_path(p) for p in existing)}; nothing was written",
                display_path(directory),
                hint="pass --force to overwrite them, or choose an empty directory",
            )
        )
    try:
        for path, _ in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DreamqError(
            Problem(
                f"cannot make the directory: {exc.strerror}; nothing was written",
                display_path(directory),
            )
        ) from None
    write_files(targets, force=force)
    return [path for path, _ in targets]
