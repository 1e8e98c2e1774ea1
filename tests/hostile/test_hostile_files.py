"""Hostile files and streams: each ends in a named error with exit 1 or 2, never a hang, a
traceback (exit 3) or a changed file other than the one asked for.

These inputs cannot be kept in git (a FIFO, an unreadable file, /proc, a full or closed stdout),
so each test makes its own. Runs that could block forever (a FIFO) or that change the process's
standard output run in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cityindex.cli import run

HERE = Path(__file__).parent
BASE = HERE / "base.yaml"
DATA = HERE / "base.csv"
TIMEOUT = 60  # generous on a loaded machine; a blocked open would never return at all


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityindex", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def _assert_error(status: int, err: str, code: str, exit_code: int = 1) -> None:
    assert status == exit_code, err
    assert f"error[{code}]" in err, err
    assert "Traceback" not in err
    assert "internal error" not in err


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """base.yaml and base.csv in a folder of their own (outputs may be written beside them)."""
    (tmp_path / "base.yaml").write_bytes(BASE.read_bytes())
    (tmp_path / "base.csv").write_bytes(DATA.read_bytes())
    return tmp_path / "base.yaml"


# ---------------------------------------------------------------- inputs that are not files


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@needs_fifo
@pytest.mark.parametrize(
    ("role", "code", "exit_code"),
    [("data", "data.file.not-regular", 1), ("spec", "spec.file.not-regular", 1)],
)
def test_a_fifo_as_data_or_spec_is_refused_without_blocking(
    role: str, code: str, exit_code: int, tmp_path: Path
) -> None:
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    args = ["score", str(BASE), "--data", str(fifo)] if role == "data" else ["score", str(fifo)]
    done = _cli(*args)
    _assert_error(done.returncode, done.stderr, code, exit_code)
    assert "is a named pipe (FIFO), not a regular file" in done.stderr
    assert done.stdout == ""


@needs_fifo
def test_a_fifo_as_uncertainty_plan_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    done = _cli("uncertainty", str(BASE), "--plan", str(fifo))
    _assert_error(done.returncode, done.stderr, "usage.plan.not-regular", 2)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_as_data_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["score", str(BASE), "--data", "/dev/null"])
    _assert_error(status, capsys.readouterr().err, "data.file.not-regular")


def test_a_directory_as_spec_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["score", str(tmp_path)])
    _assert_error(status, capsys.readouterr().err, "spec.file.is-directory")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads")
def test_an_unreadable_data_file_is_a_named_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_bytes(DATA.read_bytes())
    locked.chmod(0)
    status = run(["score", str(BASE), "--data", str(locked)])
    _assert_error(status, capsys.readouterr().err, "data.file.unreadable")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc")
def test_proc_self_mem_as_data_is_a_named_error(capsys: pytest.CaptureFixture[str]) -> None:
    """/proc/self/mem is a regular file to stat, but reading it from offset 0 fails (EIO)."""
    status = run(["score", str(BASE), "--data", "/proc/self/mem"])
    err = capsys.readouterr().err
    _assert_error(status, err, "data.file.unreadable")
    assert "cannot read /proc/self/mem" in err


# ---------------------------------------------------------------- --output


@pytest.mark.parametrize("target", ["base.csv", "base.yaml", "base.sources.csv", "link.csv"])
def test_output_onto_an_input_is_refused_and_the_input_is_unchanged(
    target: str, copied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Data, spec, sources file, and a hard link to the data (same inode, another name)."""
    folder = copied.parent
    sources = folder / "base.sources.csv"
    sources.write_text("unit,column,value,year,url,note\n", encoding="utf-8")
    os.link(folder / "base.csv", folder / "link.csv")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    command = "sources" if target == "base.sources.csv" else "score"
    status = run([command, str(copied), "-f", "csv", "-o", str(folder / target)])
    out, err = capsys.readouterr()
    _assert_error(status, err, "usage.output.is-input", 2)
    assert out == ""
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_output_onto_the_plan_is_refused(copied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = copied.parent / "plan.yaml"
    plan.write_text("weight_noise: [{level: 1, fraction: 0.2}]\n", encoding="utf-8")
    before = plan.read_bytes()
    argv = ["uncertainty", str(copied), "--plan", str(plan), "--runs", "8", "-o", str(plan)]
    _assert_error(run(argv), capsys.readouterr().err, "usage.output.is-input", 2)
    assert plan.read_bytes() == before


def test_calibrate_may_still_rewrite_its_own_spec_in_place_but_not_the_data(
    copied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copied.parent / "base.csv"
    before = data.read_bytes()
    target = copied.parent / "published.csv"
    target.write_text("unit,score,rank,source\nBeijing,1,1,t\n", encoding="utf-8")
    argv = ["calibrate", str(copied), "--target", str(target), "-o", str(data)]
    _assert_error(run(argv), capsys.readouterr().err, "usage.output.is-input", 2)
    assert data.read_bytes() == before


def test_calibrate_refuses_to_write_over_its_own_target(
    copied: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`calibrate --target t.csv -o t.csv` once replaced the published ranking with a spec."""
    target = copied.parent / "published.csv"
    target.write_text("unit,score,rank,source\nBeijing,1,1,t\n", encoding="utf-8")
    before = target.read_bytes()
    argv = ["calibrate", str(copied), "--target", str(target), "-o", str(target)]
    _assert_error(run(argv), capsys.readouterr().err, "usage.output.is-input", 2)
    assert target.read_bytes() == before


@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_output_onto_something_not_a_regular_file_is_refused(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "device":
        target = Path("/dev/null")
        if not target.exists():
            pytest.skip("needs /dev/null")
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs FIFOs")
        target = tmp_path / "out.csv"
        os.mkfifo(target)
    else:
        target = tmp_path / "out.csv"
        target.mkdir()
    mode = target.stat().st_mode
    status = run(["score", str(BASE), "-f", "csv", "-o", str(target)])
    _assert_error(status, capsys.readouterr().err, "usage.output.not-a-file", 2)
    assert stat.S_IFMT(target.stat().st_mode) == stat.S_IFMT(mode), "still what it was"


@pytest.mark.parametrize("points_to", ["a file", "nothing", "a device"])
def test_output_onto_a_symbolic_link_is_refused_and_nothing_changes(
    points_to: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link is not replaced, nor is what it points to written through it."""
    pointed = {"a file": tmp_path / "real.csv", "nothing": tmp_path / "gone.csv"}.get(
        points_to, Path("/dev/null")
    )
    if points_to == "a file":
        pointed.write_text("old\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(pointed)
    status = run(["score", str(BASE), "-f", "csv", "-o", str(link)])
    err = capsys.readouterr().err
    _assert_error(status, err, "usage.output.not-a-file", 2)
    assert f"--> {link}" in err, "located at the path given"
    assert "is a symbolic link" in err
    assert link.is_symlink()
    assert os.readlink(link) == str(pointed)
    if points_to == "a file":
        assert pointed.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {"out.csv", *(["real.csv"] if points_to == "a file" else [])}
    )


def test_the_library_write_refuses_a_symbolic_link_too(tmp_path: Path) -> None:
    from cityindex.errors import UsageError
    from cityindex.load.files import write_atomic

    (tmp_path / "real.txt").write_text("old", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(UsageError, match="symbolic link"):
        write_atomic(tmp_path / "link.txt", "new")
    assert (tmp_path / "real.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


SLOW_WRITE = """
import os, sys, time
import cityindex.load.files as files
files.clean_up_on_signals()
def slow(fd):
    print("writing", flush=True)
    time.sleep(60)
files.os.fsync = slow
files.write_atomic(sys.argv[1], "rank,city\\n" * 1000)
"""


@pytest.mark.skipif(not hasattr(os, "kill") or os.name != "posix", reason="needs POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_mid_write_removes_the_temporary_file_and_keeps_the_old_one(
    name: str, tmp_path: Path
) -> None:
    """As Ctrl-C does: the old file whole, no hidden temporary file, death by that signal."""
    import signal

    out = tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"  # the temporary file exists now
        assert len(list(tmp_path.iterdir())) == 2
        child.send_signal(getattr(signal, name))
        assert child.wait(timeout=TIMEOUT) == -getattr(signal, name)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert out.read_text(encoding="utf-8") == "old\n"


def test_signal_handlers_leave_an_ignored_signal_ignored() -> None:
    """Under nohup SIGHUP is ignored; cityindex must not start dying of it."""
    code = (
        "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN);"
        "import cityindex.load.files as f; f.clean_up_on_signals();"
        "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN,"
        " signal.getsignal(signal.SIGTERM) is f._remove_and_die)"
    )
    done = _cli_python(code)
    assert done.stdout.split() == ["True", "True"], done.stderr


def _cli_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def test_a_254_character_output_name_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The temporary file beside it needs a name of its own within the 255-byte limit."""
    target = tmp_path / ("r" * 250 + ".csv")
    assert run(["score", str(BASE), "-f", "csv", "-o", str(target)]) == 0
    capsys.readouterr()
    assert target.read_text(encoding="utf-8").startswith("rank,city,score,")
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no temporary file left"


def test_a_254_byte_chinese_output_name_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """File-name limits count bytes: 83 CJK characters are 249 bytes in UTF-8."""
    target = tmp_path / ("城" * 83 + ".csv")
    assert len(os.fsencode(target.name)) == 253
    assert run(["score", str(BASE), "-f", "csv", "-o", str(target)]) == 0
    capsys.readouterr()
    assert target.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# ---------------------------------------------------------------- standard output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_device_is_exit_1_with_a_message() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cityindex", "score", str(BASE), "-f", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    _assert_error(done.returncode, done.stderr, "output.stdout")
    assert "No space left on device" in done.stderr
    assert "Exception ignored" not in done.stderr


def test_a_closed_stdout_is_exit_1_with_a_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cityindex", "score", str(BASE), "-f", "csv"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    _assert_error(done.returncode, done.stderr, "output.stdout")
    assert "stdout is closed" in done.stderr
