"""dreamq stats and dreamq diff through the command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from dreamq._cli import app

runner = CliRunner()


def _git(*args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        check=True,
        capture_output=True,
    )


def test_stats_table_and_json():
    table = runner.invoke(app, ["stats"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].startswith("bank\tcategory\tquestions")
    figures = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert figures["totals"]["questions"] == sum(b["questions"] for b in figures["banks"]) == 105


def test_diff_between_revisions_and_the_working_tree(tmp_path):
    assert runner.invoke(app, ["init", "."]).exit_code == 0
    _git("init", "-q")
    _git("add", "-A")
    _git("commit", "-qm", "one")
    bank = tmp_path / "banks" / "onboarding.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("minutes: 4", "minutes: 6"), encoding="utf-8"
    )
    text = runner.invoke(app, ["diff", "HEAD"])
    assert text.exit_code == 0, text.stderr
    assert "~ onboarding/almost_gave_up: minutes 4 → 6" in text.stdout
    _git("commit", "-qam", "two")
    as_json = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "banks", "--format", "json"])
    assert as_json.exit_code == 0, as_json.stderr
    changes = json.loads(as_json.stdout)["changes"]
    assert [(c["kind"], c["ref"], c["old"], c["new"]) for c in changes] == [
        ("minutes", "onboarding/almost_gave_up", 4, 6)
    ]
    assert runner.invoke(app, ["diff", "HEAD~1", "HEAD", "domains"]).stdout.startswith(
        "No question"
    )
    unknown = runner.invoke(app, ["diff", "v9"])
    assert unknown.exit_code == 1 and 'unknown revision "v9"' in unknown.stderr
    typo = runner.invoke(app, ["diff", "HEAD~1", "HAED"])
    assert typo.exit_code == 1
    assert '"HAED" is neither a revision nor a path here' in typo.stderr and typo.stdout == ""


def test_export_then_import_round_trips_through_the_cli(tmp_path):
    assert runner.invoke(app, ["export", "csv", "-o", "all.csv"]).exit_code == 0
    assert Path("all.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    made = runner.invoke(app, ["import", "csv", "all.csv", "-o", "banks"])
    assert made.exit_code == 0, made.stderr
    assert len(list(Path("banks").glob("*.yaml"))) == 30
    assert runner.invoke(app, ["validate", "banks"]).exit_code == 0
    again = runner.invoke(app, ["import", "csv", "all.csv", "-o", "banks"])
    assert again.exit_code == 1 and "30 file(s) exist" in again.stderr
    one = runner.invoke(app, ["export", "csv", "--bank", "dreamer"])
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(one.stdout)))
    assert one.exit_code == 0 and {r["bank"] for r in rows} == {"dreamer"} and len(rows) == 4
    unknown = runner.invoke(app, ["export", "csv", "--bank", "dreamr"])
    assert unknown.exit_code == 1 and 'Did you mean "dreamer"' in unknown.stderr


def test_a_malformed_spreadsheet_names_row_and_column(tmp_path):
    Path("bad.csv").write_text(
        "bank,category,bank_title,id,minutes,text:en\n"
        "team,curiosity,Team,first,5,What happened?\n"
        "team,curiosity,Team,second,ten,What else?\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "csv", "bad.csv", "-o", "banks"])
    assert result.exit_code == 1
    assert "bad.csv:3" in result.stderr and "row 3, column minutes" in result.stderr
    assert not Path("banks").exists()


def test_lint_reports_findings_and_fails_on_errors(tmp_path):
    assert runner.invoke(app, ["init", "."]).exit_code == 0
    clean = runner.invoke(app, ["lint", "."])
    assert clean.exit_code == 0 and clean.stdout.strip().endswith(
        "0 error(s), 0 warning(s) in 3 file(s)"
    )
    bank = tmp_path / "banks" / "onboarding.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("What happened?", "Don't you love it? TBD", 1),
        encoding="utf-8",
    )
    text = runner.invoke(app, ["lint", "."])
    assert text.exit_code == 1
    assert "banks/onboarding.yaml:" in text.stdout and "placeholder" in text.stdout
    github = runner.invoke(app, ["lint", ".", "--format", "github"])
    assert github.exit_code == 1
    assert github.stdout.startswith("::")
    assert "title=placeholder" in github.stdout and "file=banks/onboarding.yaml" in github.stdout
    as_json = json.loads(runner.invoke(app, ["lint", ".", "-F", "json"]).stdout)
    assert as_json["errors"] >= 1 and {f["rule"] for f in as_json["findings"]} >= {"placeholder"}


def test_the_bundled_banks_lint_clean():
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "0 error(s), 0 warning(s) in 35 file(s)"


def test_spreadsheet_mistakes_that_used_to_pass(tmp_path):
    Path("open.csv").write_text(
        "bank,category,bank_title,id,minutes,text:en\n"
        'b1,curiosity,T,q1,1,"What is it?\n'
        "b1,curiosity,T,q2,1,Why?\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "csv", "open.csv", "-o", "banks"])
    assert result.exit_code == 1 and "not valid CSV" in result.stderr
    assert not Path("banks").exists()
    wrong = runner.invoke(app, ["export", "csv", "-o", "banks.xlsx"])
    assert wrong.exit_code == 2 and "name the file *.csv" in wrong.stderr
    assert not Path("banks.xlsx").exists()


def test_fmt_leaves_other_yaml_alone_and_says_so(tmp_path):
    Path("compose.yaml").write_text("name: x\nservices: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["fmt", "compose.yaml"])
    assert result.exit_code == 1
    assert "compose.yaml:1: not a dreamq file" in result.stderr
    assert Path("compose.yaml").read_text(encoding="utf-8") == "name: x\nservices: {}\n"


def _init(directory: str = ".") -> None:
    made = runner.invoke(app, ["init", directory])
    assert made.exit_code == 0, made.stderr


def test_a_file_checked_on_its_own_sees_its_repositorys_banks(tmp_path, monkeypatch):
    _init("team")
    for command in ("validate", "lint"):
        alone = runner.invoke(app, [command, "team/studies/pilot.yaml"])
        assert alone.exit_code == 0, alone.stdout + alone.stderr
        assert "unknown bank" not in alone.stdout + alone.stderr
    monkeypatch.chdir(tmp_path / "team" / "studies")
    here = runner.invoke(app, ["validate", "pilot.yaml"])
    assert here.exit_code == 0, here.stderr
    Path("typo.yaml").write_text(
        Path("pilot.yaml")
        .read_text(encoding="utf-8")
        .replace("id: pilot", "id: typo", 1)
        .replace("banks: [onboarding, curiosity]", "banks: [onbaording, curiosity]"),
        encoding="utf-8",
    )
    typo = runner.invoke(app, ["validate", "typo.yaml"])  # a real mistake is still one
    assert typo.exit_code == 1 and 'unknown bank "onbaording"' in typo.stderr
    assert 'Did you mean "onboarding"' in typo.stderr


def test_the_repository_search_stops_at_the_top_of_a_git_work_tree(tmp_path):
    from .helpers import BANK, STUDY, write

    write(tmp_path / "outer" / "banks", "far.yaml", BANK.format(id="far", minutes=5))
    inner = tmp_path / "outer" / "inner"
    (inner / ".git").mkdir(parents=True)  # the top of a work tree
    write(inner, "study.yaml", STUDY.format(id="s", domain="pizza-delivery", bank="far"))
    result = runner.invoke(app, ["validate", "outer/inner/study.yaml"])
    assert result.exit_code == 1 and 'unknown bank "far"' in result.stderr


def test_validate_lint_stats_and_fmt_default_to_the_repository_you_are_in(tmp_path, monkeypatch):
    _init("team")
    outside = runner.invoke(app, ["validate"])  # not in a repository: the search path
    assert outside.exit_code == 0 and "ok: 35 file(s)" in outside.stderr
    for folder in ("team", "team/banks"):
        monkeypatch.chdir(tmp_path / folder)
        checked = runner.invoke(app, ["validate"])
        assert checked.exit_code == 0, checked.stderr
        assert "ok: 3 file(s): 1 bank(s)" in checked.stderr, folder
        linted = runner.invoke(app, ["lint"])
        assert linted.stdout.strip().endswith("in 3 file(s)"), linted.stdout
        figures = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
        assert [b["id"] for b in figures["banks"]] == ["onboarding"], folder
        formatted = runner.invoke(app, ["fmt", "--check"])
        assert formatted.exit_code == 0 and "3 unchanged" in formatted.stderr, folder
    monkeypatch.chdir(tmp_path / "team")
    table = runner.invoke(app, ["stats", "."])
    assert table.exit_code == 0, table.stderr
    assert [line.split("\t")[0] for line in table.stdout.splitlines()[1:3]] == [
        "onboarding",
        "total (1 banks)",
    ]
    one = json.loads(runner.invoke(app, ["stats", "--json", "banks/onboarding.yaml"]).stdout)
    assert one["totals"]["questions"] == 2
    missing = runner.invoke(app, ["stats", "nowhere"])
    assert missing.exit_code == 1 and "nowhere: no such file or directory" in missing.stderr
    for command in ("validate", "lint", "stats", "fmt"):
        shown = runner.invoke(app, [command, "--help"]).stdout
        assert "bank repository" in " ".join(shown.split()), command


def test_plan_output_is_a_directory_not_a_file(tmp_path):
    for name, fmt in (("out/planx.pdf", "pdf"), ("plan.md", "md"), ("x.JSON", "json")):
        result = runner.invoke(app, ["plan", "-o", name, "-n", "2"])
        assert result.exit_code == 2, (name, result.stderr)
        assert "-o names the directory" in result.stderr
        assert f"-F {fmt} -o DIR" in result.stderr
        assert not Path(name).exists() and not Path("out").exists()
    made = runner.invoke(app, ["plan", "-o", "plan.d", "-n", "2"])  # not a file suffix
    assert made.exit_code == 0, made.stderr
    shown = " ".join(runner.invoke(app, ["plan", "--help"]).stdout.split())
    assert "from the -o suffix" not in shown and "(default md)" in shown
    assert "session-01.md gets session-01.observer.md" in shown
    assert "guide.md gets" not in shown
    generate_help = " ".join(runner.invoke(app, ["generate", "--help"]).stdout.split())
    assert (
        "from the -o suffix" in generate_help and "guide.md gets guide.observer.md" in generate_help
    )


def test_diff_outside_a_repository_and_with_c(tmp_path):
    outside = runner.invoke(app, ["diff", "HEAD"])
    assert outside.exit_code == 1
    assert "name one with -C DIR" in outside.stderr and "pass its folder" not in outside.stderr
    _init("team")
    repo = tmp_path / "team"
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "one")):
        _git("-C", str(repo), *args)
    bank = repo / "banks" / "onboarding.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("minutes: 4", "minutes: 6"), encoding="utf-8"
    )
    for extra in ([], ["banks"]):
        there = runner.invoke(app, ["diff", "-C", "team", "HEAD", *extra])
        assert there.exit_code == 0, there.stderr
        assert "~ onboarding/almost_gave_up: minutes 4 → 6" in there.stdout
    assert "-C DIR" in runner.invoke(app, ["diff", "--help"]).stdout


def test_a_bad_date_names_the_option_and_the_format():
    for command in (["generate"], ["plan", "-n", "2"]):
        result = runner.invoke(app, [*command, "--date", "2026-13-01"])
        assert result.exit_code == 2
        assert "--date" in result.stderr and "YYYY-MM-DD" in result.stderr
        assert "'2026-13-01'" in result.stderr
    assert not Path("plan").exists()


def test_generate_plan_and_listings_use_the_repository_you_are_in(tmp_path, monkeypatch):
    _init("team")
    for folder in ("team", "team/banks"):
        monkeypatch.chdir(tmp_path / folder)
        guide = runner.invoke(app, ["generate", "pilot", "--date", "2026-11-23"])
        assert guide.exit_code == 0, guide.stderr
        assert "team: " in guide.stdout and "studies/pilot.yaml" in guide.stdout
        assert "onboarding" in runner.invoke(app, ["banks", "list", "--json"]).stdout
        planned = runner.invoke(app, ["plan", "pilot", "-n", "2", "-o", str(tmp_path / "p")])
        assert planned.exit_code == 0, planned.stderr
        replay = runner.invoke(
            app,
            [
                "plan",
                "--lock",
                str(tmp_path / "p" / "dreamq.lock"),
                "-o",
                str(tmp_path / "q"),
                "--force",
            ],
        )
        assert replay.exit_code == 0, replay.stderr
        for name in ("session-01.md", "plan.json", "dreamq.lock"):
            assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "q" / name).read_bytes()
        for path in (tmp_path / "p", tmp_path / "q"):
            for child in path.iterdir():
                child.unlink()
    monkeypatch.chdir(tmp_path)  # outside: the bundled search path only
    outside = runner.invoke(app, ["generate", "pilot"])
    assert outside.exit_code == 1 and 'unknown study "pilot"' in outside.stderr
