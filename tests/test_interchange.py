"""Banks to and from CSV, Excel and Markdown guides (dreamq.interchange)."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq._cli import app
from dreamq.banks import load_bank
from dreamq.catalog import load_catalog
from dreamq.errors import DreamqError
from dreamq.formatting import format_text
from dreamq.interchange import (
    export_csv,
    export_rows,
    export_xlsx,
    import_markdown,
    import_table,
    yaml_string,
)

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

needs_openpyxl = pytest.mark.skipif(
    importlib.util.find_spec("openpyxl") is None, reason="openpyxl is not installed"
)

HEADER = "bank,category,bank_title,id,priority,minutes,tags,text:en,probes:en,text:zh-Hant,probes:zh-Hant"


def _load_all(files: dict[str, str], directory: Path) -> dict:
    banks = {}
    for name, text in files.items():
        target = directory / name
        target.write_text(text, encoding="utf-8")
        bank = load_bank(target, origin="file")
        assert name == f"{bank.id}.yaml"
        banks[bank.id] = bank
    return banks


def _questions(bank) -> list[tuple]:
    return [
        (
            q.id,
            dict(q.text),
            {lang: tuple(p) for lang, p in q.probes.items() if p},
            q.minutes,
            q.priority,
            tuple(q.tags),
        )
        for q in bank.questions
    ]


def _bank_fields(bank) -> dict:
    """Everything a bank holds besides its questions."""
    fields = (
        "category", "language", "title", "description", "audience", "source",
        "moderator_notes", "stance", "script", "script_minutes",
    )  # fmt: skip
    return {name: getattr(bank, name) for name in fields}


def _write_csv(tmp_path: Path, text: str, name: str = "sheet.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _import_error(path: Path) -> str:
    with pytest.raises(DreamqError) as info:
        import_table(path)
    return str(info.value)


# ------------------------------------------------------------------ round trips


def test_rows_have_base_language_first_and_probes_one_per_line():
    banks = list(load_catalog().banks.values())
    rows = export_rows(banks)
    assert len(rows) == sum(len(b.questions) for b in banks)
    assert list(rows[0])[:9] == [
        "bank",
        "category",
        "bank_title",
        "id",
        "priority",
        "minutes",
        "tags",
        "text:en",
        "probes:en",
    ]
    assert {"text:zh-Hant", "probes:zh-Hant", "text:zh-Hans", "probes:zh-Hans"} <= set(rows[0])
    curiosity = load_catalog().bank("curiosity")
    first = next(r for r in rows if r["bank"] == "curiosity")
    question = curiosity.questions[0]
    assert first["probes:en"].split("\n") == list(question.probes["en"])
    assert first["tags"] == ", ".join(question.tags)
    assert first["minutes"] == str(question.minutes)


@pytest.mark.parametrize("bom", [False, True])
def test_csv_round_trip_keeps_every_question_of_every_bundled_bank(tmp_path, bom):
    catalog = load_catalog()
    banks = list(catalog.banks.values())
    path = _write_csv(tmp_path, export_csv(banks), bom=bom)
    files = import_table(path)
    assert sorted(files) == sorted(f"{b.id}.yaml" for b in banks)
    out = tmp_path / "out"
    out.mkdir()
    loaded = _load_all(files, out)
    for bank in banks:
        again = loaded[bank.id]
        assert _bank_fields(again) == _bank_fields(bank), bank.id
        assert _questions(again) == _questions(bank), bank.id


@needs_openpyxl
def test_xlsx_round_trip_keeps_every_question_of_every_bundled_bank(tmp_path):
    banks = list(load_catalog().banks.values())
    path = tmp_path / "banks.xlsx"
    path.write_bytes(export_xlsx(banks))
    loaded = _load_all(import_table(path), tmp_path)
    for bank in banks:
        assert _bank_fields(loaded[bank.id]) == _bank_fields(bank), bank.id
        assert _questions(loaded[bank.id]) == _questions(bank), bank.id


@needs_openpyxl
def test_xlsx_keeps_tricky_text_as_text(tmp_path):
    sheet = (
        HEADER
        + '\nb,cat,"no",q1,core,7,"on, phase:early","=1+1 is no formula?","no\n2024-05-01\n1:30",,\n'
    )
    csv_files = import_table(_write_csv(tmp_path, sheet))
    bank = _load_all(csv_files, tmp_path)["b"]
    xlsx = tmp_path / "b.xlsx"
    xlsx.write_bytes(export_xlsx([bank]))
    from openpyxl import load_workbook

    cell = load_workbook(xlsx).active["H2"]
    assert (cell.value, cell.data_type) == ("=1+1 is no formula?", "s")  # not a formula
    again = _load_all(import_table(xlsx), tmp_path)
    q = again["b"].questions[0]
    assert q.text == {"en": "=1+1 is no formula?"}
    assert q.probes["en"] == ("no", "2024-05-01", "1:30")
    assert q.tags == ("on", "phase:early")
    assert q.minutes == 7
    assert again["b"].title["en"] == "no"


def test_yaml_strings_that_look_like_other_things_stay_text(tmp_path):
    tricky = ["no", "On", "2024-05-01", "1:30", "010", "~", "null", "#1", "a: b", 'say "hi"\\']
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER.split(","))
    writer.writerows(
        ["b", "cat", "Title", f"q{i}", "", "5", "", t, "", "", ""] for i, t in enumerate(tricky)
    )
    files = import_table(_write_csv(tmp_path, out.getvalue()))
    bank = _load_all(files, tmp_path)["b"]
    assert [q.text["en"] for q in bank.questions] == [t.strip() for t in tricky]
    assert yaml_string("no") == '"no"'
    assert yaml_string("a\u2028b\x85") == '"a\\u2028b\\x85"'


def test_a_problem_found_by_loading_is_reported_at_its_row(tmp_path):
    text = HEADER + '\nb,c,T,q1,,5,,Fine?,,,\nb,c,T,q2,,5,,"Bad\x07 text?",,,\n'
    message = _import_error(_write_csv(tmp_path, text))
    assert "sheet.csv:3: row 3, column text:en:" in message
    assert "control character U+0007" in message


def test_csv_with_bom_and_crlf_from_excel(tmp_path):
    text = (
        HEADER
        + '\r\nwarm,warm_up,Warm-up,hello,core,3,,Hi?,"Why?\r\nHow?",你好？,"為什麼？\r\n怎麼？"\r\n'
    )
    files = import_table(_write_csv(tmp_path, text, bom=True))
    bank = _load_all(files, tmp_path)["warm"]
    q = bank.questions[0]
    assert q.probes == {"en": ("Why?", "How?"), "zh-Hant": ("為什麼？", "怎麼？")}
    assert q.text["zh-Hant"] == "你好？"
    assert bank.language == "en"


def test_empty_translation_means_no_translation(tmp_path):
    files = import_table(_write_csv(tmp_path, HEADER + "\nb,c,T,q,,5,,Hello?,,,\n"))
    q = _load_all(files, tmp_path)["b"].questions[0]
    assert set(q.text) == {"en"}
    assert q.priority == "optional"


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("b,c,T,q,core,ten,,Hi?,,,", "row 2, column minutes: 'ten' is not a whole number"),
        ("b,c,T,q,core,5.5,,Hi?,,,", "row 2, column minutes: '5.5' is not a whole number"),
        ("b,c,T,q,core,0,,Hi?,,,", "row 2, column minutes: 0 is out of range (1 to 120)"),
        ("b,c,T,q,core,,,Hi?,,,", "row 2, column minutes: empty"),
        ("b,c,T,q,must,5,,Hi?,,,", "row 2, column priority: 'must' is not one of: core, optional"),
        ("b,c,T,q,core,5,,,,,", "row 2, column text:en: empty"),
        ("b,c,T,q,core,5,,   ,,,", "row 2, column text:en: empty"),
        ("b,c,T,Q 1,core,5,,Hi?,,,", 'row 2, column id: "Q 1" is not a valid id'),
        ("b,c,T,,core,5,,Hi?,,,", "row 2, column id: empty"),
        ("B!,c,T,q,core,5,,Hi?,,,", 'row 2, column bank: "B!" is not a valid id'),
        ("b,c,T,q,core,5,Bad Tag,Hi?,,,", 'row 2, column tags: "Bad Tag" is not a valid tag'),
        ("b,c,T,q,core,5,a,Hi?,,,x", "row 2, column text:zh-Hant: empty, but the row has probes"),
        (
            'b,c,T,q,core,5,,Hi?,"p1\np2",嗨？,p1',
            "row 2, column probes:zh-Hant: 1 probe(s) but probes:en has 2",
        ),
    ],
)
def test_bad_cell_names_row_and_column(tmp_path, row, expected):
    message = _import_error(_write_csv(tmp_path, HEADER + "\n" + row + "\n"))
    assert expected in message
    assert message.startswith("sheet.csv:2: ")


def test_duplicate_question_ids_in_a_bank(tmp_path):
    text = HEADER + "\nb,c,T,q,,5,,One?,,,\nother,c,T,q,,5,,Fine?,,,\nb,c,T,q,,5,,Two?,,,\n"
    message = _import_error(_write_csv(tmp_path, text))
    assert (
        'sheet.csv:4: row 4, column id: duplicate question id "q" in bank "b" (first on row 2)'
        in message
    )
    assert "row 3" not in message


def test_every_problem_is_reported_with_its_row(tmp_path):
    text = HEADER + "\nb,c,T,q1,,ten,,Hi?,,,\nb,c,T,q2,,5,,Ok?,,,\nb,c,T,q3,,5,,,,,\n"
    message = _import_error(_write_csv(tmp_path, text))
    assert "row 2, column minutes" in message
    assert "row 4, column text:en" in message
    assert "row 3" not in message


def test_conflicting_bank_title(tmp_path):
    text = HEADER + "\nb,c,One,q1,,5,,Hi?,,,\nb,c,Two,q2,,5,,Ok?,,,\n"
    assert 'row 3, column bank_title: "Two" differs from "One" on row 2' in _import_error(
        _write_csv(tmp_path, text)
    )


@pytest.mark.parametrize("missing", ["bank", "id", "minutes", "category", "bank_title"])
def test_missing_required_column_is_named(tmp_path, missing):
    columns = HEADER.split(",")
    keep = [i for i, c in enumerate(columns) if c != missing]
    cells = ["b", "c", "T", "q", "core", "5", "", "Hi?", "", "", ""]
    text = ",".join(columns[i] for i in keep) + "\n" + ",".join(cells[i] for i in keep) + "\n"
    assert f'missing required column "{missing}"' in _import_error(_write_csv(tmp_path, text))


def test_missing_text_column_and_unknown_column(tmp_path):
    text = "bank,category,bank_title,id,minuts,minutes\nb,c,T,q,5,5\n"
    message = _import_error(_write_csv(tmp_path, text))
    assert 'row 1, column E: unknown column "minuts". Did you mean "minutes"?' in message
    assert 'missing required column "text:<language>"' in message


def test_template_mistake_is_reported_at_its_row(tmp_path):
    text = HEADER + "\nb,c,T,q1,,5,,Fine?,,,\nb,c,T,q2,,5,,Broken {{ product ?,,,\n"
    message = _import_error(_write_csv(tmp_path, text))
    assert "row 3, column text:en:" in message


def test_not_utf8_and_wrong_suffix_and_too_large(tmp_path, monkeypatch):
    bad = tmp_path / "latin.csv"
    bad.write_bytes(HEADER.encode() + b"\nb,c,T,q,,5,,Caf\xe9?,,,\n")
    assert "not valid UTF-8" in _import_error(bad)
    other = tmp_path / "x.ods"
    other.write_bytes(b"")
    assert 'cannot import ".ods" files' in _import_error(other)
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(16 * 1024 * 1024 + 1)
    assert "the limit is 16,777,216" in _import_error(big)


def test_too_many_rows(tmp_path):
    from dreamq.interchange import MAX_ROWS

    rows = "".join(f"b,c,T,q{i},,5,,Hi?,,,\n" for i in range(MAX_ROWS + 1))
    assert f"more than {MAX_ROWS:,} rows" in _import_error(
        _write_csv(tmp_path, HEADER + "\n" + rows)
    )


@needs_openpyxl
def test_xlsx_bad_cell_names_row_and_column(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["b", "c", "T", "q1", "core", 5, None, "Hi?", None, None, None])
    sheet.append(["b", "c", "T", "q2", "core", "ten", None, "Ok?", None, None, None])
    sheet.append(["b", "c", "T", "q3", "core", 4.0, None, "Fine?", None, None, None])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    message = _import_error(path)
    assert "bad.xlsx:3: row 3, column minutes: 'ten' is not a whole number" in message
    assert "row 4" not in message


@needs_openpyxl
def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    assert "not a readable Excel workbook" in _import_error(path)


def test_export_refuses_a_probe_with_a_line_break(tmp_path):
    (tmp_path / "b.yaml").write_text(
        "kind: bank\nformat: 1\nid: b\ncategory: c\ntitle: T\nquestions:\n"
        '  - id: q\n    text: "Hi?"\n    probes: ["one\\ntwo"]\n    minutes: 5\n',
        encoding="utf-8",
    )
    bank = load_bank(tmp_path / "b.yaml")
    with pytest.raises(DreamqError, match="probe 1 \\(en\\) has a line break"):
        export_rows([bank])


def test_export_csv_parses_back_with_csv_module():
    text = export_csv([load_catalog().bank("curiosity")])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == [q.id for q in load_catalog().bank("curiosity").questions]


# ------------------------------------------------------------------ Markdown

GUIDE = """\
---
project: pizza
---
# Discussion guide: Pizza delivery study

Moderator: Sam. Room B. Recording on.

## Logistics

- [ ] Consent forms printed?
- [x] Who brings the snacks?
- Room booked for 2 hours
- 0:00–0:05 Arrival

## Introduction (0:05–0:10)

> Thank you for coming. Do you agree to being recorded?
> - What we say here stays here?

0:05–0:10

1. What made you say yes to joining us today? (3 min)
   - Was it the topic?
   - Or the incentive?
2. Please put your phones away.

## Ordering habits — 20 min

1. **Tell me about** the last time you ordered pizza.
   * Who was with you?
   * What did you order?
     - Why that one?
2. How often do you order
   delivery? [10 min]
3. Thanks for sharing.

| Time | Topic |
|------|-------|
| 0:10 | What do you think? |

```
- Is this a question?
```

<!--
- Hidden question?
-->

## 結束

- 你還有什麼想說的嗎？
  - 任何事都可以？
- What else? (2 min)
- What else?
"""


def test_markdown_guide_becomes_banks_with_questions_and_probes(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(GUIDE, encoding="utf-8")
    files = import_markdown(path)
    # "introduction" is a bundled bank's id: the bank is named after the guide too
    assert list(files) == ["guide_introduction.yaml", "ordering_habits.yaml", "section_5.yaml"]
    banks = _load_all(files, tmp_path)

    intro = banks["guide_introduction"]
    assert intro.title["en"] == "Introduction"
    assert intro.category == "imported"
    assert [(q.text["en"], q.probes.get("en", ()), q.minutes) for q in intro.questions] == [
        (
            "What made you say yes to joining us today?",
            ("Was it the topic?", "Or the incentive?"),
            3,
        )
    ]

    habits = banks["ordering_habits"]
    assert habits.title["en"] == "Ordering habits"
    assert [(q.id, q.text["en"], q.probes.get("en", ()), q.minutes) for q in habits.questions] == [
        (
            "tell_me_about_last_time",
            "Tell me about the last time you ordered pizza.",
            ("Who was with you?", "What did you order?", "Why that one?"),
            5,
        ),
        ("how_often_order_delivery", "How often do you order delivery?", (), 10),
    ]

    closing = banks["section_5"]
    assert closing.title["en"] == "結束"
    assert [(q.id, q.text["en"], q.probes.get("en", ()), q.minutes) for q in closing.questions] == [
        ("q1", "你還有什麼想說的嗎？", ("任何事都可以？",), 5),
        ("what_else", "What else?", (), 2),
        ("what_else_2", "What else?", (), 5),
    ]
    everything = "\n".join(files.values())
    for absent in (
        "snacks",
        "Consent",
        "recorded",
        "phones",
        "Thanks",
        "Is this",
        "Hidden",
        "0:10",
    ):
        assert absent not in everything


def test_markdown_into_one_named_bank(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(GUIDE, encoding="utf-8")
    files = import_markdown(path, bank_id="pizza")
    assert list(files) == ["pizza.yaml"]
    bank = _load_all(files, tmp_path)["pizza"]
    assert bank.title["en"] == "Discussion guide: Pizza delivery study"
    assert len(bank.questions) == 6


def test_markdown_without_questions(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\n- Room B\n> Is this read aloud?\n", encoding="utf-8")
    with pytest.raises(DreamqError, match="no questions found"):
        import_markdown(path)
    with pytest.raises(DreamqError, match="not a valid id"):
        import_markdown(path, bank_id="Bad Id")


def test_markdown_questions_before_any_heading_use_the_file_name(tmp_path):
    path = tmp_path / "Quick Guide.md"
    path.write_text("1. Why now?\n2. How so? (200 min)\n", encoding="utf-8")
    with pytest.raises(DreamqError, match="200 minutes is out of range"):
        import_markdown(path)
    path.write_text("1. Why now?\n   continued here?\n", encoding="utf-8")
    files = import_markdown(path)
    bank = _load_all(files, tmp_path)["quick_guide"]
    assert [q.text["en"] for q in bank.questions] == ["Why now? continued here?"]


# ------------------------------------------------------------------ bundled ids

WARM_GUIDE = """\
# Pizza study

## Warm-up

- What did you eat yesterday?

## Ordering

- Why pizza?

## Wrap-up

- What else should we know?
"""


def test_markdown_headings_named_like_bundled_banks_do_not_replace_them(tmp_path):
    (tmp_path / "guide.md").write_text(WARM_GUIDE, encoding="utf-8")
    result = runner.invoke(app, ["import", "md", "guide.md", "-o", "banks"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "banks").iterdir()) == [
        "guide_warm_up.yaml",
        "guide_wrap_up.yaml",
        "ordering.yaml",
    ]
    catalog = load_catalog(["banks"])
    assert not catalog.overrides
    assert catalog.banks["warm_up"].origin == "bundled"
    assert catalog.banks["wrap_up"].script  # the bundled script is still there
    assert catalog.banks["guide_warm_up"].title["en"] == "Warm-up"

    warnings = import_markdown(tmp_path / "guide.md").warnings
    assert len(warnings) == 2
    assert warnings[0].startswith('guide.md:3: the heading "Warm-up" would make bank "warm_up"')
    assert 'named it "guide_warm_up" instead' in warnings[0]
    assert "end the heading with {#warm_up}" in warnings[0]


def test_markdown_keeps_a_bundled_id_given_on_purpose_and_warns(tmp_path):
    path = tmp_path / "warm_up.md"
    path.write_text(
        "- Why now?\n\n## Wrap-up {#wrap_up}\n\n- What else?\n\n## Close {#wrap_up}\n\n- Why?\n",
        encoding="utf-8",
    )
    with pytest.raises(DreamqError, match=r'warm_up.md:7: bank id "wrap_up" is given twice'):
        import_markdown(path)
    path.write_text("- Why now?\n\n## Wrap-up {#wrap_up}\n\n- What else?\n", encoding="utf-8")
    files = import_markdown(path)
    # questions above the first heading go to a bank named after the file: warm_up
    assert list(files) == ["imported_warm_up.yaml", "wrap_up.yaml"]
    assert _load_all(files, tmp_path)["wrap_up"].title["en"] == "Wrap-up"
    assert files["wrap_up.yaml"].startswith(
        "# dreamq question bank, imported from warm_up.md\n"
        '# replaces the bundled bank "wrap_up" wherever this folder is on the bank path\n'
    )
    first, second = files.warnings
    assert "questions above the first heading would make bank" in first
    assert "pass --bank-id warm_up" in first
    assert second.startswith('warm_up.md:3: bank "wrap_up" has the id of a bundled bank')
    one = import_markdown(path, bank_id="warm_up")
    assert list(one) == ["warm_up.yaml"]
    assert 'bank "warm_up" has the id of a bundled bank' in one.warnings[0]
    path.write_text("## Intro {#Bad}\n\n- Why?\n", encoding="utf-8")
    with pytest.raises(DreamqError, match=r'warm_up\.md:1: heading id "Bad" is not a valid id'):
        import_markdown(path)


def test_sheet_naming_a_bundled_bank_warns_that_it_replaces_it(tmp_path):
    text = HEADER + "\nmine,c,T,q1,,5,,Hi?,,,\ncuriosity,c,T,q1,,5,,Hi?,,,\n"
    files = import_table(_write_csv(tmp_path, text))
    assert sorted(files) == ["curiosity.yaml", "mine.yaml"]  # the user typed the id: kept
    assert files.warnings == [
        'sheet.csv:3: bank "curiosity" has the id of a bundled bank: curiosity.yaml replaces '
        'the bundled "curiosity" bank (its questions, notes and script) wherever it is on the '
        "bank path (give the bank another id if you meant to add a bank, not replace one)"
    ]
    assert '# replaces the bundled bank "curiosity"' in files["curiosity.yaml"]
    assert "bundled" not in files["mine.yaml"]


# ------------------------------------------------------------------ bank fields, canonical files


def test_export_then_import_keeps_bank_fields_and_writes_canonical_files(tmp_path):
    export = runner.invoke(app, ["export", "csv", "--bank", "curiosity", "-o", "c.csv"])
    assert export.exit_code == 0, export.output
    header = (tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[13:] == [  # after the question columns; curiosity has no script
        "bank_title:zh-Hant",
        "bank_title:zh-Hans",
        "bank_description:en",
        "bank_description:zh-Hant",
        "bank_description:zh-Hans",
        "bank_audience",
        "bank_source",
        "bank_moderator_notes:en",
        "bank_moderator_notes:zh-Hant",
        "bank_moderator_notes:zh-Hans",
        "bank_stance:en",
        "bank_stance:zh-Hant",
        "bank_stance:zh-Hans",
    ]
    imported = runner.invoke(app, ["import", "csv", "c.csv", "-o", "out"])
    assert imported.exit_code == 0, imported.output
    bundled = load_catalog().bank("curiosity")
    again = load_bank(tmp_path / "out" / "curiosity.yaml")
    assert _bank_fields(again) == _bank_fields(bundled)
    assert again.stance["zh-Hant"] and again.moderator_notes["zh-Hans"]
    assert _questions(again) == _questions(bundled)
    check = runner.invoke(app, ["fmt", "--check", "out"])
    assert check.exit_code == 0, check.output

    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    assert runner.invoke(app, ["import", "md", "guide.md", "-o", "md"]).exit_code == 0
    check = runner.invoke(app, ["fmt", "--check", "md"])
    assert check.exit_code == 0, check.output


BANK_HEADER = (
    "bank,category,bank_title,id,minutes,text:en,probes:en,text:zh-Hant,bank_title:zh-Hant,"
    "bank_description:en,bank_audience,bank_source,bank_moderator_notes:en,"
    "bank_moderator_notes:zh-Hant,bank_script_minutes"
)


def test_bank_fields_may_stand_on_any_row_of_the_bank(tmp_path):
    text = (
        BANK_HEADER
        + "\nb,c,T,q1,5,Hi?,,你好？,,,,,,,"
        + '\nb,c,,q2,5,Why?,,為什麼？,標題,"Line one\nline two","customers, frontline",'
        + 'Workshop,"Note one\n\nNote two","筆記一\n筆記二",2'
        + "\nb,,,q3,5,How?,,怎麼？,標題,,,,,,2\n"
    )
    bank = _load_all(import_table(_write_csv(tmp_path, text)), tmp_path)["b"]
    assert bank.title == {"en": "T", "zh-Hant": "標題"}
    assert bank.description == {"en": "Line one\nline two"}
    assert bank.audience == ("customers", "frontline")
    assert bank.source == "Workshop"
    assert bank.moderator_notes == {"en": ("Note one", "Note two"), "zh-Hant": ("筆記一", "筆記二")}
    assert bank.script_minutes == 2


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (BANK_HEADER, "b,c,T,q1,5,Hi?,,,,,,,,,two", "row 2, column bank_script_minutes: 'two'"),
        (
            BANK_HEADER,
            "b,c,T,q1,5,Hi?,,,,,,Book,,,\nb,c,T,q2,5,Ok?,,,,,,Film,,,",
            'row 3, column bank_source: differs from the value on row 2 for bank "b"',
        ),
        (
            BANK_HEADER,
            "b,c,T,q1,5,Hi?,,你好？,標題,,,,One,,",
            "row 2, column bank_title:zh-Hant: bank: translations.zh-Hant has no moderator_notes",
        ),
        (
            BANK_HEADER,
            "b,c,T,q1,5,Hi?,,,,,Some One,,,,",
            "row 2, column bank_audience: audience[0]:",
        ),
        (
            "bank,category,bank_title,id,minutes,text:en,bank_stance",
            "b,c,T,q1,5,Hi?,x",
            'column G: column "bank_stance" needs a language, as in bank_stance:en',
        ),
        (
            "bank,category,bank_title,id,minutes,text:en,bank_title:en",
            "b,c,T,q1,5,Hi?,x",
            "column bank_title:en: en is the bank's own language, whose title goes in bank_title",
        ),
    ],
)
def test_bad_bank_field_names_row_and_column(tmp_path, header, row, expected):
    assert expected in _import_error(_write_csv(tmp_path, header + "\n" + row + "\n"))


def test_export_refuses_a_bank_note_with_a_line_break(tmp_path):
    (tmp_path / "b.yaml").write_text(
        "kind: bank\nformat: 1\nid: b\ncategory: c\ntitle: T\nstance: [ok, 'one\n\n  two']\n"
        'questions:\n  - id: q\n    text: "Hi?"\n    minutes: 5\n',
        encoding="utf-8",
    )
    with pytest.raises(DreamqError, match=r'bank "b": stance item 2 \(en\) has a line break'):
        export_rows([load_bank(tmp_path / "b.yaml")])


# ------------------------------------------------------------------ separators


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_csv_is_read(tmp_path, separator):
    sheet = (
        HEADER
        + '\nb,c,"T, too",q1,core,5,"use, trust","Hi; there, you?","p1\np2",你好？,"一\n二"\n'
    )
    expected = import_table(_write_csv(tmp_path, sheet))
    rows = list(csv.reader(io.StringIO(sheet, newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    other = import_table(_write_csv(tmp_path, out.getvalue(), name="semi.csv", bom=True))
    assert set(other) == {"b.yaml"}
    assert other["b.yaml"].replace("semi.csv", "sheet.csv") == expected["b.yaml"]


def test_a_header_in_one_cell_is_one_error(tmp_path):
    text = "bank|category|bank_title|id|minutes|text:en\nb|c|T|q|5|Hi?\n"
    message = _import_error(_write_csv(tmp_path, text))
    assert message == (
        "sheet.csv:1: row 1: the header is one cell; its columns are not separated by commas "
        "(save the sheet as CSV with commas, semicolons or tabs between the columns, or as .xlsx)"
    )


# ------------------------------------------------------------------ docs/bank-format.md


def test_bank_format_examples_are_canonical_and_valid(tmp_path):
    doc = (ROOT / "docs" / "bank-format.md").read_text(encoding="utf-8")
    examples = [
        block
        for block in re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
        if block.startswith("# yaml-language-server:") and "\n...\n" not in block
    ]
    assert len(examples) == 4  # a bank, a domain and two studies
    for number, text in enumerate(examples):
        assert format_text(text) == text, text
        (tmp_path / f"example{number}.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", *(f"example{n}.yaml" for n in range(4))])
    assert result.exit_code == 0, result.output
    for block in re.findall(r"```text\n(.*?)```", doc, flags=re.S):
        assert not re.search(r"(?<![\w.~…])/[\w.-]+/\S*\.ya?ml", block), block


def test_imported_files_are_laid_out_as_fmt_writes_them(tmp_path):
    banks = [load_catalog().bank(b) for b in ("introduction", "curiosity", "warm_up", "wrap_up")]
    files = import_table(_write_csv(tmp_path, export_csv(banks)))
    for name, text in files.items():
        assert format_text(text, path=name) == text, name


def test_long_strings_are_folded_as_fmt_folds_them_and_read_back_unchanged(tmp_path):
    import random

    rng = random.Random(7)
    words = ["ask", "them", "why", "x" * 30, "你好嗎", 'say "hi"', "it's", "a  b", "—", "#1", ":"]
    header = "bank,category,bank_title,id,minutes,text:en,probes:en,text:zh-Hant,probes:zh-Hant"
    header += ",bank_description:en"

    for escapes in (False, True):
        extra = ["\n", "\t", "\\", "\u2028", "\n  "] if escapes else []

        def text(extra: list[str] = extra) -> str:
            return " ".join(rng.choice(words + extra) for _ in range(rng.randint(20, 60))).strip()

        rows = [
            ["b", "c", "T", f"q{i}", "5", text(), f"{text()}\n{text()}", text()] for i in range(30)
        ]
        for row in rows:
            row += [row[6], text() if row is rows[0] else ""]  # the same probes in zh-Hant
        out = io.StringIO()
        csv.writer(out).writerows([header.split(","), *rows])
        files = import_table(_write_csv(tmp_path, out.getvalue()))
        bank = _load_all(files, tmp_path)["b"]
        assert [q.text["en"] for q in bank.questions] == [r[5] for r in rows]
        assert [q.text["zh-Hant"] for q in bank.questions] == [r[7] for r in rows]
        probes = [tuple(p.strip() for p in _LINES.split(r[6]) if p.strip()) for r in rows]
        assert [q.probes["zh-Hant"] for q in bank.questions] == probes
        assert bank.description["en"] == rows[0][9]
        if escapes:
            # Right after an escape (\n, \t, ...) ruamel.yaml, and so fmt, may fold
            # a line in a way that adds a space; import folds so as to keep the text.
            rows = [
                ["b", "c", "T", f"q{n}", "5", "a" * n + "\u2028lorem ipsum"] for n in range(80, 100)
            ]
            out = io.StringIO()
            csv.writer(out).writerows([header.split(",")[:6], *rows])
            files = import_table(_write_csv(tmp_path, out.getvalue()))
            bank = _load_all(files, tmp_path)["b"]
            assert [q.text["en"] for q in bank.questions] == [r[5] for r in rows]
        else:
            assert format_text(files["b.yaml"]) == files["b.yaml"]


_LINES = re.compile(r"\r\n|\r|\n")


def test_import_prints_its_warnings_on_stderr(tmp_path):
    from typer.testing import CliRunner

    from dreamq._cli import app

    (tmp_path / "g.md").write_text("# Guide\n\n## Warm-up\n\n1. How was your week?\n", "utf-8")
    result = CliRunner().invoke(app, ["import", "md", "g.md", "-o", "banks"])
    assert result.exit_code == 0, result.stderr
    assert 'warning: g.md:3: the heading "Warm-up" would make bank "warm_up"' in result.stderr
    assert (tmp_path / "banks" / "g_warm_up.yaml").exists()
