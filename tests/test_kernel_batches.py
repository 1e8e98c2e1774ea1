"""Every aggregate and weights kernel in the registry takes a batch of weight vectors.

The registry's contract puts replicate axes in front: a batch of R weight vectors (as weight
noise draws them) or of R data matrices must give exactly the R results of R single calls, so
Monte Carlo runs score every replicate in one vectorised call. The methods are read from the
registry, so a kernel registered later is checked too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cityindex.methods.registry import REGISTRY, REQUIRED, KernelContext, Method, load_methods

load_methods()

UNITS, CHILDREN, RUNS = 9, 3, 5
IDS = tuple(f"c{j}" for j in range(CHILDREN))
CTX = KernelContext(tuple(f"u{i}" for i in range(UNITS)), IDS, {})

# Parameters for methods that cannot run on their defaults (a method with a required
# parameter must appear here, or `test_every_method_with_required_parameters_has_an_example`
# fails).
EXAMPLE_PARAMS: dict[tuple[str, str], dict[str, Any]] = {
    ("weights", "ahp"): {"pairs": [["c0", "c1", 3], ["c0", "c2", 5], ["c1", "c2", 2]]},
    ("weights", "combine"): {
        "of": [{"method": "entropy"}, {"method": "fixed"}, {"method": "critic"}],
        "mix": [1, 2, 1],
    },
    ("aggregate", "generalised_mean"): {"p": 2.0},
    # random data rarely admits exactly balanced correlations: take the closest weights
    ("weights", "optimised"): {"unreachable": "closest"},
}


def methods(stage: str) -> list[Method]:
    return sorted(REGISTRY[stage].values(), key=lambda m: m.name)  # type: ignore[index]


def call(method: Method, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    params = method.resolve(EXAMPLE_PARAMS.get((method.stage, method.name), {}))
    if method.stage == "weights":
        return np.asarray(method.kernel(x, fixed=w, ctx=CTX, **params))
    return np.asarray(method.kernel(x, w, ctx=CTX, **params))


def sample(seed: int, *, gaps: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R data matrices in (0.05, 1] (positive, for the geometric and harmonic means) and R
    weight vectors; with `gaps`, some missing values (never a whole unit or column)."""
    rng = np.random.default_rng(seed)
    xs = rng.uniform(0.05, 1.0, size=(RUNS, UNITS, CHILDREN)).round(2)  # rounding makes ties
    if gaps:
        xs[:, 1, 0] = np.nan
        xs[:, 4, 2] = np.nan
    ws = rng.uniform(0.1, 1.0, size=(RUNS, CHILDREN))
    ws /= ws.sum(axis=-1, keepdims=True)
    return xs, ws, xs[0]


BATCHED = [(s, m) for s in ("aggregate", "weights") for m in methods(s)]


@pytest.mark.parametrize(("stage", "method"), BATCHED, ids=[f"{s}.{m.name}" for s, m in BATCHED])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_batch_of_weight_vectors_gives_the_results_of_single_calls(
    stage: str, method: Method, seed: int
) -> None:
    _, ws, x = sample(seed)
    batch = call(method, x, ws)
    singles = [call(method, x, w) for w in ws]
    assert batch.shape == (RUNS, *singles[0].shape)
    np.testing.assert_array_equal(batch, np.stack(singles))


@pytest.mark.parametrize(("stage", "method"), BATCHED, ids=[f"{s}.{m.name}" for s, m in BATCHED])
def test_a_batch_of_data_and_weights_gives_the_results_of_single_calls(
    stage: str, method: Method
) -> None:
    xs, ws, _ = sample(3)
    paired = call(method, xs, ws)
    singles = [call(method, x, w) for x, w in zip(xs, ws, strict=True)]
    np.testing.assert_array_equal(paired, np.stack(singles))
    shared = call(method, xs, ws[0])
    np.testing.assert_array_equal(shared, np.stack([call(method, x, ws[0]) for x in xs]))


@pytest.mark.parametrize(("stage", "method"), BATCHED, ids=[f"{s}.{m.name}" for s, m in BATCHED])
def test_batches_with_missing_values_give_the_results_of_single_calls(
    stage: str, method: Method
) -> None:
    _, ws, x = sample(4, gaps=True)
    batch = call(method, x, ws)
    np.testing.assert_array_equal(batch, np.stack([call(method, x, w) for w in ws]))


def test_every_method_with_required_parameters_has_an_example() -> None:
    for _, method in BATCHED:
        required = [p.name for p in method.params if p.default is REQUIRED]
        if required:
            assert (method.stage, method.name) in EXAMPLE_PARAMS, method.name


def test_weight_results_sum_to_one_for_every_replicate() -> None:
    _, ws, x = sample(5)
    for method in methods("weights"):
        out = call(method, x, ws)
        np.testing.assert_allclose(out.sum(axis=-1), np.ones(RUNS), rtol=1e-12)
