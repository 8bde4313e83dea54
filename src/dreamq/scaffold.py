"""``dreamq init``: a bank repository a team can start from, and how
dreamq recognises one.

It holds one bank, one domain and one study that use each other (and the
bundled introduction and wrap-up), a README for the team, pre-commit and CI
configuration, and the JSON Schemas editors use through yaml-language-server
(each YAML file names its schema in its first line).  It validates and
generates out of the box.

:func:`find_repository` finds the bank repository a file or folder lies in, so
that ``dreamq validate``, ``lint`` and ``stats`` can default to the repository
you are in and resolve a single study against its repository's banks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The folder ``dreamq init`` makes (editor schemas); it marks a bank repository.
MARKER = ".dreamq"
#: The folder of banks in the layout ``dreamq init`` makes; it marks one too.
BANKS_FOLDER = "banks"

_BANK = """\
# yaml-language-server: $schema=../.dreamq/bank.schema.json
# A team bank: one category of questions. See `dreamq schema bank` and the
# bank-format reference for every key; `dreamq lint` checks question quality.
kind: bank
format: 1
id: onboarding
category: curiosity
title: Getting started
description: How people first found their way into {{ product }}.
questions:
- id: first_week
  text: Tell us about your first week with {{ product }}. What happened?
  probes:
  - What did you expect, and what did you find?
  - Who helped you, if anyone?
  minutes: 5
  priority: core
  tags: [onboarding]
  translations:
    zh-Hant:
      text: 說說你使用{{ product }}的第一個星期。發生了什麼事？
      probes:
      - 你原本期待什麼？實際上遇到了什麼？
      - 有誰幫過你嗎？
    zh-Hans:
      text: 说说你使用{{ product }}的第一个星期。发生了什么事？
      probes:
      - 你原本期待什么？实际上遇到了什么？
      - 有谁帮过你吗？
- id: almost_gave_up
  text: Think of a moment you nearly gave up on {{ product }}. What was going on?
  probes:
  - What kept you going?
  minutes: 4
  priority: optional
  tags: [onboarding]
  translations:
    zh-Hant:
      text: 想一個你差點放棄{{ product }}的時刻。當時發生了什麼？
      probes:
      - 是什麼讓你繼續用下去？
    zh-Hans:
      text: 想一个你差点放弃{{ product }}的时刻。当时发生了什么？
      probes:
      - 是什么让你继续用下去？
"""

_DOMAIN = """\
# yaml-language-server: $schema=../.dreamq/domain.schema.json
# The product a study is about: the values that fill {{ ... }} in questions.
kind: domain
format: 1
id: our-product
title: Our product
values:
  en:
    product: mobile banking
    company: Our Company
    industry: personal finance
    customers: first-time users
    artifacts: [welcome email, monthly statement]
    touchpoint: help centre
  zh-Hant:
    product: 行動銀行
    company: Our Company
    industry: 個人理財
    customers: 初次使用者
    artifacts: [歡迎信, 月結單]
    touchpoint: 說明中心
  zh-Hans:
    product: 手机银行
    company: Our Company
    industry: 个人理财
    customers: 首次用户
    artifacts: [欢迎邮件, 月结单]
    touchpoint: 帮助中心
"""

_STUDY = """\
# yaml-language-server: $schema=../.dreamq/study.schema.json
# A study: its sections, the banks each draws from, and their time boxes.
kind: study
format: 1
id: pilot
title: Pilot interviews
domain: our-product
minutes: 30
goals:
- Learn how people get started, in their own words.
sections:
- id: introduction
  title: Introduction and consent
  minutes: 5
  banks: [introduction]
  fixed: true
- id: onboarding
  title: Getting started
  minutes: 20
  banks: [onboarding, curiosity]
  goals: [g1]
- id: wrap-up
  title: Wrap-up
  minutes: 5
  banks: [wrap_up]
  fixed: true
"""

_README = """\
# Our question banks

Banks, domains and studies for [dreamq](https://example.invalid/dreamq), kept
in git and reviewed in pull requests.

```sh
dreamq validate .                                   # every problem, with file and line
dreamq generate studies/pilot.yaml -b . -o guide.md # a moderator guide
dreamq plan studies/pilot.yaml -b . -n 6 -o plan/   # six sessions, counterbalanced
```

- `banks/`: one file per category of questions (`kind: bank`).
- `domains/`: the products a study can be about (`kind: domain`).
- `studies/`: sessions, their sections and time boxes (`kind: study`).
- `.dreamq/`: JSON Schemas; editors with yaml-language-server use them
  through the first line of each file (`dreamq schema bank` renews them).

`pre-commit install` runs dreamq on every commit (`.pre-commit-config.yaml`);
`.github/workflows/dreamq.yml` does the same in CI.
"""

_PRE_COMMIT = """\
# Run dreamq before each commit: `pip install pre-commit && pre-commit install`.
# dreamq must be installed in the environment that runs git.
# validate and lint check the whole repository (a change to a bank can break a
# study that was not touched); fmt checks only the files being committed.
repos:
  - repo: local
    hooks:
      - id: dreamq-validate
        name: dreamq validate
        entry: dreamq validate .
        language: system
        pass_filenames: false
        files: ^(banks|domains|studies)/.*\\.ya?ml$
      - id: dreamq-lint
        name: dreamq lint
        entry: dreamq lint .
        language: system
        pass_filenames: false
        files: ^(banks|domains|studies)/.*\\.ya?ml$
      - id: dreamq-fmt
        name: dreamq fmt --check
        entry: dreamq fmt --check
        language: system
        files: ^(banks|domains|studies)/.*\\.ya?ml$
"""

_CI = """\
# Check the banks on every push and pull request.
name: dreamq
on: [push, pull_request]
jobs:
  banks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install dreamq
      - run: dreamq validate .
      - run: dreamq generate studies/pilot.yaml --bank-dir . -o guide.md
"""


def scaffold_files() -> dict[str, str]:
    """The files ``dreamq init`` writes, by path relative to the new repository."""
    from ._formats import json_schema

    files = {
        "banks/onboarding.yaml": _BANK,
        "domains/our-product.yaml": _DOMAIN,
        "studies/pilot.yaml": _STUDY,
        "README.md": _README,
        ".pre-commit-config.yaml": _PRE_COMMIT,
        ".github/workflows/dreamq.yml": _CI,
    }
    for kind in ("bank", "domain", "study"):
        files[f".dreamq/{kind}.schema.json"] = (
            json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
        )
    return files


@dataclass(frozen=True)
class Initialised:
    """What :func:`init_repository` did: the files it wrote and the files
    that existed and were left alone."""

    written: list[Path]
    kept: list[Path]


def init_repository(directory: str | Path, *, force: bool = False) -> Initialised:
    """Write a starter bank repository into ``directory`` (made if missing).
    Files that exist already (a README in an existing git repository) are left
    alone and listed in ``kept``, unless ``force``: then they are overwritten."""
    from .output import write_tree

    directory = Path(directory)
    files = scaffold_files()
    exists = [
        name for name in files if (directory / name).exists() or (directory / name).is_symlink()
    ]
    kept = [] if force else exists
    written = write_tree(
        directory, [(name, text) for name, text in files.items() if name not in kept], force=force
    )
    return Initialised(written=written, kept=[directory / name for name in kept])


# -- finding the repository a file lies in ------------------------------------------


def is_repository(directory: str | Path) -> bool:
    """Whether ``directory`` is a bank repository: it holds ``.dreamq/`` (made by
    ``dreamq init``) or ``banks/``."""
    directory = Path(directory)
    return (directory / MARKER).is_dir() or (directory / BANKS_FOLDER).is_dir()


def find_repository(path: str | Path) -> Path | None:
    """The bank repository ``path`` (a file or folder) lies in: the nearest
    folder, from ``path`` upwards, that :func:`is_repository`.  The search
    stops at the top of a git work tree (a folder holding ``.git``), so it never
    wanders out of the project.  The folder is returned relative to the working
    directory when it lies below it (as messages show paths), else absolute."""
    start = Path(os.path.abspath(path))
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if is_repository(candidate):
            return _relative(candidate)
        if (candidate / ".git").exists():
            return None
    return None


def _relative(folder: Path) -> Path:
    cwd = Path(os.path.abspath(os.getcwd()))
    if folder == cwd:
        return Path(".")
    if folder.is_relative_to(cwd):
        return folder.relative_to(cwd)
    if cwd.is_relative_to(folder):  # run from below the repository: ../.. rather than /abs/path
        return Path(os.path.relpath(folder, cwd))
    return folder


def checking_scope(
    paths: Sequence[str | Path], bank_dirs: Sequence[str | Path] = ()
) -> tuple[list[Path], list[Path]]:
    """The PATHs ``dreamq validate``, ``lint`` and ``stats`` check, and the bank
    directories they resolve references against, as ``(paths, bank_dirs)``.

    No PATH: the bank repository the working directory lies in, if any; else
    none, which means the whole search path (bundled files, DREAMQ_BANK_PATH,
    --bank-dir).  PATHs: checked as given, with the repositories they lie in
    added to the bank directories (before the given ones, so --bank-dir still
    overrides), so that a study checked on its own sees its repository's banks
    and domains."""
    given_dirs = [Path(d) for d in bank_dirs]
    if not paths:
        repository = find_repository(".")
        return ([repository] if repository is not None else []), given_dirs
    found: list[Path] = []
    for path in paths:
        repository = find_repository(path) if Path(path).exists() else None
        if repository is not None:
            found.append(repository)
    seen: set[str] = set()
    merged: list[Path] = []
    for directory in [*found, *given_dirs]:
        key = os.path.realpath(directory)
        if key not in seen:
            seen.add(key)
            merged.append(directory)
    return [Path(p) for p in paths], merged
