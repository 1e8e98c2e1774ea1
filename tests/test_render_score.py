"""`render_score` writes CSV straight from the result's columns; it must say exactly what the
general row renderer says for the same rows, in every CSV variant."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex import compute, load_data, load_spec
from cityindex.render.formats import render_rows, render_score, score_columns, score_rows

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"top": 3},
        {"coverage": True},
        {"excel_safe_cells": True},
        {"labels": {"score": "得分", "policy": "政策机制"}, "csv_labels": True},
    ],
    ids=["plain", "top", "coverage", "excel-safe", "titles"],
)
def test_csv_from_columns_equals_csv_from_rows(options: dict[str, object]) -> None:
    spec = load_spec(ROOT / "indicators" / "ai-city-2024.yaml")
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))  # type: ignore[arg-type]
    coverage = bool(options.get("coverage", False))
    top = options.get("top")
    rows = score_rows(result, coverage=coverage, top=top)  # type: ignore[arg-type]
    expected = render_rows(
        rows,
        score_columns(result, coverage=coverage),
        "csv",
        digits={"score": result.digits},
        excel_safe_cells=bool(options.get("excel_safe_cells", False)),
        labels=options.get("labels"),  # type: ignore[arg-type]
        csv_labels=bool(options.get("csv_labels", False)),
    )
    assert render_score(result, "csv", **options) == expected  # type: ignore[arg-type]
    assert expected.splitlines()[1].startswith("1,Beijing,1.0000,")
