"""Guide data into the files a team uses: Markdown, HTML, PDF, Word and JSON,
for the guide and for its companion sheets (observer, debrief).

Markdown and HTML come from Jinja templates (:mod:`dreamq.render`); PDF is
the HTML printed by WeasyPrint (:mod:`dreamq.pdf`); Word is built from the
data with python-docx (:mod:`dreamq.word`), on the styles of a reference
document; JSON is the data itself, described by ``dreamq schema guide``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import DreamqError, Problem, display_path

#: Output formats, in the order the CLI lists them.
FORMATS = ("md", "html", "pdf", "docx", "json")
#: File suffix → format, for ``-o guide.pdf`` without ``--format``.
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".json": "json",
}
#: Formats that are bytes, not text.
BINARY_FORMATS = frozenset({"pdf", "docx"})
#: Paper sizes for HTML, PDF and Word.
PAPERS = ("a4", "letter")
#: The Word document whose styles a guide is built on (in a template directory).
REFERENCE_DOCX = "reference.docx"
#: Version of the JSON output (the ``format`` key).
JSON_FORMAT = 1


def format_for(output: str | Path | None, fmt: str | None = None) -> str:
    """The output format: ``fmt`` when given, else from the suffix of
    ``output``, else Markdown."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise DreamqError(
                Problem(f'unknown format "{fmt}"', hint=f"use one of {', '.join(FORMATS)}")
            )
        return fmt
    if output is None:
        return "md"
    return SUFFIXES.get(Path(output).suffix.lower(), "md")


def sheet_path(output: str | Path, sheet: str) -> Path:
    """Where a companion sheet goes beside the guide: ``guide.md`` →
    ``guide.observer.md``."""
    output = Path(output)
    if output.suffix:
        return output.with_name(f"{output.stem}.{sheet}{output.suffix}")
    return output.with_name(f"{output.name}.{sheet}")


def check_options(fmt: str, paper: str, sheets: Sequence[str] = ()) -> None:
    """Refuse an unknown format, paper size or sheet before any work is done."""
    from .sheets import SHEETS

    format_for(None, fmt)
    if paper not in PAPERS:
        raise DreamqError(Problem(f'unknown paper "{paper}"', hint=f"use {' or '.join(PAPERS)}"))
    for sheet in sheets:
        if sheet not in SHEETS:
            raise DreamqError(Problem(f'unknown sheet "{sheet}"', hint=f"use {', '.join(SHEETS)}"))


def render_document(
    data: Mapping[str, Any],
    *,
    fmt: str = "md",
    sheet: str | None = None,
    template_dir: str | Path | None = None,
    paper: str = "a4",
) -> str | bytes:
    """Render guide data (from :func:`dreamq.render.guide_data`) in ``fmt``:
    text for md, html and json, bytes for pdf and docx.  ``sheet`` renders
    that companion sheet instead of the guide."""
    from .render import load_labels, render_guide
    from .sheets import sheet_data

    check_options(fmt, paper, () if sheet is None else (sheet,))
    tdir = Path(template_dir) if template_dir is not None else None
    if tdir is not None and not tdir.is_dir():
        raise DreamqError(Problem("template directory not found", display_path(tdir)))
    if fmt in ("md", "html"):
        return render_guide(data, fmt=fmt, template_dir=tdir, paper=paper, sheet=sheet)
    if fmt == "pdf":
        from .pdf import html_to_pdf
        from .render import SHEET_TEMPLATES, TEMPLATES

        html = render_guide(data, fmt="html", template_dir=tdir, paper=paper, sheet=sheet)
        name = (SHEET_TEMPLATES if sheet else TEMPLATES)["html"]
        source = display_path(tdir / name) if tdir is not None and (tdir / name).exists() else name
        return html_to_pdf(html, language=str(data["language"]), source=source)
    labels = load_labels(str(data["language"]), tdir)
    the_sheet = sheet_data(sheet, labels) if sheet is not None else None
    if fmt == "json":
        return guide_json(data, the_sheet)
    from . import word

    reference = _reference_docx(tdir)
    try:
        if the_sheet is None:
            return word.guide_docx(data, labels, paper=paper, reference=reference)
        return word.sheet_docx(data, the_sheet, labels, paper=paper, reference=reference)
    except DreamqError:
        raise
    except Exception as exc:
        if tdir is None:
            raise  # the bundled reference failing is a bug in dreamq
        # python-docx trips over many things a hand-made reference can hold
        # (no numbering part, a table style of the wrong type, ...).
        raise DreamqError(
            Problem(
                f"python-docx cannot build on this reference document: {type(exc).__name__}: {exc}",
                display_path(reference),
                hint="start again from `dreamq templates export DIR` and change only styles",
            )
        ) from None


def guide_json(data: Mapping[str, Any], sheet: Mapping[str, Any] | None = None) -> str:
    """The guide (or a sheet) as JSON text, valid against ``guide_schema()``."""
    document: dict[str, Any] = {
        "format": JSON_FORMAT,
        "document": sheet["kind"] if sheet is not None else "guide",
    }
    document.update(data)
    if sheet is not None:
        document["sheet"] = dict(sheet)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def guide_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON output (``dreamq schema guide``)."""
    text = (Path(__file__).parent / "guide.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _reference_docx(template_dir: Path | None) -> Path:
    """The reference.docx in the user's template directory, else the bundled
    one (links out of the directory are refused, as for every template file)."""
    from .catalog import bundled_templates

    path = template_dir / REFERENCE_DOCX if template_dir is not None else None
    if path is None or not (path.exists() or path.is_symlink()):
        return bundled_templates() / REFERENCE_DOCX
    assert template_dir is not None
    from .render import confined

    return confined(path, template_dir)
