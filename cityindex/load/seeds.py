"""Reading published reference results (`seeds/*.csv`: unit, score, rank, source; optionally
digits, each row's published precision — `cityindex.model.reference` has the rule)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from cityindex.errors import DataError, Issue, Location, issue
from cityindex.load.arguments import path_argument
from cityindex.load.data import parse_number, read_csv_text
from cityindex.model.reference import MAX_DIGITS, Reference, column_precision, repeated_units


def load_reference(path: str | Path) -> Reference:
    """Read a reference CSV, each unit once; a score's precision is the most decimals any score
    in the column was written with, or the row's `digits` cell when the file has that column."""
    name = str(path)
    text, _ = read_csv_text(path_argument(path, "target"))
    rows = list(csv.DictReader(io.StringIO(text)))
    header = rows[0].keys() if rows else []
    problems: list[Issue] = []
    if "unit" not in header or not ({"score", "rank"} & set(header)):
        raise DataError(
            [
                issue(
                    "reference.columns",
                    f"{name} needs columns unit and score and/or rank",
                    location=Location(name, 1),
                    expected="unit,score,rank,source",
                    got=", ".join(header) or "no rows",
                )
            ]
        )
    units, scores, ranks, decimals, sources, lines = [], [], [], [], [], []
    explicit = "digits" in header
    for line, row in enumerate(rows, start=2):
        unit = (row.get("unit") or "").strip()
        score_text = (row.get("score") or "").strip()
        rank_text = (row.get("rank") or "").strip()
        score = parse_number(score_text) if score_text else float("nan")
        rank = parse_number(rank_text) if rank_text else float("nan")
        if not unit or score is None or rank is None:
            problems.append(
                issue(
                    "reference.row",
                    f"row {line}: needs a unit and numeric score/rank",
                    location=Location(name, line),
                    got=f"unit={unit!r}, score={score_text!r}, rank={rank_text!r}",
                )
            )
            continue
        if explicit:
            digits = _digits(row.get("digits"), score, name, line)
            if isinstance(digits, Issue):
                problems.append(digits)
                continue
        else:
            frac = score_text.partition(".")[2] if "e" not in score_text.lower() else ""
            digits = len(frac)
        units.append(unit)
        scores.append(score)
        ranks.append(rank)
        decimals.append(digits)
        lines.append(line)
        if row.get("source"):
            sources.append(str(row["source"]))
    for unit, first, again in repeated_units(units):
        problems.append(
            issue(
                "reference.unit.duplicate",
                f"unit '{unit}' appears twice in {name} (rows {lines[first]} and {lines[again]})",
                location=Location(name, lines[again]),
                key_path="unit",
                hint="a published result lists each unit once: remove or merge one of the rows",
            )
        )
    if problems:
        raise DataError(problems)
    if not explicit:
        decimals = list(column_precision(decimals, scores))
    return Reference(
        units=tuple(units),
        scores=np.array(scores, dtype=float),
        ranks=np.array(ranks, dtype=float),
        decimals=tuple(decimals),
        source="; ".join(dict.fromkeys(sources)),
        file=name,
    )


def _digits(cell: str | None, score: float, name: str, line: int) -> int | Issue:
    """A row's `digits` cell: a whole number from 0 to `MAX_DIGITS` (blank when no score)."""
    text = (cell or "").strip()
    value = parse_number(text) if text else None
    if value is not None and value == int(value) and 0 <= value <= MAX_DIGITS:
        return int(value)
    if not text and np.isnan(score):
        return 0
    return issue(
        "reference.digits",
        f"row {line}: digits {text!r} is not a number of decimals",
        location=Location(name, line),
        key_path="digits",
        expected=f"a whole number from 0 to {MAX_DIGITS}: how many decimals the score was "
        "published with",
        got=repr(text),
        hint="leave out the digits column to take the most decimals written in the score column",
    )
