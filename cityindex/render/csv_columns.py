"""CSV cells a column at a time, from numpy arrays: the ranking of 100,000 units without a
Python call per cell.

Each function gives exactly the texts `cityindex.render.formats.fmt_number` gives cell by cell
(a test compares them on every kind of float), so the CSV bytes do not change; only the loop
moves into C (`map` over a bound method, numpy for the masks).
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from cityindex.model.result import IndexResult
from cityindex.render.cell_text import excel_safe

FloatArray = npt.NDArray[np.float64]


def fmt_number(value: Any, digits: int | None = None) -> str:
    """A number for CSV/Markdown: empty when missing (None or NaN; the renderers rely on this
    so callers need not convert), fixed digits when given, else repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if digits is None:
            return repr(value)
        text = f"{value:.{digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    return str(value)


class _Lines:
    """Where the CSV writer puts its rows: each row's CRLF ending written as LF.

    The writer quotes a cell holding any character of its line terminator; with LF alone, a
    cell holding a lone CR was left bare and read back as a line break. Writing with CRLF and
    ending rows with LF here quotes both, and keeps the file's LF lines.
    """

    def __init__(self) -> None:
        self.rows: list[str] = []

    def write(self, row: str) -> None:
        self.rows.append(row[:-2] + "\n")


def csv_text(names: Sequence[str], texts: Sequence[list[str]], *, excel_safe_cells: bool) -> str:
    """A header and columns of cell texts as CSV (a cell with CR, LF, comma or quote quoted)."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow([excel_safe(c) if excel_safe_cells else c for c in names])
    writer.writerows(zip(*texts, strict=True))
    return "".join(lines.rows)


def column_texts(values: list[Any], digits: int | None, excel_safe_cells: bool) -> list[str]:
    """`fmt_number` of each value (`excel_safe` on text), a column at a time: a column of
    floats, the common case, is formatted without a call per cell (100,000 units × 13 columns
    took 1.8 s cell by cell)."""
    if all(type(v) is float for v in values):
        if digits is None:
            return ["" if v != v else repr(v) for v in values]
        return [fmt_number(v, digits) for v in values]
    texts = [fmt_number(v, digits) for v in values]
    if excel_safe_cells:
        return [
            excel_safe(t) if isinstance(v, str) else t for t, v in zip(texts, values, strict=True)
        ]
    return texts


_NEEDS_QUOTES = (",", '"', "\r", "\n")
"""Characters that make the csv module quote a cell (delimiter, quote, the line ends)."""


def float_texts(values: npt.ArrayLike, digits: int | None) -> list[str]:
    """`fmt_number(v, digits)` of each float: empty for NaN, ``repr`` without `digits`, else
    fixed digits with a negative zero (``-0.00``) written without its sign.

    >>> float_texts([0.1, float("nan"), -1e-9, 2.5], 2)
    ['0.10', '', '0.00', '2.50']
    >>> float_texts([0.1, float("nan"), 1e16], None)
    ['0.1', '', '1e+16']
    """
    array = np.asarray(values, dtype=float)
    if digits is None:
        texts = shortest_texts(array)
    else:
        texts = list(map(f"{{:.{int(digits)}f}}".format, array.tolist()))
        # only a negative value below 1 in size can round to zero: the rule of fmt_number there
        with np.errstate(invalid="ignore"):
            small = np.signbit(array) & (np.abs(array) < 1.0)
        for i in np.flatnonzero(small).tolist():
            text = texts[i]
            if text.startswith("-") and not text.strip("-0."):
                texts[i] = text[1:]
    for i in np.flatnonzero(np.isnan(array)).tolist():
        texts[i] = ""
    return texts


FAST_FLOATS = 10_000
"""From this many values on, `shortest_texts` formats with orjson (importing it costs ~5 ms;
below this `repr` is as quick)."""

_PROBES: tuple[float, ...] = (0.0, -0.0, 1.0, -2.5, 0.1, 1e-4, 0.30000000000000004, 2 / 3)
_PROBES += (123456.789, 1e15, 9999999999999998.0, 0.00012345678901234567, 5e-324, 1e16)


def shortest_texts(values: npt.ArrayLike) -> list[str]:
    """``repr`` of each float (``'nan'``, ``'inf'`` as Python writes them), in C for a long
    array: orjson writes numpy floats with the same shortest round-trip digits as Python, and
    in the same form for 1e-4 <= |x| < 1e16 and for zero (``0.0001``, ``12.5``, ``-0.0``);
    the other values (exponents: Python ``1e-05``, orjson ``0.00001``) and NaN and ±inf take
    ``repr``. ~20× faster than ``map(float.__repr__, ...)`` on the ranking of 100,000 units;
    used only when orjson writes a set of probe values exactly as ``repr`` does (else, and
    without orjson, ``repr`` throughout).

    >>> shortest_texts([0.1, 1e-05, -0.0, 1e16, float("inf")])
    ['0.1', '1e-05', '-0.0', '1e+16', 'inf']
    """
    array = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    dumps = _orjson_numbers() if array.size >= FAST_FLOATS else None
    if dumps is None:
        return list(map(float.__repr__, array.tolist()))
    texts = dumps(array)
    with np.errstate(invalid="ignore"):
        size = np.abs(array)
        other = ~((size >= 1e-4) & (size < 1e16)) & (array != 0.0)  # NaN too
    for i in np.flatnonzero(other).tolist():
        texts[i] = repr(float(array[i]))
    return texts


@functools.cache
def _orjson_numbers() -> Callable[[FloatArray], list[str]] | None:
    """orjson's texts of a 1-D float64 array's values (NaN and ±inf as ``null``), or None
    when orjson is missing or writes a probe (in `shortest_texts`' range) unlike ``repr``."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; kept working without it
        return None
    option = orjson.OPT_SERIALIZE_NUMPY

    def texts(array: FloatArray) -> list[str]:
        if array.size == 0:
            return []
        return orjson.dumps(array, option=option).decode("ascii")[1:-1].split(",")

    probes = np.array(_PROBES)
    fast = (np.abs(probes) >= 1e-4) & (np.abs(probes) < 1e16) | (probes == 0.0)
    got = texts(probes)
    if any(got[i] != repr(float(probes[i])) for i in np.flatnonzero(fast).tolist()):
        return None
    return texts


def rank_texts(ranks: npt.ArrayLike) -> list[str]:
    """Ranks as whole numbers (``3``), empty for an unranked unit (NaN).

    >>> rank_texts([1.0, 2.0, float("nan")])
    ['1', '2', '']
    """
    array = np.asarray(ranks, dtype=float)
    missing = np.isnan(array)
    texts: list[str] = np.where(missing, 0, array).astype(np.int64).astype(str).tolist()
    for i in np.flatnonzero(missing).tolist():
        texts[i] = ""
    return texts


def plain_lines(header: str, texts: Sequence[list[str]], text_columns: Sequence[int]) -> str | None:
    """`header` (a CSV line of its own) and the columns of cell texts joined by commas, one
    LF-ended line per row; None when a cell of the `text_columns` would need quotes (a
    comma, quote, CR or LF: the csv module then writes the file). Cells of the other columns
    are numbers, which never do.
    """
    for j in text_columns:
        joined = "\x00".join(texts[j])
        if any(ch in joined for ch in _NEEDS_QUOTES):
            return None
    if not texts or not texts[0]:
        return header
    body: Any = map(",".join, zip(*texts, strict=True))
    return header + "\n".join(body) + "\n"


def score_csv(
    result: IndexResult,
    columns: Sequence[str],
    names: Sequence[str],
    *,
    top: int | None,
    excel_safe_cells: bool,
) -> str:
    """The ranking's CSV: `score_data`'s columns as `to_csv` writes them, the numeric ones
    formatted from their arrays (`render.csv_columns`), rows joined without the csv module
    when no text cell needs quotes (same bytes)."""
    frame = result.table()
    if top is not None:
        frame = frame.iloc[:top]
    texts: list[list[str]] = []
    text_columns: list[int] = []
    for c in columns:
        if c == "rank":
            texts.append(rank_texts(frame["rank"].to_numpy(dtype=float)))
        elif c in frame.columns and c != result.unit_column:  # score, groups, coverage
            digits = result.digits if c == "score" else None
            texts.append(float_texts(frame[c].to_numpy(dtype=float), digits))
        else:  # the unit and the tier: text
            cells: list[Any]
            if c == "tier":
                tier_of = dict(zip(result.units, result.tiers or (), strict=True))
                cells = [tier_of[str(u)] for u in frame[result.unit_column].tolist()]
            else:
                cells = frame[c].tolist()
            text_columns.append(len(texts))
            plain = not excel_safe_cells and all(type(v) is str for v in cells)
            texts.append(list(cells) if plain else column_texts(cells, None, excel_safe_cells))
    header = csv_text(names, [], excel_safe_cells=excel_safe_cells)
    fast = plain_lines(header, texts, text_columns)
    if fast is not None:
        return fast
    return csv_text(names, texts, excel_safe_cells=excel_safe_cells)
