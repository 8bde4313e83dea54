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
        """Each session's planning notes; a note every session shares is given once."""
        if not self.guides:
            return ()
        first, *rest = (list(dict.fromkeys(d["warnings"])) for d in self.guides)
        shared = set(first).intersection(*rest)
        out = [w for w in first if w in shared]
        for number, data in enumerate(self.guides, 1):
            out += [f"session {number}: {w}" for w in data["warnings"] if w not in shared]
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
        filters=replace(filters, language=job.language),
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
    #: The folder relative paths are shown and recorded from: the one a
    #: replayed lock's paths were found relative to (None: the current one).
    base: str | None = None

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
        from .lock import current_root, read_lock

        locked = read_lock(lock_path) if lock_path is not None else None
        recorded_dirs = [str(d) for d in bank_dirs]
        base, given = None, bool(bank_dirs)
        if locked is not None:
            base, bank_dirs, recorded_dirs = _locked_dirs(locked, bank_dirs)
            language = locked.data["language"]
        catalog = load_catalog(bank_dirs, environ=environ, lazy=True)
        if locked is not None:
            the_study = _locked_item(locked, "study", catalog, base, given)
            the_domain = _locked_item(locked, "domain", catalog, base, given)
            base = base or current_root()
        else:
            the_study = catalog.study(study)
            the_domain = catalog.domain_for(the_study, domain)
        language = the_domain.language(language or the_study.language)
        check_references(the_study, catalog.banks)
        problems = unfillable(the_study, catalog.banks, the_domain, language)
        if problems:
            raise DreamqError(problems)
        changes = locked.changes(catalog.banks) if locked is not None else []
        return cls(catalog, the_study, the_domain, language, recorded_dirs, locked, changes, base)

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
                self.study,
                self.catalog.banks,
                minutes=minutes,
                seed=seed,
                filters=replace(filters, language=self.language),
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
        data = guide_data(
            plan,
            self.catalog.banks,
            self.domain,
            language=self.language,
            date=date,
            overrides=self.catalog.overrides,
        )
        if self.base is not None:  # a replay shows the paths the first run showed
            replaced = {
                o.id: (o.replaced, o.replaced_origin)
                for o in self.catalog.overrides
                if o.kind == "bank"
            }
            sources = [
                (data["study"], self.study.path, self.study.origin),
                (data["domain"], self.domain.path, self.domain.origin),
            ]
            for row in data["banks"]:
                bank = self.catalog.banks[row["id"]]
                sources.append((row, bank.path, bank.origin))
                if row["replaces"] is not None and row["id"] in replaced:
                    sources.append((row["replaces"], *replaced[row["id"]]))
            for entry, path, origin in sources:
                entry["path"] = self._source_path(path, origin, entry["path"])
        return data

    def shown(self, path: Path) -> str:
        """A path as the first run showed it: from the replay's base folder."""
        from .lock import shown_from

        return display_path(path) if self.base is None else shown_from(path, self.base)

    def _source_path(self, path: Path, origin: str, rendered: str) -> str:
        """A guide's source path from the base folder (bundled files inside
        the package are shown from the package, wherever dreamq runs)."""
        from .catalog import bundled_root

        if origin == "bundled" and path.resolve().is_relative_to(bundled_root()):
            return rendered
        return self.shown(path)

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
        from .lock import current_root, file_record, lock_data, lock_text

        study, domain, shown = self.study, self.domain, self.shown
        data = lock_data(
            plans,
            self.catalog.banks,
            study_record=file_record(study.path, study.origin, study.id, shown),
            domain_record=file_record(domain.path, domain.origin, domain.id, shown),
            language=self.language,
            date=str(guides[0]["date"]),
            minutes=minutes,
            bank_dirs=self.bank_dirs,
            guides_warnings=[[w for w in plan.warnings] for plan in plans],
            root=self.base or current_root(),
            shown=shown,
        )
        return lock_text(data)


def _locked_dirs(
    locked: Lock, bank_dirs: Sequence[str | Path]
) -> tuple[str | None, list[str | Path], list[str]]:
    """For a replay: the base folder the lock's relative paths are found from
    (see :mod:`dreamq.lock`), the bank directories to load, and the ones to
    record in the new lock (relative to the base, as the first run's were).

    Without ``bank_dirs`` the recorded ones are used, and a recorded file or
    directory that cannot be found is an error naming the lock file; with
    them, a study or domain not found by its recorded path is found by id."""
    import os

    from .lock import current_root

    if not bank_dirs:
        base = locked.base(with_bank_dirs=True)
        if base is None:
            raise locked.not_found(with_bank_dirs=True, base=None)
        if any(
            r["origin"] != "bundled" and os.path.isabs(r["path"]) and not os.path.isfile(r["path"])
            for _, r in locked.records()
        ):
            raise locked.not_found(with_bank_dirs=False, base=base)
        recorded = [str(d) for d in locked.data["bank_dirs"]]
        return base, [os.path.join(base, d) for d in recorded], recorded
    base = locked.base(with_bank_dirs=False)
    shown_base = base or current_root()
    recorded = [
        str(d) if os.path.isabs(d) else os.path.relpath(os.path.abspath(d), shown_base)
        for d in bank_dirs
    ]
    return base, list(bank_dirs), recorded


def _locked_item(locked: Lock, kind: str, catalog: Any, base: str | None, fallback: bool) -> Any:
    """The study or domain a lock names, with its recorded origin: a bundled
    one by id; another from its recorded path (relative to ``base``), else,
    with ``fallback`` (bank directories given), by id."""
    import os

    from ._loader import load_file

    record = locked.data[kind]
    table = catalog.studies if kind == "study" else catalog.domains
    if record["origin"] == "bundled":
        return catalog.study(record["id"]) if kind == "study" else catalog.domain(record["id"])
    path = str(record["path"])
    if base is not None or os.path.isabs(path):
        candidate = Path(path) if os.path.isabs(path) else Path(base or "", path)
        if candidate.is_file():
            return load_file(candidate, kind, str(record["origin"]))
    if fallback and record["id"] in table:
        return table[record["id"]]
    raise locked.not_found(with_bank_dirs=False, base=base)
