"""`cityindex weights`: every weight with the method and parameters that produced it, at every
level, effective weights, and AHP consistency; MCDA methods from `--set`; AHP at 40+ criteria
through YAML."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cityindex import compute, load_data, load_spec
from cityindex.cli import run
from cityindex.load.shipped import default_spec


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(args)
    out, err = capsys.readouterr()
    return code, out, err


def _entropy_weights(z: np.ndarray) -> np.ndarray:
    """Entropy weights from the textbook formula, written out independently of the kernel."""
    n = z.shape[0]
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    d = 1 + plogp.sum(axis=0) / np.log(n)
    return d / d.sum()


# ----------------------------------------------------------------------------- columns


def test_weights_csv_keeps_the_design_columns_first_then_method_and_params(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand example's fixed weights: x1, x2 1:1 in g1, x3 alone in g2, g1:g2 = 3:1, so the
    effective weights are 0.75·0.5 = 0.375, 0.375 and 0.25; `params` gives the spec weight."""
    code, out, _ = _run(["weights", str(hand), "--format", "csv"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "indicator,group,weight,effective_weight,method,params",
        "x1,g1,0.5,0.375,fixed,weight=1",
        "x2,g1,0.5,0.375,fixed,weight=1",
        "x3,g2,1.0,0.25,fixed,weight=1",
    ]


def test_the_table_shows_group_weights_with_their_method(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["weights", str(hand), "--format", "table"], capsys)
    assert code == 0
    assert "Group weights" in out
    g1 = next(line for line in out.splitlines() if line.startswith("│ g1 "))
    assert "0.7500" in g1
    assert "weight=3" in g1
    assert "AHP consistency" not in out


def test_derived_entropy_weights_are_shown_at_every_level_with_their_parameters(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Entropy on the hand example's normalised values, recomputed here from the formula:
    g1 from x1 = (0, 1/3, 2/3, 1) and x2 = (1, 2/3, 0, 1); the index from the group scores."""
    args = ["weights", str(hand), "--format", "json", "--set", "methods.weights.method=entropy"]
    code, out, _ = _run(args, capsys)
    assert code == 0
    payload = json.loads(out)
    z = np.array([[0, 1], [1 / 3, 2 / 3], [2 / 3, 0], [1, 1]], dtype=float)
    w_g1 = _entropy_weights(z)
    rows = {r["indicator"]: r for r in payload["results"]}
    assert rows["x1"]["weight"] == pytest.approx(w_g1[0], abs=1e-12)
    assert rows["x2"]["weight"] == pytest.approx(w_g1[1], abs=1e-12)
    assert rows["x1"]["method"] == "entropy"
    assert rows["x1"]["params"] == "shift=0, on=normalised"
    # the index level: entropy of the two group scores per unit (A, B, C, D)
    g1 = z @ w_g1
    g2 = np.array([0.5, 0.25, 0.0, 1.0])
    w_root = _entropy_weights(np.column_stack([g1, g2]))
    groups = {r["group"]: r for r in payload["groups"]}
    assert groups["g1"]["weight"] == pytest.approx(w_root[0], abs=1e-12)
    assert groups["g2"]["method"] == "entropy"
    assert rows["x1"]["effective_weight"] == pytest.approx(w_root[0] * w_g1[0], abs=1e-12)
    assert payload["consistency"] == []


# ----------------------------------------------------------------------------- AHP

AHP_SPEC = """\
index:
  id: ahp3
  title: Three groups judged by AHP
  data: data.csv
  unit: unit
methods:
  weights:
    method: ahp
    allow_inconsistent: true
    pairs: [[g1, g2, 2], [g2, g3, 2], [g1, g3, 1]]
groups:
  g1: {indicators: {x1: {column: x1, direction: higher_is_better}}}
  g2: {indicators: {x2: {column: x2, direction: higher_is_better}}}
  g3:
    indicators:
      x3: {column: x3, direction: higher_is_better, weight: 2}
      x4: {column: x4, direction: higher_is_better, weight: 1}
"""


def _principal(a: np.ndarray) -> tuple[np.ndarray, float]:
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return w / w.sum(), float(values[k].real)


def test_ahp_weights_come_with_lambda_max_ci_ri_and_cr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """g1 > g2 (2), g2 > g3 (2) but g1 = g3: inconsistent (consistent would be g1:g3 = 4).
    λmax, the eigenvector, CI = (λmax − 3)/2 and CR = CI / 0.58 (Saaty's RI(3)) are
    recomputed here with numpy's eigen-solver; the sub-group g3 keeps its fixed 2:1."""
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3,x4\nA,1,2,3,4\nB,2,1,4,3\nC,3,3,1,1\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(AHP_SPEC, encoding="utf-8")
    code, out, _ = _run(["weights", str(spec), "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    a = np.array([[1, 2, 1], [1 / 2, 1, 2], [1, 1 / 2, 1]])
    w, lam = _principal(a)
    ci = (lam - 3) / 2
    [row] = payload["consistency"]
    assert row["group"] == "ahp3"
    assert row["method"] == "ahp"
    assert row["judge"] == "pairs"
    assert row["n"] == 3
    assert row["lambda_max"] == pytest.approx(lam, abs=1e-10)
    assert row["ci"] == pytest.approx(ci, abs=1e-10)
    assert row["ri"] == 0.58
    assert row["cr"] == pytest.approx(ci / 0.58, abs=1e-10)
    groups = {r["group"]: r for r in payload["groups"]}
    assert [groups[g]["weight"] for g in ("g1", "g2", "g3")] == pytest.approx(w, abs=1e-10)
    assert groups["g1"]["method"] == "ahp"
    assert groups["g1"]["params"] == "pairs=<3 judgements>, allow_inconsistent=True, missing=error"
    rows = {r["indicator"]: r for r in payload["results"]}
    assert rows["x3"]["method"] == "fixed"
    assert rows["x3"]["weight"] == pytest.approx(2 / 3)
    assert rows["x3"]["effective_weight"] == pytest.approx(w[2] * 2 / 3, abs=1e-10)
    code, out, _ = _run(["weights", str(spec), "--format", "table"], capsys)
    assert code == 0
    assert "AHP consistency" in out
    assert f"{ci / 0.58:.4f}" in out


def test_ahp_inside_combine_reports_its_consistency_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data.csv").write_text("unit,x1,x2,x3,x4\nA,1,2,3,4\nB,2,1,4,3\nC,3,3,1,1\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        AHP_SPEC.replace(
            """    method: ahp
    allow_inconsistent: true
    pairs: [[g1, g2, 2], [g2, g3, 2], [g1, g3, 1]]""",
            """    method: combine
    of:
      - {method: ahp, pairs: [[g1, g2, 2], [g2, g3, 2], [g1, g3, 4]]}
      - {method: entropy}""",
        ),
        encoding="utf-8",
    )
    code, out, _ = _run(["weights", str(spec), "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    [row] = payload["consistency"]
    assert row["method"] == "combine.of[0]: ahp"
    assert row["lambda_max"] == pytest.approx(3.0, abs=1e-10)
    assert row["cr"] == pytest.approx(0.0, abs=1e-10)
    groups = {r["group"]: r for r in payload["groups"]}
    assert groups["g1"]["method"] == "combine"
    assert groups["g1"]["params"] == "rule=additive, of=[ahp(pairs=<3 judgements>); entropy]"


def _forty_criteria_spec(tmp_path: Path, n: int, pairs: list[str], extra: str = "") -> Path:
    columns = [f"c{i:02d}" for i in range(n)]
    rng = np.random.default_rng(7)
    values = rng.uniform(1, 100, size=(6, n))
    lines = ["unit," + ",".join(columns)]
    lines += [f"U{u}," + ",".join(f"{v:.3f}" for v in values[u]) for u in range(6)]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators = "\n".join(
        f"      {c}: {{column: {c}, direction: higher_is_better}}" for c in columns
    )
    text = f"""\
index: {{id: big, title: Many criteria, data: data.csv, unit: unit}}
groups:
  all:
    methods:
      weights:
        method: ahp{extra}
        pairs:
{chr(10).join("          - " + p for p in pairs)}
    indicators:
{indicators}
"""
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def test_ahp_with_forty_two_criteria_works_through_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A consistent 42 × 42 judgement matrix a_ij = v_i / v_j (v spread over [1, 9], so every
    judgement is on Saaty's scale), all 861 pairs written in YAML: the eigenvector is v / Σv,
    λmax = n and CR = 0; RI(42) is Alonso & Lamata's (1.7699·42 − 4.3513) / 41."""
    n = 42
    v = 1 + 8 * np.arange(n) / (n - 1)
    pairs = [
        f"[c{i:02d}, c{j:02d}, {float(v[i] / v[j])!r}]" for i in range(n) for j in range(i + 1, n)
    ]
    spec = _forty_criteria_spec(tmp_path, n, pairs)
    code, out, err = _run(["weights", str(spec), "--format", "json"], capsys)
    assert code == 0, err
    payload = json.loads(out)
    weights = [r["weight"] for r in payload["results"]]
    assert weights == pytest.approx(v / v.sum(), abs=1e-12)
    [row] = payload["consistency"]
    assert row["n"] == n
    assert row["lambda_max"] == pytest.approx(n, abs=1e-9)
    assert row["cr"] == pytest.approx(0.0, abs=1e-9)
    assert row["ri"] == pytest.approx((1.7699 * n - 4.3513) / (n - 1), abs=1e-12)


def test_ahp_with_forty_five_criteria_and_a_chain_of_judgements_is_completed_by_harker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the 44 neighbouring pairs c_i : c_{i+1} judged, `missing: harker`: Harker's
    completion of a consistent chain is the consistent matrix, so the weights are v / Σv;
    scoring works too and the index is the weighted mean of the normalised values."""
    n = 45
    v = 1 + 8 * np.arange(n) / (n - 1)
    pairs = [f"[c{i:02d}, c{i + 1:02d}, {float(v[i] / v[i + 1])!r}]" for i in range(n - 1)]
    spec = _forty_criteria_spec(tmp_path, n, pairs, extra="\n        missing: harker")
    code, out, err = _run(["weights", str(spec), "--format", "json"], capsys)
    assert code == 0, err
    weights = [r["weight"] for r in json.loads(out)["results"]]
    assert weights == pytest.approx(v / v.sum(), abs=1e-10)
    loaded = load_spec(spec)
    result = compute(loaded, load_data(loaded.index.data, unit="unit"))
    z = result.stages["normalised"].to_numpy()
    assert result.score == pytest.approx(z @ (v / v.sum()), abs=1e-10)


def test_an_inconsistent_forty_criteria_ahp_fails_validation_with_its_cr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Random judgements on Saaty's scale for 40 criteria (seeded): `validate` exits 1 and
    names the CR; with `allow_inconsistent` the CR shown equals CI / RI(40) recomputed from
    numpy's eigenvalues (a random reciprocal matrix has CR near 1 by the very definition of
    RI as the mean CI of such matrices)."""
    n = 40
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    rng = np.random.default_rng(40)
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = scale[int(rng.integers(len(scale)))]
            a[j, i] = 1 / a[i, j]
    pairs = [f"[c{i:02d}, c{j:02d}, {float(a[i, j])!r}]" for i in range(n) for j in range(i + 1, n)]
    _, lam = _principal(a)
    cr = (lam - n) / (n - 1) / ((1.7699 * n - 4.3513) / (n - 1))
    assert cr > 0.1  # the premise: these judgements are inconsistent
    spec = _forty_criteria_spec(tmp_path, n, pairs)
    code, _, err = _run(["validate", str(spec)], capsys)
    assert code == 1
    assert f"judgements are inconsistent: CR = {cr:.3f} > 0.1" in err
    spec = _forty_criteria_spec(tmp_path, n, pairs, extra="\n        allow_inconsistent: true")
    code, out, err = _run(["weights", str(spec), "--format", "json"], capsys)
    assert code == 0, err
    [row] = json.loads(out)["consistency"]
    assert row["lambda_max"] == pytest.approx(lam, abs=1e-9)
    assert row["cr"] == pytest.approx(cr, abs=1e-9)


# ----------------------------------------------------------------------------- --set


def test_critic_weights_and_topsis_can_be_chosen_with_set_on_the_default_spec(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--set methods.weights.method=critic --set methods.aggregate.method=topsis` on the shipped
    default index: every node uses them (manifest), the CLI's JSON equals the library's result,
    and the policy group's CRITIC weights match the formula on its two normalised indicators
    (with two children, Σ_k (1 − r_jk) = 1 − r for both, so w_j ∝ σ_j)."""
    sets = ["--set", "methods.weights.method=critic", "--set", "methods.aggregate.method=topsis"]
    code, out, err = _run(["score", "--format", "json", *sets], capsys)
    assert code == 0, err
    payload = json.loads(out)
    nodes = payload["manifest"]["methods"]
    groups = [k for k, m in nodes.items() if "aggregate" in m]
    assert {nodes[g]["weights"]["method"] for g in groups} == {"critic"}
    assert {nodes[g]["aggregate"]["method"] for g in groups} == {"topsis"}
    spec = load_spec(default_spec(), overrides=[s for s in sets if s != "--set"])
    result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))
    by_unit = {r[result.unit_column]: r["score"] for r in payload["results"]}
    for unit in result.units:
        assert by_unit[unit] == pytest.approx(result.score_of(unit), abs=1e-12)
    default = load_spec(default_spec())
    baseline = compute(default, load_data(default.index.data, unit=default.index.unit))
    assert not np.allclose(result.score, baseline.score, equal_nan=True)
    code, out, err = _run(["weights", "--format", "json", *sets], capsys)
    assert code == 0, err
    rows = {r["indicator"]: r for r in json.loads(out)["results"]}
    assert {r["method"] for r in rows.values()} == {"critic"}
    z = result.stages["normalised"].loc[list(np.array(result.units)[result.included])]
    pair = z[["pilot_zone", "pioneer_zone"]].dropna().to_numpy()
    sd = pair.std(axis=0, ddof=1)
    assert [rows["pilot_zone"]["weight"], rows["pioneer_zone"]["weight"]] == pytest.approx(
        sd / sd.sum(), abs=1e-12
    )
