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

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from math import ceil
from pathlib import Path

from .banks import Bank, Question
from .errors import DreamqError, Problem, display_path

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
    from ._loader import load_plain_yaml

    path = Path(directory) / CONFIG_FILE
    if not path.is_file():
        return LintConfig()
    shown = display_path(path)
    try:
        data = load_plain_yaml(path)
    except DreamqError as exc:
        return LintConfig(path=path, findings=tuple(_from_problem(p, shown) for p in exc.problems))
    if data is None:
        data = {}
    bad: list[str] = []
    if not isinstance(data, dict):
        return LintConfig(
            path=path, findings=(_config_finding(shown, "must be a mapping of settings"),)
        )
    values: dict[str, object] = {}
    for key in data:
        if key not in _CONFIG_KEYS:
            bad.append(f"unknown key {key!r} (known: {', '.join(_CONFIG_KEYS)})")

    def id_list(key: str) -> list[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad.append(f"{key} must be a list of text")
            return None
        return value

    disable = id_list("disable")
    if disable is not None:
        for rule in disable:
            if rule not in RULES or rule == "invalid":
                bad.append(f"disable: {rule!r} is not a rule that can be disabled")
        values["disable"] = frozenset(r for r in disable if r in RULES and r != "invalid")
    severity = data.get("severity")
    if severity is not None:
        if not isinstance(severity, dict):
            bad.append("severity must map rule ids to error or warning")
        else:
            good = {}
            for rule, level in severity.items():
                if rule not in RULES or rule == "invalid":
                    bad.append(f"severity: {rule!r} is not a rule whose severity can change")
                elif level not in SEVERITIES:
                    bad.append(f"severity: {rule} must be error or warning, not {level!r}")
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
            bad.append(f"{key} must be a whole number above 0")
        else:
            values[key] = number
    suppress = data.get("suppress")
    if suppress is not None:
        if not isinstance(suppress, dict):
            bad.append('suppress must map "bank/question" to {rule-id: reason}')
        else:
            good_suppress: dict[str, dict[str, str | None]] = {}
            for ref, rules in suppress.items():
                if not isinstance(ref, str) or not isinstance(rules, dict):
                    bad.append(f'suppress: {ref!r} must map rule ids to reasons ("bank/question")')
                    continue
                for rule, reason in rules.items():
                    if rule not in RULES or rule == "invalid":
                        bad.append(
                            f"suppress: {ref}: {rule!r} is not a rule that can be suppressed"
                        )
                    elif reason is not None and not isinstance(reason, str):
                        bad.append(f"suppress: {ref}: {rule}: the reason must be text")
                    else:
                        good_suppress.setdefault(ref, {})[rule] = reason
            values["suppress"] = good_suppress
    findings = tuple(_config_finding(shown, message) for message in bad)
    return LintConfig(path=path, findings=findings, **values)  # type: ignore[arg-type]


def _config_finding(shown: str, message: str) -> Finding:
    return Finding(
        "invalid",
        "error",
        shown,
        None,
        None,
        None,
        message,
        f"fix {CONFIG_FILE} (see `dreamq lint --help` for its keys)",
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
        return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))
    return frozenset(norm.split())


# --- English heuristics --------------------------------------------------------------

_START = r"(?:^|(?<=[.!?:;,\u2014])\s*|\b(?:and|but|so)\s+)"
_FEELINGS = (
    "frustrated|annoyed|happy|angry|upset|pleased|satisfied|disappointed|excited|"
    "delighted|irritated|confused|thrilled|relieved|grateful|stressed"
)
_EN_LEADING = [
    re.compile(
        _START + r"(?:don't|doesn't|didn't|wouldn't|isn't|aren't|wasn't|weren't|won't|shouldn't"
        r"|can't|couldn't|haven't|hasn't)\s+(?:you|it|that|this|there|they|we)\b",
        re.I,
    ),
    re.compile(r"\bwouldn't it be\b", re.I),
    re.compile(r"\b(?:would|do|don't) you (?:not )?agree\b", re.I),
    re.compile(
        r"\bhow much (?:did|do|would) you (?:love|hate|like|enjoy|dislike|appreciate)\b", re.I
    ),
    re.compile(rf"\bhow (?:{_FEELINGS}) (?:were|are|was|did|do|would|will) you\b", re.I),
    re.compile(
        r"\bhow (?:frustrating|annoying|great|amazing|awful|terrible|wonderful|painful|"
        r"easy|hard|difficult|bad|good) (?:was|is|were|are) (?:it|that|this)\b",
        re.I,
    ),
    re.compile(r"\bwhy (?:do|did) you (?:like|love|hate|dislike|enjoy|prefer)\b", re.I),
]
_WH = r"(?:what|how|when|where|who|which)"
_EN_DOUBLE = [
    # one wh-word for two asks: "when and how", "what or where" ("and why" is a probe: fine)
    re.compile(rf"\b{_WH}\s+(?:and|or)\s+{_WH}\b", re.I),
    # opposite verbs or judgements sharing one question: "like and dislike", "best and worst"
    re.compile(
        r"\b(?:like|love|enjoy|best|good|easy|help|pros?)s?\s+(?:and|or)\s+"
        r"(?:dislike|hate|worst|bad|hard|hinder|cons?)s?\b",
        re.I,
    ),
    # a second yes/no ask joined with "and": "Did you like it and would you ..."
    re.compile(
        r"\band\s+(?:do|did|would|will|can|could|are|is|have|has|were|was)\s+(?:you|they|we)\b",
        re.I,
    ),
]
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
_EN_FUTURE = [
    re.compile(
        r"(?:^|[,.;:?!]\s*)(?:would|will)\s+you\s+(?:ever\s+|still\s+|actually\s+)?"
        r"(?:use|buy|pay|recommend|purchase|try|switch|subscribe|sign up|choose|keep|"
        r"consider|want|order|return|come back|be willing)\b",
        re.I,
    ),
    re.compile(r"(?:^|[,.;:?!]\s*)will you\b", re.I),
    re.compile(r"\bhow likely (?:are|is|would|will)\b", re.I),
    re.compile(r"\bhow much would you (?:pay|spend)\b", re.I),
]


def _question_sentences(text: str) -> list[str]:
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    return asked or sentences[-1:]


def _first_word(sentence: str) -> str:
    match = re.match(
        r"[\s\"'“‘(]*(?:so|and|but|now|okay|ok|also)?[,\s]*([A-Za-z']+)", sentence, re.I
    )
    return match.group(1).lower() if match else ""


def _en_closed(text: str) -> bool:
    """Every question sentence opens with an auxiliary verb (Do, Is, Have ...)
    and no request ("Tell us about it.") turns it into an open prompt."""
    text = _QUOTED.sub("X", text)
    if _EN_TELL.search(text):
        return False
    sentences = _question_sentences(text)
    if not sentences:
        return False
    for s in sentences:
        s = s.lstrip("\"'“‘( ")
        if _first_word(s) not in _CLOSED_WORDS or _REQUEST.match(s) or _INVITATION.match(s):
            return False
    return True


def _asks(text: str, zh: bool) -> list[str]:
    """The substantive question sentences: a bare "Why?" is a probe, not an ask,
    and a Chinese sentence with no question word, 嗎 or A-not-A ("小孩、伴侶還是室友？",
    "是它變了，還是你變了？") only spells out the one before."""
    if zh:  # Chinese questions end in a full-width ？; a list of examples is no ask
        parts = re.findall(r"[^？]+？", _QUOTED.sub("X", text))
        return [
            p
            for p in parts
            if len(_NON_WORD.sub("", p)) >= 4
            and (_ZH_OPEN.search(p) or _ZH_MA.search(p) or _ZH_A_NOT_A.search(p))
        ]
    parts = re.findall(r"[^?]+\?", _QUOTED.sub("X", text))
    return [p for p in parts if len(p.split()) >= 3]


def _double(text: str, zh: bool, patterns: Sequence[re.Pattern[str]]) -> bool:
    """Two asks in one: a pattern matches, three or more substantive question
    sentences, or two that are both yes/no questions.  (A question followed by
    one open follow-up is the bundled banks' deliberate style, not flagged.)"""
    if any(p.search(text) for p in patterns):
        return True
    asks = _asks(text, zh)
    if len(asks) >= 3:
        return True
    closed = _zh_closed if zh else _en_closed
    return len(asks) == 2 and all(closed(a.strip()) for a in asks)


# --- Chinese heuristics --------------------------------------------------------------

_ZH_QW = r"(?:什麼|什么|哪|怎麼|怎么|怎樣|怎样|如何|為什麼|为什么|為何|为何|多少|多久|誰|谁|幾|几)"
_ZH_QW_NOT_WHY = r"(?:什麼|什么|哪|怎麼|怎么|怎樣|怎样|如何|多少|多久|誰|谁|幾|几)"
_ZH_LEADING = [
    re.compile(r"難道|难道"),
    re.compile(r"是不是.*吧"),
    re.compile(r"不覺得.*[嗎吗]|不觉得.*[嗎吗]"),
    re.compile(r"(?:多麼|多么)(?:喜歡|喜欢|討厭|讨厌|愛|爱|享受)"),
    re.compile(r"[對对](?:吧|不[對对])[？?]?\s*$"),
    re.compile(r"有多(?:失望|生氣|生气|沮喪|沮丧|開心|开心|煩|烦|滿意|满意|喜歡|喜欢)"),
    re.compile(r"為什麼(?:喜歡|喜愛|討厭)|为什么(?:喜欢|喜爱|讨厌)"),
]
_ZH_DOUBLE = [
    re.compile(
        rf"{_ZH_QW_NOT_WHY}(?:時候|时候|地方|時|时)?(?:和|或者?|還是|还是|以及|跟){_ZH_QW_NOT_WHY}"
    ),
    re.compile(r"(喜歡|喜欢|滿意|满意|同意)(?:和|或|還是|还是|與|与|跟)(?:不\1|討厭|讨厌)"),
    re.compile(r"(?:優點|优点|好處|好处)(?:和|或|與|与|跟)(?:缺點|缺点|壞處|坏处)"),
]
_ZH_OPEN = re.compile(_ZH_QW)
_ZH_A_NOT_A = re.compile(
    r"是不是|有沒有|有没有|會不會|会不会|能不能|要不要|可不可以|願不願意|愿不愿意|[對对]不[對对]|好不好"
)
_ZH_MA = re.compile(r"[嗎吗][？?]?\s*$")
_ZH_REQUEST = re.compile(
    r"(?:(?:能|可以|可不可以|願意|愿意|請|请).{0,6}?(?:描述|分享|介紹|介绍|舉|举|帶|带|形容|回想|想像|想象))"
    r"|說說|说说|講講|讲讲|談談|谈谈|聊聊"
)
_ZH_FUTURE = [
    re.compile(
        r"(?:會|会|願意|愿意|打算)(?:不(?:會|会))?(?:繼續|继续|再)?(?:使用|購買|购买|推薦|推荐|"
        r"付錢|付钱|花錢|花钱|訂閱|订阅|嘗試|尝试|買|买|換|换|回來|回来)"
    ),
    re.compile(r"多大(?:可能|機會|机会)|可能性有多大|有多(?:大)?可能"),
    re.compile(r"願意(?:付|花)多少|愿意(?:付|花)多少"),
]


def _zh_closed(text: str) -> bool:
    """Every question sentence ends in 嗎/吗 or asks A-not-A (有沒有, 是不是)
    without an open question word, and no request (說說看) opens it up."""
    t = _QUOTED.sub("X", _plain(text)).strip()
    if _ZH_REQUEST.search(t):
        return False
    parts = [p for p in re.findall(r"[^?？]+[?？]?", t) if p.strip(" ？?")]
    asked = [p for p in parts if p.rstrip().endswith(("?", "？"))] or parts[-1:]
    if not asked:
        return False
    for p in asked:
        closed = _ZH_MA.search(p) or (_ZH_A_NOT_A.search(p) and not _ZH_OPEN.search(p))
        if not closed:
            return False
    return True


# --- rules ---------------------------------------------------------------------------

_DRAFT = [
    (re.compile(r"\[[^\[\]\n]*[^\W\d_][^\[\]\n]*\]"), "a bracket placeholder"),
    (re.compile(r"【[^】]*】"), "a bracket placeholder"),
    (re.compile(r"<[A-Za-z_][A-Za-z_ ]{0,30}>"), "an angle-bracket placeholder"),
    (re.compile(r"(?<![A-Za-z0-9])(?:TBD|TBC|TODO|XXX+|FIXME)(?![A-Za-z0-9])"), "a draft marker"),
    (re.compile(r"\blorem\b", re.I), "lorem ipsum filler"),
    (re.compile(r"\{\{|\}\}"), "a broken {{ }} placeholder"),
]


class _Checker:
    def __init__(self, config: LintConfig):
        self.config = config
        self.findings: list[Finding] = []
        self.jargon = [
            (term, re.compile(
                r"(?<![A-Za-z0-9])" + r"\s+".join(map(re.escape, term.split())) + r"(?![A-Za-z0-9])",
                re.I,
            ))
            for term in config.jargon
        ]  # fmt: skip

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

    def question(self, bank: Bank, q: Question, bank_languages: Iterable[str]) -> None:
        for lang in sorted(set(bank_languages) - set(q.text)):
            self.add("missing-translation", bank, q, lang, f"no {lang} text (the bank has {lang})")
        for lang, text in q.text.items():
            kind = _kind(lang)
            self.text_rules(bank, q, lang, kind, text)
            probes = q.probes.get(lang, ())
            norm = _normalise(text, kind)
            matcher = None
            for probe in probes:
                self.placeholders(bank, q, lang, probe, "a probe")
                other = _normalise(probe, kind)
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

    def placeholders(self, bank: Bank, q: Question, lang: str, text: str, what: str) -> None:
        rest = _VAR.sub(" ", text)
        for pattern, name in _DRAFT:
            match = pattern.search(rest)
            if match:
                self.add("placeholder", bank, q, lang, f"{what} holds {name}: {match.group(0)!r}")
                return

    def text_rules(self, bank: Bank, q: Question, lang: str, kind: str, text: str) -> None:
        cfg = self.config
        plain = " ".join(_plain(text).split())
        self.placeholders(bank, q, lang, text, "the question")
        for term, pattern in self.jargon:
            if pattern.search(plain):
                self.add("jargon", bank, q, lang, f"uses the jargon {term!r}")
        if kind == "zh":
            size, limit = len("".join(plain.split())), cfg.max_chars
            if size > limit:
                self.add("too-long", bank, q, lang, f"{size} characters (at most {limit})")
        else:
            size, limit = len(plain.split()), cfg.max_words
            if size > limit:
                self.add("too-long", bank, q, lang, f"{size} words (at most {limit})")
        heuristics = _HEURISTICS.get(kind)
        if heuristics is None:
            return  # English and Chinese heuristics fit only their own language
        leading, double, future_patterns, closed = heuristics
        if any(p.search(plain) for p in leading):
            self.add("leading-question", bank, q, lang, "the question suggests its answer")
        if _double(plain, kind == "zh", double):
            self.add("double-barrelled", bank, q, lang, "the question asks two things")
        imaginative = bank.category in cfg.imaginative_categories
        future = not imaginative and any(p.search(plain) for p in future_patterns)
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
    checker = _Checker(config)
    for bank in banks:
        languages = {lang for q in bank.questions for lang in q.text}
        for q in bank.questions:
            checker.question(bank, q, languages)
    if "near-duplicate" not in config.disable:
        by_id = {bank.id: bank for bank in banks}
        for a, b, lang, score in near_duplicates(banks):
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


# --- near duplicates -----------------------------------------------------------------

_DUPLICATE = 0.85
#: Token-set prefilter: pairs whose word (en) or character-pair (zh) sets are
#: less alike than this Jaccard index are not compared character by character.
_JACCARD = 0.6


def near_duplicates(
    banks: Sequence[Bank], threshold: float = _DUPLICATE
) -> Iterator[tuple[Question, Question, str, float]]:
    """Pairs of questions (earlier, later) whose texts in one language have a
    SequenceMatcher ratio of at least ``threshold`` on normalised text.

    Fast on large sets: a length filter (the ratio can reach ``threshold``
    only if the shorter text is long enough), then a set-similarity join with
    prefix filtering (tokens ordered rarest first; two sets with Jaccard ≥ J
    share a token among the first ``n - ceil(J·n) + 1`` of each), then a
    Jaccard check, and only then SequenceMatcher."""
    by_lang: dict[str, list[tuple[Question, str, frozenset[str]]]] = defaultdict(list)
    for bank in banks:
        for q in bank.questions:
            for lang, text in q.text.items():
                kind = _kind(lang)
                norm = _normalise(text, kind)
                tokens = _tokens(norm, kind)
                if tokens:
                    by_lang[lang].append((q, norm, tokens))
    min_length_ratio = threshold / (2 - threshold)
    for lang, items in by_lang.items():
        freq: Counter[str] = Counter()
        for _, _, tokens in items:
            freq.update(tokens)
        order = sorted(range(len(items)), key=lambda i: len(items[i][1]))
        # token -> items holding it in their prefix, shortest first (they are
        # visited by length), and where the ones still long enough begin
        index: dict[str, list[int]] = defaultdict(list)
        start: dict[str, int] = defaultdict(int)
        for i in order:
            q, norm, tokens = items[i]
            shortest = min_length_ratio * len(norm)
            ranked = sorted(tokens, key=lambda t: (freq[t], t))
            # Jaccard >= J means at least o = ceil(J*n) shared tokens; then the
            # first n-o+2 tokens of each set (same global order) share the two
            # rarest shared ones, so a candidate must turn up twice.
            overlap = ceil(_JACCARD * len(ranked))
            need = 2 if overlap >= 2 else 1
            prefix = ranked[: len(ranked) - overlap + need]
            hits: Counter[int] = Counter()
            for t in prefix:
                holders = index[t]
                k = start[t]
                while k < len(holders) and len(items[holders[k]][1]) < shortest:
                    k += 1
                start[t] = k
                hits.update(holders[k:])
                holders.append(i)
            candidates = [j for j, n in hits.items() if n >= need]
            matcher = None  # analysed once for all its candidates, if any get this far
            for j in candidates:
                other, other_norm, other_tokens = items[j]
                if other is q:
                    continue
                common = len(tokens & other_tokens)
                if common < _JACCARD * (len(tokens) + len(other_tokens) - common):
                    continue
                if matcher is None:
                    matcher = SequenceMatcher(None, autojunk=False)
                    matcher.set_seq2(norm)
                matcher.set_seq1(other_norm)
                if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                    continue
                score = matcher.ratio()
                if score >= threshold:
                    first, second = sorted((other, q), key=lambda x: (x.bank_id, x.line))
                    yield first, second, lang, score


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
    props.append(f"title={_escape_property(f.rule)}")
    context = ", ".join(x for x in (f.ref, f.language) if x)
    message = (f"[{context}] " if context else "") + f.message
    if f.suggestion:
        message += f" ({f.suggestion})"
    return f"::{f.severity} {','.join(props)}::{_escape_data(message)}"
