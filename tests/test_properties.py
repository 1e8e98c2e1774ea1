"""Properties every index must have, whatever the data (hypothesis)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cityindex import compute
from cityindex.errors import CityIndexError
from cityindex.load.data import Table
from cityindex.load.spec_yaml import parse_spec
from cityindex.methods.normalise import min_max, relative_to_max, z_score
from tests.conftest import HAND_SPEC

values = arrays(
    float,
    st.tuples(st.integers(2, 12), st.integers(1, 5)),
    elements=st.floats(0.5, 1e6, allow_nan=False, allow_infinity=False),
)
directions = st.lists(st.sampled_from([1.0, -1.0]), min_size=5, max_size=5)


@given(values, directions)
def test_min_max_lies_in_range_and_maps_the_best_unit_to_the_top(
    x: np.ndarray, d: list[float]
) -> None:
    direction = np.array(d[: x.shape[1]])
    z = min_max(x, direction=direction, range=(0.0, 100.0))
    assert np.all((z >= 0) & (z <= 100))
    for j in range(x.shape[1]):
        if np.ptp(x[:, j]) > 0:
            best = np.argmax(x[:, j] * direction[j])
            assert z[best, j] == 100.0


@given(values, directions)
def test_relative_to_max_gives_the_best_unit_exactly_one(x: np.ndarray, d: list[float]) -> None:
    direction = np.array(d[: x.shape[1]])
    z = relative_to_max(x, direction=direction)
    assert np.allclose(np.max(z, axis=0), 1.0)
    assert np.all(z > 0)


@given(values)
def test_monotone_normalisations_keep_rank_order(x: np.ndarray) -> None:
    direction = np.ones(x.shape[1])
    for z in (min_max(x, direction=direction), z_score(x, direction=direction)):
        for j in range(x.shape[1]):
            a, b = x[:, j], z[:, j]
            assert np.all(np.sign(a[:, None] - a[None, :]) * np.sign(b[:, None] - b[None, :]) >= 0)


def _table(frame: pd.DataFrame) -> Table:
    return Table.from_frame(frame, unit="unit", name="t.csv")


def _frame(x: np.ndarray) -> pd.DataFrame:
    units = [f"U{i}" for i in range(x.shape[0])]
    frame = pd.DataFrame({"unit": units}, dtype=object)
    for j, col in enumerate(("x1", "x2", "x3")):
        frame[col] = [repr(float(v)) for v in x[:, j % x.shape[1]]]
    return frame


def _spec(overrides: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    spec, issues = parse_spec(HAND_SPEC, file="s.yaml", base_dir=Path("."), overrides=overrides)
    assert not issues
    return spec


@settings(max_examples=60, deadline=None)
@given(values, st.floats(0.01, 100))
def test_scaling_a_groups_weights_by_a_constant_changes_nothing(x: np.ndarray, c: float) -> None:
    table = _table(_frame(x))
    base = compute(_spec(), table)
    scaled = compute(_spec((f"groups.g1.weight={3 * c}", f"groups.g2.weight={1 * c}")), table)
    np.testing.assert_allclose(base.score_exact, scaled.score_exact, rtol=1e-12)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_permuting_rows_permutes_the_results(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(x)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    a = compute(_spec(), _table(frame))
    b = compute(_spec(), _table(frame.iloc[order].reset_index(drop=True)))
    back = {u: i for i, u in enumerate(b.units)}
    idx = [back[u] for u in a.units]
    np.testing.assert_allclose(a.score_exact, b.score_exact[idx])  # type: ignore[index]
    np.testing.assert_array_equal(a.rank, b.rank[idx])


@settings(max_examples=40, deadline=None)
@given(values)
def test_compute_never_mutates_its_inputs(x: np.ndarray) -> None:
    frame = _frame(x)
    before = frame.copy()
    spec = _spec()
    raw_before = repr(spec.raw)
    compute(spec, _table(frame))
    pd.testing.assert_frame_equal(frame, before)
    assert repr(spec.raw) == raw_before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_loader_never_crashes_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(CityIndexError):
        parse_spec(text, file="fuzz.yaml")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, len(HAND_SPEC) - 1),
    st.sampled_from([":", " ", "\n", "-", "{", "[", "&a", "*a", "'"]),
)
def test_the_loader_reports_mutated_specs_cleanly(pos: int, junk: str) -> None:
    text = HAND_SPEC[:pos] + junk + HAND_SPEC[pos:]
    try:
        spec, issues = parse_spec(text, file="fuzz.yaml")
    except CityIndexError:
        return
    assert spec is not None or issues
