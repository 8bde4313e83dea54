"""``dreamq init``: a bank repository a team can start from.

It holds one bank, one domain and one study that use each other (and the
bundled introduction and wrap-up), a README for the team, pre-commit and CI
configuration, and the JSON Schemas editors use through yaml-language-server
(each YAML file names its schema in its first line).  It validates and
generates out of the box.
"""

from __future__ import annotations

import json
from pathlib import Path

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
    product: our app
    company: Our Company
    industry: personal finance
    customers: first-time users
    artifacts: [welcome email, monthly statement]
    touchpoint: help centre
  zh-Hant:
    product: 我們的應用程式
    company: Our Company
    industry: 個人理財
    customers: 初次使用者
    artifacts: [歡迎信, 月結單]
    touchpoint: 說明中心
  zh-Hans:
    product: 我们的应用
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
repos:
  - repo: local
    hooks:
      - id: dreamq-validate
        name: dreamq validate
        entry: dreamq validate
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


def init_repository(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write a starter bank repository into ``directory`` (made if missing);
    return the files written.  Existing files are an error unless ``force``,
    and then nothing is written."""
    from .output import write_tree

    return write_tree(directory, list(scaffold_files().items()), force=force)
