"""Hostile user templates (`dreamq generate --template DIR`), in-process:
sandbox escapes, loading files from outside the template directory, links,
hostile labels.yaml files and runaway recursion.  (Output bombs and runaway
loops run in child processes, in test_resources.py.)

A refused template ends in exit code 1 with one message naming the template
file and line, no traceback, no guide written -- and a guide never contains a
secret from outside the template directory."""

from __future__ import annotations

import pytest

from .conftest import (
    GENERATE,
    assert_nothing_written,
    assert_ok,
    assert_refused,
    files_under,
    run,
    write,
)

SECRET = "TOPSECRET-42"
TEMPLATE_ARGS = (*GENERATE, "--template", "tpl", "-o", "guide.md")


@pytest.fixture
def secrets(tmp_path):
    """Secret files outside the template directory tpl/ (which is created empty)."""
    (tmp_path / "tpl").mkdir()
    write(tmp_path / "secret.txt", f"{SECRET}\n")
    write(tmp_path / "outside" / "secret.j2", f"{SECRET} {{{{ guide.title }}}}\n")
    write(tmp_path / "outside" / "labels.yaml", f"en:\n  guide: {SECRET}\n")
    return tmp_path


def generate_with(tmp_path, template: str):
    write(tmp_path / "tpl" / "guide.md.j2", template)
    before = files_under(tmp_path)
    result = run(*TEMPLATE_ARGS)
    return result, before


def assert_no_secret(tmp_path, result) -> None:
    assert SECRET not in result.stdout + result.stderr
    guide = tmp_path / "guide.md"
    assert not guide.exists() or SECRET not in guide.read_text(encoding="utf-8")


# ------------------------------------------------------- sandbox escapes

ESCAPES = [
    ("class-of-data", "{{ guide.__class__ }}"),
    ("subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    ("cycler-globals-os", "{{ cycler.__init__.__globals__.os.popen('TOUCH').read() }}"),
    ("lipsum-globals-os", "{{ lipsum.__globals__['os'].popen('TOUCH').read() }}"),
    ("joiner-call", "{{ joiner() }}"),
    ("namespace-set", "{% set ns = namespace(x=1) %}{{ ns.x }}"),
    ("range-globals", "{{ range.__globals__ }}"),
    ("attr-filter", "{{ guide|attr('__class__') }}"),
    ("attr-filter-walk", "{{ (guide|attr('__class__')|attr('__mro__'))[1] }}"),
    ("str-format", "{{ '{0.__class__.__init__.__globals__}'.format(guide.title) }}"),
    ("str-format-map", "{{ '{x.__class__}'.format_map({'x': guide}) }}"),
    ("format-filter-dunder", "{{ '%s'|format(guide.__class__) }}"),
    ("template-reference-context", "{{ self._TemplateReference__context }}"),
    ("template-reference-parent", "{{ self._TemplateReference__context.parent }}"),
    ("loop-globals", "{% for x in [1] %}{{ loop.__init__.__globals__ }}{% endfor %}"),
    ("macro-globals", "{% macro m() %}{% endmacro %}{{ m.__globals__ }}"),
    ("dict-update", "{{ guide.update({'title': 'x'}) }}"),
    ("list-append", "{{ guide.sections.append(1) }}"),
    ("getitem-dunder", "{{ guide['__class__'] }}"),
    ("join-attribute-dunder", "{{ guide.banks|join(',', attribute='__class__') }}"),
]


@pytest.mark.parametrize("template", [pytest.param(t, id=c) for c, t in ESCAPES])
def test_sandbox_escapes_are_refused(secrets, sentinel, template):
    tmp_path = secrets
    result, before = generate_with(
        tmp_path, "line one\n" + template.replace("TOUCH", f"touch {sentinel}")
    )
    assert_refused(result, "tpl/guide.md.j2:2", "template")
    assert_nothing_written(tmp_path, before)


def test_unsafe_attribute_through_map_leaks_nothing(tmp_path):
    """map(attribute=...) goes through the sandbox too: the unsafe attribute
    becomes an Undefined, so nothing of the class is printed."""
    result, _ = generate_with(tmp_path, "{{ guide.banks|map(attribute='__class__')|list }}\n")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    guide = tmp_path / "guide.md"
    text = guide.read_text() if guide.exists() else ""
    assert "<class" not in text + result.stderr


# ------------------------------------- files outside the template dir

OUTSIDE = [
    ("include-dotdot", "{% include '../secret.txt' %}"),
    ("include-dotdot-deep", "{% include 'parts/../../secret.txt' %}"),
    ("include-absolute", "{% include 'SECRET_ABS' %}"),
    ("include-etc-passwd", "{% include '/etc/passwd' %}"),
    ("include-list", "{% include ['../secret.txt', '../outside/secret.j2'] %}"),
    ("import-dotdot", "{% import '../outside/secret.j2' as s %}{{ s }}"),
    ("from-import-dotdot", "{% from '../outside/secret.j2' import x %}"),
    ("extends-dotdot", "{% extends '../outside/secret.j2' %}"),
    ("extends-absolute", "{% extends 'SECRET_J2_ABS' %}"),
    ("include-link", "{% include 'link.txt' %}"),
    ("include-through-linked-folder", "{% include 'linked/secret.j2' %}"),
    ("include-from-variable", "{% include guide.title %}"),
]


@pytest.mark.parametrize("template", [pytest.param(t, id=c) for c, t in OUTSIDE])
def test_templates_cannot_load_files_outside_their_directory(secrets, template):
    """Refused, the message naming the template file and line of the include."""
    tmp_path = secrets
    (tmp_path / "tpl" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "tpl" / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    template = template.replace("SECRET_ABS", str(tmp_path / "secret.txt")).replace(
        "SECRET_J2_ABS", str(tmp_path / "outside" / "secret.j2")
    )
    result, before = generate_with(tmp_path, f"# {{{{ guide.title }}}}\n\n{template}\n")
    assert_no_secret(tmp_path, result)
    assert_refused(result, "tpl/guide.md.j2:3", "outside the template directory")
    assert_nothing_written(tmp_path, before)


def test_include_ignore_missing_outside_leaks_nothing(secrets):
    tmp_path = secrets
    result, _ = generate_with(tmp_path, "x{% include '../secret.txt' ignore missing %}y\n")
    assert_no_secret(tmp_path, result)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_guide_template_that_is_a_link_outside_is_refused(secrets):
    """tpl/guide.md.j2 -> ../outside/secret.j2: the confined loader refuses the
    link, and the bundled guide must not silently take its place either."""
    tmp_path = secrets
    (tmp_path / "tpl" / "guide.md.j2").symlink_to(tmp_path / "outside" / "secret.j2")
    before = files_under(tmp_path)
    result = run(*TEMPLATE_ARGS)
    assert_no_secret(tmp_path, result)
    assert_refused(result, "tpl/guide.md.j2", "outside the template directory")
    assert_nothing_written(tmp_path, before)


def test_labels_file_that_is_a_link_outside_is_not_read(secrets):
    """tpl/labels.yaml -> ../outside/labels.yaml must not put the outside
    file's text into the guide: refuse it as the templates are refused."""
    tmp_path = secrets
    (tmp_path / "tpl" / "labels.yaml").symlink_to(tmp_path / "outside" / "labels.yaml")
    before = files_under(tmp_path)
    result = run(*TEMPLATE_ARGS)
    assert_no_secret(tmp_path, result)
    assert_refused(result, "tpl/labels.yaml", "outside the template directory")
    assert_nothing_written(tmp_path, before)


# ------------------------------------------------- hostile labels.yaml

LABELS = [
    ("alias-bomb", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n", 1, ["anchors", "not allowed"]),
    ("alias", "en: &en\n  guide: X\nzh-Hant: *en\n", 1, ["anchors"]),
    (
        "python-tag",
        "en:\n  guide: !!python/object/apply:os.system ['touch PWNED']\n",
        2,
        ["unsupported tag"],
    ),
    ("duplicate-key", "en:\n  guide: a\n  guide: b\n", 3, ['duplicate key "guide"']),
    ("boolean-key", "no:\n  guide: x\n", 1, ['quotes: "no"']),
    ("not-utf8", b"en:\n  guide: \xff\n", 2, ["UTF-8"]),
    ("deep", "en: " + "[" * 100 + "]" * 100 + "\n", 1, ["nested"]),
    ("a-list", "- en\n", 1, ["mapping"]),
    ("number-label", "en:\n  guide: 5\n", 2, ["text"]),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [pytest.param(t, n, w, id=c) for c, t, n, w in LABELS]
)
def test_hostile_labels_are_refused(tmp_path, sentinel, text, line, words):
    if isinstance(text, str):
        text = text.replace("PWNED", str(sentinel))
    write(tmp_path / "tpl" / "labels.yaml", text)
    before = files_under(tmp_path)
    result = run(*TEMPLATE_ARGS)
    assert_refused(result, f"tpl/labels.yaml:{line}", *words)
    assert_nothing_written(tmp_path, before)


# ------------------------------------------------- runaway recursion


@pytest.mark.parametrize(
    ("name", "template", "line"),
    [
        pytest.param("guide.md.j2", "a\n{% include 'guide.md.j2' %}\n", 2, id="include-itself"),
        pytest.param("guide.md.j2", "{% include 'b.j2' %}\n", 1, id="include-cycle"),
        pytest.param("guide.md.j2", "{% extends 'guide.md.j2' %}\n", 1, id="extends-itself"),
        pytest.param(
            "guide.md.j2", "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}\n", 1, id="parentheses-2000"
        ),
        pytest.param(
            "guide.md.j2", "{{ guide" + "|string" * 3000 + " }}\n", 1, id="filter-chain-3000"
        ),
    ],
)
def test_runaway_recursion_is_an_input_error(tmp_path, name, template, line):
    write(tmp_path / "tpl" / name, template)
    write(tmp_path / "tpl" / "b.j2", "{% include 'guide.md.j2' %}\n")
    before = files_under(tmp_path)
    result = run(*TEMPLATE_ARGS)
    assert_refused(result, f"tpl/{name}:{line}")
    assert_nothing_written(tmp_path, before)


# ------------------------------------------------------ the control case


def test_a_plain_user_template_works(tmp_path):
    """The cases above fail for the one thing they change."""
    write(tmp_path / "tpl" / "guide.md.j2", "# {{ guide.title }}\n{% include 'part.j2' %}\n")
    write(tmp_path / "tpl" / "part.j2", "{{ guide.sections | length }} sections\n")
    write(tmp_path / "tpl" / "labels.yaml", "en:\n  guide: Run sheet\n")
    result = run(*TEMPLATE_ARGS)
    assert_ok(result)
    assert (tmp_path / "guide.md").read_text() == "# Co-creation focus group\n7 sections\n"
