"""dreamq.stats: counts over banks, from real bank files."""

from __future__ import annotations

import json

import pytest

from dreamq.catalog import load_catalog
from dreamq.errors import DreamqError
from dreamq.stats import (
    CATEGORY_HEADER,
    TABLE_HEADER,
    bank_stats,
    category_table,
    load_banks,
    stats_table,
)

from .helpers import write

ALPHA = """\
kind: bank
format: 1
id: alpha
category: curiosity
title: Alpha
questions:
  - id: one
    text: One?
    minutes: 3
    priority: core
    tags: [open, stress]
    translations:
      zh-Hant:
        text: 一？
      fr:
        text: Un ?
  - id: two
    text: Two?
    minutes: 4
    tags: [open]
    translations:
      zh-Hant:
        text: 二？
  - id: three
    text: Three?
    minutes: 5
    priority: optional
"""

BETA = """\
kind: bank
format: 1
id: beta
category: curiosity
title: Beta
questions:
  - id: only
    text: Only?
    minutes: 2
    priority: core
    tags: [close]
"""

GAMMA = """\
kind: bank
format: 1
id: gamma
category: dreamer
language: zh-Hant
title: 夢想
questions:
  - id: dream
    text: 夢？
    minutes: 6
    priority: core
    translations:
      en:
        text: Dream?
"""


def small_stats(tmp_path):
    directory = tmp_path / "banks"
    write(directory, "alpha.yaml", ALPHA)
    write(directory, "beta.yaml", BETA)
    write(directory, "sub/gamma.yml", GAMMA)
    catalog = load_catalog([directory], include_bundled=False)
    return bank_stats(catalog.banks)


def test_per_bank_counts(tmp_path):
    stats = small_stats(tmp_path)
    banks = {b["id"]: b for b in stats["banks"]}
    assert [b["id"] for b in stats["banks"]] == ["alpha", "beta", "gamma"]
    alpha = banks["alpha"]
    assert (alpha["category"], alpha["questions"], alpha["core"], alpha["optional"]) == (
        "curiosity",
        3,
        1,
        2,
    )
    assert alpha["minutes"] == 12
    assert alpha["languages"] == {"all": ["en"], "any": ["en", "fr", "zh-Hant"]}
    assert alpha["tags"] == {"open": 2, "stress": 1}
    assert list(alpha["tags"]) == ["open", "stress"]  # most used first
    assert alpha["title"] == "Alpha"
    assert banks["beta"]["languages"] == {"all": ["en"], "any": ["en"]}
    gamma = banks["gamma"]
    assert gamma["title"] == "夢想"
    assert gamma["languages"] == {"all": ["en", "zh-Hant"], "any": ["en", "zh-Hant"]}
    assert (gamma["core"], gamma["optional"], gamma["minutes"], gamma["tags"]) == (1, 0, 6, {})


def test_category_and_overall_totals(tmp_path):
    stats = small_stats(tmp_path)
    assert stats["categories"] == [
        {
            "category": "curiosity",
            "banks": 2,
            "questions": 4,
            "core": 2,
            "optional": 2,
            "minutes": 14,
            "tags": {"open": 2, "close": 1, "stress": 1},
        },
        {
            "category": "dreamer",
            "banks": 1,
            "questions": 1,
            "core": 1,
            "optional": 0,
            "minutes": 6,
            "tags": {},
        },
    ]
    totals = stats["totals"]
    assert {k: totals[k] for k in ("banks", "categories", "questions", "core", "optional")} == {
        "banks": 3,
        "categories": 2,
        "questions": 5,
        "core": 3,
        "optional": 2,
    }
    assert totals["minutes"] == 20
    assert totals["languages"] == {"all": ["en"], "any": ["en", "fr", "zh-Hant"]}
    assert json.loads(json.dumps(stats)) == stats  # JSON-ready as it is


def test_tables(tmp_path):
    stats = small_stats(tmp_path)
    rows = stats_table(stats, max_tags=1)
    assert rows[0] == TABLE_HEADER
    assert rows[1] == [
        "alpha",
        "curiosity",
        "3",
        "1",
        "2",
        "12",
        "en",
        "en, fr, zh-Hant",
        "open (2), +1 more",
    ]
    assert rows[3][-1] == "-"
    assert rows[-1][:6] == ["total (3 banks)", "2 categories", "5", "3", "2", "20"]
    assert all(isinstance(cell, str) for row in rows for cell in row)
    assert all(len(row) == len(TABLE_HEADER) for row in rows)
    assert category_table(stats) == [
        CATEGORY_HEADER,
        ["curiosity", "2", "4", "2", "2", "14"],
        ["dreamer", "1", "1", "1", "0", "6"],
    ]


def test_no_banks():
    stats = bank_stats({})
    assert stats["banks"] == [] and stats["categories"] == []
    assert stats["totals"]["questions"] == 0
    assert stats["totals"]["languages"] == {"all": [], "any": []}
    assert len(stats_table(stats)) == 2


def test_bundled_catalog():
    stats = bank_stats(load_catalog().banks)
    totals = stats["totals"]
    assert (totals["banks"], totals["questions"]) == (30, 105)
    assert totals["core"] + totals["optional"] == 105
    assert totals["languages"]["all"] == ["en", "zh-Hans", "zh-Hant"]
    assert sum(c["questions"] for c in stats["categories"]) == 105
    assert sum(b["minutes"] for b in stats["banks"]) == totals["minutes"] > 0
    assert len(stats_table(stats)) == 32  # header, 30 banks, total


def test_load_banks_from_paths(tmp_path):
    directory = tmp_path / "banks"
    write(directory, "alpha.yaml", ALPHA)
    write(directory, "sub/gamma.yml", GAMMA)
    write(tmp_path / "studies", "s.yaml", "kind: study\nformat: 1\nid: s\ntitle: S\nsections: []\n")
    assert sorted(load_banks([directory])) == ["alpha", "gamma"]
    assert sorted(load_banks([directory / "alpha.yaml"])) == ["alpha"]
    assert len(load_banks()) == 30  # no paths: the search path (here only the bundled banks)
    with pytest.raises(DreamqError, match="no such file or directory"):
        load_banks([tmp_path / "nowhere"])
    write(directory, "broken.yaml", "kind: bank\nformat: 1\nid: broken\n")
    with pytest.raises(DreamqError) as caught:
        load_banks([directory])
    assert any("broken.yaml" in str(p) for p in caught.value.problems)
