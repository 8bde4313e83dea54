"""Render the README's picture of a printed page: page 7 of the default guide's
PDF (life and goals: the clock in the margin, tick boxes, probes and ruled
lines for notes), as a PNG.

    python tools/readme_picture.py     # needs dreamq[pdf] and pdftoppm (poppler-utils)

Writes docs/images/printed-page.png.  Run it after changing the HTML
templates or print.css, and commit the picture.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dreamq import generate

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "images" / "printed-page.png"


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("needs pdftoppm: apt install poppler-utils", file=sys.stderr)
        return 1
    guide = generate(domain="pizza-delivery", fmt="pdf", date=dt.date(2026, 11, 23))
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "guide.pdf"
        pdf.write_bytes(guide.content)
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "72", "-f", "7", "-l", "7", "-singlefile", pdf, stem],
            check=True,
        )
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
