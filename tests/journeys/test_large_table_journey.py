"""The analyst with a large table: 3,000 county-level units, not the shipped 30 cities.

The data here are seeded synthetic numbers written by the test (not real figures): what is
tested is the path, from a long CSV through `score`, a shuffled copy, `sources`-style cell
texts (`sources`) and `uncertainty` under a small memory budget, to a mistake in row 2,501. Expected
scores are computed independently with numpy (min-max, then the mean of each group, then of
the groups), so the command is checked against arithmetic, not against itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from .shell import Shell, rows

UNITS = 3_000
SPEC = """\
index: {id: counties, title: County index, unit: county, data: counties.csv}
methods:
  normalise: {method: min_max, range: [0, 1]}
  aggregate: {method: arithmetic_mean}
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
  weight_noise: [{level: 2, fraction: 0.25}]
"""


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, user: Shell) -> tuple[Shell, np.ndarray]:
    """The analyst's folder: spec, a 3,000-row CSV (two decimals, trailing zeros kept)."""
    folder = tmp_path_factory.mktemp("counties")
    rng = np.random.default_rng(2026)
    values = np.round(rng.lognormal(2, 1, (UNITS, 4)), 2)
    lines = ["county,a1,a2,b1,b2"]
    lines += [f"c{k:05d}," + ",".join(f"{v:.2f}" for v in values[k]) for k in range(UNITS)]
    (folder / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shuffled = [lines[0], *(lines[1 + k] for k in rng.permutation(UNITS))]
    (folder / "shuffled.csv").write_text("\n".join(shuffled) + "\n", encoding="utf-8")
    (folder / "counties.yaml").write_text(SPEC, encoding="utf-8")
    return Shell(folder, user.executable), values


def expected_scores(values: np.ndarray) -> np.ndarray:
    """min-max per indicator (a2 reversed), group means, then the mean of the two groups."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    z = (values - lo) / (hi - lo)
    z[:, 1] = 1 - z[:, 1]
    return (z[:, :2].mean(axis=1) + z[:, 2:].mean(axis=1)) / 2


def test_every_county_is_scored_and_ranked_as_the_arithmetic_says(
    county: tuple[Shell, np.ndarray],
) -> None:
    shell, values = county
    table = rows(shell.ok("score", "counties.yaml", "--format", "csv").out)
    assert len(table) == UNITS
    assert [int(r["rank"]) for r in table] == sorted(int(r["rank"]) for r in table)
    want = expected_scores(values)
    got = {r["county"]: float(r["score"]) for r in table}
    best = int(np.argmax(want))
    assert table[0]["county"] == f"c{best:05d}"
    for k in (0, 1_234, UNITS - 1):
        assert got[f"c{k:05d}"] == pytest.approx(want[k], abs=5e-5)  # the CSV shows 4 decimals


def test_the_row_order_of_the_file_changes_no_byte_of_the_output(
    county: tuple[Shell, np.ndarray],
) -> None:
    shell, _ = county
    first = shell.ok("score", "counties.yaml", "--format", "csv").out
    again = shell.ok("score", "counties.yaml", "--data", "shuffled.csv", "--format", "csv").out
    assert again == first


def test_values_are_listed_as_written_in_the_file_and_matched_to_sources_as_numbers(
    county: tuple[Shell, np.ndarray],
) -> None:
    """`sources` shows a county's values as the file writes them (9.40, not 9.4), and a source
    row that writes the same number another way (9.4) is still its source."""
    shell, values = county
    k = next(k for k in range(UNITS) if f"{values[k, 1]:.2f}".endswith("0"))
    written = f"{values[k, 1]:.2f}"
    (shell.cwd / "counties.sources.csv").write_text(
        "unit,column,value,year,url,note\n"
        f"c{k:05d},a2,{float(written)!r},2024,https://example.org/a2,\n",
        encoding="utf-8",
    )
    listed = rows(shell.ok("sources", "counties.yaml", "--unit", f"c{k:05d}").out)
    by_column = {r["column"]: r for r in listed}
    assert [r["value"] for r in listed] == [f"{v:.2f}" for v in values[k]]
    assert by_column["a2"]["value"] == written
    assert by_column["a2"]["url"] == "https://example.org/a2"
    assert by_column["a1"]["note"] == "NO SOURCE"


def test_uncertainty_under_a_small_budget_warns_and_gives_the_same_intervals(
    county: tuple[Shell, np.ndarray],
) -> None:
    shell, _ = county
    base = ("uncertainty", "counties.yaml", "--runs", "200", "--seed", "5", "--format", "csv")
    roomy = shell.ok(*base)
    tight = shell.ok(*base, "--memory", "64MB")
    assert tight.out == roomy.out
    assert "--memory budget" not in roomy.err
    assert "over the --memory budget of 64 MB" in tight.err
    assert len(rows(roomy.out)) == UNITS


def test_a_mistake_in_row_2501_is_named_by_line_unit_and_column(
    county: tuple[Shell, np.ndarray],
) -> None:
    shell, _ = county
    lines = (shell.cwd / "counties.csv").read_text(encoding="utf-8").splitlines()
    row = lines[2_501].rsplit(",", 1)[0]  # c02500 without its last cell
    lines[2_501] = row + ",1,234"  # a thousands separator, unquoted
    (shell.cwd / "broken.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown = shell("score", "counties.yaml", "--data", "broken.csv")
    assert shown.code == 1
    assert "broken.csv:2502" in shown.err
    assert "row 2502 has 6 cells; the header has 5" in shown.err
    fixed = lines[:]
    fixed[2_501] = row + ',"1,234"'
    (shell.cwd / "broken.csv").write_text("\n".join(fixed) + "\n", encoding="utf-8")
    shown = shell("score", "counties.yaml", "--data", "broken.csv")
    assert shown.code == 1
    assert "error[data.cell.thousands-separator]" in shown.err
    assert "row 2502 (c02500)" in shown.err
    assert "write 1234" in shown.err
