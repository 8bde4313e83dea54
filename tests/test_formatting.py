"""dreamq fmt: canonical formatting that keeps values and comments."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dreamq._yamlload import load_yaml
from dreamq.catalog import bundled_root, yaml_files
from dreamq.errors import DreamqError, display_path
from dreamq.formatting import FormatResult, format_paths, format_text

BUNDLED = [
    path
    for folder in ("question_banks", "domains", "studies")
    for path in yaml_files(bundled_root() / folder)
]


def comments(text: str) -> list[str]:
    """Every comment in a text, as written (a crude scan: good enough for the
    inputs below, which have no # inside scalars)."""
    return sorted(m.group(0).strip() for m in re.finditer(r"#[^\n]*", text))


def test_there_are_35_bundled_files():
    assert len(BUNDLED) == 35


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_files_keep_their_value_and_format_idempotently(path):
    text = path.read_text(encoding="utf-8")
    once = format_text(text, path=path.name)
    assert load_yaml(once, "after") == load_yaml(text, "before")
    assert format_text(once) == once
    assert once.endswith("\n") and not once.endswith("\n\n")
    assert not any(line != line.rstrip() for line in once.split("\n"))
    assert comments(once) == comments(text)


MESSY = (
    "\ufeff---\r\n"
    "# the bank\r\n"
    "questions:   \r\n"
    '    -   text: "Why?"  # why\r\n'
    "        minutes: 2\r\n"
    "        # about id\r\n"
    "        id: why\r\n"
    "        tags: [a,   b]   \r\n"
    "        probes:\r\n"
    "            - 'More?'\r\n"
    "            # second probe\r\n"
    "            - |\r\n"
    "              Block\r\n"
    "               text\r\n"
    "\r\n"
    "\r\n"
    "# the title\r\n"
    "title: T\r\n"
    "zz_unknown: 1\r\n"
    "aa_unknown: no\r\n"
    "id: b   # beside id\r\n"
    "format: 1\r\n"
    "kind: bank\r\n"
    "category: c\r\n"
    "# the end\r\n"
)

MESSY_FORMATTED = """\
# the bank
kind: bank
format: 1
id: b   # beside id
category: c

# the title
title: T
questions:
# about id
- id: why
  text: "Why?"        # why
  probes:
  - 'More?'
  # second probe
  - |
    Block
     text
  minutes: 2
  tags: [a, b]
zz_unknown: 1
aa_unknown: no
# the end
"""


def test_messy_input_is_made_canonical():
    out = format_text(MESSY)
    assert out == MESSY_FORMATTED
    assert format_text(out) == out
    assert load_yaml(out, "after") == load_yaml(MESSY.lstrip("\ufeff"), "before")
    assert comments(out) == comments(MESSY)


def test_keys_in_canonical_order_unknown_keys_last_in_their_order():
    text = (
        "questions:\n- minutes: 1\n  zzz: 1\n  text: T\n  id: q\n  aaa: 2\n"
        "title: T\nid: b\ncategory: c\nformat: 1\nkind: bank\n"
    )
    out = format_text(text)
    assert out == (
        "kind: bank\nformat: 1\nid: b\ncategory: c\ntitle: T\n"
        "questions:\n- id: q\n  text: T\n  minutes: 1\n  zzz: 1\n  aaa: 2\n"
    )


def test_domain_and_study_orders():
    domain = "values:\n  en:\n    product: p\ntitle: T\nid: d\nformat: 1\nkind: domain\n"
    assert format_text(domain).splitlines()[:4] == [
        "kind: domain",
        "format: 1",
        "id: d",
        "title: T",
    ]
    study = (
        "sections:\n- minutes: 5\n  title: S\n  id: s\nminutes: 5\ntitle: T\nid: st\n"
        "format: 1\nkind: study\n"
    )
    assert format_text(study) == (
        "kind: study\nformat: 1\nid: st\ntitle: T\nminutes: 5\n"
        "sections:\n- id: s\n  title: S\n  minutes: 5\n"
    )


def test_comments_above_keys_travel_with_them():
    text = "kind: bank\n# above title\ntitle: T  # beside title\n# above id\nid: b\n"
    assert format_text(text) == (
        "kind: bank\n# above id\nid: b\n# above title\ntitle: T  # beside title\n"
    )
    # the comment lines above the first key are the file's header: they stay on top
    text = "# header\ntitle: T\n# above kind\nkind: bank\n"
    assert format_text(text) == "# header\n# above kind\nkind: bank\ntitle: T\n"


def test_comments_in_maps_of_translations_stay_with_their_keys():
    text = (
        "kind: bank\ntranslations:\n  # zh\n  zh-Hant:\n    title: x\n  # en\n  en:\n    title: y\n"
    )
    assert format_text(text) == text


def test_scalar_styles_and_values_are_kept():
    text = (
        "kind: bank\nformat: 1\nid: b\ncategory: c\ntitle: 'single'\n"
        'description: "double: quoted"\nsource: >\n  folded\n  text\n'
        "moderator_notes:\n- 'no'\n- plain\n"
    )
    assert format_text(text) == text


def test_long_plain_text_is_folded_without_changing_it():
    words = " ".join(f"word{i}" for i in range(60))
    text = f"kind: bank\nformat: 1\nid: b\ncategory: c\ntitle: T\ndescription: {words}\n"
    out = format_text(text)
    assert max(len(line) for line in out.splitlines()) <= 100
    assert load_yaml(out, "x")["description"] == words


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: bank\ntitle: &a T\ndescription: *a\n", 2),
        ("kind: bank\ntitle: !!python/object:os.system T\n", 2),
        ("kind: bank\ntitle: !custom T\n", 2),
        ("kind: bank\nid: a\nid: b\n", 3),
        ("kind: bank\ntitle: [unclosed\n", 2),
        ("kind: bank\n  title: T\n bad\n", 2),
    ],
)
def test_refused_texts_are_problems_with_a_line(text, line):
    with pytest.raises(DreamqError) as info:
        format_text(text, path="bad.yaml")
    problem = info.value.problems[0]
    assert problem.file == "bad.yaml"
    assert problem.line == line


def test_refused_file_is_never_touched_and_nothing_else_is_written(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("title: T\nkind: bank\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: bank\ntitle: &a T\ndescription: *a\n", encoding="utf-8")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in (good, bad)}
    with pytest.raises(DreamqError) as info:
        format_paths([tmp_path])
    assert [p.file for p in info.value.problems] == [display_path(bad)]
    assert info.value.problems[0].line == 2
    for p, state in before.items():
        assert (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) == state


def test_format_paths_writes_only_changed_files(tmp_path):
    messy = tmp_path / "messy.yaml"
    messy.write_bytes(MESSY.encode("utf-8"))
    clean = tmp_path / "sub" / "clean.yml"
    clean.parent.mkdir()
    clean.write_text(MESSY_FORMATTED, encoding="utf-8")
    hidden = tmp_path / ".hidden" / "x.yaml"
    hidden.parent.mkdir()
    hidden.write_text("not: [valid\n", encoding="utf-8")
    clean_state = (clean.stat().st_mtime_ns, clean.stat().st_ino)

    checked = format_paths([tmp_path], check=True)
    assert checked == FormatResult(changed=[messy], unchanged=1)
    assert messy.read_bytes() == MESSY.encode("utf-8")

    result = format_paths([tmp_path])
    assert result == FormatResult(changed=[messy], unchanged=1)
    assert messy.read_text(encoding="utf-8") == MESSY_FORMATTED
    assert (clean.stat().st_mtime_ns, clean.stat().st_ino) == clean_state
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden", "messy.yaml", "sub"]

    assert format_paths([messy, clean], check=True) == FormatResult(changed=[], unchanged=2)


def test_check_on_an_unchanged_tree_writes_nothing(tmp_path):
    files = []
    for i, source in enumerate(BUNDLED[:5]):
        target = tmp_path / f"f{i}.yaml"
        target.write_text(format_text(source.read_text(encoding="utf-8")), encoding="utf-8")
        files.append(target)
    state = {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in files}
    listing = sorted(os.listdir(tmp_path))
    for check in (True, False):
        result = format_paths([tmp_path], check=check)
        assert result == FormatResult(changed=[], unchanged=5)
        assert {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in files} == state
        assert sorted(os.listdir(tmp_path)) == listing


def test_check_on_bundled_files_writes_nothing(tmp_path):
    """On copies: a bug here must never rewrite the bundled files themselves."""
    copies = []
    for source in BUNDLED:
        target = tmp_path / source.parent.name / source.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes())
        copies.append(target)
    state = {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in copies}
    result = format_paths([tmp_path], check=True)
    assert len(result.changed) + result.unchanged == 35
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in copies} == state


def test_no_heavy_imports_at_module_level():
    code = (
        "import sys, dreamq.formatting\n"
        "bad = [m for m in ('yaml', 'ruamel', 'ruamel.yaml', 'jinja2', 'rich') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_path_argument_is_used_in_messages(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("kind: bank\nid: a\nid: b\n", encoding="utf-8")
    with pytest.raises(DreamqError) as info:
        format_paths([Path(path)], check=True)
    assert info.value.problems[0].file == display_path(path) == "dup.yaml"


def test_escapes_where_a_fold_would_fall_are_kept_exact():
    """ruamel.yaml can fold a double-quoted text right after an escape so that
    the line break reads back as an extra space; such files are formatted
    without folding, never refused and never changed in value."""
    import random

    rng = random.Random(3)
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
    ]
    questions = []
    for i in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
        at = rng.randint(0, len(text) - 1)
        text = text[:at] + rng.choice(["\\n", "\\t", "\\\\"]) + text[at:]
        questions.append(f'- id: q{i}\n  text: "{text} {{{{ product }}}}?"\n  minutes: 3\n')
    source = "kind: bank\nformat: 1\nid: b\ncategory: curiosity\ntitle: B\nquestions:\n"
    source += "".join(questions)
    formatted = format_text(source)
    assert load_yaml(formatted, "b.yaml") == load_yaml(source, "b.yaml")
    assert format_text(formatted) == formatted
