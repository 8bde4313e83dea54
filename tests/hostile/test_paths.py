"""Hostile paths and ids: output files that already exist or are links,
output into directories that do not exist, and ids that try to be paths or
carry control characters."""

from __future__ import annotations

import json

import pytest

from .conftest import (
    BANK,
    DOMAIN,
    GENERATE,
    STUDY,
    assert_nothing_written,
    assert_ok,
    assert_refused,
    assert_usage_error,
    edited,
    files_under,
    run,
    write,
    write_team,
)

# ------------------------------------------------------------ -o targets


def test_output_onto_an_existing_file_is_refused(tmp_path):
    target = write(tmp_path / "guide.md", "keep me\n")
    before = files_under(tmp_path)
    result = run(*GENERATE, "-o", "guide.md")
    assert_refused(result, "guide.md", "exists", "nothing was written", "--force")
    assert target.read_text() == "keep me\n"
    assert_nothing_written(tmp_path, before)


def test_output_onto_a_symlink_is_refused(tmp_path):
    target = write(tmp_path / "precious.txt", "precious\n")
    (tmp_path / "guide.md").symlink_to(target)
    before = files_under(tmp_path)
    result = run(*GENERATE, "-o", "guide.md")
    assert_refused(result, "guide.md", "exists", "--force")
    assert target.read_text() == "precious\n"
    assert (tmp_path / "guide.md").is_symlink()
    assert_nothing_written(tmp_path, before)


def test_output_onto_a_dangling_symlink_is_refused(tmp_path):
    (tmp_path / "guide.md").symlink_to(tmp_path / "created-through-the-link.md")
    before = files_under(tmp_path)
    result = run(*GENERATE, "-o", "guide.md")
    assert_refused(result, "guide.md", "exists", "--force")
    assert not (tmp_path / "created-through-the-link.md").exists()
    assert_nothing_written(tmp_path, before)


def test_output_onto_a_symlink_to_a_file_outside(tmp_path, tmp_path_factory):
    outside = write(tmp_path_factory.mktemp("elsewhere") / "victim.txt", "victim\n")
    (tmp_path / "guide.md").symlink_to(outside)
    result = run(*GENERATE, "-o", "guide.md")
    assert_refused(result, "guide.md", "exists")
    assert outside.read_text() == "victim\n"


@pytest.mark.parametrize("target", ["no/such/dir/guide.md", "missing/guide.md"])
def test_output_into_a_missing_directory(tmp_path, target):
    before = files_under(tmp_path)
    result = run(*GENERATE, "-o", target)
    assert_refused(result, target.rsplit("/", 1)[0], "does not exist", "nothing was written")
    assert_nothing_written(tmp_path, before)


def test_output_below_a_file(tmp_path):
    write(tmp_path / "notes.txt", "a file, not a directory\n")
    before = files_under(tmp_path)
    result = run(*GENERATE, "-o", "notes.txt/guide.md")
    assert_refused(result, "notes.txt", "nothing was written")
    assert_nothing_written(tmp_path, before)


def test_output_onto_a_directory_is_a_usage_error(tmp_path):
    (tmp_path / "out").mkdir()
    before = files_under(tmp_path)
    assert_usage_error(run(*GENERATE, "-o", "out"), "--output", "directory")
    assert_nothing_written(tmp_path, before)


def test_broken_input_with_force_leaves_the_old_file(tmp_path):
    """--force replaces a file only with a finished guide."""
    write_team(tmp_path, bank=edited(BANK, ("  minutes: 4\n", "  minutes: four\n")))
    target = write(tmp_path / "guide.md", "last week's guide\n")
    before = files_under(tmp_path)
    result = run("generate", "team-study", "--bank-dir", "team", "-o", "guide.md", "--force")
    assert_refused(result, "team/bank.yaml:15", "whole number")
    assert target.read_text() == "last week's guide\n"
    assert_nothing_written(tmp_path, before)


def test_broken_template_with_force_leaves_the_old_file(tmp_path):
    write(tmp_path / "tpl" / "guide.md.j2", "{{ guide.tilte }}\n")
    target = write(tmp_path / "guide.md", "last week's guide\n")
    before = files_under(tmp_path)
    result = run(*GENERATE, "--template", "tpl", "-o", "guide.md", "--force")
    assert_refused(result, "tpl/guide.md.j2:1", "tilte")
    assert target.read_text() == "last week's guide\n"
    assert_nothing_written(tmp_path, before)


# ----------------------------------------------------------------- ids

# Values an id might take to escape into a path ...
PATH_LIKE_IDS = [
    ("slash", "te/am"),
    ("dotdot", ".."),
    ("dotdot-slash", "../../etc/passwd"),
    ("absolute", "/etc/passwd"),
    ("backslash", "..\\team"),
]
# ... or into the terminal, when a message quotes it.
CONTROL_IDS = [
    ("nul", "te\x00am"),
    ("escape-sequence", "team\x1b[2J\x1b[31m"),
    ("newline", "team\nerror: fake.yaml:1: everything is fine"),
    ("carriage-return", "team\rerror: fake.yaml:1: everything is fine"),
]

# (place, file name, text, the line holding the id, how to put the value there)
ID_PLACES = [
    ("bank-id", "bank.yaml", BANK, 3, ("id: team", "id: {}")),
    ("question-id", "bank.yaml", BANK, 13, ("- id: second", "- id: {}")),
    ("study-id", "study.yaml", STUDY, 3, ("id: team-study", "id: {}")),
    ("domain-id", "domain.yaml", DOMAIN, 3, ("id: lean", "id: {}")),
    ("section-id", "study.yaml", STUDY, 8, ("- id: main", "- id: {}")),
    ("study-bank-reference", "study.yaml", STUDY, 11, ("banks: [team]", "banks: [{}]")),
]

ID_CASES = (
    [
        pytest.param(name, text, line, edit, value, id=f"{place}-{case}")
        for place, name, text, line, edit in ID_PLACES
        for case, value in PATH_LIKE_IDS
    ]
    + [
        pytest.param(name, text, line, edit, value, id=f"{place}-{case}")
        for place, name, text, line, edit in ID_PLACES[:4]
        for case, value in CONTROL_IDS
    ]
    + [
        pytest.param(*ID_PLACES[0][1:], "te\u202eam", id="bank-id-bidi-override"),
    ]
)


@pytest.mark.parametrize(("name", "text", "line", "edit", "value"), ID_CASES)
def test_hostile_ids_are_refused_by_validation(tmp_path, name, text, line, edit, value):
    """Refused on the id's line, in one message that does not reproduce raw
    control characters (a newline in an id must not forge a second message)."""
    old, new = edit
    text = edited(text, (old, new.format(json.dumps(value))))
    write(tmp_path / name, text)
    before = files_under(tmp_path)
    result = run("validate", name)
    assert_refused(result, f"{name}:{line}")
    assert_nothing_written(tmp_path, before)


@pytest.mark.parametrize("value", [pytest.param(v, id=c) for c, v in PATH_LIKE_IDS])
def test_path_like_ids_never_reach_the_file_system(tmp_path, value):
    """A team study whose bank id looks like a path is refused when the team
    directory is read: nothing is looked up or written under that name."""
    write_team(tmp_path, bank=edited(BANK, ("id: team", f"id: {json.dumps(value)}")))
    before = files_under(tmp_path)
    result = run(
        "generate", "team-study", "--bank-dir", "team", "--date", "2026-01-01", "-o", "g.md"
    )
    assert_refused(result, "team/bank.yaml:3", "not valid")
    assert_nothing_written(tmp_path, before)


def test_the_team_fixture_is_valid(tmp_path):
    """The id cases fail for the id alone."""
    write_team(tmp_path)
    assert_ok(run("validate", "team"))
    assert_ok(run("generate", "team-study", "--bank-dir", "team", "--date", "2026-01-01"))
