"""Filling question texts in for a domain.

A question text is a tiny Jinja template: ``{{ variable }}``, optionally with
a filter from a short allow-list (``{{ company | upper }}``) or an index into a
list (``{{ artifacts[1] }}``).  Anything else -- statements, attribute access,
calls, arithmetic -- is refused when the bank is loaded, so a bank shared by
another team can never run code, however the sandbox fares.  Rendering still
happens in Jinja's immutable sandbox with ``StrictUndefined``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from .banks import Bank
    from .domains import Domain
    from .errors import Problem
    from .studies import Study

#: Filters a question text may use.
ALLOWED_FILTERS = frozenset(
    {"capitalize", "lower", "upper", "title", "trim", "first", "last", "join"}
)

#: Deepest expression a question text may hold ({{ a | upper | lower }} is 3).
_MAX_DEPTH = 16

#: Names Jinja gives a meaning of its own; a domain variable cannot use them.
_RESERVED = frozenset({"self", "loop", "super", "caller", "varargs", "kwargs"})

#: How many (text) arguments each allowed filter may take: join's separator only
#: (its second argument names an attribute to read).
_FILTER_ARGS = {"join": 1}

# Text with nothing but plain characters and {{ name }} needs no Jinja parse.
_SIMPLE_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_JINJA_OPENERS = ("{{", "{%", "{#", "}}", "%}", "#}")


def _is_simple(text: str) -> bool:
    rest = _SIMPLE_VAR.sub("", text)
    return not any(opener in rest for opener in _JINJA_OPENERS)


class TemplateTextError(ValueError):
    """A question text that is not a valid dreamq template; the message says why."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def scan(text: str) -> frozenset[str]:
    """Check a question text and return the variables it uses.

    Raises :class:`TemplateTextError` for a Jinja syntax error or a construct
    outside the allowed subset.
    """
    if "{" not in text:
        return frozenset()
    if _is_simple(text):
        names = frozenset(_SIMPLE_VAR.findall(text))
        if names & _RESERVED:
            raise TemplateTextError(
                f'"{sorted(names & _RESERVED)[0]}" is a name Jinja reserves; name the variable otherwise'
            )
        return names
    return _scan_with_jinja(text)


def _scan_with_jinja(text: str) -> frozenset[str]:
    from jinja2 import TemplateSyntaxError, nodes

    env = _environment()
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        raise TemplateTextError(f"Jinja syntax error: {exc.message}", exc.lineno) from None
    except RecursionError:
        raise TemplateTextError("expression nested too deeply") from None
    names: set[str] = set()
    allowed_roots = (nodes.Template, nodes.Output, nodes.TemplateData)

    depth = 0

    def visit(node: Any, in_expr: bool) -> None:
        nonlocal depth
        depth += 1
        try:
            _visit(node, in_expr)
        finally:
            depth -= 1

    def _visit(node: Any, in_expr: bool) -> None:
        if depth > _MAX_DEPTH:
            raise TemplateTextError(
                f"expression nested more than {_MAX_DEPTH} levels deep", node.lineno
            )
        if isinstance(node, allowed_roots) and not in_expr:
            for child in node.iter_child_nodes():
                visit(child, isinstance(node, nodes.Output))
            return
        if isinstance(node, nodes.TemplateData):
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            names.add(node.name)
            return
        if isinstance(node, nodes.Const) and isinstance(node.value, (str, int)):
            return
        if isinstance(node, nodes.Filter) and node.node is not None:
            if node.name not in ALLOWED_FILTERS:
                raise TemplateTextError(
                    f'filter "{node.name}" is not allowed in question texts '
                    f"(allowed: {', '.join(sorted(ALLOWED_FILTERS))})",
                    node.lineno,
                )
            if node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise TemplateTextError("filters in question texts take plain arguments only")
            if len(node.args) > _FILTER_ARGS.get(node.name, 0):
                raise TemplateTextError(
                    f'filter "{node.name}" takes at most {_FILTER_ARGS.get(node.name, 0)} '
                    "argument(s) in question texts",
                    node.lineno,
                )
            visit(node.node, True)
            for arg in node.args:
                if not isinstance(arg, nodes.Const) or not isinstance(arg.value, str):
                    raise TemplateTextError(
                        "filter arguments in question texts must be literal text", node.lineno
                    )
            return
        if (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, int)
        ):
            visit(node.node, True)
            return
        what = type(node).__name__
        raise TemplateTextError(
            f"{_describe(what)} is not allowed in question texts; use {{{{ variable }}}}, "
            "an allowed filter, or an index such as {{ artifacts[1] }}",
            getattr(node, "lineno", None),
        )

    try:
        visit(tree, False)
    except RecursionError:
        raise TemplateTextError("expression nested too deeply") from None
    reserved = names & _RESERVED
    if reserved:
        raise TemplateTextError(
            f'"{sorted(reserved)[0]}" is a name Jinja reserves; name the variable otherwise'
        )
    return frozenset(names)


def _describe(node_type: str) -> str:
    words = {
        "Getattr": "attribute access (.name)",
        "Getitem": "an index other than a whole number such as [0]",
        "Neg": "a negative index",
        "Call": "a function call",
        "For": "a {% for %} loop",
        "If": "an {% if %} block",
        "Macro": "a macro",
        "Assign": "{% set %}",
        "Include": "{% include %}",
        "Import": "{% import %}",
        "FromImport": "{% from ... import %}",
        "Extends": "{% extends %}",
        "Mul": "arithmetic",
        "Pow": "arithmetic",
        "Add": "arithmetic",
        "Concat": "the ~ operator",
    }
    return words.get(node_type, f"Jinja construct {node_type}")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.globals.clear()  # no range, lipsum, cycler, joiner, namespace, dict
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    env.tests = {}
    return env


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Any:
    return _environment().from_string(text)


def render_text(text: str, variables: Mapping[str, Any]) -> str:
    """Render one checked question text with plain-data ``variables``.

    The caller must have checked with :func:`scan` that every variable the text
    uses is present; rendering errors left over (an index past the end of a
    list) raise :class:`TemplateTextError`.
    """
    if "{" not in text:
        return text
    if _is_simple(text):
        return _SIMPLE_VAR.sub(lambda m: _plain(variables[m.group(1)]), text)
    from jinja2 import TemplateError

    try:
        return _compiled(text).render(variables)
    except TemplateError as exc:
        raise TemplateTextError(str(exc)) from None
    except RecursionError:
        raise TemplateTextError("expression nested too deeply") from None


def _finalize(value: Any) -> Any:
    return ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value


def _plain(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def variable_position(path: Path, line: int | None, name: str) -> tuple[int | None, int | None]:
    """Where ``{{ name`` first stands in ``path`` at or after ``line`` (1-based
    line and column), for a message about it; ``(line, None)`` when not found.
    The bank model keeps only each question's first line, so the file is read
    again -- only ever for a problem."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return line, None
    pattern = re.compile(r"\{\{-?\s*" + re.escape(name) + r"\b")
    for number in range((line or 1) - 1, len(lines)):
        found = pattern.search(lines[number])
        if found is not None:
            return number + 1, found.start() + 1
    return line, None


def unfillable(
    study: Study, banks: Mapping[str, Bank], domain: Domain, language: str | None = None
) -> list[Problem]:
    """Every question, probe or note a guide for ``study`` may use that
    ``domain`` cannot fill in (in ``language``, or in each of the domain's
    languages).  Checked before planning, so the answer never depends on
    which questions the seed happens to choose."""
    from .errors import Problem, did_you_mean, display_path

    languages = [language] if language else list(domain.languages)
    defined = {lang: domain.variables(lang).keys() for lang in languages if lang in domain.values}
    lacking: dict[tuple[str, Path, int | None, str], list[str]] = {}
    failures: list[Problem] = []
    seen: set[str] = set()
    for section in study.sections:
        refs = [ref.partition("/") for ref in section.questions]
        questions = [banks[b].question(q) for b, _, q in refs if b in banks]
        for bank_id in section.banks:
            if bank_id in banks and bank_id not in seen:
                seen.add(bank_id)
                bank = banks[bank_id]
                questions.extend(bank.questions)
                for lang, names in defined.items():
                    for name in sorted(bank.variables - names):
                        key = (
                            f'bank "{bank_id}" notes, stance or script',
                            bank.path,
                            None,
                            name,
                        )
                        lacking.setdefault(key, []).append(lang)
        for q in questions:
            if q is None or q.ref in seen:
                continue
            seen.add(q.ref)
            path = banks[q.bank_id].path
            for lang, names in defined.items():
                if lang not in q.text:
                    continue
                used = _variables_in(q, lang)
                missing = sorted(used - names)
                for name in missing:
                    lacking.setdefault((f'question "{q.ref}"', path, q.line, name), []).append(lang)
                failure = None if missing else _index_failure(q, lang, domain)
                if failure:
                    failures.append(
                        Problem(
                            f'question "{q.ref}" ({lang}): {failure}', display_path(path), q.line
                        )
                    )
    problems = list(failures)
    for (where, path, line, name), langs in lacking.items():
        hint_name = did_you_mean(name, next(iter(defined.values()), ()))
        line, column = variable_position(path, line, name)
        problems.append(
            Problem(
                f'{where} uses {{{{ {name} }}}}, which domain "{domain.id}" '
                f"({display_path(domain.path)}) does not define for {', '.join(langs)}"
                + (f".{hint_name}" if hint_name else ""),
                display_path(path),
                line,
                column,
                hint="fix the variable name"
                if hint_name
                else f"add {name} to the domain's values, or leave the bank or question out "
                "of the study",
            )
        )
    return problems


def _index_failure(q: Any, lang: str, domain: Domain) -> str | None:
    """Why a question that indexes a list (``{{ artifacts[2] }}``) cannot be
    filled for ``domain``, or None.  Only texts with an index are rendered."""
    for text in (q.text[lang], *q.probes.get(lang, ())):
        if "[" in text and "{" in text:
            try:
                render_text(text, domain.variables(lang))
            except TemplateTextError as exc:
                return str(exc)
    return None


def _variables_in(q: Any, lang: str) -> frozenset[str]:
    """The variables the question's text and probes use in one language."""
    if not q.variables:
        return frozenset()
    used: set[str] = set()
    for text in (q.text[lang], *q.probes.get(lang, ())):
        used |= scan(text)
    return frozenset(used)
