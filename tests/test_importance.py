"""First-order importance S = V(E(y|x))/V(y) by local linear regression (Becker et al. 2017)
and the `importance` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cityindex.cli import run
from cityindex.methods.importance import first_order, smoother

ASEM = str(Path(__file__).parents[1] / "indicators" / "asem-example.yaml")


def test_local_linear_reproduces_a_straight_line_exactly() -> None:
    x = np.array([0.0, 1.0, 3.0, 4.0, 7.0, 8.0])
    np.testing.assert_allclose(smoother(x) @ (2 * x + 1), 2 * x + 1, atol=1e-9)


def test_s_of_a_sum_of_two_independent_halves_is_about_one_half_each() -> None:
    # y = x1 + x2 with x1, x2 on a 30 × 30 grid: V(E(y|x1)) / V(y) = 1/2 exactly in theory
    g = np.linspace(0, 1, 30)
    x1, x2 = (a.ravel() for a in np.meshgrid(g, g))
    s = first_order(np.column_stack([x1, x2]), x1 + x2)
    np.testing.assert_allclose(s, [0.5, 0.5], atol=1e-3)


def test_s_sees_a_relation_correlation_misses() -> None:
    x = np.linspace(-1, 1, 101)
    s = first_order(x[:, None], x**2)  # truly 1; Silverman's bandwidth smooths the bottom
    assert s[0] > 0.85
    assert abs(np.corrcoef(x, x**2)[0, 1]) < 1e-9


def test_importance_prints_weights_correlation_s_and_ratio_for_every_child(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["importance", ASEM, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    top = [r for r in rows if r["level"] == 1]
    assert [r["child"] for r in top] == ["Conn", "Sust"]
    assert top[0]["correlation"] == pytest.approx(0.93978, abs=1e-5)
    for r in rows:
        assert r["ratio"] == pytest.approx(r["importance_share"] / r["weight"])
    # 8 pillars + 49 indicators in their groups, 2 sub-indices, 49 indicators against the index
    assert len(rows) == 2 + 8 + 49 + 49


def test_level_keeps_only_the_children_at_that_depth(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["importance", ASEM, "--level", "2", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("parent,child,level,nominal_weight,weight")
    assert len(lines) == 1 + 8


def test_the_report_shows_importance_beside_the_weights(hand: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run(["report", str(hand), "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    start = page.index("Importance vs weights")
    assert '<td class="t">g1</td><td class="t">x1</td>' in page[start:]
