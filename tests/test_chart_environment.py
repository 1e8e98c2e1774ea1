"""Charts depend on the data only: not on the home folder, the locale or a stray matplotlibrc.

Issue 24: a report writes nothing but its output (matplotlib's font cache goes to a temporary
folder of the run, removed at exit, unless MPLCONFIGDIR is set), and the same input gives the
same chart bytes under any locale or working folder (items 4 and 7).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cityindex.render.report.charts import LABEL_MAX, short

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "hostile" / "base.yaml"


def _plot(folder: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "MATPLOTLIBRC")}
    home = folder / "home"
    tmp = folder / "tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    clean.update(HOME=str(home), TMPDIR=str(tmp), XDG_CACHE_HOME="", XDG_CONFIG_HOME="")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "cityindex", "plot", "bar", str(BASE), "-o", str(out)],
        cwd=folder,
        env=clean,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_chart_leaves_nothing_in_the_home_or_temporary_folder(tmp_path: Path) -> None:
    out = tmp_path / "bar.svg"
    done = _plot(tmp_path, out)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<svg")
    assert list((tmp_path / "home").rglob("*")) == []
    assert list((tmp_path / "tmp").iterdir()) == [], "the font cache folder is removed at exit"


def test_a_users_mplconfigdir_is_honoured(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    done = _plot(tmp_path, tmp_path / "bar.svg", MPLCONFIGDIR=str(mine))
    assert done.returncode == 0, done.stderr
    assert list(mine.iterdir()), "matplotlib cached its fonts where the user asked"


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_locale_and_a_local_matplotlibrc_do_not_change_a_chart(tmp_path: Path, suffix: str) -> None:
    """LC_ALL=C against C.UTF-8 (zh_CN.UTF-8 when installed), and a matplotlibrc in the working
    folder that asks for locale-formatted numbers, huge fonts and another colour map."""
    plain, other = tmp_path / "a", tmp_path / "b"
    plain.mkdir()
    other.mkdir()
    (other / "matplotlibrc").write_text(
        "axes.formatter.use_locale: True\nfont.size: 30\nimage.cmap: magma\n", encoding="utf-8"
    )
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    second = "zh_CN.UTF-8" if "zh_CN.utf8" in locales else "C.UTF-8"
    first = _plot(plain, plain / f"bar.{suffix}", LC_ALL="C", TZ="UTC")
    again = _plot(other, other / f"bar.{suffix}", LC_ALL=second, TZ="Asia/Shanghai")
    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert (plain / f"bar.{suffix}").read_bytes() == (other / f"bar.{suffix}").read_bytes()


def test_long_labels_are_cut_with_an_ellipsis() -> None:
    assert short("Beijing 北京") == "Beijing 北京"
    assert short("x" * LABEL_MAX) == "x" * LABEL_MAX
    assert short("x" * (LABEL_MAX + 1)) == "x" * (LABEL_MAX - 1) + "…"
