"""Companion sheets: what note-takers and the debrief fill in beside the guide.

A sheet carries the same question ids (``bank/question``) and numbers as the
guide it was generated with, so that notes line up with questions afterwards.
Its fields are defined here once, as label keys (see templates/labels.yaml);
every output format (Markdown, HTML, PDF, Word, JSON) renders the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The sheets ``dreamq generate --sheets`` can write, and their fields:
#: ``fields`` open the sheet (once per session), ``question_fields`` repeat
#: under every question, ``closing_fields`` end it.  Each name is a label key.
SHEETS: dict[str, dict[str, tuple[str, ...]]] = {
    "observer": {
        "fields": ("field_observer", "field_participants", "field_session"),
        "question_fields": ("field_said", "field_did", "field_follow_up"),
        "closing_fields": ("field_revisit",),
    },
    "debrief": {
        "fields": ("field_surprises", "field_quotes"),
        "question_fields": ("field_ideas",),
        "closing_fields": ("field_follow_ups", "field_who_else"),
    },
}


def sheet_names() -> tuple[str, ...]:
    return tuple(SHEETS)


def sheet_data(kind: str, labels: Mapping[str, str]) -> dict[str, Any]:
    """The ``sheet`` a sheet template sees: its kind, title and fields, each
    field as ``{"id": ..., "label": ...}`` in the guide's language."""
    spec = SHEETS[kind]

    def fields(names: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": name.removeprefix("field_"), "label": labels[name]} for name in names]

    return {
        "kind": kind,
        "title": labels[f"sheet_{kind}"],
        "fields": fields(spec["fields"]),
        "question_fields": fields(spec["question_fields"]),
        "closing_fields": fields(spec["closing_fields"]),
    }
