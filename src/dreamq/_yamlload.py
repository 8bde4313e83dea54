"""Safe, bounded YAML loading that remembers where every value came from.

dreamq never constructs Python objects from YAML tags.  It reads the parser's
event stream (libyaml's C parser when present) and builds plain dicts, lists
and scalars itself, so that it can:

* refuse anchors, aliases and merge keys outright (no "billion laughs", no
  merge-key bombs: a bank is a document people read, not a program);
* refuse every tag outside YAML's core schema (``!!python/...`` and friends);
* refuse duplicate mapping keys, which PyYAML would silently keep the last of;
* bound file size, nesting depth and node count;
* keep the line, column and source text of every value, so that validation
  can say "line 12: `no` was read as a boolean" instead of passing it on.
"""

from __future__ import annotations

import datetime as _dt
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DreamqError, Problem, display_path

_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _CORE + "str", _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class Limits:
    """Bounds on what one YAML file may cost.  Defaults are documented in
    docs/bank-format.md; every bundled file is far below them."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 1_000_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a value stood in its file (1-based), and its source text for scalars."""

    line: int
    column: int
    raw: str | None = None
    quoted: bool = False


class YMap(dict):
    """A mapping that knows the position of each key and value."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark):
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class YList(list):
    """A sequence that knows the position of each item."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark):
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


def _mark(event: Any, raw: str | None = None, quoted: bool = False) -> Mark:
    m = event.start_mark
    return Mark(m.line + 1, m.column + 1, raw, quoted)


def read_text(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a UTF-8 text file within the size limit, with clear errors."""
    shown = display_path(path)
    try:
        if path.is_dir():
            raise DreamqError(
                Problem("is a directory, not a YAML file", shown, hint="name a .yaml file")
            )
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise DreamqError(
                Problem(
                    f"file is {size:,} bytes; the limit is {limits.max_bytes:,}",
                    shown,
                    hint="split it into several files",
                )
            )
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise DreamqError(Problem("file not found", shown)) from None
    except PermissionError:
        raise DreamqError(
            Problem("permission denied", shown, hint="check the file's permissions")
        ) from None
    except OSError as exc:
        raise DreamqError(Problem(f"cannot read file: {exc.strerror}", shown)) from None
    if len(data) > limits.max_bytes:
        raise DreamqError(
            Problem(f"file is larger than {limits.max_bytes:,} bytes", shown, hint="split it")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DreamqError(
            Problem(
                "file is not valid UTF-8",
                shown,
                line,
                column,
                hint="save it as UTF-8 in your editor",
            )
        ) from None
    return text


def load_yaml_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Load one YAML document from ``path`` as located plain data."""
    return load_yaml(read_text(path, limits), display_path(path), limits)


def load_yaml(text: str, filename: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Load one YAML document from ``text``; ``filename`` is used in messages.

    Returns ``None`` for an empty document.  Raises :class:`DreamqError`.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the build allocates many small containers; GC passes only cost time here
    try:
        return _build(loader, filename, limits)
    except yaml.MarkedYAMLError as exc:
        raise DreamqError(_syntax_problem(exc, filename, text)) from None
    except yaml.YAMLError as exc:
        raise DreamqError(Problem(f"YAML error: {exc}", filename)) from None
    finally:
        if gc_was_enabled:
            gc.enable()
        loader.dispose()


def _syntax_problem(exc: Any, filename: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = "check indentation and quoting on this line and the one before"
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        hint = "YAML does not allow tabs for indentation; use spaces"
    return Problem(
        message,
        filename,
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
        hint,
    )


class _Builder:
    """Turns scalar events into Python values the way YAML 1.1's core schema would,
    without running any constructor for tags outside it."""

    def __init__(self) -> None:
        import yaml

        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self._scalar_node = yaml.ScalarNode

    def scalar(self, event: Any, filename: str) -> tuple[Any, str]:
        tag = event.tag
        if tag in (None, "!"):
            tag = self._resolver.resolve(self._scalar_node, event.value, event.implicit)
        elif tag not in _SCALAR_TAGS:
            raise DreamqError(
                Problem(
                    f'unsupported tag "{tag}"',
                    filename,
                    *_line_col(event),
                    hint="dreamq files hold plain text, numbers and lists; remove the tag",
                )
            )
        if tag == _STR:
            return event.value, tag
        if tag == _MERGE:
            return event.value, tag
        node = self._scalar_node(tag, event.value, event.start_mark, event.end_mark)
        try:
            if tag == _CORE + "int":
                value: Any = self._constructor.construct_yaml_int(node)
            elif tag == _CORE + "float":
                value = self._constructor.construct_yaml_float(node)
            elif tag == _CORE + "bool":
                value = self._constructor.construct_yaml_bool(node)
            elif tag == _CORE + "null":
                value = None
            else:
                value = self._constructor.construct_yaml_timestamp(node)
        except Exception:  # a value its own tag cannot parse, e.g. !!int abc
            raise DreamqError(
                Problem(
                    f'"{event.value}" is not a valid {tag.rsplit(":", 1)[-1]}',
                    filename,
                    *_line_col(event),
                    hint="remove the tag or fix the value",
                )
            ) from None
        return value, tag


def _line_col(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _check_node(event: Any, filename: str, kind: str) -> None:
    if event.anchor is not None:
        raise DreamqError(
            Problem(
                f"anchors (&{event.anchor}) are not allowed in dreamq files",
                filename,
                *_line_col(event),
                hint="write the value out in full; anchors, aliases and merge keys are refused",
            )
        )
    tag = event.tag
    if tag is not None and tag != "!" and tag != (_MAP if kind == "mapping" else _SEQ):
        raise DreamqError(
            Problem(
                f'unsupported tag "{tag}" on a {kind}',
                filename,
                *_line_col(event),
                hint="dreamq files hold plain text, numbers and lists; remove the tag",
            )
        )


def _build(loader: Any, filename: str, limits: Limits) -> Any:
    import yaml.events as ev

    builder = _Builder()
    # Each frame: [container, pending_key, pending_key_mark]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    nodes = 0
    documents = 0

    def attach(value: Any, mark: Mark) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, YList):
            container.append(value)
            container.item_marks.append(mark)
            return
        key = frame[1]
        if key is _NO_KEY:
            # this value is a key
            if not isinstance(value, str) or mark.raw is None:
                what = (
                    "a mapping"
                    if isinstance(value, dict)
                    else ("a list" if isinstance(value, list) else type_word(value))
                )
                raise DreamqError(
                    Problem(
                        f"a key must be plain text, but {mark.raw or 'this key'!s} was read as {what}",
                        filename,
                        mark.line,
                        mark.column,
                        hint=f'put it in quotes: "{mark.raw}"' if mark.raw is not None else None,
                    )
                )
            if key_tags[-1] == _MERGE:
                raise DreamqError(
                    Problem(
                        "merge keys (<<) are not allowed in dreamq files",
                        filename,
                        mark.line,
                        mark.column,
                        hint="write the keys out in full",
                    )
                )
            if value in container:
                first = container.key_marks[value]
                raise DreamqError(
                    Problem(
                        f'duplicate key "{value}" (first on line {first.line})',
                        filename,
                        mark.line,
                        mark.column,
                        hint="YAML keeps only one of them; remove or rename one",
                    )
                )
            frame[1], frame[2] = value, mark
            return
        container[key] = value
        container.key_marks[key] = frame[2]
        container.value_marks[key] = mark
        frame[1] = _NO_KEY

    key_tags: list[str | None] = []
    while True:
        event = loader.get_event()
        if event is None:
            break
        cls = type(event)
        if cls is ev.ScalarEvent:
            nodes += 1
            if nodes > limits.max_nodes:
                raise _too_many(filename, event, limits)
            if event.anchor is not None:
                _check_node(event, filename, "scalar")
            value, tag = builder.scalar(event, filename)
            if stack and isinstance(stack[-1][0], YMap) and stack[-1][1] is _NO_KEY:
                key_tags[-1] = tag
            attach(value, _mark(event, event.value, event.style not in (None, "")))
        elif cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
            nodes += 1
            if nodes > limits.max_nodes:
                raise _too_many(filename, event, limits)
            is_map = cls is ev.MappingStartEvent
            _check_node(event, filename, "mapping" if is_map else "list")
            if len(stack) >= limits.max_depth:
                raise DreamqError(
                    Problem(
                        f"nested more than {limits.max_depth} levels deep",
                        filename,
                        *_line_col(event),
                        hint="dreamq files need only a few levels; flatten the structure",
                    )
                )
            mark = _mark(event)
            container: Any = YMap(mark) if is_map else YList(mark)
            stack.append([container, _NO_KEY, None, mark])
            key_tags.append(None)
        elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
            frame = stack.pop()
            key_tags.pop()
            attach(frame[0], frame[3])
        elif cls is ev.AliasEvent:
            raise DreamqError(
                Problem(
                    f"aliases (*{event.anchor}) are not allowed in dreamq files",
                    filename,
                    *_line_col(event),
                    hint="write the value out in full; anchors, aliases and merge keys are refused",
                )
            )
        elif cls is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise DreamqError(
                    Problem(
                        "more than one YAML document (---) in one file",
                        filename,
                        *_line_col(event),
                        hint="keep one bank, domain or study per file",
                    )
                )
        elif cls is ev.StreamEndEvent:
            break
    return root if have_root else None


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


def _too_many(filename: str, event: Any, limits: Limits) -> DreamqError:
    return DreamqError(
        Problem(
            f"more than {limits.max_nodes:,} values in one file",
            filename,
            *_line_col(event),
            hint="split it into several files",
        )
    )


def type_word(value: Any) -> str:
    """How to name a YAML value's type in a message to a bank author."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text"
