"""dreamq.lint: question-quality rules, configuration, output formats."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from difflib import SequenceMatcher

import pytest

from dreamq.banks import load_bank
from dreamq.catalog import load_layers, search_layers
from dreamq.lint import (
    RULES,
    LintConfig,
    LintReport,
    format_findings,
    lint,
    load_config,
    near_duplicates,
)

from .helpers import write


def bank_text(
    questions: list[dict[str, object]],
    *,
    bank_id: str = "t",
    category: str = "curiosity",
    language: str = "en",
) -> str:
    """A bank file; each question is {text, probes?, tags?, translations?: {lang: text}}.
    Strings are written as JSON, which YAML reads as double-quoted scalars."""
    lines = [
        "kind: bank",
        "format: 1",
        f"id: {bank_id}",
        f"category: {category}",
        f"language: {language}",
        "title: T",
        "questions:",
    ]
    for i, q in enumerate(questions):
        lines.append(f"- id: q{i}")
        lines.append(f"  text: {json.dumps(q['text'], ensure_ascii=False)}")
        probes = q.get("probes") or []
        if probes:
            lines.append(f"  probes: {json.dumps(probes, ensure_ascii=False)}")
        lines.append("  minutes: 3")
        if q.get("tags"):
            lines.append(f"  tags: {json.dumps(q['tags'])}")
        translations = q.get("translations") or {}
        if translations:
            lines.append("  translations:")
            for lang, text in translations.items():  # type: ignore[attr-defined]
                lines.append(f"    {lang}:")
                lines.append(f"      text: {json.dumps(text, ensure_ascii=False)}")
                if probes:
                    lines.append(f"      probes: {json.dumps(probes, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def rules_for(tmp_path, text: str, *, language: str = "en", config=None, **kw) -> set[str]:
    path = write(tmp_path, "bank.yaml", bank_text([{"text": text, **kw}], language=language))
    report = lint([path], config=config or LintConfig())
    assert not [f for f in report.findings if f.rule == "invalid"], report.findings
    return {f.rule for f in report.findings}


# --- rules: English and Chinese, true positives and true negatives ---------------------

CASES = [
    # rule, language, text, fires
    ("leading-question", "en", "Don't you love {{ product }}?", True),
    ("leading-question", "en", "Wouldn't it be great if {{ company }} called you?", True),
    ("leading-question", "en", "Isn't it annoying when the order is late?", True),
    ("leading-question", "en", "How much did you love the new menu?", True),
    ("leading-question", "en", "How frustrated were you when it was late?", True),
    ("leading-question", "en", "Why do you like {{ product }}?", True),
    ("leading-question", "en", "How did you feel when the order was late?", False),
    ("leading-question", "en", "Why didn't you finish the order, in your words?", False),
    ("leading-question", "zh-Hant", "難道你不喜歡{{ product }}嗎？", True),
    ("leading-question", "zh-Hans", "这个功能是不是很好用吧？", True),
    ("leading-question", "zh-Hant", "你不覺得送餐太慢了嗎？", True),
    ("leading-question", "zh-Hans", "你多么喜欢这个新菜单？", True),
    ("leading-question", "zh-Hant", "訂單遲到的時候，你有什麼感覺？", False),
    ("double-barrelled", "en", "What do you like and dislike about {{ product }}?", True),
    ("double-barrelled", "en", "When and how did you first order?", True),
    ("double-barrelled", "en", "Did you like it? Would you tell a friend?", True),
    ("double-barrelled", "en", "Did the order arrive on time and did you enjoy it?", True),
    ("double-barrelled", "en", "What happened last time, and why?", False),
    ("double-barrelled", "en", "What did you order last time?", False),
    ("double-barrelled", "zh-Hant", "你喜歡和不喜歡{{ product }}的哪些地方？", True),
    ("double-barrelled", "zh-Hans", "你什么时候和怎么开始订餐的？", True),
    ("double-barrelled", "zh-Hant", "你喜歡它嗎？你會告訴朋友嗎？", True),
    ("double-barrelled", "zh-Hans", "上一次订餐时发生了什么？为什么？", False),
    ("closed-question", "en", "Do you order pizza often?", True),
    ("closed-question", "en", "Was the delivery on time?", True),
    ("closed-question", "en", "How often do you order pizza?", False),
    ("closed-question", "en", "Can you tell me about your last order?", False),
    ("closed-question", "en", "Have you ever been late? Tell us about it.", False),
    ("closed-question", "zh-Hant", "你常常訂披薩嗎？", True),
    ("closed-question", "zh-Hans", "送餐有没有准时？", True),
    ("closed-question", "zh-Hant", "你多久訂一次披薩？", False),
    ("closed-question", "zh-Hans", "有没有哪一次让你印象深刻？是什么？", False),
    ("closed-question", "zh-Hant", "你能描述一下上一次訂餐的經過嗎？", False),
    ("hypothetical-future", "en", "Would you use a faster delivery option?", True),
    ("hypothetical-future", "en", "How likely are you to recommend {{ product }}?", True),
    ("hypothetical-future", "en", "Will you keep ordering from {{ company }}?", True),
    ("hypothetical-future", "en", "What words would you use to describe it?", False),
    ("hypothetical-future", "zh-Hant", "你會購買更快的送餐服務嗎？", True),
    ("hypothetical-future", "zh-Hans", "你有多大可能推荐{{ product }}？", True),
    ("hypothetical-future", "zh-Hans", "你会用什么词来形容它？", False),
    ("jargon", "en", "Which touchpoint mattered most to you?", True),
    ("jargon", "en", "How was the UX of ordering?", True),
    ("jargon", "en", "Which moment mattered most to you?", False),
    ("jargon", "en", "What did you feel when you were touched by the gesture?", False),
    ("jargon", "zh-Hant", "哪一個touchpoint對你最重要？", True),
    ("jargon", "zh-Hant", "哪一個時刻對你最重要？", False),
    ("placeholder", "en", "What do you think of [Team]?", True),
    ("placeholder", "en", "TODO: write the question about ordering", True),
    ("placeholder", "en", "Lorem ipsum dolor sit amet?", True),
    ("placeholder", "en", "What do you think of {{ product }} }}?", True),
    ("placeholder", "en", "What do you think of {{ product }} and {{ artifacts[1] }}?", False),
    ("placeholder", "zh-Hant", "你覺得【團隊名稱】怎麼樣？", True),
    ("placeholder", "zh-Hans", "你觉得 TBD 怎么样？", True),
    ("placeholder", "zh-Hans", "你觉得{{ product }}怎么样？", False),
]


@pytest.mark.parametrize(("rule", "language", "text", "fires"), CASES)
def test_rule(tmp_path, rule, language, text, fires):
    assert (rule in rules_for(tmp_path, text, language=language)) is fires


@pytest.mark.parametrize(
    ("text", "in_english"),
    [
        (
            "Don't you love {{ product }}? Would you use it? When and how did you start?",
            {"leading-question", "double-barrelled", "hypothetical-future"},
        ),
        (
            "How likely are you to recommend it? What do you like and dislike about it?",
            {"hypothetical-future", "double-barrelled"},
        ),
        ("Do you order often?", {"closed-question"}),
    ],
)
def test_english_rules_never_fire_on_chinese_text(tmp_path, text, in_english):
    heuristics = {"leading-question", "double-barrelled", "closed-question", "hypothetical-future"}
    assert not rules_for(tmp_path, text, language="zh-Hant") & heuristics
    # the same text tagged English does fire: the language tag decides
    assert rules_for(tmp_path, text) & heuristics == in_english


def test_chinese_rules_never_fire_on_english_text(tmp_path):
    text = "難道你不喜歡嗎？你會購買嗎？你喜歡和不喜歡什麼？"
    fired = rules_for(tmp_path, text, language="en")
    assert not fired & {"leading-question", "double-barrelled", "closed-question"}
    assert {"leading-question", "double-barrelled"} <= rules_for(tmp_path, text, language="zh-Hant")


def test_too_long_counts_words_in_english_and_characters_in_chinese(tmp_path):
    config = LintConfig(max_words=5, max_chars=10)
    assert "too-long" in rules_for(tmp_path, "What did you order last time?", config=config)
    assert "too-long" not in rules_for(tmp_path, "What did you order?", config=config)
    assert "too-long" in rules_for(
        tmp_path, "上一次你訂了什麼披薩給誰吃？", language="zh-Hant", config=config
    )
    assert "too-long" not in rules_for(tmp_path, "你訂了什麼？", language="zh-Hant", config=config)
    long = " ".join(["word"] * 41) + "?"
    assert "too-long" in rules_for(tmp_path, long)
    assert "too-long" not in rules_for(tmp_path, " ".join(["word"] * 40) + "?")


def test_hypothetical_future_skips_imaginative_categories(tmp_path):
    text = "Would you use a delivery drone?"
    path = write(tmp_path, "d.yaml", bank_text([{"text": text}], category="dreamer"))
    assert "hypothetical-future" not in {f.rule for f in lint([path]).findings}
    config = LintConfig(imaginative_categories=())
    assert "hypothetical-future" in {f.rule for f in lint([path], config=config).findings}


def test_closed_question_skips_introduction_and_consent(tmp_path):
    text = "Is it all right if we record this session?"
    intro = write(tmp_path, "i.yaml", bank_text([{"text": text}], category="introduction"))
    tagged = write(
        tmp_path, "c.yaml", bank_text([{"text": text, "tags": ["consent"]}], bank_id="c")
    )
    plain = write(tmp_path, "p.yaml", bank_text([{"text": text}], bank_id="p"))
    by_path = {}
    for f in lint([intro, tagged, plain], config=LintConfig()).findings:
        by_path.setdefault(f.path, set()).add(f.rule)
    assert "closed-question" not in by_path.get("i.yaml", set())
    assert "closed-question" not in by_path.get("c.yaml", set())
    assert "closed-question" in by_path["p.yaml"]


def test_placeholder_in_a_probe(tmp_path):
    fired = rules_for(tmp_path, "What did you order?", probes=["Ask about XXX here."])
    assert "placeholder" in fired
    assert RULES["placeholder"].severity == "error"


def test_probe_repeats_question(tmp_path):
    text = "What did you order last time?"
    assert "probe-repeats-question" in rules_for(
        tmp_path, text, probes=["What did you order the last time?"]
    )
    assert "probe-repeats-question" not in rules_for(tmp_path, text, probes=["Who was it for?"])
    zh = "你上一次訂了什麼？"
    assert "probe-repeats-question" in rules_for(
        tmp_path, zh, language="zh-Hant", probes=["你上一次訂了什麼呢？"]
    )
    assert "probe-repeats-question" not in rules_for(
        tmp_path, zh, language="zh-Hant", probes=["是給誰吃的？"]
    )


def test_missing_translation(tmp_path):
    path = write(
        tmp_path,
        "b.yaml",
        bank_text(
            [
                {"text": "What did you order?", "translations": {"zh-Hant": "你訂了什麼？"}},
                {"text": "Who was it for?"},
            ]
        ),
    )
    found = [f for f in lint([path], config=LintConfig()).findings]
    missing = [f for f in found if f.rule == "missing-translation"]
    assert [(f.ref, f.language, f.line) for f in missing] == [("t/q1", "zh-Hant", 14)]


def test_near_duplicates_within_and_across_banks(tmp_path):
    a = write(
        tmp_path,
        "a.yaml",
        bank_text(
            [
                {"text": "What do you wish {{ company }} knew about you?"},
                {"text": "What do you wish {{ company }} knew about you today?"},
                {"text": "When did you last order?"},
            ],
            bank_id="a",
        ),
    )
    b = write(
        tmp_path,
        "b.yaml",
        bank_text([{"text": "When did you last order?!"}, {"text": "Who cooks?"}], bank_id="b"),
    )
    found = [f for f in lint([a, b], config=LintConfig()).findings if f.rule == "near-duplicate"]
    assert sorted((f.ref, f.language) for f in found) == [("a/q1", "en"), ("b/q0", "en")]
    assert all("a/q" in f.message for f in found)


def test_near_duplicates_finds_what_brute_force_finds():
    """The prefilters never lose a pair the plain SequenceMatcher would find
    (on realistic texts: small edits of shared sentences)."""
    from dreamq.lint import _normalise

    rng = random.Random(7)
    words = ["what", "when", "how", "you", "your", "order", "pizza", "time", "last"]
    words += ["late", "friend", "app", "money", "help"]
    base = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) for _ in range(60)]
    texts = []
    for sentence in base:
        texts.append(sentence + "?")
        tokens = sentence.split()
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
        texts.append(" ".join(tokens) + "?")
    bank = _bank_of(texts)
    fast = {(a.id, b.id) for a, b, _, _ in near_duplicates([bank])}
    slow = set()
    for i, x in enumerate(bank.questions):
        for y in bank.questions[i + 1 :]:
            nx, ny = _normalise(x.text["en"], "en"), _normalise(y.text["en"], "en")
            if SequenceMatcher(None, nx, ny, autojunk=False).ratio() >= 0.85:
                slow.add((x.id, y.id))
    assert slow  # the test means something
    assert fast == slow


def _brute_force_pairs(banks):
    """What near_duplicates finds, by its definition and nothing cleverer: each
    pair of texts in one language whose token sets have a Jaccard index of at
    least 0.6 and whose normalised texts have a ratio of at least 0.85, the
    shorter text first (the earlier one when as long)."""
    from dreamq.lint import _JACCARD, _kind, _normalise, _tokens

    by_lang = defaultdict(list)
    for bank in banks:
        for q in bank.questions:
            for lang, text in q.text.items():
                norm = _normalise(text, _kind(lang))
                tokens = _tokens(norm, _kind(lang))
                if tokens:
                    by_lang[lang].append((q.ref, norm, tokens))
    found = set()
    for lang, items in by_lang.items():
        for i, (ref_a, norm_a, tokens_a) in enumerate(items):
            for ref_b, norm_b, tokens_b in items[i + 1 :]:
                common = len(tokens_a & tokens_b)
                if common < _JACCARD * (len(tokens_a) + len(tokens_b) - common):
                    continue
                first, second = (norm_a, norm_b) if len(norm_a) <= len(norm_b) else (norm_b, norm_a)
                if SequenceMatcher(None, first, second, autojunk=False).ratio() >= 0.85:
                    found.add((lang, frozenset((ref_a, ref_b))))
    return found


def _planted(rng, units, joiner, end, longest):
    """Texts in pairs: a random one, then it reworded by a unit or two, with a
    unit added or dropped, two units swapped, or all of them shuffled."""
    texts = []
    for _ in range(40):
        text = [rng.choice(units) for _ in range(rng.randint(5, longest))]
        variant = list(text)
        edit = rng.randrange(5)
        if edit == 0:
            for _ in range(rng.randint(1, 2)):
                variant[rng.randrange(len(variant))] = rng.choice(units)
        elif edit == 1:
            variant.insert(rng.randrange(len(variant)), rng.choice(units))
        elif edit == 2:
            del variant[rng.randrange(len(variant))]
        elif edit == 3:
            k = rng.randrange(len(variant) - 1)
            variant[k], variant[k + 1] = variant[k + 1], variant[k]
        else:
            rng.shuffle(variant)
        texts += [joiner.join(text) + end, joiner.join(variant) + end]
    rng.shuffle(texts)
    return texts


@pytest.mark.parametrize("seed", range(4))
def test_near_duplicates_finds_what_the_definition_finds(tmp_path, seed):
    """The prefilters never lose a pair, nor add one, in English or Chinese,
    across banks; planted near duplicates are reworded, grown, shrunk or
    reordered copies, short and long (small and large token sets)."""
    from dreamq.lint import _PAIR_SIZE, _normalise, _tokens

    rng = random.Random(seed)
    words = ["what", "when", "how", "you", "your", "order", "pizza", "time", "last", "late"]
    words += ["friend", "app", "money", "help", "door", "driver", "dinner", "phone", "menu"]
    words += ["box", "hot", "cold", "slice", "call", "wait", "hour", "night", "bill", "tip"]
    english = _planted(rng, words, " ", "?", 30)
    chinese = _planted(
        rng, list("你們我的是在有什麼時候怎樣訂餐送外賣朋友家晚上週末手機"), "", "？", 40
    )
    banks = []
    for n in range(2):
        half = slice(n * 40, n * 40 + 40)
        questions = [
            {"text": en, "translations": {"zh-Hant": zh}}
            for en, zh in zip(english[half], chinese[half], strict=True)
        ]
        path = write(tmp_path, f"b{n}.yaml", bank_text(questions, bank_id=f"b{n}"))
        banks.append(load_bank(path))
    fast = {(lang, frozenset((a.ref, b.ref))) for a, b, lang, _ in near_duplicates(banks)}
    slow = _brute_force_pairs(banks)
    # the test means something: pairs in both languages, of small and large token sets
    assert {lang for lang, _ in slow} == {"en", "zh-Hant"}
    sizes = {len(_tokens(_normalise(t, "zh"), "zh")) for t in chinese}
    assert min(sizes) <= _PAIR_SIZE < max(sizes)
    assert fast == slow


def test_near_duplicates_across_small_and_large_token_sets():
    """Small token sets are indexed under pairs of tokens, large ones under
    single tokens: a small set still meets its large near duplicate."""
    from dreamq.lint import _PAIR_SIZE

    words = [f"word{n}" for n in range(_PAIR_SIZE + 1)]
    texts = [" ".join(words[:-1]) + "?", "Who cooks?", " ".join(words) + "?"]
    bank = _bank_of(texts)
    assert {(a.id, b.id) for a, b, _, _ in near_duplicates([bank])} == {("q0", "q2")}


def test_fold_finds_every_case_insensitive_match_of_an_ascii_keyword():
    """A case-insensitive regex matches an ASCII character with a few others
    (ı, İ, ſ, the Kelvin sign), and \\s matches many kinds of whitespace;
    _fold turns each into that character or a space, so the keyword
    prechecks never hide a match."""
    from dreamq.lint import _fold

    any_ascii = re.compile(r"[\x00-\x7f]", re.I)
    everything = list(map(chr, range(0x110000)))
    others = [c for c in everything[0x80:] if any_ascii.fullmatch(c)]
    assert others
    for c in others:
        for a in map(chr, range(0x80)):
            if re.fullmatch(re.escape(a), c, re.I):
                assert _fold(f"x{c}y") == f"x{a.lower()}y", (c, a)
    blanks = [c for c in everything if re.fullmatch(r"\s", c)]
    for c in blanks:
        assert _fold(f"X{c}Y") == _fold(f"X{c}Y\u0130")[:3] == "x y", repr(c)


def test_keyword_prechecks_never_hide_a_match():
    """Each pattern with its keyword precheck finds what the bare regex finds."""
    from dreamq.lint import (
        _DRAFT,
        _EN_DOUBLE,
        _EN_FUTURE,
        _EN_LEADING,
        _ZH_DOUBLE,
        _ZH_FUTURE,
        _ZH_LEADING,
        DEFAULT_JARGON,
        _fold,
        _jargon_pattern,
    )

    groups = [_EN_LEADING, _EN_DOUBLE, _EN_FUTURE, _DRAFT, _ZH_LEADING, _ZH_DOUBLE, _ZH_FUTURE]
    patterns = [p for group in groups for p in group.patterns]
    patterns += [_jargon_pattern(t) for t in (*DEFAULT_JARGON, "café crème", "抓手")]
    texts = [text for _, _, text, _ in CASES]
    texts += ["How was the café crème?", "我們要找到抓手", "Would you SIGN UP?", "XXXX and TBC"]
    for bank in load_layers(search_layers(()))[0].banks.values():
        for q in bank.questions:
            texts += list(q.text.values()) + [p for ps in q.probes.values() for p in ps]
    odd = [("i", "İ"), ("i", "ı"), ("I", "ı"), ("s", "ſ"), ("S", "ſ"), ("k", "\u212a")]
    odd += [(" ", "\n"), (" ", "\t "), (" ", "\u3000"), (" ", "\xa0")]
    variants = set()
    for text in texts:
        variants |= {text, text.upper(), text.swapcase(), text.title()}
        variants |= {text.replace(a, b) for a, b in odd}
    hits = 0
    for text in variants:
        for pattern in patterns:
            expected = pattern.regex.search(text)
            found = pattern.search(text, _fold(text))
            assert (found and found.group(0)) == (expected and expected.group(0)), (text, pattern)
            hits += expected is not None
    assert hits > 100


def _bank_of(texts):
    import tempfile
    from pathlib import Path

    directory = Path(tempfile.mkdtemp())
    path = write(directory, "n.yaml", bank_text([{"text": t} for t in texts], bank_id="n"))
    return load_bank(path)


# --- validation problems become findings ----------------------------------------------


def test_malformed_bank_is_a_finding_not_a_crash(tmp_path):
    bad = write(tmp_path, "bad.yaml", "kind: bank\nformat: 1\nid: bad\nquestions: [\n")
    good = write(tmp_path, "good.yaml", bank_text([{"text": "Do you order often?"}]))
    report = lint([bad, good], config=LintConfig())
    invalid = [f for f in report.findings if f.rule == "invalid"]
    assert invalid and all(f.path == "bad.yaml" and f.severity == "error" for f in invalid)
    assert invalid[0].line is not None
    # the good bank is still linted
    assert any(f.rule == "closed-question" and f.path == "good.yaml" for f in report.findings)
    assert report.errors >= 1 and report.files == 2


def test_missing_path_and_missing_bank_dir_are_findings(tmp_path):
    report = lint(["nowhere.yaml"], config=LintConfig())
    assert [(f.rule, f.path) for f in report.findings] == [("invalid", "nowhere.yaml")]
    report = lint(bank_dirs=["no-such-dir"], config=LintConfig())
    assert [f.rule for f in report.findings] == ["invalid"]
    assert "no-such-dir" in report.findings[0].path


def test_bundled_banks_lint_clean():
    report = lint(config=LintConfig())
    assert report.findings == (), format_findings(report, "text")
    assert report.files > 30


def test_team_bank_dir_is_linted_with_the_bundled_ones(tmp_path):
    team = tmp_path / "team"
    write(team, "t.yaml", bank_text([{"text": "Do you like {{ product }}?"}], bank_id="team"))
    report = lint(bank_dirs=[team], config=LintConfig())
    assert {(f.rule, f.ref) for f in report.findings} == {("closed-question", "team/q0")}


# --- configuration ---------------------------------------------------------------------


def test_config_file_in_the_current_directory(tmp_path):
    write(
        tmp_path,
        ".dreamq-lint.yaml",
        """\
        disable: [closed-question]
        severity: {jargon: error}
        jargon: [pizza]
        max_words: 3
        suppress:
          t/q0:
            leading-question: "we want to test the leading version"
        """,
    )
    path = write(
        tmp_path, "b.yaml", bank_text([{"text": "Don't you love the pizza and the synergy?"}])
    )
    report = lint([path])  # reads ./.dreamq-lint.yaml
    by_rule = {f.rule: f for f in report.findings}
    assert set(by_rule) == {"jargon", "too-long"}
    assert by_rule["jargon"].severity == "error" and "pizza" in by_rule["jargon"].message


def test_config_problems_are_findings_naming_the_file(tmp_path):
    write(
        tmp_path,
        ".dreamq-lint.yaml",
        """\
        disabled: [jargon]
        max_words: many
        severity: {jargon: fatal}
        suppress:
          t/q0: {closed-question: }
        """,
    )
    config = load_config(tmp_path)
    messages = [f.message for f in config.findings]
    assert all(f.rule == "invalid" and f.path == ".dreamq-lint.yaml" for f in config.findings)
    assert any("disabled" in m for m in messages)
    assert any("max_words" in m for m in messages)
    assert any("fatal" in m for m in messages)
    path = write(tmp_path, "b.yaml", bank_text([{"text": "Do you order often?"}]))
    report = lint([path], config=config)
    rules = [f.rule for f in report.findings]
    assert "suppression-without-reason" in rules
    assert "closed-question" not in rules  # suppressed all the same
    assert report.errors == 4


def test_no_config_file_means_defaults(tmp_path):
    assert load_config(tmp_path) == LintConfig()


def test_unreadable_config_yaml_is_a_finding(tmp_path):
    write(tmp_path, ".dreamq-lint.yaml", "disable: [\n")
    config = load_config(tmp_path)
    assert [f.rule for f in config.findings] == ["invalid"]
    assert config.findings[0].path == ".dreamq-lint.yaml"


# --- output ----------------------------------------------------------------------------


def _report(tmp_path) -> LintReport:
    path = write(tmp_path, "b.yaml", bank_text([{"text": "Do you order, often?"}]))
    return lint([path], config=LintConfig())


def test_text_format(tmp_path):
    text = format_findings(_report(tmp_path), "text")
    assert text.splitlines()[0] == (
        "b.yaml:8: warning closed-question [t/q0, en]: answerable with yes or no "
        f"({RULES['closed-question'].suggestion})"
    )
    assert text.splitlines()[-1] == "0 error(s), 1 warning(s) in 1 file(s)"


def test_json_format(tmp_path):
    data = json.loads(format_findings(_report(tmp_path), "json"))
    assert data["warnings"] == 1 and data["errors"] == 0 and data["files"] == 1
    assert data["findings"][0]["rule"] == "closed-question"
    assert data["findings"][0]["line"] == 8


def test_github_format(tmp_path):
    line = format_findings(_report(tmp_path), "github")
    assert line.startswith("::warning file=b.yaml,line=8,title=closed-question::[t/q0, en] ")
    assert "\n" not in line


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        format_findings(LintReport((), 0), "xml")


def test_config_mistakes_name_their_line_the_keys_and_the_rule_meant(tmp_path):
    from typer.testing import CliRunner

    from dreamq._cli import app

    team = tmp_path / "team"
    team.mkdir()
    write(tmp_path, ".dreamq-lint.yaml", "max_words: 30\ndisable: [too-longg]\nseverty: {}\n")
    result = CliRunner().invoke(app, ["lint", str(team)])
    assert result.exit_code == 1
    assert ".dreamq-lint.yaml:2: error invalid: disable: 'too-longg' is not a rule" in (
        result.stdout
    )
    assert 'Did you mean "too-long"?' in result.stdout
    assert ".dreamq-lint.yaml:3: error invalid: unknown key 'severty'" in result.stdout
    assert "its keys are disable, severity" in result.stdout
    assert "lint --help" not in result.stdout


def test_invalid_findings_keep_the_column(tmp_path):
    from typer.testing import CliRunner

    from dreamq._cli import app

    write(tmp_path, "b.yaml", "kind: bank\nformat: 1\nid: b\ncategory: curiosity\ntitle: [x\n")
    text = CliRunner().invoke(app, ["lint", "b.yaml"])
    assert text.exit_code == 1
    assert re.search(r"b\.yaml:\d+:\d+: error invalid", text.stdout), text.stdout
    github = CliRunner().invoke(app, ["lint", "b.yaml", "--format", "github"])
    assert re.search(r"::error file=b\.yaml,line=\d+,col=\d+,", github.stdout), github.stdout
