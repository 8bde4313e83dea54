"""The whole job in one call: load → fill → plan → render (what ``dreamq generate`` runs)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import load_catalog
from .fill import unfillable
from .planner import SessionPlan, check_references, plan_session
from .render import guide_data


@dataclass(frozen=True)
class Guide:
    """A rendered guide with the plan and data it came from.

    ``content`` is text for md, html and json, bytes for pdf and docx;
    ``sheets`` maps each companion sheet asked for to its content.
    """

    content: str | bytes
    plan: SessionPlan
    data: Mapping[str, Any]
    fmt: str = "md"
    sheets: Mapping[str, str | bytes] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The guide as text (md, html and json only)."""
        if not isinstance(self.content, str):
            raise TypeError(f"a {self.fmt} guide is bytes; use .content")
        return self.content

    @property
    def warnings(self) -> tuple[str, ...]:
        """The plan's warnings and goals no question serves."""
        return tuple(self.data["warnings"])


def generate(
    study: str | None = None,
    *,
    domain: str | None = None,
    minutes: int | None = None,
    language: str | None = None,
    seed: int | None = None,
    bank_dirs: Sequence[str | Path] = (),
    template_dir: str | Path | None = None,
    fmt: str = "md",
    paper: str = "a4",
    sheets: Sequence[str] = (),
    date: _dt.date | None = None,
    environ: Mapping[str, str] | None = None,
) -> Guide:
    """Generate a moderator guide.

    ``study`` and ``domain`` are ids or file paths (the bundled default study,
    and the study's own domain, when omitted).  ``bank_dirs`` add team banks
    on top of ``DREAMQ_BANK_PATH`` (read from ``environ``, default
    ``os.environ``) and the bundled ones.  ``fmt`` is md, html, pdf, docx or
    json; ``sheets`` names companion sheets (observer, debrief) to render in
    the same format.  Raises
    :class:`~dreamq.errors.DreamqError` for any problem with the input.
    """
    from .errors import DreamqError
    from .publishing import check_options, render_document

    check_options(fmt, paper, sheets)
    catalog = load_catalog(bank_dirs, environ=environ, lazy=True)
    the_study = catalog.study(study)
    the_domain = catalog.domain_for(the_study, domain)
    language = the_domain.language(language or the_study.language)
    check_references(the_study, catalog.banks)
    problems = unfillable(the_study, catalog.banks, the_domain, language)
    if problems:
        raise DreamqError(problems)
    plan = plan_session(the_study, catalog.banks, minutes=minutes, seed=seed)
    data = guide_data(
        plan,
        catalog.banks,
        the_domain,
        language=language,
        date=date,
        overrides=catalog.overrides,
    )

    def render(sheet: str | None) -> str | bytes:
        return render_document(data, fmt=fmt, sheet=sheet, template_dir=template_dir, paper=paper)

    content = render(None)
    return Guide(
        content=content,
        plan=plan,
        data=data,
        fmt=fmt,
        sheets={sheet: render(sheet) for sheet in dict.fromkeys(sheets)},
    )
