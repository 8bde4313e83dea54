"""Study files: the sections of a session, their banks and time boxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._documents import capped, check_translated_lists, localized, mark_of
from ._schema import Checker
from ._yamlload import YMap
from .errors import DreamqError

#: The study used when none is named: a 90-minute co-creation focus group.
DEFAULT_STUDY = "co-creation-90"


@dataclass(frozen=True)
class Section:
    """One time-boxed part of a session."""

    id: str
    title: Mapping[str, str]
    minutes: int
    banks: tuple[str, ...]
    questions: tuple[str, ...]
    notes: Mapping[str, tuple[str, ...]]
    line: int


@dataclass(frozen=True)
class Study:
    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    domain: str | None
    minutes: int
    language: str
    seed: int
    goals: Mapping[str, tuple[str, ...]]
    sections: tuple[Section, ...]
    path: Path
    origin: str = "bundled"

    def pick(self, values: Mapping[str, object], language: str) -> object:
        if language in values:
            return values[language]
        return values.get(self.language, next(iter(values.values()), ""))


def load_study(path: str | Path, origin: str = "bundled") -> Study:
    """Load and check one study file."""
    from ._loader import load_file

    return load_file(Path(path), "study", origin)  # type: ignore[return-value]


def study_from_data(data: YMap, path: Path, checker: Checker, origin: str) -> Study:
    language = data.get("language", "en")
    check_translated_lists(data, ("goals",), "study", checker)
    sections: list[Section] = []
    seen: dict[str, int] = {}
    translated = {
        lang: block.get("sections") or {}
        for lang, block in (data.get("translations") or {}).items()
    }
    for s, s_mark in zip(data["sections"], data["sections"].item_marks, strict=True):
        sid = s["id"]
        if sid in seen:
            checker.add(
                f'duplicate section id "{sid}" (first on line {seen[sid]})',
                mark_of(s, "id"),
                hint="section ids must be unique within a study",
            )
            continue
        seen[sid] = s_mark.line
        if not s.get("banks") and not s.get("questions"):
            checker.add(
                f'section "{sid}" names no banks and no questions',
                s_mark,
                hint="add banks: [...] or questions: [bank/question, ...]",
            )
        title = {language: s["title"]}
        notes = {language: tuple(s.get("notes", ()))}
        for lang, by_section in translated.items():
            block = by_section.get(sid)
            if block is None:
                continue
            if "title" in block:
                title[lang] = block["title"]
            if "notes" in block:
                notes[lang] = tuple(block["notes"])
                if len(block["notes"]) != len(notes[language]):
                    checker.add(
                        f"translations.{lang}.sections.{sid}.notes has {len(block['notes'])} "
                        f"item(s) but the section's notes have {len(notes[language])}",
                        block.value_marks.get("notes"),
                        hint="translate every item, in the same order",
                    )
        sections.append(
            Section(
                id=sid,
                title=title,
                minutes=s["minutes"],
                banks=tuple(s.get("banks", ())),
                questions=tuple(s.get("questions", ())),
                notes=notes,
                line=s_mark.line,
            )
        )
    for lang, by_section in translated.items():
        for sid in by_section:
            if sid not in seen:
                checker.add(
                    f'translations.{lang}.sections names unknown section "{sid}"',
                    by_section.key_marks.get(sid),
                    hint=f"known sections: {', '.join(seen)}",
                )
    if checker.problems:
        raise DreamqError(capped(checker.problems))
    return Study(
        id=data["id"],
        title=localized(data, "title", language),
        description=localized(data, "description", language, default=""),
        domain=data.get("domain"),
        minutes=data["minutes"],
        language=language,
        seed=data.get("seed", 0),
        goals=localized(data, "goals", language, default=()),
        sections=tuple(sections),
        path=path,
        origin=origin,
    )
