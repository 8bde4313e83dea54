"""Research-goal coverage: which questions of a session serve which goal.

A question serves a goal when it carries one of the goal's ``tags``, or when
its section lists the goal under ``goals:``.  The report names the goals no
question serves and the questions that serve no goal.  A study that maps no
goal at all (plain goals, no section ``goals:``) gets no report: there is
nothing to check.
"""

from __future__ import annotations

from typing import Any

from .planner import SessionPlan


def goal_coverage(plan: SessionPlan, language: str) -> dict[str, Any]:
    """Plain data: ``{"mapped", "goals": [{id, text, questions}], "uncovered",
    "unaligned"}`` (question lists hold ``bank/question`` ids)."""
    study = plan.study
    texts = list(study.pick(study.goals, language))
    mapped = any(g.tags for g in study.goal_keys) or any(s.goals for s in study.sections)
    serving: set[str] = set()
    rows = []
    for goal, text in zip(study.goal_keys, texts, strict=False):
        tags = set(goal.tags)
        refs = [
            q.ref
            for ps in plan.sections
            for q in ps.questions
            if goal.id in ps.section.goals or not tags.isdisjoint(q.tags)
        ]
        serving.update(refs)
        rows.append({"id": goal.id, "text": text, "questions": refs})
    return {
        "mapped": mapped,
        "goals": rows,
        "uncovered": [r["id"] for r in rows if not r["questions"]] if mapped else [],
        "unaligned": [q.ref for q in plan.questions if q.ref not in serving] if mapped else [],
    }
