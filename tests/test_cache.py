"""The file cache: a clean bank is read back from JSON, never stale, never required."""

from __future__ import annotations

from pathlib import Path

from dreamq.banks import load_bank

from .helpers import BANK, write


def _cache_entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def test_a_clean_bank_is_cached_and_read_back_identically(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DREAMQ_CACHE_DIR", str(cache))
    path = write(tmp_path, "bank.yaml", BANK.format(id="team_bank", minutes=5))
    first = load_bank(path, origin="team")
    assert len(_cache_entries(cache)) == 1
    second = load_bank(path, origin="team")
    assert second == first
    assert second.questions[0].line == 7 and second.questions[0].variables == {"company", "product"}


def test_a_changed_file_is_never_served_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMQ_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, "bank.yaml", BANK.format(id="team_bank", minutes=5))
    load_bank(path)
    path.write_text(BANK.format(id="team_bank", minutes=9), encoding="utf-8")
    assert {q.minutes for q in load_bank(path).questions} == {9}


def test_a_damaged_entry_is_ignored(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DREAMQ_CACHE_DIR", str(cache))
    path = write(tmp_path, "bank.yaml", BANK.format(id="team_bank", minutes=5))
    expected = load_bank(path)
    for entry in _cache_entries(cache):
        entry.write_text('{"id": 1}', encoding="utf-8")
    assert load_bank(path) == expected


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMQ_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = write(tmp_path, "bank.yaml", BANK.format(id="team_bank", minutes=5))
    load_bank(path)
    assert not (tmp_path / "xdg").exists()
