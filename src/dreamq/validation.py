"""``dreamq validate``: check files and how they fit together, reporting every problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, load_layers, search_layers
from .errors import DreamqError, Problem, display_path


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    banks: int = 0
    questions: int = 0
    domains: int = 0
    studies: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts = (
            f"{self.banks} bank(s) with {self.questions} question(s), "
            f"{self.domains} domain(s), {self.studies} study(ies)"
        )
        if self.ok:
            return f"ok: {counts}"
        return f"{len(self.problems)} problem(s) in {counts}"


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
    report = Report(
        problems=list(problems),
        banks=len(checked.banks),
        questions=sum(len(b.questions) for b in checked.banks.values()),
        domains=len(checked.domains),
        studies=len(checked.studies),
    )
    report.problems += _check_studies(checked, reference)
    domains = checked.domains or reference.domains
    report.problems += _check_variables(checked, domains)
    return report


def _check_studies(checked: Catalog, reference: Catalog) -> list[Problem]:
    from .planner import _check_references

    problems: list[Problem] = []
    for study in checked.studies.values():
        try:
            _check_references(study, reference.banks)
        except DreamqError as exc:
            problems.extend(exc.problems)
    return problems


def _check_variables(checked: Catalog, domains: Mapping[str, object]) -> list[Problem]:
    problems: list[Problem] = []
    names = {}
    for domain in domains.values():
        per_lang = {}
        for lang in domain.languages:  # type: ignore[attr-defined]
            per_lang[lang] = set(domain.variables(lang))  # type: ignore[attr-defined]
        names[domain.id] = (domain, per_lang)  # type: ignore[attr-defined]
    for bank in checked.banks.values():
        for q in bank.questions:
            for variable in sorted(q.variables):
                lacking = [
                    display_path(domain.path)
                    for domain, per_lang in names.values()
                    if any(variable not in per_lang.get(lang, {variable}) for lang in q.languages)
                ]
                if lacking:
                    problems.append(
                        Problem(
                            f'question "{q.ref}" uses {{{{ {variable} }}}}, which '
                            f"{', '.join(lacking)} do(es) not define",
                            display_path(bank.path),
                            q.line,
                            hint=f"add {variable} to those domains' values, or reword the question",
                        )
                    )
    return problems
