"""The first hour's frictions (issue 17): table width, top-level help, AHP errors, explain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cityindex.cli import WORKFLOW, app, run
from cityindex.render.formats import DEFAULT_WIDTH, terminal_width


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_tables_use_the_columns_variable_instead_of_a_fixed_120(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a 250-column terminal, audit's headers are no longer cut to `indic…`."""
    _, narrow, _ = _run(["audit", "--format", "table"], capsys)
    assert max(len(line) for line in narrow.splitlines()) <= DEFAULT_WIDTH
    assert "effective_weight" not in narrow
    monkeypatch.setenv("COLUMNS", "250")
    _, wide, _ = _run(["audit", "--format", "table"], capsys)
    header = next(line for line in wide.splitlines() if "indicator" in line and "┃" in line)
    for name in ("availability", "skewness", "corr_index", "effective_weight", "importance"):
        assert f" {name} " in header
    assert max(len(line) for line in wide.splitlines()) > DEFAULT_WIDTH


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_real_terminal_is_asked_for_its_width() -> None:
    """Without COLUMNS, a table on a terminal takes the terminal's width (here 200)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    code = "from cityindex.render.formats import terminal_width; print(terminal_width())"
    process = subprocess.run(
        [sys.executable, "-c", code], stdout=follower, env=env, check=True, timeout=60
    )
    os.close(follower)
    printed = os.read(leader, 100).decode().strip()
    os.close(leader)
    assert process.returncode == 0
    assert printed == "200"


def test_without_a_terminal_or_columns_the_width_is_fixed() -> None:
    assert terminal_width() == DEFAULT_WIDTH  # stdout is captured by pytest: not a terminal


def test_top_level_help_lists_commands_in_workflow_order_with_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(["--help"], capsys)
    assert code == 0
    order = ["score", "explain", "check", "calibrate", "uncertainty", "report"]
    positions = [out.index(f"\n  {name} ") for name in order]
    assert positions == sorted(positions)
    for title, _names in WORKFLOW:
        assert f"{title}:" in out
    assert "Examples:" in out
    example_commands = [
        line.split()[1]
        for line in out[out.index("Examples:") :].splitlines()
        if line.strip().startswith("cityindex ") and line.split()[1] != "COMMAND"
    ]
    import typer

    registered = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert example_commands
    assert set(example_commands) <= registered


AHP_SPEC = """\
index:
  id: t
  title: T
  unit: unit
groups:
  g:
    methods:
      weights:
        method: ahp
        pairs:
          - [a, b, 3]
          - [a, c, 12]
          - [b, cc, 2]
    indicators:
      a: {direction: higher_is_better}
      b: {direction: higher_is_better}
      c: {direction: higher_is_better}
"""


def test_ahp_errors_point_at_the_offending_pair_with_what_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "ahp.yaml"
    spec.write_text(AHP_SPEC, encoding="utf-8")
    (tmp_path / "d.csv").write_text("unit,a,b,c\nX,1,2,3\nY,2,1,1\n", encoding="utf-8")
    code, _, err = _run(["validate", str(spec), "--data", str(tmp_path / "d.csv")], capsys)
    assert code == 1
    blocks = err.split("\n\n")
    value = next(b for b in blocks if "spec.ahp.pair.value" in b)
    assert f"--> {spec}:12:20" in value
    assert "key path: groups.g.methods.weights.pairs[1][2]" in value
    assert "got:      12" in value
    unknown = next(b for b in blocks if "spec.ahp.pair.unknown-id" in b)
    assert f"--> {spec}:13:17" in unknown
    assert "got:      'cc'" in unknown
    assert "did you mean 'c'?" in unknown


def test_an_inconsistent_ahp_is_located_at_the_judgement_that_breaks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cyclic = AHP_SPEC.replace("[a, c, 12]", "[b, c, 3]").replace("[b, cc, 2]", "[c, a, 3]")
    spec = tmp_path / "ahp.yaml"
    spec.write_text(cyclic, encoding="utf-8")
    (tmp_path / "d.csv").write_text("unit,a,b,c\nX,1,2,3\nY,2,1,1\n", encoding="utf-8")
    code, _, err = _run(["validate", str(spec), "--data", str(tmp_path / "d.csv")], capsys)
    assert code == 1
    assert "error[spec.ahp.inconsistent]" in err
    assert f"--> {spec}:13:13" in err
    assert "got:      ['c', 'a', 3]" in err


def test_explain_shows_raw_values_in_their_own_precision_and_the_scale_factor(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand data are whole numbers: 20, not 20.0000. The index row's normalised value
    (the unscaled score 0.4375 / scale factor) and its contribution differ by the factor."""
    hand.with_name("data.csv").write_text(
        "unit,x1,x2,x3\nA,10,5,4\nB,20.5,10,2\nC,30,20,0\nD,40,5,8\n", encoding="utf-8"
    )
    _, out, _ = _run(["explain", "B", str(hand), "--format", "table"], capsys)
    row = {line.split()[1]: line for line in out.splitlines() if line.startswith("│")}
    assert " 20.5 " in row["x1"]
    assert " 10 " in row["x2"]
    assert "10.0000" not in out
    from cityindex import Index, explain

    frame = explain(Index.from_yaml(hand).compute(), "B")
    factor = frame.attrs["scale_factor"]
    unscaled = frame.loc["hand", "normalised"]
    score = frame.loc["hand", "contribution"]
    assert score == pytest.approx(factor * unscaled, abs=1e-12)
    line = next(n for n in out.splitlines() if n.startswith("note: scale factor"))
    assert f"{score:.6g} = {factor:.6g} × {unscaled:.6g}" in line
    assert "the index row's normalised value is the unscaled score" in line
