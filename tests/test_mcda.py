"""TOPSIS, VIKOR and grey relational analysis as aggregators."""

from __future__ import annotations

import mcda_reference as ref
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cityindex.methods.mcda import grey_relational, topsis, vikor, vikor_measures
from cityindex.methods.normalise import min_max
from cityindex.methods.weights_objective import critic, entropy

# Opricovic & Tzeng (2004), Eur. J. Oper. Res. 156(2): 445-455, numerical example (section 5):
# three alternatives, f1 to be minimised, f2 maximised, equal weights.
OPRICOVIC = np.array([[1.0, 3000.0], [2.0, 3750.0], [5.0, 4500.0]])
OPRICOVIC_DIRECTION = np.array([-1.0, 1.0])


def test_topsis_reproduces_opricovic_and_tzeng_2004_with_linear_normalisation():
    """Closeness 0.500, 0.617, 0.500 for A1..A3 with min-max (linear) normalisation, as quoted
    (3 decimals) by pymcdm's test suite citing Opricovic & Tzeng (2004); the paper was not
    available here to check the table. The same data vector-normalised gives a different
    ranking (A1 first): the normalisation is part of the method, so the spec states it."""
    z = min_max(OPRICOVIC, direction=OPRICOVIC_DIRECTION)
    c = topsis(z, np.array([0.5, 0.5]))
    assert np.round(c, 3).tolist() == [0.500, 0.617, 0.500]
    assert c == pytest.approx(ref.topsis(z.tolist(), [0.5, 0.5]), abs=1e-12)
    vector = OPRICOVIC / np.sqrt((OPRICOVIC**2).sum(axis=0)) * OPRICOVIC_DIRECTION
    assert np.argmax(topsis(vector, np.array([0.5, 0.5]))) == 0


def test_vikor_reproduces_opricovic_and_tzeng_2004():
    """Same example: S = (0.5, 0.375, 0.5), R = (0.5, 0.25, 0.5), Q = (1, 0, 1) with v = 0.5
    (Q as quoted by pymcdm's test suite; S and R worked by hand from eqs. (1)-(2)). The score
    is 1 − Q, so A2 scores 1 and A1, A3 score 0."""
    s, r, q = vikor_measures(OPRICOVIC * OPRICOVIC_DIRECTION, np.array([0.5, 0.5]))
    assert s.tolist() == pytest.approx([0.5, 0.375, 0.5])
    assert r.tolist() == pytest.approx([0.5, 0.25, 0.5])
    assert q.tolist() == pytest.approx([1.0, 0.0, 1.0])
    z = min_max(OPRICOVIC, direction=OPRICOVIC_DIRECTION)
    assert vikor(z, np.array([0.5, 0.5])).tolist() == pytest.approx([0.0, 1.0, 0.0])


def test_vikor_reproduces_yang_and_wu_2020():
    """Yang, W. & Wu, Y. (2020). A new improvement method to avoid rank reversal in VIKOR.
    IEEE Access 8: 21261-21271: Q = 0.5679, 0.7667, 1, 0.7493, 0 (as quoted by pymcdm's tests;
    not checked against the paper here)."""
    x = np.array(
        [[78, 56, 34, 6], [4, 45, 3, 97], [18, 2, 50, 63], [9, 14, 11, 92], [85, 9, 100, 29]],
        dtype=float,
    )
    _, _, q = vikor_measures(x, np.full(4, 0.25))
    assert np.round(q, 4).tolist() == [0.5679, 0.7667, 1.0, 0.7493, 0.0]


def test_vikor_v_trades_group_utility_against_regret():
    z = min_max(np.array(ref.TWELVE_BY_SIX), direction=np.array(ref.TWELVE_BY_SIX_DIRECTION, float))
    w = np.full(6, 1 / 6)
    s, r, _ = vikor_measures(z, w)
    utility_only = vikor(z, w, v=1.0)
    assert utility_only == pytest.approx(1 - (s - s.min()) / (s.max() - s.min()))
    regret_only = vikor(z, w, v=0.0)
    assert regret_only == pytest.approx(1 - (r - r.min()) / (r.max() - r.min()))


def test_grey_relational_hand_worked():
    """Three units, two children, ρ = 0.5, w = (0.6, 0.4):
    x = [[1, 0.2], [0.5, 1], [0, 0.6]] → reference (1, 1); Δ = [[0, 0.8], [0.5, 0], [1, 0.4]];
    Δmin = 0, Δmax = 1; ξ = 0.5/(Δ + 0.5) = [[1, 5/13], [1/2, 1], [1/3, 5/9]];
    γ = (0.6 + 0.4·5/13, 0.3 + 0.4, 0.2 + 0.4·5/9) = (0.753846, 0.7, 0.422222)."""
    x = np.array([[1.0, 0.2], [0.5, 1.0], [0.0, 0.6]])
    g = grey_relational(x, np.array([0.6, 0.4]))
    assert g == pytest.approx([0.6 + 0.4 * 5 / 13, 0.7, 0.2 + 0.4 * 5 / 9], abs=1e-12)


def test_grey_relational_rho_changes_the_spread():
    x = np.array([[1.0, 0.2], [0.5, 1.0], [0.0, 0.6]])
    w = np.array([0.5, 0.5])
    assert np.ptp(grey_relational(x, w, rho=0.2)) > np.ptp(grey_relational(x, w, rho=0.9))


def test_entropy_critic_and_topsis_on_twelve_units_agree_with_the_formulas():
    """The issue's 12 × 6 check: min-max with one cost indicator, entropy and CRITIC weights,
    TOPSIS closeness, each within 1e-9 of the loop-by-loop implementation in mcda_reference."""
    raw = ref.TWELVE_BY_SIX
    z = min_max(np.array(raw), direction=np.array(ref.TWELVE_BY_SIX_DIRECTION, float))
    z_ref = ref.min_max(raw, ref.TWELVE_BY_SIX_DIRECTION)
    assert z == pytest.approx(np.array(z_ref), abs=1e-12)
    w_entropy = entropy(z)
    w_critic = critic(z)
    assert w_entropy == pytest.approx(ref.entropy(z_ref), abs=1e-9)
    assert w_critic == pytest.approx(ref.critic(z_ref), abs=1e-9)
    for w in (w_entropy, w_critic):
        assert topsis(z, w) == pytest.approx(ref.topsis(z_ref, list(w)), abs=1e-9)


def test_topsis_drops_a_missing_child_from_the_distances():
    z = np.array([[1.0, np.nan], [0.0, 0.0], [0.5, 1.0]])
    c = topsis(z, np.array([0.5, 0.5]))
    assert c[0] == 1.0  # on its one present child it is at the ideal
    assert c[1] == 0.0


def test_aggregators_score_replicates_in_one_call():
    z = min_max(np.array(ref.TWELVE_BY_SIX), direction=np.array(ref.TWELVE_BY_SIX_DIRECTION, float))
    stacked = np.stack([z, z**2])
    w = np.stack([np.full(6, 1 / 6), entropy(z)])
    for kernel in (topsis, vikor, grey_relational):
        both = kernel(stacked, w)
        assert both[0] == pytest.approx(kernel(z, w[0]), abs=1e-12)
        assert both[1] == pytest.approx(kernel(z**2, w[1]), abs=1e-12)


values = arrays(float, st.tuples(st.integers(2, 10), st.integers(1, 5)), elements=st.floats(0, 1))


@settings(max_examples=80, deadline=None)
@given(z=values, data=st.data())
def test_topsis_closeness_lies_in_unit_interval_and_the_dominant_unit_scores_one(z, data):
    k = z.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=k, max_size=k)))
    w = w / w.sum()
    c = topsis(z, w)
    assert np.all((c >= 0) & (c <= 1))
    best = np.vstack([z, z.max(axis=0)])  # a unit best on every indicator
    assert topsis(best, w)[-1] == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(z=values)
def test_vikor_and_grey_scores_lie_in_their_ranges(z):
    w = np.full(z.shape[1], 1 / z.shape[1])
    score = vikor(z, w)
    assert np.all((score >= -1e-12) & (score <= 1 + 1e-12))
    g = grey_relational(z, w, rho=0.5)
    assert np.all((g >= 1 / 3 - 1e-12) & (g <= 1 + 1e-12))


@pytest.mark.parametrize(
    ("weights", "aggregate"),
    [("entropy", "topsis"), ("critic", "topsis"), ("equal", "vikor"), ("equal", "grey_relational")],
)
def test_methods_work_from_set_overrides_through_the_pipeline(hand, weights, aggregate):
    """`--set methods.weights.method=… --set methods.aggregate.method=…` on the hand spec: the
    group g1's score is the kernel applied to the normalised stage with the derived weights."""
    from cityindex import compute, load_data, load_spec
    from cityindex.methods.registry import get_method

    spec = load_spec(
        hand, [f"methods.weights.method={weights}", f"methods.aggregate.method={aggregate}"]
    )
    result = compute(spec, load_data(spec.index.data, unit="unit"))
    z = result.stages["normalised"][["x1", "x2"]].to_numpy()
    w = get_method("weights", weights).kernel(z, fixed=np.ones(2))
    assert result.weights["g1"].to_numpy() == pytest.approx(w, abs=1e-12)
    expected = get_method("aggregate", aggregate).kernel(z, w)
    assert result.group_scores["g1"].to_numpy() == pytest.approx(expected, abs=1e-12)
