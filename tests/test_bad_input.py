"""Bad input through the CLI: every mistake a bank author can make ends in exit
code 1 and one readable message naming the file and line, never a traceback,
and never a half-written or clobbered output file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq._cli import app
from dreamq.errors import DreamqError

from .helpers import TEAM_BANK

runner = CliRunner()

BANK = TEAM_BANK  # line numbers in tests/helpers.py

DOMAIN = """\
kind: domain
format: 1
id: lean
title: Lean domain
values:
  en:
    product: lean delivery
    company: Lean Co
"""

STUDY = """\
kind: study
format: 1
id: team-study
title: Team study
domain: lean
minutes: 10
sections:
- id: main
  title: Main
  minutes: 10
  banks: [team]
"""

# The two question texts (lines 8 and 14), as targets for edits.
FIRST_TEXT = "  text: What do you like about {{ product }}?\n"
SECOND_TEXT = "  text: When did you last order?\n"


@pytest.fixture(autouse=True)
def _clean_env(tmp_path, monkeypatch):
    """No team banks or debug mode from the developer's shell; relative paths in tmp_path."""
    monkeypatch.delenv("DREAMQ_BANK_PATH", raising=False)
    monkeypatch.delenv("DREAMQ_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------- helpers


def edited(text: str, *edits: tuple[str, str]) -> str:
    """``text`` with each (old, new) replacement applied; ``old`` must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique: {old!r}"
        text = text.replace(old, new)
    return text


def write(path: str | Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_bank(*edits: tuple[str, str], path: str = "bank.yaml") -> Path:
    """The valid BANK with one thing changed, written to ``path``."""
    return write(path, edited(BANK, *edits))


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def assert_rejected(result, where: str | None, *words: str) -> str:
    """Exit 1 with a message on stderr (at ``where``, e.g. "bank.yaml:7") holding ``words``."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 1, output
    err = result.stderr
    assert "error:" in err
    if where is not None:
        assert f"{where}:" in err, err
    lowered = err.lower()
    for word in words:
        assert word.lower() in lowered, f"{word!r} not in: {err}"
    return err


def assert_usage_error(result, *words: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code == 2, output
    for word in words:
        assert word.lower() in result.stderr.lower(), result.stderr


# ------------------------------------------------------ broken bank files

# (case id, edits to BANK, line of the problem, key words of the message).
# Cases marked GEN are also run through `generate -o`, to show nothing is written.
GEN = "generate"
BAD_BANKS = [
    # YAML syntax
    ("bad-indentation", [("  minutes: 5\n", "   minutes: 5\n")], 11, ["YAML syntax error"], GEN),
    (
        "unclosed-bracket",  # the line of the "[" that is never closed
        [("  priority: core\n", "  priority: core\n  tags: [use, curiosity\n")],
        13,
        ["YAML syntax error", "flow sequence"],
        None,
    ),
    (
        "tab-indentation",
        [("  minutes: 5\n", "\tminutes: 5\n")],
        11,
        ["YAML syntax error", "tabs"],
        None,
    ),
    # wrong types
    (
        "minutes-quoted-word",
        [("  minutes: 5\n", '  minutes: "five"\n')],
        11,
        ["minutes", "whole number", '"five"'],
        None,
    ),
    (
        "minutes-plain-word",
        [("  minutes: 5\n", "  minutes: five\n")],
        11,
        ["minutes", "whole number", '"five"'],
        GEN,
    ),
    (
        "text-as-list",
        [(FIRST_TEXT, "  text: [What, When]\n")],
        8,
        ["text", "expected text", "list"],
        None,
    ),
    (
        "probes-as-string",
        [("  probes:\n  - Why is that?\n", "  probes: Why is that?\n")],
        9,
        ["probes", "expected a list", "Why is that?"],
        None,
    ),
    # YAML 1.1 surprises: plain scalars that are not text
    ("text-no", [(SECOND_TEXT, "  text: no\n")], 14, ['"no"', "boolean", 'quotes: "no"'], GEN),
    ("text-on", [(SECOND_TEXT, "  text: on\n")], 14, ['"on"', "boolean", 'quotes: "on"'], None),
    ("text-yes", [(SECOND_TEXT, "  text: yes\n")], 14, ['"yes"', "boolean", 'quotes: "yes"'], None),
    (
        "text-date",
        [(SECOND_TEXT, "  text: 2024-01-01\n")],
        14,
        ['"2024-01-01"', "date", 'quotes: "2024-01-01"'],
        None,
    ),
    (
        "text-float",
        [(SECOND_TEXT, "  text: 3.14\n")],
        14,
        ['"3.14"', "number", 'quotes: "3.14"'],
        None,
    ),
    (
        "text-null",
        [(SECOND_TEXT, "  text: null\n")],
        14,
        ['"null"', "null", 'quotes: "null"'],
        None,
    ),
    ("text-tilde", [(SECOND_TEXT, "  text: ~\n")], 14, ['"~"', "null", 'quotes: "~"'], None),
    (
        "probe-yes",
        [("  - Why is that?\n", "  - yes\n")],
        10,
        ["probes[0]", "boolean", 'quotes: "yes"'],
        None,
    ),
    (
        "key-on",
        [("  priority: core\n", "  on: core\n")],
        12,
        ["key", "on", "boolean", 'quotes: "on"'],
        None,
    ),
    (
        "language-key-no",  # Norwegian
        [
            (
                "  priority: core\n",
                "  priority: core\n  translations:\n    no:\n      text: Hva liker du?\n",
            )
        ],
        14,
        ["key", "no", "boolean", 'quotes: "no"'],
        None,
    ),
    # unknown keys
    (
        "unknown-bank-key",
        [("title: Team", "titel: Team")],
        5,
        ['unknown key "titel"', 'did you mean "title"'],
        None,
    ),
    (
        "unknown-question-key",
        [(FIRST_TEXT, FIRST_TEXT.replace("text", "txet"))],
        8,
        ['unknown key "txet"', 'did you mean "text"'],
        None,
    ),
    # duplicates
    (
        "duplicate-mapping-key",
        [("  minutes: 5\n", "  text: Again?\n  minutes: 5\n")],
        11,
        ['duplicate key "text"', "line 8"],
        GEN,
    ),
    (
        "duplicate-question-id",
        [("- id: second", "- id: first")],
        13,
        ['duplicate question id "first"', "line 7"],
        None,
    ),
    # anchors, aliases, merge keys
    (
        "anchor",
        [(FIRST_TEXT, "  text: &q What do you like about {{ product }}?\n")],
        8,
        ["anchors", "&q", "not allowed"],
        None,
    ),
    ("alias", [(SECOND_TEXT, "  text: *q\n")], 14, ["aliases", "*q", "not allowed"], None),
    (
        "merge-key",
        [("  minutes: 4\n", "  <<: {minutes: 4}\n")],
        15,
        ["merge keys", "<<", "not allowed"],
        None,
    ),
    # tags outside YAML's core schema
    (
        "python-tag-on-list",
        [(SECOND_TEXT, '  text: !!python/object/apply:os.system ["touch pwned"]\n')],
        14,
        ["unsupported tag", "python/object/apply:os.system"],
        GEN,
    ),
    (
        "python-tag-on-scalar",
        [(SECOND_TEXT, "  text: !!python/name:os.system touch pwned\n")],
        14,
        ["unsupported tag", "python/name:os.system"],
        None,
    ),
    (
        "local-tag",
        [(SECOND_TEXT, "  text: !shell touch pwned\n")],
        14,
        ["unsupported tag", "!shell"],
        None,
    ),
    # question texts are templates
    (
        "jinja-syntax-error",
        [(SECOND_TEXT, "  text: When did you last order {{ product \n")],
        14,
        ['"second"', "Jinja syntax error"],
        None,
    ),
    (
        "jinja-code-execution",
        [
            (
                SECOND_TEXT,
                "  text: \"{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}\"\n",
            )
        ],
        14,
        ['"second"', "not allowed"],
        GEN,
    ),
    (
        "jinja-statement",
        [(SECOND_TEXT, '  text: "{% for x in artifacts %}{{ x }}{% endfor %}"\n')],
        14,
        ['"second"', "for", "not allowed"],
        None,
    ),
    # translations
    (
        "translation-probe-count",
        [
            (
                "  priority: core\n",
                "  priority: core\n"
                "  translations:\n"
                "    zh-Hant:\n"
                "      text: 你喜歡{{ product }}的什麼？\n"
                "      probes:\n"
                "      - 為什麼？\n"
                "      - 還有呢？\n",
            )
        ],
        17,
        ['"first"', "translations.zh-Hant.probes", "2 item(s)", "probes has 1"],
        GEN,
    ),
]

VALIDATE_CASES = [pytest.param(e, n, w, id=c) for c, e, n, w, _ in BAD_BANKS]
GENERATE_CASES = [pytest.param(e, n, w, id=c) for c, e, n, w, via in BAD_BANKS if via == GEN]


@pytest.mark.parametrize(("edits", "line", "words"), VALIDATE_CASES)
def test_validate_reports_broken_bank(tmp_path, edits, line, words):
    write_bank(*edits)
    result = run("validate", "bank.yaml")
    assert_rejected(result, f"bank.yaml:{line}", *words)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(("edits", "line", "words"), GENERATE_CASES)
def test_generate_with_broken_team_bank_writes_nothing(tmp_path, edits, line, words):
    write_bank(*edits, path="team/bank.yaml")
    result = run("generate", "--bank-dir", "team", "--date", "2026-01-01", "-o", "guide.md")
    assert_rejected(result, f"team/bank.yaml:{line}", *words)
    assert not (tmp_path / "guide.md").exists()
    assert not (tmp_path / "pwned").exists()
    assert result.stdout == ""


# (case id, file name, its text, line, key words): the same care in domains and studies.
BAD_OTHER_FILES = [
    (
        "domain-value-no",
        "domain.yaml",
        edited(DOMAIN, ("company: Lean Co", "company: no")),
        8,
        ['"no"', "boolean", 'quotes: "no"'],
    ),
    (
        "domain-value-date",
        "domain.yaml",
        edited(DOMAIN, ("company: Lean Co", "company: 2024-01-01")),
        8,
        ['"2024-01-01"', "date", 'quotes: "2024-01-01"'],
    ),
    (
        "domain-unknown-key",
        "domain.yaml",
        edited(DOMAIN, ("title:", "titel:")),
        4,
        ['unknown key "titel"', 'did you mean "title"'],
    ),
    (
        "study-title-yes",
        "study.yaml",
        edited(STUDY, ("title: Main", "title: yes")),
        9,
        ['"yes"', "boolean", 'quotes: "yes"'],
    ),
    (
        "study-minutes-word",
        "study.yaml",
        edited(STUDY, ("minutes: 10\nsections", "minutes: ninety\nsections")),
        6,
        ["minutes", "whole number", '"ninety"'],
    ),
    (
        "study-duplicate-section",
        "study.yaml",
        STUDY + "- id: main\n  title: Again\n  minutes: 5\n  banks: [team]\n",
        12,
        ['duplicate section id "main"', "line 8"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [pytest.param(f, t, n, w, id=c) for c, f, t, n, w in BAD_OTHER_FILES],
)
def test_validate_reports_broken_domain_or_study(name, text, line, words):
    write(name, text)
    assert_rejected(run("validate", name), f"{name}:{line}", *words)


@pytest.mark.parametrize("case", ["bad-indentation", "unclosed-bracket", "tab-indentation"])
def test_syntax_errors_give_line_and_column(case):
    _, edits, line, _, _ = next(c for c in BAD_BANKS if c[0] == case)
    write_bank(*edits)
    err = assert_rejected(run("validate", "bank.yaml"), f"bank.yaml:{line}")
    assert re.search(rf"bank\.yaml:{line}:\d+: ", err), err


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        pytest.param("", 1, ["file is empty", "kind: bank"], id="empty-file"),
        pytest.param("# a comment\n\n# another\n", 1, ["file is empty"], id="only-comments"),
        pytest.param(
            BANK.split("questions:")[0] + "questions: []\n",
            6,
            ["questions", "at least 1"],
            id="no-questions",
        ),
    ],
)
def test_empty_banks_are_refused(text, line, words):
    write("bank.yaml", text)
    assert_rejected(run("validate", "bank.yaml"), f"bank.yaml:{line}", *words)


def test_python_tag_runs_nothing_even_in_a_team_directory(tmp_path):
    write_bank(
        (SECOND_TEXT, '  text: !!python/object/apply:os.system ["touch pwned"]\n'),
        path="team/bank.yaml",
    )
    result = run("banks", "show", "team", "--bank-dir", "team")
    assert_rejected(result, "team/bank.yaml:14", "unsupported tag")
    assert not (tmp_path / "pwned").exists()


def test_validate_reports_every_problem_in_every_file():
    write_bank(
        ("  minutes: 5\n", "  minutes: five\n"),
        ("  priority: core\n", "  priority: must\n"),
        path="team/one.yaml",
    )
    write_bank(("  minutes: 4\n", "   minutes: 4\n"), path="team/two.yaml")
    err = assert_rejected(run("validate", "team"), None)
    assert "team/one.yaml:11:" in err and "five" in err
    assert "team/one.yaml:12:" in err and '"must" is not one of' in err
    assert "team/two.yaml:15:" in err and "YAML syntax error" in err
    assert sum(line.startswith("error:") for line in err.splitlines()) == 3


# ------------------------------------------- references between files


def write_team(bank: str = BANK, domain: str = DOMAIN, study: str = STUDY) -> None:
    write("team/bank.yaml", bank)
    write("team/domain.yaml", domain)
    write("team/study.yaml", study)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(
            [
                "generate",
                "team-study",
                "--bank-dir",
                "team",
                "--date",
                "2026-01-01",
                "-o",
                "guide.md",
            ],
            ['"team/first"', "{{ touchpoint }}", 'domain "lean"', "team/domain.yaml"],
            id="generate",
        ),
        pytest.param(
            ["validate", "team"],
            ['"team/first"', "{{ touchpoint }}", "team/domain.yaml"],
            id="validate",
        ),
    ],
)
def test_question_using_a_variable_the_domain_lacks(tmp_path, args, words):
    write_team(bank=edited(BANK, (FIRST_TEXT, "  text: How was the {{ touchpoint }}?\n")))
    assert_rejected(run(*args), "team/bank.yaml:8:21", *words)
    assert not (tmp_path / "guide.md").exists()


def test_the_team_fixture_is_valid():
    """The cases above fail for the one thing they change, not for something else."""
    write_team()
    result = run("generate", "team-study", "--bank-dir", "team", "--date", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    assert "What do you like about lean delivery?" in result.stdout
    assert run("validate", "team").exit_code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(
            ["banks", "show", "curiosty"],
            ['unknown bank "curiosty"', 'did you mean "curiosity"', "known banks:", "dreamer"],
            id="bank",
        ),
        pytest.param(
            ["generate", "--domain", "pizza-delivry"],
            ['unknown domain "pizza-delivry"', 'did you mean "pizza-delivery"', "known domains:"],
            id="domain",
        ),
        pytest.param(
            ["domains", "show", "hotel-sty"],
            ['unknown domain "hotel-sty"', 'did you mean "hotel-stay"'],
            id="domain-show",
        ),
        pytest.param(
            ["generate", "co-creation-45"],
            ['unknown study "co-creation-45"', 'did you mean "co-creation-90"'],
            id="study",
        ),
    ],
)
def test_unknown_ids_suggest_the_closest(args, words):
    result = run(*args)
    assert_rejected(result, None, *words)
    assert result.stdout == ""


def test_study_naming_an_unknown_bank():
    write_team(study=edited(STUDY, ("banks: [team]", "banks: [taem]")))
    result = run("generate", "team-study", "--bank-dir", "team", "--date", "2026-01-01")
    assert_rejected(result, "team/study.yaml:8", 'unknown bank "taem"', 'did you mean "team"')


# ------------------------------------------------------------ output files


GENERATE = ("generate", "--date", "2026-01-01")


def test_existing_output_is_kept_without_force(tmp_path):
    target = write("guide.md", "keep me\n")
    result = run(*GENERATE, "-o", "guide.md")
    assert_rejected(result, "guide.md", "exists", "nothing was written", "--force")
    assert target.read_text() == "keep me\n"


def test_existing_output_is_replaced_with_force(tmp_path):
    target = write("guide.md", "old\n")
    result = run(*GENERATE, "-o", "guide.md", "--force")
    assert result.exit_code == 0, result.stderr
    assert target.read_text().startswith("# Co-creation focus group")
    assert "wrote guide.md" in result.stderr


def test_symlink_output_is_refused_without_force(tmp_path):
    target = write("target.md", "precious\n")
    (tmp_path / "link.md").symlink_to(target)
    result = run(*GENERATE, "-o", "link.md")
    assert_rejected(result, "link.md", "exists", "--force")
    assert target.read_text() == "precious\n"
    assert (tmp_path / "link.md").is_symlink()


def test_dangling_symlink_output_is_refused_without_force(tmp_path):
    (tmp_path / "link.md").symlink_to(tmp_path / "nowhere.md")
    result = run(*GENERATE, "-o", "link.md")
    assert_rejected(result, "link.md", "exists")
    assert not (tmp_path / "nowhere.md").exists()


def test_symlink_output_with_force_replaces_the_link_not_its_target(tmp_path):
    target = write("target.md", "precious\n")
    (tmp_path / "link.md").symlink_to(target)
    result = run(*GENERATE, "-o", "link.md", "--force")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == "precious\n"
    assert not (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "link.md").read_text().startswith("# Co-creation focus group")


def test_output_into_a_missing_directory(tmp_path):
    result = run(*GENERATE, "-o", "no/such/dir/guide.md")
    assert_rejected(result, "no/such/dir", "does not exist")
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------- command line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["generate", "--bogus"], ["--bogus"], id="unknown-option"),
        pytest.param(["schema", "foo"], ["foo", "bank, domain, study"], id="schema-kind"),
        pytest.param(["generate", "--minutes", "0"], ["--minutes", "0"], id="minutes-zero"),
        pytest.param(["generate", "--minutes", "ninety"], ["--minutes"], id="minutes-word"),
        pytest.param(["generate", "--date", "tomorrow"], ["tomorrow", "date"], id="bad-date"),
        pytest.param(["banks", "show"], ["missing argument"], id="missing-argument"),
        pytest.param(["frobnicate"], ["no such command"], id="unknown-command"),
    ],
)
def test_wrong_usage_exits_2(args, words):
    assert_usage_error(run(*args), *words)


def test_bank_dir_that_does_not_exist():
    assert_rejected(run("validate", "--bank-dir", "nowhere"), "nowhere", "not found")


def test_debug_lets_the_error_propagate(monkeypatch):
    monkeypatch.setenv("DREAMQ_DEBUG", "1")
    write_bank(("  minutes: 5\n", "  minutes: five\n"), path="team/bank.yaml")
    result = run("banks", "show", "team", "--bank-dir", "team")
    assert isinstance(result.exception, DreamqError)
    assert "team/bank.yaml:11" in str(result.exception)
