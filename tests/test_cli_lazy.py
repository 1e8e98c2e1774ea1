"""A run imports only the module of the command it names; `COMMAND_MODULES` says which."""

from __future__ import annotations

import subprocess
import sys

import cityindex.cli
from cityindex.cli import COMMAND_MODULES


def test_command_modules_name_the_module_that_registers_each_command() -> None:
    app = cityindex.cli.app  # every module imported
    registered = {
        cityindex.cli._command_name(c): c.callback.__module__.rsplit(".", 1)[1]
        for c in app.registered_commands
    }
    for group in app.registered_groups:
        modules = {c.callback.__module__ for c in group.typer_instance.registered_commands}
        registered[group.name] = modules.pop().rsplit(".", 1)[1]
    assert registered == COMMAND_MODULES


def test_scoring_imports_no_other_command_s_module() -> None:
    code = (
        "import sys; from cityindex.cli import run; "
        "code = run(['score', '--format', 'csv']); "
        "print(code, sorted(m for m in sys.modules if m.startswith('cityindex.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last == (
        "0 ['cityindex.cli.application', 'cityindex.cli.common', 'cityindex.cli.options', "
        "'cityindex.cli.score', "
        "'cityindex.cli.workbook']"
    )


def test_no_command_module_imports_another() -> None:
    """Shared pieces live in cli/common.py and the other shared modules (STYLE.md), so running
    one command imports that command's module alone."""
    import ast
    from pathlib import Path

    commands = set(COMMAND_MODULES.values())
    folder = Path(cityindex.cli.__file__).parent
    found = []
    for module in sorted(commands):
        tree = ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                name = node.module.removeprefix("cityindex.cli.")
                if node.module.startswith("cityindex.cli.") and name in commands - {module}:
                    found.append(f"{module} imports {name}")
    assert found == []
