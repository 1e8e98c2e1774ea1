"""The floor we promise: constraints/minimum.txt pins every dependency floor of pyproject.toml,
and docs/install.md's "Supported versions" states the same floors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def normalised(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def release(version: str) -> tuple[int, ...]:
    """1.26 and 1.26.0 are the same release."""
    parts = [int(part) for part in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def floors() -> dict[str, str]:
    """Each dependency with a `>=` floor in pyproject.toml (runtime and test extras)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        if match := re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)", requirement):
            found[normalised(match[1])] = match[2]
    return found


def pins() -> dict[str, str]:
    text = (ROOT / "constraints" / "minimum.txt").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    return {normalised(name): version for name, version in (ln.split("==") for ln in lines if ln)}


def test_the_minimum_constraints_pin_exactly_the_pyproject_floors() -> None:
    assert {name: release(v) for name, v in pins().items()} == {
        name: release(v) for name, v in floors().items()
    }


def test_the_readme_states_every_runtime_floor_and_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    readme = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Supported versions") :].split("\n## ")[0]
    assert f"Python {project['requires-python'].removeprefix('>=')}" in section
    runtime = {normalised(re.split(r"[<>=;\[ ]", r)[0]) for r in project["dependencies"]}
    for name, version in floors().items():
        if name in runtime:
            assert f"{name} {version}" in section.lower()
