"""Rendering a planned session into a moderator guide through Jinja templates.

Templates see plain data only (str, int, list, dict): ``guide``, built by
:func:`guide_data`, ``labels``, ``paper`` and, for a companion sheet,
``sheet``; all documented in docs/templates.md.  They run in
Jinja's immutable sandbox with ``StrictUndefined``; the loader refuses any
file outside the template directories.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._version import __version__
from .banks import Bank, Question
from .catalog import Override, bundled_root, bundled_templates
from .domains import Domain
from .errors import DreamqError, Problem, display_path
from .fill import TemplateTextError, render_text
from .planner import SessionPlan

#: Text formats and the template that renders each (PDF is printed from the
#: HTML; Word and JSON are built from the data, see dreamq.publishing).
TEMPLATES = {"md": "guide.md.j2", "html": "guide.html.j2"}
#: The template for the companion sheets (observer, debrief) in each text format.
SHEET_TEMPLATES = {"md": "sheet.md.j2", "html": "sheet.html.j2"}
#: Largest guide dreamq will write, in characters (a 90-minute guide has ~25,000).
MAX_OUTPUT_CHARS = 2_000_000


def clock(minutes: int) -> str:
    """Minutes from the start as h:mm (0:05, 1:30)."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def markdown_cell(text: Any) -> str:
    """Text made safe for one cell of a Markdown table: a ``|`` would end the
    cell and a line break the row.  The ``md_cell`` filter in templates."""
    return " ".join(str(text).replace("|", "\\|").split())


def _source(path: Path, origin: str) -> dict[str, str]:
    """Where a file came from, for the guide's header: its origin (bundled,
    team or file) and its path (inside the package for bundled files)."""
    shown = display_path(path)
    root = bundled_root().resolve()
    if origin == "bundled" and path.resolve().is_relative_to(root):
        shown = str(path.resolve().relative_to(root))
    return {"origin": origin, "path": shown}


class _Filler:
    """Fills texts for one domain and language, naming the question on failure."""

    def __init__(self, domain: Domain, language: str):
        self.domain = domain
        self.language = language
        self.variables = domain.variables(language)

    def text(
        self,
        text: str,
        where: str,
        path: Path,
        line: int | None,
        used: frozenset[str] | None = None,
    ) -> str:
        from .fill import scan

        try:
            needed = used if used is not None else scan(text)
        except TemplateTextError as exc:
            raise DreamqError(Problem(f"{where}: {exc}", display_path(path), line)) from None
        missing = sorted(needed - self.variables.keys())
        if missing:
            raise DreamqError(
                Problem(
                    f'{where} uses {{{{ {missing[0]} }}}}, which domain "{self.domain.id}" '
                    f"({display_path(self.domain.path)}) does not define for {self.language}",
                    display_path(path),
                    line,
                    hint=f"add {missing[0]} to values.{self.language} in the domain file, "
                    "or leave this question out",
                )
            )
        try:
            return render_text(text, self.variables)
        except TemplateTextError as exc:
            raise DreamqError(Problem(f"{where}: {exc}", display_path(path), line)) from None

    def question(self, q: Question, bank: Bank) -> tuple[str, list[str]]:
        lang = self.language
        if lang not in q.text:
            raise DreamqError(
                Problem(
                    f'question "{q.ref}" has no {lang} translation',
                    display_path(bank.path),
                    q.line,
                    hint=f"add translations.{lang} to the question, or generate with another --lang",
                )
            )
        where = f'question "{q.ref}"'
        text = self.text(q.text[lang], where, bank.path, q.line, q.variables)
        probes = [
            self.text(p, f"{where} probe", bank.path, q.line, q.variables)
            for p in q.probes.get(lang, ())
        ]
        return text, probes


def guide_data(
    plan: SessionPlan,
    banks: Mapping[str, Bank],
    domain: Domain,
    *,
    language: str | None = None,
    date: _dt.date | None = None,
    overrides: Sequence[Override] = (),
) -> dict[str, Any]:
    """The plain data a guide template sees (see docs/templates.md)."""
    from .coverage import goal_coverage

    study = plan.study
    lang = language or study.language
    filler = _Filler(domain, lang)
    date = date or _dt.date.today()
    replaced = {(o.kind, o.id): _source(o.replaced, o.replaced_origin) for o in overrides}
    number = 0
    sections = []
    used_banks: dict[str, Bank] = {}
    for ps in plan.sections:
        # A section's scripts, notes and stance cues come from the banks it
        # draws from; a question it names from another bank brings only itself.
        section_banks = list(ps.banks)
        for q in ps.questions:
            used_banks.setdefault(q.bank_id, banks[q.bank_id])
        questions = []
        for q in ps.questions:
            number += 1
            bank = banks[q.bank_id]
            text, probes = filler.question(q, bank)
            questions.append(
                {
                    "number": number,
                    "ref": q.ref,
                    "id": q.id,
                    "bank": q.bank_id,
                    "text": text,
                    "probes": probes,
                    "minutes": q.minutes,
                    "priority": q.priority,
                    "tags": list(q.tags),
                }
            )

        def texts(field: str, banks_: list[Bank] = section_banks) -> list[str]:
            out: list[str] = []
            for b in banks_:
                for t in b.pick(getattr(b, field), lang):
                    out.append(filler.text(t, f'bank "{b.id}" {field}', b.path, None))
            return out

        for b in section_banks:
            used_banks.setdefault(b.id, b)
        sections.append(
            {
                "id": ps.section.id,
                "title": study.pick(ps.section.title, lang),
                "start": clock(ps.start),
                "end": clock(ps.end),
                "clock": f"{clock(ps.start)}–{clock(ps.end)}",
                "minutes": ps.minutes,
                "used_minutes": ps.used_minutes,
                "notes": list(study.pick(ps.section.notes, lang)),
                "script": texts("script"),
                "script_minutes": sum(b.script_minutes for b in section_banks),
                "moderator_notes": texts("moderator_notes"),
                "stance": _unique(texts("stance")),
                "questions": questions,
            }
        )
    coverage = goal_coverage(plan, lang)
    numbers = {q["ref"]: q["number"] for s in sections for q in s["questions"]}
    for row in coverage["goals"]:
        row["numbers"] = [numbers[ref] for ref in row["questions"]]
    warnings = list(plan.warnings) + [
        f'goal {row["id"]} is served by no question in this session: "{row["text"]}"'
        for row in coverage["goals"]
        if row["id"] in coverage["uncovered"]
    ]
    bank_rows = []
    for b in used_banks.values():
        row = {
            "id": b.id,
            "title": b.pick(b.title, lang),
            "category": b.category,
            "source": b.source,
            **_source(b.path, b.origin),
            "replaces": None,
        }
        if ("bank", b.id) in replaced:
            row["replaces"] = replaced[("bank", b.id)]
        bank_rows.append(row)
    return {
        "title": study.pick(study.title, lang),
        "description": study.pick(study.description, lang),
        "study": {"id": study.id, **_source(study.path, study.origin)},
        "domain": {
            "id": domain.id,
            "title": domain.pick(domain.title, lang),
            **_source(domain.path, domain.origin),
            "variables": filler.variables,
        },
        "minutes": plan.minutes,
        "language": lang,
        "date": date.isoformat(),
        "version": __version__,
        "seed": plan.seed,
        "goals": list(study.pick(study.goals, lang)),
        "coverage": coverage,
        "session": plan.session,
        "banks": bank_rows,
        "timing": [
            {
                "clock": s["clock"],
                "title": s["title"],
                "minutes": s["minutes"],
                "questions": len(s["questions"]),
            }
            for s in sections
        ],
        "sections": sections,
        "question_count": number,
        "warnings": warnings,
    }


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def confined(path: Path, directory: Path) -> Path:
    """``path``, refused when it is a link leading out of the template
    ``directory`` (a template file may not read what lies elsewhere)."""
    if not path.resolve().is_relative_to(directory.resolve()):
        raise DreamqError(
            Problem(
                "is a link to a file outside the template directory; it was not read",
                display_path(path),
                hint="copy the file into the template directory",
            )
        )
    return path


def load_labels(language: str, template_dir: Path | None) -> dict[str, str]:
    """Fixed words of the guide (headings, "Probes", "Notes") in ``language``."""
    from ._loader import load_plain_yaml

    files = []
    for directory in (bundled_templates(), template_dir):
        path = directory / "labels.yaml" if directory is not None else None
        if path is None or not (path.is_file() or path.is_symlink()):
            continue
        confined(path, directory)
        data = load_plain_yaml(path) or {}
        if not isinstance(data, dict):
            raise DreamqError(
                Problem("expected a mapping of language → labels", display_path(path), 1)
            )
        files.append((path, data))
    labels: dict[str, str] = {}
    # English first as the fallback, then the guide's language: a template's
    # English label never hides a bundled translation.
    for lang in dict.fromkeys(("en", language)):
        for path, data in files:
            block = data.get(lang) or {}
            if not isinstance(block, dict) or not all(isinstance(v, str) for v in block.values()):
                raise DreamqError(_label_problem(path, lang))
            labels.update(block)
    return labels


def _label_problem(path: Path, lang: str) -> Problem:
    """Where in labels.yaml a label is not text (the file is parsed again with
    positions: this only happens for a broken file)."""
    from ._schema import Checker, MapOf, Text
    from ._yamlload import load_yaml, read_text

    shown = display_path(path)
    data = load_yaml(read_text(path), shown)
    checker = Checker(shown)
    block = data.get(lang) if isinstance(data, dict) else None
    mark = data.value_marks.get(lang) if hasattr(data, "value_marks") else None
    MapOf(Text()).check(block, mark, ("", lang), checker)
    if checker.problems:
        first = checker.problems[0]
        return Problem(f"labels: {first.message}", shown, first.line, first.column, hint=first.hint)
    return Problem(f"labels for {lang} must map names to text", shown, 1)


def _template_environment(template_dir: Path | None) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

    class ConfinedLoader(FileSystemLoader):
        """Refuses templates that resolve (through links) outside their directory."""

        def get_source(self, environment: Any, template: str) -> Any:
            source, filename, uptodate = super().get_source(environment, template)
            real = Path(filename).resolve()
            roots = [Path(p).resolve() for p in self.searchpath]
            if not any(real.is_relative_to(root) for root in roots):
                raise _OutsideTemplates(template, display_path(filename))
            return source, filename, uptodate

    loaders = []
    if template_dir is not None:
        loaders.append(ConfinedLoader(str(template_dir)))
    loaders.append(ConfinedLoader(str(bundled_templates())))

    class BoundedEnvironment(ImmutableSandboxedEnvironment):
        """Arithmetic that could build a huge string or list, or a huge
        number, is checked before it runs (and never folded at compile time)."""

        intercepted_binops = frozenset({"*", "**", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SecurityError(f"exponent {right} is too large")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if (
                        isinstance(seq, (str, list, tuple))
                        and isinstance(n, int)
                        and len(seq) * n > MAX_OUTPUT_CHARS
                    ):
                        raise SecurityError("repetition would exceed the guide size limit")
            if (
                operator == "+"
                and isinstance(left, (str, list, tuple))
                and hasattr(right, "__len__")
            ) and len(left) + len(right) > MAX_OUTPUT_CHARS:
                raise SecurityError("concatenation would exceed the guide size limit")
            return super().call_binop(context, operator, left, right)

    env = BoundedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name) and name.endswith((".html.j2", ".html", ".xml.j2")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()
    env.globals["range"] = safe_range  # range() capped at 100,000 items
    env.filters["md_cell"] = markdown_cell
    env.bytecode_cache = _bytecode_cache()
    return env


def _bytecode_cache() -> Any:
    """Compiled templates kept in the user's cache directory: compiling the
    guide template costs more than rendering it (see dreamq._cache)."""
    from jinja2 import FileSystemBytecodeCache

    from ._cache import cache_dir

    directory = cache_dir("templates")
    return FileSystemBytecodeCache(str(directory)) if directory is not None else None


def render_guide(
    data: Mapping[str, Any],
    *,
    fmt: str = "md",
    template_dir: str | Path | None = None,
    paper: str = "a4",
    sheet: str | None = None,
) -> str:
    """Render guide data (from :func:`guide_data`) as Markdown or HTML text.

    ``sheet`` ("observer" or "debrief") renders that companion sheet instead
    of the guide.  ``template_dir`` overrides bundled templates file by file.
    A broken template raises :class:`~dreamq.errors.DreamqError` naming its
    file and line.  PDF, Word and JSON are in :mod:`dreamq.publishing`.
    """
    from .sheets import sheet_data

    if fmt not in TEMPLATES:
        raise ValueError(f"no template renders {fmt!r}; use one of {', '.join(TEMPLATES)}")
    tdir = Path(template_dir) if template_dir is not None else None
    if tdir is not None and not tdir.is_dir():
        raise DreamqError(Problem("template directory not found", display_path(tdir)))
    context = dict(data)
    labels = load_labels(str(data["language"]), tdir)
    variables: dict[str, Any] = {"guide": context, "labels": labels, "paper": paper}
    name = TEMPLATES[fmt]
    if sheet is not None:
        variables["sheet"] = sheet_data(sheet, labels)
        name = SHEET_TEMPLATES[fmt]
    return render_template(name, variables, tdir)


def render_template(name: str, variables: Mapping[str, Any], template_dir: Path | None) -> str:
    """Render one template with plain-data ``variables`` in the sandbox."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    env = _template_environment(template_dir)
    shown = (
        display_path(template_dir / name)
        if template_dir is not None and (template_dir / name).exists()
        else name
    )
    try:
        with _bounded(RENDER_SECONDS, RENDER_MEMORY):
            template = env.get_template(name)
            text = template.render(**variables)
    except TemplateSyntaxError as exc:
        raise DreamqError(
            Problem(
                f"template syntax error: {exc.message}",
                display_path(exc.filename or name),
                exc.lineno,
            )
        ) from None
    except (
        TemplateNotFound,
        _OutsideTemplates,
        RecursionError,
        _RenderLimit,
        MemoryError,
        UndefinedError,
        SecurityError,
        TemplateError,
        ArithmeticError,
        TypeError,
        ValueError,
        LookupError,
    ) as exc:
        raise DreamqError(_render_problem(exc, env, name, shown)) from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise DreamqError(Problem(f"rendered guide exceeds {MAX_OUTPUT_CHARS:,} characters", shown))
    return text


#: Wall-clock seconds and extra memory a template may take to render (the
#: bundled guide takes a few milliseconds and a few megabytes).
RENDER_SECONDS = 1.5
RENDER_MEMORY = 64 * 2**20


class _RenderLimit(Exception):
    pass


class _OutsideTemplates(Exception):
    """A template file that is a link leading out of the template directory
    (not TemplateNotFound: the bundled template must not stand in for it)."""

    def __init__(self, name: str, path: str):
        super().__init__(name)
        self.name = name
        self.path = path


@contextmanager
def _bounded(seconds: float, memory: int) -> Iterator[None]:
    """Stop a runaway template: a wall-clock alarm (main thread only) and an
    address-space ceiling of ``memory`` above what the process uses now
    (Linux), so that a 'x' * 10**9 fails at once instead of taking the
    machine's memory.  Both are restored afterwards."""
    import signal
    import threading

    timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timer:

        def expire(signum: int, frame: Any) -> None:
            raise _RenderLimit(f"template took longer than {seconds:g} s to render")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    ceiling = _memory_ceiling(memory)
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if ceiling is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, ceiling)


def _memory_ceiling(extra: int) -> tuple[int, int] | None:
    """Lower RLIMIT_AS to current use + ``extra``; return the limits to restore."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as fh:
            used = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft != resource.RLIM_INFINITY and soft <= limit:
            return None  # already tighter
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return soft, hard
    except (ImportError, OSError, ValueError):
        return None


def _render_problem(exc: BaseException, env: Any, name: str, shown: str) -> Problem:
    """One message for anything that stopped a template while rendering,
    placed at the template file and line it happened on."""
    from jinja2 import TemplateNotFound

    # A cycle is reported where it is entered: the innermost frame depends on
    # how deep the stack happened to be when Python gave up.
    filename, line = _template_position(exc, outermost=isinstance(exc, RecursionError))
    if isinstance(exc, _OutsideTemplates):
        message = (
            f'template "{exc.name}" ({exc.path}) is a link to a file outside the template '
            "directory; it was not read"
        )
        hint = "copy the file into the template directory"
        filename = filename or exc.path
    elif isinstance(exc, TemplateNotFound):
        message = f'template "{exc.name}" not found, or outside the template directory'
        hint = "templates may include, import or extend only files beside them"
    elif isinstance(exc, RecursionError):
        message = "template includes or extends itself, or a macro calls itself without end"
        hint = "check {% include %}, {% extends %} and macros in your templates"
        line = line if line is not None else _deepest_line(env, name)
    elif isinstance(exc, _RenderLimit):
        message, hint = str(exc), "a guide renders in milliseconds"
    elif isinstance(exc, MemoryError):
        message = (
            f"the guide would be too large: rendering needed more than {RENDER_MEMORY // 2**20} MB"
        )
        hint = "look for huge repeats, ranges or joins"
    else:
        message = f"template error: {exc or type(exc).__name__}"
        hint = "templates see only `guide`, `labels`, `paper` and `sheet`; see docs/templates.md"
    return Problem(message, filename or shown, line, hint=hint)


def _template_position(
    exc: BaseException, *, outermost: bool = False
) -> tuple[str | None, int | None]:
    """The template file and line a render-time error happened at."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    for frame in frames if outermost else reversed(frames):
        if frame.filename.endswith(".j2") or "/templates" in frame.filename:
            return display_path(frame.filename), frame.lineno
    return None, None


def _deepest_line(env: Any, name: str) -> int | None:
    """The line of a template that nests brackets and filters the deepest:
    where a recursion error in parsing most likely comes from."""
    try:
        source = env.loader.get_source(env, name)[0]
    except Exception:
        return None
    counts = [sum(line.count(c) for c in "([{|") for line in source.splitlines()]
    return counts.index(max(counts)) + 1 if counts else None
