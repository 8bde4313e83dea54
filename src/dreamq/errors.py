"""Errors dreamq reports to its users, and the exit codes that go with them.

Every problem with a user's input becomes a :class:`DreamqError` carrying one or
more :class:`Problem` records.  A problem names the file, the line (and column
where the parser knows it), what is wrong, and what to do about it.  The CLI
prints them one per line on stderr and exits with :data:`EXIT_INPUT`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

#: Everything worked.
EXIT_OK = 0
#: A bank, domain, study or template is broken, an id is unknown, or an output
#: file would be overwritten.  The message says which file and what to do.
EXIT_INPUT = 1
#: The command line itself is wrong (unknown option, missing argument).
EXIT_USAGE = 2
#: A bug in dreamq.  Re-run with ``DREAMQ_DEBUG=1`` and report the traceback.
EXIT_INTERNAL = 3
#: Interrupted with Ctrl-C.
EXIT_INTERRUPTED = 130


class Problem:
    """One thing wrong with one input file.  (A plain class, not a dataclass:
    this module is imported by ``dreamq --help``, and dataclasses is not free.)"""

    __slots__ = ("column", "file", "hint", "line", "message", "more")

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        more: int = 0,
    ):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        #: On the line that stands for problems not listed: how many there are.
        self.more = more

    def _key(self) -> tuple[object, ...]:
        return (self.message, self.file, self.line, self.column, self.hint, self.more)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Problem({', '.join(repr(v) for v in self._key())})"

    def where(self) -> str:
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return _printable(text)


class DreamqError(Exception):
    """A problem with the user's input; never a bug in dreamq.

    ``problems`` holds every problem found (validation reports them all, not
    only the first); ``str(error)`` joins them one per line.
    """

    def __init__(self, problems: Problem | Sequence[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as the user would like to read it: relative to the working
    directory when it lies below it, otherwise as given."""
    shown = os.fspath(path)
    try:  # abspath, not realpath: a symlink is shown as the name the user gave
        absolute = os.path.abspath(shown)
        cwd = os.path.realpath(os.getcwd())
    except OSError:
        return shown
    if absolute == cwd or not absolute.startswith(cwd + os.sep):
        return shown
    return os.path.relpath(absolute, cwd)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean "x"?' when a close match exists, else ''."""
    import difflib

    choices = list(choices)
    starts = [c for c in choices if c.startswith(word) or word.startswith(c)] if word else []
    if len(starts) == 1:
        return f' Did you mean "{starts[0]}"?'
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return f' Did you mean "{close[0]}"?' if close else ""


_PLURALS = {"study": "studies"}


def unknown_id_error(kind: str, wanted: str, known: Iterable[str], hint: str) -> DreamqError:
    """The error for an id that names nothing: lists what exists, suggests the closest."""
    known = sorted(set(known))
    listing = ", ".join(known) if known else "none"
    return DreamqError(
        Problem(
            f'unknown {kind} "{wanted}".{did_you_mean(wanted, known)} '
            f"Known {_PLURALS.get(kind, kind + 's')}: {listing}",
            hint=hint,
        )
    )


def _printable(text: str) -> str:
    """Control and format characters from a file (NUL, ESC, newlines, U+202E)
    shown escaped, so a message is one line and cannot restyle the terminal."""
    if text.isprintable():
        return text
    import unicodedata

    return "".join(
        ch
        if ch.isprintable() or (ch == " ")
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )
