"""`optimise-weights`: COINr's level-wide balanced weights (every weight of one level at once)."""

from __future__ import annotations

from typing import Annotated

import typer

from cityindex.cli.application import app
from cityindex.cli.common import (
    emit,
    load,
    localise,
    pick_format,
    pick_language,
    say,
)
from cityindex.cli.options import (
    DataOpt,
    DigitsOpt,
    EncodingOpt,
    ExcelSafeOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    SetOpt,
    SpecArg,
    YearOpt,
)
from cityindex.errors import CityIndexError, UsageError, issue
from cityindex.model.spec import Spec


def _parse_target(text: str) -> str | dict[str, float]:
    """`equal`, or `id=share,id=share,...`."""
    if text == "equal":
        return text
    out: dict[str, float] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        try:
            out[key.strip()] = float(value) if sep else float("nan")
        except ValueError:
            out[key.strip()] = float("nan")
        if not sep or out[key.strip()] != out[key.strip()]:
            raise UsageError(
                [
                    issue(
                        "usage.target",
                        f"--target: cannot read {part!r}",
                        expected="equal, or id=share pairs separated by commas",
                        got=text,
                        hint="e.g. --target Conn=0.6,Sust=0.4",
                    )
                ]
            )
    return out


def _weight_path(spec: Spec, child: str) -> str:
    """The dotted key path of `child`'s weight, as --set takes it."""
    for key in spec.locations:
        if key.endswith(f".{child}.weight") or key == f"{child}.weight":
            return key
    return f"groups.{child}.weight"


@app.command(name="optimise-weights")
def optimise_weights_command(
    spec: SpecArg = None,
    data: DataOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    sets: SetOpt = None,
    level: Annotated[
        int,
        typer.Option(
            "--level",
            min=1,
            help="The level whose weights vary, counted as COINr counts: 1 = indicators.",
        ),
    ] = 2,
    target: Annotated[
        str,
        typer.Option(
            "--target", help="equal, or each child's share: id=share,id=share,... (made relative)."
        ),
    ] = "equal",
    measure: Annotated[
        str,
        typer.Option("--measure", help="What is balanced (correlation with the index)."),
    ] = "correlation",
    digits: DigitsOpt = None,
    encoding: EncodingOpt = None,
    excel_safe: ExcelSafeOpt = False,
    lang: LangOpt = None,
) -> None:
    """Level-wide optimised weights: each child's correlation with the index at its target share.

    COINr's get_opt_weights(optype = "balance"): all weights of one level vary at once and
    each child's correlation with the index is compared with its target share; f is the mean
    squared gap, minimised with weights >= 0 (bounded least squares, several starts). When the
    target is reached, the --set lines for the weights found go to stderr; when no non-negative
    weights reach it the command exits 1 with the closest shares.

    Example: cityindex optimise-weights indicators/asem-example.yaml --level 3
    """
    from cityindex.analysis.optimise_level import COLUMNS, optimise_level
    from cityindex.engine.panel import prepare
    from cityindex.render.formats import render_rows

    if measure != "correlation":
        raise UsageError(
            [
                issue(
                    "usage.measure",
                    f"--measure {measure!r} is not supported",
                    expected="correlation",
                    got=measure,
                )
            ]
        )
    wanted = _parse_target(target)
    loaded = load(spec, data=data, year=year, sets=sets, encoding=encoding)
    prepared = prepare(loaded.spec, loaded.table)
    try:
        found = optimise_level(prepared, level, wanted)
    except ValueError as exc:
        raise UsageError(
            [issue("usage.level", f"--level {level} / --target: {exc}", got=target)]
        ) from None
    chosen = pick_format(fmt, output)
    language = pick_language(lang, loaded.spec)
    rows, labels = localise(found.rows(), COLUMNS, chosen, language, loaded.spec)
    text = render_rows(
        rows,
        labels=labels,
        columns=COLUMNS,
        fmt=chosen,
        display_digits={c: 6 for c in COLUMNS if c not in ("child", "parent")},
        round_to=digits,
        excel_safe_cells=excel_safe,
        title=f"optimised weights, level {level}",
    )
    emit(text, output)
    if found.reached:
        for child, w in zip(found.children, found.after, strict=True):
            say(f"--set {_weight_path(loaded.spec, child)}={w:.12g}")
        return
    gaps = abs(found.share - found.target)
    worst = int(gaps.argmax())
    shown = ", ".join(
        f"{c} {s:.3f} (target {t:.3f})"
        for c, s, t in zip(found.children, found.share, found.target, strict=True)
    )
    key = _weight_path(loaded.spec, found.children[worst])
    raise CityIndexError(
        [
            issue(
                "optimise.unreachable",
                f"no non-negative weights of level {level} reach the target correlation "
                f"shares: furthest is {found.children[worst]} at {found.share[worst]:.4f} "
                f"(target {found.target[worst]:.4f}); closest shares: {shown}; "
                f"mean squared gap f = {found.objective:.3g}",
                location=loaded.spec.location(key),
                key_path=key,
                hint="the table shows the closest weights; change the target (--target) or "
                "optimise another level",
            )
        ]
    )
