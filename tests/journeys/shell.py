"""A user's shell for the journeys: runs the installed `cityindex` command in a checkout copy.

The command is the real executable installed next to this Python (in CI a non-editable
`pip install '.[test]'`), run in a subprocess from a temporary copy of the repository's
`indicators/`, `data/` and `seeds/`, as a user with a fresh clone would. Tests assert on what
the user sees: exit code, stdout, stderr and the files written.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
COPIED = ("indicators", "data", "seeds", "pyproject.toml", "README.md")
PUBLISHED = "seeds/ai-city-competitiveness-2024.csv"


@dataclass(frozen=True)
class Shown:
    """What one command showed the user."""

    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Shell:
    """A user's terminal in a checkout: runs the installed `cityindex` with cwd there."""

    cwd: Path
    executable: Path

    def __call__(self, *args: str, stdin: str | None = None) -> Shown:
        """`cityindex ARGS…`, as typed."""
        return self.line(shlex.join([str(self.executable), *args]), stdin=stdin)

    def line(self, command: str, *, stdin: str | None = None) -> Shown:
        """One shell command line (pipes and all) with `cityindex` spelled out in full."""
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
        env.pop("PYTHONPATH", None)
        done = subprocess.run(
            command,
            shell=True,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=300,
            check=False,
        )
        return Shown(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str) -> Shown:
        """`cityindex ARGS…` that must succeed cleanly: exit 0 and no error or traceback."""
        shown = self(*args)
        assert shown.code == 0, shown.err
        assert_no_traceback(shown)
        assert "error[" not in shown.err
        assert "internal error" not in shown.err
        return shown


def assert_no_traceback(shown: Shown) -> None:
    """Neither stream shows Python internals."""
    for text in (shown.out, shown.err):
        assert "Traceback" not in text
        assert 'File "' not in text


def rows(csv_text: str) -> list[dict[str, str]]:
    """CSV as the user's script reads it."""
    return list(csv.DictReader(csv_text.splitlines()))


def installed_cityindex() -> Path:
    """The console script installed in the running environment."""
    executable = Path(sys.executable).parent / "cityindex"
    if not executable.exists():
        pytest.fail(f"no cityindex command next to {sys.executable}: pip install '.[test]' first")
    return executable


def copy_checkout(target: Path) -> Path:
    """A fresh clone's files, as far as a user's commands read them."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target
