"""``dreamq validate``: check files and how they fit together, reporting every problem."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .banks import Bank
from .catalog import Catalog, load_layers, search_layers
from .domains import Domain
from .errors import DreamqError, Problem, did_you_mean, display_path
from .fill import TemplateTextError, render_text, scan, variable_position


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    banks: int = 0
    questions: int = 0
    domains: int = 0
    studies: int = 0
    #: The banks that loaded, by id (for ``dreamq lint``'s rules).
    checked_banks: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts = (
            f"{self.files} file(s): {self.banks} bank(s) with {self.questions} question(s), "
            f"{self.domains} domain(s), {self.studies} study(ies)"
        )
        if self.ok:
            return f"ok: {counts}"
        total = sum(p.more or 1 for p in self.problems)
        return f"{total} problem(s) in {counts}"


def validate(
    paths: Sequence[str | Path] = (),
    *,
    bank_dirs: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
) -> Report:
    """Check ``paths`` (files or directories), or everything on the search path
    when none are given.  Besides each file's own format, checks that studies
    name banks and questions that exist and that every question's variables
    are defined by the domains."""
    layers = search_layers(bank_dirs, environ)
    if paths:
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise DreamqError(
                [Problem("no such file or directory", display_path(p)) for p in missing]
            )
        checked, problems = load_layers([([Path(p) for p in paths], "file")])
        reference, _ = load_layers(layers)  # what studies may refer to
        reference.banks.update(checked.banks)
        reference.domains.update(checked.domains)
    else:
        checked, problems = load_layers(layers)
        reference = checked
    files = _count_files(paths or [d for dirs, _ in layers for d in dirs])
    if paths and files == 0:
        problems = [
            Problem(
                "no .yaml or .yml files here",
                ", ".join(display_path(p) for p in paths),
                hint="name the bank files or the directory that holds them",
            ),
            *problems,
        ]
    report = Report(
        problems=list(problems),
        files=files,
        banks=len(checked.banks),
        questions=sum(len(b.questions) for b in checked.banks.values()),
        domains=len(checked.domains),
        studies=len(checked.studies),
        checked_banks=dict(checked.banks),
    )
    if not report.problems:  # on a partial catalog these would only repeat the cause
        domains = dict(checked.domains or reference.domains)
        study_problems, study_domains = _check_studies(checked, reference)
        domains.update(study_domains)
        # a checked bank's texts are checked against every domain below, with
        # the text (question or probe) named: don't report them twice
        own = {display_path(b.path) for b in checked.banks.values()}
        report.problems += [p for p in study_problems if p.file not in own]
        report.problems += _check_variables(checked, domains)
    return report


def _count_files(paths: Sequence[str | Path]) -> int:
    from .catalog import yaml_files

    return sum(len(yaml_files(Path(p))) if Path(p).is_dir() else 1 for p in paths)


def _check_studies(checked: Catalog, reference: Catalog) -> tuple[list[Problem], dict[str, Domain]]:
    """Each study's banks and questions exist, its domain exists, and the
    domain fills in every text the study may use, in every language it has.
    Also returns the studies' domains."""
    from .fill import unfillable
    from .planner import check_references

    problems: list[Problem] = []
    domains: dict[str, Domain] = {}
    for study in checked.studies.values():
        try:
            check_references(study, reference.banks)
        except DreamqError as exc:
            problems.extend(exc.problems)
            continue
        if study.domain is None:
            continue
        try:
            domain = reference.domain_for(study)
        except DreamqError as exc:
            problems.extend(exc.problems)
            continue
        domains[domain.id] = domain
        problems.extend(unfillable(study, reference.banks, domain))
    return problems, domains


def _check_variables(checked: Catalog, domains: Mapping[str, Domain]) -> list[Problem]:
    """Render every text of every checked bank for every domain and language
    it has: a variable a domain lacks, or an index past the end of a list,
    is found here rather than in the middle of a session's preparation."""
    problems: list[Problem] = []
    variables = {
        (domain.id, lang): domain.variables(lang)
        for domain in domains.values()
        for lang in domain.languages
    }
    for bank in checked.banks.values():
        lacking: dict[tuple[str, int | None, str, str], list[str]] = {}
        for where, line, lang, text in _texts(bank):
            used = scan(text)
            for domain in domains.values():
                values = variables.get((domain.id, lang))
                if values is None:
                    continue
                missing = sorted(used - values.keys())
                for name in missing:
                    shown = display_path(domain.path)
                    found = lacking.setdefault((where, line, lang, name), [])
                    if shown not in found:
                        found.append(shown)
                if missing:
                    continue
                try:
                    render_text(text, values)
                except TemplateTextError as exc:
                    problems.append(
                        Problem(
                            f"{where} ({lang}) with domain {domain.id}: {exc}",
                            display_path(bank.path),
                            line,
                        )
                    )
        known = {name for values in variables.values() for name in values}
        for (where, line, lang, name), files in lacking.items():
            suggestion = did_you_mean(name, known)
            at, column = variable_position(bank.path, line, name)
            problems.append(
                Problem(
                    f"{where} ({lang}) uses {{{{ {name} }}}}, which {', '.join(files)} "
                    f"do{'es' if len(files) == 1 else ''} not define"
                    + (f".{suggestion}" if suggestion else ""),
                    display_path(bank.path),
                    at,
                    column,
                    hint="fix the variable name"
                    if suggestion
                    else f"add {name} to the domain's values, or reword the text",
                )
            )
    return problems


def _texts(bank: Bank) -> Iterator[tuple[str, int | None, str, str]]:
    """(where, line, language, text) for every template text in a bank."""
    for q in bank.questions:
        for lang, text in q.text.items():
            yield f'question "{q.ref}"', q.line, lang, text
        for lang, probes in q.probes.items():
            for probe in probes:
                yield f'question "{q.ref}" probe', q.line, lang, probe
    for key in ("moderator_notes", "stance", "script"):
        for lang, items in getattr(bank, key).items():
            for item in items:
                yield f'bank "{bank.id}" {key}', None, lang, item
