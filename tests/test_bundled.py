"""The bundled banks, domains and studies: complete, consistent, in three languages."""

from __future__ import annotations

import pytest

from dreamq.catalog import bundled_root, load_catalog, yaml_files
from dreamq.fill import render_text

LANGUAGES = ("en", "zh-Hant", "zh-Hans")
catalog = load_catalog()

SEED_CATEGORIES = {
    "curiosity", "dreamer", "what_confuses_you", "wish_it_did", "artifact_afterlife",
    "life_and_goals", "grounding_essence", "trust_truth_telling", "bold_learning",
    "mother_test", "survey_vs_story",
}  # fmt: skip


def test_required_banks_are_bundled():
    assert SEED_CATEGORIES | {"introduction", "warm_up", "wrap_up"} <= set(catalog.banks)
    assert {"pizza-delivery", "hotel-stay", "bank-account"} <= set(catalog.domains)


def test_bundled_files_are_named_after_their_ids():
    """generate reads bundled files lazily, by file name."""
    for folder in ("question_banks", "domains", "studies"):
        for path in yaml_files(bundled_root() / folder):
            table = {
                "question_banks": catalog.banks,
                "domains": catalog.domains,
                "studies": catalog.studies,
            }[folder]
            assert table[path.stem].path == path


@pytest.mark.parametrize("bank_id", sorted(catalog.banks))
def test_every_question_renders_for_every_domain_in_every_language(bank_id):
    bank = catalog.banks[bank_id]
    for domain in catalog.domains.values():
        for lang in LANGUAGES:
            variables = domain.variables(lang)
            for q in bank.questions:
                assert q.variables <= variables.keys(), (q.ref, domain.id, lang)
                for text in (q.text[lang], *q.probes[lang]):
                    rendered = render_text(text, variables)
                    assert rendered.strip() and "{" not in rendered, (q.ref, domain.id, lang)
                assert len(q.probes[lang]) == len(q.probes["en"]) >= 1


@pytest.mark.parametrize("bank_id", sorted(catalog.banks))
def test_every_bank_is_translated(bank_id):
    bank = catalog.banks[bank_id]
    for lang in LANGUAGES:
        assert bank.title.get(lang) and bank.description.get(lang), lang
        assert len(bank.moderator_notes.get(lang, ())) == len(bank.moderator_notes["en"])
        assert len(bank.stance.get(lang, ())) == len(bank.stance["en"])


def test_domains_define_the_standard_variables_in_every_language():
    from dreamq.domains import STANDARD_VARIABLES

    for domain in catalog.domains.values():
        for lang in LANGUAGES:
            assert set(STANDARD_VARIABLES) <= set(domain.variables(lang)), (domain.id, lang)


def test_bundled_files_are_formatted():
    """`dreamq fmt --check` passes on the bundled data (as it would gate a team's CI)."""
    from pathlib import Path

    from dreamq.formatting import format_paths

    root = Path(__file__).resolve().parent.parent
    result = format_paths([root / "question_banks", root / "domains", root / "studies"], check=True)
    assert result.changed == [] and result.unchanged == 35
