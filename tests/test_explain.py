"""`explain`: a unit's score taken apart into contributions that add up to it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex import compute, load_data, load_spec
from cityindex.analysis.explain import explain, indicator_contributions
from cityindex.cli import run
from cityindex.errors import UsageError
from cityindex.load.shipped import default_spec
from cityindex.load.spec_yaml import parse_spec, read_spec_text
from tests.conftest import HAND_DATA, HAND_SPEC  # at import: conftest registers a profile

MISSING_D = "unit,x1,x2,x3\nA,10,5,4\nB,20,10,2\nC,30,20,0\nD,25,5,\n"
"""The hand example with D's x1 = 25 and its x3 missing, so the best score is not 1."""


def _load(spec_path: Path, sets: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    spec, issues = parse_spec(
        read_spec_text(spec_path), file=str(spec_path), base_dir=spec_path.parent, overrides=sets
    )
    assert spec is not None
    assert not issues
    return spec, compute(spec, load_data(spec.index.data, unit=spec.index.unit))


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_contributions_of_the_hand_example_are_weight_times_value(hand: Path) -> None:
    """B (conftest): g1 = (1/3 + 2/3) / 2, g2 = 1/4, index = 3/4 g1 + 1/4 g2 = 7/16.

    x1: 3/4 · 1/2 · 1/3 = 1/8;  x2: 3/4 · 1/2 · 2/3 = 1/4;  x3: 1/4 · 1/4 = 1/16; sum 7/16.
    """
    spec, result = _load(hand)
    ex = explain(spec, result, "B")
    np.testing.assert_allclose(indicator_contributions(ex), [1 / 8, 1 / 4, 1 / 16])
    groups = {r["id"]: r["contribution"] for r in ex.rows if r["kind"] == "group"}
    assert groups == pytest.approx({"g1": 3 / 8, "g2": 1 / 16})
    assert ex.score_exact == pytest.approx(7 / 16)
    assert ex.rank == 3


def test_missing_value_uses_the_units_own_reweighted_shares_and_the_scaling(hand: Path) -> None:
    """D lacks x3, so its index is g1 alone; scores are divided by the best unscaled score.

    x1 over 10..30: A 0, B 1/2, C 1, D 3/4;  x2: A 1, B 2/3, C 0, D 1;  x3 over A, B, C: 1, 1/2, 0.
    Unscaled: A 3/4·1/2 + 1/4·1 = 5/8;  D = g1 = 7/8 (the best), so the factor is 8/7.
    A: x2 3/4·1/2·1·8/7 = 3/7, x3 1/4·1·8/7 = 2/7, sum 5/7 = A's score.
    D: shares x1 1/2, x2 1/2 (g1 carries all): x1 1/2·3/4·8/7 = 3/7, x2 1/2·1·8/7 = 4/7.
    """
    (hand.parent / "data.csv").write_text(MISSING_D, encoding="utf-8")
    spec, result = _load(hand)
    a = explain(spec, result, "A")
    np.testing.assert_allclose(indicator_contributions(a), [0, 3 / 7, 2 / 7], atol=1e-15)
    assert a.score_exact == pytest.approx(5 / 7)
    assert a.scale_factor == pytest.approx(8 / 7)
    d = explain(spec, result, "D")
    np.testing.assert_allclose(indicator_contributions(d), [3 / 7, 4 / 7, 0], atol=1e-15)
    shares = {r["id"]: r["unit_weight"] for r in d.rows}
    assert shares["x1"] == pytest.approx(0.5)
    assert shares["x3"] == 0
    assert shares["g2"] == 0
    assert d.missing == ["x3"]
    assert not d.imputed


def test_strongest_and_weakest_are_measured_against_the_median_unit(hand: Path) -> None:
    """B: x1 1/3 vs median 1/2 and x2 2/3 vs median 5/6 (both −1/6), x3 1/4 vs 3/8 (−1/8).

    D is at or above the median everywhere: x1 +1/2, x3 +5/8, x2 +1/6.
    """
    spec, result = _load(hand)
    ex = explain(spec, result, "B")
    assert ex.strongest == []
    assert {g["id"] for g in ex.weakest[:2]} == {"x1", "x2"}
    assert ex.weakest[2]["id"] == "x3"
    assert [g["gap"] for g in ex.weakest] == pytest.approx([-1 / 6, -1 / 6, -1 / 8])
    d = explain(spec, result, "D")
    assert [g["id"] for g in d.strongest] == ["x3", "x1", "x2"]
    assert d.weakest == []


def test_non_additive_aggregation_states_its_convention_and_still_sums(hand: Path) -> None:
    """A geometric mean has no additive split; the stated proportional one still adds up."""
    spec, result = _load(
        hand,
        ("methods.aggregate.method=geometric_mean", "methods.normalise.range=[1, 100]"),
    )
    for unit in "ABCD":
        ex = explain(spec, result, unit)
        assert indicator_contributions(ex).sum() == pytest.approx(ex.score_exact, abs=1e-12)
    assert any("geometric_mean is not additive" in note for note in ex.decomposition)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.1, 10), min_size=2, max_size=2), st.sampled_from("ABCD"))
def test_contributions_sum_to_the_score_for_any_group_weights(
    tmp_path_factory: pytest.TempPathFactory, weights: list[float], unit: str
) -> None:
    """Whatever the weights, indicator contributions (and each depth's) add up to the score."""
    folder = tmp_path_factory.mktemp("w")
    (folder / "data.csv").write_text(MISSING_D if unit == "D" else HAND_DATA, encoding="utf-8")
    (folder / "spec.yaml").write_text(HAND_SPEC, encoding="utf-8")
    sets = (f"groups.g1.weight={weights[0]}", f"groups.g2.weight={weights[1]}")
    spec, result = _load(folder / "spec.yaml", sets)
    ex = explain(spec, result, unit)
    assert indicator_contributions(ex).sum() == pytest.approx(ex.score_exact, abs=1e-12)
    top_groups = sum(r["contribution"] for r in ex.rows if r["depth"] == 1)
    assert top_groups == pytest.approx(ex.score_exact, abs=1e-12)


def test_explain_csv_contributions_sum_to_shenzhens_score_on_the_shipped_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The issue's check: `cityindex explain Shenzhen --format csv` adds up within 1e-9."""
    assert run(["explain", "Shenzhen", "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    total = sum(float(r["contribution"]) for r in rows if r["kind"] == "indicator")
    spec = load_spec(default_spec())
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    exact = result.score_exact[result.units.index("Shenzhen")]  # type: ignore[index]
    assert abs(total - exact) < 1e-9
    assert float(rows[0]["contribution"]) == pytest.approx(exact, abs=1e-12)
    assert abs(total - result.score_of("Shenzhen")) <= 0.5e-4  # the displayed, rounded score
    # levels count up as COINr's do (1 = indicators; this index has groups of indicators)
    assert (rows[0]["level"], rows[0]["depth"]) == ("3", "0")
    assert {"level", "depth", "id", "contribution", "unit_weight", "status"} <= set(rows[0])


def test_explain_csv_on_the_hand_fixture_sums_to_the_score(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same check on the hand example: B's contributions add up to 7/16."""
    assert run(["explain", "B", str(hand), "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    total = sum(float(r["contribution"]) for r in rows if r["kind"] == "indicator")
    assert abs(total - 7 / 16) < 1e-9


def test_explain_json_carries_the_rows_and_the_summary(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON: the library's explanation (summary fields and one result per node)."""
    assert run(["explain", "B", str(hand), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["unit"] == "B"
    assert payload["rank"] == 3
    assert len(payload["results"]) == 1 + 2 + 3


def test_unknown_unit_is_a_usage_error_with_a_suggestion(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in the unit name exits 2 and lists the units."""
    spec, result = _load(hand)
    with pytest.raises(UsageError):
        explain(spec, result, "Z")
    assert run(["explain", "Shenzen", "--format", "csv"]) == 2
    assert "did you mean 'Shenzhen'" in capsys.readouterr().err


def test_explain_xlsx_writes_the_rows_the_method_and_the_sources(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format xlsx: one sheet per table plus method and sources; contributions add up; the
    file written is said once on stderr, as for every --output."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "b.xlsx"
    assert run(["explain", "B", str(hand), "--format", "xlsx", "--output", str(out)]) == 0
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err.count(f"wrote {out}") == 1
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["explain", "summary", "method", "sources"]
    rows = list(book["explain"].iter_rows(values_only=True))
    header = list(rows[0])
    kind, contribution = header.index("kind"), header.index("contribution")
    total = sum(r[contribution] for r in rows[1:] if r[kind] == "indicator")
    assert total == pytest.approx(7 / 16, abs=1e-12)


def test_xlsx_without_an_output_file_is_a_usage_error(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook is not text: --format xlsx needs --output."""
    assert run(["explain", "B", str(hand), "--format", "xlsx"]) == 2
    assert "--output FILE.xlsx" in capsys.readouterr().err
