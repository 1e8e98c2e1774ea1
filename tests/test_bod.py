"""Benefit of the Doubt (Cherchye et al. 2007; Compind's ci_bod), worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from cityindex.bod import bod, bod_weights
from cityindex.registry import DomainError

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
