"""Building banks, domains and studies from checked YAML data.

The second half of loading a file (the first is :mod:`dreamq._documents`):
the checks a schema cannot express -- unique ids, translations that match,
question texts that are valid templates -- and the model objects.  Kept apart
from the models so that reading them back from the cache imports no parser.
"""

from __future__ import annotations

from pathlib import Path

from ._documents import capped, check_translated_lists, localized, mark_of
from ._schema import Checker
from ._yamlload import Mark, YMap
from .banks import Bank, Question
from .domains import Domain
from .errors import DreamqError, did_you_mean
from .fill import TemplateTextError, scan
from .studies import Goal, Section, Study


def bank_from_data(data: YMap, path: Path, checker: Checker, origin: str) -> Bank:
    """Build a :class:`Bank` from data that fits the bank format, adding the
    checks a schema cannot express (unique ids, translations, templates)."""
    bank_id = data["id"]
    language = data.get("language", "en")
    check_translated_lists(data, ("moderator_notes", "stance", "script"), "bank", checker)
    bank_variables: set[str] = set()
    for key in ("moderator_notes", "stance", "script"):
        for lang, items in localized(data, key, language, default=()).items():
            for item in items:
                bank_variables |= _scan(item, f"bank {key}", lang, data, key, checker)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    events = data["questions"].events  # raw events: no Mark unless needed
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
        variables=frozenset(bank_variables),
        script_minutes=data.get("script_minutes", 0),
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


def domain_from_data(data: YMap, path: Path, checker: Checker, origin: str) -> Domain:
    values = data["values"]
    if not values:
        checker.add(
            "values is empty", mark_of(data, "values"), hint="add values.en: {product: ...}"
        )
    names_by_lang = {lang: set(block) for lang, block in values.items()}
    all_names = set().union(*names_by_lang.values()) if names_by_lang else set()
    for lang, names in names_by_lang.items():
        missing = sorted(all_names - names)
        if missing:
            checker.add(
                f"values.{lang} lacks {', '.join(missing)}, which other languages define",
                mark_of(values, lang),
                hint="every language needs the same variables; a typo in one would go unnoticed",
            )
    for lang, block in values.items():
        artifacts = block.get("artifacts")
        if artifacts is not None and not isinstance(artifacts, list):
            checker.add(
                f"values.{lang}.artifacts is text, but it is the list the {{{{ artifact }}}} "
                "variable takes its first item from",
                mark_of(block, "artifacts"),
                hint=f"write a list: artifacts: [{artifacts}]",
            )
    if checker.problems:
        raise DreamqError(capped(checker.problems))
    frozen = {
        lang: {k: tuple(v) if isinstance(v, list) else v for k, v in block.items()}
        for lang, block in values.items()
    }
    base = "en" if "en" in values else next(iter(values), "en")
    return Domain(
        id=data["id"],
        title=localized(data, "title", base),
        description=localized(data, "description", base, default=""),
        values=frozen,
        path=path,
        origin=origin,
    )


def _goal_keys(data: YMap, checker: Checker) -> tuple[Goal, ...]:
    """Each goal's id (its own, else g1, g2, ... by position) and tags."""
    keys: list[Goal] = []
    goals = data.get("goals") or []
    # a goal's own id must not take the g1, g2, ... of a goal written as text
    seen: set[str] = {f"g{i + 1}" for i, g in enumerate(goals) if isinstance(g, str)}
    marks = getattr(goals, "item_marks", [None] * len(goals))
    for i, (goal, mark) in enumerate(zip(goals, marks, strict=True)):
        if isinstance(goal, str):
            keys.append(Goal(f"g{i + 1}"))
            continue
        if goal["id"] in seen:
            checker.add(
                f'duplicate goal id "{goal["id"]}"',
                mark,
                hint="goal ids must be unique; goals written as text are g1, g2, ... by position",
            )
        seen.add(goal["id"])
        keys.append(Goal(goal["id"], tuple(goal.get("tags", ()))))
    return tuple(keys)


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
                goals=tuple(s.get("goals", ())),
                fixed=s.get("fixed", False),
            )
        )
    boxes = sum(section.minutes for section in sections)
    if boxes > data["minutes"]:
        checker.add(
            f"the section time boxes add up to {boxes} minutes, more than the study's "
            f"{data['minutes']}",
            mark_of(data, "minutes"),
            hint="shorten some sections' minutes, or lengthen the study",
        )
    named: dict[str, str] = {}
    for section in sections:
        for ref in section.questions:
            if ref in named:
                checker.add(
                    f'section "{section.id}" names question "{ref}", which section '
                    f'"{named[ref]}" already asks',
                    Mark(section.line, 1),
                    hint="a question is asked once per session; remove one of them",
                )
            named.setdefault(ref, section.id)
    goal_keys = _goal_keys(data, checker)
    known_goals = [g.id for g in goal_keys]
    for s in data["sections"]:
        for gid in s.get("goals", ()):
            if gid not in known_goals:
                checker.add(
                    f'section "{s["id"]}": unknown goal "{gid}".{did_you_mean(gid, known_goals)}',
                    mark_of(s, "goals"),
                    hint="goals are g1, g2, ... in order, or the id you give a goal: "
                    + (", ".join(known_goals) or "this study has no goals"),
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
        domain_line=mark_of(data, "domain").line if "domain" in data else None,
        minutes=data["minutes"],
        language=language,
        seed=data.get("seed", 0),
        goals=localized(
            {
                **data,
                "goals": [g if isinstance(g, str) else g["text"] for g in data.get("goals", ())],
            },
            "goals",
            language,
            default=(),
        ),
        goal_keys=goal_keys,
        filters={
            key: (list(value) if isinstance(value, list) else value)
            for key, value in (data.get("filters") or {}).items()
        },
        sections=tuple(sections),
        path=path,
        origin=origin,
    )
