"""Print-ready outputs (issue 4): HTML, PDF, Word and JSON guides and the
observer and debrief sheets, checked the way a reader would check them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq import __version__, generate
from dreamq._cli import app
from dreamq.catalog import load_catalog
from dreamq.publishing import guide_schema, render_document, sheet_path

from .helpers import team_dir, write

DATE = dt.date(2026, 11, 23)
LANGUAGES = ("en", "zh-Hant", "zh-Hans")
DOMAINS = tuple(sorted(load_catalog().domains))
GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


@cache
def _guide(domain: str, lang: str):  # one plan per domain and language for the whole module
    return generate(domain=domain, language=lang, date=DATE)


def _questions(data) -> list[dict]:
    return [q for s in data["sections"] for q in s["questions"]]


def _squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines where it likes."""
    return re.sub(r"\s+", "", text)


# --- JSON --------------------------------------------------------------------


def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(
        guide_schema(), format_checker=jsonschema.FormatChecker()
    )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_guide_and_sheets_validate_against_the_published_schema(domain, lang):
    validator = _validator()
    data = _guide(domain, lang).data
    for sheet in (None, "observer", "debrief"):
        document = json.loads(render_document(data, fmt="json", sheet=sheet))
        validator.validate(document)
        assert document["document"] == (sheet or "guide")
        assert [q["ref"] for q in _questions(document)] == [q["ref"] for q in _questions(data)]


def test_the_schema_refuses_what_it_should():
    validator = _validator()
    document = json.loads(render_document(_guide("hotel-stay", "en").data, fmt="json"))
    document["sections"][0]["questions"][0]["ref"] = "no-slash"
    assert not validator.is_valid(document)
    del document["sections"]
    assert not validator.is_valid(document)


def test_schema_guide_prints_the_published_schema():
    result = runner.invoke(app, ["schema", "guide"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == guide_schema()


# --- HTML --------------------------------------------------------------------


def _strict_html5(text: str):
    import html5lib

    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_guide_and_sheets_are_valid_html5_with_every_question(domain, lang):
    data = _guide(domain, lang).data
    for sheet in (None, "observer", "debrief"):
        html = render_document(data, fmt="html", sheet=sheet)
        tree = _strict_html5(html)  # raises on any parse error
        assert tree.get("lang") == lang
        text = "".join(tree.itertext())
        for q in _questions(data):
            assert q["text"] in text, (sheet, q["ref"])
            assert q["ref"] in text, (sheet, q["ref"])


def test_html_is_self_contained():
    html = render_document(_guide("pizza-delivery", "en").data, fmt="html")
    tree = _strict_html5(html)
    assert tree.find(".//script") is None
    assert tree.find(".//link") is None
    for element in tree.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute)
            assert value is None or value.startswith("#"), (element.tag, value)
    assert "@import" not in html and "url(" not in html


@pytest.mark.parametrize("paper, size", [("a4", "a4"), ("letter", "letter")])
def test_html_paper_size_reaches_the_print_stylesheet(paper, size):
    html = render_document(_guide("pizza-delivery", "en").data, fmt="html", paper=paper)
    assert re.search(rf"size:\s*{size}\b", html, flags=re.I)


def test_text_from_banks_is_escaped_in_html(tmp_path):
    directory = team_dir(tmp_path)
    bank = directory / "team_bank.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace(
            "What confuses you about",
            "<script>alert('x')</script> & <b>what</b> confuses you about",
        ),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["generate", str(directory / "study.yaml"), "-b", str(directory), "-o", "g.html"]
    )
    assert result.exit_code == 0, result.stderr
    html = Path("g.html").read_text(encoding="utf-8")
    tree = _strict_html5(html)
    assert tree.find(".//script") is None and tree.find(".//b") is None
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<script>alert('x')</script> & <b>what</b>" in "".join(tree.itertext())


def test_html_golden_file():
    """The HTML guide, byte for byte (DREAMQ_UPDATE_GOLDEN=1 refreshes it)."""
    html = render_document(_guide("pizza-delivery", "en").data, fmt="html")
    html = html.replace(f"dreamq {__version__}", "dreamq VERSION")
    golden = GOLDEN / "pizza-delivery.en.html"
    if os.environ.get("DREAMQ_UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("sheet", ["observer", "debrief"])
def test_markdown_sheet_golden_files(sheet):
    text = render_document(_guide("pizza-delivery", "en").data, fmt="md", sheet=sheet)
    text = text.replace(f"dreamq {__version__}", "dreamq VERSION")
    golden = GOLDEN / f"pizza-delivery.en.{sheet}.md"
    if os.environ.get("DREAMQ_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# --- PDF ---------------------------------------------------------------------


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(not _importable("weasyprint"), reason="dreamq[pdf] not installed")


def _pdf_text(pdf: bytes) -> tuple[list[str], list[str]]:
    """Each page's text, and the names of the fonts embedded in the PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for d in descendants:
                descriptor = d.get_object().get("/FontDescriptor")
                if descriptor is not None and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    fonts.add(str(font.get("/BaseFont")))
    return pages, sorted(fonts)


CJK_FONT = re.compile(r"WenQuanYi|WenQuanYiMicroHei|CJK|Hei|Ming|Song|Kai|Noto.*(TC|SC)", re.I)


@needs_pdf
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_has_every_question_page_numbers_and_embedded_fonts(lang):
    data = _guide("pizza-delivery", lang).data
    pdf = render_document(data, fmt="pdf")
    assert pdf.startswith(b"%PDF-")
    pages, fonts = _pdf_text(pdf)
    assert len(pages) > 3
    whole = _squash("".join(pages))
    for q in _questions(data):
        assert _squash(q["text"]) in whole, q["ref"]
    numbering = {
        "en": "Page {n} of {total}",
        "zh-Hant": "第 {n} 頁，共 {total} 頁",
        "zh-Hans": "第 {n} 页，共 {total} 页",
    }[lang]
    for n in (1, len(pages)):
        assert _squash(numbering.format(n=n, total=len(pages))) in _squash(pages[n - 1])
    assert _squash(data["title"]) in _squash(pages[1])  # the running header
    assert fonts, "no embedded fonts"
    if lang != "en":
        assert any(CJK_FONT.search(f) for f in fonts), fonts


@needs_pdf
@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_domain_and_language_prints(domain, lang, tmp_path):
    """Each format of the guide and both sheets, through the CLI.  The PDF
    sheets are the sheets' HTML printed; one language each prints them below,
    to keep the suite quick."""
    for fmt in ("md", "html", "json", "docx", "pdf"):
        out = tmp_path / f"{domain}.{lang}.{fmt}"
        sheets = [] if fmt == "pdf" else ["--sheets", "observer,debrief"]
        result = runner.invoke(
            app,
            ["generate", "-d", domain, "--lang", lang, "-o", str(out), *sheets],
        )
        assert result.exit_code == 0, (fmt, result.stderr)
        written = [out] + [sheet_path(out, s) for s in ("observer", "debrief") if sheets]
        for path in written:
            assert path.stat().st_size > 1000, path


@needs_pdf
@pytest.mark.parametrize("lang, sheet", [("en", "debrief"), ("zh-Hant", "observer")])
def test_pdf_sheets_carry_every_question_ref(lang, sheet):
    data = _guide("hotel-stay", lang).data
    pages, fonts = _pdf_text(render_document(data, fmt="pdf", sheet=sheet))
    whole = _squash("".join(pages))
    for q in _questions(data):
        assert q["ref"] in whole, q["ref"]
    assert fonts


def _without_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig sees only the DejaVu fonts."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dreamq", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_pdf
def test_chinese_pdf_without_a_cjk_font_says_how_to_install_one(tmp_path):
    env = _without_cjk_fonts(tmp_path)
    result = _run(["generate", "--lang", "zh-Hant", "-o", "g.pdf"], env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "no font for zh-Hant is installed" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "g.pdf").exists()
    english = _run(["generate", "-o", "g.pdf"], env, tmp_path)
    assert english.returncode == 0, english.stderr


@needs_pdf
def test_english_pdf_quoting_chinese_needs_a_cjk_font_too(tmp_path):
    """An English guide from a team bank that quotes Chinese would print empty
    boxes just as a Chinese guide would."""
    team = team_dir(tmp_path)
    bank = team / "team_bank.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("What confuses you about", "What does 外送 mean for"), "utf-8")
    args = ["generate", str(team / "study.yaml"), "-b", str(team), "-o", "g.pdf"]
    result = _run(args, _without_cjk_fonts(tmp_path), tmp_path)
    assert result.returncode == 1, result.stderr
    assert "holds Chinese text (first: '外')" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "g.pdf").exists()
    with_fonts = _run(args, dict(os.environ), tmp_path)
    assert with_fonts.returncode == 0, with_fonts.stderr


@pytest.mark.parametrize(
    "module, fmt, extra", [("weasyprint", "pdf", "dreamq[pdf]"), ("docx", "docx", "dreamq[docx]")]
)
def test_a_missing_extra_is_named(tmp_path, module, fmt, extra):
    """With the library absent (a stub that fails to import shadows it), the
    message names the extra to install, and nothing is written."""
    stubs = write(tmp_path / "stubs", f"{module}.py", "raise ImportError('not installed')\n").parent
    env = {**os.environ, "PYTHONPATH": str(stubs)}
    result = _run(["generate", "-o", f"g.{fmt}", "--sheets", "observer"], env, tmp_path)
    assert result.returncode == 1
    assert f"pip install '{extra}'" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.glob("g*")) == []


# --- Word --------------------------------------------------------------------


def _docx(content: bytes):
    import docx

    return docx.Document(io.BytesIO(content))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_docx_guide_has_headings_every_question_and_the_timing_table(lang):
    data = _guide("team-software", lang).data
    document = _docx(render_document(data, fmt="docx"))
    paragraphs = document.paragraphs
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    level1 = [text for style, text in headings if style == "Heading 1"]
    for section in data["sections"]:
        assert any(section["title"] in text and section["clock"] in text for text in level1)
    assert any(style == "Heading 2" for style, _ in headings)
    numbered = [p.text for p in paragraphs if p.style.name == "List Number"]
    assert len(numbered) >= len(_questions(data))
    for q in _questions(data):
        assert any(text.startswith(q["text"]) for text in numbered), q["ref"]
    probes = [p.text for p in paragraphs if p.style.name == "List Bullet 2"]
    assert probes == [probe for q in _questions(data) for probe in q["probes"]]
    clock = {"en": "Clock", "zh-Hant": "時間", "zh-Hans": "时间"}[lang]
    timing = next(t for t in document.tables if t.rows[0].cells[0].text == clock)
    assert len(timing.rows) == len(data["timing"]) + 1
    assert [row.cells[0].text for row in timing.rows[1:]] == [r["clock"] for r in data["timing"]]


@pytest.mark.parametrize("sheet", ["observer", "debrief"])
def test_docx_sheets_carry_every_question_ref(sheet):
    data = _guide("bank-account", "en").data
    document = _docx(render_document(data, fmt="docx", sheet=sheet))
    text = "\n".join(p.text for p in document.paragraphs)
    for q in _questions(data):
        assert q["ref"] in text


def test_docx_paper_size():
    data = _guide("pizza-delivery", "en").data
    a4 = _docx(render_document(data, fmt="docx", paper="a4")).sections[0]
    letter = _docx(render_document(data, fmt="docx", paper="letter")).sections[0]
    assert round(a4.page_width.mm) == 210 and round(a4.page_height.mm) == 297
    assert round(letter.page_width.inches, 1) == 8.5 and round(letter.page_height.inches) == 11


def test_a_reference_docx_that_is_not_a_word_file_is_named(tmp_path):
    write(tmp_path / "tpl", "reference.docx", "not a zip\n")
    result = runner.invoke(app, ["generate", "-t", "tpl", "-o", "g.docx"])
    assert result.exit_code == 1
    assert "tpl/reference.docx" in result.stderr and "Traceback" not in result.stderr
    assert not Path("g.docx").exists()


# --- CLI: formats, sheets, templates -------------------------------------------


@needs_pdf
@pytest.mark.parametrize(
    "name, start",
    [("g.md", b"# "), ("g.html", b"<!DOCTYPE html>"), ("g.json", b"{"), ("g.pdf", b"%PDF-")],
)
def test_format_follows_the_output_suffix(name, start):
    result = runner.invoke(app, ["generate", "-o", name])
    assert result.exit_code == 0, result.stderr
    assert Path(name).read_bytes().startswith(start)


def test_format_option_wins_over_the_suffix_and_binary_goes_to_a_pipe():
    result = runner.invoke(app, ["generate", "--format", "json", "-o", "guide.txt"])
    assert result.exit_code == 0
    assert json.loads(Path("guide.txt").read_text(encoding="utf-8"))["document"] == "guide"
    piped = runner.invoke(app, ["generate", "--format", "docx"])
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK")


def test_sheets_are_written_beside_the_guide_with_the_same_question_ids():
    result = runner.invoke(app, ["generate", "-o", "guide.md", "--sheets", "observer,debrief"])
    assert result.exit_code == 0, result.stderr
    guide = Path("guide.md").read_text(encoding="utf-8")
    refs = re.findall(r"`([a-z_]+/[a-z0-9_]+)`", guide)
    assert len(refs) > 10
    for name in ("guide.observer.md", "guide.debrief.md"):
        sheet = Path(name).read_text(encoding="utf-8")
        assert re.findall(r"`([a-z_]+/[a-z0-9_]+)`", sheet) == refs
    assert "guide.observer.md" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sheets", "observer"], "add -o FILE"),
        (["-o", "g.md", "--sheets", "observers"], "'observers' is not one of observer, debrief"),
        (["--format", "rtf"], "'rtf' is not one of md, html, pdf, docx, json"),
        (["--paper", "a5"], "'a5' is not one of a4, letter"),
    ],
)
def test_wrong_format_options_are_usage_errors(args, message):
    result = runner.invoke(app, ["generate", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_existing_sheet_stops_everything_before_work(tmp_path):
    Path("guide.debrief.md").write_text("my notes\n", encoding="utf-8")
    result = runner.invoke(app, ["generate", "-o", "guide.md", "--sheets", "observer,debrief"])
    assert result.exit_code == 1
    assert "guide.debrief.md: file exists; nothing was written" in result.stderr
    assert not Path("guide.md").exists() and not Path("guide.observer.md").exists()
    assert Path("guide.debrief.md").read_text(encoding="utf-8") == "my notes\n"


def test_a_broken_sheet_template_writes_nothing_and_names_file_and_line(tmp_path):
    write(tmp_path / "tpl", "sheet.md.j2", "# {{ sheet.title }}\n\n{{ sheet.nope.deeper }}\n")
    result = runner.invoke(app, ["generate", "-t", "tpl", "-o", "guide.md", "--sheets", "observer"])
    assert result.exit_code == 1
    assert re.search(r"error: tpl/sheet\.md\.j2:3: ", result.stderr), result.stderr
    assert list(Path().glob("guide*")) == []


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_exported_templates_render_the_same_guide(tmp_path, fmt):
    assert runner.invoke(app, ["templates", "export", "mine"]).exit_code == 0
    assert (tmp_path / "mine" / "reference.docx").is_file()
    args = ["generate", "--date", "2026-11-23", "--format", fmt]
    bundled = runner.invoke(app, args)
    exported = runner.invoke(app, [*args, "-t", "mine"])
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout == bundled.stdout


def test_templates_export_never_overwrites_without_force(tmp_path):
    write(tmp_path / "mine", "guide.md.j2", "my own\n")
    result = runner.invoke(app, ["templates", "export", "mine"])
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    assert (tmp_path / "mine" / "guide.md.j2").read_text(encoding="utf-8") == "my own\n"
    assert not (tmp_path / "mine" / "labels.yaml").exists()
    assert runner.invoke(app, ["templates", "export", "mine", "--force"]).exit_code == 0
    assert (tmp_path / "mine" / "guide.md.j2").read_text(encoding="utf-8") != "my own\n"


def test_templates_list_names_every_bundled_file():
    result = runner.invoke(app, ["templates", "list"])
    assert result.exit_code == 0
    for name in ("guide.md.j2", "guide.html.j2", "sheet.html.j2", "labels.yaml", "reference.docx"):
        assert name in result.stdout


@needs_pdf
def test_a_pdf_template_cannot_read_local_files(tmp_path):
    """Only data: URLs load when printing: an image a template points at on
    disk (or on the network) is not fetched into the PDF."""
    import base64

    pixel = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    (tmp_path / "secret.png").write_bytes(pixel)
    inline = "data:image/png;base64," + base64.b64encode(pixel).decode()
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body>'
        f'<img alt="" src="file://{tmp_path / "secret.png"}">{{{{ guide.title }}}}</body></html>'
    )
    write(tmp_path / "local", "guide.html.j2", page)
    write(
        tmp_path / "inline", "guide.html.j2", page.replace(f"file://{tmp_path}/secret.png", inline)
    )
    for name, loaded in (("local", False), ("inline", True)):
        result = runner.invoke(app, ["generate", "-t", name, "-o", f"{name}.pdf"])
        assert result.exit_code == 0, result.stderr
        assert (b"/Subtype /Image" in Path(f"{name}.pdf").read_bytes()) is loaded, name


def _rezip(source: Path, target: Path, edit) -> None:
    """A copy of a .docx with its parts changed by ``edit(name, data)``
    (returning None drops the part)."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = edit(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item, data)


@pytest.mark.parametrize("breakage", ["no-numbering", "table-style-type"])
def test_a_reference_docx_python_docx_cannot_use_is_named(tmp_path, breakage):
    assert runner.invoke(app, ["templates", "export", "tpl"]).exit_code == 0
    reference = tmp_path / "tpl" / "reference.docx"
    original = tmp_path / "original.docx"
    reference.rename(original)

    def edit(name: str, data: bytes):
        if breakage == "no-numbering":
            if name == "word/numbering.xml":
                return None
            if name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
                return re.sub(rb"<[^<]*numbering[^>]*/>", b"", data)
        elif name == "word/styles.xml":
            return re.sub(
                rb'w:type="table"( [^>]*w:styleId="(TableGrid|LightGrid-Accent1)")',
                rb'w:type="paragraph"\1',
                data,
            )
        return data

    _rezip(original, reference, edit)
    result = runner.invoke(app, ["generate", "-t", "tpl", "-o", "g.docx", "--sheets", "observer"])
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("error: tpl/reference.docx: "), result.stderr
    assert "internal error" not in result.stderr and not Path("g.docx").exists()


@needs_pdf
def test_html_too_deep_for_pdf_layout_is_an_input_error(tmp_path):
    write(tmp_path / "deep", "guide.html.j2", "{% for i in range(3000) %}<div>{% endfor %}x\n")
    result = runner.invoke(app, ["generate", "-t", "deep", "-o", "deep.pdf"])
    assert result.exit_code == 1, result.stderr
    assert "error: deep/guide.html.j2: the HTML nests too deeply" in result.stderr
    assert not Path("deep.pdf").exists()


@pytest.mark.parametrize("suffix", ["docx", "json"])
def test_a_missing_template_directory_is_an_error_for_every_format(suffix):
    result = runner.invoke(app, ["generate", "-t", "nowhere", "-o", f"g.{suffix}"])
    assert result.exit_code == 1
    assert "nowhere: template directory not found" in result.stderr


def test_options_take_either_case_and_a_contradicting_suffix_is_refused():
    assert runner.invoke(app, ["generate", "--format", "JSON", "--paper", "A4"]).exit_code == 0
    result = runner.invoke(app, ["generate", "--format", "pdf", "-o", "guide.md"])
    assert result.exit_code == 2 and "would write pdf into guide.md" in result.stderr
    assert not Path("guide.md").exists()
    piped = runner.invoke(app, ["generate", "-o", "-"])
    assert piped.exit_code == 0 and piped.stdout.startswith("# ") and not Path("-").exists()


def test_control_characters_in_a_domain_are_refused(tmp_path):
    domain = (load_catalog().domains["pizza-delivery"].path).read_text(encoding="utf-8")
    domain = domain.replace("company: Acme Pizza", 'company: "Acme \\a Pizza"', 1)
    path = write(tmp_path, "bell.yaml", domain.replace("id: pizza-delivery", "id: bell", 1))
    result = runner.invoke(app, ["generate", "-d", str(path), "-o", "g.html"])
    assert result.exit_code == 1
    assert "control character U+0007" in result.stderr and "bell.yaml:" in result.stderr


def test_a_reference_docx_linking_out_of_the_template_directory_is_refused(tmp_path):
    assert runner.invoke(app, ["templates", "export", "outside"]).exit_code == 0
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "reference.docx").symlink_to(tmp_path / "outside" / "reference.docx")
    result = runner.invoke(app, ["generate", "-t", "tpl", "-o", "g.docx"])
    assert result.exit_code == 1
    assert "tpl/reference.docx: is a link to a file outside the template directory" in result.stderr
    assert not Path("g.docx").exists()
