"""MPI on raw data as Compind computes it (issue 24, item 1), to 1e-9, with its convention explicit.

Compind's definition, cran/Compind on CRAN's GitHub mirror:

- ``R/normalise_ci.R`` (method = 1): ``z.mean + ((x - Ma) / Sqm) * z.std`` for polarity "POS",
  ``z.mean - ((x - Ma) / Sqm) * z.std`` for "NEG", ``Ma`` the column means, ``Sqm`` R's ``sd``
  (the *sample* sd, n − 1);
- ``R/ci_mpi.R``: ``Ma_z <- apply(z, 1, mean)``, ``Sqm_z <- (apply(z, 1, var))^0.5`` (sample sd
  across a unit's indicators), ``cv = Sqm_z / Ma_z``, then ``Ma_z * (1 - cv^2)`` for
  penalty "POS" and ``Ma_z * (1 + cv^2)`` otherwise.

Where the standardisation happens changed between versions of ``ci_mpi``: 2.7.1–3.2 standardise
inside (``z = scale(x_num) * S + M`` with S = 10, M = 100), 3.3 and later take the input as
given and the help's example calls ``normalise_ci(..., method = 1, z.mean = 100, z.std = 10)``
first. cityindex's ``mpi`` (``standardise: true``, the default) is both; ``standardise: false``
is the bare 3.3+ function, which on raw data gives other numbers (the issue's gap).

The functions below transcribe those R lines; the worked example's numbers are pinned as well.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import cityindex
from cityindex.errors import SpecError

# Five regions: income (POS), unemployment (NEG), years of schooling (POS).
RAW = np.array(
    [
        [32.0, 7.5, 11.2],
        [27.5, 9.1, 12.8],
        [41.0, 5.2, 10.1],
        [22.3, 12.4, 9.4],
        [35.8, 6.0, 13.5],
    ]
)
UNITS = ["r1", "r2", "r3", "r4", "r5"]
NAMES = ["income", "unemployment", "schooling"]
DATA = pd.DataFrame(RAW, columns=NAMES).assign(region=UNITS)


def normalise_ci(x: np.ndarray, polarity: list[str]) -> np.ndarray:
    """Compind's ``normalise_ci(x, polarity, method = 1, z.mean = 100, z.std = 10)``."""
    sign = np.array([1.0 if p == "POS" else -1.0 for p in polarity])
    return 100 + sign * (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) * 10


def ci_mpi(z: np.ndarray, penalty: str = "POS") -> np.ndarray:
    """Compind ≥ 3.3's ``ci_mpi(z, penalty)``: the values as given."""
    ma_z = z.mean(axis=1)
    cv = z.std(axis=1, ddof=1) / ma_z
    out: np.ndarray = ma_z * (1 - cv**2) if penalty == "POS" else ma_z * (1 + cv**2)
    return out


def _spec(directions: list[str], aggregate: dict[str, Any], normalise: Any) -> dict[str, Any]:
    return {
        "index": {"id": "mpi", "title": "MPI", "unit": "region", "scale": {"method": "none"}},
        "methods": {"normalise": normalise},
        "groups": {
            "all": {
                "methods": {"aggregate": aggregate},
                "indicators": {n: {"direction": d} for n, d in zip(NAMES, directions, strict=True)},
            }
        },
    }


def _scores(spec: dict[str, Any]) -> np.ndarray:
    frame = cityindex.score(spec, DATA)
    return frame["all"].reindex(UNITS).to_numpy(dtype=float)


COST = ["higher_is_better", "lower_is_better", "higher_is_better"]
BENEFIT = ["higher_is_better"] * 3


@pytest.mark.parametrize(
    ("penalty", "r_penalty", "pinned"),
    [
        (
            "positive",
            "POS",
            [100.3526864850, 98.9402684268, 103.9496350399, 86.6989789976, 108.1798021189],
        ),
        (
            "negative",
            "NEG",
            [100.3987219181, 100.0642083841, 106.2450364657, 86.7815142079, 108.3891479560],
        ),
    ],
)
def test_mpi_on_raw_data_equals_compind_normalise_ci_then_ci_mpi(
    penalty: str, r_penalty: str, pinned: list[float]
) -> None:
    expected = ci_mpi(normalise_ci(RAW, ["POS", "NEG", "POS"]), r_penalty)
    np.testing.assert_allclose(expected, pinned, rtol=0, atol=1e-9)
    spec = _spec(COST, {"method": "mpi", "penalty": penalty}, {"method": "none"})
    np.testing.assert_allclose(_scores(spec), expected, rtol=0, atol=1e-9)


def test_mpi_on_raw_data_equals_compind_2_7_ci_mpi_which_standardised_inside() -> None:
    """Compind 2.7.1–3.2: ``z = scale(x_num) * 10 + 100`` inside ``ci_mpi`` (every indicator
    positive: that version had no polarity)."""
    z = (RAW - RAW.mean(axis=0)) / RAW.std(axis=0, ddof=1) * 10 + 100
    expected = ci_mpi(z)
    pinned = [99.1020720854, 101.4810391998, 96.8854606455, 94.3029319062, 102.6004495576]
    np.testing.assert_allclose(expected, pinned, rtol=0, atol=1e-9)
    got = _scores(_spec(BENEFIT, {"method": "mpi"}, {"method": "none"}))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_standardise_false_is_compind_3_3_ci_mpi_on_the_values_as_given() -> None:
    """The bare function on raw data: M and cv of the raw numbers, units mixed (the gap)."""
    spec = _spec(BENEFIT, {"method": "mpi", "standardise": False}, {"method": "none"})
    got = _scores(spec)
    np.testing.assert_allclose(got, ci_mpi(RAW), rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        got, [6.5786982249, 10.7142375168, -1.3084665497, 11.6, 5.3991561181], atol=1e-9
    )
    standardised = _scores(_spec(BENEFIT, {"method": "mpi"}, {"method": "none"}))
    assert np.max(np.abs(standardised - got)) > 90  # not the same index at all


def test_standardise_false_after_z_score_100_10_is_compind_s_two_step_recipe() -> None:
    """``normalise: {method: z_score, mean: 100, sd: 10}`` is normalise_ci(method = 1,
    z.mean = 100, z.std = 10), direction included; ``standardise: false`` then is ci_mpi."""
    z_score = {"method": "z_score", "mean": 100, "sd": 10}
    two_step = _scores(_spec(COST, {"method": "mpi", "standardise": False}, z_score))
    expected = ci_mpi(normalise_ci(RAW, ["POS", "NEG", "POS"]))
    np.testing.assert_allclose(two_step, expected, rtol=0, atol=1e-9)
    one_step = _scores(_spec(COST, {"method": "mpi"}, {"method": "none"}))
    np.testing.assert_allclose(one_step, two_step, rtol=0, atol=1e-9)


def test_standardise_false_on_a_raw_cost_indicator_is_refused_with_its_location() -> None:
    spec = _spec(COST, {"method": "mpi", "standardise": False}, {"method": "none"})
    with pytest.raises(SpecError) as err:
        cityindex.score(spec, DATA)
    (problem,) = err.value.issues
    assert problem.code == "spec.direction.ignored"
    assert problem.key_path == "groups.all.indicators.unemployment.direction"
    assert "`mpi`" in problem.message
    assert "normalise" in (problem.hint or "")


def test_the_methods_listing_names_the_standardise_convention() -> None:
    frame = cityindex.methods("aggregate")
    params = frame.loc[("aggregate", "mpi"), "params"]
    assert "standardise: bool = true" in params
    assert "penalty: text = positive" in params
