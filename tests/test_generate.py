"""Generating guides end to end, through the CLI and the library."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq import __version__, generate
from dreamq._cli import app
from dreamq.catalog import load_catalog

from .helpers import team_dir, write

GOLDEN = Path(__file__).parent / "golden"
DATE = dt.date(2026, 11, 23)
runner = CliRunner()


def _normalise(text: str) -> str:
    return text.replace(f"dreamq {__version__}", "dreamq VERSION")


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_default_guide_matches_golden_file(lang):
    """The bundled 90-minute pizza-delivery guide, byte for byte.
    Regenerate after a deliberate change with DREAMQ_UPDATE_GOLDEN=1."""
    text = _normalise(generate(domain="pizza-delivery", language=lang, date=DATE).text)
    golden = GOLDEN / f"pizza-delivery.{lang}.md"
    if os.environ.get("DREAMQ_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_generate_prints_a_complete_90_minute_guide_on_stdout():
    result = runner.invoke(app, ["generate", "--domain", "pizza-delivery", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("# Co-creation focus group")
    for clock in ["0:00–0:05", "0:05–0:15", "1:25–1:30"]:
        assert clock in out
    assert "## Research goals" in out
    assert "**Read aloud**" in out  # the introduction and consent script
    assert "Who else should we talk to?" in out or "who_else" in out
    assert "`curiosity/never_asked`" in out
    assert "{{" not in out and "Acme Pizza" in out
    assert result.stderr == ""  # nothing but data on stdout, no warnings for the default


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese_guides(lang):
    result = runner.invoke(app, ["generate", "-d", "pizza-delivery", "--lang", lang])
    assert result.exit_code == 0, result.stderr
    assert ("研究目標" if lang == "zh-Hant" else "研究目标") in result.stdout
    assert "Acme" in result.stdout and "{{" not in result.stdout


def test_every_domain_and_language_renders_every_section():
    catalog = load_catalog()
    study = catalog.study()
    for domain in catalog.domains.values():
        for lang in ("en", "zh-Hant", "zh-Hans"):
            guide = generate(domain=domain.id, language=lang, date=DATE)
            assert len(guide.data["sections"]) == len(study.sections)
            assert all(s["questions"] for s in guide.data["sections"]), (domain.id, lang)
            assert "{{" not in guide.text
            assert guide.warnings == ()


def test_sections_fit_their_time_boxes_and_no_question_repeats():
    guide = generate(domain="hotel-stay", date=DATE)
    refs = [q.ref for q in guide.plan.questions]
    assert len(refs) == len(set(refs))
    for section in guide.plan.sections:
        assert section.used_minutes <= section.minutes
    assert guide.plan.sections[-1].end == 90


def test_same_seed_same_guide_other_seed_other_selection():
    a = generate(domain="pizza-delivery", seed=7, date=DATE)
    b = generate(domain="pizza-delivery", seed=7, date=DATE)
    assert a.text == b.text
    selections = {
        tuple(q.ref for q in generate(domain="pizza-delivery", seed=s, date=DATE).plan.questions)
        for s in range(8)
    }
    assert len(selections) > 1


def test_minutes_rescales_the_session():
    guide = generate(domain="pizza-delivery", minutes=60, date=DATE)
    assert guide.plan.minutes == 60
    assert sum(s.minutes for s in guide.plan.sections) == 60
    assert guide.plan.sections[-1].end == 60
    assert len(guide.plan.questions) < len(
        generate(domain="pizza-delivery", date=DATE).plan.questions
    )


def test_output_file_is_written_and_message_goes_to_stderr(tmp_path):
    result = runner.invoke(app, ["generate", "-d", "bank-account", "-o", "guide.md"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "wrote guide.md" in result.stderr
    text = (tmp_path / "guide.md").read_text(encoding="utf-8")
    assert text.startswith("# Co-creation focus group") and "Cedarline" in text
    assert [p.name for p in tmp_path.iterdir()] == ["guide.md"]  # no temporary files left


def test_force_overwrites(tmp_path):
    (tmp_path / "guide.md").write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["generate", "-o", "guide.md", "--force"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "guide.md").read_text(encoding="utf-8").startswith("# Co-creation")


def test_team_bank_overrides_bundled_one_and_the_guide_says_so(tmp_path):
    team = team_dir(tmp_path, bank_id="curiosity")
    result = runner.invoke(app, ["generate", "--bank-dir", str(team)])
    assert result.exit_code == 0, result.stderr
    assert "What do you wish Acme Pizza knew about pizza delivery?" in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("- `curiosity`"))
    assert "team: team/curiosity.yaml" in line
    assert "overrides bundled: question_banks/curiosity.yaml" in line


def test_team_study_from_the_environment(tmp_path, monkeypatch):
    team = team_dir(tmp_path)
    monkeypatch.setenv("DREAMQ_BANK_PATH", str(team))
    result = runner.invoke(app, ["generate", "team-study"])
    assert result.exit_code == 0, result.stderr
    assert "# Team study" in result.stdout
    assert "`team_bank/first`" in result.stdout


def test_study_file_path(tmp_path):
    team = team_dir(tmp_path)
    result = runner.invoke(app, ["generate", str(team / "study.yaml"), "-b", str(team)])
    assert result.exit_code == 0, result.stderr
    assert "0:05–0:20 · Main" in result.stdout


def test_planner_warnings_go_to_stderr(tmp_path):
    team = team_dir(tmp_path, minutes=10)  # two 10-minute questions in a 15-minute box
    result = runner.invoke(app, ["generate", "team-study", "-b", str(team)])
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and 'section "main"' in result.stderr
    assert "warning:" not in result.stdout


def test_template_directory_overrides_the_bundled_template(tmp_path):
    write(
        tmp_path / "tpl",
        "guide.md.j2",
        "{{ guide.title }} / {{ labels.probes }}\n"
        "{% for s in guide.sections %}{{ s.clock }} {{ s.questions | length }}\n{% endfor %}",
    )
    result = runner.invoke(
        app, ["generate", "--template", str(tmp_path / "tpl"), "--lang", "zh-Hans"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("共创焦点小组 / 追问\n0:00–0:05 1\n")


def test_template_cannot_reach_python_internals(tmp_path):
    write(tmp_path / "tpl", "guide.md.j2", "{{ guide.__class__.__mro__[1].__subclasses__() }}")
    result = runner.invoke(app, ["generate", "--template", str(tmp_path / "tpl")])
    assert result.exit_code == 1
    assert "template error" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_python_m(tmp_path):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"dreamq {__version__}"


def test_banks_and_domains_listing():
    result = runner.invoke(app, ["banks", "list", "--json"])
    assert result.exit_code == 0
    import json

    rows = json.loads(result.stdout)
    ids = {r["id"] for r in rows}
    assert {"curiosity", "dreamer", "what_confuses_you", "mother_test", "introduction"} <= ids
    assert all(r["languages"] == ["en", "zh-Hans", "zh-Hant"] for r in rows)
    result = runner.invoke(app, ["domains", "list", "--json"])
    assert {r["id"] for r in json.loads(result.stdout)} >= {
        "pizza-delivery",
        "hotel-stay",
        "bank-account",
    }
    result = runner.invoke(app, ["banks", "show", "dreamer", "--lang", "zh-Hant"])
    assert result.exit_code == 0 and "dreamer/nobody_has_done" in result.stdout
    assert re.search(r"[\u4e00-\u9fff]", result.stdout)
    result = runner.invoke(app, ["domains", "show", "pizza-delivery"])
    assert result.exit_code == 0 and "artifact: pizza box" in result.stdout


def test_schema_is_json_schema():
    import json

    for kind in ("bank", "domain", "study"):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert "kind" in schema["required"]


def test_bundled_files_validate():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("ok: ")


def test_output_piped_into_a_closed_reader_is_not_an_error(tmp_path):
    import subprocess
    import sys

    script = "from dreamq._cli import main; main()"
    proc = subprocess.run(
        f'{sys.executable} -c "{script}" generate | head -c 10',
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.stdout == "# Co-creat"
    assert "error" not in proc.stderr


def test_a_template_that_fails_while_rendering_names_its_file_and_line(tmp_path):
    for body in ("{{ 1 / 0 }}", "{{ guide.minutes + 'x' }}", "{{ range(10**9) | list }}"):
        write(tmp_path / "tpl", "guide.md.j2", f"line one\n{body}\n")
        result = runner.invoke(app, ["generate", "--template", str(tmp_path / "tpl")])
        assert result.exit_code == 1, (body, result.stderr)
        assert "tpl/guide.md.j2:2: template error" in result.stderr


def test_an_unwritable_output_directory_is_a_user_error(tmp_path):
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    try:
        result = runner.invoke(app, ["generate", "-o", str(target / "guide.md")])
    finally:
        target.chmod(0o700)
    if os.geteuid() == 0:  # root writes anywhere; the message path is covered by /proc below
        result = runner.invoke(app, ["generate", "-o", "/proc/guide.md"])
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr


def test_a_shorter_session_keeps_every_script_and_core_question():
    full = generate(domain="pizza-delivery", date=DATE)
    short = generate(domain="pizza-delivery", minutes=60, date=DATE)
    core = {q.ref for q in full.plan.questions if q.priority == "core"}
    assert core <= {q.ref for q in short.plan.questions}
    assert "introduction/consent_check" in {q.ref for q in short.plan.questions}
    assert short.plan.sections[0].minutes == full.plan.sections[0].minutes  # all script and core
    # What --minutes cut is reported: optional questions the 90-minute guide asks.
    kept = {q.ref for q in short.plan.questions}
    cut = [q.ref for q in full.plan.questions if q.ref not in kept]
    assert cut and short.plan.cut == tuple(cut)
    assert all(
        full.plan.study and q.priority == "optional" for q in full.plan.questions if q.ref in cut
    )
    assert short.warnings == (
        f"60 minutes instead of 90: cut {len(cut)} optional question(s): {', '.join(cut)}",
    )


def test_a_session_too_short_for_its_core_questions_is_refused_with_the_minimum(tmp_path):
    result = runner.invoke(app, ["generate", "--minutes", "45", "-o", "guide.md"])
    assert result.exit_code == 1
    assert "45 minutes cannot hold this study's scripts and core questions" in result.stderr
    assert "--minutes 57" in result.stderr
    assert not (tmp_path / "guide.md").exists()


def test_core_questions_come_in_bank_order_whatever_the_seed():
    for seed in range(5):
        plan = generate(domain="pizza-delivery", seed=seed, date=DATE).plan
        assert [q.ref for q in plan.sections[0].questions] == ["introduction/consent_check"]
        warm_up = [q.ref for q in plan.sections[1].questions]
        assert warm_up[:2] == ["introduction/introductions", "warm_up/last_time_it_came_up"]


def test_a_named_question_does_not_bring_its_banks_script_along():
    text = generate(domain="pizza-delivery", date=DATE).text
    assert text.count("Welcome, and thank you for giving us your time today.") == 1
    warm_up = text.split("· Warm-up")[1].split("· Life and goals")[0]
    assert "introduction/introductions" in warm_up and "Collect signed consent" not in warm_up


def test_a_template_that_includes_itself_is_a_user_error(tmp_path):
    write(tmp_path / "tpl", "guide.md.j2", '{% include "guide.md.j2" %}')
    result = runner.invoke(app, ["generate", "--template", str(tmp_path / "tpl")])
    assert result.exit_code == 1
    assert "includes or extends itself" in result.stderr


def test_an_index_past_the_end_fails_before_planning_whatever_the_seed(tmp_path):
    team = tmp_path / "team"
    write(
        team,
        "bank.yaml",
        "kind: bank\nformat: 1\nid: extra\ncategory: c\ntitle: T\nquestions:\n"
        "  - id: deep\n    text: 'What about the {{ artifacts[7] }}?'\n    minutes: 3\n"
        "  - id: plain\n    text: What else?\n    minutes: 3\n",
    )
    write(
        team,
        "study.yaml",
        "kind: study\nformat: 1\nid: s\ntitle: S\ndomain: pizza-delivery\nminutes: 3\n"
        "sections:\n  - id: a\n    title: A\n    minutes: 3\n    banks: [extra]\n",
    )
    for seed in range(4):
        result = runner.invoke(app, ["generate", "s", "-b", str(team), "--seed", str(seed)])
        assert result.exit_code == 1, seed
        assert 'question "extra/deep" (en): list object has no element 7' in result.stderr


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split on unescaped pipes (as GFM does)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_pipes_in_titles_do_not_break_markdown_tables(tmp_path):
    team = team_dir(tmp_path)
    study = (team / "study.yaml").read_text(encoding="utf-8")
    study = study.replace("title: Team study", "title: Pizza | pasta study")
    (team / "study.yaml").write_text(study.replace("title: Main", "title: Dreams | wishes"))
    result = runner.invoke(app, ["plan", str(team / "study.yaml"), "-b", str(team), "-n", "2"])
    assert result.exit_code == 0, result.stderr
    for name in ("plan/session-01.md", "plan/plan.md"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "Dreams \\| wishes" in text
        assert _table_blocks(text), name
        for block in _table_blocks(text):  # every row of a table has its header's cells
            assert len({len(_cells(line)) for line in block}) == 1, block


def _table_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("|"):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]
