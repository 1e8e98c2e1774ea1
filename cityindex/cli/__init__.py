"""The `cityindex` command line: parse → load → compute → render; errors → exit codes.

Exit codes: 0 ok; 1 bad spec or data (every problem listed with its location); 2 bad usage
(unknown option, malformed --set); 3 an internal error (a bug: please report it; --debug
shows the traceback). stdout carries data only; messages go to stderr.
"""

from __future__ import annotations

import copy
import importlib
import os
import signal
import sys
import traceback
from collections.abc import Iterable
from typing import Any

import typer

from cityindex.cli.application import WORKFLOW as WORKFLOW
from cityindex.cli.application import app as _app
from cityindex.errors import CityIndexError
from cityindex.load.files import clean_up_on_signals, forget_inputs
from cityindex.render.messages import error_text, start_messages

COMMAND_MODULES: dict[str, str] = {
    "score": "score", "validate": "score", "weights": "score", "explain": "explain",
    "methods": "methods", "obstacles": "obstacles", "coupling": "obstacles", "audit": "audit",
    "importance": "importance", "check": "calibrate", "calibrate": "calibrate",
    "compare": "compare", "optimise-weights": "optimise_level", "uncertainty": "uncertainty",
    "sensitivity": "sensitivity", "data": "data_check", "sources": "sources",
    "report": "report", "plot": "plot", "init": "init",
}  # fmt: skip
"""Each command (or command group) and the module of `cityindex.cli` that registers it."""


def _register(modules: Iterable[str]) -> None:
    for module in modules:
        importlib.import_module(f"cityindex.cli.{module}")


def __getattr__(name: str) -> Any:
    """`cityindex.cli.app` with every command registered (the modules imported on first use)."""
    if name == "app":
        _register(sorted(set(COMMAND_MODULES.values())))
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command_name(info: Any) -> str:
    """A registered command's name, as typer derives it when none is given."""
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name, its module alone imported (building every
    command is work one run does not need); every command for top-level help and an unknown
    or misspelt one, so the listing and did-you-mean are unchanged."""
    words = [a for a in args if a != "--debug"]
    name = words[0] if words and not words[0].startswith("-") else None
    if name not in COMMAND_MODULES:
        _register(sorted(set(COMMAND_MODULES.values())))
        return _app
    _register([COMMAND_MODULES[name]])
    one = copy.copy(_app)
    one.registered_commands = [c for c in _app.registered_commands if _command_name(c) == name]
    one.registered_groups = [g for g in _app.registered_groups if g.name == name]
    return one


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv`; return the exit code (errors rendered to stderr)."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args or os.environ.get("CITYINDEX_DEBUG") == "1"
    forget_inputs()  # --output is checked against the files this run reads
    start_messages(args)  # one language on stderr: --lang's, else the spec's, else English
    try:
        _app_for(args)(args=args, prog_name="cityindex", standalone_mode=True)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CityIndexError as error:
        sys.stderr.write(error_text(error))
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # a bug: say so plainly, no traceback unless asked
        if debug:
            traceback.print_exc()
        else:
            sys.stderr.write(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "this is a bug in cityindex; run again with --debug for the traceback\n"
            )
        return 3
    return 0


def main() -> None:
    """Console entry point."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    clean_up_on_signals()  # SIGTERM/SIGHUP mid-write leave no temp file, as SIGINT does
    sys.exit(run())
