"""A starter spec from a CSV's header: what `cityindex init` writes for an analyst's own data.

An analyst arrives with a sheet exported from Excel (often GBK, with Chinese headers) and wants
a ranking in minutes, as SPSSAU gives one. The starter guesses what a reader of the sheet would:
the unit column is the first column whose cells are all text and all different; every column
whose cells are all plain numbers (empty allowed) becomes an indicator in one group, with equal
weights, min-max normalisation and an arithmetic mean. Nothing is guessed silently: each
`direction` is marked for checking, and the header comment says what was chosen and why.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cityindex.errors import DataError, UsageError, did_you_mean, issue
from cityindex.load.data import read_csv_decoded
from cityindex.model.cells import parse_number

_CJK = re.compile(r"[\u3400-\u9fff]")
_UNSAFE_ID = re.compile(r"[\s.:\"'#\[\]{},&*!|>%@`]")


@dataclass(frozen=True)
class Starter:
    """The guessed layout of a CSV and the spec text written from it."""

    unit: str
    indicators: tuple[str, ...]
    skipped: tuple[str, ...]
    """Columns that are neither the unit nor all-numeric (labels, notes): left out."""
    encoding: str
    text: str


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's), CJK kept readable."""
    return json.dumps(text, ensure_ascii=False)


def _numeric(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(parse_number(c) is not None for c in filled)


def _indicator_id(column: str, taken: set[str], position: int) -> str:
    """The column name when it can serve as an id in a --set path, else x1, x2, …"""
    ident = column.strip()
    if not ident or _UNSAFE_ID.search(ident) or ident in taken:
        ident = f"x{position}"
    taken.add(ident)
    return ident


def starter_spec(
    data: str | Path,
    *,
    spec_dir: str | Path = ".",
    unit: str | None = None,
    encoding: str | None = None,
    title: str | None = None,
) -> Starter:
    """The starter spec for the CSV `data`, to be written in `spec_dir` (its `data:` path is
    relative to that folder, as every spec's is)."""
    path = Path(data)
    text, _digest, codec = read_csv_decoded(path, encoding=encoding)
    records = list(csv.reader(io.StringIO(text)))
    if len(records) < 2:
        raise DataError([issue("data.file.empty", f"{path} has no rows under its header")])
    header = [h.strip() for h in records[0]]
    body = [r + [""] * (len(header) - len(r)) for r in records[1:] if any(c.strip() for c in r)]
    columns = {h: [r[i] for r in body] for i, h in enumerate(header)}
    if unit is not None and unit not in columns:
        raise UsageError(
            [
                issue(
                    "usage.unit.unknown",
                    f"--unit: no column '{unit}' in {path}",
                    expected="one of: " + ", ".join(header),
                    hint=did_you_mean(unit, header),
                )
            ]
        )
    if unit is None:
        for name, cells in columns.items():
            values = [c.strip() for c in cells]
            if not _numeric(cells) and all(values) and len(set(values)) == len(values):
                unit = name
                break
    if unit is None:
        raise DataError(
            [
                issue(
                    "data.column.no-unit",
                    f"no column of {path} names each row once (a text column, all different)",
                    hint="name it with --unit COLUMN",
                )
            ]
        )
    numeric = [h for h in header if h != unit and _numeric(columns[h])]
    skipped = tuple(h for h in header if h != unit and h not in numeric)
    if not numeric:
        raise DataError(
            [
                issue(
                    "data.column.no-numbers",
                    f"no column of {path} holds only numbers: nothing to score",
                    hint="leave missing cells empty; write numbers without units (1234.5)",
                )
            ]
        )
    zh = bool(_CJK.search("".join(header)))
    rel = Path(os.path.relpath(path.resolve(), Path(spec_dir).resolve())).as_posix()
    name = title or path.stem
    lines = [
        f"# Starter spec for {path.name}, written by `cityindex init`. Check before you publish:",
        "#  - every `direction` (all are higher_is_better here: change the ones where less is",
        "#    better, e.g. cost or pollution, to lower_is_better);",
        "#  - the weights (equal now) and the group (one group holds every indicator);",
        f"#  - the unit column: '{unit}' (the first text column with a different value per row).",
    ]
    if skipped:
        lines.append("#  Left out (not all numbers): " + ", ".join(skipped))
    lines += [
        "index:",
        f"  id: {_quote(re.sub(r'[^A-Za-z0-9_-]+', '-', path.stem).strip('-') or 'my-index')}",
        f"  title: {_quote(name)}",
        f"  data: {_quote(rel)}",
        f"  unit: {_quote(unit)}",
    ]
    if zh:
        lines.append("  language: zh")
    lines += [
        "  scale: {method: relative_to_max, digits: 4}",
        "methods:",
        "  normalise: {method: min_max, range: [0, 1]}",
        "  aggregate: {method: arithmetic_mean}",
        "  weights: {method: fixed}",
        "  missing: {method: reweight, min_coverage: 0.5}",
        "groups:",
        "  all:",
        f"    title: {_quote('全部指标' if zh else 'All indicators')}",
        "    weight: 1",
        "    indicators:",
    ]
    taken: set[str] = set()
    for k, column in enumerate(numeric, start=1):
        ident = _indicator_id(column, taken, k)
        lines.append(
            f"      {_quote(ident)}: {{column: {_quote(column)}, title: {_quote(column)}, "
            "direction: higher_is_better, weight: 1}  # direction: check"
        )
    return Starter(unit, tuple(numeric), skipped, codec, "\n".join(lines) + "\n")
