"""The file formats: what a bank, a domain profile and a study may contain.

docs/bank-format.md describes the same formats for people; ``dreamq schema``
prints the JSON Schema generated from the definitions below.
"""

from __future__ import annotations

from typing import Any

from ._schema import Choice, EitherOf, Field, Int, ListOf, MapOf, Record, Text

FORMAT_VERSION = 1
LANGUAGES = ("en", "zh-Hant", "zh-Hans")

ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"
ID_HINT = "use lower-case letters, digits, - and _ (at most 64), starting with a letter or digit"
LANG_PATTERN = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
LANG_HINT = "use a language tag such as en, zh-Hant or zh-Hans"
VAR_PATTERN = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
VAR_HINT = "variable names are letters, digits and _, not starting with a digit"
REF_PATTERN = rf"{ID_PATTERN}/{ID_PATTERN}"
REF_HINT = "name a question as bank/question, e.g. curiosity/last_time"


def _id(description: str) -> Text:
    return Text(description, pattern=ID_PATTERN, pattern_hint=ID_HINT, max_length=64)


def _kind(kind: str) -> Field:
    return Field(Choice((kind,), f'Always "{kind}": what this file holds.'), required=True)


_FORMAT = Field(
    Choice((FORMAT_VERSION,), "Version of the dreamq file format; this is version 1."),
    required=True,
)
_TEXT_LIST = ListOf(Text(max_length=4000))
_CHINESE_REGIONS = {
    "tw": "zh-Hant",
    "hk": "zh-Hant",
    "mo": "zh-Hant",
    "cn": "zh-Hans",
    "sg": "zh-Hans",
}


def language_problem(tag: str) -> str | None:
    """Why a well-formed language tag is a mistake here, or None.

    Tags are matched exactly (``--lang zh-Hant`` finds no ``zh-hant`` text),
    and Chinese is written by script, so a tag that differs from a known one
    only in case, a misspelt one, and zh, zh-TW or zh-CN are refused with the
    tag to use; any other tag (es, ja, en-GB, ...) is a team's own choice."""
    if tag in LANGUAGES:
        return None
    by_case = {known.lower(): known for known in LANGUAGES}
    if tag.lower() in by_case:
        return f'write the language tag "{tag}" as "{by_case[tag.lower()]}"'
    if tag.lower().startswith("zh"):
        import difflib

        region = tag.lower().rpartition("-")[2]
        close = difflib.get_close_matches(tag, ("zh-Hant", "zh-Hans"), n=1, cutoff=0.6)
        suggestion = _CHINESE_REGIONS.get(region) or (close[0] if close else "")
        return (
            f'unknown Chinese language tag "{tag}": dreamq writes Chinese as zh-Hant '
            "(Traditional) or zh-Hans (Simplified)"
            + (f'. Did you mean "{suggestion}"?' if suggestion else "")
        )
    return None


_LANG = Text(
    "Language tag.",
    pattern=LANG_PATTERN,
    pattern_hint=LANG_HINT,
    max_length=35,
    extra_check=language_problem,
)


def _translations(record: Record, what: str) -> Field:
    return Field(
        MapOf(
            record,
            key_pattern=LANG_PATTERN,
            key_hint=LANG_HINT,
            key_check=language_problem,
            description=f"{what}, keyed by language tag (en, zh-Hant, zh-Hans, ...).",
        )
    )


_TAGS = ListOf(
    Text(pattern=r"[a-z0-9][a-z0-9_:-]{0,63}", pattern_hint=ID_HINT, max_length=64),
    "Free tags (phase, theme, audience).",
    unique=True,
)

QUESTION_TRANSLATION = Record(
    {
        "text": Field(Text("The question in this language.", max_length=4000), required=True),
        "probes": Field(
            ListOf(Text(max_length=4000), "Probes in this language, in the same order.")
        ),
    },
    name="question translation",
)

QUESTION = Record(
    {
        "id": Field(_id("Stable id, unique within the bank; addressed as bank/question."), True),
        "text": Field(
            Text(
                "The question, a Jinja template over domain variables: {{ product }}.",
                max_length=4000,
            ),
            required=True,
        ),
        "probes": Field(ListOf(Text(max_length=4000), "Follow-up probes for the moderator.")),
        "minutes": Field(Int("Estimated minutes, probes included.", 1, 120), required=True),
        "priority": Field(
            Choice(("core", "optional"), "core questions are kept; optional ones are cut first.")
        ),
        "tags": Field(_TAGS),
        "translations": _translations(QUESTION_TRANSLATION, "The question in other languages"),
    },
    name="question",
)

BANK_TRANSLATION = Record(
    {
        "title": Field(Text(max_length=200)),
        "description": Field(Text(max_length=4000)),
        "moderator_notes": Field(_TEXT_LIST),
        "stance": Field(_TEXT_LIST),
        "script": Field(_TEXT_LIST),
    },
    name="bank translation",
)

BANK = Record(
    {
        "kind": _kind("bank"),
        "format": _FORMAT,
        "id": Field(_id("Bank id; a team bank with a bundled bank's id overrides it."), True),
        "category": Field(
            _id("The kind of question this bank holds (curiosity, dreamer, ...)."), True
        ),
        "title": Field(Text("Title shown in guides.", max_length=200), required=True),
        "description": Field(Text("What these questions are for.", max_length=4000)),
        "language": Field(_LANG),
        "audience": Field(
            ListOf(
                _id("audience"), "Who the questions are for (customers, frontline).", unique=True
            )
        ),
        "source": Field(Text("Where the questions come from.", max_length=500)),
        "moderator_notes": Field(ListOf(Text(max_length=4000), "Notes for the moderator.")),
        "stance": Field(ListOf(Text(max_length=4000), "Stance cues: how to hold yourself.")),
        "script": Field(ListOf(Text(max_length=4000), "Paragraphs the moderator reads aloud.")),
        "script_minutes": Field(
            Int("Minutes reading the script aloud takes; kept free in the section.", 0, 120)
        ),
        "translations": _translations(BANK_TRANSLATION, "Title, description and notes"),
        "questions": Field(ListOf(QUESTION, "The questions.", min_items=1), required=True),
    },
    description="A dreamq question bank: one category of prompts.",
    name="bank",
)

DOMAIN_VALUES = MapOf(
    EitherOf(
        (Text(max_length=500), ListOf(Text(max_length=500), min_items=1)),
        "A value: text, or a list of text.",
    ),
    key_pattern=VAR_PATTERN,
    key_hint=VAR_HINT,
    description="Variables for one language: product, company, industry, customers, ...",
)

DOMAIN = Record(
    {
        "kind": _kind("domain"),
        "format": _FORMAT,
        "id": Field(_id("Domain id, used with --domain."), required=True),
        "title": Field(Text("Title shown in guides.", max_length=200), required=True),
        "description": Field(Text(max_length=4000)),
        "translations": _translations(
            Record(
                {"title": Field(Text(max_length=200)), "description": Field(Text(max_length=4000))},
                name="domain translation",
            ),
            "Title and description",
        ),
        "values": Field(
            MapOf(
                DOMAIN_VALUES,
                key_pattern=LANG_PATTERN,
                key_hint=LANG_HINT,
                key_check=language_problem,
                description="Variable values per language.",
            ),
            required=True,
        ),
    },
    description="A dreamq domain profile: the product a study is about.",
    name="domain",
)

SECTION = Record(
    {
        "id": Field(_id("Section id, unique within the study."), required=True),
        "title": Field(Text(max_length=200), required=True),
        "minutes": Field(Int("The section's time box.", 1, 600), required=True),
        "banks": Field(ListOf(_id("bank id"), "Banks the section draws from.", unique=True)),
        "questions": Field(
            ListOf(
                Text(pattern=REF_PATTERN, pattern_hint=REF_HINT, max_length=129),
                "Questions to ask first, as bank/question.",
                unique=True,
            )
        ),
        "notes": Field(_TEXT_LIST),
        "goals": Field(
            ListOf(_id("goal id"), "Goals every question of this section serves.", unique=True)
        ),
        "fixed": Field(
            Choice(
                (True, False),
                "Keep this section in its place when `dreamq plan` counterbalances "
                "the order of the others (introduction, warm-up, wrap-up).",
            )
        ),
    },
    name="section",
)

GOAL = EitherOf(
    (
        Text(max_length=4000),
        Record(
            {
                "id": Field(_id("Goal id, for sections' goals: [...]."), required=True),
                "text": Field(Text(max_length=4000), required=True),
                "tags": Field(
                    ListOf(
                        _TAGS.item, "Questions with any of these tags serve the goal.", unique=True
                    )
                ),
            },
            name="goal",
        ),
    ),
    "A research goal: text, or {id, text, tags} to map questions to it.",
)

STUDY_TRANSLATION = Record(
    {
        "title": Field(Text(max_length=200)),
        "description": Field(Text(max_length=4000)),
        "goals": Field(_TEXT_LIST),
        "sections": Field(
            MapOf(
                Record(
                    {"title": Field(Text(max_length=200)), "notes": Field(_TEXT_LIST)},
                    name="section translation",
                ),
                key_pattern=ID_PATTERN,
                key_hint=ID_HINT,
            )
        ),
    },
    name="study translation",
)

STUDY = Record(
    {
        "kind": _kind("study"),
        "format": _FORMAT,
        "id": Field(_id("Study id."), required=True),
        "title": Field(Text(max_length=200), required=True),
        "description": Field(Text(max_length=4000)),
        "domain": Field(Text("Default domain id (--domain overrides).", max_length=500)),
        "minutes": Field(Int("Session length.", 1, 1440), required=True),
        "language": Field(_LANG),
        "seed": Field(Int("Seed for choosing among optional questions.", 0, 2**63 - 1)),
        "goals": Field(ListOf(GOAL, "Research goals.")),
        "filters": Field(
            Record(
                {
                    "tags": Field(ListOf(_TAGS.item, "Only questions with one of these tags.")),
                    "exclude_tags": Field(ListOf(_TAGS.item, "No questions with these tags.")),
                    "audience": Field(_id("Only banks for this audience (or for everyone).")),
                    "include": Field(
                        ListOf(
                            Text(pattern=REF_PATTERN, pattern_hint=REF_HINT, max_length=129),
                            "Questions that must be asked, as bank/question.",
                            unique=True,
                        )
                    ),
                    "exclude": Field(
                        ListOf(
                            Text(pattern=REF_PATTERN, pattern_hint=REF_HINT, max_length=129),
                            "Questions never asked, as bank/question.",
                            unique=True,
                        )
                    ),
                },
                "Which questions the study may use; --tag, --audience, ... add to these.",
                name="filters",
            )
        ),
        "sections": Field(ListOf(SECTION, "Sections in order.", min_items=1), required=True),
        "translations": _translations(STUDY_TRANSLATION, "Titles, goals and section titles"),
    },
    description="A dreamq study: the sections of a session and their time boxes.",
    name="study",
)

SPECS: dict[str, Record] = {"bank": BANK, "domain": DOMAIN, "study": STUDY}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for ``kind`` (bank, domain or study)."""
    spec = SPECS[kind]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://dreamq.invalid/schema/{kind}-{FORMAT_VERSION}.json",
        "title": f"dreamq {kind} (format {FORMAT_VERSION})",
    }
    schema.update(spec.json_schema())
    return schema
