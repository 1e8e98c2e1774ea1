"""The options every command shares, declared once, and `shared`, the decorator that adds them.

As sqlite-utils' ``output_options`` does for click, `shared("spec", "data", "format", …)` adds
the named options to a command's signature (typer reads the signature), and hands the command
their values as one `Options`, in its parameter named ``opts``. A command module therefore
names the options it takes instead of importing and re-declaring a block of them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

SpecArg = Annotated[
    Path | None,
    typer.Argument(
        help="Index definition (YAML). Default: indicators/ai-city-2024.yaml of the working "
        "directory or of the cityindex checkout it is in, else the installed copy.",
        show_default=False,
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data CSV to use instead of the spec's `index.data`."),
]
YearOpt = Annotated[
    int | None, typer.Option("--year", help="Year of a panel data file (default: the latest).")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, json, markdown or xlsx (default: table on a terminal, csv when piped).",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override one spec value by dotted path: --set groups.policy.weight=0.3 "
        "(repeatable; VALUE is YAML).",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Encoding of the data CSV, e.g. gb18030 (default: UTF-8, else GB18030/GBK "
        "detected and announced).",
    ),
]
ExcelSafeOpt = Annotated[
    bool,
    typer.Option(
        "--excel-safe",
        help="In CSV output, prefix text cells starting with = + - @ (or tab/CR) with a single "
        "quote so a spreadsheet shows them as text instead of running them as formulas.",
    ),
]
TopOpt = Annotated[int | None, typer.Option("--top", help="Show only the first N rows.", min=1)]
OutputEncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--output-encoding",
        help="Encoding of text output: utf-8 (default, for scripts), utf-8-sig (UTF-8 with a "
        "BOM, so Excel on Windows shows Chinese correctly) or gbk/gb18030. (--encoding is the "
        "input data's.)",
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of headings, column titles and chart labels: zh or en (default: the "
        "spec's index.language, else en).",
    ),
]
DigitsOpt = Annotated[
    int | None,
    typer.Option(
        "--digits",
        min=0,
        max=15,
        help="Round every number to N decimals, in every format (default: CSV and JSON keep "
        "full precision; tables and Markdown show one fixed precision per column). Ranks stay "
        "whole numbers.",
    ),
]

DECLARED: dict[str, tuple[Any, Any]] = {
    "spec": (SpecArg, None),
    "data": (DataOpt, None),
    "year": (YearOpt, None),
    "fmt": (FormatOpt, None),
    "output": (OutputOpt, None),
    "top": (TopOpt, None),
    "sets": (SetOpt, None),
    "digits": (DigitsOpt, None),
    "encoding": (EncodingOpt, None),
    "excel_safe": (ExcelSafeOpt, False),
    "output_encoding": (OutputEncodingOpt, None),
    "lang": (LangOpt, None),
}
"""Each shared option: its typer declaration and its default, by parameter name."""

INPUT = ("spec", "data", "year", "sets", "encoding")
"""The options that say what to score: spec, data, panel year, overrides, data encoding."""
OUTPUT = ("fmt", "output", "digits", "excel_safe", "lang")
"""The options that say how to write it."""


@dataclass(frozen=True)
class Options:
    """The shared options' values for one run (those a command does not take keep defaults)."""

    spec: Path | None = None
    data: Path | None = None
    year: int | None = None
    fmt: str | None = None
    output: Path | None = None
    top: int | None = None
    sets: list[str] | None = None
    digits: int | None = None
    encoding: str | None = None
    excel_safe: bool = False
    output_encoding: str | None = None
    lang: str | None = None
    taken: frozenset[str] = field(default_factory=frozenset)
    """The names of the options this command offers."""


F = TypeVar("F", bound=Callable[..., Any])


def shared(*names: str) -> Callable[[F], F]:
    """Add the named shared options (see `DECLARED`; `INPUT` and `OUTPUT` group the usual
    ones) to a command in place of its ``opts`` parameter, in the order given."""
    unknown = [n for n in names if n not in DECLARED]
    if unknown:
        raise ValueError(f"no shared option called {unknown}")

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = list(signature.parameters.values())
        at = [p.name for p in own].index("opts")
        added = [
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=DECLARED[name][0],
                default=DECLARED[name][1],
            )
            for name in names
        ]
        params = [*own[:at], *added, *own[at + 1 :]]
        # typer requires positional arguments without defaults first; ours all have defaults

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            values = {n: kwargs.pop(n) for n in names}
            return command(**kwargs, opts=Options(**values, taken=frozenset(names)))

        del wrapper.__wrapped__  # typer must see the new signature, not the command's
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper  # type: ignore[return-value]

    return decorate
