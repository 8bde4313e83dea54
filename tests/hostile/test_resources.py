"""Inputs that cost time or memory: YAML bombs, deep nesting, huge files,
output bombs and runaway template loops.

Each case runs the real CLI in a child process (conftest.run_limited): 1 GiB
address-space limit, 10 s wall-clock timeout, peak memory measured for that
child alone.  Every case must end with exit code 1 and one message naming
the file, within the timeout and 200 MB, and write nothing.

The children of all selected cases are started together, four at a time, when
the first case of this module runs (a case that hangs then costs its 10 s
once, alongside the others, not in series); each test then checks its own
child.  Elapsed time, CPU time and peak memory per case are printed at the end
of the run; CPU time is the better guide to cost when children overlap.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import (
    BANK,
    DOMAIN,
    PEAK_LIMIT_MB,
    STUDY,
    TIMEOUT_S,
    Outcome,
    assert_nothing_written,
    assert_refused,
    files_under,
    run_limited,
    write,
)

WORKERS = 4


@dataclass(frozen=True)
class Heavy:
    """One resource-heavy case: ``setup`` writes its files into a fresh
    directory and returns the CLI arguments; the run must be refused with a
    message starting with ``where`` and holding ``words`` (and, with
    ``any_of``, at least one of those words)."""

    name: str
    setup: Callable[[Path], list[str]]
    where: str
    words: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    empty_stdout: bool = True
    #: Would run until the timeout if the bound it tests were missing: started first.
    may_hang: bool = False


Text = str | bytes | Callable[[], str | bytes]


def _write(path: Path, text: Text) -> None:
    """Big inputs are given as a callable, built only when their case runs,
    so that the pytest process stays small (see also _big_file)."""
    write(path, text() if callable(text) else text)


def _validate(name: str, text: Text) -> Callable[[Path], list[str]]:
    def setup(directory: Path) -> list[str]:
        _write(directory / name, text)
        return ["validate", name]

    return setup


def _generate_team(name: str, text: Text) -> Callable[[Path], list[str]]:
    def setup(directory: Path) -> list[str]:
        write(directory / "team" / "bank.yaml", BANK)
        write(directory / "team" / "domain.yaml", DOMAIN)
        write(directory / "team" / "study.yaml", STUDY)
        _write(directory / "team" / name, text)
        return [
            "generate",
            "team-study",
            "--bank-dir",
            "team",
            "--date",
            "2026-01-01",
            "-o",
            "guide.md",
        ]

    return setup


def _template(template: str, *, to_stdout: bool = False) -> Callable[[Path], list[str]]:
    def setup(directory: Path) -> list[str]:
        write(directory / "tpl" / "guide.md.j2", template)
        args = ["generate", "--date", "2026-01-01", "--template", "tpl"]
        return args if to_stdout else [*args, "-o", "guide.md"]

    return setup


def _big_file(name: str, size: int, *, team: bool = False) -> Callable[[Path], list[str]]:
    """A bank padded with one comment line to ``size`` bytes, written in 1 MiB pieces."""

    def setup(directory: Path) -> list[str]:
        args = _generate_team(name, BANK)(directory) if team else ["validate", name]
        path = directory / ("team" if team else "") / name
        with path.open("wb") as fh:
            fh.write(BANK.encode() + b"#")
            left = size - len(BANK) - 2
            while left > 0:
                fh.write(b"x" * min(left, MIB))
                left -= MIB
            fh.write(b"\n")
        assert path.stat().st_size == size
        return args

    return setup


def _fifo(directory: Path) -> list[str]:
    os.mkfifo(directory / "pipe.yaml")
    return ["validate", "pipe.yaml"]


# ------------------------------------------------------------ the inputs


# A bank followed by extra top-level keys: the first extra line is line 16.
def _bank_plus(lines: list[str]) -> str:
    return BANK + "".join(line + "\n" for line in lines)


def _billion_laughs(levels: int = 9, width: int = 9) -> list[str]:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]")
    return lines


def _merge_bomb(levels: int = 9, width: int = 9) -> list[str]:
    lines = ["m0: &m0 {k0: v}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * width) + f"], k{i}: v}}")
    return lines


DEPTH = 10_000
MIB = 1 << 20

ANCHORS = ("anchors", "not allowed", "write the value out in full")
TOO_DEEP = ("nested more than 64 levels deep", "flatten")
TOO_BIG = ("limit is 16,777,216", "split it")
OUTPUT_TOO_BIG = ("exceed", "too large", "too long", "too big", "limit")

HEAVY = [
    # alias, merge-key and self-reference bombs
    Heavy(
        "billion-laughs",
        _validate("bank.yaml", _bank_plus(_billion_laughs())),
        "bank.yaml:16",
        ANCHORS,
    ),
    Heavy(
        "billion-laughs-in-team-bank",
        _generate_team("bomb.yaml", _bank_plus(_billion_laughs()).replace("id: team", "id: bomb")),
        "team/bomb.yaml:16",
        ANCHORS,
    ),
    Heavy(
        "billion-laughs-without-kind",
        _validate("bomb.yaml", "\n".join(_billion_laughs()) + "\n"),
        "bomb.yaml:1",
        ("anchors", "not a dreamq file"),
    ),
    Heavy(
        "billion-laughs-wide",
        _validate("bank.yaml", _bank_plus(_billion_laughs(levels=6, width=1000))),
        "bank.yaml:16",
        ANCHORS,
    ),
    Heavy(
        "merge-key-bomb", _validate("bank.yaml", _bank_plus(_merge_bomb())), "bank.yaml:16", ANCHORS
    ),
    Heavy(
        "merge-key-bomb-in-question",
        _validate(
            "bank.yaml",
            BANK.replace(
                "kind: bank\n", "kind: bank\n" + "\n".join(_merge_bomb(5, 50)) + "\n"
            ).replace("  minutes: 4\n", "  <<: [*m5, *m5, *m5, *m5]\n"),
        ),
        "bank.yaml:2",
        ANCHORS,
    ),
    Heavy(
        "self-referencing-list",
        _validate("bank.yaml", _bank_plus(["me: &me [*me, *me]"])),
        "bank.yaml:16",
        ANCHORS,
    ),
    Heavy(
        "self-referencing-map",
        _validate("bank.yaml", _bank_plus(["me: &me {a: *me, <<: *me}"])),
        "bank.yaml:16",
        ANCHORS,
    ),
    Heavy(
        "alias-without-anchor",
        _validate("bank.yaml", _bank_plus(["x: [" + ", ".join(["*nowhere"] * 100_000) + "]"])),
        "bank.yaml:16",
        ("aliases (*nowhere)", "not allowed"),
    ),
    # nesting 10,000 deep
    Heavy(
        "deep-flow-lists",
        _validate("bank.yaml", _bank_plus(["x: " + "[" * DEPTH + "]" * DEPTH])),
        "bank.yaml:16",
        TOO_DEEP,
    ),
    Heavy(
        "deep-flow-lists-unclosed",
        _validate("bank.yaml", _bank_plus(["x: " + "[" * DEPTH])),
        "bank.yaml:16",
    ),
    Heavy(
        "deep-flow-mappings",
        _validate("bank.yaml", _bank_plus(["x: " + "{a: " * DEPTH + "b" + "}" * DEPTH])),
        "bank.yaml:16",
        TOO_DEEP,
    ),
    Heavy(
        "deep-block-lists",
        _validate("bank.yaml", _bank_plus(["x:", "  " + "- " * DEPTH + "x"])),
        "bank.yaml:17",
        TOO_DEEP,
    ),
    Heavy(
        "deep-block-mappings",
        # 2,000 levels, one more space each: 2 MB (10,000 would be 50 MB, past the size limit)
        _validate(
            "bank.yaml",
            _bank_plus(["x:"] + [" " * i + f"k{i}:" for i in range(1, 2000)] + [" " * 2000 + "v"]),
        ),
        "bank.yaml:80",
        TOO_DEEP,
    ),
    Heavy(
        "deep-nesting-in-team-bank",
        _generate_team("deep.yaml", "x: " + "[" * DEPTH + "]" * DEPTH + "\n"),
        "team/deep.yaml:1",
        ("nested more than 64 levels deep",),
    ),
    # size
    Heavy(
        "file-50-mb", _big_file("bank.yaml", 50 * MIB), "bank.yaml", ("52,428,800 bytes", *TOO_BIG)
    ),
    Heavy(
        "file-50-mb-in-team-bank",
        _big_file("big.yaml", 50 * MIB, team=True),
        "team/big.yaml",
        TOO_BIG,
    ),
    Heavy(
        "file-16-mib-plus-one",
        _big_file("bank.yaml", 16 * MIB + 1),
        "bank.yaml",
        ("16,777,217 bytes", *TOO_BIG),
    ),
    Heavy(
        "text-15-mb",
        _validate(
            "bank.yaml",
            lambda: BANK.replace("  text: When did you last order?", "  text: " + "x" * (15 * MIB)),
        ),
        "bank.yaml:14",
        ("4,000",),
    ),
    Heavy(
        "one-million-values",  # 2 MB of YAML
        _validate(
            "bank.yaml",
            lambda: BANK.replace(
                "  minutes: 4\n", "  minutes: 4\n  tags: [" + ",".join(["a"] * 1_000_000) + "]\n"
            ),
        ),
        "bank.yaml:16",
        ("more than 400,000 values", "split"),
    ),
    Heavy(
        "one-million-values-in-team-bank",
        _generate_team("many.yaml", lambda: "x: [" + ",".join(["a"] * 1_000_000) + "]\n"),
        "team/many.yaml:1",
        ("more than 400,000 values",),
    ),
    # special files
    Heavy("fifo-where-a-file-is-expected", _fifo, "pipe.yaml", may_hang=True),
    # template output bombs and runaway loops
    Heavy(
        "template-string-times-1e9",
        _template("{{ 'x' * 10**9 }}\n"),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-string-times-1e8",
        _template("{{ 'x' * 10**8 }}\n"),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-string-times-2e7-to-stdout",
        _template("{{ 'x' * 2 * 10**7 }}\n", to_stdout=True),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-loop-output-1e8",
        _template("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}\n"),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-list-times-1e9",
        _template("{{ [0] * 10**9 }}\n"),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-join-bomb",
        _template("{{ range(100000)|join('x' * 100000) }}\n"),
        "tpl/guide.md.j2",
        any_of=OUTPUT_TOO_BIG,
    ),
    Heavy(
        "template-range-1e9",
        _template("{% for i in range(10**9) %}x{% endfor %}\n"),
        "tpl/guide.md.j2:1",
        ("range",),
    ),
    Heavy(
        "template-nested-ranges",  # 10^10 empty iterations: no output, only time
        _template(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
        ),
        "tpl/guide.md.j2",
        may_hang=True,
    ),
    Heavy(
        "template-recursive-macro",
        _template("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}\n"),
        "tpl/guide.md.j2",
    ),
    Heavy(
        "template-doubling-macro",  # 2^40 calls, no output
        _template(
            "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(40) }}\n"
        ),
        "tpl/guide.md.j2",
        may_hang=True,
    ),
]


@pytest.fixture(scope="module")
def heavy_runs(request, tmp_path_factory):
    """Start the children of every selected case at once; hand each test its own."""
    selected: dict[str, Heavy] = {}
    for item in getattr(request.session, "items", ()):
        callspec = getattr(item, "callspec", None)
        if (
            getattr(item, "module", None) is request.module
            and callspec
            and "case" in callspec.params
        ):
            selected[callspec.params["case"].name] = callspec.params["case"]
    order = sorted(selected.values(), key=lambda c: not c.may_hang)
    directories = {case.name: tmp_path_factory.mktemp(case.name) for case in order}

    def start(case: Heavy) -> tuple[Path, dict, Outcome]:
        directory = directories[case.name]
        args = case.setup(directory)
        before = files_under(directory)
        return directory, before, run_limited(args, directory, name=case.name)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {case.name: pool.submit(start, case) for case in order}
        yield lambda case: futures[case.name].result()


@pytest.mark.parametrize("case", HEAVY, ids=lambda c: c.name)
def test_bounded(case, heavy_runs):
    directory, before, outcome = heavy_runs(case)
    problems = []
    if outcome.timed_out:
        problems.append(f"still running after {TIMEOUT_S:.0f} s (killed)")
    if outcome.peak_mb > PEAK_LIMIT_MB:
        problems.append(f"peak memory {outcome.peak_mb:.0f} MB > {PEAK_LIMIT_MB:.0f} MB")
    try:
        assert_refused(outcome, case.where, *case.words)
        if case.any_of:
            message = next(
                line for line in outcome.stderr.splitlines() if line.startswith("error: ")
            )
            assert any(w in message.lower() for w in case.any_of), (
                f"the message does not say the guide is too large: {message}"
            )
    except AssertionError as exc:
        problems.append(str(exc).split("\nassert ")[0])
    if case.empty_stdout and outcome.stdout:
        problems.append(f"{len(outcome.stdout):,} characters on stdout")
    try:
        assert_nothing_written(directory, before)
    except AssertionError as exc:
        problems.append(str(exc).split("\nassert ")[0])
    assert not problems, (
        f"{case.name}: exit {outcome.exit_code}, {outcome.elapsed:.2f} s, "
        f"{outcome.peak_mb:.0f} MB peak:\n- "
        + "\n- ".join(problems)
        + f"\nstderr: {outcome.stderr[:600]!r}"
    )
