"""Study files: the sections of a session, their banks and time boxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._languages import pick as pick_language

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
    #: Ids of the goals every question of this section serves.
    goals: tuple[str, ...] = ()
    #: Kept in place when ``dreamq plan`` counterbalances section order.
    fixed: bool = False


@dataclass(frozen=True)
class Goal:
    """What maps questions to a research goal: its id (``g1``, ``g2``... for a
    goal written as plain text) and the tags that mark questions serving it."""

    id: str
    tags: tuple[str, ...] = ()


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
    #: Line of the ``domain:`` key, for messages about it.
    domain_line: int | None = None
    #: Ids and tags of the goals, in the order of ``goals``.
    goal_keys: tuple[Goal, ...] = ()
    #: The study's ``filters:`` as plain data (tags, exclude_tags, audience,
    #: include, exclude); see :class:`dreamq.planner.Filters`.
    filters: Mapping[str, Any] = field(default_factory=dict)

    def pick(self, values: Mapping[str, Any], language: str) -> Any:
        """A localized field's value in ``language``, else in the study's own language."""
        return pick_language(values, language, self.language)


def load_study(path: str | Path, origin: str = "bundled") -> Study:
    """Load and check one study file."""
    from ._loader import load_file

    return load_file(Path(path), "study", origin)  # type: ignore[return-value]


def study_to_plain(study: Study) -> dict[str, Any]:
    """A checked study as JSON-ready data (for the file cache)."""
    return {
        "id": study.id,
        "title": study.title,
        "description": study.description,
        "domain": study.domain,
        "domain_line": study.domain_line,
        "minutes": study.minutes,
        "language": study.language,
        "seed": study.seed,
        "goals": study.goals,
        "goal_keys": [[g.id, g.tags] for g in study.goal_keys],
        "filters": dict(study.filters),
        "sections": [
            [s.id, s.title, s.minutes, s.banks, s.questions, s.notes, s.line, s.goals, s.fixed]
            for s in study.sections
        ],
    }


def study_from_plain(plain: dict[str, Any], path: Path, origin: str) -> Study:
    """Rebuild a study stored by :func:`study_to_plain`."""

    def lists(values: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {lang: tuple(items) for lang, items in values.items()}

    return Study(
        id=plain["id"],
        title=plain["title"],
        description=plain["description"],
        domain=plain["domain"],
        domain_line=plain["domain_line"],
        minutes=plain["minutes"],
        language=plain["language"],
        seed=plain["seed"],
        goals=lists(plain["goals"]),
        goal_keys=tuple(Goal(gid, tuple(tags)) for gid, tags in plain["goal_keys"]),
        filters=plain["filters"],
        sections=tuple(
            Section(
                sid,
                title,
                minutes,
                tuple(banks),
                tuple(questions),
                lists(notes),
                line,
                tuple(goals),
                fixed,
            )
            for sid, title, minutes, banks, questions, notes, line, goals, fixed in plain[
                "sections"
            ]
        ),
        path=path,
        origin=origin,
    )
