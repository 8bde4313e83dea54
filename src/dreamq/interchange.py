"""Question banks to and from spreadsheets (CSV, Excel) and Markdown guides.

Spreadsheet layout: one row per question, one header row naming the columns::

    bank, category, bank_title, id, priority, minutes, tags,
    text:en, probes:en, text:zh-Hant, probes:zh-Hant, ...

* ``tags`` are separated by commas (``use, phase:early``).
* ``probes:<lang>`` holds one probe per line *within the cell* (Alt+Enter in
  Excel).  Blank lines are ignored, so a probe is always a single line; export
  refuses a probe that itself contains a line break rather than change it.
* The first ``text:`` column is the bank's own language (``language:``); every
  later language becomes a ``translations`` block.  A question whose text is
  empty in a later language has no translation in it.
* Rows of one bank need not be adjacent; banks and questions keep the order in
  which they first appear.  ``category`` and ``bank_title`` must agree across a
  bank's rows (an empty cell repeats the bank's earlier value).
* Row numbers in messages are the spreadsheet's: the header is row 1.
* A CSV file whose header row has no comma but a semicolon or a tab (Excel
  saves ``;`` in many European locales) is read with that separator.

The rest of a bank travels in optional ``bank_*`` columns, filled on the
bank's first row (export leaves them empty on its other rows; on import any
of the bank's rows may hold them, and they must agree like ``category``):

    bank_title:<lang>   the title in another language (bank_title is the bank's own)
    bank_description:<lang>
    bank_audience       comma-separated, like tags
    bank_source
    bank_moderator_notes:<lang>, bank_stance:<lang>, bank_script:<lang>
                        one item per line within the cell, like probes
    bank_script_minutes

Export writes only the ``bank_*`` columns some exported bank has a value for,
so a plain bank still gives the plain layout above.

Import returns an :class:`Imported` mapping of YAML *text*
(``{"<bank_id>.yaml": text}``, plus ``warnings``) that dreamq's own loader
accepts: every string is written double-quoted and escaped, so words such as
``no`` or ``2024-05-01`` stay text, and the file is laid out as ``dreamq fmt``
would lay it out.  Each generated bank is loaded back through
:func:`dreamq.banks.load_bank` before it is returned; a problem found there is
reported against the spreadsheet row it came from.  A bank whose id is a
bundled bank's id replaces the bundled bank wherever it is on the bank path:
import warns when the sheet names such an id, and a Markdown heading that
would make one gets another id unless the guide asks for it (``{#warm_up}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DreamqError, Problem, did_you_mean, display_path
from .formatting import WIDTH as _WIDTH  # the line width of dreamq fmt

if TYPE_CHECKING:
    from .banks import Bank

#: Most data rows a spreadsheet may hold.
MAX_ROWS = 100_000
#: Largest spreadsheet or Markdown file read, in bytes (as for YAML files).
MAX_BYTES = 16 * 1024 * 1024
#: Most problems listed before the rest are counted.
MAX_PROBLEMS = 50

FIXED_COLUMNS = ("bank", "category", "bank_title", "id", "priority", "minutes", "tags")
REQUIRED_COLUMNS = ("bank", "category", "bank_title", "id", "minutes")
#: Bank fields with a ``bank_<field>:<lang>`` column per language (the title in
#: the bank's own language is the ``bank_title`` column).
BANK_LOCALIZED_FIELDS = ("title", "description", "moderator_notes", "stance", "script")
#: Those of them that are lists: one item per line within the cell.
BANK_LIST_FIELDS = ("moderator_notes", "stance", "script")
#: Bank fields with one column for every language.
BANK_PLAIN_COLUMNS = ("bank_audience", "bank_source", "bank_script_minutes")
#: Every bank field in the order of the bank format (and of exported columns).
_BANK_FIELD_ORDER = (
    "title",
    "description",
    "audience",
    "source",
    "moderator_notes",
    "stance",
    "script",
    "script_minutes",
)
_BANK_LOCALIZED_COLUMNS = tuple(f"bank_{f}" for f in BANK_LOCALIZED_FIELDS)
XLSX_HINT = "pip install 'dreamq[xlsx]'"

_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TAG = re.compile(r"[a-z0-9][a-z0-9_:-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PRIORITIES = ("core", "optional")


# --------------------------------------------------------------------------- export


def export_rows(banks: Iterable[Bank]) -> list[dict[str, str]]:
    """One row per question, every value a string.  All rows share the same keys:
    the fixed columns, then ``text:<lang>`` and ``probes:<lang>`` for every
    language any bank uses, the banks' own languages first, then the ``bank_*``
    columns some bank has a value for (filled on each bank's first row only)."""
    banks = list(banks)
    languages = _export_languages(banks)
    bank_cells = [_bank_cells(bank) for bank in banks]
    bank_columns = _bank_columns(bank_cells, languages)
    rows: list[dict[str, str]] = []
    for bank, cells in zip(banks, bank_cells, strict=True):
        title = bank.title.get(bank.language) or next(iter(bank.title.values()), "")
        for position, q in enumerate(bank.questions):
            row = {
                "bank": bank.id,
                "category": bank.category,
                "bank_title": title,
                "id": q.id,
                "priority": q.priority,
                "minutes": str(q.minutes),
                "tags": ", ".join(q.tags),
            }
            for lang in languages:
                row[f"text:{lang}"] = q.text.get(lang, "")
                probes = q.probes.get(lang, ()) if lang in q.text else ()
                for number, probe in enumerate(probes, 1):
                    if _LINE_BREAK.search(probe):
                        raise DreamqError(
                            Problem(
                                f"question {q.ref}: probe {number} ({lang}) has a line break; "
                                "a spreadsheet cell holds one probe per line",
                                display_path(bank.path),
                                q.line,
                                hint="write the probe on one line",
                            )
                        )
                row[f"probes:{lang}"] = "\n".join(probes)
            for column in bank_columns:
                row[column] = cells.get(column, "") if position == 0 else ""
            rows.append(row)
    return rows


def _bank_cells(bank: Bank) -> dict[str, str]:
    """The ``bank_*`` cells of ``bank`` that have a value."""
    cells: dict[str, str] = {}
    for lang, title in bank.title.items():
        if lang != bank.language and title:
            cells[f"bank_title:{lang}"] = title
    for lang, description in bank.description.items():
        if description:
            cells[f"bank_description:{lang}"] = description
    if bank.audience:
        cells["bank_audience"] = ", ".join(bank.audience)
    if bank.source:
        cells["bank_source"] = bank.source
    for name in BANK_LIST_FIELDS:
        for lang, items in getattr(bank, name).items():
            for number, item in enumerate(items, 1):
                if _LINE_BREAK.search(item):
                    raise DreamqError(
                        Problem(
                            f'bank "{bank.id}": {name} item {number} ({lang}) has a line break; '
                            "a spreadsheet cell holds one item per line",
                            display_path(bank.path),
                            hint="write the item on one line",
                        )
                    )
            if items:
                cells[f"bank_{name}:{lang}"] = "\n".join(items)
    if bank.script_minutes:
        cells["bank_script_minutes"] = str(bank.script_minutes)
    return cells


def _bank_columns(bank_cells: Sequence[dict[str, str]], languages: Sequence[str]) -> list[str]:
    """The ``bank_*`` columns in use, in the order of the bank format, each
    field's languages in the order of the ``text:`` columns."""
    used = {column for cells in bank_cells for column in cells}
    langs = list(languages)
    for column in sorted(used):
        lang = column.partition(":")[2]
        if lang and lang not in langs:
            langs.append(lang)
    order: list[str] = []
    for name in _BANK_FIELD_ORDER:
        if name in BANK_LOCALIZED_FIELDS:
            order.extend(f"bank_{name}:{lang}" for lang in langs)
        else:
            order.append(f"bank_{name}")
    return [column for column in order if column in used]


def _export_languages(banks: Sequence[Bank]) -> list[str]:
    languages: list[str] = []
    for bank in banks:  # each bank's own language first
        if bank.language not in languages:
            languages.append(bank.language)
    for bank in banks:
        for q in bank.questions:
            for lang in q.text:
                if lang not in languages:
                    languages.append(lang)
    return languages


def _columns(rows: Sequence[dict[str, str]]) -> list[str]:
    if rows:
        return list(rows[0])
    return [*FIXED_COLUMNS, "text:en", "probes:en"]


def export_csv(banks: Iterable[Bank]) -> str:
    """The banks as CSV text (write it with ``encoding="utf-8-sig"`` for Excel)."""
    import csv
    import io

    rows = export_rows(banks)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(rows), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export_xlsx(banks: Iterable[Bank]) -> bytes:
    """The banks as an Excel workbook (one sheet, ``questions``)."""
    import io

    Workbook, _ = _openpyxl()
    rows = export_rows(banks)
    columns = _columns(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "questions"
    sheet.append(columns)
    for r, row in enumerate(rows, 2):
        for c, name in enumerate(columns, 1):
            value: str | int = row[name]
            if name in ("minutes", "bank_script_minutes") and value:
                value = int(value)
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # a text starting with "=" is text, not a formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _openpyxl():  # type: ignore[no-untyped-def]
    try:
        from openpyxl import Workbook, load_workbook
    except ImportError:
        raise DreamqError(
            Problem(
                "reading and writing Excel files needs openpyxl, which is not installed",
                hint=f"{XLSX_HINT}, or use CSV",
            )
        ) from None
    return Workbook, load_workbook


# --------------------------------------------------------------------------- import


class Imported(dict[str, str]):
    """What an import makes: ``{"<bank_id>.yaml": YAML text}``, in the canonical
    layout of ``dreamq fmt``, and ``warnings``, one line each, for the user to
    read (a bank that replaces a bundled bank, a bank id changed so that it
    does not)."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []


def import_table(path: Path) -> Imported:
    """Bank files from a ``.csv`` or ``.xlsx`` sheet laid out as :func:`export_rows`
    writes it: ``{"<bank_id>.yaml": YAML text}``.  Raises :class:`DreamqError`
    naming the row and column of every problem.  A bank whose id is a bundled
    bank's id is imported as it is, with a warning that it replaces the bundled
    bank."""
    path = Path(path)
    shown = display_path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _read_csv(path, shown)
    elif suffix in (".xlsx", ".xlsm"):
        records = _read_xlsx(path, shown)
    else:
        raise DreamqError(
            Problem(
                f'cannot import "{path.suffix or path.name}" files',
                shown,
                hint="import a .csv or .xlsx file (or a Markdown guide, .md)",
            )
        )
    return _banks_from_records(records, shown)


def _read_bytes(path: Path) -> bytes:
    from ._yamlload import read_bytes

    return read_bytes(path)  # 16 MiB limit, clear messages for missing files


def _read_csv(path: Path, shown: str) -> list[tuple[int, list[str]]]:
    import csv
    import io

    from ._yamlload import decode

    text = decode(_read_bytes(path), shown)  # utf-8-sig: Excel's byte-order mark is dropped
    # strict: a quote left open is an error, not the rest of the file swallowed into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, 1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows(shown)
            records.append((number, cells))
    except csv.Error as exc:
        row = len(records) + 1
        raise DreamqError(
            Problem(f"row {row}: not valid CSV: {exc}", shown, row, hint="save it as CSV UTF-8")
        ) from None
    return records


def _separator(text: str) -> str:
    """``,``, or the ``;`` or tab that separates the header's cells when it holds
    no comma: Excel writes ``;`` where the decimal mark is a comma (most of
    Europe), and a sheet copied as text is tab-separated.  No column name holds
    any of the three, so the header tells them apart."""
    header = re.match(r"\s*([^\r\n]*)", text)
    line = header.group(1) if header else ""
    if "," not in line:
        for separator in (";", "\t"):
            if separator in line:
                return separator
    return ","


def _read_xlsx(path: Path, shown: str) -> list[tuple[int, list[str]]]:
    import zipfile

    _, load_workbook = _openpyxl()
    _read_bytes(path)  # the size limit and the usual messages for a missing file
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DreamqError(
            Problem(f"not a readable Excel workbook ({exc})", shown, hint="save it as .xlsx again")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows(shown)
            records.append((number, [_cell_text(v) for v in values]))
        return records
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _too_many_rows(shown: str) -> DreamqError:
    return DreamqError(
        Problem(f"more than {MAX_ROWS:,} rows", shown, hint="split the sheet into several files")
    )


class _Collector:
    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str, hint: str | None = None):
        where = f"row {row}" if row is not None else ""
        if column is not None:
            where = f"{where}, column {column}" if where else f"column {column}"
        self.problems.append(Problem(f"{where}: {message}", self.shown, row, hint=hint))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        listed = self.problems[:MAX_PROBLEMS]
        if len(self.problems) > MAX_PROBLEMS:
            more = len(self.problems) - MAX_PROBLEMS
            listed.append(Problem(f"... and {more} more problem(s)", self.shown, more=more))
        raise DreamqError(listed)


def _header(cells: list[str], out: _Collector) -> tuple[dict[str, int], list[str]]:
    """Column name → index, and the languages in column order."""
    index: dict[str, int] = {}
    languages: list[str] = []
    known = [
        *FIXED_COLUMNS,
        "text:<language>",
        "probes:<language>",
        *(f"{c}:<language>" for c in _BANK_LOCALIZED_COLUMNS),
        *BANK_PLAIN_COLUMNS,
    ]
    for i, raw in enumerate(cells):
        name = raw.strip()
        if not name:
            continue
        prefix, colon, lang = name.partition(":")
        if colon:
            name = f"{prefix.strip().lower()}:{lang.strip()}"
            prefix, lang = prefix.strip().lower(), lang.strip()
        else:
            name = name.lower()
        if colon and prefix in ("text", "probes", *_BANK_LOCALIZED_COLUMNS):
            if not _LANG.fullmatch(lang) or len(lang) > 35:
                out.add(1, name, f'"{lang}" is not a language tag (for example en, zh-Hant)')
                continue
            if prefix == "text" and lang not in languages:
                languages.append(lang)
        elif name in _BANK_LOCALIZED_COLUMNS and name != "bank_title":
            out.add(
                1,
                _excel_column(i),
                f'column "{raw.strip()}" needs a language, as in {name}:en',
                hint="the bank's own language is the first text:<language> column's",
            )
            continue
        elif name not in FIXED_COLUMNS and name not in BANK_PLAIN_COLUMNS:
            out.add(
                1,
                _excel_column(i),
                f'unknown column "{raw.strip()}".{did_you_mean(name, known)}',
                hint="columns: " + ", ".join(known),
            )
            continue
        if name in index:
            out.add(1, name, "column appears twice", hint="keep one of them")
            continue
        index[name] = i
    for name in REQUIRED_COLUMNS:
        if name not in index:
            out.add(1, None, f'missing required column "{name}"', hint=_columns_hint())
    if not languages:
        out.add(1, None, 'missing required column "text:<language>" (e.g. text:en)')
    elif f"bank_title:{languages[0]}" in index:
        out.add(
            1,
            f"bank_title:{languages[0]}",
            f"{languages[0]} is the bank's own language, whose title goes in bank_title",
            hint="keep bank_title:<language> for the title in other languages",
        )
    for name in index:
        if name.startswith("probes:") and f"text:{name[7:]}" not in index:
            out.add(1, name, f'probes without a "text:{name[7:]}" column')
    return index, languages


def _unseparated_header(cells: list[str]) -> bool:
    """A header read as one cell that names several columns (a separator dreamq
    did not recognise)."""
    named = [c for c in cells if c.strip()]
    return len(named) == 1 and bool(re.search(r"\bbank\b.*\bid\b", named[0], re.I | re.S))


def _columns_hint() -> str:
    return "the header row names: " + ", ".join(FIXED_COLUMNS) + ", text:en, probes:en, ..."


def _excel_column(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class _BankDraft:
    def __init__(self, bank_id: str, row: int):
        self.id = bank_id
        self.row = row
        self.category = ""
        self.category_row = row
        self.title = ""
        self.title_row = row
        self.questions: list[dict] = []  # type: ignore[type-arg]
        self.ids: dict[str, int] = {}
        #: ``bank_*`` column → (value, the row it was first given on).
        self.fields: dict[str, tuple[str, int]] = {}


def _banks_from_records(records: list[tuple[int, list[str]]], shown: str) -> Imported:
    out = _Collector(shown)
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise DreamqError(Problem("the sheet is empty", shown, hint=_columns_hint()))
    _, header_cells = records[0]
    if _unseparated_header(header_cells):
        raise DreamqError(
            Problem(
                "row 1: the header is one cell; its columns are not separated by commas",
                shown,
                1,
                hint="save the sheet as CSV with commas, semicolons or tabs between the columns, "
                "or as .xlsx",
            )
        )
    index, languages = _header(header_cells, out)
    out.raise_if_any()
    base = languages[0]
    bank_columns = [c for c in index if c.startswith("bank_") and c != "bank_title"]
    translated = list(languages[1:])  # the languages of bank translations
    for column in bank_columns:
        lang = column.partition(":")[2]
        if lang and lang != base and lang not in translated:
            translated.append(lang)
    banks: dict[str, _BankDraft] = {}
    width = len(header_cells)
    for row, cells in records[1:]:
        for extra in range(width, len(cells)):
            if cells[extra].strip():
                out.add(row, _excel_column(extra), "a value in a column with no header")
                break

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        bank_id = cell("bank")
        if not bank_id:
            out.add(row, "bank", "empty; every row names its bank id")
            continue
        if not _ID.fullmatch(bank_id):
            out.add(row, "bank", f'"{bank_id}" is not a valid id', hint=_ID_HINT)
            continue
        draft = banks.get(bank_id)
        if draft is None:
            draft = banks[bank_id] = _BankDraft(bank_id, row)
        _bank_field(draft, "category", cell("category"), row, out)
        _bank_field(draft, "title", cell("bank_title"), row, out)
        for column in bank_columns:
            _bank_extra(draft, column, cell(column), row, out)
        question = _question(row, cell, languages, base, draft, out)
        if question is not None:
            draft.questions.append(question)
    out.raise_if_any()
    if not banks:
        raise DreamqError(Problem("no question rows below the header", shown, 1))
    for draft in banks.values():
        if not draft.category:
            out.add(draft.row, "category", f'bank "{draft.id}" has no category')
        if not draft.title:
            out.add(draft.row, "bank_title", f'bank "{draft.id}" has no title')
    out.raise_if_any()
    result = Imported()
    bundled = _bundled_bank_ids()
    for draft in banks.values():
        comments = []
        if draft.id in bundled:
            comments.append(_REPLACES_COMMENT.format(draft.id))
            result.warnings.append(_replaces_warning(draft.id, shown, draft.row))
        name = f"{draft.id}.yaml"
        text, origins = _bank_yaml(
            draft, base, languages, source=shown, bank_languages=translated, comments=comments
        )
        _check_loads(text, origins, name, out)
        result[name] = text
    out.raise_if_any()
    return result


_REPLACES_COMMENT = 'replaces the bundled bank "{0}" wherever this folder is on the bank path'


def _replaces_warning(bank_id: str, shown: str, line: int) -> str:
    return str(
        Problem(
            f'bank "{bank_id}" has the id of a bundled bank: {bank_id}.yaml replaces the '
            f'bundled "{bank_id}" bank (its questions, notes and script) wherever it is on '
            "the bank path",
            shown,
            line,
            hint="give the bank another id if you meant to add a bank, not replace one",
        )
    )


def _bundled_bank_ids() -> frozenset[str]:
    """The ids of the bundled banks (each bundled file is named after its id)."""
    from .catalog import bundled_root, yaml_files

    directory = bundled_root() / "question_banks"
    if not directory.is_dir():
        return frozenset()
    return frozenset(path.stem for path in yaml_files(directory))


_ID_HINT = "use lower-case letters, digits, - and _ (at most 64), starting with a letter or digit"


def _bank_field(draft: _BankDraft, name: str, value: str, row: int, out: _Collector) -> None:
    column = "bank_title" if name == "title" else name
    if not value:
        return
    current = getattr(draft, name)
    if not current:
        if name == "category" and not _ID.fullmatch(value):
            out.add(row, column, f'"{value}" is not a valid id', hint=_ID_HINT)
            return
        if name == "title" and len(value) > 200:
            out.add(row, column, f"{len(value)} characters; the limit is 200")
            return
        setattr(draft, name, value)
        setattr(draft, f"{name}_row", row)
    elif value != current:
        first = getattr(draft, f"{name}_row")
        out.add(
            row,
            column,
            f'"{value}" differs from "{current}" on row {first} for bank "{draft.id}"',
            hint="give every row of a bank the same value, or leave the cell empty",
        )


def _bank_extra(draft: _BankDraft, column: str, value: str, row: int, out: _Collector) -> None:
    """A ``bank_*`` cell: the first value given for the bank, the same one on
    any later row (or an empty cell)."""
    if not value:
        return
    if column == "bank_script_minutes" and not re.fullmatch(r"[0-9]+", value):
        out.add(row, column, f"'{value}' is not a whole number")
        return
    given = draft.fields.get(column)
    if given is None:
        draft.fields[column] = (value, row)
    elif value != given[0]:
        out.add(
            row,
            column,
            f'differs from the value on row {given[1]} for bank "{draft.id}"',
            hint="give the bank's fields once, on its first row; leave the cell empty on the others",
        )


def _question(row, cell, languages, base, draft, out):  # type: ignore[no-untyped-def]
    before = len(out.problems)
    qid = cell("id")
    if not qid:
        out.add(row, "id", "empty; every question needs an id")
    elif not _ID.fullmatch(qid):
        out.add(row, "id", f'"{qid}" is not a valid id', hint=_ID_HINT)
    elif qid in draft.ids:
        out.add(
            row,
            "id",
            f'duplicate question id "{qid}" in bank "{draft.id}" (first on row {draft.ids[qid]})',
            hint="ids must be unique within a bank",
        )
    else:
        draft.ids[qid] = row
    minutes_text = cell("minutes")
    minutes = 0
    if not minutes_text:
        out.add(row, "minutes", "empty; give the question's minutes (1 to 120)")
    elif not re.fullmatch(r"[0-9]+", minutes_text):
        out.add(row, "minutes", f"'{minutes_text}' is not a whole number")
    else:
        minutes = int(minutes_text)
        if not 1 <= minutes <= 120:
            out.add(row, "minutes", f"{minutes} is out of range (1 to 120)")
    priority = cell("priority").lower() or "optional"
    if priority not in _PRIORITIES:
        out.add(row, "priority", f"'{cell('priority')}' is not one of: core, optional")
    tags: list[str] = []
    for tag in (t.strip() for t in cell("tags").split(",")):
        if not tag:
            continue
        if not _TAG.fullmatch(tag):
            out.add(row, "tags", f'"{tag}" is not a valid tag', hint=_ID_HINT + "; : allowed")
        elif tag in tags:
            out.add(row, "tags", f'tag "{tag}" appears twice')
        else:
            tags.append(tag)
    text: dict[str, str] = {}
    probes: dict[str, list[str]] = {}
    for lang in languages:
        value = cell(f"text:{lang}")
        items = [p.strip() for p in _LINE_BREAK.split(cell(f"probes:{lang}")) if p.strip()]
        if not value:
            if lang == base:
                out.add(row, f"text:{lang}", "empty; every question needs its text")
            elif items:
                out.add(row, f"text:{lang}", "empty, but the row has probes in this language")
            continue
        for column, item in [(f"text:{lang}", value)] + [(f"probes:{lang}", p) for p in items]:
            if len(item) > 4000:
                out.add(row, column, f"{len(item):,} characters; the limit is 4,000")
        text[lang] = value
        probes[lang] = items
    base_probes = probes.get(base, [])
    for lang in languages[1:]:
        if lang in text and len(probes[lang]) != len(base_probes):
            out.add(
                row,
                f"probes:{lang}",
                f"{len(probes[lang])} probe(s) but probes:{base} has {len(base_probes)}",
                hint="translate every probe, one per line, in the same order",
            )
    if len(out.problems) > before:
        return None
    return {
        "row": row,
        "id": qid,
        "text": text,
        "probes": probes,
        "minutes": minutes,
        "priority": priority,
        "tags": tags,
    }


# --------------------------------------------------------------------------- YAML


_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back unchanged.

    JSON's escapes are valid YAML; characters YAML would refuse or fold (C1
    controls, line and paragraph separators, lone surrogates) are escaped too."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _NOT_PRINTABLE.sub(escape, json.dumps(text, ensure_ascii=False))


_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _quoted(text: str, column: int, indent: int) -> str:
    """``text`` as the double-quoted scalar ``dreamq fmt`` writes, folded at
    :data:`_WIDTH` columns as ruamel.yaml's emitter folds it (its
    ``write_double_quoted``, which fmt uses): the opening quote stands at
    ``column``, continuation lines are indented by ``indent``.  Written here
    rather than through fmt, which parses the file twice and would make an
    import ten times slower; tests check that fmt leaves the result as it is."""
    out = ['"']
    column += 1
    start = end = 0
    length = len(text)
    while end <= length:
        ch = text[end] if end < length else None
        if ch is None or ch in '"\\\x85\u2028\u2029\ufeff' or not _printable(ch):
            if start < end:
                out.append(text[start:end])
                column += end - start
                start = end
            if ch is not None:
                if ch in _ESCAPES:
                    data = "\\" + _ESCAPES[ch]
                elif ch <= "\xff":
                    data = f"\\x{ord(ch):02X}"
                elif ch <= "\uffff":
                    data = f"\\u{ord(ch):04X}"
                else:
                    data = f"\\U{ord(ch):08X}"
                out.append(data)
                column += len(data)
                start = end + 1
        if 0 < end < length - 1 and (ch == " " or start >= end) and column + end - start > _WIDTH:
            # Right after an escape (start > end) ruamel.yaml may break the line
            # without a backslash, and the break then reads back as a space that
            # was not there (fmt then refuses the file): here such a fold always
            # gets its backslash, so that the text reads back unchanged.
            after_escape = start > end and text[start] != " "
            backslash = after_escape or _fold_needs_backslash(text, start, end)
            data = text[start:end] + ("\\" if backslash else "")
            start = max(start, end)
            out.append(data + "\n" + " " * indent)
            column = indent
            if text[start] == " ":
                if backslash:
                    out.append("\\")
                    column += 1
                else:
                    start += 1  # the line break reads back as this space
        end += 1
    out.append('"')
    return "".join(out)


def _fold_needs_backslash(text: str, start: int, end: int) -> bool:
    """Whether the line break of a fold at ``end`` needs a ``\\`` (as ruamel.yaml
    decides): a break reads back as a space, so a fold at a space needs none,
    unless what follows up to the next space or line break could change that."""
    space = text.find(" ", end)
    if space < 0:
        return True
    newline = text.find("\n", end, space)
    if newline >= 0:
        space = newline
    if space + 1 >= len(text) or (text[space] == "\n" and text[space + 1] != " "):
        return True
    return not (
        '"' not in text[end:space]
        and "'" not in text[end:space]
        and text[space + 1] not in " \n"
        and text[end - 1 : end + 1] != "  "
        and start != end
    )


def _printable(ch: str) -> bool:
    return (
        "\x20" <= ch <= "\x7e"
        or "\xa0" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or "\U00010000" <= ch <= "\U0010ffff"
    )


def _bank_yaml(
    draft: _BankDraft,
    base: str,
    languages: list[str],
    source: str,
    *,
    bank_languages: Sequence[str] = (),
    comments: Sequence[str] = (),
    with_language: bool = True,
) -> tuple[str, list[tuple[int, str] | None]]:
    """The bank file's text, laid out as ``dreamq fmt`` lays it out, and for
    each of its lines the (row, column) it came from.  ``languages`` are the
    questions' (the first is ``base``), ``bank_languages`` those of the bank's
    own translations.  Every string is double-quoted, so that no text is read
    as something else; keys are in the order of the bank format."""
    lines: list[str] = []
    origins: list[tuple[int, str] | None] = []

    def emit(line: str, origin: tuple[int, str] | None = None) -> None:
        for part in line.split("\n"):  # a folded string spans several lines
            lines.append(part)
            origins.append(origin)

    def scalar(prefix: str, value: str, origin: tuple[int, str] | None) -> None:
        """``prefix`` is the indentation and ``key: `` or ``- ``."""
        indent = len(prefix) - len(prefix.lstrip(" ")) + 2
        emit(prefix + _quoted(value, len(prefix), indent), origin)

    def items(key: str, values: Sequence[str], indent: str, origin: tuple[int, str]) -> None:
        emit(f"{indent}{key}:", origin)
        for value in values:
            scalar(f"{indent}- ", value, origin)

    def field(key: str, column: str, indent: str = "") -> None:
        given = draft.fields.get(column)
        if given is None:
            return
        value, row = given
        origin = (row, column)
        if key == "audience":
            items(key, [a.strip() for a in value.split(",") if a.strip()], indent, origin)
        elif key in BANK_LIST_FIELDS:
            lines_ = [p.strip() for p in _LINE_BREAK.split(value) if p.strip()]
            items(key, lines_, indent, origin)
        elif key == "script_minutes":
            emit(f"{indent}{key}: {int(value)}", origin)
        else:
            scalar(f"{indent}{key}: ", value, origin)

    emit(f"# dreamq question bank, imported from {_comment(source)}")
    for comment in comments:
        emit(f"# {_comment(comment)}")
    emit("kind: bank")
    emit("format: 1")
    scalar("id: ", draft.id, (draft.row, "bank"))
    scalar("category: ", draft.category, (draft.category_row, "category"))
    scalar("title: ", draft.title, (draft.title_row, "bank_title"))
    field("description", f"bank_description:{base}")
    if with_language:
        scalar("language: ", base, (1, f"text:{base}"))
    for key in _BANK_FIELD_ORDER[2:]:
        field(key, f"bank_{key}:{base}" if key in BANK_LOCALIZED_FIELDS else f"bank_{key}")
    translated = {
        lang: [
            f"bank_{k}:{lang}" for k in BANK_LOCALIZED_FIELDS if f"bank_{k}:{lang}" in draft.fields
        ]
        for lang in bank_languages
    }
    translated = {lang: columns for lang, columns in translated.items() if columns}
    if translated:
        emit("translations:")
    for lang, columns in translated.items():
        emit(f"  {yaml_string(lang)}:", (draft.fields[columns[0]][1], columns[0]))
        for key in BANK_LOCALIZED_FIELDS:
            field(key, f"bank_{key}:{lang}", indent="    ")
    emit("questions:")
    for item in draft.questions:
        row = item["row"]
        scalar("- id: ", item["id"], (row, "id"))
        scalar("  text: ", item["text"][base], (row, f"text:{base}"))
        if item["probes"][base]:
            items("probes", item["probes"][base], "  ", (row, f"probes:{base}"))
        emit(f"  minutes: {item['minutes']}", (row, "minutes"))
        scalar("  priority: ", item["priority"], (row, "priority"))
        if item["tags"]:
            items("tags", item["tags"], "  ", (row, "tags"))
        others = [lang for lang in languages[1:] if lang in item["text"]]
        if others:
            emit("  translations:", (row, f"text:{others[0]}"))
        for lang in others:
            emit(f"    {yaml_string(lang)}:", (row, f"text:{lang}"))
            scalar("      text: ", item["text"][lang], (row, f"text:{lang}"))
            if item["probes"][lang]:
                items("probes", item["probes"][lang], "      ", (row, f"probes:{lang}"))
    return "\n".join(lines) + "\n", origins


def _comment(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", text)


def _check_loads(
    text: str, origins: Sequence[tuple[int, str] | None], name: str, out: _Collector
) -> None:
    """Load the generated bank as dreamq would; report problems at their sheet row."""
    import tempfile

    from .banks import load_bank

    with tempfile.TemporaryDirectory(prefix="dreamq-import-") as tmp:
        target = Path(tmp) / name
        target.write_text(text, encoding="utf-8")
        try:
            load_bank(target, origin="file")
        except DreamqError as error:
            for problem in error.problems:
                if problem.more:
                    continue
                origin = None
                if problem.line is not None and 0 < problem.line <= len(origins):
                    origin = origins[problem.line - 1]
                message = problem.message
                if origin is None:
                    out.add(None, None, f"{name}: {message}", problem.hint)
                else:
                    out.add(origin[0], origin[1], message, problem.hint)


# --------------------------------------------------------------------------- Markdown

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
#: ``{#id}`` at the end of a heading (as Pandoc and kramdown write heading ids).
_HEADING_ID = re.compile(r"\s*\{#([^{}\s]+)\}\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TIME_RANGE = re.compile(
    r"^\s*\(?\d{1,2}:\d{2}\s*(?:[-–—]|to)\s*\d{1,2}:\d{2}\)?\s*[:.\-–—|]?\s*|^\s*\(?\d{1,2}:\d{2}\)?\s+"
)
_ANY_TIME_RANGE = re.compile(r"[(\[]?\d{1,2}:\d{2}\s*(?:[-–—]|to)\s*\d{1,2}:\d{2}[)\]]?")
_MINUTES = re.compile(
    r"\s*[(\[]\s*(?:~\s*)?(\d{1,4})\s*(?:min|mins|minutes|m|’|'|分鐘|分钟)\.?\s*[)\]]\s*"
)
_TRAILING_MINUTES = re.compile(r"\s*[-–—,:]\s*(\d{1,4})\s*(?:min|mins|minutes)\.?\s*$")
_INTERROGATIVE = re.compile(
    r"^(what|what's|whats|why|how|when|where|who|whom|whose|which|"
    r"tell (me|us)|walk (me|us) through)\b",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_DEFAULT_MINUTES = 5


def import_markdown(path: Path, *, bank_id: str | None = None) -> Imported:
    """Banks from an existing Markdown discussion guide: ``{"<bank_id>.yaml": text}``.

    * Each heading (``#`` to ``######``) with questions directly under it
      becomes one bank: id slugified from the heading, title the heading
      (timings removed), category ``imported``.  Questions above the first
      heading go to a bank named after the file.  With ``bank_id``, every
      question goes into that one bank instead.
    * A heading that would give a bundled bank's id (``## Warm-up`` →
      ``warm_up``) would replace the bundled bank, so the bank is named after
      the file as well (``guide_warm_up`` for ``guide.md``) and a warning says
      so.  To replace the bundled bank on purpose, give the id at the end of
      the heading, ``## Warm-up {#warm_up}`` (or pass ``bank_id``): an id given
      is kept as it is, with a warning that it replaces the bundled bank.
    * A list item (``-``, ``*``, ``+``, ``1.``, ``1)``) is a question when it
      ends with ``?`` or ``？``, or starts with what/why/how/when/where/who/
      which or "tell me/us", "walk me/us through".  Items nested under a
      question become its probes, in order, at any depth.
    * Everything else stays out: paragraphs, blockquotes (scripts),
      checklists (``- [ ]``), tables, code blocks, HTML comments, front
      matter, and list items that are not questions.
    * Minutes come from ``(5 min)`` / ``[5 min]`` / ``- 5 min`` after the
      question, else 5.  A leading timing (``0:05–0:15``) is dropped.
      Priority is left at the default, ``optional``.
    * Question ids come from the first words of the question, made unique
      within the bank (``q1``, ``q2`` ... when it has no Latin letters).
    """
    from ._yamlload import decode

    path = Path(path)
    shown = display_path(path)
    if bank_id is not None and not _ID.fullmatch(bank_id):
        raise DreamqError(Problem(f'bank id "{bank_id}" is not a valid id', hint=_ID_HINT))
    text = decode(_read_bytes(path), shown)
    stem = _slug(path.stem, 64)
    sections = _markdown_sections(text, shown, stem or "imported")
    problems: list[Problem] = []
    if bank_id is not None:
        merged = [q for section in sections for q in section[3]]
        title = next((s[0] for s in sections if s[0]), bank_id)
        sections = [(title, bank_id, 1, merged, True)] if merged else []
    sections = [s for s in sections if s[3]]
    if not sections:
        raise DreamqError(
            Problem(
                "no questions found",
                shown,
                hint="questions are list items that end with ? or start with what, why, how, ...",
            )
        )
    bundled = _bundled_bank_ids()
    given: dict[str, int] = {}  # ids written in headings ({#id}): kept as they are
    for _, sid, line, _, explicit in sections:
        if not explicit:
            continue
        if not _ID.fullmatch(sid):
            problems.append(
                Problem(f'heading id "{sid}" is not a valid id', shown, line, hint=_ID_HINT)
            )
        elif sid in given:
            problems.append(
                Problem(
                    f'bank id "{sid}" is given twice (first on line {given[sid]})',
                    shown,
                    line,
                    hint="give each heading its own id",
                )
            )
        else:
            given[sid] = line
    used = set(given)
    result = Imported()
    for title, base_id, line, questions, explicit in sections:
        comments: list[str] = []
        if explicit:
            bid = base_id
            if bid in bundled:
                comments.append(_REPLACES_COMMENT.format(bid))
                result.warnings.append(_replaces_warning(bid, shown, line))
        elif base_id in bundled:
            prefix = stem if stem and stem != base_id else "imported"
            bid = _unique(f"{prefix}_{base_id}"[:64], used, avoid=bundled)
            what = f'the heading "{title}"' if title else "the questions above the first heading"
            how = f"end the heading with {{#{base_id}}}" if title else f"pass --bank-id {base_id}"
            comments.append(f'not "{base_id}", the id of a bundled bank this one would replace')
            result.warnings.append(
                str(
                    Problem(
                        f'{what} would make bank "{base_id}", which would replace the bundled '
                        f'"{base_id}" bank; named it "{bid}" instead',
                        shown,
                        line,
                        hint=f"to replace the bundled bank on purpose, {how}",
                    )
                )
            )
        else:
            bid = _unique(base_id, used, avoid=bundled)
        draft = _BankDraft(bid, line)
        draft.category = "imported"
        draft.title = title[:200] if title else bid
        ids: set[str] = set()
        for number, (qline, qtext, probes, minutes) in enumerate(questions, 1):
            qid = _unique(_question_slug(qtext) or f"q{number}", ids)
            if not 1 <= minutes <= 120:
                problems.append(
                    Problem(f"{minutes} minutes is out of range (1 to 120)", shown, qline)
                )
            draft.questions.append(
                {
                    "row": qline,
                    "id": qid,
                    "text": {"en": qtext[:4000]},
                    "probes": {"en": [p[:4000] for p in probes]},
                    "minutes": minutes,
                    "priority": "optional",
                    "tags": [],
                }
            )
        yaml_text, origins = _bank_yaml(
            draft, "en", ["en"], source=shown, comments=comments, with_language=False
        )
        collector = _Collector(shown)
        name = f"{bid}.yaml"
        _check_loads(yaml_text, origins, name, collector)
        for p in collector.problems:  # report by Markdown line, not by "row"
            problems.append(
                Problem(
                    p.message.replace(f"row {p.line}, column ", "", 1), shown, p.line, hint=p.hint
                )
            )
        result[name] = yaml_text
    if problems:
        raise DreamqError(problems[:MAX_PROBLEMS])
    return result


def _markdown_sections(text: str, shown: str, first_id: str):  # type: ignore[no-untyped-def]
    """[(title, bank id, line, [(line, question, [probes], minutes)], id given)]
    per heading; "id given" when the heading ends with ``{#id}``."""
    lines = text.splitlines()
    sections: list[tuple[str, str, int, list, bool]] = [("", first_id, 1, [], False)]  # type: ignore[type-arg]
    fence: str | None = None
    in_comment = False
    # The open question: its indentation and its fields; and the open list item
    # (question or probe) a continuation line belongs to.
    question: list | None = None  # type: ignore[type-arg]
    q_indent = 0
    skip_indent: int | None = None  # inside a checklist item or non-question: nested lines
    continuing: tuple[list, int, int] | None = None  # type: ignore[type-arg]
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                start = i + 1
                break
    for number in range(start, len(lines)):
        line = lines[number].replace("\t", "    ")
        lineno = number + 1
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        fenced = _FENCE.match(line)
        if fenced:
            fence = fenced.group(1)
            question = continuing = None
            continue
        if line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if not line.strip():
            continuing = None
            continue
        heading = _HEADING.match(line)
        if heading:
            raw_title = heading.group(2)
            given = _HEADING_ID.search(raw_title)
            if given is not None:
                raw_title = raw_title[: given.start()]
            title = _clean_title(raw_title)
            if given is not None:
                sections.append((title, given.group(1), lineno, [], True))
            else:
                sections.append((title, _slug(title, 64), lineno, [], False))
            question = continuing = None
            skip_indent = None
            continue
        stripped = line.lstrip()
        if stripped.startswith(">") or stripped.startswith("|"):
            continuing = None
            continue
        item = _ITEM.match(line)
        if not item:
            indent = len(line) - len(stripped)
            if continuing is not None and indent > continuing[2]:
                target, key, _ = continuing
                target[key] = f"{target[key]} {stripped.strip()}"
            elif indent == 0:
                question = None  # a paragraph at the margin ends the list
            continue
        indent, body = len(item.group(1)), item.group(2).strip()
        if skip_indent is not None and indent > skip_indent:
            continue
        skip_indent = None
        if _CHECKBOX.match(body):
            skip_indent = indent
            continuing = None
            continue
        if question is not None and indent > q_indent:
            probes = question[2]
            probes.append(_clean(body))
            continuing = (probes, len(probes) - 1, indent)
            continue
        question = None
        body_text, minutes = _minutes(_clean(body))
        if _is_question(body_text):
            question = [lineno, body_text, [], minutes]
            q_indent = indent
            sections[-1][3].append(question)
            continuing = (question, 1, indent)
        else:
            continuing = None
    result = []
    for title, sid, line, questions, explicit in sections:
        cleaned = []
        for qline, qtext, probes, minutes in questions:
            qtext, more = _minutes(qtext)  # "(5 min)" on a continuation line
            if more != _DEFAULT_MINUTES:
                minutes = more
            cleaned.append((qline, qtext, [p for p in probes if p], minutes))
        # a heading without Latin letters: named by its position among the headings
        result.append((title, sid or f"section_{len(result)}", line, cleaned, explicit))
    return result


def _clean(text: str) -> str:
    text = _TIME_RANGE.sub("", text, count=1)
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _clean_title(text: str) -> str:
    text = _clean(_ANY_TIME_RANGE.sub(" ", text))
    text = _MINUTES.sub(" ", text)
    text = _TRAILING_MINUTES.sub("", text)
    return re.sub(r"[\s:.\-–—|]+$", "", re.sub(r"\s+", " ", text)).strip()


def _minutes(text: str) -> tuple[str, int]:
    minutes = _DEFAULT_MINUTES
    for pattern in (_MINUTES, _TRAILING_MINUTES):
        found = list(pattern.finditer(text))
        if found:
            last = found[-1]
            minutes = int(last.group(1))
            text = (text[: last.start()] + " " + text[last.end() :]).strip()
            break
    return re.sub(r"\s+", " ", text).strip(), minutes


def _is_question(text: str) -> bool:
    return text.endswith(("?", "？")) or bool(_INTERROGATIVE.match(text))


_STOP = {"a", "an", "the", "you", "your", "do", "does", "did", "is", "are", "to", "of"}


def _slug(text: str, limit: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = "_".join(words)[:limit].strip("_")
    return slug if slug and _ID.fullmatch(slug) else ""


def _question_slug(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'", "")) if w]
    kept = [w for w in words if w not in _STOP][:5] or words[:5]
    return _slug(" ".join(kept), 40)


def _unique(base: str, used: set[str], avoid: frozenset[str] = frozenset()) -> str:
    """``base``, or ``base_2``, ``base_3`` ..., whichever is not in ``used`` or
    ``avoid``; added to ``used``."""
    candidate, n = base, 2
    while candidate in used or candidate in avoid:
        suffix = f"_{n}"
        candidate = base[: 64 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate
