"""The analyst who asks which assumption moves a 3,000-unit ranking (issue 24, item 5).

Seeded synthetic numbers written by the test (not real figures). Through the installed
command: `sensitivity` gives the same indices whatever `--memory` sizes its chunks to (each
chunk's scores are reduced to one number a run at once), and a plan far too large for the
budget is refused at once, with the bytes it would keep and the most runs that fit.
"""

from __future__ import annotations

import numpy as np
import pytest

from .shell import Shell, rows

UNITS = 3_000
SPEC = """\
index: {id: counties, title: County index, unit: county, data: counties.csv}
methods:
  normalise: {method: min_max, range: [1, 100]}
groups:
  a:
    weight: 1
    indicators:
      a1: {direction: higher_is_better}
      a2: {direction: lower_is_better}
  b:
    weight: 1
    indicators:
      b1: {direction: higher_is_better}
      b2: {direction: higher_is_better}
uncertainty:
  weight_noise: [{level: 1, fraction: 0.5}, {level: 2, fraction: 0.5}]
  alternatives:
    - {path: methods.aggregate.method, options: [arithmetic_mean, geometric_mean]}
"""


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, user: Shell) -> Shell:
    folder = tmp_path_factory.mktemp("sensitivity")
    rng = np.random.default_rng(7)
    values = np.round(rng.lognormal(2, 1, (UNITS, 4)), 2)
    lines = ["county,a1,a2,b1,b2"]
    lines += [f"c{k:05d}," + ",".join(f"{v:.2f}" for v in values[k]) for k in range(UNITS)]
    (folder / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "counties.yaml").write_text(SPEC, encoding="utf-8")
    return Shell(folder, user.executable)


def test_the_indices_are_the_same_under_a_tight_budget_as_under_a_roomy_one(
    county: Shell,
) -> None:
    base = ("sensitivity", "counties.yaml", "--runs", "64", "--seed", "3", "--format", "csv")
    roomy = county.ok(*base, "--memory", "8GB")
    tight = county.ok(*base, "--memory", "64MB")
    assert tight.out == roomy.out
    table = rows(roomy.out)
    assert [r["input"] for r in table] == [
        "methods.aggregate.method",
        "weight_noise:level 1",
        "weight_noise:level 2",
    ]
    for r in table:
        assert 0.0 <= float(r["total"]) <= 1.5
        assert float(r["total_low"]) <= float(r["total"]) <= float(r["total_high"])


def test_a_plan_too_large_for_the_budget_is_refused_at_once_with_the_figures(
    county: Shell,
) -> None:
    shown = county("sensitivity", "counties.yaml", "--runs", "1000000000")
    assert shown.code == 2
    assert "error[usage.memory.runs]" in shown.err
    assert "5,000,000,000 runs (runs=1,000,000,000 × (3 inputs + 2))" in shown.err
    assert "over the memory budget of 1.0 GB" in shown.err
    assert "raise --memory" in shown.err
    assert "Traceback" not in shown.err
    shown = county("uncertainty", "counties.yaml", "--runs", "1000000000")
    assert shown.code == 2
    assert "1,000,000,000 runs of 3,000 units keep" in shown.err
