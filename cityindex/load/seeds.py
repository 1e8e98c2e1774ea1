"""Reading published reference results (`seeds/*.csv`: unit, score, rank, source)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from cityindex.errors import DataError, Issue, Location, issue
from cityindex.load.arguments import path_argument
from cityindex.load.data import parse_number, read_csv_text
from cityindex.model.reference import Reference


def load_reference(path: str | Path) -> Reference:
    """Read a reference CSV; a score's precision is the number of decimals it was written with."""
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
    units, scores, ranks, decimals, sources = [], [], [], [], []
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
        units.append(unit)
        scores.append(score)
        ranks.append(rank)
        frac = score_text.partition(".")[2] if "e" not in score_text.lower() else ""
        decimals.append(len(frac))
        if row.get("source"):
            sources.append(str(row["source"]))
    if problems:
        raise DataError(problems)
    return Reference(
        units=tuple(units),
        scores=np.array(scores, dtype=float),
        ranks=np.array(ranks, dtype=float),
        decimals=tuple(decimals),
        source="; ".join(dict.fromkeys(sources)),
        file=name,
    )
