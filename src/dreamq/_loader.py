"""Loading one file as a bank, domain or study, through a content-addressed cache.

Parsing and checking YAML costs far more than reading JSON back, so a file
that checked clean is stored under the hash of its bytes (and of dreamq's
version); the next load of the same bytes skips YAML and the format checks,
and a `dreamq generate` on unchanged files does not even import the YAML
parser.  A changed file has another hash, so the cache never serves stale
data.  Files with problems are never cached: every run reports them afresh.
"""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._version import __version__
from ._yamlload import DEFAULT_LIMITS, Limits, read_bytes
from .banks import Bank, bank_from_plain, bank_to_plain
from .domains import Domain, domain_from_plain, domain_to_plain
from .errors import display_path
from .studies import Study, study_from_plain, study_to_plain

#: Bump when the cached form of a bank, domain or study changes.
CACHE_LAYOUT = 4
#: The modules whose code decides what a file loads as.
_LOADING_MODULES = (
    "_builders", "_documents", "_formats", "_loader", "_schema", "_yamlload",
    "banks", "domains", "fill", "studies",
)  # fmt: skip


@lru_cache(maxsize=1)
def _salt() -> bytes:
    """dreamq's version and a hash of its loading code: an editable install
    whose code changed never reads entries an older build wrote."""
    import hashlib

    code = hashlib.sha256()
    here = Path(__file__).parent
    for name in _LOADING_MODULES:
        code.update((here / f"{name}.py").read_bytes())
    return f"dreamq {__version__} cache {CACHE_LAYOUT} {code.hexdigest()}\0".encode()


_FROM_PLAIN = {"bank": bank_from_plain, "domain": domain_from_plain, "study": study_from_plain}
_TO_PLAIN: dict[type, tuple[str, Any]] = {
    Bank: ("bank", bank_to_plain),
    Domain: ("domain", domain_to_plain),
    Study: ("study", study_to_plain),
}


def load_file(
    path: Path, expected: str | None = None, origin: str = "file", limits: Limits = DEFAULT_LIMITS
) -> Bank | Domain | Study:
    """Load ``path`` as the kind it declares (``expected`` when given).

    Raises :class:`~dreamq.errors.DreamqError` listing the file's problems.
    """
    # Loading allocates many small objects and frees none; the cyclic garbage
    # collector's passes over them only cost time (a third of a large bank's).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_file(path, expected, origin, limits)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_file(
    path: Path, expected: str | None, origin: str, limits: Limits
) -> Bank | Domain | Study:
    import hashlib

    from ._cache import cache_dir, read_json, write_json

    raw = read_bytes(path, limits)
    directory = cache_dir("files")
    key = None
    if directory is not None:
        key = hashlib.sha256(_salt() + raw).hexdigest()
        entry = read_json(directory, key)
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if kind in _FROM_PLAIN and expected in (None, kind):
            try:
                return _FROM_PLAIN[kind](entry["data"], path, origin)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a damaged entry: parse afresh
    item = _parse(raw, path, expected, origin, limits)
    if directory is not None and key is not None:
        kind, to_plain = _TO_PLAIN[type(item)]
        write_json(directory, key, {"kind": kind, "data": to_plain(item)})
    return item


def load_plain_yaml(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Plain data from a YAML file that is not a bank, domain or study (a
    template directory's labels.yaml), through the same cache."""
    import hashlib

    from ._cache import cache_dir, read_json, write_json

    raw = read_bytes(path, limits)
    directory = cache_dir("files")
    key = None
    if directory is not None:
        key = hashlib.sha256(_salt() + b"plain\0" + raw).hexdigest()
        entry = read_json(directory, key)
        if isinstance(entry, dict) and entry.get("kind") == "plain":
            return entry.get("data")
    from ._yamlload import decode, load_yaml

    data = load_yaml(decode(raw, display_path(path)), display_path(path), limits)
    if directory is not None and key is not None:
        write_json(directory, key, {"kind": "plain", "data": data})
    return data


def _parse(
    raw: bytes, path: Path, expected: str | None, origin: str, limits: Limits
) -> Bank | Domain | Study:
    from ._builders import bank_from_data, domain_from_data, study_from_data
    from ._documents import parse_document
    from ._yamlload import decode

    filename = display_path(path)
    kind, data, checker = parse_document(decode(raw, filename), filename, expected, limits)
    build = {"bank": bank_from_data, "domain": domain_from_data, "study": study_from_data}
    return build[kind](data, path, checker, origin)
