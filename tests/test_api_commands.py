"""Every command of the command line is a library function of the same name (issue 21).

The command line parses, calls and renders; a notebook user calls the same verb: `score`,
`data check` → `data_check`, `optimise-weights` → `optimise_weights`, each in
`cityindex.__all__`. And no command module reaches the engine, the analysis or the kernels
except through the library (`cityindex.api`) and the renderers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cityindex
import cityindex.cli


def _command_names() -> list[str]:
    """Every command and sub-command of the typer app, as typed: `score`, `data check`."""
    app = cityindex.cli.app  # every command module registered
    names = [cityindex.cli._command_name(c) for c in app.registered_commands]
    for group in app.registered_groups:
        names += [
            f"{group.name} {cityindex.cli._command_name(c)}"
            for c in group.typer_instance.registered_commands
        ]
    return sorted(names)


def _function_name(command: str) -> str:
    return command.replace(" ", "_").replace("-", "_")


def test_the_command_list_includes_the_data_check_sub_command() -> None:
    names = _command_names()
    assert "data check" in names
    assert {"score", "validate", "weights", "explain", "methods", "sources"} <= set(names)


def test_every_command_has_a_library_function_of_the_same_name() -> None:
    missing = [
        command
        for command in _command_names()
        if _function_name(command) not in cityindex.__all__
        or not callable(getattr(cityindex, _function_name(command), None))
    ]
    assert missing == []


CLI_MODULES = sorted(p.stem for p in Path(cityindex.cli.__file__).parent.glob("*.py"))
FORBIDDEN = ("cityindex.analysis", "cityindex.engine", "cityindex.methods")


@pytest.mark.parametrize("module", CLI_MODULES)
def test_a_cli_module_reaches_the_core_only_through_the_library(module: str) -> None:
    """Imports at the top and inside functions alike, in command and helper modules."""
    path = Path(cityindex.cli.__file__).parent / f"{module}.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else
            [a.name for a in node.names] if isinstance(node, ast.Import) else []
        )  # fmt: skip
        found += [n for n in names if n.startswith(FORBIDDEN)]
    assert found == []
