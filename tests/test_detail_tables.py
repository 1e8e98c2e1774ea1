"""The SPSSAU tables (`weights --detail`, `score --detail`; issue 23 item 3, issue 24 item 8):
entropy e, d, w; TOPSIS D⁺, D⁻, C; VIKOR S, R, Q with Opricovic & Tzeng's conditions.

Each is checked against the textbook formula worked by hand in plain Python (loops, no numpy)
on a small example, against the index's own weights and scores, and against a published
worked example: Papathanasiou & Ploskas (2018) for TOPSIS, Opricovic & Tzeng (2004) for VIKOR.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import mcda_reference
import pandas as pd
import pytest
from mcda_reference import transpose

import cityindex
from cityindex.cli import run

UNITS = ["A", "B", "C", "D"]
X = [[2.0, 30.0, 5.0], [4.0, 10.0, 6.0], [6.0, 20.0, 2.0], [8.0, 40.0, 7.0]]
"""Four units × three benefit indicators, all positive (so entropy may be taken of them raw)."""


def _spec(aggregate: dict[str, Any], *, normalise: str = "none", weights: Any = None) -> dict:
    ids = ["x1", "x2", "x3"]
    return {
        "index": {"id": "small", "title": "Small", "unit": "city"},
        "methods": {
            "normalise": {"method": normalise},
            "weights": weights or {"method": "entropy"},
            "aggregate": aggregate,
        },
        "groups": {
            "g": {"indicators": {i: {"direction": "higher_is_better"} for i in ids}},
        },
    }


def _data() -> pd.DataFrame:
    frame = pd.DataFrame(X, columns=["x1", "x2", "x3"])
    frame.insert(0, "city", UNITS)
    return frame


def _hand_entropy(m: list[list[float]]) -> tuple[list[float], list[float], list[float]]:
    """p_ij = x_ij / Σ_i x_ij, e_j = −k Σ_i p_ij ln p_ij with k = 1/ln n, d = 1 − e, w = d/Σd."""
    n = len(m)
    k = 1 / math.log(n)
    e = []
    for j in range(len(m[0])):
        total = sum(row[j] for row in m)
        e.append(-k * sum((row[j] / total) * math.log(row[j] / total) for row in m))
    d = [1 - ej for ej in e]
    return e, d, [dj / sum(d) for dj in d]


def _hand_topsis(m: list[list[float]], w: list[float]) -> list[tuple[float, float, float]]:
    """v = w·x; v⁺ = column max, v⁻ = column min; D± Euclidean; C = D⁻ / (D⁺ + D⁻)."""
    v = [[wj * x for wj, x in zip(w, row, strict=True)] for row in m]
    best = [max(row[j] for row in v) for j in range(len(w))]
    worst = [min(row[j] for row in v) for j in range(len(w))]
    out = []
    for row in v:
        dp = math.sqrt(sum((a - b) ** 2 for a, b in zip(row, best, strict=True)))
        dm = math.sqrt(sum((a - b) ** 2 for a, b in zip(row, worst, strict=True)))
        out.append((dp, dm, dm / (dp + dm)))
    return out


def test_entropy_detail_equals_the_textbook_computation_and_the_index_weights() -> None:
    spec = _spec({"method": "topsis"})
    detail = cityindex.weights_detail(spec, _data())["g"]
    e, d, w = _hand_entropy(X)
    assert list(detail.index) == ["x1", "x2", "x3"]
    assert detail["entropy"].tolist() == pytest.approx(e, abs=1e-12)
    assert detail["diversity"].tolist() == pytest.approx(d, abs=1e-12)
    assert detail["weight"].tolist() == pytest.approx(w, abs=1e-12)
    # worked: x1 (2, 4, 6, 8) and x2 (30, 10, 20, 40) have the same shares (1, 2, 3, 4)/10 in
    # another order, so the same entropy; e = (0.9232, 0.9232, 0.9417), w = (0.3624, 0.3624,
    # 0.2752)
    assert [round(v, 4) for v in e] == [0.9232, 0.9232, 0.9417]
    assert [round(v, 4) for v in w] == [0.3624, 0.3624, 0.2752]
    assert detail.attrs["method"] == "entropy"
    assert cityindex.weights(spec, _data())["weight"].tolist() == pytest.approx(w, abs=1e-12)


def test_critic_detail_equals_the_loop_by_loop_reference_and_the_index_weights() -> None:
    """CRITIC (Diakoulaki et al. 1995): z min-max, σ_j the sample sd of z_j, conflict
    Σ_k (1 − r_jk), C_j = σ_j · conflict, w = C/ΣC; `mcda_reference` computes them in loops."""
    spec = _spec({"method": "topsis"}, weights={"method": "critic"})
    detail = cityindex.weights_detail(spec, _data())["g"]
    z = transpose(mcda_reference.min_max(X, [1, 1, 1]))
    sd = [mcda_reference.sd(zj) for zj in z]
    conflict = [sum(1 - mcda_reference.pearson(zj, zk) for zk in z) for zj in z]
    assert detail["sd"].tolist() == pytest.approx(sd, abs=1e-12)
    assert detail["conflict"].tolist() == pytest.approx(conflict, abs=1e-12)
    assert detail["weight"].tolist() == pytest.approx(mcda_reference.critic(X), abs=1e-12)
    assert detail.attrs["method"] == "critic"
    index = cityindex.weights(spec, _data())["weight"].tolist()
    assert index == pytest.approx(detail["weight"].tolist(), abs=1e-12)


def test_topsis_detail_equals_the_textbook_computation_and_the_group_scores() -> None:
    spec = _spec({"method": "topsis"})
    detail = cityindex.score_detail(spec, _data())["g"]
    hand = _hand_topsis(X, _hand_entropy(X)[2])
    assert detail["d_plus"].tolist() == pytest.approx([h[0] for h in hand], abs=1e-12)
    assert detail["d_minus"].tolist() == pytest.approx([h[1] for h in hand], abs=1e-12)
    assert detail["closeness"].tolist() == pytest.approx([h[2] for h in hand], abs=1e-12)
    # D is best on every indicator: D⁺ = 0, C = 1
    assert [round(h[2], 4) for h in hand] == [0.6312, 0.1072, 0.3449, 1.0]
    assert detail.loc["D", "d_plus"] == 0.0
    assert detail["rank"].tolist() == [2, 4, 3, 1]
    scored = cityindex.score(spec, _data())
    assert scored.loc[UNITS, "g"].tolist() == pytest.approx(detail["closeness"].tolist())


def test_vikor_detail_equals_the_textbook_computation_with_its_compromise_conditions() -> None:
    """S_i = Σ_j w_j (f*_j − x_ij)/(f*_j − f⁻_j), R_i = max_j of the same, Q_i = v(S_i − S*)/
    (S⁻ − S*) + (1 − v)(R_i − R*)/(R⁻ − R*), v = 0.5; equal weights 1/3."""
    w = [1 / 3] * 3
    spec = _spec({"method": "vikor"}, weights={"method": "equal"})
    detail = cityindex.score_detail(spec, _data())["g"]
    hi = [max(r[j] for r in X) for j in range(3)]
    lo = [min(r[j] for r in X) for j in range(3)]
    terms = [[w[j] * (hi[j] - r[j]) / (hi[j] - lo[j]) for j in range(3)] for r in X]
    s, r = [sum(t) for t in terms], [max(t) for t in terms]
    q = [
        0.5 * (si - min(s)) / (max(s) - min(s)) + 0.5 * (ri - min(r)) / (max(r) - min(r))
        for si, ri in zip(s, r, strict=True)
    ]
    assert detail["s"].tolist() == pytest.approx(s, abs=1e-12)
    assert detail["r"].tolist() == pytest.approx(r, abs=1e-12)
    assert detail["q"].tolist() == pytest.approx(q, abs=1e-12)
    # D is best on every indicator (S = R = 0, Q = 0); Q = (0.9333, 0.9667, 1.0, 0.0)
    assert [round(v, 4) for v in q] == [0.9333, 0.9667, 1.0, 0.0]
    c = detail.attrs["conditions"]
    assert (c["first"], c["second"]) == ("D", "A")
    assert c["threshold"] == pytest.approx(1 / 3)  # DQ = 1/(m − 1), m = 4
    assert c["q_gap"] == pytest.approx(q[0])
    assert (c["advantage"], c["stability"], c["compromise"]) == (True, True, ["D"])


def test_topsis_reproduces_papathanasiou_and_ploskas_worked_example() -> None:
    """Papathanasiou & Ploskas (2018), "TOPSIS", in *Multiple Criteria Decision Aid*
    (Springer), ch. 1: six alternatives, four benefit criteria, vector normalisation,
    w = (0.4, 0.3, 0.1, 0.2); closeness C = (0.387, 0.327, 0.391, 0.615, 0.868, 0.493) to
    three decimals (as the distance_metrics_mcda test suite also checks)."""
    m = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]]
    ids = ["c1", "c2", "c3", "c4"]
    weights = dict(zip(ids, [0.4, 0.3, 0.1, 0.2], strict=True))
    spec = {
        "index": {"id": "pp", "title": "PP", "unit": "alt"},
        "methods": {"normalise": {"method": "vector"}, "aggregate": {"method": "topsis"}},
        "groups": {
            "g": {
                "indicators": {
                    i: {"direction": "higher_is_better", "weight": weights[i]} for i in ids
                }
            }
        },
    }
    data = pd.DataFrame(m, columns=ids)
    data.insert(0, "alt", [f"A{k}" for k in range(1, 7)])
    detail = cityindex.score_detail(spec, data)["g"]
    assert [round(v, 3) for v in detail["closeness"]] == [0.387, 0.327, 0.391, 0.615, 0.868, 0.493]
    assert detail["rank"].tolist() == [5, 6, 4, 2, 1, 3]


def test_vikor_reproduces_opricovic_and_tzengs_worked_example() -> None:
    """Opricovic & Tzeng (2004, Eur. J. Oper. Res. 156: 445-455, section 4): f1 = (1, 2, 5)
    minimised, f2 = (3000, 3750, 4500) maximised, w = 0.5 each, v = 0.5: S = (0.5, 0.375,
    0.5), R = (0.5, 0.25, 0.5), Q = (1, 0, 1); A2 is the compromise solution (both conditions
    hold). Min-max normalising first leaves every VIKOR term unchanged."""
    spec = {
        "index": {"id": "ot", "title": "OT", "unit": "alt"},
        "methods": {
            "normalise": {"method": "min_max", "range": [0, 1]},
            "aggregate": {"method": "vikor", "v": 0.5},
        },
        "groups": {
            "g": {
                "indicators": {
                    "f1": {"direction": "lower_is_better", "weight": 1},
                    "f2": {"direction": "higher_is_better", "weight": 1},
                }
            }
        },
    }
    data = pd.DataFrame({"alt": ["A1", "A2", "A3"], "f1": [1, 2, 5], "f2": [3000, 3750, 4500]})
    detail = cityindex.score_detail(spec, data)["g"]
    assert detail["s"].tolist() == pytest.approx([0.5, 0.375, 0.5])
    assert detail["r"].tolist() == pytest.approx([0.5, 0.25, 0.5])
    assert detail["q"].tolist() == pytest.approx([1.0, 0.0, 1.0])
    c = detail.attrs["conditions"]
    assert (c["advantage"], c["stability"], c["compromise"]) == (True, True, ["A2"])
    assert c["threshold"] == 0.5


def _files(tmp_path: Path, spec: dict) -> tuple[Path, Path]:
    import yaml

    data = tmp_path / "small.csv"
    _data().to_csv(data, index=False)
    spec = {**spec, "index": {**spec["index"], "data": "small.csv"}}
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path, data


def test_weights_detail_json_and_csv_say_what_the_library_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, _ = _files(tmp_path, _spec({"method": "topsis"}))
    assert run(["weights", str(spec), "--detail", "-f", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    e, d, w = _hand_entropy(X)
    table = payload["tables"][0]
    assert (table["group"], table["method"]) == ("g", "entropy")
    assert [r["indicator"] for r in table["rows"]] == ["x1", "x2", "x3"]
    assert [r["entropy"] for r in table["rows"]] == pytest.approx(e, abs=1e-12)
    assert [r["weight"] for r in table["rows"]] == pytest.approx(w, abs=1e-12)
    assert run(["weights", str(spec), "--detail", "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "group,method,indicator,entropy,diversity,weight"
    assert lines[1].startswith("g,entropy,x1,")
    assert float(lines[1].split(",")[4]) == pytest.approx(d[0], abs=1e-15)


def test_detail_tables_in_a_chinese_workbook_one_sheet_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    spec, _ = _files(tmp_path, _spec({"method": "vikor"}))
    out = tmp_path / "d.xlsx"
    assert run(["score", str(spec), "--detail", "--lang", "zh", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["得分排名", "权重"]
    assert "VIKOR g" in book.sheetnames
    assert "VIKOR折衷解 g" in book.sheetnames
    sheet = book["VIKOR g"]
    assert [c.value for c in sheet[1]] == [
        "单位",
        "群体效用值 S",
        "个别遗憾值 R",
        "折衷值 Q",
        "排序结果",
    ]
    assert sheet["D2"].number_format == "0.0000"
    assert isinstance(sheet["E2"].value, int)
    items = {r[0]: r[1] for r in book["VIKOR折衷解 g"].iter_rows(min_row=2, values_only=True)}
    assert items["折衷解"] == "D"
    out2 = tmp_path / "w.xlsx"
    assert run(["weights", str(spec), "--detail", "-o", str(out2)]) == 0
    sheet = openpyxl.load_workbook(out2)["Entropy g"]
    assert [c.value for c in sheet[1]] == ["indicator", "entropy e", "diversity d", "weight w"]
    assert sheet["B2"].value == pytest.approx(_hand_entropy(X)[0][0], abs=1e-14)


def test_vikor_table_states_the_compromise_solution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, _ = _files(tmp_path, _spec({"method": "vikor"}))
    assert run(["score", str(spec), "--detail", "-f", "table"]) == 0
    out = capsys.readouterr().out
    assert "Compromise solution: D (both conditions hold)" in out
    assert "C1 acceptable advantage: Q(a″) − Q(a′) ≥ DQ: yes" in out


def test_detail_on_an_index_without_those_methods_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, _ = _files(tmp_path, _spec({"method": "arithmetic_mean"}, weights={"method": "equal"}))
    assert run(["score", str(spec), "--detail", "-f", "csv"]) == 2
    assert "error[usage.detail.none]" in capsys.readouterr().err
    assert run(["weights", str(spec), "--detail", "-o", str(tmp_path / "w.xlsx")]) == 2
    assert not (tmp_path / "w.xlsx").exists()


def test_detail_with_a_stage_is_refused_naming_both_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--detail` used to print the SPSSAU tables and drop `--stage` without a word."""
    spec, _ = _files(tmp_path, _spec({"method": "topsis"}))
    out = tmp_path / "s.csv"
    for args in (["--detail", "--stage", "normalised"], ["--stage", "weighted", "--detail"]):
        assert run(["score", str(spec), *args, "-f", "csv", "-o", str(out)]) == 2
        captured = capsys.readouterr()
        assert "error[usage.detail.stage]" in captured.err
        assert "--detail and --stage" in captured.err
        assert captured.out == ""
        assert not out.exists()
    # each alone still works: the TOPSIS table, and the normalised stage
    assert run(["score", str(spec), "--detail", "-f", "csv"]) == 0
    assert capsys.readouterr().out.startswith("group,method,city,d_plus,d_minus,closeness,rank\ng,")
    assert run(["score", str(spec), "--stage", "normalised", "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("city")


def test_a_unit_the_missing_data_rule_excludes_is_left_out_and_the_rest_match_the_scores() -> None:
    spec = _spec({"method": "topsis"})
    spec["methods"]["missing"] = {"method": "reweight", "min_coverage": 0.9}
    data = pd.concat(
        [
            _data(),
            pd.DataFrame({"city": ["E"], "x1": [5.0], "x2": [float("nan")], "x3": [float("nan")]}),
        ]
    )
    detail = cityindex.score_detail(spec, data)["g"]
    scored = cityindex.score(spec, data)
    assert pd.isna(scored.loc["E", "rank"])
    assert list(detail.index) == UNITS
    assert detail["closeness"].tolist() == pytest.approx(scored.loc[UNITS, "g"].tolist())
