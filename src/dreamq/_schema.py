"""A small declarative schema for dreamq's YAML files.

One description serves two purposes: it validates located data from
:mod:`dreamq._yamlload` (every problem, with its line, in words a bank author
understands) and it exports a JSON Schema for editors (``dreamq schema``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._yamlload import Mark, YList, YMap, as_mark, type_word
from .errors import Problem, did_you_mean


class Checker:
    """Collects problems for one file."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, message: str, mark: Any, hint: str | None = None) -> None:
        mark = as_mark(mark)
        self.problems.append(
            Problem(
                message,
                self.filename,
                mark.line if mark else None,
                mark.column if mark else None,
                hint,
            )
        )


# A path is built as nested pairs (parent, step) and spelled out only when a
# problem is reported: most values have none, and formatting is the costly part.
SchemaPath = Any


def _spell(path: SchemaPath) -> str:
    parts: list[str] = []
    while path:
        path, step = path
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return "".join(reversed(parts)).lstrip(".")


def _where(path: SchemaPath) -> str:
    return f"{_spell(path)}: " if path else ""


class Type:
    description: str = ""

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _with_description(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            schema["description"] = self.description
        return schema


def _wrong_type(expected: str, value: Any, mark: Any, path: SchemaPath, out: Checker) -> None:
    got = type_word(value)
    mark = as_mark(mark)
    if value is None and expected.startswith("text") and (mark is None or not mark.raw):
        out.add(f"{_where(path)}is empty", mark, hint="write the text after the colon")
    elif (
        mark is not None
        and mark.raw is not None
        and not mark.quoted
        and expected.startswith("text")
    ):
        out.add(
            f'{_where(path)}expected text, but YAML read "{mark.raw}" as {got}',
            mark,
            hint=f'put it in quotes: "{mark.raw}"',
        )
    elif mark is not None and mark.raw is not None:
        quoted_number = (
            mark.quoted and expected == "a whole number" and _PLAIN_INT.fullmatch(mark.raw.strip())
        )
        out.add(
            f'{_where(path)}expected {expected}, but "{mark.raw}" is {got}',
            mark,
            hint=f"write it without quotes: {mark.raw.strip()}" if quoted_number else None,
        )
    else:
        out.add(f"{_where(path)}expected {expected}, got {got}", mark)


class Text(Type):
    def __init__(
        self,
        description: str = "",
        pattern: str | None = None,
        pattern_hint: str = "",
        max_length: int = 10_000,
        min_length: int = 1,
        extra_check: Callable[[str], str | None] | None = None,
    ):
        self.description = description
        #: A further check of text that matches the pattern: a message, or None.
        self.extra_check = extra_check
        self.pattern = pattern
        self.pattern_hint = pattern_hint
        self.max_length = max_length
        self.min_length = min_length
        self._regex = re.compile(pattern) if pattern else None

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if not isinstance(value, str):
            _wrong_type("text", value, mark, path, out)
            return False
        if (
            not value
            or value.isspace()
            or (self.min_length > 1 and len(value.strip()) < self.min_length)
        ):
            out.add(f"{_where(path)}must not be empty", mark)
            return False
        if len(value) > self.max_length:
            out.add(
                f"{_where(path)}is {len(value):,} characters; at most {self.max_length:,} allowed",
                mark,
            )
            return False
        if self._regex is not None and not self._regex.fullmatch(value):
            out.add(f'{_where(path)}"{value}" is not valid: {self.pattern_hint}', mark)
            return False
        if self.extra_check is not None:
            problem = self.extra_check(value)
            if problem is not None:
                out.add(f"{_where(path)}{problem}", mark)
                return False
        control = _CONTROL.search(value)
        if control is not None:
            out.add(
                f"{_where(path)}contains the control character U+{ord(control.group()):04X}, "
                "which no guide format can show",
                mark,
                hint="remove it (a YAML escape such as \\a or \\x07 writes one)",
            )
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": self.min_length}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        schema["maxLength"] = self.max_length
        return self._with_description(schema)


_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
#: Characters HTML, Word and PDF cannot hold (tab and newline are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class Int(Type):
    def __init__(self, description: str = "", minimum: int = 0, maximum: int = 1_000_000):
        self.description = description
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            _wrong_type("a whole number", value, mark, path, out)
            return False
        raw = mark.raw if isinstance(mark, Mark) else getattr(mark, "value", None)
        if raw is not None and not _PLAIN_INT.fullmatch(raw):
            # YAML 1.1 reads 1:30 as 90 (base 60), 010 as 8 and 0x0A as 10
            if ":" in raw:
                hint = f'"{raw}" is not a duration: write whole numbers in plain digits'
            else:
                hint = f"write the number in plain digits, e.g. {value}"
            out.add(f'{_where(path)}YAML reads "{raw}" as {value}', mark, hint=hint)
            return False
        if not self.minimum <= value <= self.maximum:
            out.add(
                f"{_where(path)}{value} is out of range ({self.minimum} to {self.maximum})", mark
            )
            return False
        return True

    def json_schema(self) -> dict[str, Any]:
        return self._with_description(
            {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        )


class Choice(Type):
    def __init__(self, choices: tuple[Any, ...], description: str = ""):
        self.choices = choices
        self.description = description

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if value in self.choices and type(value) is type(self.choices[0]):
            return True
        mark = as_mark(mark)
        if isinstance(value, str) and value in [_shown(c) for c in self.choices]:
            out.add(
                f'{_where(path)}"{value}" is text here',
                mark,
                hint=f"write it without quotes: {value}",
            )
            return False
        shown = mark.raw if mark is not None and mark.raw is not None else value
        options = ", ".join(_shown(c) for c in self.choices)
        extra = did_you_mean(str(shown), [_shown(c) for c in self.choices])
        out.add(f'{_where(path)}"{shown}" is not one of: {options}.{extra}', mark)
        return False

    def json_schema(self) -> dict[str, Any]:
        return self._with_description({"enum": list(self.choices)})


def _shown(choice: Any) -> str:
    """A choice as YAML writes it (true, not True)."""
    return str(choice).lower() if isinstance(choice, bool) else str(choice)


class ListOf(Type):
    def __init__(
        self,
        item: Type,
        description: str = "",
        min_items: int = 0,
        max_items: int = 100_000,
        unique: bool = False,
    ):
        self.item = item
        self.description = description
        self.min_items = min_items
        self.max_items = max_items
        self.unique = unique

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if not isinstance(value, list):
            _wrong_type("a list", value, mark, path, out)
            return False
        if len(value) < self.min_items:
            out.add(f"{_where(path)}needs at least {self.min_items} item(s)", mark)
            return False
        if len(value) > self.max_items:
            out.add(f"{_where(path)}has {len(value)} items; at most {self.max_items}", mark)
            return False
        # raw parser events: a Mark is only built for a value with a problem
        marks = value.events if isinstance(value, YList) else [mark] * len(value)
        ok = True
        seen: dict[Any, int] = {}
        for i, (item, item_mark) in enumerate(zip(value, marks, strict=True)):
            ok = self.item.check(item, item_mark, (path, i), out) and ok
            if self.unique and isinstance(item, str):
                if item in seen:
                    out.add(f'{_where(path)}"{item}" is listed twice', item_mark)
                    ok = False
                seen[item] = i
        return ok

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._with_description(schema)


class Field:
    def __init__(self, type: Type, required: bool = False):
        self.type = type
        self.required = required


class Record(Type):
    def __init__(self, fields: Mapping[str, Field], description: str = "", name: str = "mapping"):
        self.fields = fields
        self.description = description
        self.name = name

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if not isinstance(value, dict):
            _wrong_type(f"a mapping ({self.name})", value, mark, path, out)
            return False
        ok = True
        # raw parser events, key and value alternating: a Mark is built only for a problem
        events = value.events if isinstance(value, YMap) else None
        fields = self.fields
        for i, (key, item) in enumerate(value.items()):
            spec = fields.get(key)
            if spec is None:
                allowed = ", ".join(fields)
                out.add(
                    f'{_where(path)}unknown key "{key}" in {self.name}.'
                    f"{did_you_mean(str(key), fields)}",
                    events[2 * i] if events is not None else mark,
                    hint=f"allowed keys: {allowed}",
                )
                ok = False
                continue
            where = events[2 * i + 1] if events is not None else mark
            ok = spec.type.check(item, where, (path, key), out) and ok
        for key, spec in self.fields.items():
            if spec.required and key not in value:
                out.add(f'{_where(path)}missing required key "{key}" in {self.name}', mark)
                ok = False
        return ok

    def json_schema(self) -> dict[str, Any]:
        return self._with_description(
            {
                "type": "object",
                "properties": {k: f.type.json_schema() for k, f in self.fields.items()},
                "required": [k for k, f in self.fields.items() if f.required],
                "additionalProperties": False,
            }
        )


class MapOf(Type):
    """A mapping whose keys follow a pattern (language tags, variable names)."""

    def __init__(
        self,
        value: Type,
        key_pattern: str = ".*",
        key_hint: str = "",
        description: str = "",
        key_check: Callable[[str], str | None] | None = None,
    ):
        self.value = value
        self.key_pattern = key_pattern
        self.key_hint = key_hint
        self.description = description
        self._regex = re.compile(key_pattern)
        #: A further check of each key that matches the pattern: a message, or None.
        self.key_check = key_check

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        if not isinstance(value, dict):
            _wrong_type("a mapping", value, mark, path, out)
            return False
        ok = True
        events = value.events if isinstance(value, YMap) else None
        for i, (key, item) in enumerate(value.items()):
            problem = (
                f'"{key}" is not valid: {self.key_hint}'
                if not self._regex.fullmatch(key)
                else self.key_check(key)
                if self.key_check is not None
                else None
            )
            if problem is not None:
                out.add(f"{_where(path)}{problem}", events[2 * i] if events is not None else mark)
                ok = False
                continue
            where = events[2 * i + 1] if events is not None else mark
            ok = self.value.check(item, where, (path, key), out) and ok
        return ok

    def json_schema(self) -> dict[str, Any]:
        return self._with_description(
            {
                "type": "object",
                "propertyNames": {"pattern": f"^(?:{self.key_pattern})$"},
                "additionalProperties": self.value.json_schema(),
            }
        )


class EitherOf(Type):
    """A value of the first type whose shape fits (text, or a list of text)."""

    def __init__(self, options: tuple[Type, ...], description: str = ""):
        self.options = options
        self.description = description

    def check(self, value: Any, mark: Any, path: SchemaPath, out: Checker) -> bool:
        for option in self.options:
            if isinstance(option, ListOf) and isinstance(value, list):
                return option.check(value, mark, path, out)
            if isinstance(option, Text) and isinstance(value, str):
                return option.check(value, mark, path, out)
            if isinstance(option, Record) and isinstance(value, dict):
                return option.check(value, mark, path, out)
        shapes = {ListOf: "a list of text", Text: "text", Record: "a mapping"}
        expected = " or ".join(shapes[type(o)] for o in self.options if type(o) in shapes)
        _wrong_type(expected, value, mark, path, out)
        return False

    def json_schema(self) -> dict[str, Any]:
        return self._with_description({"anyOf": [o.json_schema() for o in self.options]})
