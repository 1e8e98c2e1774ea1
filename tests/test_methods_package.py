"""The methods package: every kernel lives in `cityindex/methods/`, registers once, no circle.

The registry declares what a method is and imports no kernel; the package's ``__init__``
imports the kernel modules, each of which registers its methods on import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cityindex"
METHODS = PACKAGE / "methods"

PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("cityindex.methods.registry", sys.argv[1])
registry = importlib.util.module_from_spec(spec)
sys.modules["cityindex.methods.registry"] = registry
spec.loader.exec_module(registry)
loaded = sorted(name for name in sys.modules if name.startswith("cityindex"))
calls = []
register = registry.register
def counting(stage, name, **options):
    calls.append([stage, name])
    return register(stage, name, **options)
registry.register = counting
import cityindex.methods
methods = {
    f"{stage}.{name}": method.kernel.__module__
    for stage, by_name in registry.REGISTRY.items()
    for name, method in by_name.items()
}
print(json.dumps({"loaded": loaded, "calls": calls, "methods": methods}))
"""


def probe() -> dict[str, object]:
    """Load the registry alone in a fresh interpreter, then the package, counting registrations."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(METHODS / "registry.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def registering_modules(folder: Path) -> set[str]:
    """Modules of `folder` whose source registers a method with ``@register(``."""
    return {p.stem for p in folder.glob("*.py") if "@register(" in p.read_text(encoding="utf-8")}


def cityindex_imports(path: Path) -> set[str]:
    """The cityindex modules `path` imports anywhere (top level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cityindex"):
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {str(node.module)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cityindex")}
    return found


def test_the_registry_imports_no_kernel_module_in_a_fresh_interpreter() -> None:
    result = probe()
    assert result["loaded"] == ["cityindex.methods.registry"]
    assert cityindex_imports(METHODS / "registry.py") == set()


def test_every_method_is_registered_once_by_a_kernel_module_of_the_package() -> None:
    result = probe()
    calls = [tuple(c) for c in result["calls"]]  # type: ignore[attr-defined]
    methods = result["methods"]
    assert isinstance(methods, dict)
    assert len(calls) == len(set(calls)) == len(methods) > 30
    assert {f"{stage}.{name}" for stage, name in calls} == set(methods)
    kernels = {module.removeprefix("cityindex.methods.") for module in methods.values()}
    assert kernels == registering_modules(METHODS)
    assert all(module.startswith("cityindex.methods.") for module in methods.values())


def test_no_kernel_module_is_left_at_the_top_level_of_the_package() -> None:
    assert registering_modules(PACKAGE) == set()
    for folder in ("analysis", "cli", "report"):
        assert registering_modules(PACKAGE / folder) == set(), folder


def test_no_module_of_the_methods_package_imports_the_package_itself() -> None:
    """Kernels import the registry and each other, never `cityindex.methods` (that is a circle)."""
    for path in METHODS.glob("*.py"):
        if path.name != "__init__.py":
            assert "cityindex.methods" not in cityindex_imports(path), path.name


def test_every_package_directory_is_listed_for_the_wheel() -> None:
    """A package missing from pyproject's `packages` is left out of a non-editable install."""
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")
    }
    assert found <= listed
