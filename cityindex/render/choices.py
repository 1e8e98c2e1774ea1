"""The output choices a command parses once: format, language, header labels, encodings.

Each choice is checked where it is given (a bad one is a `UsageError`, exit 2, listing the
valid choices with a did-you-mean), so the command line and the library reject it alike.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cityindex.errors import Issue, UsageError, did_you_mean, issue
from cityindex.model.spec import Spec
from cityindex.render.formats import FORMATS
from cityindex.render.i18n import (
    LANGUAGES,
    Language,
    as_language,
    headers,
    parse_language,
    titled_rows,
)

OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")

CHOICES_SHOWN = 30
"""At most this many valid choices are listed in an error (the rest are counted)."""


def unknown_choice(
    code: str, what: str, value: str, choices: Sequence[str], *, option: str
) -> Issue:
    """An issue for an option value that is not one of `choices`: the valid choices are
    listed (the first CHOICES_SHOWN) with a did-you-mean."""
    shown = ", ".join(choices[:CHOICES_SHOWN])
    more = len(choices) - CHOICES_SHOWN
    return issue(
        code,
        f"{option}: no {what} '{value}'",
        expected=f"one of: {shown}" + (f" … and {more} more" if more > 0 else ""),
        hint=did_you_mean(value, choices),
    )


def check_choice(
    code: str, what: str, value: str | None, choices: Sequence[str], *, option: str
) -> None:
    """Raise a `UsageError` (exit 2) unless `value` is None or one of `choices`."""
    if value is not None and value not in choices:
        raise UsageError([unknown_choice(code, what, value, choices, option=option)])


def pick_language(lang: str | None, spec: Spec | None = None) -> Language:
    """`--lang`, else the spec's `index.language`, else English (bad usage: exit 2)."""
    if lang is None:
        return as_language(spec.index.language if spec is not None else None)
    chosen = parse_language(lang)
    if chosen is None:
        raise UsageError(
            [unknown_choice("usage.lang", "language", lang, LANGUAGES, option="--lang")]
        )
    return chosen


def localise(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    language: Language,
    spec: Spec | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Rows and header labels as a reader sees them in `language`.

    Under zh, table, Markdown and xlsx headers are Chinese (node titles for node columns) and
    the cells of a table or Markdown show titles for ids (`i18n.titled_rows`); CSV and JSON
    keep the ids (scripts read them; `render_rows` shows CSV labels only when asked). English
    keeps the ids as they were.
    """
    if language != "zh":
        return rows, None
    nodes = [spec.index, *spec.walk()] if spec is not None else []
    labels = headers(columns, language, nodes)
    if fmt not in ("table", "markdown"):
        return rows, labels
    return titled_rows(rows, language, nodes), labels


def pick_format(fmt: str | None, output: Path | None) -> str:
    """The explicit format, else by output suffix, else table on a terminal and csv in a pipe."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(
                [
                    issue(
                        "usage.format",
                        f"unknown format '{fmt}'",
                        expected="one of: " + ", ".join(FORMATS),
                    )
                ]
            )
        return fmt
    if output is not None:
        return {".json": "json", ".md": "markdown", ".txt": "table"}.get(output.suffix, "csv")
    return "table" if sys.stdout is not None and sys.stdout.isatty() else "csv"


def check_output_encoding(encoding: str | None) -> str | None:
    """The `--output-encoding` given, checked (bad usage: exit 2); None for plain UTF-8."""
    if encoding is None:
        return None
    chosen = encoding.strip().lower().replace("_", "-")
    if chosen not in OUTPUT_ENCODINGS:
        raise UsageError(
            [
                unknown_choice(
                    "usage.output-encoding",
                    "output encoding",
                    encoding,
                    OUTPUT_ENCODINGS,
                    option="--output-encoding",
                )
            ]
        )
    return None if chosen == "utf-8" else chosen


def wants_xlsx(fmt: str | None, output: Path | None) -> bool:
    """True for `--format xlsx` or an .xlsx output; xlsx needs --output (it is not text)."""
    chosen = fmt == "xlsx" or (fmt is None and output is not None and output.suffix == ".xlsx")
    if chosen and output is None:
        raise UsageError(
            [issue("usage.xlsx.output", "--format xlsx writes a workbook: give --output FILE.xlsx")]
        )
    return chosen
