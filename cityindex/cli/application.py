"""The typer application every command registers on, and the root callback.

Kept apart from `cityindex.cli` so a command module can register itself (``from
cityindex.cli.application import app``) without importing every other command: `run` imports
only the module of the command it is asked for (see `cityindex.cli.COMMAND_MODULES`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cityindex.render.terminal import escape_what_stdout_cannot_encode
from cityindex.render.workflow import EXAMPLES
from cityindex.render.workflow import WORKFLOW as WORKFLOW


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
    escape_what_stdout_cannot_encode()  # PYTHONIOENCODING=ascii: escapes, not a crash
