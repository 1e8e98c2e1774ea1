"""Measuring a report as a reader's browser shows it: headless Chromium prints it to A4, lays it
out at a phone's width, and reads a section's words.

Reusable by every report test (`from tests.browser import ...`). Each helper works on an HTML
file already written (by `cityindex report` or the library) and leaves its outputs beside it.
`need_chromium()` skips the calling test, with the reason, when Chromium is not installed;
nothing else is ever skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

PROBE = (
    "<script>addEventListener('load',()=>{const d=document.documentElement;"
    "parent.postMessage({scroll:d.scrollWidth,client:d.clientWidth,"
    "body:document.body.scrollWidth},'*');});</script>"
)
"""Sends the page's widths to the frame around it once it has loaded."""

FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe src="{src}" style="border:0;display:block;width:{width}px;
height:{height}px"></iframe><script>addEventListener('message',(m)=>{{
for(const k of ['scroll','client','body'])
document.documentElement.setAttribute('data-'+k+'-width',String(m.data[k]));}});</script>
</body></html>"""
"""A frame `width` pixels wide around the page: Chromium's headless window is never narrower
than 500 pixels, so a phone's viewport is a frame of the phone's width (its media queries and
``scrollWidth`` are the frame's)."""

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:['’-][A-Za-z][A-Za-z0-9_]*)*")
"""A run of Latin letters (with digits, underscores, inner hyphens or apostrophes)."""

MATH = frozenset({"ln", "log", "exp", "max", "min", "argmin", "argmax", "sqrt"})
"""Function names in formulas: symbols, not English words."""


def chromium() -> Path | None:
    """The Chromium executable, or None when this machine has none."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def need_chromium() -> Path:
    """The Chromium executable; skips the calling test (with the reason) when absent."""
    found = chromium()
    if found is None:
        pytest.skip("headless Chromium is not installed: apt-get install -y chromium")
    return found


def _run(page: Path, *flags: str, fragment: str = "") -> subprocess.CompletedProcess[str]:
    browser = need_chromium()
    profile = page.parent / f".chromium-profile-{page.stem}"
    command = [
        str(browser),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *flags,
        page.resolve().as_uri() + fragment,
    ]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(page: Path, fragment: str = "", *flags: str) -> subprocess.CompletedProcess[str]:
    """The page's DOM after its scripts ran (``stdout``) and Chromium's log (``stderr``), the
    page opened at ``#fragment`` when given; `flags` are further Chromium switches (e.g.
    ``--enable-logging=stderr`` to read the console's uncaught errors)."""
    return _run(page, *flags, "--dump-dom", fragment=fragment)


def print_to_pdf(page: Path) -> Path:
    """The page printed by Chromium (the page's own ``@page`` size: A4 for the report)."""
    pdf = page.with_suffix(".pdf")
    _run(page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    return pdf


def pdf_pages(pdf: Path) -> int:
    """The number of pages of a PDF: ``pdfinfo`` when installed, else its page objects."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        text = subprocess.run(
            [pdfinfo, str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def printed_pages(page: Path) -> int:
    """How many A4 pages the page prints on."""
    return pdf_pages(print_to_pdf(page))


def _framed(page: Path, width: int, height: int, *, probe: bool) -> Path:
    """A copy of `page` (with `PROBE` when asked) inside a frame of `width` × `height`."""
    text = page.read_text(encoding="utf-8")
    inner = page.with_name(f"{page.stem}.{width}px.inner.html")
    inner.write_text(text.replace("</body>", PROBE + "</body>", 1) if probe else text, "utf-8")
    frame = page.with_name(f"{page.stem}.{width}px.html")
    frame.write_text(FRAME.format(src=inner.name, width=width, height=height), "utf-8")
    return frame


def widths(page: Path, width: int = 390, height: int = 900) -> dict[str, int]:
    """The page's ``scrollWidth`` (document and body) and ``clientWidth`` in a viewport of
    `width` × `height` CSS pixels, as the page itself measured them after loading."""
    frame = _framed(page, width, height, probe=True)
    dom = _run(
        frame,
        f"--window-size={max(width, 500)},{height}",
        "--virtual-time-budget=10000",
        "--allow-file-access-from-files",
        "--dump-dom",
    ).stdout
    found = dict(re.findall(r'data-(scroll|client|body)-width="(\d+)"', dom))
    if "scroll" not in found:
        raise AssertionError(f"the page did not report its width: {dom[:300]!r}")
    return {f"{k}_width": int(v) for k, v in found.items()}


def scroll_width(page: Path, width: int = 390) -> int:
    """``document.documentElement.scrollWidth`` at `width` pixels (a phone: 390)."""
    return widths(page, width)["scroll_width"]


def screenshot(page: Path, width: int = 390, height: int = 2400) -> Path:
    """A PNG of the page's top `height` pixels in a viewport `width` pixels wide; look at it."""
    frame = _framed(page, width, height, probe=False)
    shot = page.with_name(f"{page.stem}.{width}px.png")
    _run(
        frame,
        f"--window-size={width},{height}",
        "--virtual-time-budget=10000",
        "--allow-file-access-from-files",
        f"--screenshot={shot}",
    )
    return shot


class _Section(HTMLParser):
    """The visible text from the element with `id` to the next ``<h2>``; scripts, styles and
    ``<code>`` (ids and formula symbols) left out."""

    SKIP = frozenset({"script", "style", "code"})

    def __init__(self, section: str) -> None:
        super().__init__(convert_charrefs=True)
        self.section, self.inside, self.skipping = section, False, 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("id") == self.section:
            self.inside = True
        elif tag == "h2" and self.inside:
            self.inside = False
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.inside and not self.skipping:
            self.text.append(data)


def section_text(html_text: str, section: str) -> str:
    """The words a reader reads in one section (from its ``id`` to the next ``<h2>``), without
    ``<code>`` (ids), scripts or styles."""
    parser = _Section(section)
    parser.feed(html_text)
    return " ".join(parser.text)


def latin_words(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words in `text`: runs of Latin letters, but for single letters (symbols
    such as x, w_j), ids and symbols with a digit or underscore (``log1p``, ``min_coverage``),
    the formulas' function names (`MATH`) and any in `allowed`."""
    return [
        w
        for w in LATIN_WORD.findall(text)
        if len(w) > 1 and not re.search(r"[\d_]", w) and w.lower() not in MATH and w not in allowed
    ]


class _Cells(HTMLParser):
    """The text of each body cell of the first ``<table class="…">`` with `cls`."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls, self.depth, self.done = cls, 0, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and not self.done:
            if self.depth or self.cls in (dict(attrs).get("class") or "").split():
                self.depth += 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.depth and self.in_body and tag == "tr":
            self.rows.append([])
        elif self.depth and self.in_body and tag == "td":
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif self.depth and tag == "table":
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_cells(html_text: str, cls: str) -> list[list[str]]:
    """The body cells' text, row by row, of the first table with class `cls` (a ``<br>`` in a
    cell becomes a line break)."""
    parser = _Cells(cls)
    parser.feed(html_text)
    return parser.rows


BARE_HOST = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
"""A host name standing alone (``g.golangjump.com``): never a publisher."""
