"""Printing the HTML guide to PDF with WeasyPrint (the optional ``dreamq[pdf]`` extra).

The PDF is the HTML guide laid out for paper: the print stylesheet in the
templates sets the page size, running header and page numbers.  WeasyPrint
embeds (subsets of) the fonts it uses.  Nothing outside the document is
fetched: only ``data:`` URLs load, so a template can neither reach the
network nor read local files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from .errors import DreamqError, Problem

#: Wall-clock seconds and extra memory WeasyPrint may take for one PDF (the
#: default 90-minute guide takes ~2 s and ~60 MB).
PDF_SECONDS = 60
PDF_MEMORY = 1536 * 2**20
#: Fontconfig language for each guide language that needs CJK glyphs.
CJK_LANGUAGES = {"zh-Hant": "zh-tw", "zh-Hans": "zh-cn"}
#: Scripts a Latin font lacks, found in the text of a guide in any language
#: (a team bank's English text may quote Chinese): the script's name, and the
#: fontconfig languages any one of whose fonts will print it.
_SCRIPTS = (
    (re.compile("[\u3041-\u3096\u30a1-\u30fa]"), "Japanese", ("ja",)),
    (re.compile("[\u1100-\u11ff\uac00-\ud7af]"), "Korean", ("ko",)),
    (re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"), "Chinese", ("zh-cn", "zh-tw")),
)

_FONT_HINT = (
    "install a CJK font, then run again: Debian/Ubuntu `apt install fonts-noto-cjk` "
    "(or fonts-wqy-microhei for Chinese), Fedora `dnf install google-noto-sans-cjk-fonts`, "
    "macOS and Windows ship one; `fc-list :lang={lang}` lists what fontconfig finds"
)


def html_to_pdf(html: str, *, language: str = "en", source: str = "guide.html.j2") -> bytes:
    """Lay ``html`` out and return the PDF bytes.

    Raises :class:`~dreamq.errors.DreamqError` when WeasyPrint is missing,
    when a Chinese guide would print as empty boxes for want of a CJK font,
    or when laying the HTML out runs away (named after ``source``, the
    template that wrote it).
    """
    weasyprint = _import_weasyprint()
    _check_fonts(html, language)
    import gc

    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    from .render import _bounded, _RenderLimit

    # Layout allocates hundreds of thousands of small objects that live to
    # the end; pausing the collector saves ~10% of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _quiet_weasyprint(), _bounded(PDF_SECONDS, PDF_MEMORY):
            document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
            pdf = document.write_pdf()
    except RecursionError:
        raise DreamqError(
            Problem(
                "the HTML nests too deeply for WeasyPrint to lay it out",
                source,
                hint="check the nesting of elements in your HTML templates",
            )
        ) from None
    except (_RenderLimit, MemoryError):
        raise DreamqError(
            Problem(
                f"laying the PDF out took more than {PDF_SECONDS} s or "
                f"{PDF_MEMORY // 2**20} MB; the default guide needs about 2 s",
                source,
                hint="your HTML templates write far more than a guide: look for loops",
            )
        ) from None
    finally:
        if collecting:
            gc.enable()
    assert isinstance(pdf, bytes)
    return pdf


def _check_fonts(html: str, language: str) -> None:
    """Refuse to print empty boxes: the guide's language, and any Chinese,
    Japanese or Korean text in it, must have a font installed."""
    fc_lang = CJK_LANGUAGES.get(language)
    if fc_lang is not None and not has_font_for(fc_lang):
        raise DreamqError(
            Problem(
                f"no font for {language} is installed, so the PDF would print empty boxes",
                hint=_FONT_HINT.format(lang=fc_lang),
            )
        )
    for pattern, script, fc_langs in _SCRIPTS:
        if fc_lang in fc_langs:
            continue  # the guide's own language was checked above
        found = pattern.search(html)
        if found is not None and not any(has_font_for(lang) for lang in fc_langs):
            raise DreamqError(
                Problem(
                    f"the guide holds {script} text (first: {found.group()!r}) but no font "
                    "for it is installed, so the PDF would print empty boxes",
                    hint=_FONT_HINT.format(lang=fc_langs[0]),
                )
            )


def _import_weasyprint():  # type: ignore[no-untyped-def]
    try:
        import weasyprint
    except ImportError:
        raise DreamqError(
            Problem(
                "PDF output needs WeasyPrint, which is not installed",
                hint="pip install 'dreamq[pdf]'",
            )
        ) from None
    except OSError as exc:  # WeasyPrint is there but Pango is not
        raise DreamqError(
            Problem(
                f"PDF output needs the Pango library, which WeasyPrint could not load ({exc})",
                hint="install Pango: Debian/Ubuntu `apt install libpango-1.0-0 libpangoft2-1.0-0`, "
                "macOS `brew install pango`; see WeasyPrint's installation guide",
            )
        ) from None
    return weasyprint


@contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs each CSS property it ignores and each resource it may
    not fetch; those are for template authors, not for every run."""
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


@cache
def has_font_for(fc_lang: str) -> bool:
    """Whether fontconfig (which WeasyPrint lays text out with) knows a font
    covering language ``fc_lang`` ("zh-tw", "zh-cn").  True when fontconfig
    cannot be asked: then WeasyPrint's own fallback decides."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return True

    class FcFontSet(ctypes.Structure):
        _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]

    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetBuild.restype = ctypes.c_void_p
    fc.FcObjectSetBuild.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    fc.FcFontList.restype = ctypes.POINTER(FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for free in ("FcFontSetDestroy", "FcObjectSetDestroy", "FcPatternDestroy", "FcConfigDestroy"):
        getattr(fc, free).argtypes = [ctypes.c_void_p]
    config = fc.FcInitLoadConfigAndFonts()
    if not config:
        return True
    pattern = fc.FcNameParse(f":lang={fc_lang}".encode())
    objects = fc.FcObjectSetBuild(b"family", None)
    fonts = fc.FcFontList(config, pattern, objects)
    try:
        return bool(fonts) and fonts.contents.nfont > 0
    finally:
        if fonts:
            fc.FcFontSetDestroy(fonts)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)
