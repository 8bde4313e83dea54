"""`dreamq validate` checks how files fit together, not only each file alone."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dreamq._cli import app

from .helpers import STUDY, write

runner = CliRunner()

THIN_DOMAIN = """\
kind: domain
format: 1
id: payroll-app
title: Payroll app
values:
  en: {product: payroll software, company: Paywell, artifacts: [payslip]}
"""


def pilot(domain: str) -> str:
    """A study with the bundled introduction and dreamer banks; domain: on line 5."""
    return STUDY.format(id="pilot", domain=domain, bank="dreamer")


def test_a_study_whose_domain_cannot_fill_its_banks_fails_validate_and_generate_for_every_seed(
    tmp_path,
):
    write(tmp_path / "team", "domain.yaml", THIN_DOMAIN)
    write(tmp_path / "team", "pilot.yaml", pilot("payroll-app"))
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert 'question "dreamer/nobody_has_done" uses {{ industry }}' in result.stderr
    assert "team/domain.yaml" in result.stderr
    for seed in range(6):  # the answer must not depend on which questions a seed picks
        result = runner.invoke(app, ["generate", "pilot", "-b", "team", "--seed", str(seed)])
        assert result.exit_code == 1, seed
        assert "{{ industry }}" in result.stderr and "payroll-app" in result.stderr


def test_a_study_naming_an_unknown_domain_fails_validate_with_its_line(tmp_path):
    write(tmp_path / "team", "pilot.yaml", pilot("pizza-delivry"))
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert "team/pilot.yaml:5: domain: unknown domain" in result.stderr
    assert 'Did you mean "pizza-delivery"?' in result.stderr


def test_a_question_named_in_two_sections_is_an_error(tmp_path):
    study = (
        pilot("pizza-delivery")
        .replace("banks: [introduction]", "questions: [dreamer/blank_check]")
        .replace("banks: [dreamer]", "questions: [dreamer/blank_check]")
    )
    write(tmp_path / "team", "pilot.yaml", study)
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert (
        'names question "dreamer/blank_check", which section "opening" already asks'
        in result.stderr
    )


def test_a_domain_path_in_a_study_is_relative_to_the_study(tmp_path):
    write(
        tmp_path / "team" / "domains",
        "payroll.yaml",
        THIN_DOMAIN.replace(
            "artifacts: [payslip]}",
            "artifacts: [payslip], industry: payroll, customers: HR leads, touchpoint: payslip run}",
        ),
    )
    write(tmp_path / "team" / "studies", "pilot.yaml", pilot("../domains/payroll.yaml"))
    result = runner.invoke(app, ["generate", "team/studies/pilot.yaml", "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "Paywell" in result.stdout


BANK_WITH = """\
kind: bank
format: {format}
id: x
category: c
title: T
questions:
  - id: a
    text: Hi
    minutes: {minutes}
"""


def test_yaml_1_1_numbers_are_not_taken_silently(tmp_path):
    for raw, value in (("1:30", "90"), ("010", "8"), ("0x0A", "10")):
        write(tmp_path, "b.yaml", BANK_WITH.format(format=1, minutes=raw))
        result = runner.invoke(app, ["validate", "b.yaml"])
        assert result.exit_code == 1, raw
        assert f'b.yaml:9:14: questions[0].minutes: YAML reads "{raw}" as {value}' in result.stderr


def test_a_newer_format_is_one_clear_message(tmp_path):
    write(tmp_path, "b.yaml", BANK_WITH.format(format=2, minutes=3))
    result = runner.invoke(app, ["validate", "b.yaml"])
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1
    assert "b.yaml:2:9: format 2 is not one this dreamq reads" in result.stderr


def test_other_yaml_in_a_bank_directory_is_named_as_such(tmp_path):
    write(tmp_path / "team", "ci.yml", "on:\n  push:\njobs: {}\n")
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert "team/ci.yml:1:1: not a dreamq file" in result.stderr


def test_validating_a_directory_without_yaml_fails(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["validate", "empty"])
    assert result.exit_code == 1
    assert "no .yaml or .yml files here" in result.stderr


def test_languages_are_matched_case_insensitively_and_unknown_ones_explained():
    result = runner.invoke(app, ["generate", "--lang", "zh-hant"])
    assert result.exit_code == 0 and "研究目標" in result.stdout
    result = runner.invoke(app, ["generate", "--lang", "fr"])
    assert result.exit_code == 1
    assert 'no "fr" values in domain "pizza-delivery"; it has en, zh-Hant, zh-Hans' in result.stderr


def test_a_link_out_of_a_bank_directory_is_not_followed(tmp_path):
    outside = write(tmp_path, "outside.yaml", BANK_WITH.format(format=1, minutes=3))
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "linked.yaml").symlink_to(outside)
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert "team/linked.yaml: is a link to a file outside the bank directory" in result.stderr


def test_a_variable_typo_is_reported_once_where_it_stands(tmp_path):
    """The study check and the bank check both see a misspelt variable; the
    user sees one error, at the line and column of the typo, naming the probe."""
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace(
            "probes: [Tell us more.]", 'probes: ["Tell us more about {{ prodcut }}."]'
        ),
        encoding="utf-8",
    )
    line = next(
        n for n, text in enumerate(bank.read_text("utf-8").splitlines(), 1) if "prodcut" in text
    )
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 1
    errors = [e for e in result.stderr.splitlines() if e.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert f"team_bank.yaml:{line}:" in errors[0]
    assert 'question "team_bank/first" probe (en) uses {{ prodcut }}' in errors[0]
    assert 'Did you mean "product"?' in errors[0]


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("zh-Hnas", ('unknown Chinese language tag "zh-Hnas"', 'Did you mean "zh-Hans"?')),
        ("zh-TW", ('unknown Chinese language tag "zh-TW"', 'Did you mean "zh-Hant"?')),
        ("zh-hant", ('write the language tag "zh-hant" as "zh-Hant"',)),
        ("EN", ('"EN" is not valid: use a language tag such as en',)),
    ],
)
def test_a_mistyped_language_tag_is_an_error(tmp_path, tag, words):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    text = bank.read_text(encoding="utf-8").replace("zh-Hans:", f"{tag}:", 1)
    bank.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 1
    assert all(w in result.stderr for w in words), result.stderr


def test_other_language_tags_are_a_teams_own_choice(tmp_path):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    bank.write_text(bank.read_text("utf-8").replace("zh-Hans:", "es:", 1), "utf-8")
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        ("9" * 40, ("the number 99999999999999999999… (40 characters) is too large",)),
        ("9" * 5000, ("(5,000 characters) is too large",)),
        ("-5", ("minutes: -5 is out of range (1 to 120)",)),
        ("1:30", ('YAML reads "1:30" as 90', '"1:30" is not a duration')),
        ('"5"', ('"5" is text', "write it without quotes: 5")),
        ("010", ('YAML reads "010" as 8', "e.g. 8")),
    ],
)
def test_numbers_get_hints_that_fit(tmp_path, minutes, words):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    bank.write_text(
        bank.read_text("utf-8").replace("minutes: 5", f"minutes: {minutes}", 1), "utf-8"
    )
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 1
    assert all(w in result.stderr for w in words), result.stderr
    assert "remove the tag" not in result.stderr and len(result.stderr) < 600


def test_validate_refuses_boxes_longer_than_the_study(tmp_path):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    study = team / "study.yaml"
    study.write_text(study.read_text("utf-8").replace("minutes: 15", "minutes: 25"), "utf-8")
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 1
    line = study.read_text("utf-8").splitlines().index("minutes: 20") + 1
    assert (
        f"study.yaml:{line}:10: the section time boxes add up to 30 minutes, more than the "
        "study's 20" in result.stderr
    )


def test_artifacts_written_as_text_is_named_in_the_domain(tmp_path):
    from .helpers import write

    write(
        tmp_path,
        "d2/a.yaml",
        """\
        kind: domain
        format: 1
        id: d2
        title: D2
        values:
          en:
            product: box service
            company: BoxCo
            industry: boxes
            customers: box buyers
            artifacts: box
            touchpoint: box shop
        """,
    )
    for args in (["validate", "d2"], ["validate", "-b", "d2"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "d2/a.yaml:11:16: values.en.artifacts is text" in result.stderr
        assert "write a list: artifacts: [box]" in result.stderr
        assert "artifact_afterlife" not in result.stderr  # not blamed on a bundled bank


def test_a_missing_colon_is_reported_on_its_own_line(tmp_path):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    lines = bank.read_text("utf-8").splitlines()
    number = next(n for n, text in enumerate(lines) if text.strip() == "minutes: 5")
    lines[number] = lines[number].replace("minutes: 5", "minutes 5")
    bank.write_text("\n".join(lines) + "\n", "utf-8")
    result = runner.invoke(app, ["validate", str(team)])
    assert result.exit_code == 1
    assert f"team_bank.yaml:{number + 1}:" in result.stderr
    assert "a key needs a colon and a space after it" in result.stderr
