"""`methods`: every registered method by stage, with its formula line and its parameters.

The rows are read from the registry (`cityindex.methods.registry.REGISTRY`): the formula is the
method's registered `doc`, the parameters its declared `Param`s, so this listing cannot drift
from what a spec may name.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    check_choice,
    emit,
    localise,
    pick_format,
    pick_language,
)
from cityindex.cli.options import (
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
)
from cityindex.methods.registry import REGISTRY, REQUIRED, STAGES, Method, Param, load_methods
from cityindex.render.formats import render_rows
from cityindex.render.i18n import tr

COLUMNS = ["stage", "method", "formula", "params"]


def default_text(param: Param) -> str:
    """A parameter's default as a user writes it in YAML ('required' when it has none)."""
    value = param.default
    if value is REQUIRED:
        return "required"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def param_record(param: Param) -> dict[str, Any]:
    """One parameter for JSON: name, type, default (null when required), required, meaning."""
    required = param.default is REQUIRED
    default = None if required else param.default
    return {
        "name": param.name,
        "type": param.kind,
        "default": list(default) if isinstance(default, tuple) else default,
        "required": required,
        "doc": param.doc,
        **({"choices": list(param.choices)} if param.choices else {}),
    }


def param_text(param: Param) -> str:
    """``name: type = default`` for tables, CSV and Markdown."""
    return f"{param.name}: {param.kind} = {default_text(param)}"


def method_rows(stage: str | None = None) -> list[dict[str, Any]]:
    """One row per registered method (of `stage`, or of every stage in pipeline order)."""
    load_methods()
    methods: list[Method] = [m for s in STAGES if stage in (None, s) for m in REGISTRY[s].values()]
    return [
        {
            "stage": m.stage,
            "method": m.name,
            "formula": m.doc,
            "params": "; ".join(param_text(p) for p in m.params),
            "parameters": [param_record(p) for p in m.params],
        }
        for m in methods
    ]


@app.command(name="methods")
def methods_command(
    stage: Annotated[
        str | None,
        typer.Argument(
            help="Only this stage: " + ", ".join(STAGES) + " (default: every stage).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """List every method a spec can name, by stage: its formula and its parameters.

    Stages in pipeline order; params as `name: type = default` (JSON: a list of name, type,
    default, required, doc). The formulas are the registry's own, the ones the kernels compute.

    Example: cityindex methods weights --format markdown
    """
    check_choice("usage.stage", "stage", stage, list(STAGES), option="STAGE")
    rows = method_rows(stage)
    chosen = pick_format(fmt, output)
    columns = [*COLUMNS[:3], "parameters"] if chosen == "json" else COLUMNS
    language = pick_language(lang)
    title = (
        tr("t.methods_stage", language, stage=stage)
        if stage
        else tr("t.methods_by_stage", language)
    )
    shown, labels = localise(rows, columns, chosen, language)
    text = render_rows(
        shown, columns, chosen, title=title, excel_safe_cells=excel_safe, labels=labels
    )
    emit(text, output)
