"""Domain profiles: the product, company, customers... a study is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._documents import capped, localized, mark_of
from ._schema import Checker
from ._yamlload import YMap
from .errors import DreamqError, Problem, display_path

#: Variables every bundled domain defines; question texts may use these.
STANDARD_VARIABLES = ("product", "company", "industry", "customers", "artifacts", "touchpoint")


@dataclass(frozen=True)
class Domain:
    """A domain profile.  ``values`` maps language → variable → text or tuple of text."""

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    values: Mapping[str, Mapping[str, Any]]
    path: Path
    origin: str = "bundled"

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.values)

    def variables(self, language: str) -> dict[str, Any]:
        """Plain-data variables for ``language``; ``artifact`` is the first of
        ``artifacts`` unless the profile sets it.  Raises
        :class:`~dreamq.errors.DreamqError` when the profile lacks the language."""
        if language not in self.values:
            raise DreamqError(
                Problem(
                    f'domain "{self.id}" has no values for language "{language}" '
                    f"(it has: {', '.join(self.values)})",
                    display_path(self.path),
                    hint=f"add values.{language} to the domain file, or pick another --lang",
                )
            )
        result = {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.values[language].items()
        }
        artifacts = result.get("artifacts")
        if "artifact" not in result and isinstance(artifacts, list) and artifacts:
            result["artifact"] = artifacts[0]
        return result

    def pick(self, values: Mapping[str, str], language: str) -> str:
        if language in values:
            return values[language]
        return next(iter(values.values()), "")


def load_domain(path: str | Path, origin: str = "bundled") -> Domain:
    """Load and check one domain profile."""
    from ._loader import load_file

    return load_file(Path(path), "domain", origin)  # type: ignore[return-value]


def domain_from_data(data: YMap, path: Path, checker: Checker, origin: str) -> Domain:
    values = data["values"]
    if not values:
        checker.add(
            "values is empty", mark_of(data, "values"), hint="add values.en: {product: ...}"
        )
    names_by_lang = {lang: set(block) for lang, block in values.items()}
    all_names = set().union(*names_by_lang.values()) if names_by_lang else set()
    for lang, names in names_by_lang.items():
        missing = sorted(all_names - names)
        if missing:
            checker.add(
                f"values.{lang} lacks {', '.join(missing)}, which other languages define",
                mark_of(values, lang),
                hint="every language needs the same variables; a typo in one would go unnoticed",
            )
    if checker.problems:
        raise DreamqError(capped(checker.problems))
    frozen = {
        lang: {k: tuple(v) if isinstance(v, list) else v for k, v in block.items()}
        for lang, block in values.items()
    }
    base = "en" if "en" in values else next(iter(values), "en")
    return Domain(
        id=data["id"],
        title=localized(data, "title", base),
        description=localized(data, "description", base, default=""),
        values=frozen,
        path=path,
        origin=origin,
    )
