"""Choosing a localized value: the one place that decides the fallback order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pick(values: Mapping[str, Any], language: str, fallback: str, default: Any = "") -> Any:
    """``values[language]``, else the value in the file's own ``fallback``
    language, else any value there is, else ``default``."""
    if language in values:
        return values[language]
    if fallback in values:
        return values[fallback]
    return next(iter(values.values()), default)
