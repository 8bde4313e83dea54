"""Reading one dreamq file: YAML → located data → checked against its format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._schema import Checker
from ._yamlload import DEFAULT_LIMITS, Limits, Mark, YMap, load_yaml
from .errors import DreamqError, Problem

KINDS = ("bank", "domain", "study")
_KIND_LINE = re.compile(r"^kind:\s*[\"']?(bank|domain|study)\b", re.M)


def parse_document(
    text: str, filename: str, expected: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, YMap, Checker]:
    """Parse one dreamq file's text and check it against the format its ``kind`` names.

    Returns the kind, the located data and a :class:`Checker` the caller adds
    its own (semantic) problems to.  Raises :class:`DreamqError` when the text
    is not YAML or does not fit its format.
    """
    from ._formats import FORMAT_VERSION, SPECS

    try:
        data = load_yaml(text, filename, limits)
    except DreamqError as exc:
        if _KIND_LINE.search(text):
            raise
        first = exc.problems[0]
        raise DreamqError(
            Problem(
                f"not a dreamq file (no kind: bank, domain or study), and YAML says: {first.message}",
                filename,
                first.line,
                first.column,
                hint="keep other YAML files (CI workflows, configuration) out of bank directories",
            )
        ) from None
    checker = Checker(filename)
    if data is None:
        raise DreamqError(
            Problem(
                "file is empty",
                filename,
                1,
                hint=f"a dreamq file starts with kind: {expected or 'bank'} and format: 1",
            )
        )
    if not isinstance(data, YMap):
        raise DreamqError(
            Problem(
                "expected a mapping at the top of the file (kind: ..., id: ..., ...)",
                filename,
                1,
            )
        )
    kind = data.get("kind")
    if kind not in KINDS:
        mark = data.value_marks.get("kind", data.mark)
        shown = "no kind key" if "kind" not in data else f'kind "{kind}"'
        raise DreamqError(
            Problem(
                f"{shown}: a dreamq file says what it holds with kind: bank, domain or study",
                filename,
                mark.line,
                mark.column,
                hint="add kind: bank (or domain, study) at the top; "
                "keep other YAML files out of bank directories",
            )
        )
    if expected is not None and kind != expected:
        raise DreamqError(
            Problem(f"this file holds a {kind}, not a {expected}", filename, data.mark.line)
        )
    version = data.get("format")
    if "format" in data and version != FORMAT_VERSION and str(version) != str(FORMAT_VERSION):
        mark = data.value_marks["format"]
        raise DreamqError(
            Problem(
                f"format {version} is not one this dreamq reads (it reads format {FORMAT_VERSION})",
                filename,
                mark.line,
                mark.column,
                hint="upgrade dreamq, or write format: 1",
            )
        )
    SPECS[kind].check(data, data.mark, "", checker)
    if checker.problems:
        raise DreamqError(capped(checker.problems))
    return kind, data, checker


def mark_of(data: YMap, key: str) -> Mark:
    """Where ``key``'s value stands, or the mapping itself when the key is absent."""
    return data.value_marks.get(key, data.mark)


def localized(
    data: Mapping[str, Any], key: str, base_language: str, default: Any = None
) -> dict[str, Any]:
    """``{language: value}`` for ``key``: the base value plus any translations of it."""
    values: dict[str, Any] = {}
    if key in data:
        values[base_language] = _frozen(data[key])
    elif default is not None:
        values[base_language] = default
    for lang, block in (data.get("translations") or {}).items():
        if key in block:
            values[lang] = _frozen(block[key])
    return values


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def check_translated_lists(data: YMap, keys: tuple[str, ...], what: str, checker: Checker) -> None:
    """Each translation of a list (notes, probes) must have as many items as the original."""
    for lang, block in (data.get("translations") or {}).items():
        for key in keys:
            base = data.get(key) or []
            if key in block and len(block[key]) != len(base):
                checker.add(
                    f"{what}: translations.{lang}.{key} has {len(block[key])} item(s) "
                    f"but {key} has {len(base)}",
                    block.value_marks.get(key, block.mark),
                    hint="translate every item, in the same order",
                )
            elif key not in block and base:
                checker.add(
                    f"{what}: translations.{lang} has no {key}",
                    block.mark,
                    hint=f"add translations.{lang}.{key} with {len(base)} item(s)",
                )


#: Most problems reported for one file; the rest are counted, not listed.
MAX_PROBLEMS_PER_FILE = 50


def capped(problems: list[Problem]) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS_PER_FILE` problems, plus a line counting the rest."""
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    rest = len(problems) - MAX_PROBLEMS_PER_FILE
    first = problems[0]
    return [
        *problems[:MAX_PROBLEMS_PER_FILE],
        Problem(f"... and {rest} more problem(s) in this file", first.file, more=rest),
    ]
