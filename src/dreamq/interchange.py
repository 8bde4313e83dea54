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

Bank-level fields the sheet has no column for (description, audience, source,
notes, stance, script, script_minutes, translated titles) are not exported and
not imported.

Import returns YAML *text* (``{"<bank_id>.yaml": text}``) that dreamq's own
loader accepts: every string is written double-quoted and escaped, so words
such as ``no`` or ``2024-05-01`` stay text.  Each generated bank is loaded
back through :func:`dreamq.banks.load_bank` before it is returned; a problem
found there is reported against the spreadsheet row it came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DreamqError, Problem, did_you_mean, display_path

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
    language any bank uses, the banks' own languages first."""
    banks = list(banks)
    languages = _export_languages(banks)
    rows: list[dict[str, str]] = []
    for bank in banks:
        title = bank.title.get(bank.language) or next(iter(bank.title.values()), "")
        for q in bank.questions:
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
            rows.append(row)
    return rows


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
            if name == "minutes":
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


def import_table(path: Path) -> dict[str, str]:
    """Bank files from a ``.csv`` or ``.xlsx`` sheet laid out as :func:`export_rows`
    writes it: ``{"<bank_id>.yaml": YAML text}``.  Raises :class:`DreamqError`
    naming the row and column of every problem."""
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
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
    known = [*FIXED_COLUMNS, "text:<language>", "probes:<language>"]
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
        if colon and prefix in ("text", "probes"):
            if not _LANG.fullmatch(lang) or len(lang) > 35:
                out.add(1, name, f'"{lang}" is not a language tag (for example en, zh-Hant)')
                continue
            if prefix == "text" and lang not in languages:
                languages.append(lang)
        elif name not in FIXED_COLUMNS:
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
    for name in index:
        if name.startswith("probes:") and f"text:{name[7:]}" not in index:
            out.add(1, name, f'probes without a "text:{name[7:]}" column')
    return index, languages


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


def _banks_from_records(records: list[tuple[int, list[str]]], shown: str) -> dict[str, str]:
    out = _Collector(shown)
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise DreamqError(Problem("the sheet is empty", shown, hint=_columns_hint()))
    _, header_cells = records[0]
    index, languages = _header(header_cells, out)
    out.raise_if_any()
    base = languages[0]
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
    result: dict[str, str] = {}
    for draft in banks.values():
        text, origins = _bank_yaml(draft, base, languages, source=shown)
        _check_loads(text, origins, f"{draft.id}.yaml", out)
        result[f"{draft.id}.yaml"] = text
    out.raise_if_any()
    return result


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


def _bank_yaml(
    draft: _BankDraft, base: str, languages: list[str], source: str
) -> tuple[str, list[tuple[int, str] | None]]:
    """The bank file's text, and for each of its lines the (row, column) it came from."""
    lines: list[str] = []
    origins: list[tuple[int, str] | None] = []

    def emit(line: str, origin: tuple[int, str] | None = None) -> None:
        lines.append(line)
        origins.append(origin)

    q = yaml_string
    emit(f"# dreamq question bank, imported from {_comment(source)}")
    emit("kind: bank")
    emit("format: 1")
    emit(f"id: {q(draft.id)}", (draft.row, "bank"))
    emit(f"category: {q(draft.category)}", (draft.category_row, "category"))
    emit(f"title: {q(draft.title)}", (draft.title_row, "bank_title"))
    emit(f"language: {q(base)}", (1, f"text:{base}"))
    emit("questions:")
    for item in draft.questions:
        row = item["row"]
        emit(f"  - id: {q(item['id'])}", (row, "id"))
        emit(f"    text: {q(item['text'][base])}", (row, f"text:{base}"))
        if item["probes"][base]:
            emit("    probes:", (row, f"probes:{base}"))
            for probe in item["probes"][base]:
                emit(f"      - {q(probe)}", (row, f"probes:{base}"))
        emit(f"    minutes: {item['minutes']}", (row, "minutes"))
        emit(f"    priority: {q(item['priority'])}", (row, "priority"))
        if item["tags"]:
            emit(f"    tags: [{', '.join(q(t) for t in item['tags'])}]", (row, "tags"))
        others = [lang for lang in languages[1:] if lang in item["text"]]
        if others:
            emit("    translations:", (row, f"text:{others[0]}"))
        for lang in others:
            emit(f"      {q(lang)}:", (row, f"text:{lang}"))
            emit(f"        text: {q(item['text'][lang])}", (row, f"text:{lang}"))
            if item["probes"][lang]:
                emit("        probes:", (row, f"probes:{lang}"))
                for probe in item["probes"][lang]:
                    emit(f"          - {q(probe)}", (row, f"probes:{lang}"))
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


def import_markdown(path: Path, *, bank_id: str | None = None) -> dict[str, str]:
    """Banks from an existing Markdown discussion guide: ``{"<bank_id>.yaml": text}``.

    * Each heading (``#`` to ``######``) with questions directly under it
      becomes one bank: id slugified from the heading, title the heading
      (timings removed), category ``imported``.  Questions above the first
      heading go to a bank named after the file.  With ``bank_id``, every
      question goes into that one bank instead.
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
    sections = _markdown_sections(text, shown, _slug(path.stem, 64) or "imported")
    problems: list[Problem] = []
    if bank_id is not None:
        merged = [q for _, _, _, questions in sections for q in questions]
        title = next((t for t, _, _, _ in sections if t), bank_id)
        sections = [(title, bank_id, 1, merged)] if merged else []
    sections = [s for s in sections if s[3]]
    if not sections:
        raise DreamqError(
            Problem(
                "no questions found",
                shown,
                hint="questions are list items that end with ? or start with what, why, how, ...",
            )
        )
    used: set[str] = set()
    result: dict[str, str] = {}
    for title, base_id, line, questions in sections:
        bid = _unique(base_id, used)
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
        yaml_text, origins = _bank_yaml(draft, "en", ["en"], source=shown)
        yaml_text = yaml_text.replace(f"language: {yaml_string('en')}\n", "", 1)
        del origins[6]  # the language line removed above
        collector = _Collector(shown)
        _check_loads(yaml_text, origins, f"{bid}.yaml", collector)
        for p in collector.problems:  # report by Markdown line, not by "row"
            problems.append(
                Problem(
                    p.message.replace(f"row {p.line}, column ", "", 1), shown, p.line, hint=p.hint
                )
            )
        result[f"{bid}.yaml"] = yaml_text
    if problems:
        raise DreamqError(problems[:MAX_PROBLEMS])
    return result


def _markdown_sections(text: str, shown: str, first_id: str):  # type: ignore[no-untyped-def]
    """[(title, bank id, line, [(line, question, [probes], minutes)])] per heading."""
    lines = text.splitlines()
    sections: list[tuple[str, str, int, list]] = [("", first_id, 1, [])]  # type: ignore[type-arg]
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
            title = _clean_title(heading.group(2))
            sections.append((title, _slug(title, 64), lineno, []))
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
    for title, sid, line, questions in sections:
        cleaned = []
        for qline, qtext, probes, minutes in questions:
            qtext, more = _minutes(qtext)  # "(5 min)" on a continuation line
            if more != _DEFAULT_MINUTES:
                minutes = more
            cleaned.append((qline, qtext, [p for p in probes if p], minutes))
        # a heading without Latin letters: named by its position among the headings
        result.append((title, sid or f"section_{len(result)}", line, cleaned))
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


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        suffix = f"_{n}"
        candidate = base[: 64 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate
