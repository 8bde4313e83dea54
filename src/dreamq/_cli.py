"""The command line: parses options, calls the library, turns errors into messages.

Heavy modules (yaml, jinja2, rich) are imported inside the commands that need
them, so that ``dreamq --help`` stays as cheap as Typer itself.
"""

# Annotations stay strings until Typer reads a command's signature, so that
# importing this module does not build the Annotated types of every command.
from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from gettext import gettext as _
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_defaults,
)
from typer.models import CommandInfo, TyperInfo

from ._version import __version__
from .errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, DreamqError

DEBUG_ENV = "DREAMQ_DEBUG"


class _LazyCommands(MutableMapping[str, TyperCommand | TyperGroup]):
    """The subcommands registered on a Typer app, by name and in the order Typer
    lists them (commands, then sub-apps), each built into its Click command the
    first time it is looked up."""

    def __init__(self, source: typer.Typer, group: TyperGroup, pretty_exceptions_short: bool):
        self._group = group
        self._pretty_exceptions_short = pretty_exceptions_short
        #: name -> its registration (None for a command added already built)
        self._infos: dict[str, CommandInfo | TyperInfo | None] = {}
        #: sub-app name -> its registration with Typer's defaults filled in
        self._solved: dict[str, TyperInfo] = {}
        self._built: dict[str, TyperCommand | TyperGroup] = {}
        for command_info in source.registered_commands:
            assert command_info.callback is not None
            name = command_info.name or get_command_name(command_info.callback.__name__)
            self._infos[name] = command_info
        for group_info in source.registered_groups:
            solved = solve_typer_info_defaults(group_info)
            assert solved.name, "every sub-app is added with a name"
            self._infos[solved.name] = group_info
            self._solved[solved.name] = solved

    def __getitem__(self, name: str) -> TyperCommand | TyperGroup:
        if name not in self._built:
            info = self._infos[name]
            if isinstance(info, CommandInfo):
                self._built[name] = get_command_from_info(
                    info,
                    pretty_exceptions_short=self._pretty_exceptions_short,
                    rich_markup_mode=self._group.rich_markup_mode,
                )
            else:
                assert info is not None
                self._built[name] = get_group_from_info(
                    info,
                    pretty_exceptions_short=self._pretty_exceptions_short,
                    rich_markup_mode=self._group.rich_markup_mode,
                    suggest_commands=self._group.suggest_commands,
                )
        return self._built[name]

    def __setitem__(self, name: str, command: TyperCommand | TyperGroup) -> None:
        self._infos.setdefault(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._solved.pop(name, None)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def summary(self, name: str) -> TyperCommand | TyperGroup:
        """The command if it is built; else a stand-in without parameters with
        the help, short help, hidden and deprecated that Typer would give it."""
        if name in self._built:
            return self._built[name]
        info = self._infos[name]
        if isinstance(info, CommandInfo):  # as typer.main.get_command_from_info
            doc = (
                inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
            )
            return TyperCommand(
                name,
                help=doc,
                short_help=info.short_help,
                hidden=info.hidden,
                deprecated=info.deprecated,
            )
        solved = self._solved[name]  # as typer.main.get_group_from_info
        return TyperCommand(
            name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )


class _LazyGroup(TyperGroup):
    """The ``dreamq`` group, building each subcommand only when it is looked up.

    Typer builds the Click command of every subcommand, each parameter from the
    function's signature, whenever the app runs: that made ``dreamq --help``
    take a fifth longer than ``import typer``.  With this group ``dreamq --help``
    builds none (the command list comes from the registrations), ``dreamq
    generate ...`` only generate, and shell completion only the commands it
    looks into.  The subcommands are therefore registered on :data:`commands`,
    which Typer never builds as a whole, not on :data:`app`."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        lazy = _LazyCommands(commands, self, app.pretty_exceptions_short)
        lazy.update(self.commands)  # any registered on app itself come built
        self.commands = lazy

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """As TyperGroup.format_commands, but from the commands' summaries."""
        assert isinstance(self.commands, _LazyCommands)
        listed = [(name, self.commands.summary(name)) for name in self.list_commands(ctx)]
        listed = [(name, command) for name, command in listed if not command.hidden]
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _command in listed)
            with formatter.section(_("Commands")):
                formatter.write_dl(
                    [(name, command.get_short_help_str(limit)) for name, command in listed]
                )


app = typer.Typer(
    name="dreamq",
    cls=_LazyGroup,
    rich_markup_mode=None,  # plain Click help: Rich formatting doubles start-up time
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)
#: dreamq's subcommands: _LazyGroup builds them for ``app`` one at a time.
commands = typer.Typer()
banks_app = typer.Typer(help="List and show question banks.", no_args_is_help=True)
domains_app = typer.Typer(help="List and show domain profiles.", no_args_is_help=True)
commands.add_typer(banks_app, name="banks")
templates_app = typer.Typer(
    help="List the bundled templates, or copy them out.", no_args_is_help=True
)
commands.add_typer(domains_app, name="domains")
commands.add_typer(templates_app, name="templates")


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0", "false", "no")


def _emit(data: str | bytes, newline: bool = True) -> None:
    """Data on stdout (bytes for PDF and Word).  A reader that goes away
    (`dreamq generate | head`) is not an error: the rest is dropped and
    dreamq exits 0."""
    try:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data + ("\n" if newline else ""))
            sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


_STYLES = {"error": "\033[1;31m", "warning": "\033[33m"}


def _color_stderr() -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stderr.isatty()


def _say(kind: str, message: str) -> None:
    """One message on stderr: 'error: ...', 'warning: ...' or a plain note.

    Written directly rather than through Rich: importing Rich for one line
    costs ~40 ms, a fifth of a whole `dreamq generate`."""
    style = _STYLES.get(kind)
    if style is None:
        line = message
    elif _color_stderr():
        line = f"{style}{kind}:\033[0m {message}"
    else:
        line = f"{kind}: {message}"
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class _ProgressBar:
    """A progress bar on stderr for work that takes seconds (printing a study's
    guides), drawn only on a terminal and gone when the work is done; piped or
    captured stderr gets only the final message.  Rich is imported only when
    a bar is actually drawn."""

    def __init__(self, description: str):
        self.description = description
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < 2 or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, completed=done)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _search_dirs(bank_dir: list[Path] | None, lock: Path | None) -> list[Path]:
    """The --bank-dir folders; without any (and without a lock, which records
    its own), the bank repository the working directory lies in, as validate
    and lint use it: `dreamq generate pilot` works inside a team's repository."""
    if bank_dir or lock is not None:
        return list(bank_dir or ())
    from .scaffold import find_repository

    repository = find_repository(".")
    return [repository] if repository is not None else []


@contextmanager
def _reporting() -> Iterator[None]:
    """Turn dreamq's errors into messages and exit codes; tracebacks only with DREAMQ_DEBUG=1."""
    try:
        yield
    except DreamqError as exc:
        if _debug():
            raise
        for problem in exc.problems:
            _say("error", str(problem))
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:  # a bug in dreamq
        if _debug():
            raise
        _say(
            "error",
            f"internal error: {type(exc).__name__}: {exc}. "
            f"Re-run with {DEBUG_ENV}=1 for the traceback and please report it.",
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"dreamq {__version__}")
        raise typer.Exit()


# An alias like the options below: Typer evaluates _root's annotation (a string,
# see the top of the module) on every run, and a name evaluates quicker than the
# whole Annotated[...] expression.
VersionOpt = Annotated[
    bool,
    typer.Option(
        "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
]


@app.callback()
def _root(version: VersionOpt = False) -> None:
    """Turn question banks kept as YAML in git into moderator discussion guides.

    Exit codes: 0 success; 1 a problem with banks, domains, studies, templates
    or output files (the message names the file and line); 2 wrong command-line
    usage; 3 a bug in dreamq (set DREAMQ_DEBUG=1 for the traceback).
    """


BankDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank-dir",
        "-b",
        metavar="DIR",
        help="A directory of team banks, domains and studies; repeatable. "
        "Added after DREAMQ_BANK_PATH; same ids override bundled ones. "
        "Default: the bank repository you are in (a folder with .dreamq/ or banks/).",
        file_okay=False,
        readable=False,
    ),
]


def _parse_date(value: str | None) -> Any:
    if value is None:
        return None
    import datetime as _dt

    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date in the form YYYY-MM-DD, like 2026-11-23",
            param_hint="--date",
        ) from None


StudyArg = Annotated[
    str | None,
    typer.Argument(metavar="STUDY", help="Study id or file (default: the bundled co-creation-90)."),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(
        "--domain", "-d", metavar="ID|FILE", help="Domain id or file (default: the study's)."
    ),
]
MinutesOpt = Annotated[
    int | None,
    typer.Option(
        "--minutes",
        "-m",
        metavar="N",
        min=1,
        max=1440,
        help="Session length; rescales the time boxes and reports what was cut.",
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang", "-l", metavar="TAG", help="Language: en, zh-Hant, zh-Hans (default: the study's)."
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="N",
        min=0,
        help="Seed for choosing optional questions (default: the study's).",
    ),
]
TemplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--template",
        "-t",
        metavar="DIR",
        file_okay=False,
        readable=False,
        help="Directory of templates overriding the bundled ones.",
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-F",
        metavar="FORMAT",
        help="md, html, pdf, docx or json (default: from the -o suffix, else md). "
        "pdf needs dreamq[pdf], docx needs dreamq[docx].",
    ),
]
PlanFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-F",
        metavar="FORMAT",
        help="Format of the session guides: md, html, pdf, docx or json (default md). "
        "pdf needs dreamq[pdf], docx needs dreamq[docx].",
    ),
]
PaperOpt = Annotated[
    str,
    typer.Option(
        "--paper", metavar="SIZE", help="Paper size for html, pdf and docx: a4 or letter."
    ),
]
SheetsOpt = Annotated[
    str | None,
    typer.Option(
        "--sheets",
        metavar="NAMES",
        help="Companion sheets to write beside each guide, comma-separated: observer, "
        "debrief (guide.md gets guide.observer.md ...).",
    ),
]
PlanSheetsOpt = Annotated[
    str | None,
    typer.Option(
        "--sheets",
        metavar="NAMES",
        help="Companion sheets to write beside each session guide, comma-separated: "
        "observer, debrief (session-01.md gets session-01.observer.md ...).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", "-f", help="Overwrite existing output files.")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="YYYY-MM-DD", help="Session date printed in the header (default: today)."
    ),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help="Only questions with this tag; repeatable (any of)."),
]
ExcludeTagOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude-tag", metavar="TAG", help="No questions with this tag; repeatable."),
]
AudienceOpt = Annotated[
    str | None,
    typer.Option(
        "--audience",
        metavar="NAME",
        help="Only banks for this audience (banks that name no audience are for everyone).",
    ),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include", metavar="BANK/QUESTION", help="A question that must be asked; repeatable."
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="BANK/QUESTION", help="A question never to ask; repeatable."),
]
LockOpt = Annotated[
    Path | None,
    typer.Option(
        "--lock",
        metavar="FILE",
        dir_okay=False,
        help="Print exactly what this lock file records (study, domain, options, questions); "
        "says which questions changed since.",
    ),
]


def _filters(
    tag: list[str] | None,
    exclude_tag: list[str] | None,
    audience: str | None,
    include: list[str] | None,
    exclude: list[str] | None,
) -> Any:
    from .planner import Filters

    return Filters(
        tags=tuple(tag or ()),
        exclude_tags=tuple(exclude_tag or ()),
        audience=audience,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
    )


def _output_options(
    fmt: str | None, paper: str, sheets: str | None, output: Path | None
) -> tuple[str, list[str]]:
    """Check --format, --paper and --sheets (usage errors, exit 2; either
    case is fine); return the format, the paper and the sheet names."""
    from .publishing import FORMATS, PAPERS, format_for
    from .sheets import SHEETS

    fmt = fmt.lower() if fmt is not None else None
    paper = paper.lower()
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format"
        )
    if paper not in PAPERS:
        raise typer.BadParameter(
            f"{paper!r} is not one of {', '.join(PAPERS)}", param_hint="--paper"
        )
    sheet_names = [name.strip() for name in (sheets or "").split(",") if name.strip()]
    for name in sheet_names:
        if name not in SHEETS:
            raise typer.BadParameter(
                f"{name!r} is not one of {', '.join(SHEETS)}", param_hint="--sheets"
            )
    implied = format_for(output) if output is not None and output.suffix else None
    if fmt is not None and implied is not None and output is not None:
        from .publishing import SUFFIXES

        if output.suffix.lower() in SUFFIXES and implied != fmt:
            raise typer.BadParameter(
                f"--format {fmt} would write {fmt} into {output.name}; "
                f"name the file *.{fmt} or drop --format",
                param_hint="--format",
            )
    return format_for(output, fmt), paper, list(dict.fromkeys(sheet_names))


@commands.command()
def generate(
    study: StudyArg = None,
    domain: DomainOpt = None,
    minutes: MinutesOpt = None,
    lang: LangOpt = None,
    seed: SeedOpt = None,
    bank_dir: BankDirs = None,
    template: TemplateOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            dir_okay=False,
            readable=False,
            help="Write the guide here instead of stdout.",
        ),
    ] = None,
    fmt: FormatOpt = None,
    paper: PaperOpt = "a4",
    sheets: SheetsOpt = None,
    force: ForceOpt = False,
    date: DateOpt = None,
    tag: TagOpt = None,
    exclude_tag: ExcludeTagOpt = None,
    audience: AudienceOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    lock: LockOpt = None,
    lock_out: Annotated[
        Path | None,
        typer.Option(
            "--lock-out",
            metavar="FILE",
            dir_okay=False,
            help="Also write a lock file recording this guide, to print it again with --lock.",
        ),
    ] = None,
) -> None:
    """Generate a moderator guide for a study and a domain, with companion sheets."""
    from .publishing import BINARY_FORMATS, sheet_path

    session_date = _parse_date(date)
    if output is not None and str(output) == "-":
        output = None  # -o - is stdout, as usual
    fmt, paper, sheet_names = _output_options(fmt, paper, sheets, output)
    if sheet_names and output is None:
        raise typer.BadParameter(
            "sheets are written beside the guide: add -o FILE", param_hint="--sheets"
        )
    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise typer.BadParameter(
            f"{fmt} is binary and stdout is a terminal: add -o guide.{fmt}, or redirect",
            param_hint="--format",
        )
    named = [p for p in (output, lock_out) if p is not None]
    if len({p.resolve() for p in named}) < len(named) or (
        lock_out is not None
        and lock_out.resolve() in {sheet_path(output, n).resolve() for n in sheet_names}
    ):
        raise typer.BadParameter(
            "two outputs would be the same file; give --lock-out its own name",
            param_hint="--lock-out",
        )
    with _reporting():
        from ._generate import generate as run_generate
        from .output import check_targets, write_files

        targets = [] if output is None else [output, *(sheet_path(output, s) for s in sheet_names)]
        if lock_out is not None:
            targets.append(lock_out)
        check_targets(targets, force=force)  # fail before doing the work; checked again on writing
        guide = run_generate(
            study,
            domain=domain,
            minutes=minutes,
            language=lang,
            seed=seed,
            bank_dirs=_search_dirs(bank_dir, lock),
            template_dir=template,
            fmt=fmt,
            paper=paper,
            sheets=sheet_names,
            date=session_date,
            filters=_filters(tag, exclude_tag, audience, include, exclude),
            lock=lock,
            lock_out=lock_out is not None,
        )
        for change in guide.changes:
            _say("warning", change)
        for warning in guide.warnings:
            _say("warning", warning)
        contents = [guide.content, *guide.sheets.values()]
        if lock_out is not None:
            assert guide.lock is not None
            contents.append(guide.lock)
        if output is None:
            _emit(guide.content, newline=False)
            if lock_out is not None:
                write_files([(lock_out, guide.lock or "")], force=force)
                _say("", f"wrote {lock_out}")
            return
        write_files(list(zip(targets, contents, strict=True)), force=force)
        _say(
            "",
            f"wrote {output} ({guide.data['question_count']} questions, "
            f"{guide.data['minutes']} minutes, {guide.data['language']}, {fmt})",
        )
        for path in targets[1:]:
            _say("", f"wrote {path}")


@commands.command()
def plan(
    study: StudyArg = None,
    domain: DomainOpt = None,
    sessions: Annotated[
        int | None,
        typer.Option(
            "--sessions",
            "-n",
            metavar="N",
            help="How many sessions the study runs (default 4; 4-12 is usual; at most 1000).",
        ),
    ] = None,
    minutes: MinutesOpt = None,
    lang: LangOpt = None,
    seed: SeedOpt = None,
    bank_dir: BankDirs = None,
    template: TemplateOpt = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            file_okay=False,
            help="Directory for the guides, plan.md, plan.json and dreamq.lock (made if missing).",
        ),
    ] = Path("plan"),
    fmt: PlanFormatOpt = None,
    paper: PaperOpt = "a4",
    sheets: PlanSheetsOpt = None,
    force: ForceOpt = False,
    date: DateOpt = None,
    tag: TagOpt = None,
    exclude_tag: ExcludeTagOpt = None,
    audience: AudienceOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    lock: LockOpt = None,
) -> None:
    """Plan every session of a study: one guide per session, section order
    counterbalanced (Williams design), optional questions rotated, plus
    plan.md, plan.json and a dreamq.lock to print them all again."""
    from .publishing import SUFFIXES

    session_date = _parse_date(date)
    fmt, paper, sheet_names = _output_options(fmt or "md", paper, sheets, None)
    if output.suffix.lower() in SUFFIXES:
        wanted = SUFFIXES[output.suffix.lower()]
        raise typer.BadParameter(
            f"-o names the directory plan writes its guides into, not a file; "
            f"for {wanted} guides use -F {wanted} -o DIR (e.g. -F {wanted} -o "
            f"{output.with_suffix('')})",
            param_hint="--output",
        )
    if lock is not None and sessions is not None:
        raise typer.BadParameter(
            "the lock file decides how many sessions there are", param_hint="--sessions"
        )
    with _reporting():
        from ._generate import generate_plan
        from .output import write_tree

        if output.exists() and not output.is_dir():
            from .errors import DreamqError, Problem

            raise DreamqError(Problem("is not a directory; nothing was written", str(output)))
        with _ProgressBar("rendering sessions") as progress:
            planned = generate_plan(
                study,
                sessions=4 if sessions is None else sessions,
                domain=domain,
                minutes=minutes,
                language=lang,
                seed=seed,
                bank_dirs=_search_dirs(bank_dir, lock),
                template_dir=template,
                fmt=fmt,
                paper=paper,
                sheets=sheet_names,
                date=session_date,
                filters=_filters(tag, exclude_tag, audience, include, exclude),
                lock=lock,
                progress=progress,
            )
        for change in planned.changes:
            _say("warning", change)
        for warning in planned.warnings:
            _say("warning", warning)
        write_tree(output, list(planned.files.items()), force=force)
        _say(
            "",
            f"wrote {len(planned.plan.sessions)} session guide(s), plan.md, plan.json and "
            f"dreamq.lock to {output}",
        )


@banks_app.command("list")
def banks_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    bank_dir: BankDirs = None,
) -> None:
    """List the banks on the search path."""
    with _reporting():
        from .catalog import load_catalog

        catalog = load_catalog(_search_dirs(bank_dir, None))
        rows = [
            {
                "id": b.id,
                "category": b.category,
                "title": b.pick(b.title, b.language),
                "questions": len(b.questions),
                "minutes": b.minutes,
                "languages": sorted(set().union(*(q.languages for q in b.questions))),
                "origin": b.origin,
                "path": str(b.path),
            }
            for b in sorted(catalog.banks.values(), key=lambda b: b.id)
        ]
        _listing(rows, ["id", "title", "questions", "minutes", "languages", "origin"], as_json)


@banks_app.command("show")
def banks_show(
    bank_id: Annotated[
        str, typer.Argument(metavar="BANK", help="Bank id (see `dreamq banks list`).")
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", metavar="TAG", help="Language to show.")
    ] = None,
    bank_dir: BankDirs = None,
) -> None:
    """Show one bank's questions, probes and notes (placeholders unfilled)."""
    with _reporting():
        from .catalog import load_catalog

        bank = load_catalog(_search_dirs(bank_dir, None), lazy=True).bank(bank_id)
        language = lang or bank.language
        out = [
            f"{bank.id}: {bank.pick(bank.title, language)}",
            f"  file: {bank.path} ({bank.origin})",
        ]
        description = bank.pick(bank.description, language)
        if description:
            out.append(f"  {description}")
        for note in bank.pick(bank.moderator_notes, language):
            out.append(f"  note: {note}")
        for q in bank.questions:
            text = q.text.get(language)
            out.append("")
            out.append(
                f"{q.ref}  [{q.priority}, {q.minutes} min{', ' + ' '.join(q.tags) if q.tags else ''}]"
            )
            out.append(f"  {text if text is not None else f'(no {language} translation)'}")
            for probe in q.probes.get(language, ()):
                out.append(f"    - {probe}")
        _emit("\n".join(out))


@domains_app.command("list")
def domains_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    bank_dir: BankDirs = None,
) -> None:
    """List the domain profiles on the search path."""
    with _reporting():
        from .catalog import load_catalog

        catalog = load_catalog(_search_dirs(bank_dir, None))
        rows = [
            {
                "id": d.id,
                "title": d.pick(d.title, "en"),
                "languages": list(d.languages),
                "origin": d.origin,
                "path": str(d.path),
            }
            for d in sorted(catalog.domains.values(), key=lambda d: d.id)
        ]
        _listing(rows, ["id", "title", "languages", "origin"], as_json)


@domains_app.command("show")
def domains_show(
    domain_ref: Annotated[str, typer.Argument(metavar="DOMAIN", help="Domain id or file.")],
    bank_dir: BankDirs = None,
) -> None:
    """Show a domain profile's variables in every language."""
    with _reporting():
        from .catalog import load_catalog

        domain = load_catalog(_search_dirs(bank_dir, None), lazy=True).domain(domain_ref)
        out = [
            f"{domain.id}: {domain.pick(domain.title, 'en')}",
            f"  file: {domain.path} ({domain.origin})",
        ]
        for language in domain.languages:
            out.append("")
            out.append(f"[{language}]")
            for name, value in domain.variables(language).items():
                shown = ", ".join(value) if isinstance(value, list) else value
                out.append(f"  {name}: {shown}")
        _emit("\n".join(out))


@commands.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            readable=False,
            metavar="[PATH]...",
            help="Files or directories to check (default: the bank repository you are "
            "in, else everything on the search path).",
        ),
    ] = None,
    bank_dir: BankDirs = None,
) -> None:
    """Check banks, domains and studies; report every problem, not only the first.

    PATH defaults to the bank repository you are in: the nearest folder, from
    the current one up to the top of its git work tree, that holds .dreamq/ or
    banks/ (as dreamq init makes). Outside one, it defaults to everything on
    the search path. A file checked on its own sees the other banks and
    domains of the repository it lies in, found the same way."""
    with _reporting():
        from .scaffold import checking_scope
        from .validation import validate as run_validate

        paths, bank_dirs = checking_scope(paths or (), bank_dir or ())
        report = run_validate(paths, bank_dirs=bank_dirs)
        for problem in report.problems:
            _say("error", str(problem))
        _say("", report.summary())
        if report.problems:
            raise typer.Exit(EXIT_INPUT)


@commands.command()
def schema(
    kind: Annotated[str, typer.Argument(help="bank, domain, study or guide.", metavar="KIND")],
) -> None:
    """Print the JSON Schema of a file format: bank, domain and study for editors
    (yaml-language-server), guide for the output of --format json."""
    if kind not in ("bank", "domain", "study", "guide"):
        raise typer.BadParameter(
            f"{kind!r} is not one of bank, domain, study, guide", param_hint="KIND"
        )
    import json

    if kind == "guide":
        from .publishing import guide_schema

        _emit(json.dumps(guide_schema(), indent=2, ensure_ascii=False))
        return
    from ._formats import json_schema

    _emit(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@commands.command()
def stats(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or directories whose banks to count (default: the bank "
            "repository you are in, else every bank on the search path).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    bank_dir: BankDirs = None,
) -> None:
    """Questions, minutes, languages and tags per bank and per category.

    PATH defaults as for validate: in a bank repository (a folder holding
    .dreamq/ or banks/) or below one, the repository's banks; elsewhere every
    bank on the search path."""
    with _reporting():
        import json

        from .scaffold import checking_scope
        from .stats import (
            CATEGORY_HEADER,
            TABLE_HEADER,
            bank_stats,
            category_table,
            load_banks,
            stats_table,
        )

        paths, bank_dirs = checking_scope(paths or (), bank_dir or ())
        figures = bank_stats(load_banks(paths, bank_dirs=bank_dirs))
        if as_json:
            _emit(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        _table(TABLE_HEADER, stats_table(figures)[1:])
        _emit("")
        _table(CATEGORY_HEADER, category_table(figures)[1:])


@commands.command()
def diff(
    arguments: Annotated[
        list[str],
        typer.Argument(
            metavar="REV1 [REV2] [PATH]...",
            help="Compare the banks at git revision REV1 with REV2 (default: the working "
            "tree), in PATHs (default: the whole repository). `--` ends the revisions.",
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-F", metavar="FORMAT", help="text or json.")
    ] = "text",
    directory: Annotated[
        Path,
        typer.Option(
            "-C",
            metavar="DIR",
            file_okay=False,
            readable=False,
            help="Read the git repository in DIR instead of the current folder, as "
            "git -C does; PATHs are then relative to DIR.",
        ),
    ] = Path("."),
) -> None:
    """What changed, question by question, between two git revisions: added,
    removed, reworded, moved and reordered questions, probes, minutes, tags."""
    if fmt.lower() not in ("text", "json"):
        raise typer.BadParameter(f"{fmt!r} is not one of text, json", param_hint="--format")
    with _reporting():
        from .bank_diff import diff_revisions, split_arguments

        rev1, rev2, paths = split_arguments(arguments, repo=directory)
        changes = diff_revisions(rev1, rev2, paths, repo=directory)
        _emit(changes.to_json() if fmt.lower() == "json" else changes.to_text(), newline=False)
        if changes.problems:
            raise typer.Exit(EXIT_INPUT)


@commands.command()
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or directories (default: the bank repository you are in, "
            "else the search path).",
        ),
    ] = None,
    bank_dir: BankDirs = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-F",
            metavar="FORMAT",
            help="text, json or github (pull-request annotations).",
        ),
    ] = "text",
) -> None:
    """Validate, then check question quality: leading, double-barrelled, closed and
    hypothetical questions, length, jargon, placeholders, near-duplicates,
    translations. Configure in .dreamq-lint.yaml; exit 1 when errors are found.

    PATH defaults as for validate: in a bank repository (a folder holding
    .dreamq/ or banks/) or below one, the whole repository; elsewhere the
    search path. A file checked on its own sees the other banks and domains of
    the repository it lies in."""
    if fmt.lower() not in ("text", "json", "github"):
        raise typer.BadParameter(f"{fmt!r} is not one of text, json, github", param_hint="--format")
    with _reporting():
        from .lint import format_findings
        from .lint import lint as run_lint
        from .scaffold import checking_scope

        paths, bank_dirs = checking_scope(paths or (), bank_dir or ())
        report = run_lint(paths, bank_dirs=bank_dirs)
        _emit(format_findings(report, fmt.lower()))
        if report.errors:
            raise typer.Exit(EXIT_INPUT)


@commands.command()
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or directories (default: the bank repository you are in, else .).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if any file is not formatted (for CI)."
        ),
    ] = False,
) -> None:
    """Format bank, domain and study files canonically, keeping comments: key
    order, indentation, line width. Idempotent, so --check can gate CI.

    In a bank repository (a folder holding .dreamq/ or banks/) or below one,
    PATH defaults to the whole repository; elsewhere to the current folder."""
    with _reporting():
        from .formatting import format_paths
        from .scaffold import checking_scope

        paths = checking_scope(paths or ())[0] or [Path(".")]
        result = format_paths(paths, check=check)
        for path in result.changed:
            _say("", f"{'would reformat' if check else 'reformatted'} {path}")
        _say(
            "",
            f"{len(result.changed)} file(s) {'would be ' if check else ''}reformatted, "
            f"{result.unchanged} unchanged",
        )
        if check and result.changed:
            raise typer.Exit(EXIT_INPUT)


@commands.command("import")
def import_(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="csv, xlsx or md.")],
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A spreadsheet, one row per question, or a Markdown guide.",
            dir_okay=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            file_okay=False,
            help="Where to write the bank files (made if missing).",
        ),
    ] = Path("."),
    bank_id: Annotated[
        str | None,
        typer.Option("--bank-id", metavar="ID", help="md: put every question into this one bank."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite banks that exist.")
    ] = False,
) -> None:
    """Turn a spreadsheet (columns bank, id, text:en, probes:en, minutes, ...) or
    an existing Markdown discussion guide into bank files."""
    if kind.lower() not in ("csv", "xlsx", "md"):
        raise typer.BadParameter(f"{kind!r} is not one of csv, xlsx, md", param_hint="KIND")
    with _reporting():
        from .interchange import import_markdown, import_table
        from .output import write_tree

        banks = (
            import_markdown(source, bank_id=bank_id)
            if kind.lower() == "md"
            else import_table(source)
        )
        written = write_tree(output, sorted(banks.items()), force=force)
        for warning in banks.warnings:
            _say("warning", warning)
        _say(
            "",
            f"wrote {len(written)} bank file(s) to {output}; check them with: dreamq validate {output}",
        )


@commands.command()
def export(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="csv or xlsx.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", dir_okay=False, help="Write here instead of stdout."
        ),
    ] = None,
    bank: Annotated[
        list[str] | None,
        typer.Option(
            "--bank", metavar="ID", help="Only this bank; repeatable (default: every bank)."
        ),
    ] = None,
    bank_dir: BankDirs = None,
    force: ForceOpt = False,
) -> None:
    """Write banks as a spreadsheet, one row per question (the way back from
    dreamq import)."""
    if kind.lower() not in ("csv", "xlsx"):
        raise typer.BadParameter(f"{kind!r} is not one of csv, xlsx", param_hint="KIND")
    suffix = output.suffix.lower() if output is not None else ""
    if suffix in (".csv", ".xlsx") and suffix != f".{kind.lower()}":
        raise typer.BadParameter(
            f"{kind} would be written into {output.name}; name the file *.{kind.lower()}",
            param_hint="KIND",
        )
    if output is None and kind.lower() == "xlsx" and sys.stdout.isatty():
        raise typer.BadParameter(
            "xlsx is binary and stdout is a terminal: add -o banks.xlsx", param_hint="KIND"
        )
    with _reporting():
        from .catalog import load_catalog
        from .errors import unknown_id_error
        from .interchange import export_csv, export_xlsx
        from .output import write_files

        catalog = load_catalog(_search_dirs(bank_dir, None))
        for bank_id in bank or ():
            if bank_id not in catalog.banks:
                raise unknown_id_error("bank", bank_id, catalog.banks, "see `dreamq banks list`")
        chosen = [catalog.banks[b] for b in (bank or sorted(catalog.banks))]
        content: str | bytes = export_csv(chosen) if kind.lower() == "csv" else export_xlsx(chosen)
        if output is None:
            _emit(content, newline=False)
            return
        if isinstance(content, str):
            content = content.encode("utf-8-sig")  # Excel reads UTF-8 CSV only with a BOM
        write_files([(output, content)], force=force)
        _say("", f"wrote {output} ({sum(len(b.questions) for b in chosen)} questions)")


@commands.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="Where to start the repository (made if missing).", file_okay=False
        ),
    ] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite files that exist.")
    ] = False,
) -> None:
    """Start a bank repository: a bank, a domain and a study that work together,
    a README, pre-commit and CI configuration, and editor schemas.

    DIR may be an existing folder, such as a git repository: files that exist
    there are left alone (and listed) unless --force."""
    with _reporting():
        from .errors import display_path
        from .scaffold import init_repository

        done = init_repository(directory, force=force)
        _say("", f"wrote {len(done.written)} file(s) to {directory}")
        if done.kept:
            _say(
                "",
                f"left {len(done.kept)} existing file(s) alone: "
                f"{', '.join(display_path(p) for p in done.kept)} (--force overwrites them)",
            )
        _say("", f"try: dreamq validate {directory}")


@templates_app.command("list")
def templates_list() -> None:
    """List the bundled template files and what each renders."""
    from .templates import PURPOSES, bundled_template_files

    names = [p.name for p in bundled_template_files()]
    _table(["file", "renders"], [[name, PURPOSES.get(name, "")] for name in names])


@templates_app.command("export")
def templates_export(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="Where to copy them (made if missing).", file_okay=False
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite files that exist.")
    ] = False,
) -> None:
    """Copy the bundled templates into DIR as a starting point for --template DIR."""
    with _reporting():
        from .templates import export_templates

        written = export_templates(directory, force=force)
        _say("", f"wrote {len(written)} files to {directory}; use them with --template {directory}")


def _listing(rows: list[dict[str, Any]], columns: list[str], as_json: bool) -> None:
    """Rows as JSON (every field), or as a table of ``columns``."""
    if as_json:
        import json

        _emit(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    cells = [[" ".join(r[c]) if isinstance(r[c], list) else r[c] for c in columns] for r in rows]
    _table(columns, cells)


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    """A table on a terminal; tab-separated lines, nothing cut, when piped."""
    if not sys.stdout.isatty():
        _emit("\n".join("\t".join(str(c) for c in row) for row in [headers, *rows]))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for i, header in enumerate(headers):
        table.add_column(header, no_wrap=i == 0)
    for row in rows:
        table.add_row(*(str(c) for c in row))
    Console(soft_wrap=False, highlight=False).print(table)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="dreamq")
