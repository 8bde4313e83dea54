"""Lock files: everything needed to print the same guides again, months later.

A lock (JSON, ``dreamq.lock``) records the dreamq version, the study, domain
and every bank file used (path, SHA-256 of its content, and its git commit
when it is in a git work tree), the options (minutes, seed, language, date,
filters), and for every session its section order, its questions and the
planning notes its guide carried.  ``--lock FILE`` replays it: the recorded
questions, in the recorded order, with today's bank texts.  Each question's
content hash tells which questions changed since the lock was written.

Relative paths in a lock (files and ``bank_dirs``) are relative to the
folder the plan was made in, which the lock records as ``root``.  A replay
looks for them from the current folder, then the lock file's folder and each
folder above it, then ``root``: the first folder that holds every recorded
team or file-path file (and, without ``--bank-dir``, every recorded bank
directory) is the replay's base, and the replay shows and records paths
relative to it, as the first run did.  A lock with nothing to find keeps its
root.  Without ``--bank-dir``, a recorded file no folder holds is an error
naming the lock file, the line and the path; with it, a study or domain not
found by its path is taken by its id from the directories given.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._version import __version__
from .banks import Bank, Question
from .errors import DreamqError, Problem, display_path
from .planner import Filters, SessionPlan

#: Version of the lock format (the ``lock`` key).
LOCK_FORMAT = 1
#: Largest lock file dreamq reads.
MAX_LOCK_BYTES = 16 * 2**20


def question_hash(q: Question) -> str:
    """SHA-256 of what a question says and costs (texts, probes, minutes,
    priority, tags), so that a lock can tell which questions changed."""
    content = [
        dict(sorted(q.text.items())),
        {lang: list(p) for lang, p in sorted(q.probes.items())},
        q.minutes,
        q.priority,
        list(q.tags),
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_record(
    path: Path, origin: str, id_: str, shown: Callable[[Path], str] = display_path
) -> dict[str, Any]:
    """Where a file came from: id, origin, path (as ``shown`` spells it),
    content hash, git commit."""
    return {
        "id": id_,
        "origin": origin,
        "path": shown(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "git": _git_commit(path),
    }


def _git_commit(path: Path) -> str | None:
    """The last commit that touched ``path``, if it is tracked by git."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else None


def lock_data(
    sessions: Sequence[SessionPlan],
    banks: Mapping[str, Bank],
    *,
    study_record: Mapping[str, Any],
    domain_record: Mapping[str, Any],
    language: str,
    date: str,
    minutes: int | None,
    bank_dirs: Sequence[str],
    guides_warnings: Sequence[Sequence[str]],
    root: str,
    shown: Callable[[Path], str] = display_path,
) -> dict[str, Any]:
    """The lock for ``sessions`` (one for ``generate``, N for ``plan``).
    ``root`` is the folder the relative paths are relative to; ``shown``
    spells the bank files' paths."""
    used: dict[str, Question] = {}
    for plan in sessions:
        for q in plan.questions:
            used.setdefault(q.ref, q)
    bank_ids = sorted({q.bank_id for q in used.values()})
    first = sessions[0]
    return {
        "lock": LOCK_FORMAT,
        "dreamq": __version__,
        "study": dict(study_record),
        "domain": dict(domain_record),
        "banks": [file_record(banks[b].path, banks[b].origin, b, shown) for b in bank_ids],
        "bank_dirs": list(bank_dirs),
        "root": root,
        "language": language,
        "date": date,
        "minutes": minutes,
        "seed": first.seed,
        "filters": first.filters.as_plain(),
        "sessions": [
            {
                "session": plan.session,
                "order": [ps.section.id for ps in plan.sections],
                "sections": {ps.section.id: [q.ref for q in ps.questions] for ps in plan.sections},
                "warnings": list(warnings),
            }
            for plan, warnings in zip(sessions, guides_warnings, strict=True)
        ],
        "questions": {ref: question_hash(q) for ref, q in sorted(used.items())},
    }


def current_root() -> str:
    """The folder a new lock's relative paths are relative to: this one."""
    return os.path.realpath(os.getcwd())


def shown_from(path: str | os.PathLike[str], base: str) -> str:
    """``path`` as :func:`~dreamq.errors.display_path` would show it if the
    working folder were ``base`` (a real path): relative when it lies below
    ``base``, else as it was given relative to ``base``, else absolute."""
    given = os.fspath(path)
    if not os.path.isabs(given):
        given = os.path.join(os.getcwd(), given)
    if given.startswith(base + os.sep):
        given = given[len(base) + 1 :]  # the path as given from base
    absolute = os.path.normpath(os.path.join(base, given))
    if absolute.startswith(base + os.sep):
        return os.path.relpath(absolute, base)
    return given if not os.path.isabs(given) else os.path.normpath(given)


def lock_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Lock:
    """A lock file read back and checked."""

    data: Mapping[str, Any]
    path: Path

    @property
    def sessions(self) -> list[Mapping[str, Any]]:
        return list(self.data["sessions"])

    @property
    def filters(self) -> Filters:
        f = self.data["filters"]
        return Filters(
            tags=tuple(f["tags"]),
            exclude_tags=tuple(f["exclude_tags"]),
            audience=f.get("audience"),
            include=tuple(f["include"]),
            exclude=tuple(f["exclude"]),
        )

    @property
    def root(self) -> str | None:
        """The folder the plan was made in (None in older locks, which lack it)."""
        return self.data.get("root")

    def records(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(kind, record) for the study, the domain and each bank."""
        yield "study", self.data["study"]
        yield "domain", self.data["domain"]
        for record in self.data["banks"]:
            yield "bank", record

    def _local(self) -> list[tuple[str, Mapping[str, Any]]]:
        """The records of team and file-path files recorded by relative path."""
        return [
            (kind, r)
            for kind, r in self.records()
            if r["origin"] != "bundled" and not os.path.isabs(r["path"])
        ]

    def candidates(self) -> list[str]:
        """Where relative paths may be relative to, in the order tried: the
        current folder, the lock's folder and each folder above it, then the
        recorded root (the folder the plan was made in)."""
        here = os.path.realpath(self.path.parent)
        found = [current_root(), here]
        while os.path.dirname(here) != here:
            here = os.path.dirname(here)
            found.append(here)
        if self.root and os.path.isabs(self.root):
            found.append(os.path.realpath(self.root))
        return list(dict.fromkeys(found))

    def base(self, *, with_bank_dirs: bool) -> str | None:
        """The first candidate folder holding every recorded team or file-path
        file (and, ``with_bank_dirs``, every recorded bank directory); None
        when no folder does.  A lock with no such file or directory keeps its
        recorded root (or takes the current folder, when it is gone)."""
        files = [str(r["path"]) for _, r in self._local()]
        dirs = [str(d) for d in self.data["bank_dirs"] if not os.path.isabs(str(d))]
        if not files and not (with_bank_dirs and dirs):
            # nothing to find: keep the recorded root, so the new lock is the same
            if self.root and os.path.isabs(self.root) and os.path.isdir(self.root):
                return os.path.realpath(self.root)
            return current_root()
        for folder in self.candidates():
            if all(os.path.isfile(os.path.join(folder, f)) for f in files) and (
                not with_bank_dirs or all(os.path.isdir(os.path.join(folder, d)) for d in dirs)
            ):
                return folder
        return None

    def not_found(self, *, with_bank_dirs: bool, base: str | None) -> DreamqError:
        """The error for recorded files (or bank directories) that cannot be
        found: names the lock file, the line and the recorded path, and says
        what to do."""
        if base is not None:
            looked = [base]
            where = f"in {base}"
        else:
            looked = self.candidates()
            where = "from here, from the lock's folder and the folders above it" + (
                f", and from {self.root}, where the plan was made" if self.root else ""
            )
        hint = (
            "run dreamq from the folder the plan was made in, restore the file, "
            "or pass -b DIR with the folder that holds the team's files now"
        )
        shown = display_path(self.path)
        problems = []
        for kind, r in self.records():
            path = str(r["path"])
            if r["origin"] == "bundled":
                continue
            if os.path.isabs(path):
                missing = not os.path.isfile(path)
            else:
                missing = not any(os.path.isfile(os.path.join(f, path)) for f in looked)
            if missing:
                problems.append(
                    Problem(
                        f'cannot find {path}, the file of {kind} "{r["id"]}" this lock records'
                        + ("" if os.path.isabs(path) else f" (looked {where})"),
                        shown,
                        self.line_of(path),
                        hint=hint,
                    )
                )
        if with_bank_dirs and not problems:
            for d in self.data["bank_dirs"]:
                d = str(d)
                folders = [""] if os.path.isabs(d) else looked
                if not any(os.path.isdir(os.path.join(f, d)) for f in folders):
                    problems.append(
                        Problem(
                            f'cannot find the bank directory "{d}" this lock records'
                            + ("" if os.path.isabs(d) else f" (looked {where})"),
                            shown,
                            self.line_of(d),
                            hint=hint,
                        )
                    )
        if not problems:
            problems.append(
                Problem(
                    "the files this lock records are not all in one folder "
                    f"(looked {where}); its paths are relative to the folder the plan "
                    "was made in",
                    shown,
                    hint=hint,
                )
            )
        return DreamqError(problems)

    def line_of(self, text: str) -> int | None:
        """The line of the lock file where the string ``text`` first appears
        as a value, when it does."""
        needle = json.dumps(text, ensure_ascii=False)
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        for number, line in enumerate(lines, 1):
            if line.rstrip(",").rstrip().endswith(needle):
                return number
        return None

    def chosen(self) -> list[dict[str, list[str]]]:
        return [dict(s["sections"]) for s in self.sessions]

    def order(self, session: Mapping[str, Any], section_ids: Sequence[str]) -> list[int]:
        """The recorded section order as indices into the study's sections."""
        index = {sid: i for i, sid in enumerate(section_ids)}
        missing = [sid for sid in [*session["order"], *session["sections"]] if sid not in index]
        if missing or len(session["order"]) != len(section_ids):
            raise DreamqError(
                Problem(
                    "the study's sections changed since the lock was written "
                    f"(lock: {', '.join(session['order'])}; study: {', '.join(section_ids)})",
                    display_path(self.path),
                    hint="restore the study file, or plan afresh without --lock",
                )
            )
        return [index[sid] for sid in session["order"]]

    def changes(self, banks: Mapping[str, Bank]) -> list[str]:
        """What changed since the lock: dreamq's version, and each recorded
        question whose text, probes, minutes, priority or tags differ."""
        notes = []
        if self.data["dreamq"] != __version__:
            notes.append(
                f"the lock was written by dreamq {self.data['dreamq']}, this is {__version__}: "
                "the guides' fixed wording and layout may differ"
            )
        for ref, digest in self.data["questions"].items():
            bank_id, _, qid = ref.partition("/")
            bank = banks.get(bank_id)
            q = bank.question(qid) if bank is not None else None
            if q is not None and question_hash(q) != digest:
                notes.append(
                    f'question "{ref}" changed since the lock ({display_path(bank.path)}): '
                    "the guide asks today's wording"
                )
        return notes


def read_lock(path: str | Path) -> Lock:
    """Read and check a lock file; every problem names the file."""
    path = Path(path)
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_LOCK_BYTES:
            raise DreamqError(Problem("is larger than 16 MiB; not a dreamq lock file", shown))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DreamqError(Problem("lock file not found", shown)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise DreamqError(Problem(f"cannot read the lock file: {reason}", shown)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DreamqError(
            Problem(f"not valid JSON: {exc.msg}", shown, exc.lineno, exc.colno)
        ) from None
    _check_shape(data, shown)
    return Lock(data, path)


def _lock_spec() -> Any:
    """The lock format, in the same terms as the bank format (so a hand-edited
    or truncated lock is refused with the key that is wrong)."""
    from ._formats import ID_PATTERN, REF_PATTERN
    from ._schema import Choice, Field, Int, ListOf, MapOf, Record, Text

    ids = ListOf(Text(pattern=ID_PATTERN, pattern_hint="an id", max_length=64))
    refs = ListOf(Text(pattern=REF_PATTERN, pattern_hint="bank/question", max_length=129))
    source = Record(
        {
            "id": Field(Text(pattern=ID_PATTERN, pattern_hint="an id", max_length=64), True),
            "origin": Field(Choice(("bundled", "team", "file")), True),
            "path": Field(Text(max_length=4096), True),
            "sha256": Field(Text(pattern="[0-9a-f]{64}", pattern_hint="a SHA-256")),
            "git": Field(Text(pattern="[0-9a-f]{40}", pattern_hint="a commit")),
        },
        name="file record",
    )
    return Record(
        {
            "lock": Field(Int(minimum=1, maximum=1), True),
            "dreamq": Field(Text(max_length=64), True),
            "study": Field(source, True),
            "domain": Field(source, True),
            "banks": Field(ListOf(source), True),
            "bank_dirs": Field(ListOf(Text(max_length=4096)), True),
            "root": Field(Text(max_length=4096)),
            "language": Field(Text(max_length=35), True),
            "date": Field(Text(pattern=r"\d{4}-\d{2}-\d{2}", pattern_hint="YYYY-MM-DD"), True),
            "minutes": Field(Int(minimum=1, maximum=1440)),
            "seed": Field(Int(minimum=0, maximum=2**63 - 1), True),
            "filters": Field(
                Record(
                    {
                        "tags": Field(ListOf(Text(max_length=64)), True),
                        "exclude_tags": Field(ListOf(Text(max_length=64)), True),
                        "audience": Field(Text(pattern=ID_PATTERN, pattern_hint="an id")),
                        "include": Field(refs, True),
                        "exclude": Field(refs, True),
                    },
                    name="filters",
                ),
                True,
            ),
            "sessions": Field(
                ListOf(
                    Record(
                        {
                            "session": Field(Int(minimum=1, maximum=1000)),
                            "order": Field(ListOf(ids.item, unique=True), True),
                            "sections": Field(MapOf(refs, key_pattern=ID_PATTERN), True),
                            "warnings": Field(ListOf(Text(max_length=4000)), True),
                        },
                        name="session",
                    ),
                    min_items=1,
                ),
                True,
            ),
            "questions": Field(
                MapOf(
                    Text(pattern="[0-9a-f]{64}", pattern_hint="a SHA-256"),
                    key_pattern=REF_PATTERN,
                ),
                True,
            ),
        },
        name="lock",
    )


def _check_shape(data: Any, shown: str) -> None:
    from ._schema import Checker

    hint = "write a new one with `dreamq plan` or `dreamq generate --lock-out FILE`"
    if not isinstance(data, dict) or "lock" not in data:
        raise DreamqError(Problem("is not a dreamq lock file (no `lock` key)", shown, hint=hint))
    if data["lock"] != LOCK_FORMAT:
        raise DreamqError(
            Problem(f"lock format {data['lock']!r} is not one this dreamq reads", shown, hint=hint)
        )
    # JSON null is allowed where dreamq writes it (minutes, session, audience, git)
    plain = {k: v for k, v in data.items() if not (k == "minutes" and v is None)}
    if isinstance(plain.get("filters"), dict) and plain["filters"].get("audience", 0) is None:
        plain["filters"] = {k: v for k, v in plain["filters"].items() if k != "audience"}
    for key in ("study", "domain"):
        record = plain.get(key)
        if isinstance(record, dict) and record.get("git", 0) is None:
            plain[key] = {k: v for k, v in record.items() if k != "git"}
    if isinstance(plain.get("banks"), list):
        plain["banks"] = [
            {k: v for k, v in b.items() if not (k == "git" and v is None)}
            if isinstance(b, dict)
            else b
            for b in plain["banks"]
        ]
    if isinstance(plain.get("sessions"), list):
        plain["sessions"] = [
            {k: v for k, v in s.items() if not (k == "session" and v is None)}
            if isinstance(s, dict)
            else s
            for s in plain["sessions"]
        ]
    checker = Checker(shown)
    _lock_spec().check(plain, None, (), checker)
    if checker.problems:
        first = checker.problems[0]
        raise DreamqError(Problem(f"lock file: {first.message}", shown, hint=first.hint or hint))
