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
import os
import stat
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
    max_nodes: int = 400_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a value stood in its file (1-based), and its source text for scalars."""

    line: int
    column: int
    raw: str | None = None
    quoted: bool = False


def mark_of_event(event: Any) -> Mark:
    """The :class:`Mark` of a parser event (scalars keep their source text)."""
    m = event.start_mark
    value = getattr(event, "value", None)
    quoted = getattr(event, "style", None) not in (None, "")
    return Mark(m.line + 1, m.column + 1, value, quoted)


def as_mark(where: Any) -> Mark | None:
    """A :class:`Mark` from a Mark, a parser event, or None."""
    if where is None or isinstance(where, Mark):
        return where
    return mark_of_event(where)


class _Marks(dict):
    """key → parser event, handed out as :class:`Mark` only when asked for:
    most values never need their position, so none is built up front."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Mark:
        return mark_of_event(dict.__getitem__(self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        event = dict.get(self, key)
        return default if event is None else mark_of_event(event)


class _MarkList(list):
    __slots__ = ()

    def __getitem__(self, index: Any) -> Any:
        return mark_of_event(list.__getitem__(self, index))

    def __iter__(self) -> Any:
        return (mark_of_event(e) for e in list.__iter__(self))


class YMap(dict):
    """A mapping that knows the position of each key and value.

    The parser's events are kept in one flat list, key and value alternating
    in insertion order (``events[2*i]``, ``events[2*i+1]`` for the i-th key):
    the cheapest thing to build for the many values that never need a
    position.  ``key_marks`` and ``value_marks`` build key → Mark views on
    first use."""

    __slots__ = ("_event", "_key_marks", "_value_marks", "events")

    def __init__(self, event: Any, events: list[Any] | None = None):
        self._event = event
        self.events: list[Any] = [] if events is None else events
        self._key_marks: dict[str, Mark] | None = None
        self._value_marks: dict[str, Mark] | None = None

    @property
    def mark(self) -> Mark:
        return mark_of_event(self._event)

    @property
    def key_marks(self) -> dict[str, Mark]:
        if self._key_marks is None:
            self._key_marks = _Marks(zip(self, self.events[0::2], strict=True))
        return self._key_marks

    @property
    def value_marks(self) -> dict[str, Mark]:
        if self._value_marks is None:
            self._value_marks = _Marks(zip(self, self.events[1::2], strict=True))
        return self._value_marks


class YList(list):
    """A sequence that knows the position of each item (``events[i]``)."""

    __slots__ = ("_event", "events")

    def __init__(self, event: Any, events: list[Any] | None = None):
        self._event = event
        self.events: list[Any] = [] if events is None else events

    @property
    def mark(self) -> Mark:
        return mark_of_event(self._event)

    @property
    def item_marks(self) -> list[Mark]:
        return _MarkList(self.events)


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a file within the size limit, with clear errors."""
    shown = display_path(path)
    try:
        if path.is_dir():
            raise DreamqError(
                Problem("is a directory, not a YAML file", shown, hint="name a .yaml file")
            )
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DreamqError(Problem("is not a regular file", shown, hint="name a .yaml file"))
        size = info.st_size
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
    return data


def decode(data: bytes, filename: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or an error naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DreamqError(
            Problem(
                "file is not valid UTF-8",
                filename,
                line,
                column,
                hint="save it as UTF-8 in your editor",
            )
        ) from None


def read_text(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a UTF-8 text file within the size limit, with clear errors."""
    return decode(read_bytes(path, limits), display_path(path))


def load_yaml(text: str, filename: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Load one YAML document from ``text``; ``filename`` is used in messages.

    Returns ``None`` for an empty document.  Raises :class:`DreamqError`.

    A well-formed file is built by the C extension ``dreamq._yamlbuild`` when
    it was compiled (see hatch_build.py); it accepts only what the Python
    builder below accepts and gives the same values and positions.  Anything
    else goes to the Python builder, which also words every error.
    """
    import yaml

    gc_was_enabled = gc.isenabled()
    gc.disable()  # the build allocates many small containers; GC passes only cost time here
    try:
        fast_build = _c_builder()
        if fast_build is not None:
            try:
                return fast_build(text.encode("utf-8"), limits)
            except Exception:  # anything unusual: the Python builder handles or reports it
                pass
    finally:
        if gc_was_enabled:
            gc.enable()
    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    gc.disable()
    try:
        return _build(loader, filename, limits)
    except yaml.MarkedYAMLError as exc:
        raise DreamqError(_syntax_problem(exc, filename, text)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise DreamqError(
            Problem(
                f"character U+{exc.character:04X} is not allowed in YAML",
                filename,
                line,
                column,
                hint="remove it; control characters cannot appear in dreamq files",
            )
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise DreamqError(Problem(f"YAML error: {message}", filename)) from None
    finally:
        if gc_was_enabled:
            gc.enable()
        loader.dispose()


def _syntax_problem(exc: Any, filename: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "flow" in (exc.context or ""):
        mark = exc.context_mark  # an unclosed [ or {: point at where it opened
    missing_colon = "simple key" in (exc.context or "") and "':'" in (exc.problem or "")
    if exc.context_mark is not None and missing_colon:
        mark = exc.context_mark  # libyaml notices on the next line; the key is on this one
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = "check indentation and quoting on this line and the one before"
    if missing_colon:
        hint = 'a key needs a colon and a space after it ("minutes: 5")'

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
        self._implicit = self._resolver.yaml_implicit_resolvers

    def resolve_plain(self, event: Any, filename: str) -> tuple[Any, str]:
        """A plain (unquoted) scalar: text unless YAML 1.1 reads it as something else."""
        value = event.value
        for tag, regexp in self._implicit.get(value[:1], ()):
            if regexp.match(value):
                return self._construct(tag, event, filename)
        return value, _STR

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
        return self._construct(tag, event, filename)

    def resolve_text(self, value: str) -> tuple[Any, str]:
        """:meth:`resolve_plain` for the C builder: raises a bare exception
        where that one words an error (the C builder then gives the file to
        the Python builder, which words it)."""
        for tag, regexp in self._implicit.get(value[:1], ()):
            if regexp.match(value):
                return self._value(tag, value, None, None), tag
        return value, _STR

    def _value(self, tag: str, text: str, start: Any, end: Any) -> Any:
        if tag in (_STR, _MERGE):
            return text
        node = self._scalar_node(tag, text, start, end)
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
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise OverflowError
        return value

    def _construct(self, tag: str, event: Any, filename: str) -> tuple[Any, str]:
        try:
            value = self._value(tag, event.value, event.start_mark, event.end_mark)
        except Exception as exc:  # a value its own tag cannot parse, e.g. !!int abc
            shown = event.value if len(event.value) <= 24 else event.value[:20] + "…"
            if isinstance(exc, OverflowError) or (tag == _CORE + "int" and event.tag is None):
                problem = Problem(  # Python refuses ints of over 4,300 digits
                    f"the number {shown} ({len(event.value):,} characters) is too large",
                    filename,
                    *_line_col(event),
                    hint="write a smaller number",
                )
            else:
                problem = Problem(
                    f'"{shown}" is not a valid {tag.rsplit(":", 1)[-1]}',
                    filename,
                    *_line_col(event),
                    hint="remove the tag or fix the value",
                )
            raise DreamqError(problem) from None
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


_C_BUILDER: Any = False  # not looked for yet


def _c_builder() -> Any:
    """``build(data, limits)`` from the C extension, or None when it was not
    compiled, is switched off (``DREAMQ_PURE_PYTHON=1``), or was linked with
    another libyaml than PyYAML's (whose parser the Python builder reads)."""
    global _C_BUILDER
    if os.environ.get("DREAMQ_PURE_PYTHON"):
        return None
    if _C_BUILDER is False:
        _C_BUILDER = _find_c_builder()
    return _C_BUILDER


def _find_c_builder() -> Any:
    try:
        from yaml import _yaml  # type: ignore[attr-defined]

        from . import _yamlbuild  # type: ignore[attr-defined]
    except ImportError:
        return None
    if _yamlbuild.libyaml_version() != _yaml.get_version_string():
        return None
    first_chars = list(yaml_implicit_resolvers())
    # The C builder treats a plain scalar as text when its first character
    # has no resolver; it knows ASCII first characters only.
    if not all(c is None or (isinstance(c, str) and c.isascii()) for c in first_chars):
        return None
    first = "".join(c for c in first_chars if c)

    def build(data: bytes, limits: Limits) -> Any:
        return _yamlbuild.build(
            data,
            resolve=_Builder().resolve_text,
            cache={},
            first_chars=first,
            str_tag=_STR,
            ymap=YMap,
            ylist=YList,
            max_depth=limits.max_depth,
            max_nodes=limits.max_nodes,
        )

    return build


def yaml_implicit_resolvers() -> dict[Any, Any]:
    """First character → YAML 1.1's implicit (plain scalar) resolvers."""
    import yaml

    return yaml.resolver.Resolver.yaml_implicit_resolvers


def _build(loader: Any, filename: str, limits: Limits) -> Any:
    import yaml.events as ev

    builder = _Builder()
    resolve_plain = builder.resolve_plain
    # Keys and short values repeat thousands of times in a large bank; resolve
    # each distinct one once.  Values are immutable (str, int, bool, date).
    resolved: dict[str, tuple[Any, str]] = {}
    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    map_start, seq_start = ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    get_event = loader.get_event
    # The container being filled, and the key waiting for its value (maps only).
    # (container, pending key, key event, its events.append) of outer levels
    stack: list[tuple[Any, Any, Any, Any]] = []
    add_event: Any = None
    container: Any = None
    key: Any = _NO_KEY
    key_event: Any = None
    root: Any = None
    have_root = False
    nodes = 0
    documents = 0
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    while True:
        event = get_event()
        if event is None:
            break
        cls = type(event)
        if cls is scalar_event:
            nodes += 1
            if nodes > max_nodes:
                raise _too_many(filename, event, limits)
            if event.anchor is None and event.tag is None:  # the common case
                if event.style:  # quoted or block: always text
                    value, tag = event.value, _STR
                else:  # plain: YAML 1.1 may read it as a number, boolean, date...
                    hit = resolved.get(event.value)
                    if hit is None:
                        hit = resolve_plain(event, filename)
                        if len(event.value) <= 40:
                            resolved[event.value] = hit
                    value, tag = hit
            else:
                if event.anchor is not None:
                    _check_node(event, filename, "scalar")
                if event.tag == "!":  # the non-specific tag: text
                    value, tag = event.value, _STR
                else:
                    value, tag = builder.scalar(event, filename)
            if key is not _NO_KEY:
                container[key] = value
                add_event(key_event)
                add_event(event)
                key = _NO_KEY
            elif container is None:
                root, have_root = value, True
            elif type(container) is YList:
                container.append(value)
                add_event(event)
            else:
                if tag != _STR:
                    _bad_key(value, tag, event, filename)
                if value in container:
                    _duplicate_key(value, container, event, filename)
                key, key_event = value, event
            continue
        if cls is map_start or cls is seq_start:
            nodes += 1
            if nodes > max_nodes:
                raise _too_many(filename, event, limits)
            is_map = cls is map_start
            if event.anchor is not None or event.tag not in (None, "!"):
                _check_node(event, filename, "mapping" if is_map else "list")
            if len(stack) >= max_depth:
                raise DreamqError(
                    Problem(
                        f"nested more than {max_depth} levels deep",
                        filename,
                        *_line_col(event),
                        hint="dreamq files need only a few levels; flatten the structure",
                    )
                )
            if container is not None and type(container) is YMap and key is _NO_KEY:
                raise DreamqError(
                    Problem(
                        f"a key must be plain text, but this key is {'a mapping' if is_map else 'a list'}",
                        filename,
                        *_line_col(event),
                        hint='a value that starts with "{" or "[" must be in quotes, '
                        'e.g. text: "{{ product }} ..."',
                    )
                )
            stack.append((container, key, key_event, add_event))
            container = YMap(event) if is_map else YList(event)
            add_event = container.events.append
            key, key_event = _NO_KEY, None
            continue
        if cls is map_end or cls is seq_end:
            done = container
            container, key, key_event, add_event = stack.pop()
            if container is None:
                root, have_root = done, True
            elif type(container) is YList:
                container.append(done)
                add_event(done._event)
            else:
                container[key] = done
                add_event(key_event)
                add_event(done._event)
                key = _NO_KEY
            continue
        if cls is alias_event:
            raise DreamqError(
                Problem(
                    f"aliases (*{event.anchor}) are not allowed in dreamq files",
                    filename,
                    *_line_col(event),
                    hint="write the value out in full; anchors, aliases and merge keys are refused",
                )
            )
        if cls is ev.DocumentStartEvent:
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


def _bad_key(value: Any, tag: str, event: Any, filename: str) -> None:
    if tag == _MERGE:
        raise DreamqError(
            Problem(
                "merge keys (<<) are not allowed in dreamq files",
                filename,
                *_line_col(event),
                hint="write the keys out in full",
            )
        )
    raise DreamqError(
        Problem(
            f"a key must be plain text, but {event.value} was read as {type_word(value)}",
            filename,
            *_line_col(event),
            hint=f'put it in quotes: "{event.value}"',
        )
    )


def _duplicate_key(value: str, container: YMap, event: Any, filename: str) -> None:
    first = container.key_marks[value]
    raise DreamqError(
        Problem(
            f'duplicate key "{value}" (first on line {first.line})',
            filename,
            *_line_col(event),
            hint="YAML keeps only one of them; remove or rename one",
        )
    )


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
