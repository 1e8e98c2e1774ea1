"""`check` against a published top list: ranks in the full ranking, and rho and tau with n."""

from __future__ import annotations

import numpy as np

from cityindex.analysis.check import check
from cityindex.model.reference import Reference
from cityindex.model.result import IndexResult

NAN = np.nan


def result(scores: list[float]) -> IndexResult:
    """A bare result: units a..e with these scores, ranked highest first."""
    from cityindex.engine.pipeline import rank_desc

    s = np.array(scores)
    units = tuple("abcde"[: len(scores)])
    return IndexResult(  # only what `check` reads
        units=units,
        unit_column="city",
        score=s,
        rank=rank_desc(s),
        coverage=np.ones(len(s)),
        included=np.ones(len(s), dtype=bool),
        group_scores=None,  # type: ignore[arg-type]
        stages={},
        weights={},
        effective_weights=None,  # type: ignore[arg-type]
        imputed=None,  # type: ignore[arg-type]
        manifest={},
        score_exact=s,
    )


def reference(units: list[str], scores: list[float], ranks: list[float]) -> Reference:
    return Reference(
        tuple(units), np.array(scores), np.array(ranks), (4,) * len(units), "", "<test>"
    )


def test_a_published_rank_is_compared_with_the_rank_in_the_full_ranking() -> None:
    """Scores a 0.9, b 0.8, c 0.7, d 0.6. Published: a rank 1 and c rank 2 (a list that left
    b out). c's score matches, but in the full ranking c is 3rd: not reproduced."""
    r = result([0.9, 0.8, 0.7, 0.6])
    report = check(r, reference(["a", "c"], [0.9, 0.7], [1, 2]))
    assert [row["computed_rank"] for row in report.rows] == [1.0, 3.0]
    assert [row["reproduced"] for row in report.rows] == [True, False]
    assert report.reproduced is False
    assert report.max_abs_diff == 0.0


def test_scores_alone_are_judged_on_the_scores() -> None:
    r = result([0.9, 0.8, 0.7, 0.6])
    report = check(r, reference(["a", "c"], [0.9, 0.7], [NAN, NAN]))
    assert report.reproduced is True
    assert report.n_common == 0  # no published rank: rho and tau have nothing to compare
    assert np.isnan(report.spearman)


def test_rho_and_tau_come_with_the_number_of_units_in_common() -> None:
    """Published ranks 1, 2, 3 for a, b, d; computed 1, 3, 2 (d above b), and e unknown here.
    Over the 3 units in common, rank differences 0, 1, 1: rho = 1 - 6·2 / (3·8) = 0.5; of
    the 3 pairs two agree and one (b, d) disagrees: tau = (2 - 1) / 3."""
    r = result([0.9, 0.6, 0.5, 0.7])
    report = check(r, reference(["a", "b", "d", "e"], [NAN] * 4, [1, 2, 3, 4]))
    assert report.missing_units == ["e"]
    assert report.n_common == 3
    assert report.rank_only is True
    np.testing.assert_allclose([report.spearman, report.kendall_tau], [0.5, 1 / 3])
    assert report.summary()["n_common"] == 3
    assert [row["reproduced"] for row in report.rows] == [True, False, False]
