"""The `cityindex` command line: parse → load → compute → render; errors → exit codes.

Exit codes: 0 ok; 1 bad spec or data (every problem listed with its location); 2 bad usage
(unknown option, malformed --set); 3 an internal error (a bug: please report it; --debug
shows the traceback). stdout carries data only; messages go to stderr.
"""

from __future__ import annotations

import copy
import os
import signal
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cityindex.errors import CityIndexError
from cityindex.files import forget_inputs
from cityindex.render import render_error

WORKFLOW: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Score and read the index", ("score", "validate", "weights", "explain", "methods")),
    ("Diagnose", ("obstacles", "coupling", "audit", "importance")),
    ("Against published results", ("check", "calibrate", "compare", "optimise-weights")),
    ("Robustness", ("uncertainty", "sensitivity")),
    ("Data and output", ("data", "sources", "report", "plot")),
)
"""Commands in the order an analysis uses them; any other command is listed after them."""

EXAMPLES = """\b
Examples:
  cityindex score --top 10            rank the shipped AI-city index (2024)
  cityindex explain Shenzhen          one unit's score taken apart
  cityindex check --against seeds/ai-city-competitiveness-2024.csv
  cityindex uncertainty --runs 1000   rank intervals under the spec's plan
  cityindex report -o report.html     everything on one HTML page
  cityindex COMMAND --help            each command's options, with an example

The spec reference (every key and method): docs/spec.md."""


class WorkflowGroup(TyperGroup):
    """Lists commands in workflow order, under one heading per step."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Workflow order, then any command not placed in `WORKFLOW` (alphabetically)."""
        placed = [n for _, names in WORKFLOW for n in names if n in self.commands]
        return placed + sorted(n for n in self.commands if n not in placed)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """One section per workflow step."""
        names = self.list_commands(ctx)
        placed = {n for _, group in WORKFLOW for n in group}
        sections = [*WORKFLOW, ("Other", tuple(n for n in names if n not in placed))]
        shown = [n for n in names if not getattr(self.commands[n], "hidden", False)]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(n) for n in shown)
        for title, group in sections:
            rows = [(n, self.commands[n].get_short_help_str(limit)) for n in group if n in shown]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


app = typer.Typer(
    name="cityindex",
    cls=WorkflowGroup,
    help="Composite indices (AI-city competitiveness) from YAML definitions and sourced data.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_STATE = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
) -> None:
    """Composite indices (AI-city competitiveness) from YAML definitions and sourced data.

    Example: cityindex score --top 10
    """
    _STATE["debug"] = debug


# Each command module registers itself on `app`; one import per line.
import cityindex.cli.audit  # noqa: E402
import cityindex.cli.calibrate  # noqa: E402
import cityindex.cli.compare  # noqa: E402
import cityindex.cli.data_check  # noqa: E402
import cityindex.cli.explain  # noqa: E402
import cityindex.cli.importance  # noqa: E402
import cityindex.cli.methods  # noqa: E402
import cityindex.cli.obstacles  # noqa: E402
import cityindex.cli.optimise_level  # noqa: E402
import cityindex.cli.plot  # noqa: E402
import cityindex.cli.report  # noqa: E402
import cityindex.cli.score  # noqa: E402
import cityindex.cli.sensitivity  # noqa: E402
import cityindex.cli.sources  # noqa: E402
import cityindex.cli.uncertainty  # noqa: E402, F401


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))


def _app_for(args: list[str]) -> typer.Typer:
    """`app`, or a copy holding only the command `args` name.

    typer builds every command's options (signatures, type hints) before it runs one: 37 of
    the 56 ms a `score` of the shipped index took after the imports. A run naming a command
    needs only that one; anything else (top-level help, an unknown or misspelt command) gets
    the whole app, so its listing and did-you-mean are unchanged.
    """
    words = [a for a in args if a != "--debug"]
    if not words or words[0].startswith("-"):
        return app
    name = words[0]
    commands = [c for c in app.registered_commands if _command_name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv`; return the exit code (errors rendered to stderr)."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args or os.environ.get("CITYINDEX_DEBUG") == "1"
    forget_inputs()  # --output is checked against the files this run reads
    try:
        _app_for(args)(args=args, prog_name="cityindex", standalone_mode=True)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CityIndexError as error:
        sys.stderr.write(render_error(error))
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
    sys.exit(run())
