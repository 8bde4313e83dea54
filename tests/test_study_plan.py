"""Multi-session plans (issue 5): counterbalanced order, rotation, goal
coverage, filters, lock files and impossible plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq._cli import app
from dreamq._generate import generate, generate_plan
from dreamq.catalog import load_catalog

from .helpers import write

runner = CliRunner()
DATE = ["--date", "2026-11-23"]


def _plan(*args: str) -> dict:
    result = runner.invoke(app, ["plan", *args, *DATE])
    assert result.exit_code == 0, result.stderr
    return result


def test_plan_writes_a_guide_per_session_and_the_overview(tmp_path):
    _plan("-n", "4", "-o", "out")
    names = sorted(p.name for p in Path("out").iterdir())
    assert names == [
        "dreamq.lock",
        "plan.json",
        "plan.md",
        "session-01.md",
        "session-02.md",
        "session-03.md",
        "session-04.md",
    ]
    plan = json.loads(Path("out/plan.json").read_text(encoding="utf-8"))
    assert plan["fixed"] == ["introduction", "warm-up", "wrap-up"]
    for order in plan["orders"]:  # fixed sections keep their places
        assert order[:2] == ["introduction", "warm-up"] and order[-1] == "wrap-up"
    # 4 movable sections, 4 sessions: one complete Williams block
    assert plan["design"] == {
        "name": "Williams balanced Latin square",
        "rows": 4,
        "complete_blocks": 1,
        "balanced": True,
    }
    assert all(counts == [1, 1, 1, 1] for counts in plan["balance"]["position"].values())
    follows = plan["balance"]["follows"]
    assert len(follows) == 12 and set(follows.values()) == {1}
    guide = Path("out/session-02.md").read_text(encoding="utf-8")
    assert "| Session | 2 |" in guide
    first_moving = plan["orders"][1][2]
    assert first_moving == "curiosity"
    assert "## 0:15–0:35 · Curiosity and confusion (20 min)" in guide  # the clock follows the order
    assert "Life and goals" in Path("out/plan.md").read_text(encoding="utf-8")
    assert first_moving in plan["balance"]["position"]


@pytest.mark.parametrize("sessions", [2, 3, 5, 8])
def test_each_section_appears_in_each_position_equally_often_over_complete_blocks(sessions):
    planned = generate_plan(sessions=sessions).plan
    rows = len(planned.design)
    movable = planned.movable
    counts = {sid: [0] * len(movable) for sid in movable}
    for plan in planned.sessions[: (sessions // rows) * rows]:
        order = [ps.section.id for ps in plan.sections if ps.section.id in counts]
        for position, sid in enumerate(order):
            counts[sid][position] += 1
    blocks = sessions // rows
    assert all(c == [blocks] * len(movable) for c in counts.values()), counts


def test_optional_questions_rotate_across_sessions():
    planned = generate_plan(sessions=8).plan
    per_session = [
        {q.ref for q in plan.questions if q.priority == "optional"} for plan in planned.sessions
    ]
    across = set().union(*per_session)
    # Each session's seed-shuffled draw is the same; only rotation (least asked
    # first) brings other alternatives in.
    assert len(across) >= 2 * len(per_session[0]), (len(across), len(per_session[0]))
    counts = [sum(ref in s for s in per_session) for ref in across]
    assert max(counts) <= 8 and min(counts) >= 1
    single = [generate(seed=1).plan.questions for _ in range(2)]
    assert single[0] == single[1]  # same seed, same guide
    others = {tuple(q.ref for q in generate(seed=s).plan.questions) for s in range(1, 6)}
    assert len(others) > 1  # another seed, another selection


@pytest.mark.parametrize("domain", sorted(load_catalog().domains))
def test_every_session_of_every_bundled_study_fits_its_boxes(domain):
    catalog = load_catalog()
    for study_id in catalog.studies:
        for minutes in (None, 60):
            planned = generate_plan(study_id, sessions=3, domain=domain, minutes=minutes).plan
            for plan in planned.sessions:
                assert sum(ps.minutes for ps in plan.sections) == (minutes or 90)
                for ps in plan.sections:
                    script = sum(b.script_minutes for b in ps.banks)
                    assert ps.used_minutes + script <= ps.minutes, (plan.session, ps.section.id)


def test_a_lock_regenerates_byte_identical_files(tmp_path):
    _plan("-n", "3", "-o", "first", "--seed", "5", "--minutes", "75", "--format", "html")
    result = runner.invoke(
        app, ["plan", "--lock", "first/dreamq.lock", "-o", "again", "-F", "html"]
    )
    assert result.exit_code == 0, result.stderr
    first = sorted(Path("first").iterdir())
    assert [p.name for p in first] == sorted(p.name for p in Path("again").iterdir())
    for path in first:
        assert path.read_bytes() == (Path("again") / path.name).read_bytes(), path.name
    assert "changed" not in result.stderr


def test_generate_lock_out_and_lock(tmp_path):
    made = runner.invoke(
        app,
        ["generate", "-o", "g.md", "--lock-out", "g.lock", "--seed", "9", "-l", "zh-Hant", *DATE],
    )
    assert made.exit_code == 0, made.stderr
    lock = json.loads(Path("g.lock").read_text(encoding="utf-8"))
    assert lock["seed"] == 9 and lock["language"] == "zh-Hant" and lock["date"] == "2026-11-23"
    assert all(len(b["sha256"]) == 64 for b in lock["banks"])
    again = runner.invoke(app, ["generate", "-o", "g2.md", "--lock", "g.lock"])
    assert again.exit_code == 0, again.stderr
    assert Path("g.md").read_bytes() == Path("g2.md").read_bytes()


def test_a_lock_says_which_questions_changed(tmp_path):
    team = tmp_path / "team"
    team.mkdir()
    source = load_catalog().banks["curiosity"].path
    bank = team / "curiosity.yaml"
    bank.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    _plan("-n", "2", "-o", "first", "-b", str(team))
    lock = json.loads(Path("first/dreamq.lock").read_text(encoding="utf-8"))
    asked = [r for r in lock["questions"] if r.startswith("curiosity/")]
    changed = asked[0]
    text = bank.read_text(encoding="utf-8")
    qid = changed.split("/")[1]
    at = text.index(f"id: {qid}")
    text = text[:at] + text[at:].replace("text: ", "text: Honestly, ", 1)
    bank.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", "--lock", "first/dreamq.lock", "-o", "again"])
    assert result.exit_code == 0, result.stderr
    assert f'question "{changed}" changed since the lock' in result.stderr
    assert sum("changed since the lock" in line for line in result.stderr.splitlines()) == 1


def test_coverage_lists_goals_and_the_questions_serving_them(tmp_path):
    guide = generate(fmt="md").text
    assert "1. Understand what participants" in guide and "*(questions 4, 5" in guide
    study = write(
        tmp_path,
        "study.yaml",
        """\
        kind: study
        format: 1
        id: goals
        title: Goals
        domain: pizza-delivery
        minutes: 20
        goals:
          - Learn about their lives.
          - id: trust
            text: Learn what they trust.
            tags: [trust]
        sections:
          - id: opening
            title: Opening
            minutes: 5
            banks: [introduction]
          - id: life
            title: Life
            minutes: 15
            banks: [life_and_goals]
            goals: [g1]
        """,
    )
    result = runner.invoke(app, ["generate", str(study), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    coverage = json.loads(result.stdout)["coverage"]
    assert coverage["uncovered"] == ["trust"]
    assert coverage["unaligned"] and all(
        r.startswith("introduction/") for r in coverage["unaligned"]
    )
    assert (
        'goal trust is served by no question in this session: "Learn what they trust."'
        in result.stderr
    )


def test_filters(tmp_path):
    base = {q.ref for q in generate().plan.questions}
    named = {ref for s in load_catalog().study().sections for ref in s.questions}
    no_open = generate(filters=_f(exclude_tags=("open",))).plan.questions
    assert any("open" in q.tags for q in generate().plan.questions if q.ref not in named)
    assert all("open" not in q.tags for q in no_open if q.ref not in named)
    excluded = sorted(base)[3]
    assert excluded not in {q.ref for q in generate(filters=_f(exclude=(excluded,))).plan.questions}
    result = runner.invoke(
        app, ["generate", "--include", "curiosity/last_time", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    refs = [q["ref"] for s in json.loads(result.stdout)["sections"] for q in s["questions"]]
    assert "curiosity/last_time" in refs


def _f(**kwargs):
    from dreamq.planner import Filters

    return Filters(**kwargs)


STUDY = """\
kind: study
format: 1
id: bad
title: Bad
domain: pizza-delivery
minutes: {minutes}
sections:
  - id: opening
    title: Opening
    minutes: {box}
    banks: [introduction]
  - id: main
    title: Main
    minutes: 10
    banks: [curiosity]
"""


@pytest.mark.parametrize(
    "args, study, message",
    [
        (
            [],
            {"minutes": 12, "box": 5},
            "the section time boxes add up to 15 minutes, more than the study's 12",
        ),
        ([], {"minutes": 13, "box": 3}, 'section "opening": its named and core questions need'),
        (
            ["--include", "curiosity/nope"],
            None,
            "must-include question 'curiosity/nope': unknown question",
        ),
        (
            ["--include", "mother_test/spare_them"],
            None,
            'no section of the study draws from bank "mother_test"',
        ),
        (["-n", "0"], None, "a plan needs 1 to 1000 sessions, got 0"),
        (
            ["--minutes", "20"],
            None,
            "20 minutes cannot hold this study's scripts and core questions",
        ),
    ],
)
def test_impossible_plans_are_refused_and_nothing_is_written(tmp_path, args, study, message):
    target = []
    if study is not None:
        target = [str(write(tmp_path, "bad.yaml", STUDY.format(**study)))]
    result = runner.invoke(app, ["plan", *target, *args, "-o", "out"])
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("out").exists()


def test_a_broken_lock_file_is_named(tmp_path):
    Path("x.lock").write_text('{"lock": 1,\n "dreamq": }', encoding="utf-8")
    result = runner.invoke(app, ["generate", "--lock", "x.lock"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: x.lock:2:") and "not valid JSON" in result.stderr
    Path("y.lock").write_text('{"study": 1}', encoding="utf-8")
    result = runner.invoke(app, ["plan", "--lock", "y.lock"])
    assert result.exit_code == 1 and "is not a dreamq lock file" in result.stderr


def test_a_study_filters_by_audience_and_the_cli_adds_to_it(tmp_path):
    team = tmp_path / "team"
    for audience in ("frontline", "customers"):
        write(
            team,
            f"{audience}.yaml",
            f"""\
            kind: bank
            format: 1
            id: {audience}_bank
            category: curiosity
            title: For {audience}
            audience: [{audience}]
            questions:
              - id: ask
                text: What happens at {{{{ company }}}}?
                minutes: 3
                priority: core
            """,
        )
    write(
        team,
        "staff.yaml",
        """\
        kind: study
        format: 1
        id: staff
        title: Staff group
        domain: pizza-delivery
        minutes: 10
        filters:
          audience: frontline
        sections:
          - id: main
            title: Main
            minutes: 10
            banks: [frontline_bank, customers_bank, curiosity]
        """,
    )
    asked = {q.ref for q in generate("staff", bank_dirs=[team]).plan.questions}
    assert "frontline_bank/ask" in asked and "customers_bank/ask" not in asked
    cli = generate("staff", bank_dirs=[team], filters=_f(audience="customers")).plan.questions
    assert "customers_bank/ask" in {q.ref for q in cli}
    assert "frontline_bank/ask" not in {q.ref for q in cli}


def test_a_session_guide_names_its_session_in_the_printed_header(tmp_path):
    _plan("-n", "2", "-o", "out", "--format", "html")
    html = Path("out/session-02.html").read_text(encoding="utf-8")
    assert (
        '<p class="running">Co-creation focus group · Pizza delivery · Session 2 · 2026-11-23</p>'
        in html
    )


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.__setitem__("study", {}), 'study: missing required key "id"'),
        (
            lambda d: d["sessions"][0].__setitem__("order", [1]),
            "sessions[0].order[0]: expected text",
        ),
        (
            lambda d: d["sessions"][0]["sections"].__setitem__("curiosity", [None]),
            "sessions[0].sections.curiosity[0]",
        ),
        (lambda d: d["filters"].__setitem__("include", [1]), "filters.include[0]: expected text"),
        (lambda d: d.__setitem__("minutes", 10**9), "minutes: 1000000000 is out of range"),
        (lambda d: d.__setitem__("sessions", []), "sessions: needs at least 1 item"),
        (
            lambda d: d["sessions"][0]["sections"].__setitem__("nope", []),
            "the study's sections changed since the lock was written",
        ),
    ],
)
def test_a_hand_edited_lock_is_refused_with_the_key_that_is_wrong(tmp_path, edit, message):
    _plan("-n", "2", "-o", "first")
    data = json.loads(Path("first/dreamq.lock").read_text(encoding="utf-8"))
    edit(data)
    Path("x.lock").write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--lock", "x.lock", "-o", "again"])
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("error: x.lock: ") and message in result.stderr
    assert not Path("again").exists()


def test_plan_output_options_that_cannot_work(tmp_path):
    Path("afile").write_text("x\n", encoding="utf-8")
    under_a_file = runner.invoke(app, ["plan", "-o", "afile/sub"])
    assert under_a_file.exit_code == 1 and "nothing was written" in under_a_file.stderr
    _plan("-n", "2", "-o", "first")
    both = runner.invoke(app, ["plan", "--lock", "first/dreamq.lock", "-n", "3", "-o", "x"])
    assert both.exit_code == 2 and "the lock file decides" in both.stderr
    same = runner.invoke(app, ["generate", "-o", "g.md", "--lock-out", "g.md"])
    assert same.exit_code == 2 and "two outputs would be the same file" in same.stderr
    assert not Path("g.md").exists()


def test_generate_plan_reports_progress_before_and_after_each_session(tmp_path):
    calls: list[tuple[int, int]] = []
    generate_plan(
        sessions=3,
        domain="pizza-delivery",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def _plan_with_stderr_on(stderr_tty: bool, tmp_path: Path) -> str:
    """Run `dreamq plan` in a real process whose stderr is a terminal (a
    pseudo-terminal) or a pipe, and return what it wrote there."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm"
    # -X importtime lists every module imported on stderr: the bar's cost shows
    command = [sys.executable, "-X", "importtime", "-m", "dreamq", "plan", "-n", "3", "-o", "out"]
    command += DATE
    command += ["--domain", "pizza-delivery"]
    if not stderr_tty:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stderr.decode()
    import pty

    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=terminal
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert child.wait(timeout=120) == 0
    return b"".join(chunks).decode(errors="replace")


def test_plan_draws_a_progress_bar_only_on_a_terminal(tmp_path):
    on_terminal = _plan_with_stderr_on(True, tmp_path)
    assert "rendering sessions" in on_terminal
    assert "/3" in on_terminal
    assert "wrote 3 session guide(s)" in on_terminal
    assert "rich.progress" in on_terminal
    elsewhere = tmp_path / "piped"
    elsewhere.mkdir()
    piped = _plan_with_stderr_on(False, elsewhere)
    assert "rendering sessions" not in piped
    assert "rich.progress" not in piped  # not even imported when nobody sees a bar
    assert "wrote 3 session guide(s)" in piped


def _team_plan(tmp_path, monkeypatch) -> Path:
    """A team repository made with `dreamq init`, planned from its top folder
    with `-b .` into P/; the working folder is left at the repository."""
    made = runner.invoke(app, ["init", "team"])
    assert made.exit_code == 0, made.stderr
    monkeypatch.chdir(tmp_path / "team")
    _plan("pilot", "-b", ".", "-n", "3", "-o", "P")
    guide = Path("P/session-01.md").read_text(encoding="utf-8")
    assert "team: studies/pilot.yaml" in guide and "team: banks/onboarding.yaml" in guide
    return tmp_path / "team"


def _same_files(first: Path, again: Path) -> None:
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in again.iterdir())
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (again / path.name).read_bytes(), path.name


@pytest.mark.parametrize(
    ("where", "bank_dirs", "lock"),
    [
        (".", ["-b", "."], "P/dreamq.lock"),
        (".", [], "P/dreamq.lock"),
        ("P", [], "dreamq.lock"),  # what plan.md says to run
        ("P", ["-b", ".."], "dreamq.lock"),
    ],
)
def test_a_team_plan_replays_byte_identical_from_the_plan_or_output_folder(
    tmp_path, monkeypatch, where, bank_dirs, lock
):
    team = _team_plan(tmp_path, monkeypatch)
    monkeypatch.chdir(team / where)
    again = tmp_path / "again"
    result = runner.invoke(app, ["plan", *bank_dirs, "--lock", lock, "-o", str(again)])
    assert result.exit_code == 0, result.stderr
    assert "changed" not in result.stderr
    _same_files(team / "P", again)


def test_plan_md_says_how_to_regenerate_from_its_folder(tmp_path, monkeypatch):
    team = _team_plan(tmp_path, monkeypatch)
    hint = (team / "P/plan.md").read_text(encoding="utf-8").splitlines()[-1]
    assert "`dreamq plan --lock dreamq.lock -o DIR` in this folder" in hint
    monkeypatch.chdir(team / "P")
    result = runner.invoke(app, ["plan", "--lock", "dreamq.lock", "-o", "../DIR"])
    assert result.exit_code == 0, result.stderr
    _same_files(team / "P", team / "DIR")


def test_a_moved_team_repository_replays_from_its_output_folder(tmp_path, monkeypatch):
    import shutil

    team = _team_plan(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(team, moved)
    shutil.rmtree(team)  # the recorded root is gone: found from the lock's folder up
    monkeypatch.chdir(moved / "P")
    result = runner.invoke(app, ["plan", "--lock", "dreamq.lock", "-o", str(tmp_path / "again")])
    assert result.exit_code == 0, result.stderr
    for path in sorted((moved / "P").iterdir()):
        first = path.read_text(encoding="utf-8")
        second = (tmp_path / "again" / path.name).read_text(encoding="utf-8")
        if path.name == "dreamq.lock":  # the new lock records where it was made now
            first = first.replace(json.dumps(str(team)), json.dumps(str(moved.resolve())))
        assert first == second, path.name


@pytest.mark.parametrize(("where", "bank_dirs"), [(".", ["-b", "."]), (".", []), ("locks", [])])
def test_a_team_guide_lock_replays_byte_identical(tmp_path, monkeypatch, where, bank_dirs):
    made = runner.invoke(app, ["init", "team"])
    assert made.exit_code == 0, made.stderr
    team = tmp_path / "team"
    monkeypatch.chdir(team)
    Path("locks").mkdir()
    first = runner.invoke(
        app, ["generate", "pilot", "-b", ".", "-o", "g.md", "--lock-out", "locks/g.lock", *DATE]
    )
    assert first.exit_code == 0, first.stderr
    guide = Path("g.md").read_text(encoding="utf-8")
    assert "`pilot` · team: studies/pilot.yaml |" in guide
    monkeypatch.chdir(team / where)
    lock = str(team / "locks/g.lock") if where == "." else "g.lock"
    outputs = ["-o", str(tmp_path / "g2.md"), "--lock-out", str(tmp_path / "g2.lock")]
    again = runner.invoke(app, ["generate", *bank_dirs, "--lock", lock, *outputs])
    assert again.exit_code == 0, again.stderr
    assert (team / "g.md").read_bytes() == (tmp_path / "g2.md").read_bytes()
    assert (team / "locks/g.lock").read_bytes() == (tmp_path / "g2.lock").read_bytes()


def test_a_lock_whose_files_are_missing_names_the_lock_the_line_and_the_path(tmp_path, monkeypatch):
    team = _team_plan(tmp_path, monkeypatch)
    (team / "banks/onboarding.yaml").rename(team / "onboarding.bak")
    result = runner.invoke(app, ["plan", "--lock", "P/dreamq.lock", "-o", "again"])
    assert result.exit_code == 1
    lines = Path("P/dreamq.lock").read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, t in enumerate(lines) if '"banks/onboarding.yaml"' in t)
    assert result.stderr.startswith(
        f'error: P/dreamq.lock:{line}: cannot find banks/onboarding.yaml, the file of bank "onboarding"'
    )
    assert str(team) in result.stderr and "run dreamq from the folder the plan was made in" in (
        result.stderr
    )
    assert "pass -b DIR" in result.stderr and not Path("again").exists()
    # a lock carried away from its repository: the study is named the same way
    (team / "onboarding.bak").rename(team / "banks/onboarding.yaml")
    Path("P/dreamq.lock").rename(tmp_path / "away.lock")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team").rename(tmp_path / "renamed")
    result = runner.invoke(app, ["plan", "--lock", "away.lock", "-o", "again"])
    assert result.exit_code == 1
    assert 'error: away.lock:7: cannot find studies/pilot.yaml, the file of study "pilot"' in (
        result.stderr
    )
    assert 'unknown study "pilot"' not in result.stderr
    # with the team's folder given, the study is found by its id
    result = runner.invoke(app, ["plan", "-b", "renamed", "--lock", "away.lock", "-o", "again"])
    assert result.exit_code == 0, result.stderr
    assert "team: renamed/studies/pilot.yaml" in Path("again/session-01.md").read_text(
        encoding="utf-8"
    )


def test_an_older_lock_without_its_root_still_replays(tmp_path, monkeypatch):
    team = _team_plan(tmp_path, monkeypatch)
    data = json.loads(Path("P/dreamq.lock").read_text(encoding="utf-8"))
    assert data.pop("root") == str(team)
    Path("old.lock").write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--lock", "old.lock", "-o", "again"])
    assert result.exit_code == 0, result.stderr
    for name in ("session-01.md", "session-03.md", "plan.md", "plan.json"):
        assert (team / "P" / name).read_bytes() == (team / "again" / name).read_bytes(), name
