"""The bundled templates: what each file renders, and copying them out as the
starting point for a team's own (``dreamq templates export DIR``)."""

from __future__ import annotations

from pathlib import Path

from .catalog import bundled_templates

#: What each bundled template file is for (shown by ``dreamq templates list``).
PURPOSES = {
    "guide.md.j2": "the guide in Markdown (--format md)",
    "guide.html.j2": "the guide in HTML; PDF prints it (--format html, pdf)",
    "sheet.md.j2": "observer and debrief sheets in Markdown (--sheets)",
    "sheet.html.j2": "observer and debrief sheets in HTML and PDF (--sheets)",
    "print.css": "the screen and print stylesheet included by the HTML templates",
    "labels.yaml": "fixed words (headings, field names) in en, zh-Hant, zh-Hans",
    "reference.docx": "the Word styles guides and sheets are built on (--format docx)",
}


def bundled_template_files() -> list[Path]:
    """Every file of the bundled templates, sorted by name."""
    root = bundled_templates()
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def export_templates(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Copy the bundled templates into ``directory`` (made if missing) and
    return the files written.  An existing file is an error unless ``force``;
    then nothing is written at all."""
    from .output import write_tree

    root = bundled_templates()
    files = [(str(p.relative_to(root)), p.read_bytes()) for p in bundled_template_files()]
    return write_tree(directory, files, force=force)
