"""Hostile YAML, in-process: tags that would construct objects, duplicate and
non-text keys, YAML 1.1 surprises, encodings, empty files, numbers too big to
print, and paths that are not regular files.  (Bombs, huge files and deep
nesting run in child processes, in test_resources.py.)

Each refused file must end in exit code 1 with one message naming the file
and line and saying what to do, no traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import (
    BANK,
    DOMAIN,
    GENERATE_TEAM,
    SECOND_TEXT,
    STUDY,
    assert_nothing_written,
    assert_ok,
    assert_refused,
    edited,
    files_under,
    needs_permissions,
    run,
    write,
    write_team,
)


def validate_text(tmp_path: Path, text: str | bytes, name: str = "bank.yaml"):
    """Write ``text`` to ``name``, run `dreamq validate name`, and check that it wrote nothing."""
    write(tmp_path / name, text)
    before = files_under(tmp_path)
    result = run("validate", name)
    assert_nothing_written(tmp_path, before)
    return result


def second_text(value: str) -> str:
    """BANK with the second question's text (line 14) replaced by ``value``."""
    return edited(BANK, (SECOND_TEXT, f"  text: {value}\n"))


# ------------------------------------------------------------------ tags

TOUCH = "touch PWNED"
TAG_CASES = [
    # (id, text of line 14, key words)
    (
        "python-apply-os-system",
        f'!!python/object/apply:os.system ["{TOUCH}"]',
        ["python/object/apply:os.system"],
    ),
    (
        "python-apply-subprocess",
        f"!!python/object/apply:subprocess.check_output [[sh, -c, {TOUCH}]]",
        ["python/object/apply"],
    ),
    ("python-new", f'!!python/object/new:os.system ["{TOUCH}"]', ["python/object/new:os.system"]),
    ("python-object", "!!python/object:os.system {}", ["python/object:os.system"]),
    ("python-name", "!!python/name:os.system", ["python/name:os.system"]),
    ("python-module", "!!python/module:os", ["python/module:os"]),
    ("python-tuple", "!!python/tuple [a, b]", ["python/tuple"]),
    ("include", "!include /etc/passwd", ['"!include"']),
    ("custom-local", f"!shell {TOUCH}", ['"!shell"']),
    ("binary", "!!binary aGVsbG8=", ["binary"]),
    ("set", "!!set {a, b}", ["set"]),
    ("omap", "!!omap [a: 1, b: 2]", ["omap"]),
    ("pairs", "!!pairs [a: 1, a: 2]", ["pairs"]),
    (
        "verbatim-python",
        f'!<tag:yaml.org,2002:python/object/apply:os.system> ["{TOUCH}"]',
        ["python/object/apply:os.system"],
    ),
    ("custom-uri", "!<tag:example.com,2000:app/foo> bar", ["tag:example.com"]),
]


@pytest.mark.parametrize(("value", "words"), [pytest.param(v, w, id=c) for c, v, w in TAG_CASES])
def test_tags_outside_the_core_schema_are_refused(tmp_path, sentinel, value, words):
    result = validate_text(tmp_path, second_text(value.replace("PWNED", str(sentinel))))
    assert_refused(result, "bank.yaml:14", "unsupported tag", "remove the tag", *words)


def test_tag_directive_aliasing_python_is_refused(tmp_path, sentinel):
    """%TAG !p! tag:yaml.org,2002:python/ makes !p!object/apply a Python tag in disguise."""
    text = "%TAG !p! tag:yaml.org,2002:python/\n---\n" + second_text(
        f"!p!object/apply:os.system ['touch {sentinel}']"
    )
    result = validate_text(tmp_path, text)
    assert_refused(result, "bank.yaml:16", "unsupported tag", "python/object/apply:os.system")


def test_python_tag_on_the_top_level_mapping_is_refused(tmp_path):
    result = validate_text(tmp_path, "--- !!python/object:dreamq.banks.Bank\n" + BANK)
    assert_refused(result, "bank.yaml:1", "unsupported tag", "python/object")


def test_python_tag_in_a_team_bank_stops_generate(tmp_path, sentinel):
    team = write_team(
        tmp_path, bank=second_text(f'!!python/object/apply:os.system ["touch {sentinel}"]')
    )
    before = files_under(tmp_path)
    result = run(*GENERATE_TEAM, "-o", "guide.md")
    assert_refused(result, "team/bank.yaml:14", "unsupported tag")
    assert_nothing_written(tmp_path, before)
    assert team.is_dir()


# ---------------------------------------------------------- duplicate keys

DUPLICATE_CASES = [
    ("top-level", "bank.yaml", BANK + "id: other\n", 16, ['duplicate key "id"', "line 3"]),
    (
        "quoted-and-plain",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", '  minutes: 4\n  "text": Again?\n')),
        16,
        ['duplicate key "text"', "line 14"],
    ),
    (
        "flow-mapping",
        "bank.yaml",
        edited(
            BANK, ("  minutes: 4\n", "  minutes: 4\n  translations: {de: {text: a, text: b}}\n")
        ),
        16,
        ['duplicate key "text"'],
    ),
    (
        "domain-value",
        "domain.yaml",
        DOMAIN + "    company: Other Co\n",
        10,
        ['duplicate key "company"', "line 8"],
    ),
    (
        "study-section",
        "study.yaml",
        STUDY + "  title: Again\n",
        12,
        ['duplicate key "title"', "line 9"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [pytest.param(f, t, n, w, id=c) for c, f, t, n, w in DUPLICATE_CASES],
)
def test_duplicate_keys_are_refused(tmp_path, name, text, line, words):
    result = validate_text(tmp_path, text, name)
    assert_refused(result, f"{name}:{line}", *words, "remove or rename")


# ------------------------------------------- YAML 1.1 where text belongs

YAML11_TEXTS = [
    ("yes", "boolean"),
    ("No", "boolean"),
    ("ON", "boolean"),
    ("off", "boolean"),
    ("True", "boolean"),
    ("null", "null"),
    ("~", "null"),
    ("2024-01-01", "date"),
    ("2001-12-14t21:59:43.10-05:00", "date"),
    ("3.14", "number"),
    ("1_000", "number"),
    ("1:30", "number"),
    ("0x1F", "number"),
    (".inf", "number"),
    (".NaN", "number"),
    ("-12", "number"),
]


@pytest.mark.parametrize(("value", "kind"), YAML11_TEXTS, ids=[v for v, _ in YAML11_TEXTS])
def test_yaml11_scalars_where_text_belongs(tmp_path, value, kind):
    result = validate_text(tmp_path, second_text(value))
    assert_refused(result, "bank.yaml:14", f'"{value}"', kind, f'quotes: "{value}"')


def test_empty_value_where_text_belongs(tmp_path):
    result = validate_text(tmp_path, edited(BANK, (SECOND_TEXT, "  text:\n")))
    assert_refused(result, "bank.yaml:14", "text")


YAML11_ELSEWHERE = [
    (
        "bank-id-number",
        "bank.yaml",
        edited(BANK, ("id: team", "id: 2024")),
        3,
        ['"2024"', "quotes"],
    ),
    (
        "bank-category-no",
        "bank.yaml",
        edited(BANK, ("category: curiosity", "category: no")),
        4,
        ['"no"', "quotes"],
    ),
    (
        "bank-title-date",
        "bank.yaml",
        edited(BANK, ("title: Team questions", "title: 2024-05-01")),
        5,
        ["date", "quotes"],
    ),
    (
        "question-id-off",
        "bank.yaml",
        edited(BANK, ("- id: second", "- id: off")),
        13,
        ['"off"', "quotes"],
    ),
    ("probe-on", "bank.yaml", edited(BANK, ("  - Why is that?", "  - on")), 10, ['"on"', "quotes"]),
    (
        "domain-value-no",
        "domain.yaml",
        edited(DOMAIN, ("company: Lean Co", "company: no")),
        8,
        ['"no"', "quotes"],
    ),
    (
        "domain-value-float",
        "domain.yaml",
        edited(DOMAIN, ("company: Lean Co", "company: 1.0")),
        8,
        ['"1.0"', "quotes"],
    ),
    (
        "study-title-yes",
        "study.yaml",
        edited(STUDY, ("title: Main", "title: yes")),
        9,
        ['"yes"', "quotes"],
    ),
    (
        "study-domain-null",
        "study.yaml",
        edited(STUDY, ("domain: lean", "domain: ~")),
        5,
        ["domain"],
    ),
    (
        "minutes-bool",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", "  minutes: yes\n")),
        15,
        ["whole number", "boolean"],
    ),
    (
        "minutes-float",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", "  minutes: 4.5\n")),
        15,
        ["whole number"],
    ),
    (
        "minutes-inf",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", "  minutes: .inf\n")),
        15,
        ["whole number"],
    ),
    (
        "minutes-sexagesimal",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", "  minutes: 1:30\n")),
        15,
        ['"1:30"', "90"],
    ),
    (
        "minutes-quoted",
        "bank.yaml",
        edited(BANK, ("  minutes: 4\n", '  minutes: "4"\n')),
        15,
        ["whole number", "text"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [pytest.param(f, t, n, w, id=c) for c, f, t, n, w in YAML11_ELSEWHERE],
)
def test_yaml11_scalars_in_other_places(tmp_path, name, text, line, words):
    result = validate_text(tmp_path, text, name)
    assert_refused(result, f"{name}:{line}", *words)


# ------------------------------------------------------- non-text keys

KEY_CASES = [
    ("int", "  1: core\n", "whole number", '"1"'),
    ("float", "  1.5: core\n", "number", '"1.5"'),
    ("bool", "  true: core\n", "boolean", '"true"'),
    ("yes", "  yes: core\n", "boolean", '"yes"'),
    ("null", "  null: core\n", "null", '"null"'),
    ("tilde", "  ~: core\n", "null", '"~"'),
    ("date", "  2024-01-01: core\n", "date", '"2024-01-01"'),
    ("list", "  ? [a, b]\n  : core\n", "list", "quotes"),
    ("mapping", "  ? {a: 1}\n  : core\n", "mapping", "quotes"),
    ("flow-mapping-key", "  {a: 1}: core\n", "mapping", "quotes"),
]


@pytest.mark.parametrize(
    ("line_text", "kind", "advice"), [pytest.param(t, k, a, id=c) for c, t, k, a in KEY_CASES]
)
def test_mapping_keys_must_be_text(tmp_path, line_text, kind, advice):
    result = validate_text(tmp_path, edited(BANK, ("  priority: core\n", line_text)))
    assert_refused(result, "bank.yaml:12", "key", kind, advice)


def test_top_level_key_must_be_text(tmp_path):
    result = validate_text(tmp_path, BANK + "2024: year\n")
    assert_refused(result, "bank.yaml:16", "key", "whole number", 'quotes: "2024"')


# ------------------------------------------------------- empty files

EMPTY = ("file is empty", "kind: bank")
EMPTY_FILES = [
    ("empty", b"", EMPTY),
    ("only-comments", b"# a comment\n\n   # another one\n", EMPTY),
    ("only-blank-lines", b"\n\n   \n", EMPTY),
    ("only-document-start", b"---\n", EMPTY),
    # PyYAML reads a lone "..." as a syntax error; either message will do.
    ("only-document-end", b"...\n", ()),
    ("start-comment-end", b"---\n# nothing here\n...\n", EMPTY),
    ("only-bom", b"\xef\xbb\xbf", EMPTY),
    ("bom-and-comment", b"\xef\xbb\xbf# nothing\n", EMPTY),
]


@pytest.mark.parametrize(("data", "words"), [pytest.param(d, w, id=c) for c, d, w in EMPTY_FILES])
def test_empty_files_are_refused(tmp_path, data, words):
    result = validate_text(tmp_path, data)
    assert_refused(result, "bank.yaml:1", *words)


@pytest.mark.parametrize("data", [pytest.param(d, id=c) for c, d, _ in EMPTY_FILES[:3]])
def test_empty_team_file_stops_generate(tmp_path, data):
    write_team(tmp_path)
    write(tmp_path / "team" / "empty.yaml", data)
    before = files_under(tmp_path)
    result = run(*GENERATE_TEAM, "-o", "guide.md")
    assert_refused(result, "team/empty.yaml:1", "file is empty")
    assert_nothing_written(tmp_path, before)


# ------------------------------------------ encodings and line endings

ENCODED = BANK.encode("utf-8")
LINE14 = ENCODED.index(b"  text: When")
ENCODING_CASES = [
    # (id, bytes, line, column or None)
    ("invalid-byte", ENCODED.replace(b"When did", b"When \xff did"), 14, 14),
    ("lone-continuation-byte", ENCODED.replace(b"When did", b"When \x80 did"), 14, 14),
    ("overlong-slash", ENCODED.replace(b"When did", b"When \xc0\xaf did"), 14, 14),
    ("utf8-surrogate", ENCODED.replace(b"When did", b"When \xed\xa0\x80 did"), 14, 14),
    ("truncated-at-end", ENCODED + b"# caf\xc3", 16, None),
    ("latin-1", "kind: bank\ntitle: café\n".encode("latin-1"), 2, 11),
    ("utf-16-with-bom", BANK.encode("utf-16"), 1, 1),
    ("utf-32-with-bom", BANK.encode("utf-32"), 1, 1),
]


@pytest.mark.parametrize(
    ("data", "line", "column"), [pytest.param(d, n, c, id=i) for i, d, n, c in ENCODING_CASES]
)
def test_files_that_are_not_utf8_are_refused(tmp_path, data, line, column):
    result = validate_text(tmp_path, data)
    where = f"bank.yaml:{line}" + (f":{column}" if column else "")
    assert_refused(result, where, "not valid UTF-8", "save it as UTF-8")


LINE_ENDINGS = [
    ("bom", b"\xef\xbb\xbf", "\n"),
    ("crlf", b"", "\r\n"),
    ("bom-and-crlf", b"\xef\xbb\xbf", "\r\n"),
    ("cr-only", b"", "\r"),
]


@pytest.mark.parametrize(
    ("prefix", "newline"), [pytest.param(p, n, id=c) for c, p, n in LINE_ENDINGS]
)
def test_bom_and_line_endings_load_fine(tmp_path, prefix, newline):
    """A byte-order mark and Windows (or old Mac) line endings are ordinary files."""

    def encoded(text: str) -> bytes:
        return prefix + text.replace("\n", newline).encode("utf-8")

    result = validate_text(tmp_path, encoded(BANK))
    assert_ok(result)
    assert "1 bank(s) with 2 question(s)" in result.stderr
    write(tmp_path / "team" / "bank.yaml", encoded(BANK))
    write(tmp_path / "team" / "domain.yaml", encoded(DOMAIN))
    write(tmp_path / "team" / "study.yaml", encoded(STUDY))
    result = run(*GENERATE_TEAM)
    assert_ok(result)
    assert "What do you like about lean delivery?" in result.stdout
    assert "\r" not in result.stdout


def test_bom_in_the_middle_of_a_file_is_not_a_bom(tmp_path):
    """Only a leading byte-order mark is dropped; U+FEFF later is a character."""
    result = validate_text(tmp_path, BANK.replace("title: Team", "\ufefftitle: Team"))
    assert_refused(result, "bank.yaml:5")


# ------------------------------------------------------- tabs, controls

TAB_CASES = [
    ("tab-indentation", ("  minutes: 5\n", "\tminutes: 5\n"), 11),
    ("tab-then-spaces", ("  minutes: 5\n", "\t  minutes: 5\n"), 11),
    ("tab-indented-list-item", ("  - Why is that?\n", "\t- Why is that?\n"), 10),
]


@pytest.mark.parametrize(("edit", "line"), [pytest.param(e, n, id=c) for c, e, n in TAB_CASES])
def test_tab_indentation_is_refused(tmp_path, edit, line):
    result = validate_text(tmp_path, edited(BANK, edit))
    assert_refused(result, f"bank.yaml:{line}", "YAML syntax error", "tabs", "spaces")


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x1b", "\x7f\x01"], ids=["nul", "bell", "escape", "del-soh"]
)
def test_raw_control_characters_in_a_file_name_the_line(tmp_path, char):
    """A control character YAML does not allow: the message names its line
    (3), on one line, without echoing the character."""
    result = validate_text(tmp_path, edited(BANK, ("id: team", f"id: te{char}am")))
    assert_refused(result, "bank.yaml:3")


# ------------------------------------------- numbers too big to print

HUGE_HEX = "0x" + "f" * 4000
HUGE_NUMBER_CASES = [
    ("minutes-hex", edited(BANK, ("  minutes: 4\n", f"  minutes: {HUGE_HEX}\n")), 15),
    (
        "minutes-binary-tag",
        edited(BANK, ("  minutes: 4\n", "  minutes: !!int 0b" + "1" * 20000 + "\n")),
        15,
    ),
    (
        "minutes-sexagesimal",
        edited(BANK, ("  minutes: 4\n", "  minutes: 1" + ":59" * 3000 + "\n")),
        15,
    ),
    ("minutes-decimal", edited(BANK, ("  minutes: 4\n", "  minutes: " + "9" * 5000 + "\n")), 15),
    ("format-hex", edited(BANK, ("format: 1", f"format: {HUGE_HEX}")), 2),
    ("kind-hex", edited(BANK, ("kind: bank", f"kind: {HUGE_HEX}")), 1),
]


@pytest.mark.parametrize(
    ("text", "line"), [pytest.param(t, n, id=c) for c, t, n in HUGE_NUMBER_CASES]
)
def test_numbers_too_big_to_print_are_refused(tmp_path, text, line):
    """Python will not turn an int of more than 4,300 digits into text; a
    message about such a number must not crash on it."""
    result = validate_text(tmp_path, text)
    assert_refused(result, f"bank.yaml:{line}")


# ------------------------------------- paths that are not regular files


def test_validate_a_directory_named_like_a_file(tmp_path):
    (tmp_path / "somedir.yaml").mkdir()
    before = files_under(tmp_path)
    result = run("validate", "somedir.yaml/")
    assert_refused(result, "somedir.yaml", "no .yaml or .yml files")
    assert_nothing_written(tmp_path, before)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["generate", "path-to-dir.yaml"], id="study"),
        pytest.param([*GENERATE_TEAM[:1], "--domain", "path-to-dir.yaml"], id="domain"),
        pytest.param(["domains", "show", "path-to-dir.yaml"], id="domains-show"),
    ],
)
def test_generate_with_a_directory_named_like_a_file(tmp_path, args):
    (tmp_path / "path-to-dir.yaml").mkdir()
    before = files_under(tmp_path)
    result = run(*args, "--date", "2026-01-01") if args[0] == "generate" else run(*args)
    assert_refused(result, "path-to-dir.yaml", "is a directory", "name a .yaml file")
    assert_nothing_written(tmp_path, before)


def test_symlink_loop(tmp_path):
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    result = run("generate", "loop.yaml", "--date", "2026-01-01")
    assert_refused(result, "loop.yaml")


def test_dangling_symlink_named_on_the_command_line(tmp_path):
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = run("validate", "gone.yaml")
    assert_refused(result, "gone.yaml")


@needs_permissions
@pytest.mark.parametrize(
    ("args", "where"),
    [
        pytest.param(["validate", "team/bank.yaml"], "team/bank.yaml", id="validate-file"),
        pytest.param(["validate", "team"], "team/bank.yaml", id="validate-dir"),
        pytest.param(["generate", "--bank-dir", "team"], "team/bank.yaml", id="generate-bank-dir"),
        pytest.param(["generate", "team/bank.yaml"], "team/bank.yaml", id="generate-file"),
    ],
)
def test_unreadable_file(tmp_path, args, where):
    """The same unreadable file gives the same exit code and message, whether
    it is named on the command line or found in a bank directory."""
    bank = write(tmp_path / "team" / "bank.yaml", BANK)
    bank.chmod(0)
    try:
        before = files_under(tmp_path)
        result = run(*args)
        assert_refused(result, where, "permission denied", "permissions")
        assert_nothing_written(tmp_path, before)
    finally:
        bank.chmod(0o644)


@needs_permissions
def test_unreadable_sub_directory_of_a_bank_dir(tmp_path):
    """A folder dreamq cannot list may hold banks: say so, do not skip it silently."""
    team = write_team(tmp_path)
    hidden = team / "more"
    write(hidden / "other.yaml", BANK.replace("id: team", "id: other"))
    hidden.chmod(0)
    try:
        result = run("validate", "team")
        assert_refused(result, "team/more", "permission")
    finally:
        hidden.chmod(0o755)


# ------------------------------------------ symlinks inside a bank dir

OUTSIDE_BANK = BANK.replace("id: team", "id: outside").replace(
    "title: Team questions", "title: OUTSIDE-SECRET-TITLE"
)


def test_symlinked_file_pointing_outside_the_bank_dir_is_refused(tmp_path):
    """catalog.load_layers refuses a .yaml link whose target lies outside the
    bank directory, with a clear message, and reads nothing from it."""
    team = write_team(tmp_path)
    outside = write(tmp_path / "elsewhere" / "secret.yaml", OUTSIDE_BANK)
    (team / "link.yaml").symlink_to(outside)
    before = files_under(tmp_path)
    for args in (["validate", "team"], [*GENERATE_TEAM, "-o", "guide.md"]):
        result = run(*args)
        assert_refused(result, "team/link.yaml", "outside the bank directory", "not read")
        assert "OUTSIDE-SECRET-TITLE" not in result.stdout + result.stderr
    assert_nothing_written(tmp_path, before)


def test_symlinked_file_inside_the_bank_dir_is_read(tmp_path):
    """A link to a file within the same directory is an ordinary file."""
    team = write_team(tmp_path)
    (team / "bank.yaml").rename(team / "real.txt")
    (team / "bank.yaml").symlink_to("real.txt")
    assert_ok(run(*GENERATE_TEAM))


def test_symlinked_folder_pointing_outside_the_bank_dir_is_not_silently_skipped(tmp_path):
    """yaml_files() walks with Path.rglob, which does not enter symlinked
    folders: a linked folder of banks is neither read nor reported.  A user
    should get either the folder's banks or a message naming it."""
    team = write_team(tmp_path)
    write(tmp_path / "elsewhere" / "banks" / "outside.yaml", OUTSIDE_BANK)
    (team / "shared").symlink_to(tmp_path / "elsewhere" / "banks", target_is_directory=True)
    result = run("banks", "list", "--bank-dir", "team")
    if result.exit_code == 0:
        ids = [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]
        assert "outside" in ids, (
            "exit 0, and bank 'outside' in the linked folder team/shared was silently "
            f"skipped; banks listed from the team directory: {[i for i in ids if i == 'team']}"
        )
    else:
        assert_refused(result, "team/shared")
