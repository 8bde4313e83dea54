"""Domain profiles: the product, company, customers... a study is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._languages import pick as pick_language
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

    def language(self, tag: str) -> str:
        """``tag`` as this domain spells it (language tags are case-insensitive:
        zh-hant is zh-Hant), or an error listing the languages it has."""
        if tag in self.values:
            return tag
        for known in self.values:
            if known.lower() == tag.lower():
                return known
        raise DreamqError(
            Problem(
                f'no "{tag}" values in domain "{self.id}"; it has {", ".join(self.values)}',
                display_path(self.path),
                hint=f"generate with --lang {next(iter(self.values), 'en')}, or add values.{tag} "
                "to the domain (and translations to the banks)",
            )
        )

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
        """A localized field's value in ``language``, else in English, else any."""
        return pick_language(values, language, "en")


def load_domain(path: str | Path, origin: str = "bundled") -> Domain:
    """Load and check one domain profile."""
    from ._loader import load_file

    return load_file(Path(path), "domain", origin)  # type: ignore[return-value]


def domain_to_plain(domain: Domain) -> dict[str, Any]:
    """A checked domain as JSON-ready data (for the file cache)."""
    return {
        "id": domain.id,
        "title": domain.title,
        "description": domain.description,
        "values": domain.values,
    }


def domain_from_plain(plain: dict[str, Any], path: Path, origin: str) -> Domain:
    """Rebuild a domain stored by :func:`domain_to_plain`."""
    values = {
        lang: {k: tuple(v) if isinstance(v, list) else v for k, v in block.items()}
        for lang, block in plain["values"].items()
    }
    return Domain(
        id=plain["id"],
        title=plain["title"],
        description=plain["description"],
        values=values,
        path=path,
        origin=origin,
    )
