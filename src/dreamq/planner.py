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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .banks import Bank, Question
from .errors import DreamqError, Problem, display_path, unknown_id_error
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
class SessionPlan:
    study: Study
    minutes: int
    seed: int
    sections: tuple[PlannedSection, ...]
    warnings: tuple[str, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


def scale_boxes(boxes: list[int], total: int) -> list[int]:
    """Scale time boxes proportionally so they sum to ``total`` (largest
    remainder rounding; every box keeps at least one minute)."""
    current = sum(boxes)
    if current == total or not boxes:
        return list(boxes)
    exact = [b * total / current for b in boxes]
    scaled = [max(1, int(x)) for x in exact]
    order = sorted(range(len(boxes)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(scaled) < total:
        scaled[order[i % len(order)]] += 1
        i += 1
    while sum(scaled) > total and any(s > 1 for s in scaled):
        j = max(range(len(scaled)), key=lambda k: scaled[k] - exact[k])
        scaled[j] -= 1
    return scaled


def plan_session(
    study: Study,
    banks: Mapping[str, Bank],
    *,
    minutes: int | None = None,
    seed: int | None = None,
) -> SessionPlan:
    """Fill ``study``'s sections with questions from ``banks``.

    ``minutes`` rescales the section boxes to a different session length;
    ``seed`` overrides the study's seed.  Problems that make a guide
    impossible (an unknown bank or question) raise
    :class:`~dreamq.errors.DreamqError`; a box that cannot be filled, or whose
    named and core questions overflow it, becomes a warning in the plan.
    """
    seed = study.seed if seed is None else seed
    total = study.minutes if minutes is None else minutes
    if total < 1:
        raise DreamqError(Problem(f"session length must be at least 1 minute, got {total}"))
    warnings: list[str] = []
    boxes = [s.minutes for s in study.sections]
    if minutes is None and sum(boxes) != study.minutes:
        warnings.append(
            f"the section time boxes add up to {sum(boxes)} minutes, "
            f"but the study is {study.minutes} minutes long"
        )
    boxes = scale_boxes(boxes, total) if minutes is not None else boxes
    if minutes is not None and total < len(study.sections):
        raise DreamqError(
            Problem(
                f"{total} minutes cannot hold {len(study.sections)} sections",
                hint="give at least one minute per section",
            )
        )
    check_references(study, banks)
    used: set[str] = set()
    planned: list[PlannedSection] = []
    clock = 0
    for section, box in zip(study.sections, boxes, strict=True):
        chosen = _fill(section, box, banks, used, random.Random(f"{seed}:{section.id}"), warnings)
        planned.append(
            PlannedSection(
                section=section,
                start=clock,
                minutes=box,
                questions=chosen,
                banks=tuple(banks[b] for b in section.banks),
            )
        )
        clock += box
    return SessionPlan(study, total, seed, tuple(planned), tuple(warnings))


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
    used: set[str],
    rng: random.Random,
    warnings: list[str],
) -> tuple[Question, ...]:
    named = []
    for ref in section.questions:
        bank_id, _, qid = ref.partition("/")
        q = banks[bank_id].question(qid)
        if q is not None and q.ref not in used:
            named.append(q)
    taken = used | {q.ref for q in named}
    pool = [q for b in section.banks for q in banks[b].questions if q.ref not in taken]
    core = [q for q in pool if q.priority == "core"]
    optional = [q for q in pool if q.priority != "core"]
    chosen: list[Question] = []
    spent = 0
    overflow: list[Question] = []
    for q in named + list(_shuffled(core, rng)):
        if spent + q.minutes <= box:
            chosen.append(q)
            spent += q.minutes
        else:
            overflow.append(q)
    if optional:
        shortest = min(q.minutes for q in optional)
        for q in _shuffled(optional, rng):
            if box - spent < shortest:
                break  # nothing more can fit: stop drawing
            if spent + q.minutes <= box:
                chosen.append(q)
                spent += q.minutes
    if overflow:
        refs = ", ".join(q.ref for q in overflow)
        warnings.append(
            f'section "{section.id}": {box}-minute box overflows; left out {refs} '
            f"({sum(q.minutes for q in overflow)} more minutes)"
        )
    if not chosen:
        warnings.append(f'section "{section.id}": no question fits its {box}-minute box')
    elif box - spent >= 5:
        warnings.append(
            f'section "{section.id}": {box - spent} of {box} minutes left unfilled '
            "(not enough questions fit; add questions or banks, or shorten the box)"
        )
    used.update(q.ref for q in chosen)
    named_order = {q.ref: i for i, q in enumerate(named)}
    bank_order = {bank_id: i for i, bank_id in enumerate(section.banks)}

    def flow(q: Question) -> tuple[int, int, int]:
        """Named questions first, then each bank's questions in the bank's order."""
        if q.ref in named_order:
            return (0, named_order[q.ref], 0)
        return (1, bank_order[q.bank_id], banks[q.bank_id].position(q.id))

    chosen.sort(key=flow)
    return tuple(chosen)


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
