"""The panel user: scores the ASEM panel spec for two years and sees two rankings; asks for a
year the data does not have and is told which years it has."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest

from .shell import Shell, assert_no_traceback

PANEL = "indicators/asem-panel.yaml"


def years_in_the_data(user: Shell) -> list[int]:
    """The time column's values, read as the user would from the CSV."""
    with (user.cwd / "data/asem/ASEM_iData_p.csv").open(encoding="utf-8") as file:
        return sorted({int(row["Time"]) for row in csv.DictReader(file)})


@pytest.fixture(scope="module")
def by_year(user: Shell) -> dict[int, dict[str, Any]]:
    """`score --year Y --format json` for the first and the last year of the panel."""
    years = years_in_the_data(user)
    return {
        year: json.loads(user.ok("score", PANEL, "--year", str(year), "--format", "json").out)
        for year in (years[0], years[-1])
    }


def test_each_year_is_scored_and_named_in_the_manifest(
    by_year: dict[int, dict[str, Any]],
) -> None:
    for year, document in by_year.items():
        assert document["manifest"]["data"]["year"] == year
        ranks = [row["rank"] for row in document["results"]]
        ranked = [rank for rank in ranks if rank is not None]  # screened-out units: no rank
        assert ranks[: len(ranked)] == ranked
        assert ranked[0] == 1
        assert ranked == sorted(ranked)


def test_two_years_give_two_different_rankings(by_year: dict[int, dict[str, Any]]) -> None:
    first, last = ([row["uCode"] for row in document["results"]] for document in by_year.values())
    assert sorted(first) == sorted(last)
    assert first != last


def test_a_year_the_panel_lacks_is_refused_with_the_years_it_has(user: Shell) -> None:
    years = years_in_the_data(user)
    shown = user("score", PANEL, "--year", str(years[0] - 1))
    assert shown.code == 1
    assert shown.out == ""
    assert_no_traceback(shown)
    assert f"year {years[0] - 1} is not in" in shown.err
    assert ", ".join(str(year) for year in years) in shown.err
