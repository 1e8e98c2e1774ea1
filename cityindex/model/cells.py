"""Cells of a data file: what counts as a number, and why anything else does not.

Only plain ASCII decimals are numbers. Locale conventions (thousands separators, decimal
commas, percent signs, full-width digits) and ``NaN``/``inf`` text are refused, each with its own
issue code and a hint showing what to write: their meaning depends on a convention the file does
not state, and a wrong guess would quietly change a ranking.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:([,\u00a0 '’])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_PLACEHOLDERS = {"n/a", "na", "n.a.", "#n/a", "null", "none", "-", "--", "—", "?", "..", "..."}


def parse_number(text: str) -> float | None:
    """A finite float from plain ASCII decimal text, else None (no locale guessing).

    Stricter than `float`, which would also take ``'1_000'``, ``'２０'`` (full-width digits) and
    ``'nan'``:

    >>> [parse_number(t) for t in ["12", "-0.5", "1.5e3", ".5"]]
    [12.0, -0.5, 1500.0, 0.5]
    >>> [parse_number(t) for t in ["1,000", "1_000", "２０", "30%", "nan", "inf", "1e999"]]
    [None, None, None, None, None, None, None]
    """
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


_SEPARATOR = "\x00"  # never in a cell: data files with NUL bytes are refused as binary
_PLAIN_CELLS = re.compile(r"(?:\s*+(?:" + _PLAIN_NUMBER.pattern + r")?+\s*+" + _SEPARATOR + r")*+")


def parse_column(cells: Sequence[str]) -> npt.NDArray[np.float64] | None:
    r"""A column of cell texts as floats (a blank cell is NaN), or None when any cell is not a
    plain finite number (the caller then locates it cell by cell with `parse_number`).

    >>> parse_column(["12", " -0.5 ", "", "1.5e3"]).tolist()
    [12.0, -0.5, nan, 1500.0]
    >>> [parse_column(c) for c in (["1,000"], ["nan"], ["1e999"], ["1\x002"])]
    [None, None, None, None]
    """
    return parse_texts(cells)[0]


_NOT_IN_NUMBERS = np.zeros(256, dtype=bool)
_NOT_IN_NUMBERS[[ord(c) for c in "_nNiI"]] = True
"""Bytes that Python's `float` reads (``1_000``, ``nan``, ``inf``) but no plain number holds."""


def parse_texts(cells: Sequence[str]) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[Any]]:
    r"""`parse_column`, and the cells as a fixed-width array (bytes when all are ASCII).

    Vectorised, with the rule of `parse_number`: on ASCII text Python's ``float`` reads exactly
    the plain decimals (surrounding whitespace allowed, as ``str.strip`` removes it) plus
    underscores between digits, ``nan`` and ``inf``/``infinity``; a column holding none of the
    bytes ``_ n N i I`` is therefore checked by ``float`` itself (numpy converts the list with
    it, so values are identical), and infinite results (``1e999``) are refused. Non-ASCII text
    is checked by one regular-expression pass over the joined column.
    """
    try:
        texts: npt.NDArray[Any] = np.array(cells, dtype="S")
    except UnicodeEncodeError:
        texts = np.array(cells, dtype=str)
        joined = _SEPARATOR.join(cells) + _SEPARATOR
        if joined.count(_SEPARATOR) != len(cells) or _PLAIN_CELLS.fullmatch(joined) is None:
            return None, texts
        del joined
    else:
        if _NOT_IN_NUMBERS[texts.view(np.uint8)].any():
            return None, texts
    try:
        values = np.array(cells, dtype=float)
    except ValueError:  # a blank cell (float("") fails), or a cell that is not a number
        nan = math.nan
        try:
            values = np.array([float(c) if c.strip() else nan for c in cells], dtype=float)
        except ValueError:
            return None, texts
    if np.isinf(values).any():
        return None, texts
    return values, texts


def _ascii_digits(text: str) -> str:
    """Any Unicode decimal digit (Arabic-Indic, Devanagari, …) as its ASCII digit."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def classify_cell(text: str) -> tuple[str, str, str]:
    """Why a non-empty cell is not a plain number: (issue code, what it is, a hint).

    Each refused convention gets its own code so a reviewer (and a test) can tell them apart.
    """
    folded = _ascii_digits(unicodedata.normalize("NFKC", text)).strip()
    lowered = folded.lower()
    if lowered in _NOT_FINITE or (
        _PLAIN_NUMBER.fullmatch(folded) is not None and not math.isfinite(float(folded))
    ):
        return (
            "data.cell.not-finite",
            "not a finite number",
            "leave a missing cell empty; an infinite value cannot be ranked",
        )
    if folded != text and parse_number(folded) is not None:
        return (
            "data.cell.full-width",
            "written with full-width or other non-ASCII digits or signs",
            f"write it with ASCII digits: {folded}",
        )
    if folded.endswith(("%", "‰")) and parse_number(folded[:-1].strip()) is not None:
        return (
            "data.cell.percent",
            "a percentage",
            f"write {folded[:-1].strip()} (and say 'percent' in the indicator's `unit:`) — "
            "cityindex does not rescale percent text",
        )
    if _THOUSANDS.fullmatch(folded) is not None or (
        "_" in folded and parse_number(folded.replace("_", "")) is not None
    ):
        plain = re.sub(r"[,\u00a0 '’_]", "", folded)
        return (
            "data.cell.thousands-separator",
            "written with a thousands separator",
            f"write {plain} (format the column as a plain number before exporting)"
            + (
                f"; if ',' is a decimal comma here, write {folded.replace(',', '.')}"
                if "," in folded and "." not in folded
                else ""
            ),
        )
    if _DECIMAL_COMMA.fullmatch(folded) is not None:
        return (
            "data.cell.decimal-comma",
            "written with a decimal comma",
            f"write {folded.replace(',', '.')} ('.' is the decimal point)",
        )
    if lowered in _PLACEHOLDERS:
        return (
            "data.cell.placeholder",
            "not a number (a placeholder for a missing value)",
            "leave missing cells empty",
        )
    return ("data.cell.not-a-number", "not a number", "leave missing cells empty")


def unit_name(text: str) -> str:
    """A unit name as compared and kept: trimmed, in Unicode NFC (``Zu`` + combining diaeresis
    + ``rich`` and ``Zürich`` are one name).

    >>> unit_name(" Zu\u0308rich ") == "Z\u00fcrich"
    True
    """
    return unicodedata.normalize("NFC", text.strip())


def unit_names(texts: list[str]) -> list[str]:
    """`unit_name` of each text (one C-level pass; NFC only when a name is not ASCII)."""
    stripped = list(map(str.strip, texts))
    if "".join(stripped).isascii():
        return stripped
    return [unicodedata.normalize("NFC", t) for t in stripped]


def invisible_characters(text: str) -> list[str]:
    """The invisible (format) characters in `text`, e.g. a zero-width space or a BOM, as
    ``U+200B ZERO WIDTH SPACE``.

    >>> invisible_characters("Beijing\u200b")
    ['U+200B ZERO WIDTH SPACE']
    """
    if text.isascii():  # no format character is ASCII: the common case costs one C call
        return []
    return [
        f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}"
        for ch in text
        if unicodedata.category(ch) == "Cf"
    ]


def look_alike_key(text: str) -> str:
    """What two unit names that look alike share: NFKC (full-width ``Ｂｅｉｊｉｎｇ`` is
    ``Beijing``) without invisible characters.

    >>> look_alike_key("\uff22eijing\u200b") == look_alike_key("Beijing")
    True
    """
    if text.isascii():
        return text.strip()
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").strip()
