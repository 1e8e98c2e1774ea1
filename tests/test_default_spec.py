"""Which spec `cityindex score` uses when none is named, in a checkout and when installed.

After the README's non-editable `pip install .`, the package lives in site-packages with a
frozen copy of the specs (`cityindex/_shipped/…`). A reviewer who edits the checkout's
`indicators/ai-city-2024.yaml` and runs `cityindex score` from the checkout must see the edit
take effect. The installed layout is reproduced here exactly as pyproject.toml lays out the
wheel (the package, and `indicators/`, `data/`, `seeds/` under `cityindex/_shipped/`), and the
command runs in a subprocess from a temporary copy of the repository, importing only that
installed copy (``python -P``: the working directory is not put on the import path, as for
the `cityindex` console script).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cityindex.load.shipped import DEFAULT_SPEC, default_spec, resolve_default_spec

REPO = Path(__file__).parents[1]
BOOT = "import sys; sys.path.insert(0, sys.argv.pop(1)); from cityindex.cli import main; main()"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def _install(site: Path) -> None:
    """Lay the package out as the wheel does (pyproject's package-dir mapping)."""
    shutil.copytree(REPO / "cityindex", site / "cityindex", ignore=IGNORE)
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        target = site / Path(*package.split("."))
        shutil.copytree(REPO / folder, target, ignore=IGNORE, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(site-packages holding the installed package, a checkout copy beside it)."""
    root = tmp_path_factory.mktemp("install")
    site = root / "site-packages"
    _install(site)
    checkout = root / "checkout"
    for folder in ("indicators", "data", "seeds", "cityindex"):
        shutil.copytree(REPO / folder, checkout / folder, ignore=IGNORE)
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    return site, checkout


def _cityindex(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-c", BOOT, str(site), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ranking(site: Path, cwd: Path) -> tuple[list[str], dict[str, object], str]:
    done = _cityindex(site, cwd, "score", "--format", "json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    return [r["city"] for r in payload["results"]], payload["manifest"], done.stderr


def _edit_weights(spec: Path) -> None:
    """Give enterprise size most of the weight: the ranking below the top moves."""
    text = spec.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("  enterprise:"))
    k = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("weight:"))
    lines[k] = re.sub(r"weight: \S+", "weight: 5.0", lines[k])
    spec.write_text("".join(lines), encoding="utf-8")


def test_an_edited_weight_in_the_checkout_moves_the_ranking_of_an_installed_cityindex(
    installed: tuple[Path, Path],
) -> None:
    site, checkout = installed
    before, _, _ = _ranking(site, checkout)
    _edit_weights(checkout / DEFAULT_SPEC)
    try:
        after, manifest, _ = _ranking(site, checkout)
        from_data_folder, manifest_sub, _ = _ranking(site, checkout / "data")
    finally:
        shutil.copy(REPO / DEFAULT_SPEC, checkout / DEFAULT_SPEC)
    assert after != before
    assert manifest["spec"]["file"] == DEFAULT_SPEC  # type: ignore[index]
    assert from_data_folder == after
    assert manifest_sub["spec"]["file"] == "../" + DEFAULT_SPEC  # type: ignore[index]


def test_outside_a_checkout_the_installed_copy_is_scored_and_named(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    site, _ = installed
    ranks, manifest, err = _ranking(site, tmp_path)
    assert ranks[:3] == ["Beijing", "Shenzhen", "Shanghai"]
    spec_file = Path(manifest["spec"]["file"])  # type: ignore[index]
    assert spec_file == site / "cityindex" / "_shipped" / DEFAULT_SPEC
    assert err == ""
    table = _cityindex(site, tmp_path, "score", "--format", "table", "--top", "1")
    assert "spec: indicators/ai-city-2024.yaml (installed copy)" in table.stdout
    assert str(site) not in table.stdout


def test_a_different_local_copy_outside_a_checkout_is_named_on_stderr_when_not_used(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    site, _ = installed
    (tmp_path / "indicators").mkdir()
    copy = tmp_path / DEFAULT_SPEC
    shutil.copy(REPO / DEFAULT_SPEC, copy)
    _edit_weights(copy)
    (tmp_path / "work").mkdir()
    ranks, manifest, err = _ranking(site, tmp_path / "work")
    assert ranks[:3] == ["Beijing", "Shenzhen", "Shanghai"]
    assert str(manifest["spec"]["file"]).startswith(str(site))  # type: ignore[index]
    assert "not the different local copy ../indicators/ai-city-2024.yaml" in err
    assert "(its folder is not a cityindex checkout)" in err


def test_the_working_directory_copy_wins_even_outside_a_checkout(tmp_path: Path) -> None:
    (tmp_path / "indicators").mkdir()
    (tmp_path / DEFAULT_SPEC).write_text("index: {}\n", encoding="utf-8")
    chosen = resolve_default_spec(tmp_path)
    assert (chosen.path, chosen.origin, chosen.notes) == (
        Path(DEFAULT_SPEC),
        "working directory",
        (),
    )
    assert chosen.label == DEFAULT_SPEC


def test_an_identical_local_copy_is_not_announced(tmp_path: Path) -> None:
    (tmp_path / "indicators").mkdir()
    shutil.copy(default_spec(), tmp_path / DEFAULT_SPEC)
    (tmp_path / "work").mkdir()
    chosen = resolve_default_spec(tmp_path / "work")
    assert (chosen.origin, chosen.notes) == ("installed", ())
    assert chosen.label == f"{DEFAULT_SPEC} (installed copy)"
