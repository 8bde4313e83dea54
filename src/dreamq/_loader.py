"""Loading one file as a bank, domain or study, through a content-addressed cache.

Parsing a large bank costs far more than reading it back as JSON, so a bank
that checked clean is stored under the hash of its bytes (and of dreamq's
version); the next load of the same bytes skips YAML and the format checks.
A changed file has another hash, so the cache can never serve a stale bank.
Files with problems are never cached: every run reports them afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ._cache import cache_dir, read_json, write_json
from ._documents import parse_document
from ._version import __version__
from ._yamlload import DEFAULT_LIMITS, Limits, decode, read_bytes
from .banks import Bank, bank_from_data, bank_from_plain, bank_to_plain
from .domains import Domain, domain_from_data
from .errors import display_path
from .studies import Study, study_from_data

#: Bump when the cached form of a bank changes.
CACHE_LAYOUT = 1


def load_file(
    path: Path, expected: str | None = None, origin: str = "file", limits: Limits = DEFAULT_LIMITS
) -> Bank | Domain | Study:
    """Load ``path`` as the kind it declares (``expected`` when given).

    Raises :class:`~dreamq.errors.DreamqError` listing the file's problems.
    """
    raw = read_bytes(path, limits)
    directory = cache_dir("banks") if expected in (None, "bank") else None
    key = None
    if directory is not None:
        salt = f"dreamq {__version__} cache {CACHE_LAYOUT}\0".encode()
        key = hashlib.sha256(salt + raw).hexdigest()
        plain = read_json(directory, key)
        if isinstance(plain, dict):
            try:
                return bank_from_plain(plain, path, origin)
            except (KeyError, TypeError, ValueError):
                pass  # an entry from elsewhere or damaged: parse afresh
    filename = display_path(path)
    kind, data, checker = parse_document(decode(raw, filename), filename, expected, limits)
    if kind == "bank":
        bank = bank_from_data(data, path, checker, origin)
        if directory is not None and key is not None:
            write_json(directory, key, bank_to_plain(bank))
        return bank
    if kind == "domain":
        return domain_from_data(data, path, checker, origin)
    return study_from_data(data, path, checker, origin)
