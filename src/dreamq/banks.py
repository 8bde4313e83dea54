"""Question banks: the first stage of the flow (load banks → fill → plan → render)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ._documents import capped, check_translated_lists, localized, mark_of
from ._schema import Checker
from ._yamlload import Mark, YMap
from .errors import DreamqError
from .fill import TemplateTextError, scan


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

    def pick(self, values: Mapping[str, object], language: str) -> object:
        """A localized field's value in ``language``, else in the bank's own language."""
        if language in values:
            return values[language]
        return values.get(self.language, ())

    @property
    def minutes(self) -> int:
        return sum(q.minutes for q in self.questions)


def load_bank(path: str | Path, origin: str = "bundled") -> Bank:
    """Load and check one bank file.  Raises :class:`~dreamq.errors.DreamqError`
    listing every problem in the file."""
    from ._loader import load_file

    return load_file(Path(path), "bank", origin)  # type: ignore[return-value]


def bank_from_data(data: YMap, path: Path, checker: Checker, origin: str) -> Bank:
    """Build a :class:`Bank` from data that fits the bank format, adding the
    checks a schema cannot express (unique ids, translations, templates)."""
    bank_id = data["id"]
    language = data.get("language", "en")
    check_translated_lists(data, ("moderator_notes", "stance", "script"), "bank", checker)
    for key in ("moderator_notes", "stance", "script"):
        for lang, items in localized(data, key, language, default=()).items():
            for item in items:
                _scan(item, f"bank {key}", lang, data, key, checker)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    events = list.__iter__(data["questions"].item_marks)  # raw events: no Mark unless needed
    for q, q_event in zip(data["questions"], events, strict=True):
        q_line = q_event.start_mark.line + 1
        qid = q["id"]
        where = f'question "{qid}"'
        if qid in seen:
            checker.add(
                f'duplicate question id "{qid}" (first on line {seen[qid]})',
                mark_of(q, "id"),
                hint="question ids must be unique within a bank; rename one",
            )
            continue
        seen[qid] = q_line
        check_translated_lists(q, ("probes",), where, checker)
        text = localized(q, "text", language)
        probes = localized(q, "probes", language, default=())
        variables: set[str] = set()
        for lang, value in text.items():
            variables |= _scan(value, where, lang, q, "text", checker)
        for lang, items in probes.items():
            for item in items:
                variables |= _scan(item, f"{where} probe", lang, q, "probes", checker)
        questions.append(
            Question(
                id=qid,
                bank_id=bank_id,
                text=text,
                probes=probes,
                minutes=q["minutes"],
                priority=q.get("priority", "optional"),
                tags=tuple(q.get("tags", ())),
                variables=frozenset(variables),
                line=q_line,
            )
        )
    if checker.problems:
        raise DreamqError(capped(checker.problems))
    return Bank(
        id=bank_id,
        category=data["category"],
        language=language,
        title=localized(data, "title", language),
        description=localized(data, "description", language, default=""),
        audience=tuple(data.get("audience", ())),
        source=data.get("source", ""),
        moderator_notes=localized(data, "moderator_notes", language, default=()),
        stance=localized(data, "stance", language, default=()),
        script=localized(data, "script", language, default=()),
        questions=tuple(questions),
        path=path,
        origin=origin,
    )


def _text_mark(q: YMap, lang: str, key: str) -> Mark:
    block = (q.get("translations") or {}).get(lang)
    if block is not None and key in block:
        return mark_of(block, key)
    return mark_of(q, key)


def _scan(text: str, where: str, lang: str, q: YMap, key: str, checker: Checker) -> frozenset[str]:
    try:
        return scan(text)
    except TemplateTextError as exc:
        mark = _text_mark(q, lang, key)
        line_offset = (exc.line or 1) - 1
        shown = Mark(mark.line + line_offset, mark.column) if mark else None
        checker.add(
            f"{where} ({lang}): {exc}",
            shown,
            hint="question texts may only use {{ variable }}; for literal braces write {{ '{{' }}",
        )
        return frozenset()


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
    )
