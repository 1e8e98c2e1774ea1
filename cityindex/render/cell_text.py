"""Cell text made safe for where it goes: spreadsheets, Markdown tables, terminals, and cell
values made plain for JSON (`jsonable`).

A unit name, title or note comes from a spec or a data file and is shown as it is written,
never acted on: a spreadsheet must not run it as a formula (`excel_safe`), a Markdown table must
not end its row at its ``|`` or line break (`markdown_cell`), and a terminal must not obey its
escape sequences (`visible`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection")."""


def excel_safe(cell: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula, by prefixing ``'``.

    OWASP's "CSV Injection" page (https://owasp.org/www-community/attacks/CSV_Injection) and
    ASVS requirement 1.2.10 recommend exactly this: a field whose first character is ``=``,
    ``+``, ``-``, ``@``, tab or carriage return is prefixed with a single quote, so Excel,
    LibreOffice and Google Sheets show it as text instead of evaluating it.

    >>> excel_safe("=1+2"), excel_safe("@SUM(A1)"), excel_safe("Beijing"), excel_safe("-")
    ("'=1+2", "'@SUM(A1)", 'Beijing', "'-")
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def markdown_cell(text: str) -> str:
    """`text` for a Markdown table cell: ``|`` escaped, a line break as ``<br>`` (a raw CR or
    LF would end the table row), other control characters as ``\\xHH``.

    >>> markdown_cell("a|b"), markdown_cell("one\\r\\ntwo\\rthree\\nfour")
    ('a\\\\|b', 'one<br>two<br>three<br>four')
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("|", "\\|")
    return visible(text, keep="\n").replace("\n", "<br>")


def visible(text: str, *, keep: str = "") -> str:
    """`text` with every control character (Unicode category Cc: C0, DEL, C1) but those in
    `keep` written as ``\\xHH``, so no escape sequence from a spec or a data file reaches a
    terminal or breaks a line it should not.

    >>> visible("\\x1b[31mred\\x1b[0m"), visible("a\\tb\\x9b"), visible("北京")
    ('\\\\x1b[31mred\\\\x1b[0m', 'a\\\\tb\\\\x9b', '北京')
    """
    if text.isprintable():
        return text
    return "".join(
        ch if ch in keep or unicodedata.category(ch) != "Cc" else _escape(ch) for ch in text
    )


def _escape(ch: str) -> str:
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(ch, f"\\x{ord(ch):02x}")


def jsonable(value: Any) -> Any:
    """`value` as JSON can hold it: numpy scalars as Python ones, NaN and infinities None,
    mappings and sequences element by element (JSON output and workbook records alike)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):
        return jsonable(value.item())
    return value
