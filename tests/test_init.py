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
    assert result.exit_code == 0, result.stderr
    assert "wrote 8 file(s) to team" in result.stderr
    assert "left 1 existing file(s) alone: team/banks/onboarding.yaml" in result.stderr
    assert "--force overwrites them" in result.stderr
    assert (tmp_path / "team/banks/onboarding.yaml").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "team" / "README.md").is_file()
    assert runner.invoke(app, ["init", "team", "--force"]).exit_code == 0
    assert "mine" not in (tmp_path / "team/banks/onboarding.yaml").read_text(encoding="utf-8")


def test_init_in_an_existing_repository_keeps_its_files_and_validates(tmp_path):
    (tmp_path / ".git").mkdir()  # an existing git repository holding only a README
    Path("README.md").write_text("# Our research\n", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.stderr
    assert "left 1 existing file(s) alone: README.md" in result.stderr
    assert Path("README.md").read_text(encoding="utf-8") == "# Our research\n"
    assert Path("banks/onboarding.yaml").is_file() and Path(".pre-commit-config.yaml").is_file()
    checked = runner.invoke(app, ["validate"])
    assert checked.exit_code == 0 and "ok: 3 file(s)" in checked.stderr, checked.stderr
    again = runner.invoke(app, ["init"])  # everything exists now: nothing is touched
    assert again.exit_code == 0 and "wrote 0 file(s)" in again.stderr
    assert "left 9 existing file(s) alone" in again.stderr


def test_init_pre_commit_config_runs_validate_lint_and_fmt():
    import yaml

    assert runner.invoke(app, ["init"]).exit_code == 0
    config = yaml.safe_load(Path(".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert list(hooks) == ["dreamq-validate", "dreamq-lint", "dreamq-fmt"]
    # validate and lint look at the whole repository (a bank change can break a study)
    assert hooks["dreamq-validate"]["entry"] == "dreamq validate ."
    assert hooks["dreamq-lint"]["entry"] == "dreamq lint ."
    assert hooks["dreamq-validate"]["pass_filenames"] is False
    assert hooks["dreamq-lint"]["pass_filenames"] is False
    assert hooks["dreamq-fmt"]["entry"] == "dreamq fmt --check"
    assert hooks["dreamq-fmt"].get("pass_filenames", True) is True


def test_init_domain_values_are_bare_noun_phrases_and_read_well():
    import yaml

    assert runner.invoke(app, ["init"]).exit_code == 0
    values = yaml.safe_load(Path("domains/our-product.yaml").read_text(encoding="utf-8"))["values"]
    for variables in values.values():
        for name, value in variables.items():
            for item in value if isinstance(value, list) else [value]:
                if name == "company":
                    continue  # a name
                assert not item.lower().startswith(("our ", "the ", "a ", "an ", "your ")), item
                assert not item.startswith(("我們的", "我们的", "你的")), item
                assert not item.endswith((".", "。")), item
    made = runner.invoke(app, ["generate", "studies/pilot.yaml", "-b", ".", "--seed", "1"])
    assert made.exit_code == 0, made.stderr
    assert "Tell us about your first week with mobile banking. What happened?" in made.stdout
    assert "with our app" not in made.stdout
