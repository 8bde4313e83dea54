"""dreamq init: a starter bank repository that works out of the box."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dreamq._cli import app

runner = CliRunner()


def test_init_writes_a_repository_that_validates_and_generates(tmp_path):
    result = runner.invoke(app, ["init", "team"])
    assert result.exit_code == 0, result.stderr
    for name in (
        "banks/onboarding.yaml",
        "domains/our-product.yaml",
        "studies/pilot.yaml",
        "README.md",
        ".pre-commit-config.yaml",
        ".github/workflows/dreamq.yml",
        ".dreamq/bank.schema.json",
    ):
        assert (tmp_path / "team" / name).is_file(), name
    first = (tmp_path / "team/banks/onboarding.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../.dreamq/bank.schema.json"
    schema = json.loads((tmp_path / "team/.dreamq/bank.schema.json").read_text(encoding="utf-8"))
    assert schema["title"].startswith("dreamq bank")
    assert runner.invoke(app, ["validate", "team"]).exit_code == 0
    for lang in ("en", "zh-Hant", "zh-Hans"):
        made = runner.invoke(
            app,
            ["generate", "team/studies/pilot.yaml", "-b", "team", "-l", lang, "-o", f"g.{lang}.md"],
        )
        assert made.exit_code == 0, made.stderr
        assert made.stderr.count("warning") == 0, made.stderr
    assert "team/first_week" not in Path("g.en.md").read_text(encoding="utf-8")
    assert "`onboarding/first_week`" in Path("g.en.md").read_text(encoding="utf-8")


def test_init_never_overwrites_without_force(tmp_path):
    (tmp_path / "team" / "banks").mkdir(parents=True)
    (tmp_path / "team" / "banks" / "onboarding.yaml").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "team"])
    assert result.exit_code == 1
    assert "1 file(s) exist: team/banks/onboarding.yaml; nothing was written" in result.stderr
    assert not (tmp_path / "team" / "README.md").exists()
    assert runner.invoke(app, ["init", "team", "--force"]).exit_code == 0
    assert "mine" not in (tmp_path / "team/banks/onboarding.yaml").read_text(encoding="utf-8")
