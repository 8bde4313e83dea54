"""Canonical formatting of dreamq YAML files (``dreamq fmt``).

The canonical style, applied with ruamel.yaml's round-trip mode so that
comments survive:

* 2-space indentation for mappings; a sequence's ``- `` stands at the column
  of its parent key (``mapping=2, sequence=2, offset=0``, the style of the
  bundled files);
* plain scalars longer than the line are folded at 100 columns (folding a
  plain scalar never changes its value); quoted scalars keep their quotes,
  block scalars (``|``, ``>``) keep their style; a file whose double-quoted
  text with escapes would change if folded is written without folding;
* the keys of known dreamq records (bank, question, domain, study, section,
  goal, filters and their translations) in the order of their definition in
  ``dreamq._formats``; unknown keys kept after the known ones, in their order;
* a comment on the lines above a key or list item moves with it; a comment at
  the end of a line stays on that line; runs of blank lines become one;
* no ``---`` document start marker, no trailing spaces, ``\\n`` line endings,
  no byte-order mark, exactly one trailing newline.

Safety: a text is first loaded with dreamq's own strict loader, so files with
tags, anchors, aliases, duplicate keys or syntax errors are refused and never
rewritten.  After formatting, the result is loaded again and must give the
same data and the same comments; otherwise the file is refused, not changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DreamqError, Problem, display_path

WIDTH = 100
MAPPING_INDENT = 2
SEQUENCE_INDENT = 2
SEQUENCE_OFFSET = 0


@dataclass
class FormatResult:
    """What :func:`format_paths` found: files that are (or, with ``check``,
    would be) rewritten, and how many were already canonical."""

    changed: list[Path] = field(default_factory=list)
    unchanged: int = 0


def format_text(text: str, *, path: str = "<text>") -> str:
    """The canonical form of one dreamq YAML file.  Raises :class:`DreamqError`
    for a text dreamq's loader refuses, or one that cannot be formatted without
    changing its value or losing a comment."""
    from ._yamlload import load_yaml

    text = _normalise_newlines(text)
    before = load_yaml(text, path)
    if before is None or not isinstance(before, dict):
        raise DreamqError(
            Problem(
                "not a dreamq file: the top level is not a mapping",
                path,
                1,
                1,
                hint="a dreamq file is a mapping that starts with kind: bank, domain or study",
            )
        )
    from ._formats import SPECS

    if before.get("kind") not in SPECS:
        raise DreamqError(
            Problem(
                "not a dreamq file (no kind: bank, domain or study); left as it is",
                path,
                1,
                hint="dreamq fmt formats banks, domains and studies only; keep other YAML "
                "files out of bank directories",
            )
        )
    result = None
    # ruamel.yaml may fold a double-quoted text right after an escape (\n, \t)
    # so that the break reads back as an extra space: such a file is written
    # without folding rather than refused.
    for width in (WIDTH, None):
        yaml = _yaml(width)
        doc = yaml.load(text)
        comments_before = _comment_lines(doc)
        tail = _relocate_comments(doc)
        _order(doc, _spec_for(doc))
        _lift_item_comments(doc)
        out = _dump(yaml, doc)
        if tail:  # comments at the end of the file stay at the end
            out = out.rstrip("\n") + "\n" + "".join(f"{line}\n" for line in tail)
        stripped = "\n".join(line.rstrip(" \t") for line in out.split("\n"))
        stripped = stripped.rstrip("\n") + "\n"
        for candidate in (stripped, out):
            try:
                after = load_yaml(candidate, path)
            except DreamqError:
                continue
            if after == before and type(after) is type(before):
                result = candidate
                break
        if result is not None:
            break
    if result is None:
        raise DreamqError(
            Problem(
                "cannot be formatted without changing its value; left as it is",
                path,
                hint="please report this file to the dreamq maintainers",
            )
        )
    if sorted(_comment_lines(_yaml().load(result))) != sorted(comments_before):
        raise DreamqError(
            Problem(
                "cannot be formatted without moving a comment out of place; left as it is",
                path,
                hint="move comments to the line above a key, then try again",
            )
        )
    return result


def format_paths(paths: Sequence[Path], *, check: bool = False) -> FormatResult:
    """Format files in place (all or nothing).  Directories are searched for
    ``.yaml``/``.yml`` files, hidden ones skipped.  With ``check`` nothing is
    written.  Every problem found is raised together as one
    :class:`DreamqError`, and then no file is written."""
    from ._yamlload import read_text
    from .output import write_files

    result = FormatResult()
    problems: list[Problem] = []
    writes: list[tuple[Path, str]] = []
    for file in _expand(paths):
        shown = display_path(file)
        try:
            raw = file.read_bytes() if file.is_file() else None
            text = read_text(file)
            formatted = format_text(text, path=shown)
        except DreamqError as exc:
            problems.extend(exc.problems)
            continue
        if raw is not None and formatted.encode("utf-8") == raw:
            result.unchanged += 1
        else:
            result.changed.append(file)
            writes.append((file, formatted))
    if problems:
        raise DreamqError(problems)
    if writes and not check:
        write_files(writes, force=True)
    return result


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = [
                p
                for p in path.rglob("*")
                if p.suffix in (".yaml", ".yml")
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            files.extend(sorted(found))
        else:
            files.append(path)
    return files


def _normalise_newlines(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml(width: int | None = WIDTH) -> Any:
    """ruamel.yaml set up for dreamq's style; ``width=None`` folds no line."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = width if width is not None else 2**31 - 1
    yaml.indent(mapping=MAPPING_INDENT, sequence=SEQUENCE_INDENT, offset=SEQUENCE_OFFSET)
    yaml.explicit_start = False
    yaml.allow_duplicate_keys = False
    return yaml


def _dump(yaml: Any, doc: Any) -> str:
    import io

    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


def _spec_for(doc: Any) -> Any:
    from ._formats import SPECS

    return SPECS.get(doc.get("kind")) if isinstance(doc.get("kind"), str) else None


# -- key order -----------------------------------------------------------


def _order(node: Any, spec: Any) -> None:
    """Put the keys of known records in their defined order, recursively."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ._schema import EitherOf, ListOf, MapOf, Record

    if spec is None:
        return
    if isinstance(spec, EitherOf):
        for option in spec.options:
            if isinstance(option, Record | MapOf) and isinstance(node, CommentedMap):
                _order(node, option)
                return
            if isinstance(option, ListOf) and isinstance(node, CommentedSeq):
                _order(node, option)
                return
        return
    if isinstance(spec, Record) and isinstance(node, CommentedMap):
        known = [k for k in spec.fields if k in node]
        unknown = [k for k in node if k not in spec.fields]
        for key in known + unknown:
            node.move_to_end(key)
        for key in known:
            _order(node[key], spec.fields[key].type)
    elif isinstance(spec, MapOf) and isinstance(node, CommentedMap):
        for key in node:
            _order(node[key], spec.value)
    elif isinstance(spec, ListOf) and isinstance(node, CommentedSeq):
        for item in node:
            _order(item, spec.item)


# -- comments ------------------------------------------------------------


def _walk(node: Any, column: int, out: list[tuple[Any, Any, int]]) -> None:
    """Every map entry and list item in document order, with the column it
    is written at; ``(container, _END, 0)`` after a collection's last item."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        for key in node:
            out.append((node, key, column))
            value = node[key]
            nested = column + (SEQUENCE_OFFSET if isinstance(value, list) else MAPPING_INDENT)
            _walk(value, nested, out)
        out.append((node, _END, 0))
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            out.append((node, index, column))
            _walk(item, column + 2, out)
        out.append((node, _END, 0))


_END = object()


def _token_lines(token: Any) -> list[str]:
    if token is None:
        return []
    tokens = token if isinstance(token, list) else [token]
    lines: list[str] = []
    for tok in tokens:
        if tok is None:
            continue
        lines.extend(line.strip() for line in tok.value.split("\n"))
    return [line for line in lines if line.startswith("#")]


def _comment_lines(node: Any) -> list[str]:
    """Every comment line in a loaded document (for checking none was lost)."""
    from ruamel.yaml.comments import CommentedBase

    lines: list[str] = []
    seen: set[int] = set()

    def visit(n: Any) -> None:
        if not isinstance(n, CommentedBase):
            return
        ca = n.ca
        groups = [*(ca.comment or []), getattr(ca, "end", None)]
        for slots in ca.items.values():
            groups.extend(slots)
        for group in groups:
            for tok in group if isinstance(group, list) else [group]:
                if tok is not None and id(tok) not in seen:
                    seen.add(id(tok))
                    lines.extend(_token_lines(tok))
        for child in n.values() if isinstance(n, dict) else n:
            visit(child)

    visit(node)
    return lines


def _relocate_comments(doc: Any) -> list[str]:
    """Move full-line comments that ruamel attached to the end of the entry
    before them onto the entry after them, so that they travel with the key
    or list item they stand above when keys are reordered."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entries: list[tuple[Any, Any, int]] = []
    _walk(doc, 0, entries)
    pending: list[str] = []
    emitted_containers: set[int] = set()

    def take_trailing(token: Any) -> tuple[Any, list[str]]:
        """(end-of-line comment or None, the full lines after it)."""
        if token is None:
            return None, []
        parts = token.value.split("\n")
        first, rest = parts[0], parts[1:]
        if rest and rest[-1] == "":
            rest = rest[:-1]
        eol = first if first.strip().startswith("#") else None
        return eol, [line.strip() for line in rest]

    def add(lines: list[str]) -> None:
        for line in lines:
            if line == "" and pending and pending[-1] == "":
                continue  # one blank line at most
            pending.append(line)

    for container, key, column in entries:
        if key is _END:
            end = getattr(container.ca, "end", None)
            if end:
                for tok in end:
                    add([line.strip() for line in tok.value.split("\n")[:-1]])
                container.ca.end = None
            continue
        # comments before the first item of a nested collection
        if id(container) not in emitted_containers:
            emitted_containers.add(id(container))
            if container is not doc and container.ca.comment is not None:
                pre = container.ca.comment[1] if len(container.ca.comment) > 1 else None
                if pre:
                    for tok in pre:
                        add([line.strip() for line in tok.value.split("\n")[:-1]])
                    container.ca.comment[1] = None
                if not any(container.ca.comment):
                    container.ca.comment = None
        slots = container.ca.items.get(key)
        if isinstance(container, CommentedMap):
            if slots is not None and slots[3]:
                slots[3] = None  # the same tokens as the value's own pre-comment
            if slots is not None and slots[1]:
                for tok in slots[1]:
                    add([line.strip() for line in tok.value.split("\n")[:-1]])
                slots[1] = None
        elif isinstance(container, CommentedSeq) and slots is not None and len(slots) > 1:
            for tok in slots[1] or ():
                add([line.strip() for line in tok.value.split("\n")[:-1]])
            slots[1] = None
        while pending and pending[-1] == "":
            pending.pop()
        if pending:
            mark = CommentMark(column)
            tokens = [CommentToken((line + "\n") if line else "\n", mark) for line in pending]
            if isinstance(container, CommentedMap):
                slots = container.ca.items.setdefault(key, [None, None, None, None])
                slots[1] = tokens
            else:
                slots = container.ca.items.setdefault(key, [None, None])
                while len(slots) < 2:
                    slots.append(None)
                slots[1] = tokens
            pending.clear()
        # the end-of-line comment stays; the full lines after it move on
        if slots is not None:
            index = 2 if isinstance(container, CommentedMap) else 0
            eol, rest = take_trailing(slots[index])
            if rest:
                slots[index] = (
                    CommentToken(eol.strip() + "\n", slots[index].start_mark) if eol else None
                )
                add(rest)
            elif eol:
                slots[index] = CommentToken(eol.strip() + "\n", slots[index].start_mark)
    while pending and pending[-1] == "":
        pending.pop()
    return list(pending)


def _lift_item_comments(doc: Any) -> None:
    """A comment above the first key of a mapping in a list is written above
    the list item's ``-`` (ruamel would write a bare ``-`` line first)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entries: list[tuple[Any, Any, int]] = []
    _walk(doc, 0, entries)
    for container, index, column in entries:
        if index is _END or not isinstance(container, CommentedSeq):
            continue
        item = container[index]
        if not isinstance(item, CommentedMap) or not item:
            continue
        first = next(iter(item))
        slots = item.ca.items.get(first)
        if not slots or not slots[1]:
            continue
        lines = [tok.value for tok in slots[1]]
        slots[1] = None
        target = container.ca.items.setdefault(index, [None, None])
        while len(target) < 2:
            target.append(None)
        mark = CommentMark(column)
        target[1] = (target[1] or []) + [CommentToken(line, mark) for line in lines]
