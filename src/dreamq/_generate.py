"""The whole job in one call: load → fill → plan → render (what ``dreamq generate`` runs)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import load_catalog
from .fill import unfillable
from .planner import SessionPlan, check_references, plan_session
from .render import guide_data, render_guide


@dataclass(frozen=True)
class Guide:
    """A rendered guide with the plan and data it came from."""

    text: str
    plan: SessionPlan
    data: Mapping[str, Any]

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.plan.warnings


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
    date: _dt.date | None = None,
    environ: Mapping[str, str] | None = None,
) -> Guide:
    """Generate a moderator guide.

    ``study`` and ``domain`` are ids or file paths (the bundled default study,
    and the study's own domain, when omitted).  ``bank_dirs`` add team banks
    on top of ``DREAMQ_BANK_PATH`` (read from ``environ``, default
    ``os.environ``) and the bundled ones.  Raises
    :class:`~dreamq.errors.DreamqError` for any problem with the input.
    """
    from .errors import DreamqError

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
    text = render_guide(data, fmt=fmt, template_dir=template_dir)
    return Guide(text=text, plan=plan, data=data)
