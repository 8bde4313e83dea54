"""Question banks: the first stage of the flow (load banks → fill → plan → render)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._languages import pick as pick_language


@dataclass(slots=True)
class Question:
    """One prompt in a bank.  ``text`` and ``probes`` are keyed by language.

    Treat it as read-only.  (Not a frozen dataclass: a bank of 10,000
    questions is built in a third of the time without frozen's per-field
    ``object.__setattr__``.)"""

    id: str
    bank_id: str
    text: Mapping[str, str]
    probes: Mapping[str, tuple[str, ...]]
    minutes: int
    priority: str
    tags: tuple[str, ...]
    variables: frozenset[str]
    line: int
    #: The global id, ``bank/question``.
    ref: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        self.ref = f"{self.bank_id}/{self.id}"

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self.text)


@dataclass(frozen=True)
class Bank:
    """A bank file: one category of questions plus notes for the moderator."""

    id: str
    category: str
    language: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    audience: tuple[str, ...]
    source: str
    moderator_notes: Mapping[str, tuple[str, ...]]
    stance: Mapping[str, tuple[str, ...]]
    script: Mapping[str, tuple[str, ...]]
    questions: tuple[Question, ...]
    path: Path
    origin: str = "bundled"
    #: Variables its notes, stance cues and script use (questions have their own).
    variables: frozenset[str] = frozenset()
    #: Minutes reading the script aloud takes; kept free in a section's box.
    script_minutes: int = 0
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((q.id, q) for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def position(self, question_id: str) -> int:
        """Where a question stands in the bank (0-based)."""
        if not self._positions:
            self._positions.update((q.id, i) for i, q in enumerate(self.questions))
        return self._positions[question_id]

    def pick(self, values: Mapping[str, Any], language: str) -> Any:
        """A localized field's value in ``language``, else in the bank's own language."""
        return pick_language(values, language, self.language, default=())

    @property
    def minutes(self) -> int:
        return sum(q.minutes for q in self.questions)


def load_bank(path: str | Path, origin: str = "bundled") -> Bank:
    """Load and check one bank file.  Raises :class:`~dreamq.errors.DreamqError`
    listing every problem in the file."""
    from ._loader import load_file

    return load_file(Path(path), "bank", origin)  # type: ignore[return-value]


def bank_to_plain(bank: Bank) -> dict[str, object]:
    """A checked bank as JSON-ready data (for the file cache); see :func:`bank_from_plain`."""
    return {
        "id": bank.id,
        "category": bank.category,
        "language": bank.language,
        "title": bank.title,
        "description": bank.description,
        "audience": bank.audience,
        "source": bank.source,
        "moderator_notes": bank.moderator_notes,
        "stance": bank.stance,
        "script": bank.script,
        "variables": sorted(bank.variables),
        "script_minutes": bank.script_minutes,
        "questions": [
            [q.id, q.text, q.probes, q.minutes, q.priority, q.tags, sorted(q.variables), q.line]
            for q in bank.questions
        ],
    }


def bank_from_plain(plain: dict, path: Path, origin: str) -> Bank:  # type: ignore[type-arg]
    """Rebuild a bank stored by :func:`bank_to_plain`."""
    bank_id = plain["id"]

    def lists(values: dict) -> dict[str, tuple[str, ...]]:  # type: ignore[type-arg]
        return {lang: tuple(items) for lang, items in values.items()}

    questions = tuple(
        Question(
            id=qid,
            bank_id=bank_id,
            text=text,
            probes=lists(probes),
            minutes=minutes,
            priority=priority,
            tags=tuple(tags),
            variables=frozenset(variables),
            line=line,
        )
        for qid, text, probes, minutes, priority, tags, variables, line in plain["questions"]
    )
    return Bank(
        id=bank_id,
        category=plain["category"],
        language=plain["language"],
        title=plain["title"],
        description=plain["description"],
        audience=tuple(plain["audience"]),
        source=plain["source"],
        moderator_notes=lists(plain["moderator_notes"]),
        stance=lists(plain["stance"]),
        script=lists(plain["script"]),
        questions=questions,
        path=path,
        origin=origin,
        variables=frozenset(plain["variables"]),
        script_minutes=plain["script_minutes"],
    )
