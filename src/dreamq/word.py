"""Word (.docx) moderator guides and companion sheets, built with python-docx.

A Word guide is the document a researcher keeps editing after dreamq wrote it,
so everything in it is set with Word styles rather than direct formatting:
``Title``, ``Heading 1`` and ``Heading 2`` give the navigation pane its outline,
questions are ``List Number`` paragraphs whose automatic numbers are the
question numbers of the guide data, probes are ``List Bullet 2``.  Two styles of
dreamq's own are added when the document lacks them: ``Guide Details`` (a
character style for the small grey ``bank/question`` references) and
``Guide Field`` (the labels above the spaces left for writing).

``reference`` works like pandoc's reference document: dreamq opens the given
``.docx``, throws away its content (keeping its styles, list definitions and
theme) and builds the guide in it, so a team restyles its guides once, in
Word.  Paper, margins, page header and footer are always dreamq's.

python-docx is an optional dependency: it is imported inside the functions
that need it, never when this module is imported (``dreamq --help`` stays
cheap).
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DreamqError, Problem, display_path

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

#: Page sizes in EMU (36,000 per millimetre, 914,400 per inch).
PAPERS: dict[str, tuple[int, int]] = {
    "a4": (210 * 36_000, 297 * 36_000),
    "letter": (7_772_400, 10_058_400),  # 8.5 x 11 in
}
_MARGIN = 20 * 36_000  # 2 cm on every side
_HEADER_DISTANCE = 10 * 36_000  # header and footer 1 cm from the page edge

#: Limits for a reference document, checked before python-docx opens it.
_MAX_REFERENCE_BYTES = 16 * 2**20
_MAX_REFERENCE_UNPACKED = 64 * 2**20

#: Paragraph styles each document needs from a reference document.
_GUIDE_STYLES = ("Title", "Heading 1", "Heading 2", "List Number", "List Bullet 2")
_SHEET_STYLES = ("Title", "Heading 1", "Heading 2")

#: dreamq's own styles, added when a document does not define them.
_DETAILS = "Guide Details"
_FIELD = "Guide Field"

#: Table styles, best first; a document without any gets unstyled tables.
_TABLE_STYLES = ("Light Grid Accent 1", "Table Grid")

#: East Asian font and Word language for the guide languages that need them.
_EAST_ASIAN = {
    "zh-Hant": ("Microsoft JhengHei", "zh-TW"),
    "zh-Hans": ("Microsoft YaHei", "zh-CN"),
}

#: Characters XML 1.0 cannot hold (python-docx would fail on them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_EXPORT_HINT = (
    "start from the reference document `dreamq templates export` writes and restyle it in Word"
)


def guide_docx(
    guide: Mapping[str, Any],
    labels: Mapping[str, str],
    *,
    paper: str = "a4",
    reference: Path | None = None,
) -> bytes:
    """The moderator guide as a Word document.

    ``guide`` is the data from :func:`dreamq.render.guide_data`, ``labels`` the
    guide's fixed words (:func:`dreamq.render.load_labels`).  ``paper`` is
    ``"a4"`` or ``"letter"``; ``reference`` a ``.docx`` whose styles to use.
    Raises :class:`DreamqError` when python-docx is missing or the reference
    document cannot be used.
    """
    out = _Writer.start(
        guide,
        labels,
        paper=paper,
        reference=reference,
        needs=_GUIDE_STYLES,
        title=guide["title"],
        subject=f"{labels['guide']} · {guide['domain']['title']}",
    )
    _front_matter(out, guide, labels)
    for section in guide["sections"]:
        _guide_section(out, section, labels)
    out.details(out.paragraph(), f"{labels['end']} · dreamq {guide['version']}")
    return out.save()


def sheet_docx(
    guide: Mapping[str, Any],
    sheet: Mapping[str, Any],
    labels: Mapping[str, str],
    *,
    paper: str = "a4",
    reference: Path | None = None,
) -> bytes:
    """A companion sheet (``sheet`` from :func:`dreamq.sheets.sheet_data`) as a
    Word document: the guide's sections and questions, each question with its
    ``bank/question`` reference and the sheet's fields to write in."""
    out = _Writer.start(
        guide,
        labels,
        paper=paper,
        reference=reference,
        needs=_SHEET_STYLES,
        title=f"{sheet['title']} · {guide['title']}",
        subject=sheet["title"],
    )
    out.paragraph(sheet["title"], "Title")
    about = f"{guide['title']} · {guide['domain']['title']} · {guide['date']}"
    out.paragraph(_after_label(labels["sheet_for"], about), out.first("Subtitle"))
    for field in sheet["fields"]:
        out.field(field["label"], _SESSION_BOX_CM)
    for section in guide["sections"]:
        out.paragraph(f"{section['clock']} · {section['title']}", "Heading 1")
        for q in section["questions"]:
            out.paragraph(f"{q['number']}. {q['text']}", "Heading 2")
            out.details(out.paragraph(), q["ref"])
            for field in sheet["question_fields"]:
                out.field(field["label"], _QUESTION_BOX_CM)
    if sheet["closing_fields"]:
        out.paragraph(labels["sheet_closing"], "Heading 1")
    for field in sheet["closing_fields"]:
        out.field(field["label"], _SESSION_BOX_CM)
    out.details(
        out.paragraph(), f"{labels['generated_by']}{labels['colon']}dreamq {guide['version']}"
    )
    return out.save()


def _goals_served(guide: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """Each goal, with the numbers of the questions serving it when the
    study maps questions to goals."""
    coverage = guide.get("coverage") or {}
    if not coverage.get("mapped"):
        return list(guide["goals"])
    out = []
    for goal, row in zip(guide["goals"], coverage["goals"], strict=False):
        numbers = ", ".join(str(n) for n in row["numbers"])
        served = (
            labels["served_by"].replace("{numbers}", numbers) if numbers else labels["not_served"]
        )
        out.append(f"{goal} ({served})")
    return out


#: Heights of the boxes left for writing on sheets.
_SESSION_BOX_CM = 3.0
_QUESTION_BOX_CM = 2.0


# --- the guide ---------------------------------------------------------------


def _front_matter(out: _Writer, guide: Mapping[str, Any], labels: Mapping[str, str]) -> None:
    """Title, facts, banks, goals, timing and planning notes: all before the sections."""
    out.paragraph(guide["title"], "Title")
    out.paragraph(
        f"{labels['guide']} · {guide['domain']['title']} · "
        f"{guide['minutes']} {labels['minutes_long']}",
        out.first("Subtitle"),
    )

    def source(item: Mapping[str, Any]) -> str:
        return f"{labels['origin_' + item['origin']]}{labels['colon']}{item['path']}"

    study, domain = guide["study"], guide["domain"]
    facts = [
        (labels["study"], f"{guide['title']} · {study['id']} · {source(study)}"),
        (labels["domain"], f"{domain['title']} · {domain['id']} · {source(domain)}"),
        *([(labels["session"], str(guide["session"]))] if guide.get("session") else []),
        (labels["length"], f"{guide['minutes']} {labels['minutes_long']}"),
        (labels["language"], guide["language"]),
        (labels["date"], guide["date"]),
        (labels["seed"], str(guide["seed"])),
        (labels["generated_by"], f"dreamq {guide['version']}"),
    ]
    out.table(facts, widths=(0.25, 0.75), header=False)

    out.paragraph(labels["banks_used"], _FIELD)
    for bank in guide["banks"]:
        line = f"{bank['id']} · {bank['title']} · {source(bank)}"
        if bank["replaces"]:
            line += labels["overrides"].replace("{what}", source(bank["replaces"]))
        out.paragraph(line, out.first("List Bullet"))
    if guide["description"]:
        out.paragraph(guide["description"])

    if guide["goals"]:
        out.paragraph(labels["goals"], "Heading 1")
        out.numbered(_goals_served(guide, labels), restart=True)

    out.paragraph(labels["timing"], "Heading 1")
    minutes = labels["minutes_long"]
    head = (
        labels["clock"],
        labels["section"],
        minutes[:1].upper() + minutes[1:],
        labels["questions"],
    )
    rows = [head] + [
        (row["clock"], row["title"], str(row["minutes"]), str(row["questions"]))
        for row in guide["timing"]
    ]
    out.table(rows, widths=(0.2, 0.5, 0.15, 0.15), header=True, right=(2, 3))

    if guide["warnings"]:
        out.paragraph(labels["planning_notes"], "Heading 1")
        out.items(guide["warnings"], out.first("List Bullet"))


def _guide_section(out: _Writer, section: Mapping[str, Any], labels: Mapping[str, str]) -> None:
    """One section: its heading, the moderator's cues, the script and the questions."""
    minutes = labels["minutes_paren"].replace("{n}", str(section["minutes"]))
    out.paragraph(f"{section['clock']} · {section['title']}{minutes}", "Heading 1")
    bullet = out.first("List Bullet")
    if section["stance"]:
        out.paragraph(labels["stance"], "Heading 2")
        out.items(section["stance"], bullet)
    if section["notes"] or section["moderator_notes"]:
        out.paragraph(labels["moderator_notes"], "Heading 2")
        out.items([*section["notes"], *section["moderator_notes"]], bullet)
    if section["script"]:
        out.paragraph(labels["script"], "Heading 2")
        quote = out.first("Quote")
        for text in section["script"]:
            out.paragraph(text, quote, italic=quote is None)
    if section["questions"]:
        out.paragraph(labels["questions_heading"], "Heading 2")
    written = out.first("List Continue")
    for q in section["questions"]:
        details = f"{q['ref']} · {q['minutes']} {labels['minutes']}"
        if q["priority"] == "optional":
            details += f" · {labels['optional']}"
        paragraph = out.numbered([q["text"]], first=q["number"])[0]
        paragraph.add_run().add_break()
        out.details(paragraph, details)
        out.items(q["probes"], "List Bullet 2")
        out.paragraph(labels["notes_prompt"], written)
        out.items(["", ""], written)


# --- the document ------------------------------------------------------------


class _Writer:
    """A python-docx document being filled in order, top to bottom.

    Every text goes through :func:`_clean`; every paragraph gets a style by
    name (``None`` is the document's default paragraph style).
    """

    def __init__(self, doc: Document, stamp: _dt.datetime, *, upright: bool) -> None:
        self.doc = doc
        self.stamp = stamp
        #: Never set text in italic (Chinese).
        self.upright = upright
        # Style name → style id.  python-docx looks a style up by name anew for
        # every paragraph, which made that most of the time a long guide took.
        self._ids = {style.name: style.style_id for style in doc.styles}
        #: How ``List Number`` numbers its paragraphs: ``(numId, level)``.
        self._numbering = (
            _style_numbering(doc, "List Number") if "List Number" in self._ids else None
        )

    @classmethod
    def start(
        cls,
        guide: Mapping[str, Any],
        labels: Mapping[str, str],
        *,
        paper: str,
        reference: Path | None,
        needs: Sequence[str],
        title: str,
        subject: str,
    ) -> _Writer:
        """An empty document, set up: styles, fonts, paper, page header and
        footer, document properties."""
        if paper not in PAPERS:
            raise DreamqError(
                Problem(f'unknown paper size "{paper}"', hint=f"use one of: {', '.join(PAPERS)}")
            )
        doc = _open(reference)
        _prepare_styles(doc, needs, display_path(reference) if reference else None)
        _east_asian_fonts(doc, guide["language"], own_template=reference is None)
        _page_setup(doc, paper)
        _page_furniture(
            doc,
            f"{guide['title']} · {guide['domain']['title']} · {guide['date']}",
            labels.get("page_of_pages", "{page}"),
        )
        day = _dt.date.fromisoformat(guide["date"])
        stamp = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc)
        _properties(doc, title, subject, guide, stamp)
        return cls(doc, stamp, upright=guide["language"] in _EAST_ASIAN)

    def first(self, *styles: str) -> str | None:
        """The first of ``styles`` the document has, else ``None`` (Normal)."""
        return next((name for name in styles if name in self._ids), None)

    def paragraph(
        self, text: str = "", style: str | None = None, *, italic: bool = False
    ) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        if style is not None:
            paragraph._p.style = self._ids[style]
        if text:
            run = paragraph.add_run(_clean(text))
            if italic and not self.upright:
                run.italic = True
        return paragraph

    def items(self, texts: Iterable[str], style: str | None) -> None:
        for text in texts:
            self.paragraph(text, style)

    def details(self, paragraph: Paragraph, text: str) -> None:
        """Small grey text (``Guide Details``) at the end of ``paragraph``."""
        paragraph.add_run(_clean(text))._r.style = self._ids[_DETAILS]

    def numbered(
        self, texts: Sequence[str], *, first: int = 1, restart: bool = False
    ) -> list[Paragraph]:
        """``List Number`` paragraphs.

        Word numbers them itself, continuing through the document, so the
        questions show their guide numbers without the numbers being written.
        With ``restart`` they get a list of their own that counts from 1 (the
        research goals, which must not push the question numbers on).  Where
        the style numbers nothing, or such a list cannot be made, the numbers
        are written as text.
        """
        style: str | None = "List Number"
        numbering = self._numbering
        own_list = None
        if restart and numbering is not None:
            own_list = _independent_list(self.doc, numbering[0])
            if own_list is None:
                style, numbering = None, None
        paragraphs = []
        for n, text in enumerate(texts, start=first):
            paragraph = self.paragraph(text if numbering else f"{n}. {text}", style)
            if own_list is not None and numbering is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = numbering[1]
                num_pr.get_or_add_numId().val = own_list
            paragraphs.append(paragraph)
        return paragraphs

    def field(self, label: str, height_cm: float) -> None:
        """A field on a sheet: its label, then a box (or blank lines) to write in."""
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.shared import Cm

        self.paragraph(label, _FIELD)
        if "Table Grid" not in self._ids:
            self.items(["", "", ""], None)
            return
        box = self.table([("",)], widths=(1.0,), header=False, style="Table Grid")
        row = box.rows[0]
        row.height = Cm(height_cm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _row_flag(row, "w:cantSplit")

    def table(
        self,
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        header: bool,
        right: Sequence[int] = (),
        style: str | None = None,
    ) -> Table:
        """A table filling the text width; ``widths`` are fractions of it.
        With ``header`` the first row is a header row, repeated on each page;
        otherwise the first column is the emphasized one. ``right`` columns
        are aligned right (numbers)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Emu

        section = self.doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        table = self.doc.add_table(rows=len(rows), cols=len(widths))
        table.style = style or self.first(*_TABLE_STYLES)
        _table_look(table, first_row=header, first_column=not header and len(widths) > 1)
        for i, fraction in enumerate(widths):
            table.columns[i].width = Emu(int(width * fraction))
        for row, texts in zip(table.rows, rows, strict=True):
            for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
                cell.width = Emu(int(width * widths[i]))
                paragraph = cell.paragraphs[0]
                if text:
                    paragraph.add_run(_clean(text))
                if i in right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            _row_flag(table.rows[0], "w:tblHeader")
        return table

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _stable_zip(buffer.getvalue(), self.stamp)


# --- setting the document up -------------------------------------------------


def _import_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise DreamqError(
            Problem(
                "Word output needs python-docx, which is not installed",
                hint="pip install 'dreamq[docx]'",
            )
        ) from None
    return docx


def _open(reference: Path | None) -> Document:
    """python-docx's own blank document, or the reference document emptied of
    its content (only the section properties that close its body stay)."""
    docx = _import_docx()
    if reference is None:
        return docx.Document()
    shown = display_path(reference)
    _check_reference_file(reference, shown)
    try:
        doc = docx.Document(str(reference))
    except Exception as exc:  # python-docx, lxml and zipfile raise many kinds of error
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise DreamqError(
            Problem(f"not a Word document python-docx can read: {reason}", shown, hint=_EXPORT_HINT)
        ) from None
    from docx.oxml.ns import qn

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    body.get_or_add_sectPr()
    return doc


def _check_reference_file(path: Path, shown: str) -> None:
    """Refuse a reference document too big to be a style sheet, before python-docx
    unpacks it: over 16 MiB, not a zip, or unpacking to over 64 MiB."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DreamqError(
            Problem(f"cannot read the reference document: {exc.strerror or exc}", shown)
        ) from None
    if size > _MAX_REFERENCE_BYTES:
        raise DreamqError(
            Problem(
                f"reference document is {size / 2**20:.1f} MiB; dreamq reads at most 16 MiB",
                shown,
                hint="a reference document needs only styles: delete its content and images",
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise DreamqError(
            Problem("not a Word document (.docx): it is not a zip file", shown, hint=_EXPORT_HINT)
        ) from None
    if unpacked > _MAX_REFERENCE_UNPACKED:
        raise DreamqError(
            Problem(
                f"reference document unpacks to {unpacked / 2**20:.1f} MiB; "
                "dreamq reads at most 64 MiB",
                shown,
                hint="a reference document needs only styles: delete its content and images",
            )
        )


def _prepare_styles(doc: Document, needs: Sequence[str], shown: str | None) -> None:
    """Check that the document has the paragraph styles the output needs, and add
    dreamq's own styles where it has none of that name."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    problems = [
        Problem(f'has no paragraph style "{name}", which dreamq needs', shown, hint=_EXPORT_HINT)
        for name in needs
        if name not in styles or styles[name].type != WD_STYLE_TYPE.PARAGRAPH
    ]
    own = ((_DETAILS, WD_STYLE_TYPE.CHARACTER), (_FIELD, WD_STYLE_TYPE.PARAGRAPH))
    problems += [
        Problem(f'style "{name}" must be a {kind.name.lower()} style for dreamq', shown)
        for name, kind in own
        if name in styles and styles[name].type != kind
    ]
    if problems:
        raise DreamqError(problems)

    if _DETAILS not in styles:
        details = styles.add_style(_DETAILS, WD_STYLE_TYPE.CHARACTER)
        details.font.size = Pt(9)
        details.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    if _FIELD not in styles:
        field = styles.add_style(_FIELD, WD_STYLE_TYPE.PARAGRAPH)
        field.base_style = styles.default(WD_STYLE_TYPE.PARAGRAPH)
        field.next_paragraph_style = field.base_style
        field.quick_style = True
        field.font.bold = True
        field.paragraph_format.keep_with_next = True
        field.paragraph_format.space_before = Pt(10)
        field.paragraph_format.space_after = Pt(3)


def _east_asian_fonts(doc: Document, language: str, *, own_template: bool) -> None:
    """For a Chinese guide: the East Asian font on the default paragraph style,
    on the title and heading styles and on every style that takes it from the
    theme, and the East Asian language on the default paragraph style.  In
    python-docx's own template (``own_template``) the italic styles are set
    upright: slanted Chinese is a computer's fake, not a typeface."""
    if language not in _EAST_ASIAN:
        return
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    font, word_language = _EAST_ASIAN[language]
    normal = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    named = {"Title", "Subtitle", *(f"Heading {n}" for n in range(1, 10))}
    for style in doc.styles:
        element = style.element
        fonts = element.rPr.rFonts if element.rPr is not None else None
        themed = fonts is not None and fonts.get(qn("w:eastAsiaTheme")) is not None
        if style.name not in named and not themed and style != normal:
            continue
        fonts = element.get_or_add_rPr().get_or_add_rFonts()
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), font)
        if style == normal:
            # Punctuation both scripts share (“ ” · …) in the Chinese font too.
            fonts.set(qn("w:hint"), "eastAsia")
            lang = element.rPr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                element.rPr.insert_element_before(
                    lang, "w:eastAsianLayout", "w:specVanish", "w:oMath"
                )
            lang.set(qn("w:eastAsia"), word_language)
    if own_template:
        for name in ("Subtitle", "Quote", "Intense Quote"):
            if name in doc.styles:
                doc.styles[name].font.italic = None


def _page_setup(doc: Document, paper: str) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Emu

    width, height = PAPERS[paper]
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Emu(width), Emu(height)
        section.top_margin = section.bottom_margin = Emu(_MARGIN)
        section.left_margin = section.right_margin = Emu(_MARGIN)
        section.gutter = Emu(0)
        section.header_distance = section.footer_distance = Emu(_HEADER_DISTANCE)


def _page_furniture(doc: Document, header_text: str, page_label: str) -> None:
    """The page header (study · domain · date) and the page number in the footer,
    the same on every page.  A reference document's own headers and footers
    are replaced (they would name another guide); its Header and Footer
    styles give them their look."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.settings.odd_and_even_pages_header_footer = False
    if "{page}" not in page_label:
        page_label = "{page}"
    for section in doc.sections:
        section.different_first_page_header_footer = False
        header = _emptied(section.header)
        header.add_paragraph(_clean(header_text), style=_style_or_none(doc, "Header"))
        footer = _emptied(section.footer)
        paragraph = footer.add_paragraph(style=_style_or_none(doc, "Footer"))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in re.split(r"(\{pages?\})", page_label):
            if piece == "{page}":
                _field(paragraph, "PAGE")
            elif piece == "{pages}":
                _field(paragraph, "NUMPAGES")
            elif piece:
                paragraph.add_run(_clean(piece))


def _emptied(part: Any) -> Any:
    """A header or footer of the section's own, without any content."""
    part.is_linked_to_previous = False
    element = part._element
    for child in list(element):
        element.remove(child)
    return part


def _style_or_none(doc: Document, name: str) -> str | None:
    return name if name in doc.styles else None


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) Word fills in when it lays out the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(
    doc: Document, title: str, subject: str, guide: Mapping[str, Any], stamp: _dt.datetime
) -> None:
    """Document properties that depend only on the guide (nothing from the
    machine, the clock or a reference document's author)."""
    props = doc.core_properties
    props.title = _clean(title)
    props.subject = _clean(subject)
    props.author = props.last_modified_by = "dreamq"
    props.comments = f"dreamq {guide['version']}"
    props.keywords = props.category = props.content_status = ""
    props.identifier = props.version = ""
    props.language = guide["language"]
    props.revision = 1
    props.created = props.modified = stamp
    props._element._remove_lastPrinted()
    _drop_thumbnail(doc)


def _drop_thumbnail(doc: Document) -> None:
    """The package's preview picture shows the template's page, not ours."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


# --- lists and tables --------------------------------------------------------


def _style_numbering(doc: Document, style: str) -> tuple[int, int] | None:
    """``(numId, level)`` of the list a paragraph style numbers with, if any."""
    p_pr = doc.styles[style].element.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is None or num_pr.numId is None or not num_pr.numId.val:
        return None
    return num_pr.numId.val, num_pr.ilvl.val if num_pr.ilvl is not None else 0


def _independent_list(doc: Document, num_id: int) -> int | None:
    """A new list (``numId``) that looks like list ``num_id`` but counts on its own.

    The list definition is copied: in Word, lists that share a definition
    continue each other's numbers.  ``None`` when the definition cannot be
    copied (it only points to a numbering style).
    """
    from docx.oxml.ns import qn

    numbering = doc.part.numbering_part.element
    try:
        abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    except KeyError:
        return None
    abstracts = numbering.findall(qn("w:abstractNum"))
    source = next((a for a in abstracts if a.get(qn("w:abstractNumId")) == str(abstract_id)), None)
    if source is None or source.find(qn("w:lvl")) is None:
        return None
    clone = copy.deepcopy(source)
    new_id = max(int(a.get(qn("w:abstractNumId"))) for a in abstracts) + 1
    clone.set(qn("w:abstractNumId"), str(new_id))
    for tag in ("w:nsid", "w:styleLink", "w:numStyleLink"):
        for child in clone.findall(qn(tag)):
            clone.remove(child)
    abstracts[-1].addnext(clone)
    return numbering.add_num(new_id).numId


def _table_look(table: Table, *, first_row: bool, first_column: bool) -> None:
    """Which parts of the table style apply: header row, first column, row bands."""
    from docx.oxml.ns import qn

    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        return
    flags = {"firstRow": first_row, "lastRow": False, "firstColumn": first_column}
    flags |= {"lastColumn": False, "noHBand": False, "noVBand": True}
    bits = {"firstRow": 0x20, "lastRow": 0x40, "firstColumn": 0x80, "lastColumn": 0x100}
    bits |= {"noHBand": 0x200, "noVBand": 0x400}
    for name, on in flags.items():
        look.set(qn(f"w:{name}"), "1" if on else "0")
    look.set(qn("w:val"), f"{sum(bits[n] for n, on in flags.items() if on):04X}")


def _row_flag(row: Any, tag: str) -> None:
    """Turn on a row property such as ``w:tblHeader`` or ``w:cantSplit``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.append(OxmlElement(tag))


# --- text and bytes ----------------------------------------------------------


def _clean(text: str) -> str:
    """Text XML can hold: control characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _after_label(label: str, text: str) -> str:
    """``label`` then ``text``, with a space unless the label ends in a
    full-width character (``對應手冊：``)."""
    wide = bool(label) and unicodedata.east_asian_width(label[-1]) in ("F", "W")
    return f"{label}{'' if wide else ' '}{text}"


def _stable_zip(data: bytes, stamp: _dt.datetime) -> bytes:
    """The same package with every member dated ``stamp``: python-docx dates
    them with the current time, so the same guide would give other bytes."""
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 3
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info))
    return out.getvalue()
