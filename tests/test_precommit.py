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


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_hooks_pass_a_clean_repository_and_stop_a_broken_bank(tmp_path):
    assert CliRunner().invoke(app, ["init", str(tmp_path / "team")]).exit_code == 0
    repo = tmp_path / "team"
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def hooks() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    clean = hooks()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dreamq validate" in clean.stdout and "Passed" in clean.stdout
    bank = repo / "banks" / "onboarding.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("minutes: 5", "minutes: five"), encoding="utf-8"
    )
    _git(repo, "add", "-A")
    broken = hooks()
    assert broken.returncode == 1
    assert "banks/onboarding.yaml:" in broken.stdout and "Failed" in broken.stdout
