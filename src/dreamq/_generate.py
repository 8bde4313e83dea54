"""The whole job in one call: load → fill → plan → render (what ``dreamq generate`` runs)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .catalog import load_catalog
from .errors import DreamqError, Problem, display_path
from .fill import unfillable
from .lock import Lock
from .planner import NO_FILTERS, Filters, SessionPlan, StudyPlan, check_references, plan_session
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
    #: The lock file's text, when asked for (``lock_out``).
    lock: str | None = None
    #: What changed since the lock file being replayed was written.
    changes: tuple[str, ...] = ()

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
    filters: Filters = NO_FILTERS,
    lock: str | Path | None = None,
    lock_out: bool = False,
) -> Guide:
    """Generate a moderator guide.

    ``study`` and ``domain`` are ids or file paths (the bundled default study,
    and the study's own domain, when omitted).  ``bank_dirs`` add team banks
    on top of ``DREAMQ_BANK_PATH`` (read from ``environ``, default
    ``os.environ``) and the bundled ones.  ``fmt`` is md, html, pdf, docx or
    json; ``sheets`` names companion sheets (observer, debrief) to render in
    the same format.  ``lock`` replays a lock file (its study, domain,
    options and questions; what changed since is in ``Guide.changes``);
    ``lock_out`` puts a lock for this guide in ``Guide.lock``.  Raises
    :class:`~dreamq.errors.DreamqError` for any problem with the input.
    """
    from .publishing import check_options

    check_options(fmt, paper, sheets)
    job = _Job.start(study, domain, language, bank_dirs, environ, lock)
    if job.lock is not None:
        locked = job.lock
        minutes, seed, date = locked.data["minutes"], locked.data["seed"], job.locked_date()
        filters = locked.filters
        if len(locked.sessions) != 1:
            raise DreamqError(
                Problem(
                    f"this lock holds {len(locked.sessions)} sessions; `dreamq plan --lock` "
                    "prints them all",
                    display_path(locked.path),
                )
            )
    plan = job.plan_one(minutes=minutes, seed=seed, filters=filters, index=0)
    data = job.data(plan, date)
    rendered = job.render(data, fmt, sheets, template_dir, paper)
    return Guide(
        content=rendered[None],
        plan=plan,
        data=data,
        fmt=fmt,
        sheets={k: v for k, v in rendered.items() if k is not None},
        lock=job.lock_text([plan], [data], minutes) if lock_out else None,
        changes=tuple(job.changes),
    )


@dataclass(frozen=True)
class PlannedStudy:
    """The files of a multi-session plan, by name, and what they came from."""

    files: Mapping[str, str | bytes]
    plan: StudyPlan
    guides: tuple[Mapping[str, Any], ...]
    changes: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        out: list[str] = []
        for number, data in enumerate(self.guides, 1):
            out += [f"session {number}: {w}" for w in data["warnings"]]
        return tuple(out)


def generate_plan(
    study: str | None = None,
    *,
    sessions: int,
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
    filters: Filters = NO_FILTERS,
    lock: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PlannedStudy:
    """Plan every session of a study: one guide per session
    (``session-01.md``, ...), ``plan.md`` and ``plan.json`` with the order
    matrix and coverage, and ``dreamq.lock``.  ``lock`` replays a lock file
    (``sessions`` is then the lock's).

    ``progress(done, total)`` is called once before the first session is
    rendered and after each one: printed guides take seconds apiece."""
    from .plan_report import plan_json, plan_markdown
    from .planner import plan_study
    from .publishing import SUFFIXES, check_options

    check_options(fmt, paper, sheets)
    job = _Job.start(study, domain, language, bank_dirs, environ, lock)
    chosen = orders = None
    if job.lock is not None:
        locked = job.lock
        minutes, seed, date = locked.data["minutes"], locked.data["seed"], job.locked_date()
        filters, sessions, chosen = locked.filters, len(locked.sessions), locked.chosen()
        section_ids = [s.id for s in job.study.sections]
        orders = [locked.order(session, section_ids) for session in locked.sessions]
    planned = plan_study(
        job.study,
        job.catalog.banks,
        sessions=sessions,
        minutes=minutes,
        seed=seed,
        filters=filters,
        chosen=chosen,
        orders=orders,
    )
    if job.lock is not None:  # the guides carry the planning notes they had
        notes = [tuple(session["warnings"]) for session in job.lock.sessions]
        planned = replace(
            planned,
            sessions=tuple(
                replace(plan, warnings=n) for plan, n in zip(planned.sessions, notes, strict=True)
            ),
        )
    suffix = next(k for k, v in SUFFIXES.items() if v == fmt)
    files: dict[str, str | bytes] = {}
    guides = []
    total = len(planned.sessions)
    if progress is not None:
        progress(0, total)
    for done, plan in enumerate(planned.sessions, 1):
        data = job.data(plan, date)
        guides.append(data)
        rendered = job.render(data, fmt, sheets, template_dir, paper)
        stem = f"session-{plan.session:02d}"
        for sheet, content in rendered.items():
            files[f"{stem}{'.' + sheet if sheet else ''}{suffix}"] = content
        if progress is not None:
            progress(done, total)
    files["plan.md"] = plan_markdown(planned, guides)
    files["plan.json"] = plan_json(planned, guides)
    files["dreamq.lock"] = job.lock_text(list(planned.sessions), guides, minutes)
    return PlannedStudy(files, planned, tuple(guides), tuple(job.changes))


@dataclass
class _Job:
    """What generate and generate_plan share: the catalog, study, domain and
    language, chosen once (from a lock file when replaying one)."""

    catalog: Any
    study: Any
    domain: Any
    language: str
    bank_dirs: list[str]
    lock: Lock | None
    changes: list[str]

    @classmethod
    def start(
        cls,
        study: str | None,
        domain: str | None,
        language: str | None,
        bank_dirs: Sequence[str | Path],
        environ: Mapping[str, str] | None,
        lock_path: str | Path | None,
    ) -> _Job:
        from .lock import read_lock

        locked = read_lock(lock_path) if lock_path is not None else None
        if locked is not None:
            bank_dirs = bank_dirs or locked.data["bank_dirs"]
            study = _locked_source(locked, "study")
            domain = _locked_source(locked, "domain")
            language = locked.data["language"]
        catalog = load_catalog(bank_dirs, environ=environ, lazy=True)
        the_study = catalog.study(study)
        the_domain = catalog.domain_for(the_study, domain)
        language = the_domain.language(language or the_study.language)
        check_references(the_study, catalog.banks)
        problems = unfillable(the_study, catalog.banks, the_domain, language)
        if problems:
            raise DreamqError(problems)
        changes = locked.changes(catalog.banks) if locked is not None else []
        return cls(
            catalog, the_study, the_domain, language, [str(d) for d in bank_dirs], locked, changes
        )

    def locked_date(self) -> _dt.date:
        assert self.lock is not None
        try:
            return _dt.date.fromisoformat(self.lock.data["date"])
        except ValueError:
            raise DreamqError(
                Problem(
                    f"lock file: date {self.lock.data['date']!r} is not a date",
                    display_path(self.lock.path),
                )
            ) from None

    def plan_one(
        self, *, minutes: int | None, seed: int | None, filters: Filters, index: int
    ) -> SessionPlan:
        if self.lock is None:
            return plan_session(
                self.study, self.catalog.banks, minutes=minutes, seed=seed, filters=filters
            )
        session = self.lock.sessions[index]
        plan = plan_session(
            self.study,
            self.catalog.banks,
            minutes=minutes,
            seed=seed,
            filters=filters,
            order=self.lock.order(session, [s.id for s in self.study.sections]),
            chosen=session["sections"],
            session=session["session"],
        )
        return replace(plan, warnings=tuple(session["warnings"]))

    def data(self, plan: SessionPlan, date: _dt.date | None) -> dict[str, Any]:
        return guide_data(
            plan,
            self.catalog.banks,
            self.domain,
            language=self.language,
            date=date,
            overrides=self.catalog.overrides,
        )

    def render(
        self,
        data: Mapping[str, Any],
        fmt: str,
        sheets: Sequence[str],
        template_dir: str | Path | None,
        paper: str,
    ) -> dict[str | None, str | bytes]:
        from .publishing import render_document

        return {
            sheet: render_document(
                data, fmt=fmt, sheet=sheet, template_dir=template_dir, paper=paper
            )
            for sheet in (None, *dict.fromkeys(sheets))
        }

    def lock_text(
        self, plans: Sequence[SessionPlan], guides: Sequence[Mapping[str, Any]], minutes: int | None
    ) -> str:
        from .lock import file_record, lock_data, lock_text

        data = lock_data(
            plans,
            self.catalog.banks,
            study_record=file_record(self.study.path, self.study.origin, self.study.id),
            domain_record=file_record(self.domain.path, self.domain.origin, self.domain.id),
            language=self.language,
            date=str(guides[0]["date"]),
            minutes=minutes,
            bank_dirs=self.bank_dirs,
            guides_warnings=[[w for w in plan.warnings] for plan in plans],
        )
        return lock_text(data)


def _locked_source(locked: Lock, kind: str) -> str:
    """The study or domain a lock names: bundled ones by id, others by their
    recorded path (from here, else beside the lock file), else by id."""
    record = locked.data[kind]
    if record.get("origin") == "bundled":
        return str(record["id"])
    for base in (Path.cwd(), locked.path.parent):
        candidate = base / str(record.get("path", ""))
        if record.get("path") and candidate.is_file():
            return str(candidate)
    return str(record["id"])
