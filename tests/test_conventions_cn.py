"""Conventions Chinese studies use (issue 24, item 8): vector normalisation, AHP's sum-product
(和积法) and root (方根法) priorities, and VIKOR's S, R, Q with the compromise conditions."""

from __future__ import annotations

import numpy as np
import pytest

from cityindex.methods.ahp import ahp
from cityindex.methods.ahp_judgements import evaluate_ahp
from cityindex.methods.ahp_matrix import ahp_weights
from cityindex.methods.mcda import vikor, vikor_detail
from cityindex.methods.normalise_vector import vector
from cityindex.methods.registry import DomainError, KernelContext, get_method

# -- vector normalisation -------------------------------------------------------------------


def test_vector_divides_each_column_by_its_euclidean_norm_as_pymcdm_does() -> None:
    """pymcdm 1.4.0 ``vector_normalization(x)`` and ``vector_normalization(x, cost=True)``
    (1 − x/‖x‖), computed once on these columns."""
    x = np.array([[250.0, 16], [200, 16], [300, 32], [275, 32], [225, 16]])
    got = vector(x, direction=np.array([-1.0, 1.0]))
    np.testing.assert_allclose(
        got[:, 0], [0.55719256, 0.64575405, 0.46863107, 0.51291181, 0.6014733], atol=1e-8
    )
    np.testing.assert_allclose(
        got[:, 1], [0.30151134, 0.30151134, 0.60302269, 0.60302269, 0.30151134], atol=1e-8
    )
    np.testing.assert_allclose(np.sum(got[:, 1] ** 2), 1.0)


def test_vector_is_registered_in_the_normalise_stage_and_keeps_gaps_and_replicates() -> None:
    assert get_method("normalise", "vector").kernel is vector
    x = np.array([[3.0, 1.0], [np.nan, 2.0], [4.0, 2.0]])
    got = vector(x, direction=np.ones(2))
    np.testing.assert_allclose(got[[0, 2], 0], [0.6, 0.8])
    assert np.isnan(got[1, 0])
    batch = vector(np.stack([x, 2 * x]), direction=np.ones(2))
    np.testing.assert_allclose(batch, np.stack([got, got]))


def test_vector_rejects_negative_values_naming_the_column() -> None:
    with pytest.raises(DomainError) as err:
        vector(np.array([[1.0, -1.0], [2.0, 1.0]]), direction=np.ones(2))
    assert err.value.columns == [1]


# -- AHP priorities -------------------------------------------------------------------------

FOUR = np.array([[1, 3, 2, 4], [1 / 3, 1, 1 / 2, 2], [1 / 2, 2, 1, 3], [1 / 4, 1 / 2, 1 / 3, 1]])
THREE = np.array([[1, 1 / 3, 1 / 5], [3, 1, 1 / 4], [5, 4, 1]])


def test_sum_product_priority_reproduces_the_textbook_worked_example() -> None:
    """和积法 on the 4 × 4 matrix worked in "层次分析法例题" (wanglu.net/thread/t12-329353-0,
    2017): column-normalised row means W = (0.4658, 0.1611, 0.2771, 0.0960),
    AW = (1.8872, 0.6469, 1.1201, 0.3853), λmax = 4.0310, CI = 0.0103, CR = 0.011."""
    w, lam, ci, cr = ahp_weights(FOUR, priority="sum_product")
    np.testing.assert_allclose(w, [0.4658, 0.1611, 0.2771, 0.0960], atol=5e-5)
    np.testing.assert_allclose(FOUR @ w, [1.8872, 0.6469, 1.1201, 0.3853], atol=5e-4)
    assert round(lam, 4) == 4.0310
    assert round(ci, 4) == 0.0103
    assert round(cr, 3) == 0.011


def test_geometric_mean_priority_reproduces_the_textbook_worked_example() -> None:
    """方根法 on A = [[1, 1/3, 1/5], [3, 1, 1/4], [5, 4, 1]] as worked in the answer at
    55.wendadaohang.com/zd/QeLe84RG8 (2013): W = (0.1007, 0.2255, 0.6738),
    λmax = 3.0858, CI = 0.0429, CR = 0.0739 (RI = 0.58)."""
    w, lam, ci, cr = ahp_weights(THREE, priority="geometric_mean")
    np.testing.assert_allclose(w, [0.1007, 0.2255, 0.6738], atol=5e-5)
    assert round(lam, 4) == 3.0858
    assert round(ci, 4) == 0.0429
    assert round(cr, 4) == 0.0739


def test_the_eigenvector_stays_the_default_and_agrees_on_both_examples() -> None:
    """Saaty's eigenvector: the 3 × 3 example's weights equal the root method's to 1e-12
    (for n = 3 the two coincide); on the 4 × 4 one λmax = 4.0310 as well."""
    w3, lam3, _, _ = ahp_weights(THREE)
    np.testing.assert_allclose(w3, ahp_weights(THREE, priority="geometric_mean")[0], atol=1e-12)
    assert round(lam3, 4) == 3.0858
    assert round(ahp_weights(FOUR)[1], 4) == 4.0310


def test_a_consistent_matrix_gives_the_same_weights_and_lambda_n_under_every_priority() -> None:
    true = np.array([0.5, 0.3, 0.2])
    a = true[:, None] / true[None, :]
    for priority in ("eigenvector", "sum_product", "geometric_mean"):
        w, lam, _, cr = ahp_weights(a, priority=priority)
        np.testing.assert_allclose(w, true)
        assert lam == pytest.approx(3.0)
        assert cr == pytest.approx(0.0, abs=1e-12)


def test_the_ahp_method_takes_priority_from_the_spec() -> None:
    pairs = [["a", "b", 3], ["a", "c", 5], ["b", "c", 2]]
    ctx = KernelContext(column_ids=("a", "b", "c"))
    x = np.ones((4, 3))
    got = ahp(x, ctx=ctx, pairs=pairs, priority="sum_product")
    a = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    np.testing.assert_allclose(got, ahp_weights(a, priority="sum_product")[0])
    assert not np.allclose(got, ahp(x, ctx=ctx, pairs=pairs))


def test_an_unknown_priority_is_reported_not_raised() -> None:
    outcome = evaluate_ahp({"pairs": [["a", "b", 2]], "priority": "power"}, ["a", "b"])
    assert [p.code for p in outcome.problems] == ["ahp.priority"]


# -- VIKOR detail and compromise conditions --------------------------------------------------


def test_vikor_detail_on_opricovic_and_tzengs_example_proposes_a2_alone() -> None:
    """The three alternatives of Opricovic & Tzeng (2004, Eur. J. Oper. Res. 156: 445-455,
    section 4), f1 = (1, 2, 5) to be minimised and f2 = (3000, 3750, 4500) maximised, w = 0.5
    each, v = 0.5 (the matrix pymcdm's TOPSIS docstring also uses). Worked by hand: S = (0.5,
    0.375, 0.5), R = (0.5, 0.25, 0.5), Q = (1, 0, 1); A2 is best by Q, S and R, and Q(A1) −
    Q(A2) = 1 ≥ DQ = 1/(3 − 1): both conditions hold and A2 is the compromise solution."""
    x = np.array([[1.0, 3000], [2, 3750], [5, 4500]])
    ctx = KernelContext(directions=(-1.0, 1.0))
    d = vikor_detail(x, np.array([0.5, 0.5]), ctx=ctx)
    np.testing.assert_allclose(d.s, [0.5, 0.375, 0.5])
    np.testing.assert_allclose(d.r, [0.5, 0.25, 0.5])
    np.testing.assert_allclose(d.q, [1.0, 0.0, 1.0])
    assert d.threshold == 0.5
    assert (d.advantage, d.stability, d.compromise) == (True, True, (1,))
    assert d.order[0] == 1


def test_without_acceptable_advantage_the_compromise_set_runs_to_the_last_unit_within_dq() -> None:
    """pymcdm's VIKOR S, R, Q on a 5 × 4 matrix with a cost column (see test_directions):
    Q = (0.375, 0.5, 0.5, 0.46875, 0.21875), DQ = 1/4. Q(a″) − Q(a′) = 0.15625 < DQ, so C1
    fails; units with Q − Q(a′) < 0.25 are the fifth and first (the fourth is exactly 0.25
    away). C2 holds: the fifth ties for the least R (0.25)."""
    x = np.array([[250.0, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4]])
    x = np.vstack([x, [225.0, 16, 16, 2]])
    ctx = KernelContext(directions=(-1.0, 1.0, 1.0, 1.0))
    d = vikor_detail(x, np.array([0.35, 0.25, 0.25, 0.15]), ctx=ctx)
    np.testing.assert_allclose(d.q, [0.375, 0.5, 0.5, 0.46875, 0.21875])
    assert d.order[:2] == (4, 0)
    assert (d.advantage, d.stability, d.compromise) == (False, True, (4, 0))
    np.testing.assert_allclose(1 - d.q, vikor(x, np.array([0.35, 0.25, 0.25, 0.15]), ctx=ctx))


def test_without_acceptable_stability_the_first_two_share_the_compromise() -> None:
    """Worked by hand (w = 0.4, 0.35, 0.25; v = 0.5): S = (0.35, 0.525, 0.3667, 0.6208,
    0.6417), R = (0.35, 0.4, 0.25, 0.2333, 0.4), Q = (0.35, 0.8, 0.0786, 0.4643, 1). The
    third unit leads by Q with an advantage 0.2714 ≥ DQ = 0.25, but the first is best by S
    and the fourth by R: C2 fails and the compromise is the first two by Q."""
    x = np.array([[5.0, 1, 4], [1, 4, 2], [5, 3, 0], [3, 2, 1], [1, 3, 2]])
    w = np.array([0.4, 0.35, 0.25])
    d = vikor_detail(x, w)
    dist = w * (x.max(axis=0) - x) / (x.max(axis=0) - x.min(axis=0))
    np.testing.assert_allclose(d.s, dist.sum(axis=1))
    np.testing.assert_allclose(d.r, dist.max(axis=1))
    np.testing.assert_allclose(d.q, [0.35, 0.8, 0.0785714, 0.4642857, 1.0], atol=1e-7)
    assert (d.advantage, d.stability, d.compromise) == (True, False, (2, 0))
