"""Where dreamq keeps its caches, and a small content-addressed store.

Caches live in ``$DREAMQ_CACHE_DIR``, else ``$XDG_CACHE_HOME/dreamq``, else
``~/.cache/dreamq``.  ``DREAMQ_CACHE_DIR=off`` turns every cache off.  A cache
that cannot be written is skipped silently: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "DREAMQ_CACHE_DIR"


def cache_dir(name: str) -> Path | None:
    """A writable cache directory for ``name``, or None when caching is off or impossible."""
    setting = os.environ.get(CACHE_ENV, "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        base = Path(setting)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "dreamq"
    directory = base / name
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)  # mode applies to the last part
        directory.mkdir(exist_ok=True, mode=0o700)
    except OSError:
        return None
    return directory if os.access(directory, os.W_OK) else None


def read_json(directory: Path, key: str) -> Any:
    """The JSON stored under ``key``, or None when absent or unreadable.

    JSON, not pickle or marshal: a cache entry is data, like everything else
    dreamq reads."""
    try:
        return json.loads((directory / key[:2] / f"{key}.json").read_bytes())
    except (OSError, ValueError):
        return None


def write_json(directory: Path, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` atomically; failures are ignored."""
    folder = directory / key[:2]
    try:
        folder.mkdir(exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
