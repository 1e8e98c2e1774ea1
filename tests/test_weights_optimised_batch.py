"""Optimised weights computed for many replicates at once (issue 24, item 9)."""

from __future__ import annotations

import numpy as np
import pytest

from cityindex.methods.weights_optimised import _aggregator, optimise, optimised


@pytest.mark.parametrize("measure", ["correlation", "importance"])
def test_the_batched_solver_finds_the_weights_scipys_least_squares_finds(measure: str) -> None:
    """Against the per-replicate solver it replaces (scipy's trust-region least squares, still
    used for level-wide optimisation): the same weights where the target is reachable."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 1.0, size=(6, 30, 3))
    batch = optimised(x, measure=measure, unreachable="closest")
    for r in range(len(x)):
        w, _, f = optimise(x[r], np.full(3, 1 / 3), _aggregator(None), measure=measure)
        if f < 1e-20:
            np.testing.assert_allclose(batch[r], w, atol=1e-8)


def test_a_batch_reaches_an_exact_balance_in_every_replicate() -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(0.0, 1.0, size=(20, 40, 2))
    w = optimised(x)  # unreachable: error, so every replicate must balance
    y = np.einsum("rij,rj->ri", x, w)
    for r in range(len(x)):
        c = [np.corrcoef(x[r, :, j], y[r])[0, 1] for j in range(2)]
        assert c[0] == pytest.approx(c[1], abs=1e-9)
