"""Property tests: random damage to the bundled bank, domain and study.

Hypothesis takes the valid bundled texts (question_banks/curiosity.yaml,
domains/pizza-delivery.yaml, studies/co-creation-90.yaml) and damages them a
few times over: deletes, duplicates or swaps lines, inserts random characters
or YAML punctuation, replaces a scalar with random text, a number, null, a
list or a mapping, or cuts the file short.  Each result goes through

* ``dreamq validate FILE``, and
* ``dreamq generate --bank-dir DIR`` (the damaged file in DIR overrides the
  bundled file with the same id, which the default study uses),

in-process, and must end with exit code 0 or 1 -- never 3 (a bug in dreamq)
or anything else -- with no traceback, and with a message when it is 1.

The run is derandomized, so CI sees the same examples every time.  CI runs 60
examples per property; set DREAMQ_HYPOTHESIS_EXAMPLES for a longer hunt:

    DREAMQ_HYPOTHESIS_EXAMPLES=2000 pytest tests/hostile/test_properties.py

A failure prints the damaged text (``note``) and the command's stderr;
Hypothesis shrinks it to a small set of edits first.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from dreamq.catalog import bundled_root

from .conftest import run, write

EXAMPLES = int(os.environ.get("DREAMQ_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,  # derandomized: nothing to replay, so keep no example database
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_ROOT = bundled_root()
BASES = {
    name: (_ROOT / folder / name).read_text(encoding="utf-8")
    for folder, name in (
        ("question_banks", "curiosity.yaml"),
        ("domains", "pizza-delivery.yaml"),
        ("studies", "co-creation-90.yaml"),
    )
}

# YAML's punctuation and some of the hostile pieces the other tests use.
PUNCTUATION = [
    *":-[]{}#&*!|>'\"%@`,?~<=\\",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\ufeff",
    "\x00",
    "\x1b",
    ": ",
    "- ",
    "---\n",
    "...\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "<<: ",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['touch PWNED']",
    "!include ",
    "!!binary ",
    "!!set ",
    "{{ cycler.__init__.__globals__ }}",
    "{{ product|attr('__class__') }}",
    "{{ product }}",
    "{{ artifacts[9] }}",
    "0x1F",
    "1:30",
    "no",
    "~",
    "2024-01-01",
]

# "key: value" or "- value" lines, for replacing the value.
_SCALAR_LINE = re.compile(r"^(\s*- (?:[\w-]+:[ \t]+)?|\s*[\w-]+:[ \t]+)(\S.*?)(\r?\n?)$")

texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), max_codepoint=0x2FFFF), max_size=12
)
scalars = st.one_of(
    texts,
    texts.map(json.dumps),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(["~", "null", "", "yes", "No", "off", "2024-01-01", "1:30", ".inf"]),
    st.lists(texts.map(json.dumps), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.integers(), max_size=2).map(
        lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
    ),
    st.sampled_from(PUNCTUATION),
)


@st.composite
def damaged(draw, name: str | None = None) -> tuple[str, str, list[str]]:
    """(file name, damaged text, the edits made), for one of the bundled files."""
    if name is None:
        name = draw(st.sampled_from(sorted(BASES)))
    lines = BASES[name].splitlines(keepends=True)
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            piece = draw(st.one_of(st.sampled_from(PUNCTUATION), texts))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + piece + lines[i][at:]
        elif op == "replace":
            candidates = [k for k, line in enumerate(lines) if _SCALAR_LINE.match(line)]
            if not candidates:
                continue
            i = draw(st.sampled_from(candidates))
            head, _, end = _SCALAR_LINE.match(lines[i]).groups()
            value = draw(scalars)
            lines[i] = head + value + (end or "\n")
        else:  # truncate
            text = "".join(lines)
            cut = draw(st.integers(0, len(text)))
            lines = text[:cut].splitlines(keepends=True)
        edits.append(f"{op} at line {i + 1}")
    return name, "".join(lines), edits


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory) -> str:
    """One cache directory for all examples: the bundled files are parsed once,
    not once per example.  Damaged files are parsed afresh (a file with
    problems is never cached; a valid one is cached under the hash of its
    bytes, as in real use)."""
    return str(tmp_path_factory.mktemp("hypothesis-cache"))


def assert_clean_exit(result, what: str) -> None:
    output = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{what}: {result.exception!r}"
    )
    assert "Traceback" not in output, f"{what}: {output[-2000:]}"
    assert result.exit_code in (0, 1), f"{what}: exit code {result.exit_code}: {result.stderr}"
    if result.exit_code == 1:
        assert "error: " in result.stderr, f"{what}: exit 1 without a message: {result.stderr!r}"
    else:
        assert "error: " not in result.stderr, f"{what}: exit 0 with an error: {result.stderr}"


@SETTINGS
@given(case=damaged())
def test_damaged_files_through_validate_and_generate(monkeypatch, shared_cache, case):
    name, text, edits = case
    note(f"{name} after {edits}:\n{text}")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        monkeypatch.setenv("DREAMQ_CACHE_DIR", shared_cache)
        monkeypatch.chdir(root)
        path = write(root / "team" / name, text.replace("PWNED", str(root / "PWNED")))

        result = run("validate", path)
        note(f"validate stderr: {result.stderr}")
        event(f"validate exit {result.exit_code}")
        assert_clean_exit(result, "dreamq validate FILE")

        result = run("generate", "--bank-dir", "team", "--date", "2026-01-01")
        note(f"generate stderr: {result.stderr}")
        event(f"generate exit {result.exit_code}")
        assert_clean_exit(result, "dreamq generate --bank-dir DIR")
        if result.exit_code == 0:
            assert result.stdout.startswith("# "), result.stdout[:200]
        assert not (root / "PWNED").exists()


@SETTINGS
@given(data=st.data())
def test_damaged_team_study_with_its_own_bank_and_domain(monkeypatch, shared_cache, data):
    """The three bundled texts, each damaged at most once, side by side in one
    team directory: references between damaged files must fail cleanly too."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        monkeypatch.setenv("DREAMQ_CACHE_DIR", shared_cache)
        monkeypatch.chdir(root)
        for name, text in BASES.items():
            if data.draw(st.booleans(), label=f"damage {name}"):
                _, text, edits = data.draw(damaged(name), label=name)
                note(f"{name} after {edits}:\n{text}")
            write(root / "team" / name, text)
        result = run("validate", "team")
        assert_clean_exit(result, "dreamq validate DIR")
        result = run("generate", "co-creation-90", "--bank-dir", "team", "--date", "2026-01-01")
        assert_clean_exit(result, "dreamq generate STUDY --bank-dir DIR")
