"""Small builders for test inputs: real files in a directory, written as YAML text."""

from __future__ import annotations

import textwrap
from pathlib import Path

BANK = """\
kind: bank
format: 1
id: {id}
category: curiosity
title: Team questions
questions:
  - id: first
    text: What do you wish {{{{ company }}}} knew about {{{{ product }}}}?
    probes: [Tell us more.]
    minutes: {minutes}
    priority: core
    translations:
      zh-Hant:
        text: 你希望{{{{ company }}}}知道什麼？
        probes: [多說一點。]
      zh-Hans:
        text: 你希望{{{{ company }}}}知道什么？
        probes: [多说一点。]
  - id: second
    text: What confuses you about {{{{ product }}}}?
    minutes: {minutes}
"""

STUDY = """\
kind: study
format: 1
id: {id}
title: Team study
domain: {domain}
minutes: 20
sections:
  - id: opening
    title: Opening
    minutes: 5
    banks: [introduction]
  - id: main
    title: Main
    minutes: 15
    banks: [{bank}]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def team_dir(root: Path, bank_id: str = "team_bank", minutes: int = 5) -> Path:
    """A team bank directory holding one bank and one study that uses it."""
    directory = root / "team"
    write(directory, f"{bank_id}.yaml", BANK.format(id=bank_id, minutes=minutes))
    write(
        directory,
        "study.yaml",
        STUDY.format(id="team-study", domain="pizza-delivery", bank=bank_id),
    )
    return directory


# A small team bank whose line numbers tests rely on: 3 id, 7 "- id: first",
# 8 its text, 9-10 its probes, 11 its minutes, 12 its priority,
# 13 "- id: second", 14 its text, 15 its minutes.
TEAM_BANK = """\
kind: bank
format: 1
id: team
category: curiosity
title: Team questions
questions:
- id: first
  text: What do you like about {{ product }}?
  probes:
  - Why is that?
  minutes: 5
  priority: core
- id: second
  text: When did you last order?
  minutes: 4
"""
