"""Counts over a set of banks: questions, core and optional, minutes, languages, tags.

:func:`load_banks` finds the banks to count (in PATHs, or on the search path);
:func:`bank_stats` returns JSON-ready data (``dreamq stats --json``);
:func:`stats_table` and :func:`category_table` turn it into rows for a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .banks import Bank

TABLE_HEADER = [
    "bank",
    "category",
    "questions",
    "core",
    "optional",
    "minutes",
    "languages (all questions)",
    "languages (any question)",
    "tags",
]
CATEGORY_HEADER = ["category", "banks", "questions", "core", "optional", "minutes"]


def load_banks(
    paths: Sequence[str | Path] = (), *, bank_dirs: Sequence[str | Path] = ()
) -> Mapping[str, Bank]:
    """The banks in ``paths`` (files or folders; domains and studies there are
    read but not counted), or every bank on the search path when none are
    given.  Raises :class:`~dreamq.errors.DreamqError` listing every file that
    does not load, or every path that does not exist."""
    from .catalog import load_catalog, load_layers
    from .errors import DreamqError, Problem, display_path

    if not paths:
        return load_catalog(bank_dirs).banks
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise DreamqError([Problem("no such file or directory", display_path(p)) for p in missing])
    catalog, problems = load_layers([([Path(p) for p in paths], "file")])
    if problems:
        raise DreamqError(problems)
    return catalog.banks


def bank_stats(banks: Mapping[str, Bank]) -> dict[str, Any]:
    """Per bank, per category and overall counts, as JSON-ready data.

    ``{"banks": [...], "categories": [...], "totals": {...}}``, banks sorted by
    category then id, categories by name.  A bank's ``languages["all"]`` are
    the languages every one of its questions is written in; ``["any"]`` those
    at least one is.  ``tags`` maps each tag to how many questions carry it,
    most used first.
    """
    rows = [_one_bank(bank) for bank in sorted(banks.values(), key=lambda b: (b.category, b.id))]
    categories: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = categories.setdefault(
            row["category"],
            {"category": row["category"], "banks": 0, **dict.fromkeys(_COUNTED, 0), "tags": {}},
        )
        total["banks"] += 1
        for key in _COUNTED:
            total[key] += row[key]
        total["tags"] = _merge(total["tags"], row["tags"])
    totals: dict[str, Any] = {"banks": len(rows), "categories": len(categories)}
    for key in _COUNTED:
        totals[key] = sum(row[key] for row in rows)
    every = [set(row["languages"]["all"]) for row in rows if row["questions"]]
    totals["languages"] = {
        "all": _languages(set.intersection(*every)) if every else [],
        "any": _languages(set().union(*(row["languages"]["any"] for row in rows))),
    }
    totals["tags"] = {}
    for row in rows:
        totals["tags"] = _merge(totals["tags"], row["tags"])
    return {
        "banks": rows,
        "categories": [categories[name] for name in sorted(categories)],
        "totals": totals,
    }


_COUNTED = ("questions", "core", "optional", "minutes")


def _one_bank(bank: Bank) -> dict[str, Any]:
    questions = bank.questions
    language_sets = [set(q.text) for q in questions]
    tags = Counter(tag for q in questions for tag in q.tags)
    return {
        "id": bank.id,
        "category": bank.category,
        "title": bank.title.get(bank.language) or next(iter(bank.title.values()), ""),
        "path": str(bank.path),
        "origin": bank.origin,
        "questions": len(questions),
        "core": sum(1 for q in questions if q.priority == "core"),
        "optional": sum(1 for q in questions if q.priority != "core"),
        "minutes": sum(q.minutes for q in questions),
        "languages": {
            "all": _languages(set.intersection(*language_sets)) if language_sets else [],
            "any": _languages(set().union(*language_sets)),
        },
        "tags": _sorted_counts(tags),
    }


def _languages(languages: set[str]) -> list[str]:
    # English first (the format's default language), then the rest by name.
    return sorted(languages, key=lambda lang: (lang != "en", lang))


def _sorted_counts(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _merge(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    merged = Counter(a)
    merged.update(b)
    return _sorted_counts(merged)


def stats_table(stats: Mapping[str, Any], max_tags: int = 3) -> list[list[str]]:
    """Rows for a table of banks: a header, one row per bank, and a total row.
    The tags column shows the ``max_tags`` most used tags with their counts."""
    rows = [list(TABLE_HEADER)]
    for bank in stats["banks"]:
        rows.append(
            [
                bank["id"],
                bank["category"],
                *(str(bank[key]) for key in _COUNTED),
                ", ".join(bank["languages"]["all"]) or "-",
                ", ".join(bank["languages"]["any"]) or "-",
                _tags(bank["tags"], max_tags),
            ]
        )
    totals = stats["totals"]
    rows.append(
        [
            f"total ({totals['banks']} banks)",
            f"{totals['categories']} categories",
            *(str(totals[key]) for key in _COUNTED),
            ", ".join(totals["languages"]["all"]) or "-",
            ", ".join(totals["languages"]["any"]) or "-",
            _tags(totals["tags"], max_tags),
        ]
    )
    return rows


def category_table(stats: Mapping[str, Any]) -> list[list[str]]:
    """Rows for a table of categories: a header and one row per category."""
    rows = [list(CATEGORY_HEADER)]
    for category in stats["categories"]:
        rows.append(
            [
                category["category"],
                str(category["banks"]),
                *(str(category[key]) for key in _COUNTED),
            ]
        )
    return rows


def _tags(tags: Mapping[str, int], limit: int) -> str:
    shown = [f"{tag} ({n})" for tag, n in list(tags.items())[:limit]]
    if len(tags) > limit:
        shown.append(f"+{len(tags) - limit} more")
    return ", ".join(shown) or "-"
