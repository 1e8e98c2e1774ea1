"""A declared direction has its effect through the whole pipeline when nothing normalises the
values (issue 24, item 1): `normalise: none` with TOPSIS scores a cost criterion as a cost, as
pymcdm does, so flipping the direction changes the order instead of giving identical scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cityindex
from tests.test_directions import RAW, WEIGHTS


def _spec(direction: str, method: str) -> dict[str, object]:
    names = ["price", "memory", "storage", "battery"]
    directions = [direction, "higher_is_better", "higher_is_better", "higher_is_better"]
    return {
        "index": {"id": "phones", "title": "Phones", "unit": "phone", "scale": {"method": "none"}},
        "methods": {"normalise": {"method": "none"}, "aggregate": {"method": method}},
        "groups": {
            "all": {
                "indicators": {
                    n: {"direction": d, "weight": float(w)}
                    for n, d, w in zip(names, directions, WEIGHTS, strict=True)
                }
            }
        },
    }


DATA = pd.DataFrame(RAW, columns=["price", "memory", "storage", "battery"]).assign(
    phone=[f"p{i}" for i in range(1, 6)]
)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        # pymcdm 1.4.0 TOPSIS on the raw values, types [-1, 1, 1, 1] (see tests/test_directions.py)
        ("lower_is_better", [0.49373715, 0.88647664, 0.11352336, 0.2677343, 0.73214355]),
        # ... and with every criterion a benefit
        ("higher_is_better", [0.49373715, 0.004233, 0.995767, 0.74735421, 0.25260437]),
    ],
)
def test_topsis_on_raw_values_scores_a_cost_criterion_as_pymcdm_does(
    direction: str, expected: list[float]
) -> None:
    frame = cityindex.score(_spec(direction, "topsis"), DATA)
    got = frame["all"].reindex([f"p{i}" for i in range(1, 6)]).to_numpy(dtype=float)
    np.testing.assert_allclose(got, expected, atol=1e-8)


def test_flipping_a_raw_criterion_changes_the_grey_relational_order() -> None:
    cost = cityindex.score(_spec("lower_is_better", "grey_relational"), DATA)
    benefit = cityindex.score(_spec("higher_is_better", "grey_relational"), DATA)
    assert list(cost.index) != list(benefit.index)
