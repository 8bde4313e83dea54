"""Question-level differences between two git revisions of the bank files.

``dreamq diff REV1 [REV2]`` reviews what a change to the banks does to the
questions themselves -- added, removed, reworded, retimed, re-tagged, moved --
rather than the YAML lines a ``git diff`` shows.  Banks are read from git
(``git ls-tree`` and ``git cat-file``; the working tree when ``rev2`` is None)
and parsed with the same checked loader as every other dreamq file.  A file
that does not load at one revision becomes a ``problem`` entry in the diff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .banks import Bank, Question
from .catalog import YAML_SUFFIXES
from .errors import DreamqError, Problem, _printable

#: What a change can be, in the order a bank's changes are listed.
KINDS = (
    "problem",
    "bank-added",
    "bank-removed",
    "bank-file-moved",
    "added",
    "removed",
    "moved",
    "reworded",
    "probes",
    "minutes",
    "priority",
    "tags",
    "reordered",
)
WORKING_TREE = "working tree"
_BANK_LINE = re.compile(rb"^kind:[ \t]*[\"']?bank\b", re.M)


@dataclass(frozen=True)
class Change:
    """One difference.  ``ref`` is ``bank/question`` (None for bank-level
    changes and problems); ``old``/``new`` hold the values before and after
    (text, probes list, minutes, ...); ``details`` holds what else helps a
    reviewer (positions, tags added/removed, the revision a problem is at)."""

    kind: str
    ref: str | None = None
    bank: str | None = None
    path: str | None = None
    language: str | None = None
    old: Any = None
    new: Any = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "bank": self.bank,
            "path": self.path,
            "language": self.language,
            "old": _plain(self.old),
            "new": _plain(self.new),
            "details": {k: _plain(v) for k, v in self.details.items()},
        }


@dataclass
class BankDiff:
    """The changes from ``rev1`` to ``rev2`` (None: the working tree)."""

    rev1: str
    rev2: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No changes and no problems."""
        return not self.changes

    @property
    def problems(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "problem"]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        return {kind: counts[kind] for kind in KINDS if kind in counts}

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.rev1,
            "to": self.rev2 if self.rev2 is not None else WORKING_TREE,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        """A summary for reviewers, grouped by bank, one line per change."""
        to = self.rev2 if self.rev2 is not None else WORKING_TREE
        if self.is_empty:
            return _printable(f"No question changes from {self.rev1} to {to}.") + "\n"
        lines = [_printable(f"Question changes from {self.rev1} to {to}:")]
        problems = self.problems
        if problems:
            lines += ["", "Files that do not load:"]
            lines += [f"  ! {_printable(c.new)}" for c in problems]
        groups: dict[str, list[Change]] = {}
        for change in self.changes:
            if change.kind != "problem":
                groups.setdefault(change.bank or "", []).append(change)
        for bank_id, changes in groups.items():
            path = next((c.path for c in changes if c.path), None)
            lines += ["", _printable(f"{bank_id} ({path})" if path else bank_id)]
            lines += [f"  {_printable(_line(c))}" for c in changes]
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts().items())
        lines += ["", f"{len(self.changes)} change(s): {counts}"]
        return "\n".join(lines) + "\n"


def diff_revisions(
    rev1: str,
    rev2: str | None = None,
    paths: Sequence[str] = (),
    *,
    repo: Path = Path("."),
) -> BankDiff:
    """The question-level changes to the banks from ``rev1`` to ``rev2``.

    ``rev2`` None compares with the working tree (tracked and untracked files
    git does not ignore).  ``paths`` limits the search to those files and
    folders (git pathspecs, relative to ``repo``); the default is the whole
    repository.  A bank file is any ``.yaml``/``.yml`` file (not hidden) with a
    ``kind: bank`` line.  Raises :class:`DreamqError` when ``repo`` is not in a
    git repository or a revision is unknown.
    """
    git = _Git(Path(repo))
    commit1 = git.commit(rev1)
    commit2 = git.commit(rev2) if rev2 is not None else None
    old = _read_revision(git, commit1, rev1, paths)
    new = (
        _read_worktree(git, paths) if commit2 is None else _read_revision(git, commit2, rev2, paths)
    )
    return BankDiff(rev1, rev2, _compare(old, new))


def split_arguments(
    arguments: Sequence[str], *, repo: Path = Path(".")
) -> tuple[str, str | None, list[str]]:
    """``REV1 [REV2] [PATH...]`` as on the command line: the second argument
    is REV2 when it names a commit (and is not an existing path), else the
    first path.  ``--`` ends the revisions, as for git."""
    args = list(arguments)
    if not args or args[0] == "--":
        raise DreamqError(Problem("name a revision to compare with, e.g. dreamq diff main"))
    rev1, rest = args[0], args[1:]
    if rest and rest[0] == "--":
        return rev1, None, rest[1:]
    if rest and not (Path(repo) / rest[0]).exists():
        git = _Git(Path(repo))
        result = git.run("rev-parse", "--verify", "--quiet", f"{rest[0]}^{{commit}}", check=False)
        if result.returncode == 0 and not rest[0].startswith("-"):
            rev2, paths = rest[0], rest[1:]
            return rev1, rev2, paths[1:] if paths[:1] == ["--"] else paths
        raise DreamqError(
            Problem(
                f'"{rest[0]}" is neither a revision nor a path here',
                hint="name a commit, branch or tag; for a path that no longer exists, "
                f"give both revisions: dreamq diff {rev1} HEAD {rest[0]}",
            )
        )
    return rev1, None, rest


# -- reading banks from git ---------------------------------------------------


class _Git:
    def __init__(self, repo: Path):
        self.repo = repo
        if not repo.is_dir():
            raise DreamqError(
                Problem("not a git repository (no such folder)", str(repo), hint=_REPO_HINT)
            )
        result = self.run("rev-parse", "--show-toplevel", check=False)
        if result.returncode != 0:
            raise DreamqError(Problem("not a git repository", str(repo), hint=_REPO_HINT))
        self.top = Path(os.fsdecode(result.stdout).strip())

    def run(self, *args: str, input: bytes | None = None, check: bool = True):
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.repo,
                input=input,
                capture_output=True,
                check=False,
                env=_git_environ(),
            )
        except FileNotFoundError:
            raise DreamqError(
                Problem("git is not installed (dreamq diff reads banks through git)")
            ) from None
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DreamqError(
                Problem(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
            )
        return result

    def commit(self, rev: str) -> str:
        """The commit ``rev`` names, or an error naming the revision."""
        if rev and not rev.startswith("-"):
            result = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
            if result.returncode == 0:
                return result.stdout.decode().strip()
        raise DreamqError(
            Problem(
                f'unknown revision "{rev}"',
                hint="name a commit, branch or tag of this repository (see git log)",
            )
        )


def _git_environ() -> dict[str, str]:
    """The environment without the variables that point git at another
    repository (set inside git hooks): ``repo`` decides which one is read."""
    return {k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES}


_REPO_VARIABLES = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX"}
_REPO_HINT = "run dreamq diff inside a git repository, or name one with -C DIR"


@dataclass
class _Side:
    """The banks at one revision, by id, and the files that did not load."""

    label: str
    banks: dict[str, Bank] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # bank id -> repository path
    broken: dict[str, str] = field(default_factory=dict)  # repository path -> message
    duplicates: list[Change] = field(default_factory=list)


def _candidate(name: str) -> bool:
    parts = name.split("/")
    return name.endswith(YAML_SUFFIXES) and not any(p.startswith(".") for p in parts)


def _read_revision(git: _Git, commit: str, label: str, paths: Sequence[str]) -> _Side:
    from ._yamlload import DEFAULT_LIMITS

    listing = git.run("ls-tree", "-r", "-l", "-z", "--full-name", commit, "--", *paths).stdout
    side = _Side(label)
    wanted: list[tuple[str, str]] = []  # (object id, repository path)
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        name = os.fsdecode(raw_name)
        if kind != b"blob" or mode == b"120000" or not _candidate(name):
            continue
        if int(size) > DEFAULT_LIMITS.max_bytes:
            side.broken[name] = (
                f"{label}:{name}: file is {int(size):,} bytes; "
                f"the limit is {DEFAULT_LIMITS.max_bytes:,}"
            )
            continue
        wanted.append((oid.decode(), name))
    if not wanted:
        return side
    batch = "".join(f"{oid}\n" for oid, _ in wanted).encode()
    out = git.run("cat-file", "--batch", input=batch).stdout
    pos = 0
    for _, name in wanted:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        data = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
        _add(side, name, f"{label}:{name}", data)
    return side


def _read_worktree(git: _Git, paths: Sequence[str]) -> _Side:
    from ._yamlload import read_bytes

    args = ("ls-files", "-z", "--full-name", "--cached", "--others", "--exclude-standard")
    listing = git.run(*args, "--", *paths).stdout
    side = _Side(WORKING_TREE)
    for raw_name in sorted(set(listing.split(b"\0"))):
        name = os.fsdecode(raw_name)
        path = git.top / name
        if not raw_name or not _candidate(name) or path.is_symlink() or not path.is_file():
            continue
        try:
            data = read_bytes(path)
        except DreamqError as exc:
            side.broken[name] = "; ".join(str(p) for p in exc.problems)
            continue
        _add(side, name, name, data)
    return side


def _add(side: _Side, name: str, shown: str, data: bytes) -> None:
    """Parse one file's bytes into ``side``: a bank, a problem, or nothing (not a bank)."""
    if not _BANK_LINE.search(data):
        return
    from ._builders import bank_from_data
    from ._documents import parse_document
    from ._yamlload import decode

    try:
        _, doc, checker = parse_document(decode(data, shown), shown, "bank")
        bank = bank_from_data(doc, Path(name), checker, "git")
    except DreamqError as exc:
        side.broken[name] = "; ".join(str(p) for p in exc.problems)
        return
    except RecursionError:  # the loader limits depth; a last guard, never a crash
        side.broken[name] = f"{shown}: file is nested too deeply"
        return
    if bank.id in side.banks:
        first = side.paths[bank.id]
        side.duplicates.append(
            Change(
                "problem",
                bank=bank.id,
                path=name,
                new=f'{shown}: bank id "{bank.id}" is also in {first}; compared the one in {first}',
                details={"revision": side.label},
            )
        )
        return
    side.banks[bank.id] = bank
    side.paths[bank.id] = name


# -- comparing ----------------------------------------------------------------


def _compare(old: _Side, new: _Side) -> list[Change]:
    changes: list[Change] = []
    for side in (old, new):
        for name, message in sorted(side.broken.items()):
            changes.append(
                Change("problem", path=name, new=message, details={"revision": side.label})
            )
        changes.extend(side.duplicates)
    # A bank whose file does not load on the other side is not added or removed:
    # the problem entry stands for it.
    hidden_old = {b for b, p in old.paths.items() if b not in new.banks and p in new.broken}
    hidden_new = {b for b, p in new.paths.items() if b not in old.banks and p in old.broken}

    removed = {
        q.id: q
        for b in old.banks.values()
        if b.id not in hidden_old
        for q in b.questions
        if b.id not in new.banks or new.banks[b.id].question(q.id) is None
    }
    added_qs = [
        q
        for b in new.banks.values()
        if b.id not in hidden_new
        for q in b.questions
        if b.id not in old.banks or old.banks[b.id].question(q.id) is None
    ]
    moves: dict[str, Question] = {}  # new ref -> old question
    moved_away: set[str] = set()  # old refs
    for q in added_qs:
        before = removed.get(q.id)
        if before is not None and before.ref not in moved_away and _same_text(before, q):
            moves[q.ref] = before
            moved_away.add(before.ref)

    for bank_id in sorted(set(old.banks) | set(new.banks)):
        before_bank = old.banks.get(bank_id)
        after_bank = new.banks.get(bank_id)
        if bank_id in hidden_old or bank_id in hidden_new:
            continue
        if before_bank is None and after_bank is not None:
            path = new.paths[bank_id]
            changes.append(
                Change(
                    "bank-added",
                    bank=bank_id,
                    path=path,
                    new=_title(after_bank),
                    details={"questions": len(after_bank.questions)},
                )
            )
            for q in after_bank.questions:
                changes += _added(q, path, moves)
            continue
        if after_bank is None and before_bank is not None:
            path = old.paths[bank_id]
            changes.append(
                Change(
                    "bank-removed",
                    bank=bank_id,
                    path=path,
                    old=_title(before_bank),
                    details={"questions": len(before_bank.questions)},
                )
            )
            changes += [_removed(q, path) for q in before_bank.questions if q.ref not in moved_away]
            continue
        assert before_bank is not None and after_bank is not None
        changes += _compare_bank(
            before_bank, after_bank, old.paths[bank_id], new.paths[bank_id], moves, moved_away
        )
    return changes


def _compare_bank(
    before: Bank,
    after: Bank,
    old_path: str,
    path: str,
    moves: Mapping[str, Question],
    moved_away: set[str],
) -> list[Change]:
    changes: list[Change] = []
    if old_path != path:
        changes.append(Change("bank-file-moved", bank=after.id, path=path, old=old_path, new=path))
    for q in after.questions:
        previous = before.question(q.id)
        if previous is None:
            changes += _added(q, path, moves)
        else:
            changes += _question_changes(previous, q, path)
    for q in before.questions:
        if after.question(q.id) is None and q.ref not in moved_away:
            changes.append(_removed(q, path))
    changes += _reordered(before, after, path)
    return changes


def _added(q: Question, path: str, moves: Mapping[str, Question]) -> list[Change]:
    before = moves.get(q.ref)
    if before is None:
        return [
            Change(
                "added",
                ref=q.ref,
                bank=q.bank_id,
                path=path,
                new=_first_text(q),
                details={"minutes": q.minutes, "priority": q.priority},
            )
        ]
    moved = Change(
        "moved",
        ref=q.ref,
        bank=q.bank_id,
        path=path,
        old=before.ref,
        new=q.ref,
        details={"from_bank": before.bank_id, "to_bank": q.bank_id},
    )
    return [moved, *_question_changes(before, q, path)]


def _removed(q: Question, path: str) -> Change:
    return Change(
        "removed",
        ref=q.ref,
        bank=q.bank_id,
        path=path,
        old=_first_text(q),
        details={"minutes": q.minutes, "priority": q.priority},
    )


def _question_changes(old: Question, new: Question, path: str) -> list[Change]:
    changes: list[Change] = []

    def change(kind: str, old_value: Any, new_value: Any, language: str | None = None, **details):
        changes.append(
            Change(kind, new.ref, new.bank_id, path, language, old_value, new_value, details)
        )

    for lang in _languages(old.text, new.text):
        before, after = old.text.get(lang), new.text.get(lang)
        if before != after:
            change("reworded", before, after, lang, translation=_translation(before, after))
    for lang in _languages(old.probes, new.probes):
        before_p, after_p = old.probes.get(lang), new.probes.get(lang)
        if before_p != after_p:
            change(
                "probes",
                None if before_p is None else list(before_p),
                None if after_p is None else list(after_p),
                lang,
                translation=_translation(before_p, after_p),
            )
    if old.minutes != new.minutes:
        change("minutes", old.minutes, new.minutes)
    if old.priority != new.priority:
        change("priority", old.priority, new.priority)
    if old.tags != new.tags:
        change(
            "tags",
            list(old.tags),
            list(new.tags),
            added=[t for t in new.tags if t not in old.tags],
            removed=[t for t in old.tags if t not in new.tags],
        )
    return changes


def _reordered(before: Bank, after: Bank, path: str) -> list[Change]:
    """Questions in both revisions whose order relative to the others changed:
    those outside the longest run of questions kept in the same order."""
    import difflib

    old_ids = [q.id for q in before.questions if after.question(q.id) is not None]
    new_ids = [q.id for q in after.questions if before.question(q.id) is not None]
    if old_ids == new_ids:
        return []
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    kept = {
        new_ids[block.b + i] for block in matcher.get_matching_blocks() for i in range(block.size)
    }
    return [
        Change(
            "reordered",
            ref=f"{after.id}/{qid}",
            bank=after.id,
            path=path,
            old=before.position(qid) + 1,
            new=after.position(qid) + 1,
            details={"unit": "position in the bank, from 1"},
        )
        for qid in new_ids
        if qid not in kept
    ]


def _same_text(a: Question, b: Question) -> bool:
    shared = set(a.text) & set(b.text)
    return bool(shared) and all(a.text[lang] == b.text[lang] for lang in shared)


def _languages(*maps: Mapping[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for values in maps:
        seen.update(dict.fromkeys(values))
    return list(seen)


def _translation(before: Any, after: Any) -> str:
    return "added" if before is None else "removed" if after is None else "changed"


def _first_text(q: Question) -> str:
    return next(iter(q.text.values()), "")


def _title(bank: Bank) -> str:
    return bank.title.get(bank.language) or next(iter(bank.title.values()), "")


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


# -- text ---------------------------------------------------------------------


def _line(c: Change) -> str:
    lang = f" ({c.language})" if c.language else ""
    if c.kind == "bank-added":
        return f"+ bank added: {c.new} ({c.details.get('questions', 0)} question(s))"
    if c.kind == "bank-removed":
        return f"- bank removed: {c.old} ({c.details.get('questions', 0)} question(s))"
    if c.kind == "bank-file-moved":
        return f"> file moved: {c.old} → {c.new}"
    if c.kind == "added":
        return f"+ {c.ref}: {c.new}"
    if c.kind == "removed":
        return f"- {c.ref}: {c.old}"
    if c.kind == "moved":
        return f"> {c.ref}: moved between banks, from {c.old}"
    if c.kind == "reordered":
        return f"↕ {c.ref}: reordered, position {c.old} → {c.new}"
    if c.kind in ("reworded", "probes"):
        what = "reworded" if c.kind == "reworded" else "probes"
        translation = c.details.get("translation")
        if translation == "added":
            return f"~ {c.ref}: {what}{lang}: translation added: {_show(c.new)}"
        if translation == "removed":
            return f"~ {c.ref}: {what}{lang}: translation removed (was {_show(c.old)})"
        return f"~ {c.ref}: {what}{lang}: {_show(c.old)} → {_show(c.new)}"
    if c.kind == "tags":
        parts = [f"+{t}" for t in c.details.get("added", ())]
        parts += [f"-{t}" for t in c.details.get("removed", ())]
        return f"~ {c.ref}: tags {' '.join(parts) or 'reordered'}"
    return f"~ {c.ref}: {c.kind} {c.old} → {c.new}"


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value) if value else "(none)"
    return str(value)
