"""The C YAML builder (dreamq._yamlbuild) against the Python one in _yamlload.

The C builder is an accelerator: it must give exactly the values and
positions the Python builder gives, and refuse (so that the Python builder
runs and words the error) every file the Python builder refuses."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamq import _yamlload
from dreamq._yamlload import DEFAULT_LIMITS, Limits, YList, YMap, load_yaml, mark_of_event
from dreamq.errors import DreamqError

from .hostile.test_properties import damaged

REPO = Path(__file__).resolve().parents[1]

pytest.importorskip("dreamq._yamlbuild", reason="the C extension was not compiled")
if _yamlload._c_builder() is None:  # pragma: no cover - a libyaml other than PyYAML's
    pytest.skip("the C builder is switched off here", allow_module_level=True)


def python_build(text: str, limits: Limits = DEFAULT_LIMITS):
    """load_yaml with the C builder switched off (as DREAMQ_PURE_PYTHON=1 does)."""
    saved = os.environ.get("DREAMQ_PURE_PYTHON")
    os.environ["DREAMQ_PURE_PYTHON"] = "1"
    try:
        return load_yaml(text, "x.yaml", limits)
    finally:
        if saved is None:
            del os.environ["DREAMQ_PURE_PYTHON"]
        else:
            os.environ["DREAMQ_PURE_PYTHON"] = saved


def c_build(text: str, limits: Limits = DEFAULT_LIMITS):
    return _yamlload._c_builder()(text.encode("utf-8"), limits)


def strict(value):
    """``value`` with every type spelled out (``1 == True == 1.0`` in Python)."""
    if isinstance(value, dict):
        return ("map", [(strict(k), strict(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [strict(v) for v in value])
    return (type(value).__name__, repr(value))


def positions(value) -> list:
    """Every position the builders keep, as the Marks validation reads, and
    each scalar's style."""
    found = []
    if isinstance(value, (YMap, YList)):
        found.append((type(value).__name__, value.mark))
        found.extend((mark_of_event(e), getattr(e, "style", None)) for e in value.events)
        for item in value.values() if isinstance(value, dict) else value:
            found.extend(positions(item))
    return found


def assert_same(text: str, limits: Limits = DEFAULT_LIMITS) -> None:
    expected = python_build(text, limits)
    got = c_build(text, limits)
    assert strict(got) == strict(expected)
    assert positions(got) == positions(expected)


def error_of(function, text: str, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(DreamqError) as caught:
        function(text, limits)
    return str(caught.value)


REPO_FILES = sorted(
    p.relative_to(REPO).as_posix()
    for folder in ("question_banks", "domains", "studies", "tests", "docs")
    for p in (REPO / folder).rglob("*.y*ml")
)


def test_the_repository_has_yaml_files_to_compare():
    assert len(REPO_FILES) >= 30


@pytest.mark.parametrize("name", REPO_FILES)
def test_every_yaml_file_in_the_repository_builds_the_same(name):
    text = (REPO / name).read_text(encoding="utf-8-sig")
    try:
        python_build(text)
    except DreamqError:  # a fixture that is broken on purpose: C must refuse it too
        with pytest.raises(Exception):  # noqa: B017 - any refusal sends it to Python
            c_build(text)
        return
    assert_same(text)


def test_load_yaml_uses_the_c_builder_unless_switched_off(monkeypatch):
    assert type(load_yaml("a: 1\n", "x").events[0]).__name__ == "Position"
    monkeypatch.setenv("DREAMQ_PURE_PYTHON", "1")
    assert type(load_yaml("a: 1\n", "x").events[0]).__name__ == "ScalarEvent"


SCALARS = [
    "text",
    "no",
    "Yes",
    "off",
    "y",
    "~",
    "null",
    "",
    "0",
    "010",
    "0x1F",
    "0o17",
    "1_000",
    "-5",
    "+3",
    "1:30",
    "190:20:30",
    "1e3",
    "1.5",
    ".5",
    ".inf",
    "-.Inf",
    ".nan",
    "2024-01-01",
    "2024-01-01 10:00:00",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
    "12345678901234567890123",
    "第一題",
    "Tell us about {{ product }}",
    "what's this?",
    "trailing spaces ",
    "with: colon",
    "- dash",
]
SCALAR_LINES = [
    "{v}",
    "'{v}'",
    '"{v}"',
    "|\n    {v}\n    more",
    ">-\n    {v}\n    folded",
]


@pytest.mark.parametrize("value", SCALARS)
@pytest.mark.parametrize("form", SCALAR_LINES)
def test_scalars_resolve_the_same(value, form):
    written = form.format(v=value.replace("'", "''") if form.startswith("'") else value)
    text = f"key: {written}\nlist:\n  - {written}\n"
    try:
        python_build(text)
    except DreamqError:
        with pytest.raises(Exception):  # noqa: B017
            c_build(text)
        return
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: 2\n",
        "a: &x 1\nb: *x\n",
        "a: &x [1]\n",
        "base: &b {x: 1}\nother:\n  <<: *b\n",
        "<<: {x: 1}\n",
        "a: 1\na: 2\n",
        "text: x\ntext: y\n",
        "1: x\n",
        "null: x\n",
        "yes: x\n",
        "2024-01-01: x\n",
        "? [a]\n: x\n",
        "? {a: 1}\n: x\n",
        "a: !!python/object/apply:os.system [id]\n",
        "a: !custom x\n",
        "--- a\n--- b\n",
        "a: [1\n",
        "a: b: c\n",
        "a:\n\t- x\n",
        "a: 99999999999999999999999\n",
        "a: \x07\n",
    ],
)
def test_the_c_builder_refuses_what_python_refuses_and_load_yaml_words_it_the_same(
    monkeypatch, text
):
    with pytest.raises(Exception):  # noqa: B017 - any refusal sends the file to Python
        c_build(text)
    message = error_of(lambda t, limits: load_yaml(t, "x.yaml", limits), text)
    monkeypatch.setenv("DREAMQ_PURE_PYTHON", "1")
    assert error_of(lambda t, limits: load_yaml(t, "x.yaml", limits), text) == message


@pytest.mark.parametrize("text", ["a: !!str 5\n", "a: ! x\n", "a: !!map {x: 1}\n", "a: !!int 5\n"])
def test_core_tags_go_to_python_which_reads_them(text):
    with pytest.raises(Exception):  # noqa: B017
        c_build(text)
    assert strict(load_yaml(text, "x.yaml")) == strict(python_build(text))


@pytest.mark.parametrize("depth", [3, 4])
def test_the_depth_limit_is_the_same(depth):
    limits = Limits(max_depth=4)
    text = "a: " + "[" * depth + "]" * depth + "\n"  # the root mapping is one level
    if depth + 1 <= 4:
        assert_same(text, limits)
    else:
        with pytest.raises(Exception):  # noqa: B017
            c_build(text, limits)
        assert "nested more than 4 levels" in error_of(python_build, text, limits)


@pytest.mark.parametrize(("pairs", "with_list"), [(3, True), (5, False)])
def test_the_value_limit_is_the_same(pairs, with_list):
    limits = Limits(max_nodes=10)
    # the root mapping, a key and a value per pair, and "k: [v]" is three more
    values = 1 + 2 * pairs + (3 if with_list else 0)
    text = "".join(f"k{i}: v\n" for i in range(pairs)) + ("k: [v]\n" if with_list else "")
    if values <= 10:
        assert strict(c_build(text, limits)) == strict(python_build(text, limits))
    else:
        with pytest.raises(Exception):  # noqa: B017
            c_build(text, limits)
        assert "more than 10 values" in error_of(python_build, text, limits)


def test_empty_documents_are_none():
    for text in ("", "\n", "# only a comment\n", "---\n", "---\n...\n"):
        assert c_build(text) is None
        assert python_build(text) is None


def test_a_scalar_document():
    assert c_build("just text\n") == "just text"
    assert c_build("5\n") == 5


def test_dates_and_large_numbers_resolve_like_yaml_1_1():
    got = c_build("d: 2024-01-02\nn: 9223372036854775807\nf: 1_0.5\n")
    assert got == {"d": dt.date(2024, 1, 2), "n": 2**63 - 1, "f": 10.5}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged())
def test_damaged_files_build_the_same_or_go_to_python(case):
    """Whatever a damaged bundled file holds, the C builder either refuses it
    or gives exactly what the Python builder gives."""
    _, text, _ = case
    try:
        got = c_build(text)
    except Exception:
        return  # the Python builder takes it from here
    expected = python_build(text)  # must not raise: C accepted the file
    assert strict(got) == strict(expected)
    assert positions(got) == positions(expected)


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.sampled_from(range(4))),
        min_size=1,
        max_size=6,
    )
)
def test_random_keys_and_values_build_the_same_or_go_to_python(pairs):
    lines = []
    for key, value, form in pairs:
        key = key if form % 2 else f'"{key}"'
        lines.append(f"{key}: {value}" if form < 2 else f"{key}:\n  - {value}")
    text = "\n".join(lines) + "\n"
    try:
        got = c_build(text)
    except Exception:
        with pytest.raises(DreamqError):
            python_build(text)
        return
    assert strict(got) == strict(python_build(text))
