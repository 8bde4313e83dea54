"""``dreamq lint``: question-quality checks on top of ``dreamq validate``.

Validation says whether a bank *works*; the linter says whether its questions
are *good interview questions*: open, neutral, one ask at a time, short,
plain-spoken, translated, and not repeated.  Every check is a heuristic, so
each finding names its rule, says why, and suggests a rewrite; a team can
disable a rule, change its severity, or suppress it for one question (with a
reason) in ``.dreamq-lint.yaml``.

English heuristics look only at English texts (``en``, ``en-*``), Chinese ones
only at Chinese texts (``zh``, ``zh-*``); the language-neutral rules
(placeholders, jargon, length, duplicates, translations, probes) look at all.
"""

from __future__ import annotations

import gc
import json
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from itertools import chain
from math import ceil
from operator import add
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .banks import Bank, Question
from .errors import DreamqError, Problem, did_you_mean, display_path

_K = TypeVar("_K")
_V = TypeVar("_V")

CONFIG_FILE = ".dreamq-lint.yaml"
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    severity: str
    explanation: str
    suggestion: str


RULES: dict[str, Rule] = {
    "invalid": Rule(
        "error",
        "The file does not validate (the same problem `dreamq validate` reports).",
        "fix the file first; the other rules only see banks that load",
    ),
    "leading-question": Rule(
        "warning",
        "The question suggests its own answer or presupposes a feeling.",
        "ask neutrally, e.g. 'How did you feel about …?' or 'Tell me about …'",
    ),
    "double-barrelled": Rule(
        "warning",
        "The question asks two things at once; people answer only one of them.",
        "split it into two questions, or move the second ask into a probe",
    ),
    "closed-question": Rule(
        "warning",
        "The question can be answered with yes or no.",
        "open it up: start with what, how, when or tell me about",
    ),
    "hypothetical-future": Rule(
        "warning",
        "The question asks people to predict their own future behaviour, which they do poorly.",
        "ask about past behaviour instead, e.g. 'Tell me about the last time you …'",
    ),
    "too-long": Rule(
        "warning",
        "The question is long to read aloud and hard to hold in mind.",
        "shorten it; move context into the moderator notes or a probe",
    ),
    "jargon": Rule(
        "warning",
        "The question uses company or industry jargon participants may not share.",
        "use the words participants would use",
    ),
    "placeholder": Rule(
        "error",
        "The text holds a leftover placeholder or draft marker.",
        "replace it with real text, or with a {{ variable }} the domains define",
    ),
    "near-duplicate": Rule(
        "warning",
        "Two questions say nearly the same thing.",
        "remove one, or make them ask different things",
    ),
    "missing-translation": Rule(
        "warning",
        "The question lacks a language the rest of its bank has.",
        "add the translation under the question's translations",
    ),
    "probe-repeats-question": Rule(
        "warning",
        "A probe nearly repeats its question, so it adds nothing.",
        "make the probe dig deeper: ask for an example, a reason or a feeling",
    ),
    "suppression-without-reason": Rule(
        "error",
        "A suppression in the lint configuration gives no reason.",
        "say why the rule does not apply to this question",
    ),
}

DEFAULT_JARGON = ("leverage", "synergy", "omnichannel", "touchpoint", "NPS", "UX", "journey map")
DEFAULT_IMAGINATIVE = ("dreamer", "artifact_afterlife")
_CONFIG_KEYS = (
    "disable",
    "severity",
    "jargon",
    "max_words",
    "max_chars",
    "imaginative_categories",
    "suppress",
)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning"
    path: str
    line: int | None
    ref: str | None  # bank/question
    language: str | None
    message: str
    suggestion: str
    column: int | None = None


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    files: int

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


@dataclass(frozen=True)
class LintConfig:
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    jargon: tuple[str, ...] = DEFAULT_JARGON
    max_words: int = 40
    max_chars: int = 80
    imaginative_categories: tuple[str, ...] = DEFAULT_IMAGINATIVE
    #: ``{"bank/question": {rule: reason or None}}``
    suppress: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    #: Where the configuration came from, if a file.
    path: Path | None = None
    #: Problems with the configuration file itself (reported as findings).
    findings: tuple[Finding, ...] = ()


# --- configuration -------------------------------------------------------------------


def load_config(directory: Path) -> LintConfig:
    """The configuration in ``directory``/.dreamq-lint.yaml, or the defaults.
    Problems with the file are findings in ``config.findings``, never exceptions."""
    from ._yamlload import YMap, load_yaml, read_text

    path = Path(directory) / CONFIG_FILE
    if not path.is_file():
        return LintConfig()
    shown = display_path(path)
    try:
        data = load_yaml(read_text(path), shown)  # not cached: its lines are wanted
    except DreamqError as exc:
        return LintConfig(path=path, findings=tuple(_from_problem(p, shown) for p in exc.problems))
    if data is None:
        data = {}
    bad: list[tuple[str, str | None]] = []  # (message, the top-level key it is about)
    if not isinstance(data, dict):
        return LintConfig(
            path=path, findings=(_config_finding(shown, "must be a mapping of settings", 1),)
        )
    values: dict[str, object] = {}
    for key in data:
        if key not in _CONFIG_KEYS:
            bad.append((f"unknown key {key!r} (known: {', '.join(_CONFIG_KEYS)})", key))

    def id_list(key: str) -> list[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad.append((f"{key} must be a list of text", key))
            return None
        return value

    disable = id_list("disable")
    if disable is not None:
        for rule in disable:
            if rule not in RULES or rule == "invalid":
                bad.append(
                    (
                        f"disable: {rule!r} is not a rule that can be disabled."
                        + did_you_mean(str(rule), RULES),
                        "disable",
                    )
                )
        values["disable"] = frozenset(r for r in disable if r in RULES and r != "invalid")
    severity = data.get("severity")
    if severity is not None:
        if not isinstance(severity, dict):
            bad.append(("severity must map rule ids to error or warning", "severity"))
        else:
            good = {}
            for rule, level in severity.items():
                if rule not in RULES or rule == "invalid":
                    bad.append(
                        (
                            f"severity: {rule!r} is not a rule whose severity can change."
                            + did_you_mean(str(rule), RULES),
                            "severity",
                        )
                    )
                elif level not in SEVERITIES:
                    bad.append(
                        (f"severity: {rule} must be error or warning, not {level!r}", "severity")
                    )
                else:
                    good[rule] = level
            values["severity"] = good
    jargon = id_list("jargon")
    if jargon is not None:
        values["jargon"] = tuple(j for j in jargon if j.strip())
    categories = id_list("imaginative_categories")
    if categories is not None:
        values["imaginative_categories"] = tuple(categories)
    for key in ("max_words", "max_chars"):
        number = data.get(key)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            bad.append((f"{key} must be a whole number above 0", key))
        else:
            values[key] = number
    suppress = data.get("suppress")
    if suppress is not None:
        if not isinstance(suppress, dict):
            bad.append(('suppress must map "bank/question" to {rule-id: reason}', "suppress"))
        else:
            good_suppress: dict[str, dict[str, str | None]] = {}
            for ref, rules in suppress.items():
                if not isinstance(ref, str) or not isinstance(rules, dict):
                    bad.append(
                        (
                            f'suppress: {ref!r} must map rule ids to reasons ("bank/question")',
                            "suppress",
                        )
                    )
                    continue
                for rule, reason in rules.items():
                    if rule not in RULES or rule == "invalid":
                        bad.append(
                            (
                                f"suppress: {ref}: {rule!r} is not a rule that can be "
                                f"suppressed.{did_you_mean(str(rule), RULES)}",
                                "suppress",
                            )
                        )
                    elif reason is not None and not isinstance(reason, str):
                        bad.append(
                            (f"suppress: {ref}: {rule}: the reason must be text", "suppress")
                        )
                    else:
                        good_suppress.setdefault(ref, {})[rule] = reason
            values["suppress"] = good_suppress
    marks = data.key_marks if isinstance(data, YMap) else {}
    findings = tuple(
        _config_finding(shown, message, marks[key].line if key in marks else None)
        for message, key in bad
    )
    return LintConfig(path=path, findings=findings, **values)  # type: ignore[arg-type]


def _config_finding(shown: str, message: str, line: int | None) -> Finding:
    return Finding(
        "invalid",
        "error",
        shown,
        line,
        None,
        None,
        message,
        f"fix {CONFIG_FILE}: its keys are {', '.join(_CONFIG_KEYS)}; the rules are listed "
        "in docs/bank-format.md (Lint configuration)",
    )


def _from_problem(problem: Problem, default_path: str = "") -> Finding:
    return Finding(
        "invalid",
        "error",
        problem.file or default_path,
        problem.line,
        None,
        None,
        problem.message,
        problem.hint or "",
        problem.column,
    )


# --- running -------------------------------------------------------------------------


def lint(
    paths: Sequence[str | Path] = (),
    *,
    bank_dirs: Sequence[str | Path] = (),
    config: LintConfig | None = None,
) -> LintReport:
    """Validate ``paths`` (or the whole search path when empty, like
    ``dreamq validate``), then run the question-quality rules on every bank
    that loads.  Never raises for a problem with the input: it becomes a finding."""
    from .catalog import load_layers, search_layers
    from .validation import validate

    if config is None:
        config = load_config(Path.cwd())
    findings: list[Finding] = list(config.findings)
    files = 0
    banks: list[Bank] = []
    try:
        report = validate(paths, bank_dirs=bank_dirs)
        problems, files = report.problems, report.files
        banks = list(report.checked_banks.values())  # what validate loaded: no second load
    except DreamqError as exc:
        problems = exc.problems
        try:  # validate stopped early (a missing path): lint what does exist
            if paths:
                existing = [Path(p) for p in paths if Path(p).exists()]
                catalog, _ = load_layers([(existing, "file")])
            else:
                catalog, _ = load_layers(search_layers(bank_dirs))
            banks = list(catalog.banks.values())
        except DreamqError:
            pass  # already reported by validate
    findings.extend(_from_problem(p) for p in problems)
    findings.extend(_run_rules(banks, config))
    findings = _apply_config(findings, config)
    findings.sort(key=lambda f: (f.path, f.line or 0, f.rule, f.language or "", f.message))
    return LintReport(findings=tuple(findings), files=files)


def _apply_config(findings: list[Finding], config: LintConfig) -> list[Finding]:
    kept: list[Finding] = []
    for f in findings:
        if f.rule in config.disable:
            continue
        if f.ref is not None and f.rule in config.suppress.get(f.ref, {}):
            continue
        level = config.severity.get(f.rule)
        if level is not None and level != f.severity:
            f = Finding(f.rule, level, f.path, f.line, f.ref, f.language, f.message, f.suggestion)
        kept.append(f)
    shown = display_path(config.path) if config.path else CONFIG_FILE
    for ref, rules in config.suppress.items():
        for rule, reason in rules.items():
            if reason is None or not reason.strip():
                kept.append(
                    Finding(
                        "suppression-without-reason",
                        config.severity.get("suppression-without-reason", "error"),
                        shown,
                        None,
                        ref,
                        None,
                        f"suppress: {ref}: {rule} gives no reason",
                        RULES["suppression-without-reason"].suggestion,
                    )
                )
    return [f for f in kept if f.rule not in config.disable]


# --- text helpers --------------------------------------------------------------------

_VAR = re.compile(r"\{\{.*?\}\}", re.S)
_NON_WORD = re.compile(r"[^\w\s]")


@cache
def _kind(lang: str) -> str:
    """ "en", "zh" or "other"."""
    base = lang.split("-", 1)[0].lower()
    return base if base in ("en", "zh") else "other"


def _plain(text: str) -> str:
    """The text with each {{ variable }} replaced by a neutral word."""
    return _VAR.sub("X", text)


def _normalise(text: str, kind: str) -> str:
    t = _NON_WORD.sub(" ", _VAR.sub(" X ", text).lower())
    return "".join(t.split()) if kind == "zh" else " ".join(t.split())


def _tokens(norm: str, kind: str) -> frozenset[str]:
    if kind == "zh":
        if len(norm) < 2:
            return frozenset(norm)
        return frozenset(map(add, norm, norm[1:]))  # each pair of neighbours
    return frozenset(norm.split())


class _Memo(dict[_K, _V]):
    """``memo[key]`` is ``function(key)``, worked out once per key.  One lint
    run sees the same text many times: probes repeat from question to
    question, and the near-duplicate check needs the texts the probe check
    has just normalised."""

    def __init__(self, function: Callable[[_K], _V]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self.function(key)
        return value


def _normaliser() -> _Memo[tuple[str, str], str]:
    """``normalised[text, kind]`` is ``_normalise(text, kind)``, once per text."""
    return _Memo(lambda key: _normalise(*key))


# --- keyword prechecks ----------------------------------------------------------------

#: Every whitespace character (what ``\s`` matches, ``str.isspace``) but the
#: space, as a space.
_BLANKS = dict.fromkeys(
    map(
        ord,
        "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
        "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
    ),
    " ",
)
#: Those, and the characters that a case-insensitive regex matches with an
#: ASCII letter but ``str.lower()`` does not turn into that letter (sre pairs
#: ı and İ with i, ſ with s; the Kelvin sign lowers to k by itself).
_FOLDS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"} | _BLANKS)


def _fold(text: str) -> str:
    """The text as a case-insensitive regex sees it, for keyword prechecks:
    an ASCII keyword is in ``_fold(text)`` whenever a case-insensitive match
    of it is in ``text``, a space in the keyword standing for any whitespace."""
    if text.isascii():
        folded = text.lower()
        return folded if folded.isprintable() else folded.translate(_BLANKS)
    return text.translate(_FOLDS).lower()


class _Keyed:
    """A regular expression with keywords, one of which every match of it
    contains.  Lint runs every pattern on every text and almost none match;
    a substring test (``in``) is far cheaper than a regex scan, so the regex
    runs only on texts that hold a keyword (``keywords=None``: on all texts).

    The keywords of a case-insensitive pattern are lower-case ASCII and are
    looked for in ``_fold(text)``; those of a case-sensitive one in the text."""

    __slots__ = ("ignore_case", "keywords", "label", "regex")

    def __init__(
        self, pattern: str, keywords: tuple[str, ...] | None, flags: int = 0, label: str = ""
    ):
        self.regex = re.compile(pattern, flags)
        self.keywords = keywords
        self.ignore_case = bool(flags & re.I)
        self.label = label
        if self.ignore_case and keywords is not None:
            for keyword in keywords:
                if not keyword.isascii() or keyword != keyword.lower():
                    raise ValueError(f"keyword {keyword!r} is not lower-case ASCII")

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """``regex.search(text)``; ``folded`` is ``_fold(text)``."""
        if self.keywords is not None and not _holds_any(
            folded if self.ignore_case else text, self.keywords
        ):
            return None
        return self.regex.search(text)


def _holds_any(text: str, keywords: Iterable[str]) -> bool:
    """Whether the text holds any of the keywords."""
    for keyword in keywords:  # noqa: SIM110 (a loop of ``in`` beats any())
        if keyword in text:
            return True
    return False


class _Patterns:
    """Keyed patterns run together on each text.  A text that holds none of
    their keywords (most texts) is passed over with one loop of ``in`` tests."""

    def __init__(self, patterns: Iterable[_Keyed]):
        self.patterns = tuple(patterns)
        self.always = any(p.keywords is None for p in self.patterns)
        keywords = [(k, p.ignore_case) for p in self.patterns for k in p.keywords or ()]
        self.folded_keywords = tuple(dict.fromkeys(k for k, folded in keywords if folded))
        self.plain_keywords = tuple(dict.fromkeys(k for k, folded in keywords if not folded))

    def _may_match(self, text: str, folded: str) -> bool:
        if self.always:
            return True
        for keyword in self.folded_keywords:
            if keyword in folded:
                return True
        for keyword in self.plain_keywords:  # noqa: SIM110 (a loop of ``in`` beats any())
            if keyword in text:
                return True
        return False

    def search(self, text: str, folded: str) -> bool:
        """Whether any of the patterns matches ``text`` (``folded`` is ``_fold(text)``)."""
        return self._may_match(text, folded) and any(
            pattern.search(text, folded) for pattern in self.patterns
        )

    def matches(self, text: str, folded: str) -> list[tuple[_Keyed, re.Match[str]]]:
        """Each pattern that matches ``text``, with its first match, in order."""
        if not self._may_match(text, folded):
            return []
        return [(p, match) for p in self.patterns if (match := p.search(text, folded))]


# --- English heuristics --------------------------------------------------------------

_START = r"(?:^|(?<=[.!?:;,\u2014])\s*|\b(?:and|but|so)\s+)"
_FEELINGS = (
    "frustrated|annoyed|happy|angry|upset|pleased|satisfied|disappointed|excited|"
    "delighted|irritated|confused|thrilled|relieved|grateful|stressed"
)
# Each pattern with its keywords (see _Keyed): words every match contains.
_EN_LEADING = _Patterns(
    [
        _Keyed(
            _START + r"(?:don't|doesn't|didn't|wouldn't|isn't|aren't|wasn't|weren't|won't|shouldn't"
            r"|can't|couldn't|haven't|hasn't)\s+(?:you|it|that|this|there|they|we)\b",
            ("n't",),
            re.I,
        ),
        _Keyed(r"\bwouldn't it be\b", ("wouldn't",), re.I),
        _Keyed(r"\b(?:would|do|don't) you (?:not )?agree\b", ("agree",), re.I),
        _Keyed(
            r"\bhow much (?:did|do|would) you (?:love|hate|like|enjoy|dislike|appreciate)\b",
            ("much",),
            re.I,
        ),
        _Keyed(rf"\bhow (?:{_FEELINGS}) (?:were|are|was|did|do|would|will) you\b", ("how",), re.I),
        _Keyed(
            r"\bhow (?:frustrating|annoying|great|amazing|awful|terrible|wonderful|painful|"
            r"easy|hard|difficult|bad|good) (?:was|is|were|are) (?:it|that|this)\b",
            ("how",),
            re.I,
        ),
        _Keyed(r"\bwhy (?:do|did) you (?:like|love|hate|dislike|enjoy|prefer)\b", ("why",), re.I),
    ]
)
_WH = r"(?:what|how|when|where|who|which)"
_EN_DOUBLE = _Patterns(
    [
        # one wh-word for two asks: "when and how", "what or where" ("and why" is a probe: fine)
        _Keyed(rf"\b{_WH}\s+(?:and|or)\s+{_WH}\b", (" and ", " or "), re.I),
        # opposite verbs or judgements sharing one question: "like and dislike", "best and worst"
        _Keyed(
            r"\b(?:like|love|enjoy|best|good|easy|help|pros?)s?\s+(?:and|or)\s+"
            r"(?:dislike|hate|worst|bad|hard|hinder|cons?)s?\b",
            (" and ", " or "),
            re.I,
        ),
        # a second yes/no ask joined with "and": "Did you like it and would you ..."
        _Keyed(
            r"\band\s+(?:do|did|would|will|can|could|are|is|have|has|were|was)\s+(?:you|they|we)\b",
            ("and ",),
            re.I,
        ),
    ]
)
_CLOSED_WORDS = frozenset({
    "do", "does", "did", "is", "are", "am", "can", "could", "have", "has", "would", "will",
    "should", "was", "were", "shall",
})  # fmt: skip
#: Invitations where "no" is a full answer ("Is there anything else ...?").
_INVITATION = re.compile(r"^(?:is there anything|anything else)\b", re.I)
_EN_TELL = re.compile(
    r"(?:^|[.!?]\s+)(?:please\s+)?(?:tell|describe|walk|talk|show|share|explain)\b", re.I
)
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|\"[^\"]*\"|「[^」]*」|『[^』]*』")
_REQUEST = re.compile(
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:(?:tell|walk|show|take|give)\s+(?:me|us)|"
    r"talk\s+(?:me|us|about)|describe|share|explain|name|list|sketch|draw|paint|picture|"
    r"imagine|recall|remember|go\s+through)\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_EN_FUTURE = _Patterns(
    [
        _Keyed(
            r"(?:^|[,.;:?!]\s*)(?:would|will)\s+you\s+(?:ever\s+|still\s+|actually\s+)?"
            r"(?:use|buy|pay|recommend|purchase|try|switch|subscribe|sign up|choose|keep|"
            r"consider|want|order|return|come back|be willing)\b",
            ("would", "will"),
            re.I,
        ),
        _Keyed(r"(?:^|[,.;:?!]\s*)will you\b", ("will",), re.I),
        _Keyed(r"\bhow likely (?:are|is|would|will)\b", ("likely",), re.I),
        _Keyed(r"\bhow much would you (?:pay|spend)\b", ("much",), re.I),
    ]
)


def _question_sentences(text: str) -> list[str]:
    body = text[:-1] if text.endswith(("?", ".", "!")) else text
    if body and "?" not in body and "." not in body and "!" not in body:
        stripped = text.strip()  # one sentence (the usual case): no need to split
        return [stripped] if stripped else []
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    return asked or sentences[-1:]


_FIRST_WORD = re.compile(r"[\s\"'“‘(]*(?:so|and|but|now|okay|ok|also)?[,\s]*([A-Za-z']+)", re.I)


def _first_word(sentence: str) -> str:
    match = _FIRST_WORD.match(sentence)
    return match.group(1).lower() if match else ""


def _unquote(text: str) -> str:
    """The text with each quoted passage replaced by X.  (An ASCII text with
    no straight double quote holds no opening quote mark: no regex scan.)"""
    if '"' in text or not text.isascii():
        return _QUOTED.sub("X", text)
    return text


def _en_closed(text: str) -> bool:
    """Every question sentence opens with an auxiliary verb (Do, Is, Have ...)
    and no request ("Tell us about it.") turns it into an open prompt."""
    text = _unquote(text)
    sentences = _question_sentences(text)
    if not sentences:
        return False
    for s in sentences:  # first: most questions open with What or How and stop here
        s = s.lstrip("\"'“‘( ")
        if _first_word(s) not in _CLOSED_WORDS or _REQUEST.match(s) or _INVITATION.match(s):
            return False
    return not _EN_TELL.search(text)


def _asks(text: str, zh: bool) -> list[str]:
    """The substantive question sentences: a bare "Why?" is a probe, not an ask,
    and a Chinese sentence with no question word, 嗎 or A-not-A ("小孩、伴侶還是室友？",
    "是它變了，還是你變了？") only spells out the one before."""
    if zh:  # Chinese questions end in a full-width ？; a list of examples is no ask
        parts = re.findall(r"[^？]+？", _unquote(text))
        return [
            p
            for p in parts
            if len(_NON_WORD.sub("", p)) >= 4
            and (_ZH_OPEN.search(p) or _ZH_MA.search(p) or _ZH_A_NOT_A.search(p))
        ]
    parts = re.findall(r"[^?]+\?", _unquote(text))
    return [p for p in parts if len(p.split()) >= 3]


def _double(text: str, folded: str, zh: bool, patterns: _Patterns) -> bool:
    """Two asks in one: a pattern matches, three or more substantive question
    sentences, or two that are both yes/no questions.  (A question followed by
    one open follow-up is the bundled banks' deliberate style, not flagged.)"""
    if patterns.search(text, folded):
        return True
    if text.count("？" if zh else "?") < 2:
        return False  # at most one question sentence (quoting only removes marks)
    asks = _asks(text, zh)
    if len(asks) >= 3:
        return True
    closed = _zh_closed if zh else _en_closed
    return len(asks) == 2 and all(closed(a.strip()) for a in asks)


# --- Chinese heuristics --------------------------------------------------------------

_ZH_QW = r"(?:什麼|什么|哪|怎麼|怎么|怎樣|怎样|如何|為什麼|为什么|為何|为何|多少|多久|誰|谁|幾|几)"
_ZH_QW_NOT_WHY = r"(?:什麼|什么|哪|怎麼|怎么|怎樣|怎样|如何|多少|多久|誰|谁|幾|几)"
_ZH_LEADING = _Patterns(
    [
        _Keyed(r"難道|难道", ("難道", "难道")),
        _Keyed(r"是不是.*吧", ("是不是",)),
        _Keyed(r"不覺得.*[嗎吗]|不觉得.*[嗎吗]", ("不覺得", "不觉得")),
        _Keyed(r"(?:多麼|多么)(?:喜歡|喜欢|討厭|讨厌|愛|爱|享受)", ("多麼", "多么")),
        _Keyed(r"[對对](?:吧|不[對对])[？?]?\s*$", ("對", "对")),
        _Keyed(r"有多(?:失望|生氣|生气|沮喪|沮丧|開心|开心|煩|烦|滿意|满意|喜歡|喜欢)", ("有多",)),
        _Keyed(r"為什麼(?:喜歡|喜愛|討厭)|为什么(?:喜欢|喜爱|讨厌)", ("為什麼", "为什么")),
    ]
)
_ZH_DOUBLE = _Patterns(
    [
        _Keyed(
            rf"{_ZH_QW_NOT_WHY}(?:時候|时候|地方|時|时)?(?:和|或者?|還是|还是|以及|跟){_ZH_QW_NOT_WHY}",
            ("和", "或", "還是", "还是", "以及", "跟"),
        ),
        _Keyed(
            r"(喜歡|喜欢|滿意|满意|同意)(?:和|或|還是|还是|與|与|跟)(?:不\1|討厭|讨厌)",
            ("和", "或", "還是", "还是", "與", "与", "跟"),
        ),
        _Keyed(
            r"(?:優點|优点|好處|好处)(?:和|或|與|与|跟)(?:缺點|缺点|壞處|坏处)",
            ("缺點", "缺点", "壞處", "坏处"),
        ),
    ]
)
_ZH_OPEN = re.compile(_ZH_QW)
_ZH_A_NOT_A = re.compile(
    r"是不是|有沒有|有没有|會不會|会不会|能不能|要不要|可不可以|願不願意|愿不愿意|[對对]不[對对]|好不好"
)
_ZH_MA = re.compile(r"[嗎吗][？?]?\s*$")
_ZH_REQUEST = re.compile(
    r"(?:(?:能|可以|可不可以|願意|愿意|請|请).{0,6}?(?:描述|分享|介紹|介绍|舉|举|帶|带|形容|回想|想像|想象))"
    r"|說說|说说|講講|讲讲|談談|谈谈|聊聊"
)
_ZH_FUTURE = _Patterns(
    [
        _Keyed(
            r"(?:會|会|願意|愿意|打算)(?:不(?:會|会))?(?:繼續|继续|再)?(?:使用|購買|购买|推薦|推荐|"
            r"付錢|付钱|花錢|花钱|訂閱|订阅|嘗試|尝试|買|买|換|换|回來|回来)",
            ("會", "会", "願意", "愿意", "打算"),
        ),
        _Keyed(r"多大(?:可能|機會|机会)|可能性有多大|有多(?:大)?可能", ("多大", "可能")),
        _Keyed(r"願意(?:付|花)多少|愿意(?:付|花)多少", ("多少",)),
    ]
)


def _zh_closed(text: str) -> bool:
    """Every question sentence ends in 嗎/吗 or asks A-not-A (有沒有, 是不是)
    without an open question word, and no request (說說看) opens it up."""
    t = _unquote(_plain(text)).strip()
    parts = [p for p in re.findall(r"[^?？]+[?？]?", t) if p.strip(" ？?")]
    asked = [p for p in parts if p.rstrip().endswith(("?", "？"))] or parts[-1:]
    if not asked:
        return False
    for p in asked:
        closed = _ZH_MA.search(p) or (_ZH_A_NOT_A.search(p) and not _ZH_OPEN.search(p))
        if not closed:
            return False
    return not _ZH_REQUEST.search(t)


# --- rules ---------------------------------------------------------------------------

_DRAFT = _Patterns(
    [
        _Keyed(r"\[[^\[\]\n]*[^\W\d_][^\[\]\n]*\]", ("[",), label="a bracket placeholder"),
        _Keyed(r"【[^】]*】", ("【",), label="a bracket placeholder"),
        _Keyed(r"<[A-Za-z_][A-Za-z_ ]{0,30}>", ("<",), label="an angle-bracket placeholder"),
        _Keyed(
            r"(?<![A-Za-z0-9])(?:TBD|TBC|TODO|XXX+|FIXME)(?![A-Za-z0-9])",
            ("TBD", "TBC", "TODO", "XXX", "FIXME"),
            label="a draft marker",
        ),
        _Keyed(r"\blorem\b", ("lorem",), re.I, label="lorem ipsum filler"),
        _Keyed(r"\{\{|\}\}", ("{{", "}}"), label="a broken {{ }} placeholder"),
    ]
)


def _draft_marker(text: str) -> str | None:
    """What placeholder or draft marker the text holds, if any ({{ variables }} aside)."""
    return _draft_marker_in(_VAR.sub(" ", text))


def _draft_marker_in(rest: str) -> str | None:
    """``_draft_marker`` of a text whose {{ variables }} are already blanked out."""
    found = _DRAFT.matches(rest, _fold(rest))
    if not found:
        return None
    pattern, match = found[0]
    return f"{pattern.label}: {match.group(0)!r}"


def _jargon_pattern(term: str) -> _Keyed:
    """The term as a whole word or phrase, any case; its longest ASCII word
    is the keyword (a term with none is looked for in every text)."""
    words = term.split()
    pattern = r"(?<![A-Za-z0-9])" + r"\s+".join(map(re.escape, words)) + r"(?![A-Za-z0-9])"
    ascii_words = [w.lower() for w in words if w.isascii()]
    keywords = (max(ascii_words, key=len),) if ascii_words else None
    return _Keyed(pattern, keywords, re.I, label=term)


class _Checker:
    def __init__(self, config: LintConfig, normalised: _Memo[tuple[str, str], str]):
        self.config = config
        self.findings: list[Finding] = []
        self.jargon = _Patterns(_jargon_pattern(term) for term in config.jargon)
        self.normalised = normalised
        self.draft_markers = _Memo(_draft_marker)  # probes repeat across questions

    def add(
        self, rule: str, bank: Bank, q: Question | None, lang: str | None, message: str
    ) -> None:
        spec = RULES[rule]
        self.findings.append(
            Finding(
                rule,
                spec.severity,
                display_path(bank.path),
                q.line if q else None,
                q.ref if q else None,
                lang,
                message,
                spec.suggestion,
            )
        )

    def question(self, bank: Bank, q: Question, bank_languages: AbstractSet[str]) -> None:
        missing = bank_languages - q.text.keys()
        for lang in sorted(missing) if missing else ():
            self.add("missing-translation", bank, q, lang, f"no {lang} text (the bank has {lang})")
        for lang, text in q.text.items():
            kind = _kind(lang)
            self.text_rules(bank, q, lang, kind, text)
            probes = q.probes.get(lang, ())
            if not probes:
                continue
            norm = self.normalised[text, kind]
            matcher = None
            for probe in probes:
                marker = self.draft_markers[probe]
                if marker is not None:
                    self.add("placeholder", bank, q, lang, f"a probe holds {marker}")
                other = self.normalised[probe, kind]
                if 2 * min(len(other), len(norm)) < 0.8 * (len(other) + len(norm)):
                    continue  # lengths too far apart for a ratio of 0.8
                if matcher is None:
                    matcher = SequenceMatcher(None, autojunk=False)
                    matcher.set_seq2(norm)
                matcher.set_seq1(other)
                if (
                    matcher.real_quick_ratio() >= 0.8
                    and matcher.quick_ratio() >= 0.8
                    and matcher.ratio() >= 0.8
                ):
                    self.add(
                        "probe-repeats-question",
                        bank,
                        q,
                        lang,
                        f"probe {probe!r} nearly repeats the question",
                    )

    def text_rules(self, bank: Bank, q: Question, lang: str, kind: str, text: str) -> None:
        cfg = self.config
        parts = _VAR.split(text)  # around each {{ variable }}
        words = "X".join(parts).split()  # as in _plain(text)
        plain = " ".join(words)
        folded = _fold(plain)
        marker = _draft_marker_in(" ".join(parts))
        if marker is not None:
            self.add("placeholder", bank, q, lang, f"the question holds {marker}")
        for pattern, _ in self.jargon.matches(plain, folded):
            self.add("jargon", bank, q, lang, f"uses the jargon {pattern.label!r}")
        if kind == "zh":
            size, limit = sum(map(len, words)), cfg.max_chars
            if size > limit:
                self.add("too-long", bank, q, lang, f"{size} characters (at most {limit})")
        else:
            size, limit = len(words), cfg.max_words
            if size > limit:
                self.add("too-long", bank, q, lang, f"{size} words (at most {limit})")
        heuristics = _HEURISTICS.get(kind)
        if heuristics is None:
            return  # English and Chinese heuristics fit only their own language
        leading, double, future_patterns, closed = heuristics
        if leading.search(plain, folded):
            self.add("leading-question", bank, q, lang, "the question suggests its answer")
        if _double(plain, folded, kind == "zh", double):
            self.add("double-barrelled", bank, q, lang, "the question asks two things")
        imaginative = bank.category in cfg.imaginative_categories
        future = not imaginative and future_patterns.search(plain, folded)
        if future:
            self.add(
                "hypothetical-future", bank, q, lang, "asks people to predict what they will do"
            )
        exempt_closed = bank.category == "introduction" or "consent" in q.tags
        if not exempt_closed and not future and closed(plain):
            self.add("closed-question", bank, q, lang, "answerable with yes or no")


#: Per kind of language: leading, double-barrelled and hypothetical-future
#: patterns, and the closed-question test.
_HEURISTICS = {
    "en": (_EN_LEADING, _EN_DOUBLE, _EN_FUTURE, _en_closed),
    "zh": (_ZH_LEADING, _ZH_DOUBLE, _ZH_FUTURE, _zh_closed),
}


def _run_rules(banks: Sequence[Bank], config: LintConfig) -> list[Finding]:
    normalised = _normaliser()
    checker = _Checker(config, normalised)
    with _collector_paused():
        for bank in banks:
            languages = {lang for q in bank.questions for lang in q.text}
            for q in bank.questions:
                checker.question(bank, q, languages)
        if "near-duplicate" not in config.disable:
            by_id = {bank.id: bank for bank in banks}
            for a, b, lang, score in _near_duplicates(banks, _DUPLICATE, normalised):
                bank_b, bank_a = by_id[b.bank_id], by_id[a.bank_id]
                where = display_path(bank_a.path) + f":{a.line}"
                checker.add(
                    "near-duplicate",
                    bank_b,
                    b,
                    lang,
                    f'nearly the same as "{a.ref}" ({where}), {round(score * 100)}% alike',
                )
    return checker.findings


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector.  The rules make tens of
    thousands of small lists, sets and tuples, and no reference cycles; each
    collection they would set off scans every object the run holds, the
    loaded banks too, and finds nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- near duplicates -----------------------------------------------------------------

_DUPLICATE = 0.85
#: Token-set prefilter: pairs whose word (en) or character-pair (zh) sets are
#: less alike than this Jaccard index are not compared character by character.
_JACCARD = 0.6
#: Two sets with a Jaccard index of at least J share at least J/(1+J)·(|A|+|B|)
#: tokens, so at least this share of the smaller set's tokens.
_SMALLER_SHARE = 2 * _JACCARD / (1 + _JACCARD)


def near_duplicates(
    banks: Sequence[Bank], threshold: float = _DUPLICATE
) -> Iterator[tuple[Question, Question, str, float]]:
    """Pairs of questions (earlier, later) whose texts in one language have a
    SequenceMatcher ratio of at least ``threshold`` on normalised text and
    whose token sets (words, or character pairs in Chinese) have a Jaccard
    index of at least ``_JACCARD``.  See ``_similar_pairs`` for how."""
    return _near_duplicates(banks, threshold, _normaliser())


class _Text(NamedTuple):
    """A question's text in one language, normalised, and its tokens."""

    question: Question
    norm: str
    tokens: frozenset[str]


def _near_duplicates(
    banks: Sequence[Bank], threshold: float, normalised: _Memo[tuple[str, str], str]
) -> Iterator[tuple[Question, Question, str, float]]:
    """``near_duplicates``, with texts normalised through ``normalised``."""
    by_lang: dict[str, list[_Text]] = defaultdict(list)
    for bank in banks:
        for q in bank.questions:
            for lang, text in q.text.items():
                kind = _kind(lang)
                norm = normalised[text, kind]
                tokens = _tokens(norm, kind)
                if tokens:
                    by_lang[lang].append(_Text(q, norm, tokens))
    for lang, texts in by_lang.items():
        for earlier, later, score in _similar_pairs(texts, threshold):
            first, second = sorted((earlier, later), key=lambda x: (x.bank_id, x.line))
            yield first, second, lang, score


#: Token sets of up to this many tokens are looked up under pairs of prefix
#: tokens (at most 28 pairs), larger ones under single tokens.
_PAIR_SIZE = 17


def _similar_pairs(
    texts: Sequence[_Text], threshold: float
) -> Iterator[tuple[Question, Question, float]]:
    """Pairs of the texts (earlier, later, ratio) that pass four filters,
    cheapest first, so that few pairs reach the costly last one:

    1. A set-similarity join with prefix filtering.  Two token sets with a
       Jaccard index of at least J share o >= J/(1+J)·(|A|+|B|) tokens.  Put
       every set in one global order, rarest token first, and the two rarest
       tokens they share lie among the first |X| - o + 2 tokens (the prefix)
       of each; the rare tokens make for short lists in the index.  Sets are
       visited smallest first, each looked up among the ones before (for the
       larger set A, o >= J·|A|) and then indexed for the ones after, under a
       shorter prefix (for the smaller set B, o >= 2J/(1+J)·|B|).
       A small set is looked up under each *pair* of its prefix tokens: two
       unrelated questions often share a word, seldom a pair of words.  A
       large set, whose prefix would give too many pairs, is looked up under
       each of its prefix tokens, and the sets that turn up twice are kept.
    2. The Jaccard index itself.
    3. The lengths: the ratio is at most 2·shorter / (shorter + longer).
    4. SequenceMatcher: ``real_quick_ratio`` and ``quick_ratio`` (cheap upper
       bounds), and only then ``ratio``.

    ``ratio`` is not symmetric, so each pair is compared one way round: the
    shorter text first (the earlier in ``texts`` when as long)."""
    ranks, width = _rarest_first(texts)
    order = sorted(range(len(texts)), key=lambda i: len(ranks[i]))  # smallest set first
    # from here on, texts are numbered by their place in that order
    texts, ranks = [texts[i] for i in order], [ranks[i] for i in order]
    sizes = [len(r) for r in ranks]
    token_sets, count = _token_sets(ranks, width)
    min_length_ratio = threshold / (2 - threshold)
    probe_length = {n: _prefix_length(n, _JACCARD) for n in set(sizes)}
    index_length = {n: _prefix_length(n, _SMALLER_SHARE) for n in set(sizes)}
    large_enough = {n: bisect_left(sizes, _JACCARD * n) for n in set(sizes)}  # first to match
    pair_index: defaultdict[int, list[int]] = defaultdict(list)  # pair key -> small sets
    token_index: defaultdict[int, list[int]] = defaultdict(list)  # token -> sets
    for i, (size, tokens, token_set) in enumerate(zip(sizes, ranks, token_sets, strict=True)):
        prefix = tokens[: probe_length[size]]
        if size <= _PAIR_SIZE:
            keys = _pair_keys(prefix, width)
            candidates = set(chain.from_iterable(filter(None, map(pair_index.get, keys))))
        else:
            if not token_index:  # the first large set: index the small ones it may match
                for j in range(large_enough[size], i):
                    _file(token_index, ranks[j][: index_length[sizes[j]]], j)
            candidates = _held_twice(map(token_index.get, prefix), large_enough[size])
        alike = [
            j
            for j in candidates
            if (common := count(token_set & token_sets[j])) >= _JACCARD * (size + sizes[j] - common)
        ]
        if alike:
            yield from _confirm(texts, order, i, alike, threshold, min_length_ratio)
        if size <= _PAIR_SIZE:
            _file(pair_index, keys[: _pair_count(index_length[size])], i)
        else:
            _file(token_index, tokens[: index_length[size]], i)


def _file(index: defaultdict[int, list[int]], keys: Iterable[int], i: int) -> None:
    """File set ``i`` in the index under each key."""
    for key in keys:
        index[key].append(i)


def _held_twice(lists: Iterable[list[int] | None], start: int) -> set[int]:
    """The sets, from ``start`` on, in at least two of the lists (each list
    ascending, so that the sets before ``start`` are cut off in one go)."""
    seen: set[int] = set()
    twice: set[int] = set()
    for holders in lists:
        if holders:
            if holders[0] < start:
                holders = holders[bisect_left(holders, start) :]
            twice.update(seen.intersection(holders))
            seen.update(holders)
    return twice


def _rarest_first(texts: Sequence[_Text]) -> tuple[list[list[int]], int]:
    """Each text's tokens as ranks in one global order, rarest first (ties in
    the order first seen), in that order; and how many ranks there are."""
    frequency = Counter(chain.from_iterable(text.tokens for text in texts))
    rank = {token: r for r, token in enumerate(sorted(frequency, key=frequency.__getitem__))}
    return [sorted(map(rank.__getitem__, text.tokens)) for text in texts], len(rank)


#: Up to this many distinct tokens, token sets are intersected as bit masks
#: of their ranks (fast); with more, as frozensets (masks would grow too long).
_MASK_BITS = 4096
_bit = (1).__lshift__  # _bit(r) == 1 << r


def _token_sets(
    ranks: Sequence[Sequence[int]], width: int
) -> tuple[list[Any], Callable[[Any], int]]:
    """Each token set in a form to intersect (``a & b``), and how to count
    what the intersection holds."""
    if width <= _MASK_BITS:
        return [sum(map(_bit, r)) for r in ranks], int.bit_count
    return [frozenset(r) for r in ranks], len


def _prefix_length(size: int, share: float) -> int:
    """How many of a set's first tokens hold the first two of any ``share``
    of it or more: with o = ceil(share·size) tokens in common, the second
    lies among the first size - o + 2.  (o is rounded down a hair, lest float
    error overstate it and shorten the prefix.)"""
    if size < 2:
        return size
    return min(size, size - ceil(share * size - 1e-9) + 2)


def _pair_keys(prefix: Sequence[int], width: int) -> list[int]:
    """The index keys of a prefix: each pair of its tokens, ranks a < b, as
    the number a·width + b (cheaper to hash and keep than a tuple), ordered
    by b's place, so that the keys of the first k tokens come first.  A
    one-token set's key is a·width + a: it is alike only to the same set."""
    if len(prefix) < 2:
        return [a * width + a for a in prefix]
    return [a * width + b for k, b in enumerate(prefix) for a in prefix[:k]]


def _pair_count(length: int) -> int:
    """How many keys ``_pair_keys`` gives a prefix of ``length`` tokens."""
    return length * (length - 1) // 2 if length > 1 else length


def _confirm(
    texts: Sequence[_Text],
    places: Sequence[int],
    i: int,
    candidates: Iterable[int],
    threshold: float,
    min_length_ratio: float,
) -> Iterator[tuple[Question, Question, float]]:
    """Filters 3 and 4 of ``_similar_pairs`` for text ``i`` and its candidates
    (``places``: each text's place in the caller's order, for ties)."""
    this = texts[i]
    this_key = (len(this.norm), places[i])
    matcher = None  # with this text second: analysed once for all candidates
    for j in candidates:
        other = texts[j]
        if other.question is this.question:
            continue
        if (len(other.norm), places[j]) < this_key:
            first, second = other, this
            if matcher is None:
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(this.norm)
            pair_matcher = matcher
        else:
            first, second = this, other
            pair_matcher = SequenceMatcher(None, autojunk=False)
            pair_matcher.set_seq2(other.norm)
        if len(first.norm) < min_length_ratio * len(second.norm):
            continue
        pair_matcher.set_seq1(first.norm)
        if pair_matcher.real_quick_ratio() < threshold or pair_matcher.quick_ratio() < threshold:
            continue
        score = pair_matcher.ratio()
        if score >= threshold:
            yield first.question, second.question, score


# --- output --------------------------------------------------------------------------


def format_findings(report: LintReport, fmt: str) -> str:
    """The report as ``text`` (one line per finding, then a summary), ``json``,
    or ``github`` (workflow commands that annotate a pull request)."""
    if fmt == "text":
        lines = [_text_line(f) for f in report.findings]
        lines.append(
            f"{report.errors} error(s), {report.warnings} warning(s) in {report.files} file(s)"
        )
        return "\n".join(lines)
    if fmt == "json":
        return json.dumps(
            {
                "files": report.files,
                "errors": report.errors,
                "warnings": report.warnings,
                "findings": [asdict(f) for f in report.findings],
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "github":
        return "\n".join(_github_line(f) for f in report.findings)
    raise ValueError(f"unknown format {fmt!r} (use text, json or github)")


def _text_line(f: Finding) -> str:
    where = f.path + (f":{f.line}" if f.line is not None else "")
    where += f":{f.column}" if f.line is not None and f.column is not None else ""
    context = ", ".join(x for x in (f.ref, f.language) if x)
    head = f"{where}: {f.severity} {f.rule}" + (f" [{context}]" if context else "")
    return f"{head}: {f.message}" + (f" ({f.suggestion})" if f.suggestion else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_line(f: Finding) -> str:
    props = [f"file={_escape_property(f.path)}"]
    if f.line is not None:
        props.append(f"line={f.line}")
        if f.column is not None:
            props.append(f"col={f.column}")
    props.append(f"title={_escape_property(f.rule)}")
    context = ", ".join(x for x in (f.ref, f.language) if x)
    message = (f"[{context}] " if context else "") + f.message
    if f.suggestion:
        message += f" ({f.suggestion})"
    return f"::{f.severity} {','.join(props)}::{_escape_data(message)}"
