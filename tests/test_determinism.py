"""Determinism: the same inputs give the same bytes, whatever the run and the CSV's row order.

Units are sorted by name when the data is read (cityindex/load/data.py), so every stage sees them in
one canonical order: floating-point sums come out bit-identical, and tied units are listed by
name. The one thing that does change with row order is the data file's SHA-256 in the JSON
manifest, which identifies the file's bytes, as it should.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityindex.cli import run

SPEC = """\
index:
  id: det
  title: Determinism
  data: data.csv
  unit: city
  scale: {{method: none, digits: 6}}
methods:
  normalise: {normalise}
  missing: {{method: reweight, min_coverage: 0.5}}
groups:
  a:
    weight: 0.7
    indicators:
      x: {{direction: higher_is_better, weight: 1}}
      y: {{direction: lower_is_better, weight: 2}}
  b:
    weight: 0.3
    indicators:
      z: {{direction: higher_is_better, weight: 1}}
"""
ROWS = [
    ["Wuhan", "0.1", "3.3", "7"],
    ["北京", "0.7", "1.1", "2"],
    ["上海", "0.3", "2.2", "9"],
    ["Zürich", "0.1", "3.3", "7"],  # ties Wuhan exactly
    ["Chengdu", "0.9", "", "1"],
    ["Xi'an", "0.2", "0.4", "5"],
    ["Abu Dhabi", "0.1", "3.3", "7"],  # ties Wuhan and Zürich
]


def _write(folder: Path, rows: list[list[str]], normalise: str = "{method: z_score}") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.yaml").write_text(SPEC.format(normalise=normalise), encoding="utf-8")
    lines = ["city,x,y,z", *(",".join(r) for r in rows)]
    (folder / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "spec.yaml"


def _output(spec: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(["score", str(spec), "-f", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        payload = json.loads(out)
        payload["manifest"]["data"].pop("sha256")
        payload["manifest"]["data"].pop("file")
        payload["manifest"]["spec"].pop("file")
        out = json.dumps(payload, ensure_ascii=False)
    return out


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
def test_the_same_inputs_give_the_same_bytes_on_every_run(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path, ROWS)
    assert run(["score", str(spec), "-f", fmt]) == 0
    first = capsys.readouterr().out
    assert run(["score", str(spec), "-f", fmt]) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
def test_reversing_the_rows_of_the_csv_changes_no_output_byte(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forward = _output(_write(tmp_path / "f", ROWS), fmt, capsys)
    backward = _output(_write(tmp_path / "b", ROWS[::-1]), fmt, capsys)
    assert backward == forward


def test_tied_units_are_listed_by_name_and_share_the_best_rank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Abu Dhabi, Wuhan and Zürich have identical data, hence identical scores."""
    out = _output(_write(tmp_path, ROWS), "csv", capsys)
    lines = [line.split(",") for line in out.splitlines()[1:]]
    tied = [(rank, city) for rank, city, *_ in lines if city in {"Abu Dhabi", "Wuhan", "Zürich"}]
    assert [city for _, city in tied] == ["Abu Dhabi", "Wuhan", "Zürich"]
    assert len({rank for rank, _ in tied}) == 1
    above = [city for _, city, *_ in lines].index("Abu Dhabi")
    assert int(tied[0][0]) == above + 1, "a tie shares the best rank: 1 + units above"


NORMALISE = ["{method: z_score}", "{method: min_max, range: [0, 100]}", "rank", "borda"]


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    order=st.permutations(range(len(ROWS))),
    normalise=st.sampled_from(NORMALISE),
    xs=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=len(ROWS), max_size=len(ROWS)),
)
def test_any_row_order_gives_identical_csv_bytes(
    order: list[int], normalise: str, xs: list[float], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """z-scores sum over units: without a canonical order the last bit could differ."""
    rows = [[r[0], repr(x), *r[2:]] for r, x in zip(ROWS, xs, strict=True)]
    base = tmp_path_factory.mktemp("perm")
    outputs = []
    for k, arrangement in enumerate([rows, [rows[i] for i in order]]):
        spec = _write(base / str(k), arrangement, normalise)
        outputs.append(_run_csv(spec))
    assert outputs[0] == outputs[1]


def _run_csv(spec: Path) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        assert run(["score", str(spec), "-f", "csv"]) == 0
    return buffer.getvalue()


def test_a_shuffled_panel_file_gives_the_same_ranking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["city", "year", "x", "y", "z"]]
    for year in (2022, 2023):
        rows += [[r[0], str(year), *r[1:]] for r in ROWS]
    outputs = []
    for k, seed in enumerate((None, 7)):
        body = rows[1:]
        if seed is not None:
            random.Random(seed).shuffle(body)
        folder = tmp_path / str(k)
        folder.mkdir()
        (folder / "spec.yaml").write_text(SPEC.format(normalise="rank"), encoding="utf-8")
        text = "\n".join(",".join(r) for r in [rows[0], *body]) + "\n"
        (folder / "data.csv").write_text(text, encoding="utf-8")
        outputs.append(_output(folder / "spec.yaml", "csv", capsys))
    assert outputs[0] == outputs[1]


def test_separate_processes_with_different_hash_seeds_print_the_same_bytes(
    tmp_path: Path,
) -> None:
    """Nothing may depend on set or dict iteration that changes with PYTHONHASHSEED."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    spec = _write(tmp_path, ROWS)
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "cityindex", "score", str(spec), "-f", "json"],
            cwd=root,
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
