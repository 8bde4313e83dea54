"""Finding banks, domains and studies: bundled ones, team directories, and files.

Search order, lowest precedence first: the bundled files, the directories in
``DREAMQ_BANK_PATH``, then each ``--bank-dir``.  A later file with the same
kind and id as an earlier one overrides it, and the guide says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._loader import load_file
from .banks import Bank
from .domains import Domain
from .errors import DreamqError, Problem, display_path, unknown_id_error
from .studies import DEFAULT_STUDY, Study

BANK_PATH_ENV = "DREAMQ_BANK_PATH"
YAML_SUFFIXES = (".yaml", ".yml")
_KIND = {Bank: "bank", Domain: "domain", Study: "study"}


def bundled_root() -> Path:
    """Where the bundled question_banks/, domains/, studies/ and templates/ live:
    inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if packaged.is_dir():
        return packaged
    return here.parent.parent


def bundled_dirs() -> list[Path]:
    root = bundled_root()
    return [root / "question_banks", root / "domains", root / "studies"]


def bundled_templates() -> Path:
    return bundled_root() / "templates"


@dataclass(frozen=True)
class Override:
    """A file that replaced another with the same kind and id."""

    kind: str
    id: str
    path: Path
    replaced: Path
    replaced_origin: str


@dataclass
class Catalog:
    """Everything found on the search path, by id."""

    banks: MutableMapping[str, Bank] = field(default_factory=dict)
    domains: MutableMapping[str, Domain] = field(default_factory=dict)
    studies: MutableMapping[str, Study] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)

    def bank(self, bank_id: str) -> Bank:
        try:
            return self.banks[bank_id]
        except KeyError:
            raise unknown_id_error("bank", bank_id, self.banks, "see `dreamq banks list`") from None

    def domain(self, ref: str) -> Domain:
        """A domain by id, or from a file when ``ref`` is a path."""
        if looks_like_path(ref):
            return load_file(Path(ref), "domain", "file")  # type: ignore[return-value]
        try:
            return self.domains[ref]
        except KeyError:
            raise unknown_id_error(
                "domain", ref, self.domains, "see `dreamq domains list`, or pass a file path"
            ) from None

    def domain_for(self, study: Study, ref: str | None = None) -> Domain:
        """The domain ``ref`` names, else the study's own ``domain:`` (a file
        path there is relative to the study file).  Errors name the study's line."""
        if ref is not None:
            return self.domain(ref)
        if study.domain is None:
            raise DreamqError(
                Problem(
                    f'study "{study.id}" names no domain',
                    display_path(study.path),
                    hint="pass --domain ID (see `dreamq domains list`), or add domain: to the study",
                )
            )
        ref = study.domain
        if looks_like_path(ref) and not Path(ref).is_absolute():
            ref = str(study.path.parent / ref)
        try:
            return self.domain(ref)
        except DreamqError as exc:
            raise DreamqError(
                [
                    Problem(
                        f"domain: {p.message}",
                        display_path(study.path),
                        study.domain_line,
                        hint=p.hint,
                    )
                    for p in exc.problems
                ]
            ) from None

    def study(self, ref: str | None = None) -> Study:
        """A study by id or path; the bundled default when ``ref`` is None."""
        ref = ref or DEFAULT_STUDY
        if looks_like_path(ref):
            return load_file(Path(ref), "study", "file")  # type: ignore[return-value]
        try:
            return self.studies[ref]
        except KeyError:
            raise unknown_id_error(
                "study", ref, self.studies, "pass a study file path, or one of these ids"
            ) from None


def looks_like_path(ref: str) -> bool:
    return ref.endswith(YAML_SUFFIXES) or "/" in ref or os.sep in ref


def team_dirs(
    bank_dirs: Sequence[str | Path] = (), environ: Mapping[str, str] | None = None
) -> list[Path]:
    """Team directories in precedence order: DREAMQ_BANK_PATH's, then ``bank_dirs``."""
    environ = os.environ if environ is None else environ
    from_env = [Path(p) for p in environ.get(BANK_PATH_ENV, "").split(os.pathsep) if p.strip()]
    return from_env + [Path(p) for p in bank_dirs]


def yaml_files(directory: Path) -> list[Path]:
    """Every .yaml/.yml file below ``directory``, skipping hidden files and folders."""
    return scan_directory(directory)[0]


def scan_directory(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The YAML files below ``directory`` and the problems met on the way:
    linked folders (not followed: a shared repository must not lead dreamq
    elsewhere) and folders it cannot read.  Hidden files and folders are skipped."""
    found: list[Path] = []
    problems: list[Problem] = []

    def unreadable(error: OSError) -> None:
        problems.append(
            Problem(
                f"cannot read this folder: {error.strerror}",
                display_path(error.filename or directory),
                hint="check its permissions",
            )
        )

    for root, dirs, files in os.walk(directory, onerror=unreadable):
        here = Path(root)
        for name in sorted(dirs):
            if name.startswith("."):
                dirs.remove(name)
            elif (here / name).is_symlink():
                dirs.remove(name)
                problems.append(
                    Problem(
                        "is a link to a folder; dreamq does not follow linked folders",
                        display_path(here / name),
                        hint="add that folder with its own --bank-dir instead",
                    )
                )
        dirs.sort()
        for name in files:
            path = here / name
            if not name.startswith(".") and path.suffix in YAML_SUFFIXES and path.is_file():
                found.append(path)
    return sorted(found), problems


def search_layers(
    bank_dirs: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
    include_bundled: bool = True,
) -> list[tuple[list[Path], str]]:
    """The search path as layers of (directories, origin), lowest precedence first."""
    layers: list[tuple[list[Path], str]] = []
    if include_bundled:
        layers.append(([d for d in bundled_dirs() if d.is_dir()], "bundled"))
    for directory in team_dirs(bank_dirs, environ):
        if not directory.is_dir():
            raise DreamqError(
                Problem(
                    "bank directory not found" if not directory.exists() else "not a directory",
                    display_path(directory),
                    hint=f"check --bank-dir and {BANK_PATH_ENV}",
                )
            )
        layers.append(([directory], "team"))
    return layers


def load_layers(
    layers: Sequence[tuple[Sequence[Path], str]], catalog: Catalog | None = None
) -> tuple[Catalog, list[Problem]]:
    """Load layers of directories into one catalog, later layers overriding
    earlier ones; returns every problem found instead of stopping at the first."""
    catalog = Catalog() if catalog is None else catalog
    problems: list[Problem] = []
    for directories, origin in layers:
        defined_here: dict[tuple[str, str], Path] = {}
        for directory in directories:
            if directory.is_dir():
                files, met = scan_directory(directory)
                problems.extend(met)
            else:
                files = [directory]
            root = directory.resolve() if directory.is_dir() else None
            for path in files:
                if root is not None and not path.resolve().is_relative_to(root):
                    problems.append(
                        Problem(
                            "is a link to a file outside the bank directory; it was not read",
                            display_path(path),
                            hint="copy the file into the directory, or add its own "
                            "directory with --bank-dir",
                        )
                    )
                    continue
                try:
                    item = load_file(path, origin=origin)
                except DreamqError as exc:
                    problems.extend(exc.problems)
                    continue
                kind = _KIND[type(item)]
                key = (kind, item.id)
                if key in defined_here:
                    problems.append(
                        Problem(
                            f'{kind} id "{item.id}" is also defined in '
                            f"{display_path(defined_here[key])}",
                            display_path(path),
                            hint="ids must be unique within a directory; rename one",
                        )
                    )
                    continue
                defined_here[key] = path
                table = _table(catalog, kind)
                if item.id in table:
                    replaced, replaced_origin = _source_of(table, item.id)
                    catalog.overrides.append(
                        Override(kind, item.id, path, replaced, replaced_origin)
                    )
                table[item.id] = item
    return catalog, problems


def _source_of(table: Mapping[str, Bank | Domain | Study], item_id: str) -> tuple[Path, str]:
    """Path and origin of the item a later file overrides (without reading a lazy bundled file)."""
    if isinstance(table, _Bundled) and item_id not in table.overlay:
        return table.paths[item_id], "bundled"
    item = table[item_id]
    return item.path, item.origin


class _Bundled(MutableMapping):  # type: ignore[type-arg]
    """Bundled files by id, each read the first time it is asked for, so that
    ``generate`` reads the dozen files a guide needs, not every bundled one.
    A bundled file is named after its id (tests/test_bundled.py checks).
    Team files set on top of it take precedence."""

    def __init__(self, kind: str, directory: Path):
        self.kind = kind
        self.paths = {p.stem: p for p in yaml_files(directory)} if directory.is_dir() else {}
        self.loaded: dict[str, Bank | Domain | Study] = {}
        self.overlay: dict[str, Bank | Domain | Study] = {}

    def __getitem__(self, key: str) -> Bank | Domain | Study:
        if key in self.overlay:
            return self.overlay[key]
        if key not in self.loaded:
            path = self.paths[key]
            item = load_file(path, self.kind, "bundled")
            if item.id != key:
                raise DreamqError(
                    Problem(f'bundled file holds id "{item.id}", not "{key}"', display_path(path))
                )
            self.loaded[key] = item
        return self.loaded[key]

    def __setitem__(self, key: str, value: Bank | Domain | Study) -> None:
        self.overlay[key] = value

    def __delitem__(self, key: str) -> None:
        del self.overlay[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.overlay
        yield from (k for k in self.paths if k not in self.overlay)

    def __len__(self) -> int:
        return len(self.overlay.keys() | self.paths.keys())


def load_catalog(
    bank_dirs: Sequence[str | Path] = (),
    *,
    environ: Mapping[str, str] | None = None,
    include_bundled: bool = True,
    lazy: bool = False,
) -> Catalog:
    """Load every bank, domain and study on the search path.

    With ``lazy``, bundled files are read only when first used (team files
    are always read, since any of them may override a bundled one).  Raises
    :class:`~dreamq.errors.DreamqError` listing every problem in every file
    read (not only the first), or naming a directory that does not exist.
    """
    if lazy and include_bundled:
        root = bundled_root()
        catalog = Catalog(
            banks=_Bundled("bank", root / "question_banks"),
            domains=_Bundled("domain", root / "domains"),
            studies=_Bundled("study", root / "studies"),
        )
        layers = search_layers(bank_dirs, environ, include_bundled=False)
        catalog, problems = load_layers(layers, catalog)
    else:
        catalog, problems = load_layers(search_layers(bank_dirs, environ, include_bundled))
    if problems:
        raise DreamqError(problems)
    return catalog


def _table(catalog: Catalog, kind: str) -> MutableMapping:  # type: ignore[type-arg]
    return {"bank": catalog.banks, "domain": catalog.domains, "study": catalog.studies}[kind]
