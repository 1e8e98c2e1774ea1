"""Output safety: atomic --output, --excel-safe CSV, quiet `| head`, documented exit codes."""

from __future__ import annotations

import doctest
import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cityindex.load.files
import cityindex.model.cells
import cityindex.render.formats
from cityindex.cli import run
from cityindex.load.files import write_atomic
from cityindex.render.formats import excel_safe, to_csv

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "hostile" / "base.yaml"
OLD = "rank,city,score\n1,old,1\n"


def _big_data(path: Path, units: int) -> Path:
    lines = ["city,researchers,cost,plans"]
    lines += [
        f"u{i:06d},{(i * 7919) % 1000 + 1},{(i * 104729) % 97 + 1},{i % 10}" for i in range(units)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cityindex", *args]


# ---------------------------------------------------------------- --excel-safe


def test_excel_safe_prefixes_formula_starts_with_a_single_quote() -> None:
    """OWASP CSV Injection / ASVS 1.2.10: = + - @ tab CR as first character get a ``'``."""
    for cell in ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"]:
        assert excel_safe(cell) == "'" + cell
    for cell in ["Beijing", "北京", "", "1=1", "'=already"]:
        assert excel_safe(cell) == cell


def test_excel_safe_csv_neutralises_text_cells_but_keeps_negative_numbers_numeric() -> None:
    rows = [{"unit": "=cmd|' /C calc'!A0", "score": -0.5}, {"unit": "Wuhan", "score": 0.25}]
    safe = to_csv(rows, ["unit", "score"], digits={}, excel_safe_cells=True)
    assert safe == "unit,score\n'=cmd|' /C calc'!A0,-0.5\nWuhan,0.25\n"
    plain = to_csv(rows, ["unit", "score"], digits={})
    assert plain == "unit,score\n=cmd|' /C calc'!A0,-0.5\nWuhan,0.25\n"


def test_the_excel_safe_option_reaches_the_weights_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An indicator id such as ``=plans`` is a name to cityindex but a formula to Excel."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE.read_text(encoding="utf-8").replace("plans:", "'=plans':"))
    (tmp_path / "base.csv").write_text(
        (BASE.parent / "base.csv").read_text(encoding="utf-8").replace("plans", "=plans")
    )
    assert run(["weights", str(spec), "-f", "csv"]) == 0
    assert "\n=plans," in capsys.readouterr().out
    assert run(["weights", str(spec), "-f", "csv", "--excel-safe"]) == 0
    assert "\n'=plans," in capsys.readouterr().out


def test_the_doctests_of_cell_parsing_and_excel_safety_hold() -> None:
    for module in (cityindex.model.cells, cityindex.render.formats):
        failed, tried = doctest.testmod(module)
        assert tried > 0
        assert failed == 0


# ---------------------------------------------------------------- atomic --output


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(cityindex.load.files.os, "replace", refuse)
    assert run(["score", str(BASE), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error[output.write]" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_full_disk_during_the_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cityindex.load.files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(out, "rank,city\n" * 1000)
    assert out.read_text(encoding="utf-8") == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_new_output_file_gets_the_usual_permissions_not_the_temporary_files(
    tmp_path: Path,
) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.csv", "x\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o644
    kept = tmp_path / "kept.csv"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o600)
    write_atomic(kept, "new\n")
    assert kept.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killing_score_mid_write_leaves_the_old_output_never_a_partial_one(
    tmp_path: Path,
) -> None:
    """SIGKILL while the new file is written (held at fsync): out.csv is still the old file."""
    data = _big_data(tmp_path / "big.csv", 5_000)
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import os, sys, time
        import cityindex.load.files
        def stalled_fsync(fd):
            sys.stderr.write("mid-write\\n"); sys.stderr.flush()
            time.sleep(60)
        cityindex.load.files.os.fsync = stalled_fsync
        from cityindex.cli import run
        sys.exit(run(["score", {str(BASE)!r}, "--data", {str(data)!r}, "-o", {str(out)!r}]))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    try:
        assert proc.stderr.readline() == "mid-write\n"
        partial = [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")]
        assert len(partial) == 1
        assert partial[0].stat().st_size > 0, "the new text is being written"
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_text(encoding="utf-8") == OLD


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killing_score_at_any_moment_leaves_the_old_or_the_complete_new_file(
    tmp_path: Path,
) -> None:
    """Unpatched runs killed after varying delays: out.csv is old or complete, nothing else."""
    data = _big_data(tmp_path / "big.csv", 8_000)
    complete = tmp_path / "complete.csv"
    args = _cli("score", str(BASE), "--data", str(data), "-f", "csv")
    done = subprocess.run([*args, "-o", str(complete)], cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    new = complete.read_text(encoding="utf-8")
    out = tmp_path / "out.csv"
    for delay in (0.4, 0.8):
        out.write_text(OLD, encoding="utf-8")
        proc = subprocess.Popen([*args, "-o", str(out)], cwd=ROOT, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        text = out.read_text(encoding="utf-8")
        assert text in (OLD, new), f"killed after {delay} s: out.csv is partial"


# ---------------------------------------------------------------- pipes and exit codes


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="needs SIGPIPE")
def test_piping_into_head_ends_quietly(tmp_path: Path) -> None:
    """`cityindex score --format csv | head -1`: no BrokenPipeError, nothing on stderr."""
    data = _big_data(tmp_path / "big.csv", 5_000)
    proc = subprocess.Popen(
        _cli("score", str(BASE), "--data", str(data), "-f", "csv"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    proc.wait(timeout=30)
    assert first == b"rank,city,score,talent,policy\n"
    assert err == b""
    assert proc.returncode in (0, -signal.SIGPIPE)


def test_exit_codes_are_documented_as_the_cli_uses_them() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "3"):
        assert f"| {code} |" in doc


def test_an_internal_error_exits_3_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cityindex.cli.score

    def broken(*args: object, **kwargs: object) -> str:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cityindex.cli.score, "render_score", broken)
    assert run(["score", str(BASE)]) == 3
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: boom" in err
    assert "Traceback" not in err
