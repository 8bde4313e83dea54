"""The overview of a multi-session plan: ``plan.md`` for people, ``plan.json``
for tools.  Both hold the order matrix (which section runs in which position
in each session), the counterbalancing check, each session's questions, how
often each question is asked across the study, and goal coverage."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .planner import StudyPlan
from .render import markdown_cell


def plan_summary(planned: StudyPlan, guides: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The plan as plain data (what plan.json holds)."""
    from .counterbalance import balance_report

    study = planned.study
    index = {sid: i for i, sid in enumerate(planned.movable)}
    rows = [
        [index[ps.section.id] for ps in plan.sections if ps.section.id in index]
        for plan in planned.sessions
    ]
    balance = balance_report(rows) if planned.movable else {"position": [], "follows": {}}
    asked = Counter(q.ref for plan in planned.sessions for q in plan.questions)
    first = guides[0]
    return {
        "study": first["study"],
        "title": first["title"],
        "domain": {k: first["domain"][k] for k in ("id", "title", "origin", "path")},
        "language": first["language"],
        "date": first["date"],
        "seed": first["seed"],
        "minutes": first["minutes"],
        "sessions": len(planned.sessions),
        "fixed": [s.id for s in study.sections if s.fixed],
        "movable": list(planned.movable),
        "design": {
            "name": "Williams balanced Latin square",
            "rows": len(planned.design),
            "complete_blocks": len(planned.sessions) // len(planned.design),
            "balanced": len(planned.sessions) % len(planned.design) == 0,
        },
        "orders": [[ps.section.id for ps in plan.sections] for plan in planned.sessions],
        "balance": {
            "position": {sid: balance["position"][i] for sid, i in index.items()},
            "follows": {
                f"{planned.movable[int(a)]}>{planned.movable[int(b)]}": n
                for key, n in balance["follows"].items()
                for a, b in [key.split(">")]
            },
        },
        "session_plans": [
            {
                "session": plan.session,
                "questions": {ps.section.id: [q.ref for q in ps.questions] for ps in plan.sections},
                "uncovered_goals": data["coverage"]["uncovered"],
                "unaligned_questions": data["coverage"]["unaligned"],
                "warnings": data["warnings"],
            }
            for plan, data in zip(planned.sessions, guides, strict=True)
        ],
        "times_asked": dict(sorted(asked.items())),
    }


def plan_json(planned: StudyPlan, guides: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps(plan_summary(planned, guides), ensure_ascii=False, indent=2) + "\n"


def plan_markdown(planned: StudyPlan, guides: Sequence[Mapping[str, Any]]) -> str:
    data = plan_summary(planned, guides)
    titles = {s["id"]: markdown_cell(s["title"]) for guide in guides[:1] for s in guide["sections"]}
    n = data["sessions"]
    lines = [
        f"# {data['title']}: plan for {n} session{'s' if n != 1 else ''}",
        "",
        f"Domain {data['domain']['title']} (`{data['domain']['id']}`) · "
        f"{data['minutes']} minutes · {data['language']} · seed {data['seed']} · {data['date']}",
        "",
        "## Section order",
        "",
        "Fixed in place: " + (", ".join(f"`{s}`" for s in data["fixed"]) or "none") + ".",
        "",
    ]
    design = data["design"]
    if len(data["movable"]) == 1:
        lines += [
            f"The only other section, `{data['movable'][0]}`, has no other section to "
            "trade places with, so every session runs the sections in the same order.",
            "",
        ]
    elif data["movable"]:
        lines += [
            f"The other {len(data['movable'])} sections are counterbalanced with a "
            f"{design['name']} of {design['rows']} rows: session *s* uses row *s* mod "
            f"{design['rows']}. "
            + (
                f"{n} sessions are {design['complete_blocks']} complete block(s), so each "
                "section appears in each position, and after each other section, equally often."
                if design["balanced"]
                else f"{n} sessions are not a multiple of {design['rows']}: the balance is "
                f"exact over the first {design['complete_blocks'] * design['rows']} sessions only."
            ),
            "",
        ]
    width = max(len(order) for order in data["orders"])
    lines.append("| Session | " + " | ".join(str(i + 1) for i in range(width)) + " |")
    lines.append("|---:|" + "---|" * width)
    for number, order in enumerate(data["orders"], 1):
        lines.append(f"| {number} | " + " | ".join(titles.get(s, s) for s in order) + " |")
    if len(data["movable"]) > 1:
        lines += ["", "Times in each position (movable sections):", ""]
        positions = len(data["movable"])
        lines.append("| Section | " + " | ".join(str(i + 1) for i in range(positions)) + " |")
        lines.append("|---|" + "---:|" * positions)
        for sid, counts in data["balance"]["position"].items():
            lines.append(f"| {titles.get(sid, sid)} | " + " | ".join(map(str, counts)) + " |")
    lines += ["", "## Questions per session", ""]
    for session in data["session_plans"]:
        refs = [ref for refs in session["questions"].values() for ref in refs]
        lines.append(
            f"- **Session {session['session']}** ({len(refs)}): "
            + ", ".join(f"`{r}`" for r in refs)
        )
    lines += ["", "## How often each question is asked", ""]
    for ref, times in data["times_asked"].items():
        lines.append(f"- `{ref}`: {times} of {n}")
    lines += ["", "## Goal coverage", ""]
    coverage = guides[0]["coverage"]
    if not coverage["mapped"]:
        lines.append(
            "The study maps no question to its goals (see `goals:` in docs/bank-format.md)."
        )
    else:
        for goal in coverage["goals"]:
            served = sum(1 for s in data["session_plans"] if goal["id"] not in s["uncovered_goals"])
            lines.append(f"- **{goal['id']}** {goal['text']} — served in {served} of {n} sessions")
        unaligned = sorted({r for s in data["session_plans"] for r in s["unaligned_questions"]})
        lines += [
            "",
            "Questions that serve no goal: "
            + (", ".join(f"`{r}`" for r in unaligned) or "none")
            + ".",
        ]
    warnings = [
        f"- session {s['session']}: {w}" for s in data["session_plans"] for w in s["warnings"]
    ]
    if warnings:
        lines += ["", "## Planning notes", "", *warnings]
    lines += [
        "",
        "Regenerate these guides exactly: run `dreamq plan --lock dreamq.lock -o DIR` in "
        "this folder, or give the lock's path from the folder the plan was made in.",
        "",
    ]
    return "\n".join(lines)
