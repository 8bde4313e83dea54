"""Lock files: everything needed to print the same guides again, months later.

A lock (JSON, ``dreamq.lock``) records the dreamq version, the study, domain
and every bank file used (path, SHA-256 of its content, and its git commit
when it is in a git work tree), the options (minutes, seed, language, date,
filters), and for every session its section order, its questions and the
planning notes its guide carried.  ``--lock FILE`` replays it: the recorded
questions, in the recorded order, with today's bank texts.  Each question's
content hash tells which questions changed since the lock was written.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
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


def file_record(path: Path, origin: str, id_: str) -> dict[str, Any]:
    """Where a file came from: id, origin, path, content hash, git commit."""
    return {
        "id": id_,
        "origin": origin,
        "path": display_path(path),
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
) -> dict[str, Any]:
    """The lock for ``sessions`` (one for ``generate``, N for ``plan``)."""
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
        "banks": [file_record(banks[b].path, banks[b].origin, b) for b in bank_ids],
        "bank_dirs": list(bank_dirs),
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
