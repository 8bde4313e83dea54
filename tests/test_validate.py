"""`dreamq validate` checks how files fit together, not only each file alone."""

from __future__ import annotations

from typer.testing import CliRunner

from dreamq._cli import app

from .helpers import write

runner = CliRunner()

THIN_DOMAIN = """\
kind: domain
format: 1
id: payroll-app
title: Payroll app
values:
  en: {product: payroll software, company: Paywell, artifacts: [payslip]}
"""

PILOT = """\
kind: study
format: 1
id: pilot
title: Pilot
domain: {domain}
minutes: 20
sections:
  - id: opening
    title: Opening
    minutes: 5
    banks: [introduction]
  - id: dreams
    title: Dreams
    minutes: 15
    banks: [dreamer]
"""


def test_a_study_whose_domain_cannot_fill_its_banks_fails_validate_and_generate_for_every_seed(
    tmp_path,
):
    write(tmp_path / "team", "domain.yaml", THIN_DOMAIN)
    write(tmp_path / "team", "pilot.yaml", PILOT.format(domain="payroll-app"))
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert 'question "dreamer/nobody_has_done" uses {{ industry }}' in result.stderr
    assert "team/domain.yaml" in result.stderr
    for seed in range(6):  # the answer must not depend on which questions a seed picks
        result = runner.invoke(app, ["generate", "pilot", "-b", "team", "--seed", str(seed)])
        assert result.exit_code == 1, seed
        assert "{{ industry }}" in result.stderr and "payroll-app" in result.stderr


def test_a_study_naming_an_unknown_domain_fails_validate_with_its_line(tmp_path):
    write(tmp_path / "team", "pilot.yaml", PILOT.format(domain="pizza-delivry"))
    result = runner.invoke(app, ["validate", "team"])
    assert result.exit_code == 1
    assert "team/pilot.yaml:5: domain: unknown domain" in result.stderr
    assert 'Did you mean "pizza-delivery"?' in result.stderr


def test_a_question_named_in_two_sections_is_an_error(tmp_path):
    study = (
        PILOT.format(domain="pizza-delivery")
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
    write(
        tmp_path / "team" / "studies", "pilot.yaml", PILOT.format(domain="../domains/payroll.yaml")
    )
    result = runner.invoke(app, ["generate", "team/studies/pilot.yaml", "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "Paywell" in result.stdout
