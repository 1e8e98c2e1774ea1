"""The choices a command parses once: format, language, header labels, encodings, and the
option values that are more than a type (memory sizes, level lists, calibration bounds).

Each choice is checked where it is given (a bad one is a `UsageError`, exit 2, listing the
valid choices with a did-you-mean), so the command line and the library reject it alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cityindex.errors import CityIndexError, Issue, UsageError, did_you_mean, issue
from cityindex.model.spec import Spec
from cityindex.render.formats import FORMATS, render_rows, unit_cells
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
    *,
    units: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Rows and header labels as a reader sees them in `language`.

    Under zh, table, Markdown and xlsx headers are Chinese (node titles for node columns) and
    the cells of a table or Markdown show titles for ids (`i18n.titled_rows`) and units'
    Chinese names (`units`: `IndexResult.unit_labels`) for unit ids; CSV and JSON keep the ids
    (scripts read them; `render_rows` shows CSV labels only when asked). English keeps the ids
    as they were.
    """
    if language != "zh":
        return rows, None
    nodes = [spec.index, *spec.walk()] if spec is not None else []
    labels = headers(columns, language, nodes)
    if fmt not in ("table", "markdown"):
        return rows, labels
    shown = titled_rows(rows, language, nodes)
    return (unit_cells(shown, spec.index.unit, units) if spec else shown), labels


def localised_text(
    rows: list[dict[str, Any]],
    columns: list[str],
    fmt: str,
    *,
    language: Language,
    spec: Spec | None,
    round_to: int | None = None,
    excel_safe: bool = False,
    units: Mapping[str, str] | None = None,
    **layout: Any,
) -> str:
    """`rows` as a reader sees them in `language` (`localise`; `units`: the units' Chinese
    names), rendered by `render_rows` in `fmt` with its `layout` keywords (title, digits,
    display_digits, extra_json)."""
    shown, labels = localise(rows, columns, fmt, language, spec, units=units)
    return render_rows(
        shown, columns, fmt, labels=labels, round_to=round_to, excel_safe_cells=excel_safe, **layout
    )


def pick_format(fmt: str | None, output: Path | None) -> str:
    """The explicit format, else by output suffix, else table on a terminal and csv in a pipe.

    An .xlsx output is a workbook (`xlsx`); xlsx needs an output file, and a text format
    under an .xlsx name is refused (`wants_xlsx`), so no workbook name ever holds CSV text.
    """
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(
            [
                issue(
                    "usage.format",
                    f"unknown format '{fmt}'",
                    expected="one of: " + ", ".join(FORMATS),
                )
            ]
        )
    if wants_xlsx(fmt, output):
        return "xlsx"
    if fmt is not None:
        return fmt
    if output is not None:
        return {".json": "json", ".md": "markdown", ".txt": "table"}.get(output.suffix, "csv")
    return "table" if sys.stdout is not None and sys.stdout.isatty() else "csv"


def check_encodable(text: str, encoding: str) -> None:
    """Raise an ``output.encoding`` error naming the first character `encoding` cannot hold."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        hint = "use --output-encoding utf-8-sig: Excel reads it and it holds every character"
        raise CityIndexError(
            [issue("output.encoding", f"{bad!r} cannot be written in {encoding}", hint=hint)]
        ) from None


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
    """True for `--format xlsx` or an .xlsx output; xlsx needs --output (it is not text), and
    an .xlsx output takes no text format (`--format csv -o x.xlsx` would be CSV in a workbook's
    name)."""
    named = output is not None and output.suffix.lower() == ".xlsx"
    chosen = fmt == "xlsx" or (fmt is None and named)
    if chosen and output is None:
        raise UsageError(
            [issue("usage.xlsx.output", "--format xlsx writes a workbook: give --output FILE.xlsx")]
        )
    if named and fmt is not None and fmt != "xlsx":
        raise UsageError(
            [
                issue(
                    "usage.xlsx.format",
                    f"--format {fmt} writes text, not a workbook: {output} would not open in Excel",
                    hint=f"drop --format {fmt} (an .xlsx name writes a workbook), or name the "
                    "file for its format, e.g. .csv",
                )
            ]
        )
    return chosen


_SIZES = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_SIZES |= {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
_SIZES |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def parse_memory(text: str) -> int:
    """A memory size such as ``512MB``, ``1.5G``, ``800MiB`` or ``2000000000`` in bytes.

    >>> [parse_memory(t) for t in ["512MB", "1.5g", "800 MiB", "2000000000"]]
    [512000000, 1500000000, 838860800, 2000000000]
    """
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).upper() if match else ""
    if match is None or unit not in _SIZES or float(match.group(1)) * _SIZES[unit] < 64 * 10**6:
        raise UsageError(
            [
                issue(
                    "usage.memory",
                    f"--memory {text!r} is not a memory size of at least 64 MB",
                    expected="a size such as 512MB, 1GB, 1.5G or 800MiB",
                    got=repr(text),
                    hint="the default is 1GB; results are the same for any budget",
                )
            ]
        )
    return int(float(match.group(1)) * _SIZES[unit])


def parse_levels(levels: str | None) -> set[int] | None:
    """``--levels 1,2`` as a set of levels (None: every level)."""
    if levels is None:
        return None
    try:
        return {int(x) for x in levels.split(",") if x.strip()}
    except ValueError:
        raise UsageError(
            [issue("usage.levels", f"--levels takes numbers like 1,2; got {levels!r}")]
        ) from None


def parse_band(text: str) -> tuple[float, float] | None:
    """``--dimension-band LOW,HIGH`` (0 <= LOW <= HIGH <= 1), or None for ``none``.

    >>> parse_band("0.10,0.35"), parse_band("none")
    ((0.1, 0.35), None)
    """
    if text.strip().lower() == "none":
        return None
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts) if len(parts) == 2 else (float("nan"),) * 2
    except ValueError:
        low = high = float("nan")
    if not 0.0 <= low <= high <= 1.0:
        raise UsageError(
            [
                issue(
                    "usage.dimension-band",
                    f"--dimension-band: {text!r} is not a weight band",
                    expected="LOW,HIGH with 0 <= LOW <= HIGH <= 1, e.g. 0.10,0.35; or none",
                    got=repr(text),
                    hint="every dimension's weight is kept in [LOW, HIGH]; none lifts the band",
                )
            ]
        )
    return low, high


def parse_share(text: str) -> float | None:
    """``--max-indicator-share X`` (0 < X <= 1), or None for ``none`` or 1 (no bound).

    >>> parse_share("0.5"), parse_share("none"), parse_share("1")
    (0.5, None, None)
    """
    if text.strip().lower() == "none":
        return None
    try:
        share = float(text)
    except ValueError:
        share = float("nan")
    if not 0.0 < share <= 1.0:
        raise UsageError(
            [
                issue(
                    "usage.max-indicator-share",
                    f"--max-indicator-share: {text!r} is not a share of a group",
                    expected="a number in (0, 1], e.g. 0.5; or none",
                    got=repr(text),
                    hint="no indicator may weigh more than this within its group; "
                    "none (or 1) lifts the bound",
                )
            ]
        )
    return None if share == 1.0 else share


def parse_groups(text: str, known: Sequence[str]) -> list[str]:
    """``--groups a,b``: two or more of the spec's group ids (`known`), else a `UsageError`
    listing every unknown id and, with fewer than two, how many are needed."""
    wanted = [g.strip() for g in text.split(",") if g.strip()]
    problems = [
        unknown_choice("usage.group.unknown", "group", g, known, option="--groups")
        for g in wanted
        if g not in known
    ]
    if len(wanted) < 2:
        problems.append(
            issue(
                "usage.groups.count",
                "--groups needs at least two group ids, comma-separated",
                expected="two or more of: " + ", ".join(known),
                hint=f"e.g. --groups {','.join(known[:2])}" if len(known) >= 2 else None,
            )
        )
    if problems:
        raise UsageError(problems)
    return wanted


def compare_usage(message: str) -> UsageError:
    """The usage error of `compare` given the wrong number of specs, data files or years."""
    return UsageError(
        [
            issue(
                "usage.compare",
                message,
                expected="two specs; or one spec with two --data or two --year; or one spec "
                "and --set",
                hint="e.g. cityindex compare a.yaml b.yaml, or cityindex compare --set "
                "groups.policy.weight=0.3",
            )
        ]
    )


Side = tuple[Path | None, Path | None, int | None, list[str], str]
"""What `compare` loads for one side: spec, data, year, overrides, and its label."""


def compare_sides(
    specs: list[Path], data: list[Path], years: list[int], sets: list[str]
) -> list[Side]:
    """`compare`'s arguments as its two sides, A and B: two specs; one spec with two --data or
    two --year; or one spec as written and with its --set overrides."""
    if len(specs) > 2 or len(data) > 2 or len(years) > 2:
        raise compare_usage("compare takes at most two specs, two --data and two --year")
    one_data = data[0] if len(data) == 1 else None
    one_year = years[0] if len(years) == 1 else None
    spec = specs[0] if specs else None
    if len(specs) == 2:
        if len(data) == 2 or len(years) == 2:
            raise compare_usage("with two specs, give at most one --data and one --year (for both)")
        return [(s, one_data, one_year, sets, s.name) for s in specs]
    if len(data) == 2:
        if len(years) == 2:
            raise compare_usage("give two --data or two --year, not both")
        return [(spec, d, one_year, sets, d.name) for d in data]
    if len(years) == 2:
        return [(spec, one_data, y, sets, str(y)) for y in years]
    if sets:
        with_sets = "with " + " ".join(f"--set {s}" for s in sets)
        return [
            (spec, one_data, one_year, [], "as written"),
            (spec, one_data, one_year, sets, with_sets),
        ]
    raise compare_usage("nothing to compare")
