"""Shared fixtures: every test runs in its own directory with a clean environment."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated(tmp_path, tmp_path_factory, monkeypatch):
    """No team banks or debug mode leak in from the developer's shell; relative
    paths land in tmp_path."""
    monkeypatch.delenv("DREAMQ_BANK_PATH", raising=False)
    monkeypatch.delenv("DREAMQ_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("DREAMQ_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.chdir(tmp_path)
