"""Benefit of the Doubt (Cherchye et al. 2007; Compind's ci_bod), worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cityindex.cli import run
from cityindex.methods.bod import bod, bod_weights
from cityindex.methods.registry import DomainError

UNITS = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [1.0, 1.0]])


def test_units_on_the_frontier_score_one_and_the_rest_their_best_ratio() -> None:
    # B = (2, 2): the best w has w1 + 4 w2 <= 1 and 4 w1 + w2 <= 1 binding, w = (0.2, 0.2),
    # so 2·0.2 + 2·0.2 = 0.8; D = (1, 1) gets 0.4 with the same weights.
    scores, weights = bod_weights(UNITS)
    np.testing.assert_allclose(scores, [1.0, 0.8, 1.0, 0.4], atol=1e-9)
    np.testing.assert_allclose(weights[1], [0.2, 0.2], atol=1e-9)
    assert np.all(UNITS @ weights.T <= 1 + 1e-9)  # no unit exceeds 1 under anyone's weights


def test_a_lower_share_bound_keeps_a_unit_from_hiding_its_weak_child() -> None:
    # A = (1, 4) with each child at least 30% of A's score: w2 <= (0.7 / 1.2) w1; the binding
    # constraint is C's 4 w1 + w2 <= 1, so w1 = 1 / (4 + 7/12) = 12/55, score = (10/3)·12/55.
    scores, weights = bod_weights(UNITS, lower=0.3)
    assert scores[0] == pytest.approx(40 / 55, abs=1e-9)
    share = weights[0] * UNITS[0] / scores[0]
    assert share.min() == pytest.approx(0.3, abs=1e-9)


def test_the_kernel_solves_each_replicate_separately() -> None:
    got = bod(np.stack([UNITS, 2 * UNITS]), np.ones(2))
    np.testing.assert_allclose(got, [[1.0, 0.8, 1.0, 0.4]] * 2, atol=1e-9)


def test_share_bounds_that_cannot_sum_to_one_are_an_error() -> None:
    with pytest.raises(DomainError, match="cannot hold for 2 children"):
        bod_weights(UNITS, lower=0.6)


def test_explain_splits_a_bod_group_exactly_by_the_units_own_weights(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # g1 on min-max values: A (0, 1), B (1/3, 2/3), C (2/3, 0), D (1, 1). D binds everyone
    # (w1 + w2 <= 1), so A = 1 with w = (0, 1), B = 2/3 and C = 2/3 by putting all on one child.
    args = ["--set", "groups.g1.methods.aggregate={method: bod}", "--format", "json"]
    assert run(["explain", "B", str(hand), *args]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["id"]: r for r in out["results"]}
    assert rows["g1"]["normalised"] == pytest.approx(2 / 3, abs=1e-9)
    assert sum(rows[i]["contribution"] for i in ("x1", "x2", "x3")) == pytest.approx(
        out["score_exact"], abs=1e-9
    )
    assert any(n.startswith("g1: bod weights chosen for this unit") for n in out["decomposition"])
    assert run(["score", str(hand), *args]) == 0
    g1 = [r["g1"] for r in json.loads(capsys.readouterr().out)["results"]]
    np.testing.assert_allclose(sorted(g1), [2 / 3, 2 / 3, 1.0, 1.0], atol=1e-9)
