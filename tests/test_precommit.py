"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit tool on a
temporary bank repository (pre-commit installs dreamq from this checkout
into its own environment, from the package registry)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq._cli import app

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("pre_commit")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One pre-commit cache for the module: dreamq's hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _new_repository(tmp_path: Path) -> Path:
    assert CliRunner().invoke(app, ["init", str(tmp_path / "team")]).exit_code == 0
    repo = tmp_path / "team"
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    return repo


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    # dreamq on PATH for init's `language: system` hooks
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": path},
        capture_output=True,
        text=True,
        timeout=600,
    )


@needs_git
def test_hooks_pass_a_clean_repository_and_stop_a_broken_bank(tmp_path, pre_commit_home):
    repo = _new_repository(tmp_path)
    clean = _pre_commit(repo, pre_commit_home, "try-repo", str(ROOT), "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dreamq validate" in clean.stdout and "Passed" in clean.stdout
    assert "dreamq lint" in clean.stdout and "dreamq fmt --check" in clean.stdout
    _edit(repo / "banks" / "onboarding.yaml", "minutes: 5", "minutes: five")
    _git(repo, "add", "-A")
    broken = _pre_commit(repo, pre_commit_home, "try-repo", str(ROOT), "--all-files")
    assert broken.returncode == 1
    assert "banks/onboarding.yaml:" in broken.stdout and "Failed" in broken.stdout


@needs_git
def test_hooks_check_a_commit_against_the_whole_repository(tmp_path, pre_commit_home):
    repo = _new_repository(tmp_path)
    # a commit that touches only a study: its banks and domain are in other files
    _edit(repo / "studies" / "pilot.yaml", "title: Pilot interviews", "title: Pilot, round two")
    _git(repo, "add", "studies/pilot.yaml")
    study_only = _pre_commit(repo, pre_commit_home, "try-repo", str(ROOT))
    assert study_only.returncode == 0, study_only.stdout + study_only.stderr
    assert "unknown bank" not in study_only.stdout
    _git(repo, "commit", "-qm", "round two")
    # a commit that touches only a bank, and breaks the study that uses it
    _edit(repo / "banks" / "onboarding.yaml", "id: onboarding", "id: getting_started")
    _git(repo, "add", "banks/onboarding.yaml")
    bank_only = _pre_commit(repo, pre_commit_home, "try-repo", str(ROOT))
    assert bank_only.returncode == 1
    assert 'studies/pilot.yaml:17: section "onboarding": unknown bank "onboarding"' in (
        bank_only.stdout
    )


@needs_git
def test_the_config_init_writes_runs_validate_lint_and_fmt(tmp_path, pre_commit_home):
    repo = _new_repository(tmp_path)
    _edit(repo / "studies" / "pilot.yaml", "title: Pilot interviews", "title: Pilot, round two")
    _git(repo, "add", "studies/pilot.yaml")
    study_only = _pre_commit(repo, pre_commit_home, "run")
    assert study_only.returncode == 0, study_only.stdout + study_only.stderr
    for name in ("dreamq validate", "dreamq lint", "dreamq fmt --check"):
        assert name in study_only.stdout, name
    assert "Failed" not in study_only.stdout
    _edit(repo / "studies" / "pilot.yaml", "minutes: 30", "minutes:   30")
    _git(repo, "add", "studies/pilot.yaml")
    unformatted = _pre_commit(repo, pre_commit_home, "run")
    assert unformatted.returncode == 1
    assert "would reformat studies/pilot.yaml" in unformatted.stdout + unformatted.stderr
