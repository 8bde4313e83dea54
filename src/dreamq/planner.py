"""Planning a session: which questions go in which section, and when.

Each section has a time box.  The planner fills it in this order: the
section's named questions (``questions:``), then core questions of its banks,
then optional ones, skipping any question already used and any that would
overflow the box.  Among questions of the same priority the order is shuffled
by the seed, so the same seed always gives the same guide and another seed may
choose other optional questions.  The chosen questions are then shown in bank
order, which is the order a bank author meant them to flow in.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .banks import Bank, Question
from .errors import DreamqError, Problem, did_you_mean, display_path, unknown_id_error
from .studies import Section, Study


@dataclass(frozen=True)
class PlannedSection:
    section: Section
    start: int
    minutes: int
    questions: tuple[Question, ...]
    banks: tuple[Bank, ...]

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def used_minutes(self) -> int:
        return sum(q.minutes for q in self.questions)


@dataclass(frozen=True)
class Filters:
    """Which questions a plan may use.

    ``tags``: only questions with at least one of these tags (named and
    must-include questions are always kept); ``exclude_tags``: never
    questions with any of these; ``audience``: only banks whose ``audience``
    is empty or names it; ``include``: must-include ``bank/question`` ids,
    placed in the section that draws from their bank; ``exclude``: ids never
    asked.  ``language``: only questions with text in it (the guide's
    language, set by :func:`dreamq.generate`; not recorded in lock files,
    which record the language on their own).
    """

    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    audience: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    language: str | None = None

    def allows(self, q: Question, bank: Bank) -> bool:
        if q.ref in self.exclude:
            return False
        if self.language is not None and self.language not in q.text:
            return False
        if self.audience is not None and bank.audience and self.audience not in bank.audience:
            return False
        if self.exclude_tags and not set(self.exclude_tags).isdisjoint(q.tags):
            return False
        return not self.tags or not set(self.tags).isdisjoint(q.tags)

    def with_study(self, study: Study) -> Filters:
        """These filters on top of the study's own ``filters:``: lists are
        joined, and an audience given here replaces the study's."""
        own = study.filters
        if not own:
            return self

        def joined(key: str, mine: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys([*own.get(key, ()), *mine]))

        return Filters(
            tags=joined("tags", self.tags),
            exclude_tags=joined("exclude_tags", self.exclude_tags),
            audience=self.audience if self.audience is not None else own.get("audience"),
            include=joined("include", self.include),
            exclude=joined("exclude", self.exclude),
            language=self.language,
        )

    def as_plain(self) -> dict[str, Any]:
        return {
            "tags": list(self.tags),
            "exclude_tags": list(self.exclude_tags),
            "audience": self.audience,
            "include": list(self.include),
            "exclude": list(self.exclude),
        }


NO_FILTERS = Filters()


@dataclass(frozen=True)
class SessionPlan:
    study: Study
    minutes: int
    seed: int
    sections: tuple[PlannedSection, ...]
    warnings: tuple[str, ...]
    #: Optional questions the full-length session has and ``--minutes`` cut.
    cut: tuple[str, ...] = ()
    filters: Filters = NO_FILTERS
    #: The session's number in a multi-session plan (1-based), else None.
    session: int | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


def scale_boxes(boxes: list[int], total: int, floors: list[int] | None = None) -> list[int]:
    """Scale time boxes so they sum to ``total``, keeping each at least its
    floor (the minutes its script and core questions need): the floors are
    given first and the rest is shared in proportion to what each box had
    above its floor (largest-remainder rounding)."""
    floors = floors if floors is not None else [1] * len(boxes)
    floors = [min(f, b) for f, b in zip(floors, boxes, strict=True)]
    spare = total - sum(floors)
    if spare < 0 or not boxes:
        return list(floors)
    room = [b - f for b, f in zip(boxes, floors, strict=True)]
    weights = [float(r) for r in room] if sum(room) else [float(b) for b in boxes]
    exact = [w * spare / sum(weights) for w in weights]
    scaled = [f + int(x) for f, x in zip(floors, exact, strict=True)]
    order = sorted(range(len(boxes)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in range(spare - sum(int(x) for x in exact)):
        scaled[order[i % len(order)]] += 1
    return scaled


def _floor(
    section: Section,
    box: int,
    banks: Mapping[str, Bank],
    filters: Filters = NO_FILTERS,
    must: Sequence[Question] = (),
) -> int:
    """Minutes a section cannot lose: its scripts, named, must-include and
    core questions (those the filters leave)."""
    needed = sum(banks[b].script_minutes for b in section.banks)
    refs = set(section.questions) | {q.ref for q in must}
    for ref in section.questions:
        bank_id, _, qid = ref.partition("/")
        q = banks[bank_id].question(qid)
        needed += q.minutes if q is not None and q.ref not in filters.exclude else 0
    needed += sum(q.minutes for q in must if q.ref not in section.questions)
    for b in section.banks:
        needed += sum(
            q.minutes
            for q in banks[b].questions
            if q.priority == "core" and q.ref not in refs and filters.allows(q, banks[b])
        )
    return max(1, min(needed, box))


def plan_session(
    study: Study,
    banks: Mapping[str, Bank],
    *,
    minutes: int | None = None,
    seed: int | None = None,
    filters: Filters = NO_FILTERS,
    order: Sequence[int] | None = None,
    asked: Mapping[str, int] | None = None,
    chosen: Mapping[str, Sequence[str]] | None = None,
    session: int | None = None,
    pools: dict[Any, Any] | None = None,
) -> SessionPlan:
    """Fill ``study``'s sections with questions from ``banks``.

    ``minutes`` rescales the section boxes to another session length without
    cutting any section below its scripts and core questions; ``seed``
    overrides the study's seed.  Problems that make a guide impossible (an
    unknown bank or question, a length that cannot hold the core questions, a
    guide with no question at all) raise :class:`~dreamq.errors.DreamqError`;
    time boxes adding up to more than the session, named, must-include and
    core questions overflowing their box) raise
    :class:`~dreamq.errors.DreamqError`; a box that cannot be filled becomes a
    warning in the plan.

    For multi-session plans (:func:`plan_study`): ``order`` gives the
    sections' order (indices into ``study.sections``), ``asked`` how often
    each question was asked in earlier sessions (optional questions asked
    least are preferred, so alternatives rotate), and ``chosen`` the exact
    questions of each section (from a lock file), replacing the planner's
    choice; ``pools``, one dict shared by all sessions of a plan, keeps work
    that does not change between them (section pools, filter checks).
    """
    seed = study.seed if seed is None else seed
    total = study.minutes if minutes is None else minutes
    if total < 1:
        raise DreamqError(Problem(f"session length must be at least 1 minute, got {total}"))
    check_references(study, banks)
    filters = filters.with_study(study)
    # A study plan's sessions share pools (and these checks, made once per plan).
    shared = pools if pools is not None else {}
    if ("checked", filters) not in shared:
        check_filters(study, banks, filters)
        shared["checked", filters] = untranslated(study, banks, filters)
    warnings: list[str] = []
    boxes = [s.minutes for s in study.sections]
    if minutes is None and sum(boxes) > study.minutes:
        raise DreamqError(
            Problem(
                f"the section time boxes add up to {sum(boxes)} minutes, "
                f"more than the study's {study.minutes}",
                display_path(study.path),
                hint="shorten some sections' minutes, or lengthen the study",
            )
        )
    if minutes is None and sum(boxes) < study.minutes:
        warnings.append(
            f"{display_path(study.path)}: the section time boxes add up to {sum(boxes)} "
            f"minutes, but the study is {study.minutes} minutes long (lengthen a section, "
            "or shorten the study's minutes)"
        )
    left_out = shared["checked", filters]
    if left_out:
        shown = ", ".join(left_out[:5]) + (
            f" and {len(left_out) - 5} more" if len(left_out) > 5 else ""
        )
        warnings.append(
            f"{len(left_out)} optional question(s) have no {filters.language} text and "
            f"are left out: {shown}"
        )
    must = _must_include(study, banks, filters)
    if minutes is not None and minutes != sum(boxes):
        floors = [
            _floor(s, box, banks, filters, must.get(s.id, ()))
            for s, box in zip(study.sections, boxes, strict=True)
        ]
        if total < sum(floors):
            raise DreamqError(
                Problem(
                    f"{total} minutes cannot hold this study's scripts and core questions, "
                    f"which need {sum(floors)} minutes",
                    display_path(study.path),
                    hint=f"use --minutes {sum(floors)} or more, or mark questions optional",
                )
            )
        boxes = scale_boxes(boxes, total, floors)
    used: dict[str, str] = {}
    planned: list[PlannedSection] = []
    clock = 0
    indices = list(order) if order is not None else list(range(len(study.sections)))
    for index in indices:
        section, box = study.sections[index], boxes[index]
        if chosen is not None:
            questions = _recorded(section, chosen.get(section.id, ()), banks, study)
        else:
            pool = pools.get(section.id) if pools is not None else None
            if pool is None:
                pool = _Pool(section, banks, filters, random.Random(f"{seed}:{section.id}"))
                if pools is not None:
                    pools[section.id] = pool
            rng = random.Random(f"{seed}:{section.id}")
            questions = _fill(
                section,
                box,
                banks,
                used,
                rng,
                warnings,
                filters,
                must.get(section.id, []),
                asked,
                display_path(study.path),
                pool,
            )
        for q in questions:
            used[q.ref] = section.id
        planned.append(
            PlannedSection(
                section=section,
                start=clock,
                minutes=box,
                questions=questions,
                banks=tuple(banks[b] for b in section.banks),
            )
        )
        clock += box
    if not any(p.questions for p in planned):
        raise DreamqError(
            Problem(
                f"no question fits in this {total}-minute session",
                display_path(study.path),
                hint="lengthen the session or its sections, or add shorter questions",
            )
        )
    cut: tuple[str, ...] = ()
    if minutes is not None and minutes < sum(s.minutes for s in study.sections) and chosen is None:
        full = plan_session(
            study, banks, seed=seed, filters=filters, order=order, asked=asked, session=session
        )
        kept = {q.ref for p in planned for q in p.questions}
        cut = tuple(q.ref for q in full.questions if q.ref not in kept)
        if cut:
            warnings.append(
                f"{total} minutes instead of {full.minutes}: cut {len(cut)} optional "
                f"question(s): {', '.join(cut)}"
            )
    return SessionPlan(study, total, seed, tuple(planned), tuple(warnings), cut, filters, session)


def check_filters(study: Study, banks: Mapping[str, Bank], filters: Filters) -> None:
    """Must-include and excluded ids must exist; a must-include id needs a
    section drawing from its bank."""
    problems: list[Problem] = []
    for what, refs in (("must-include", filters.include), ("excluded", filters.exclude)):
        for ref in refs:
            bank_id, _, qid = ref.partition("/")
            bank = banks.get(bank_id)
            if bank is None or bank.question(qid) is None:
                known = [q.ref for q in bank.questions] if bank else list(banks)
                err = unknown_id_error(
                    "question" if bank else "bank", ref if bank else bank_id, known, ""
                )
                problems.append(
                    Problem(
                        f"{what} question {ref!r}: {err.problems[0].message}",
                        hint="ids are bank/question; see `dreamq banks show BANK`",
                    )
                )
    if problems:
        raise DreamqError(problems)
    drawn = [banks[b] for b in _drawn(study)]
    tags: list[str] = []
    if filters.tags or filters.exclude_tags:
        tags = sorted({t for bank in drawn for q in bank.questions for t in q.tags})
    for what, wanted in (("tag", filters.tags), ("excluded tag", filters.exclude_tags)):
        for tag in wanted:
            if tag not in tags:
                problems.append(
                    Problem(
                        f'{what} "{tag}": no question this study draws from has that tag.'
                        f"{did_you_mean(tag, tags)}",
                        display_path(study.path),
                        hint=f"tags in use: {', '.join(tags) or 'none'}",
                    )
                )
    audiences = sorted({a for bank in drawn for a in bank.audience})
    if filters.audience is not None and filters.audience not in audiences:
        problems.append(
            Problem(
                f'audience "{filters.audience}": no bank this study draws from names that '
                f"audience.{did_you_mean(filters.audience, audiences)}",
                display_path(study.path),
                hint=f"audiences in use: {', '.join(audiences) or 'none'}",
            )
        )
    problems += _untranslated_required(study, banks, filters)
    if problems:
        raise DreamqError(problems)


def _untranslated_required(
    study: Study, banks: Mapping[str, Bank], filters: Filters
) -> list[Problem]:
    """Named, must-include and core questions a guide in ``filters.language``
    would need but that have no text in it: an error whatever the seed."""
    language = filters.language
    if language is None:
        return []
    others = replace(filters, language=None)  # would the other filters keep it?
    required: dict[str, tuple[Question, Bank]] = {}
    named = [ref for section in study.sections for ref in section.questions]
    for ref in (*named, *filters.include):
        bank_id, _, qid = ref.partition("/")
        q = banks[bank_id].question(qid)
        if q is not None:
            required.setdefault(q.ref, (q, banks[bank_id]))
    for bank_id in _drawn(study):  # each bank once, however many sections draw from it
        bank = banks[bank_id]
        for q in bank.questions:
            if language not in q.text and q.priority == "core" and others.allows(q, bank):
                required.setdefault(q.ref, (q, bank))
    return [
        Problem(
            f'question "{ref}" ({"core" if q.priority == "core" else "named or must-include"}) '
            f"has no {language} text",
            display_path(bank.path),
            q.line,
            hint=f"add translations.{language} to it, or generate with another --lang",
        )
        for ref, (q, bank) in required.items()
        if language not in q.text
    ]


def untranslated(study: Study, banks: Mapping[str, Bank], filters: Filters) -> list[str]:
    """Optional questions the study draws from that have no text in
    ``filters.language`` and are therefore left out (``bank/question`` ids)."""
    language = filters.language
    if language is None:
        return []
    return [
        q.ref
        for bank_id in _drawn(study)
        for q in banks[bank_id].questions
        if language not in q.text and q.priority != "core"
    ]


def _drawn(study: Study) -> list[str]:
    """The ids of the banks the study's sections draw from, each once, in order."""
    return list(dict.fromkeys(b for s in study.sections for b in s.banks))


def _must_include(
    study: Study, banks: Mapping[str, Bank], filters: Filters
) -> dict[str, list[Question]]:
    """Must-include questions by the section that will ask them."""
    placed: dict[str, list[Question]] = {}
    named = {ref for s in study.sections for ref in s.questions}
    for ref in filters.include:
        if ref in named:
            continue  # the study already asks it by name
        bank_id, _, qid = ref.partition("/")
        section = next((s for s in study.sections if bank_id in s.banks), None)
        if section is None:
            raise DreamqError(
                Problem(
                    f"must-include question {ref!r}: no section of the study draws from "
                    f'bank "{bank_id}"',
                    display_path(study.path),
                    hint=f"add {bank_id} to a section's banks, or name {ref} in its questions",
                )
            )
        question = banks[bank_id].question(qid)
        assert question is not None
        placed.setdefault(section.id, []).append(question)
    return placed


def _recorded(
    section: Section, refs: Sequence[str], banks: Mapping[str, Bank], study: Study
) -> tuple[Question, ...]:
    """The questions a lock file recorded for ``section``."""
    out = []
    for ref in refs:
        bank_id, _, qid = ref.partition("/")
        bank = banks.get(bank_id)
        q = bank.question(qid) if bank is not None else None
        if q is None:
            raise DreamqError(
                Problem(
                    f'the lock records question "{ref}" in section "{section.id}", '
                    "which no longer exists",
                    display_path(study.path),
                    hint="restore the question in its bank, or plan afresh without --lock",
                )
            )
        out.append(q)
    return tuple(out)


def check_references(study: Study, banks: Mapping[str, Bank]) -> None:
    """Raise :class:`~dreamq.errors.DreamqError` naming every bank or question
    the study refers to that does not exist."""
    problems: list[Problem] = []
    where = display_path(study.path)
    for section in study.sections:
        for bank_id in section.banks:
            if bank_id not in banks:
                err = unknown_id_error("bank", bank_id, banks, "see `dreamq banks list`")
                problems.append(
                    Problem(
                        f'section "{section.id}": {err.problems[0].message}',
                        where,
                        section.line,
                        hint="fix the bank id, or add the bank with --bank-dir",
                    )
                )
        for ref in section.questions:
            bank_id, _, qid = ref.partition("/")
            bank = banks.get(bank_id)
            if bank is None or bank.question(qid) is None:
                known = [q.ref for q in bank.questions] if bank else [b for b in banks]
                err = unknown_id_error(
                    "question" if bank else "bank", ref if bank else bank_id, known, ""
                )
                problems.append(
                    Problem(
                        f'section "{section.id}": {err.problems[0].message}',
                        where,
                        section.line,
                        hint="see `dreamq banks show BANK`",
                    )
                )
    if problems:
        raise DreamqError(problems)


def _fill(
    section: Section,
    box: int,
    banks: Mapping[str, Bank],
    used: dict[str, str],
    rng: random.Random,
    warnings: list[str],
    filters: Filters = NO_FILTERS,
    must: Sequence[Question] = (),
    asked: Mapping[str, int] | None = None,
    path: str | None = None,
    pool: _Pool | None = None,
) -> tuple[Question, ...]:
    """Named and must-include questions, then core questions in bank order,
    then optional questions drawn at random (least asked in earlier sessions
    first) while they fit; ``used`` maps each question asked so far to its
    section."""
    where = f'section "{section.id}"'
    reserved = sum(banks[b].script_minutes for b in section.banks)
    room = box - reserved
    named = []
    for ref in section.questions:
        bank_id, _, qid = ref.partition("/")
        q = banks[bank_id].question(qid)
        if q is not None and q.ref not in used and q.ref not in filters.exclude:
            named.append(q)
    named += [q for q in must if q.ref not in used]
    taken = used.keys() | {q.ref for q in named}
    if pool is None:
        pool = _Pool(section, banks, filters, rng)
    core = [q for q in pool.core if q.ref not in taken]
    chosen: list[Question] = []
    spent = 0
    overflow: list[Question] = []
    for q in named + core:
        if spent + q.minutes <= room:
            chosen.append(q)
            spent += q.minutes
        else:
            overflow.append(q)
    if overflow:
        refs = ", ".join(q.ref for q in overflow[:10])
        if len(overflow) > 10:
            refs += f" and {len(overflow) - 10} more"
        need = sum(q.minutes for q in named + core)
        raise DreamqError(
            Problem(
                f"{where}: its named and core questions need {need} minutes, but its "
                f"{box}-minute box has {room}"
                + (f" after {reserved} minute(s) of script" if reserved else "")
                + f" (left out: {refs})",
                path,
                section.line,
                hint="lengthen the section, mark some questions optional, or exclude some",
            )
        )
    if pool.optional:
        # Least asked in earlier sessions first, in the seed's shuffled order
        # within each count: one pass per count, stopping once nothing fits.
        shortest = pool.shortest
        counts = asked or {}
        for level in range(max(counts.values(), default=0) + 1):
            if room - spent < shortest:
                break
            for q in pool.shuffled():
                if room - spent < shortest:
                    break  # nothing more can fit: stop drawing
                if (
                    counts.get(q.ref, 0) == level
                    and q.ref not in taken
                    and spent + q.minutes <= room
                ):
                    chosen.append(q)
                    taken.add(q.ref)
                    spent += q.minutes
    script = f" after {reserved} minute(s) of script" if reserved else ""
    if not chosen and pool.candidates and all(q.ref in taken for q in pool.candidates):
        earlier = sorted({used[q.ref] for q in pool.candidates if q.ref in used})
        warnings.append(
            f"{where}: every question of its banks is already asked in section(s) "
            f"{', '.join(earlier)}"
        )
    elif not chosen:
        warnings.append(f"{where}: no question fits its {box}-minute box{script}")
    elif room - spent >= 5:
        warnings.append(
            f"{where}: {room - spent} of {box} minutes left unfilled "
            "(not enough questions fit; add questions or banks, or shorten the box)"
        )
    named_order = {q.ref: i for i, q in enumerate(named)}
    bank_order = {bank_id: i for i, bank_id in enumerate(section.banks)}

    def flow(q: Question) -> tuple[int, int, int]:
        """Named questions first, then each bank's questions in the bank's order."""
        if q.ref in named_order:
            return (0, named_order[q.ref], 0)
        return (1, bank_order[q.bank_id], banks[q.bank_id].position(q.id))

    chosen.sort(key=flow)
    return tuple(chosen)


class _Pool:
    """A section's questions under the filters, split by priority once per
    plan, with the seed's shuffle of the optional ones drawn lazily and kept
    for the next session (a study plan fills the same section many times)."""

    def __init__(
        self, section: Section, banks: Mapping[str, Bank], filters: Filters, rng: random.Random
    ):
        if filters == NO_FILTERS:
            self.candidates = [q for b in section.banks for q in banks[b].questions]
        else:
            self.candidates = [
                q for b in section.banks for q in banks[b].questions if filters.allows(q, banks[b])
            ]
        self.core = [q for q in self.candidates if q.priority == "core"]
        self.optional = [q for q in self.candidates if q.priority != "core"]
        self.shortest = min((q.minutes for q in self.optional), default=0)
        self._order: list[Question] = []
        self._draw = _shuffled(self.optional, rng)

    def shuffled(self) -> Iterator[Question]:
        i = 0
        while True:
            if i == len(self._order):
                q = next(self._draw, None)
                if q is None:
                    return
                self._order.append(q)
            yield self._order[i]
            i += 1


def _shuffled(items: list[Question], rng: random.Random) -> Iterator[Question]:
    """The items in a random order drawn one at a time (Fisher-Yates), so a
    section that fills after a few draws costs a few draws, not a full shuffle."""
    items = list(items)
    n = len(items)
    randbelow = rng.random
    for i in range(n):
        j = i + int(randbelow() * (n - i))
        items[i], items[j] = items[j], items[i]
        yield items[i]


#: Most sessions one plan may hold (each is a guide in memory and on disk).
MAX_SESSIONS = 1000


@dataclass(frozen=True)
class StudyPlan:
    """Every session of a study: its section order and its questions.

    ``design`` is the Williams design the movable sections' orders come
    from (its rows; session ``s`` uses row ``s % len(design)``)."""

    study: Study
    sessions: tuple[SessionPlan, ...]
    design: tuple[tuple[int, ...], ...]
    movable: tuple[str, ...]


def plan_study(
    study: Study,
    banks: Mapping[str, Bank],
    *,
    sessions: int,
    minutes: int | None = None,
    seed: int | None = None,
    filters: Filters = NO_FILTERS,
    chosen: Sequence[Mapping[str, Sequence[str]]] | None = None,
    orders: Sequence[Sequence[int]] | None = None,
) -> StudyPlan:
    """Plan ``sessions`` sessions of ``study``.

    Sections marked ``fixed`` keep their place; the others are ordered by a
    balanced Latin square (:mod:`dreamq.counterbalance`), so that across the
    study each appears in each position, and after each other section,
    equally often.  Optional questions rotate: each session prefers those
    asked least so far.  ``chosen`` and ``orders`` (from a lock file) give
    each session's questions by section and its section order (indices into
    ``study.sections``) instead.
    """
    from collections import Counter

    from .counterbalance import place, session_orders, williams

    if not 1 <= sessions <= MAX_SESSIONS:
        raise DreamqError(
            Problem(
                f"a plan needs 1 to {MAX_SESSIONS} sessions, got {sessions}",
                hint="use --sessions 1 or more; a study is usually 4 to 12 sessions",
            )
        )
    for recorded in (chosen, orders):
        if recorded is not None and len(recorded) != sessions:
            raise DreamqError(
                Problem(f"the lock records {len(recorded)} session(s), not {sessions}")
            )
    fixed = [s.fixed for s in study.sections]
    movable = tuple(s.id for s in study.sections if not s.fixed)
    asked: Counter[str] = Counter()
    # each section's questions, split and shuffled once; the filter checks, made once
    pools: dict[Any, Any] = {}
    plans = []
    for i, row in enumerate(session_orders(len(movable), sessions)):
        plan = plan_session(
            study,
            banks,
            minutes=minutes,
            seed=seed,
            filters=filters,
            order=orders[i] if orders is not None else place(row, fixed),
            asked=asked,
            chosen=chosen[i] if chosen is not None else None,
            session=i + 1,
            pools=pools,
        )
        asked.update(q.ref for q in plan.questions)
        plans.append(plan)
    design = tuple(tuple(r) for r in williams(len(movable))) if movable else ((),)
    return StudyPlan(study, tuple(plans), design, movable)
