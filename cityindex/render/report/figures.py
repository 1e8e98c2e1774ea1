"""The figure machinery under every chart: matplotlib imported on first use, its settings, fonts,
and rendering to SVG or PNG bytes.

Only `figures`, `charts` and `map_chart` import matplotlib, and only its object API (`Figure`,
no pyplot state), so nothing here touches a display or global figure registry. SVG text stays
text (``svg.fonttype: none``) set in `FONT_STACK`, so the browser draws it with its own fonts:
the Chinese names read in any browser with a CJK font, whether or not the machine that built
the chart had one. matplotlib still measures the text for the layout with the fonts it finds
(a Latin font alone measures a Chinese character narrower than it is drawn); its warnings about
glyphs missing from that font are beside the point for SVG and are not shown. A PNG is drawn
by matplotlib itself, so its Chinese needs a CJK font on the machine that draws (Debian:
fonts-noto-cjk); `cjk_font()` says whether one is there.

A chart depends on its data only: every figure is drawn under matplotlib's own defaults (a
``matplotlibrc`` in the working folder or named by MATPLOTLIBRC changes nothing, numbers never
follow the locale, ``svg.hashsalt`` is fixed), and matplotlib keeps its font cache in a
temporary folder of this run unless the user set MPLCONFIGDIR, so a report writes nothing but
its output. Labels longer than `LABEL_MAX` characters are cut with an ellipsis, so a long title
cannot squeeze the axes to nothing.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from cityindex.load.files import remove_on_signal

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def private_config_dir() -> None:
    """Point MPLCONFIGDIR at a new temporary folder, removed at exit, unless the user set it.

    matplotlib writes its font cache (and reads a matplotlibrc) there; by default that is the
    user's ~/.cache or ~/.config. Must run before matplotlib is imported.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    folder = tempfile.mkdtemp(prefix="cityindex-matplotlib-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    remove_on_signal(folder)  # atexit does not run when SIGTERM ends the run
    os.environ["MPLCONFIGDIR"] = folder


def _mpl() -> ModuleType:
    """matplotlib, imported on first use: every other command skips its ~0.25 s import."""
    import sys

    if "matplotlib" not in sys.modules:
        private_config_dir()
    import matplotlib

    return matplotlib


LABEL_MAX = 40
"""Most characters of a label drawn on a chart (longer ones end in an ellipsis)."""


def short(label: str) -> str:
    """`label` cut to `LABEL_MAX` characters.

    >>> short("Beijing"), len(short("x" * 100)), short("x" * 100)[-1]
    ('Beijing', 40, '…')
    """
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _shorts(labels: Sequence[str]) -> list[str]:
    return [short(str(label)) for label in labels]


@contextmanager
def _rc(**extra: object) -> Iterator[None]:
    """matplotlib's defaults, the fonts found here, SVG text as text, and `extra`."""
    mpl = _mpl()
    family = [f for f in (cjk_font(), "DejaVu Sans") if f]
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(
            {
                "font.family": family,
                "svg.fonttype": "none",
                "svg.hashsalt": "ci",
                "axes.formatter.use_locale": False,
                **extra,
            }
        )
        yield


FONT_STACK = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "DejaVu Sans",
    "sans-serif",
)
"""The fonts an SVG chart's text asks the browser for, after those matplotlib measured it with:
common CJK fonts of Linux, macOS and Windows, then any sans-serif."""
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
)
PALETTE = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None."""
    _mpl()
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in CJK_FAMILIES if n in names), None)
    if found is None:  # installed after matplotlib cached its font list: add the files
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name for key in ("NotoSansCJK", "NotoSansSC", "wqy-zenhei")):
                font_manager.fontManager.addfont(path)
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in CJK_FAMILIES if n in names), None)
    return found


def _figure(width: float, height: float) -> Figure:
    with _rc():
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def render(fig: Figure, fmt: str = "svg") -> bytes:
    """The figure as SVG (no XML header, ready to inline; text as text in `FONT_STACK`) or
    PNG bytes."""
    buf = io.BytesIO()
    with _rc(), warnings.catch_warnings():
        # a crowded figure is drawn as well as it fits; the warning would only reach stderr
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        if fmt == "svg":  # the browser draws SVG text with its own fonts (module docstring)
            warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        fig.savefig(buf, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
    data = buf.getvalue()
    if fmt == "svg":
        data = browser_fonts(data[data.find(b"<svg") :])
    return data


@contextmanager
def measuring() -> Iterator[None]:
    """Lay a figure out without matplotlib's missing-glyph warnings: measuring text is not
    drawing it (what the reader sees comes from `render`, which warns for a PNG)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        yield


_FAMILY = re.compile(rb"font-family: [^;\"]*")


def browser_fonts(svg: bytes) -> bytes:
    r"""`svg` with each text's font family widened to the fonts matplotlib measured it with,
    then `FONT_STACK` (quoted for a style attribute; generic names bare).

    >>> svg = b"<text style=\"font-size: 7px; font-family: 'DejaVu Sans'\">x</text>"
    >>> print(browser_fonts(svg).decode()[:75])
    <text style="font-size: 7px; font-family: 'DejaVu Sans', 'Noto Sans CJK SC'
    >>> browser_fonts(svg).decode().endswith("'WenQuanYi Zen Hei', sans-serif\">x</text>")
    True
    """

    def widen(match: re.Match[bytes]) -> bytes:
        measured = [f.strip().strip("'") for f in match.group(0)[13:].decode().split(",")]
        names = list(dict.fromkeys([*measured, *FONT_STACK]))
        quoted = [n if n in ("sans-serif", "serif") else f"'{n}'" for n in names if n]
        return ("font-family: " + ", ".join(quoted)).encode()

    return _FAMILY.sub(widen, svg)
