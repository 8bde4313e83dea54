"""The planner's arithmetic: boxes that add up, floors that hold."""

from __future__ import annotations

import pytest

from dreamq.planner import scale_boxes


@pytest.mark.parametrize("total", [7, 30, 60, 89, 90, 91, 120, 240])
def test_scaled_boxes_sum_to_the_session_and_keep_their_floors(total):
    boxes = [8, 9, 15, 20, 18, 14, 6]
    floors = [8, 5, 6, 10, 12, 11, 6]
    scaled = scale_boxes(boxes, total, floors)
    if total >= sum(floors):
        assert sum(scaled) == total
        assert all(s >= f for s, f in zip(scaled, floors, strict=True))
    else:
        assert scaled == floors  # the caller refuses this length


def test_scaling_keeps_proportions_above_the_floors():
    assert scale_boxes([10, 30], 20, [0, 0]) == [5, 15]
    assert scale_boxes([10, 30], 30, [10, 10]) == [10, 20]


# -- the guide's language and the filters, checked whatever the seed ----------

ONLY_ENGLISH = """\
  - id: english_only
    text: What would you tell a friend about {{{{ product }}}}?
    minutes: 5
    priority: {priority}
"""


def _team_with_english_only(tmp_path, priority: str):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8") + ONLY_ENGLISH.format(priority=priority), "utf-8"
    )
    return team


@pytest.mark.parametrize("seed", range(6))
def test_optional_questions_without_the_language_are_left_out_for_every_seed(tmp_path, seed):
    from dreamq import generate

    team = _team_with_english_only(tmp_path, "optional")
    guide = generate(str(team / "study.yaml"), bank_dirs=[team], language="zh-Hant", seed=seed)
    assert "team_bank/english_only" not in {q.ref for q in guide.plan.questions}
    assert any(
        "have no zh-Hant text and are left out: " in w and "team_bank/english_only" in w
        for w in guide.warnings
    )
    english = generate(str(team / "study.yaml"), bank_dirs=[team], seed=seed)
    assert not any("left out" in w for w in english.warnings)


@pytest.mark.parametrize("seed", range(6))
def test_a_core_question_without_the_language_is_an_error_for_every_seed(tmp_path, seed):
    from dreamq import DreamqError, generate

    team = _team_with_english_only(tmp_path, "core")
    with pytest.raises(DreamqError) as caught:
        generate(str(team / "study.yaml"), bank_dirs=[team], language="zh-Hans", seed=seed)
    problem = caught.value.problems[0]
    assert problem.message == 'question "team_bank/english_only" (core) has no zh-Hans text'
    assert problem.file.endswith("team_bank.yaml") and problem.line == 22  # its "- id:" line


def _cli(*args: str):
    from typer.testing import CliRunner

    from dreamq._cli import app

    return CliRunner().invoke(app, list(args))


def test_an_unknown_tag_or_audience_is_named_not_blamed_on_time():
    result = _cli("generate", "--tag", "dreem")
    assert result.exit_code == 1
    assert 'tag "dreem": no question this study draws from has that tag.' in result.stderr
    assert 'Did you mean "dream"?' in result.stderr or "tags in use:" in result.stderr
    assert "no question fits" not in result.stderr
    result = _cli("generate", "--exclude-tag", "nosuchtag")
    assert result.exit_code == 1 and 'excluded tag "nosuchtag"' in result.stderr
    result = _cli("generate", "--audience", "nobody")
    assert result.exit_code == 1
    assert 'audience "nobody": no bank this study draws from names that audience' in (result.stderr)
    assert "audiences in use: customers" in result.stderr


def test_a_note_every_session_shares_is_printed_once(tmp_path):
    team = _team_with_english_only(tmp_path, "optional")
    result = _cli("plan", str(team / "study.yaml"), "-b", str(team), "-n", "3", "--lang", "zh-Hant")
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(notes) == 1 and "team_bank/english_only" in notes[0]
    assert notes[0].startswith("warning: 2 optional question(s)")  # no "session N:"


def test_plan_md_reads_right_with_one_movable_section_and_goals(tmp_path):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    study = team / "study.yaml"
    text = study.read_text("utf-8").replace(
        "    minutes: 5\n", "    minutes: 5\n    fixed: true\n", 1
    )
    text = text.replace("sections:", "goals:\n  - Hear it in their own words.\nsections:")
    text = text.replace("    banks: [team_bank]\n", "    banks: [team_bank]\n    goals: [g1]\n")
    study.write_text(text, "utf-8")
    result = _cli("plan", str(study), "-b", str(team), "-n", "2", "-o", "out")
    assert result.exit_code == 0, result.stderr
    plan = (tmp_path / "out" / "plan.md").read_text("utf-8")
    assert "The only other section, `main`," in plan
    assert "1 sections" not in plan and "1 rows" not in plan
    assert "Hear it in their own words. — served in" in plan


def test_boxes_shorter_than_the_study_name_the_file_and_what_to_do(tmp_path):
    from .helpers import team_dir

    team = team_dir(tmp_path)
    study = team / "study.yaml"
    study.write_text(study.read_text("utf-8").replace("minutes: 20", "minutes: 30"), "utf-8")
    result = _cli("generate", str(study), "-b", str(team))
    assert result.exit_code == 0, result.stderr
    assert (
        "study.yaml: the section time boxes add up to 20 minutes, but the study is 30 minutes "
        "long (lengthen a section, or shorten the study's minutes)" in result.stderr
    )
