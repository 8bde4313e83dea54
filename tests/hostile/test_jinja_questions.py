"""Jinja in bank texts: a bank shared by another team must never run code.

Every payload sits in a question text (or a probe, or a bank note) of a team
bank.  It must be refused when the bank is read -- by `dreamq validate FILE`
and by `dreamq generate --bank-dir DIR` -- with one message naming the file
and line, and without running anything: payloads that would ``touch`` the
sentinel file must leave no file behind (the ``sentinel`` fixture checks)."""

from __future__ import annotations

import json

import pytest

from .conftest import (
    BANK,
    DOMAIN,
    GENERATE_TEAM,
    SECOND_TEXT,
    assert_nothing_written,
    assert_refused,
    edited,
    files_under,
    run,
    write,
    write_team,
)

# (case id, payload); "TOUCH" becomes `touch <sentinel>`.
PAYLOADS = [
    # attribute walks to the interpreter
    ("cycler-globals-os", "{{ cycler.__init__.__globals__.os.popen('TOUCH').read() }}"),
    ("lipsum-globals-os", "{{ lipsum.__globals__['os'].popen('TOUCH').read() }}"),
    ("joiner-globals", "{{ joiner.__init__.__globals__ }}"),
    ("namespace-call", "{{ namespace(a=1) }}"),
    ("namespace-set", "{% set ns = namespace(a=1) %}{{ ns.a }}"),
    ("range-call", "{{ range(10) }}"),
    ("lipsum-call", "{{ lipsum() }}"),
    ("cycler-call", "{{ cycler('a', 'b') }}"),
    ("subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    ("class-of-variable", "{{ product.__class__ }}"),
    (
        "subclasses-popen",
        "{{ ''.__class__.__base__.__subclasses__()[200]('TOUCH', shell=True) }}",
    ),
    ("getitem-dunder", "{{ product['__class__'] }}"),
    ("getitem-walk", "{{ product['__class__']['__mro__'] }}"),
    ("attr-filter", "{{ product|attr('__class__') }}"),
    ("attr-filter-chain", "{{ product|attr('__class__')|attr('__mro__') }}"),
    ("str-format", "{{ '{0.__class__.__init__.__globals__}'.format(product) }}"),
    ("str-format-map", "{{ '{x.__class__}'.format_map({'x': product}) }}"),
    ("format-filter", "{{ '%s'|format(product) }}"),
    ("template-reference-context", "{{ self._TemplateReference__context }}"),
    ("template-reference-items", "{{ self._TemplateReference__context.items() }}"),
    ("self-attribute", "{{ self.__init__ }}"),
    ("loop-walk", "{% for x in artifacts %}{{ loop.__init__.__globals__ }}{% endfor %}"),
    # the attribute argument of join is an attribute walk too
    ("join-attribute-dunder", "{{ artifacts|join(', ', '__class__') }}"),
    ("join-attribute-method", "{{ artifacts|join(', ', 'upper') }}"),
    ("join-attribute-dotted", "{{ artifacts|join(', ', 'upper.__self__') }}"),
    # statements and loading other templates
    ("for-loop", "{% for x in artifacts %}{{ x }}{% endfor %}"),
    ("set", "{% set x = product %}{{ x }}"),
    ("include-file", "{% include '/etc/passwd' %}"),
    ("import-file", "{% import '/etc/passwd' as p %}"),
    ("extends-file", "{% extends '/etc/passwd' %}"),
    ("macro", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
    ("call-block", "{% call product() %}x{% endcall %}"),
    ("filter-block", "{% filter upper %}{{ product }}{% endfilter %}"),
    ("with-block", "{% with p = product %}{{ p }}{% endwith %}"),
    ("block", "{% block b %}{{ product }}{% endblock %}"),
    ("autoescape-block", "{% autoescape false %}{{ product }}{% endautoescape %}"),
    # arithmetic bombs
    ("string-times-billion", "{{ 'x' * 10**9 }}"),
    ("power-tower", "{{ 9**9**9**9 }}"),
    ("list-times-billion", "{{ [product] * 1000000000 }}"),
    ("concat", "{{ product ~ company }}"),
    # filters the allow-list does not know, or given arguments they do not take
    ("filter-map", "{{ artifacts|map('upper')|list }}"),
    ("filter-tojson", "{{ artifacts|tojson }}"),
    ("filter-int", "{{ product|int }}"),
    ("trim-with-number", "{{ product|trim(1) }}"),
    ("upper-with-argument", "{{ product|upper(1) }}"),
    ("capitalize-with-argument", "{{ product|capitalize('x') }}"),
    ("first-with-argument", "{{ artifacts|first(1) }}"),
    ("join-three-arguments", "{{ artifacts|join(1, 2, 3) }}"),
    # deep expressions (each well under the 4,000-character limit of a text)
    ("nested-parentheses-100", "{{ " + "(" * 100 + "product" + ")" * 100 + " }}"),
    ("nested-parentheses-1000", "{{ " + "(" * 1000 + "product" + ")" * 1000 + " }}"),
    ("filter-chain-600", "{{ product" + "|upper" * 600 + " }}"),
    ("index-chain-900", "{{ product" + "[0]" * 900 + " }}"),
]


def payload_bank(payload: str, sentinel) -> str:
    """BANK with ``payload`` as the second question's text (line 14), as a
    double-quoted YAML string so that any braces and quotes survive."""
    text = payload.replace("TOUCH", f"touch {sentinel}")
    return edited(BANK, (SECOND_TEXT, f"  text: {json.dumps(text)}\n"))


CASES = [pytest.param(p, id=c) for c, p in PAYLOADS]


@pytest.mark.parametrize("payload", CASES)
def test_validate_refuses_payload(tmp_path, sentinel, payload):
    write(tmp_path / "bank.yaml", payload_bank(payload, sentinel))
    before = files_under(tmp_path)
    result = run("validate", "bank.yaml")
    assert_refused(result, "bank.yaml:14", '"second"')
    assert_nothing_written(tmp_path, before)


@pytest.mark.parametrize("payload", CASES)
def test_generate_with_team_bank_refuses_payload(tmp_path, sentinel, payload):
    write_team(tmp_path, bank=payload_bank(payload, sentinel))
    before = files_under(tmp_path)
    result = run(*GENERATE_TEAM, "-o", "guide.md")
    assert_refused(result, "team/bank.yaml:14", '"second"')
    assert result.stdout == ""
    assert_nothing_written(tmp_path, before)


# A few payloads in the other places a bank holds templates.
ELSEWHERE = [
    ("probe", "cycler-globals-os"),
    ("probe", "trim-with-number"),
    ("moderator_notes", "cycler-globals-os"),
    ("moderator_notes", "trim-with-number"),
    ("stance", "join-attribute-method"),
    ("script", "nested-parentheses-100"),
    ("translation", "cycler-globals-os"),
    ("translation", "attr-filter"),
]


def bank_with(place: str, payload: str, sentinel) -> tuple[str, int]:
    """BANK with ``payload`` in ``place``; returns the text and the line reported."""
    quoted = json.dumps(payload.replace("TOUCH", f"touch {sentinel}"))
    if place == "probe":
        return edited(BANK, ("  - Why is that?\n", f"  - {quoted}\n")), 10
    if place == "translation":
        return (
            edited(
                BANK,
                (
                    "  minutes: 4\n",
                    f"  minutes: 4\n  translations:\n    de:\n      text: {quoted}\n",
                ),
            ),
            18,
        )
    return edited(BANK, ("questions:\n", f"{place}:\n- {quoted}\nquestions:\n")), 7


@pytest.mark.parametrize(
    ("place", "payload"),
    [pytest.param(pl, dict(PAYLOADS)[c], id=f"{pl}-{c}") for pl, c in ELSEWHERE],
)
def test_payloads_in_probes_notes_and_translations(tmp_path, sentinel, place, payload):
    text, line = bank_with(place, payload, sentinel)
    write(tmp_path / "bank.yaml", text)
    write_team(tmp_path, bank=text)
    before = files_under(tmp_path)
    assert_refused(run("validate", "bank.yaml"), f"bank.yaml:{line}")
    assert_refused(run(*GENERATE_TEAM, "-o", "guide.md"), f"team/bank.yaml:{line}")
    assert_nothing_written(tmp_path, before)


# ------------------------------------------- names Jinja gives a meaning

RESERVED = ["self", "loop", "caller", "varargs", "kwargs", "lipsum", "range", "namespace"]


@pytest.mark.parametrize("name", RESERVED)
def test_variable_named_like_a_jinja_builtin_is_its_value_or_refused(tmp_path, name):
    """A domain may define any variable name; a question using it through a
    filter must print the domain's value, or be refused by validation -- never
    print one of Jinja's own objects (``{{ self }}`` is a TemplateReference)."""
    domain = edited(
        DOMAIN, ("    company: Lean Co\n", f"    company: Lean Co\n    {name}: plain value\n")
    )
    bank = edited(BANK, (SECOND_TEXT, f'  text: "Q {{{{ {name} | upper }}}} end"\n'))
    team = write_team(tmp_path, bank=bank, domain=domain)
    validated = run("validate", str(team))
    result = run(*GENERATE_TEAM)
    if validated.exit_code == 1:
        assert_refused(validated, "team/bank.yaml")
        assert_refused(result, "team/bank.yaml")
        return
    assert validated.exit_code == 0, validated.stderr
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "Q " in line and " end" in line)
    assert "Q PLAIN VALUE end" in line, line
