"""Reading an index as the command line does, and the verbs that read it: `validate`,
`sources`, `methods`.

`read_index` loads a spec and its data and checks them against each other; what a reader should
know on the way (the default spec chosen, an encoding detected, placeholder cells, the spec's
warnings) goes to `notify` in the order it is found, so the command line prints it to stderr
and the library keeps it in a frame's ``attrs``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.engine.pipeline import unit_labels
from cityindex.errors import CityIndexError, Issue, SpecError, issue
from cityindex.load.arguments import text_argument, wrong_type
from cityindex.load.data import Table, load_data
from cityindex.load.provenance import PROVENANCE_FIELDS, load_sources, provenance_rows, sources_path
from cityindex.load.shipped import DefaultSpec, resolve_default_spec
from cityindex.load.spec_yaml import parse_spec, read_spec_decoded
from cityindex.methods.registry import REGISTRY, REQUIRED, STAGES, Method, Param, load_methods
from cityindex.model.result import find_unit_in
from cityindex.model.spec import Spec
from cityindex.model.spec_schema import check_columns
from cityindex.model.spec_values import sort_issues
from cityindex.render.choices import check_choice
from cityindex.render.i18n import as_language, tr

Notify = Callable[[Literal["note", "warning"], str], None]
"""Receives each note and warning of a read, in order."""


@dataclass(frozen=True)
class Loaded:
    """A spec and its data, validated against each other."""

    spec: Spec
    table: Table
    default: DefaultSpec | None = None
    """How the default spec was chosen when no SPEC was given (None when one was)."""


def _ignore(kind: Literal["note", "warning"], message: str) -> None:
    """A `Notify` that drops everything."""


def read_index(
    spec_path: Path | None,
    *,
    data: Path | None = None,
    year: int | None = None,
    sets: Sequence[str] | None = None,
    encoding: str | None = None,
    notify: Notify = _ignore,
) -> Loaded:
    """Load and cross-check spec and data; every spec and column problem in one error."""
    default = resolve_default_spec() if spec_path is None else None
    path = default.path if default is not None else spec_path
    assert path is not None
    for note in default.notes if default is not None else ():
        notify("note", note)
    text, spec_encoding = read_spec_decoded(path)
    spec, issues = parse_spec(text, file=str(path), base_dir=path.parent, overrides=sets or ())
    language = as_language(spec.index.language if spec is not None else None)
    if spec_encoding != "utf-8":  # announced as a data file's detected encoding is
        notify("note", tr("n.spec_gbk", language, path=path))
    data_path = data if data is not None or spec is None else spec.index.data
    if spec is None:
        raise SpecError(issues)
    if issues:
        if data_path is not None:
            try:
                table = load_data(
                    data_path, unit=spec.index.unit, year=year, time=spec.index.time,
                    encoding=encoding,
                )  # fmt: skip
                issues = issues + check_columns(spec, table.columns, str(data_path))
            except CityIndexError:
                pass  # the spec's own problems come first; data problems show once it is fixed
        raise SpecError(sort_issues(issues))
    if data_path is None:
        raise SpecError(
            [
                issue(
                    "spec.data.missing",
                    "no data file: the spec has no `index.data` and no --data was given",
                    key_path="index.data",
                    hint="add `data: ../data/file.csv` under `index:` or pass --data FILE",
                )
            ]
        )
    table = load_data(
        data_path, unit=spec.index.unit, year=year, time=spec.index.time, encoding=encoding,
        na_values=spec.index.na_values,
    )  # fmt: skip
    if table.encoding != "utf-8":  # detected: never silently
        how = "as asked (--encoding)" if encoding else "detected: the file is not valid UTF-8"
        notify(
            "note",
            f"note: read {table.file} as {table.encoding.upper()} ({how}); "
            "pass --encoding to choose another",
        )
    if table.na_cells:
        na = ", ".join(spec.index.na_values)
        notify("note", tr("n.na_cells", language, n=table.na_cells, file=table.file, values=na))
    column_issues: list[Issue] = check_columns(spec, table.columns, str(data_path))
    if column_issues:
        raise SpecError(column_issues)
    for message in spec.warnings:
        notify("warning", message)
    return Loaded(spec, table, default)


def validate(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.Series:
    """Check a spec and its data, as ``cityindex validate`` does: what was checked, counted.

    A problem raises (`SpecError` or `DataError`, with every issue found, the spec's
    ``uncertainty:`` plan and ``weight_sets:`` included); a valid index
    returns a Series named by the index id: ``groups``, ``indicators``, ``units`` and
    ``excluded`` (units the missing-data rule leaves unranked). ``attrs["warnings"]`` holds
    the warnings of the spec and of the computation, which do not stop it.
    """
    from cityindex.analysis.plan import plan_issues

    index = as_index(spec, data, set=set, year=year)
    planned = plan_issues(index.spec)  # what `uncertainty` and `sensitivity` would refuse
    if planned:
        raise SpecError(sort_issues(planned))
    result = index.compute(year=year)
    counts = pd.Series(
        {
            "groups": len(index.spec.all_groups()),
            "indicators": len(index.spec.indicators()),
            "units": len(result.units),
            "excluded": len(result.excluded()),
        },
        name=index.spec.index.id,
    )
    counts.attrs = {"warnings": list(dict.fromkeys([*index.spec.warnings, *result.warnings]))}
    return counts


def source_rows(
    spec: Spec,
    table: Table,
    *,
    unit: str | None = None,
    indicator: str | None = None,
    all_columns: bool = False,
) -> list[dict[str, Any]]:
    """Each value's provenance as rows (see `sources`); an unknown unit or indicator is a
    `UsageError` listing the valid ones."""
    if unit is not None:  # its id or its Chinese name (`index.unit_label_zh`), as written
        labels = unit_labels(spec, table)
        found = find_unit_in(
            table.units, labels, unit, option="--unit", code="usage.unit", casefold=False
        )
        unit = table.units[found]
    names = list(dict.fromkeys(n for i in spec.indicators() for n in (i.id, i.column)))
    if all_columns:
        names += [c for c in table.columns if c not in names]
    check_choice("usage.indicator", "indicator", indicator, names, option="--indicator")
    src = load_sources(sources_path(table.file), data_path=table.file)
    rows = provenance_rows(
        spec, table, src, unit=unit, indicator=indicator, all_columns=all_columns
    )
    return list(rows)


def sources(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    unit: str | None = None,
    indicator: str | None = None,
    all_columns: bool = False,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Where each value came from, as ``cityindex sources`` lists it: a reviewer's first check.

    One row per value (unit × indicator, or every data column with `all_columns`), indexed by
    ``unit`` and ``indicator``: ``column``, ``value``, ``year``, ``publisher``, ``title``,
    ``published``, ``url``, ``mirror`` (the link is not on the original publisher's site) and
    ``note``, read from the ``<data>.sources.csv`` next to the data file. ``attrs`` names the
    data file, the sources file and the year. Rows follow the data (units by name, indicators
    in spec order), not the sources file; of several sources rows for one value the first
    original in the file is shown, else the first mirror.
    """
    unit = text_argument(unit, "unit")
    indicator = text_argument(indicator, "indicator")
    index = as_index(spec, data, set=set, year=year)
    table = index.table(year=year)
    rows = source_rows(index.spec, table, unit=unit, indicator=indicator, all_columns=all_columns)
    frame = pd.DataFrame(rows, columns=list(PROVENANCE_FIELDS)).set_index(["unit", "indicator"])
    frame.attrs = {"data": table.file, "sources": str(sources_path(table.file)), "year": table.year}
    return frame


def _default_text(param: Param) -> str:
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


def _param_record(param: Param) -> dict[str, Any]:
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


def method_rows(stage: str | None = None) -> list[dict[str, Any]]:
    """One row per registered method (of `stage`, or of every stage in pipeline order)."""
    if stage is not None and not isinstance(stage, str):
        raise wrong_type("stage", stage, "a stage name, one of: " + ", ".join(STAGES))
    check_choice("usage.stage", "stage", stage, list(STAGES), option="STAGE")
    load_methods()
    found: list[Method] = [m for s in STAGES if stage in (None, s) for m in REGISTRY[s].values()]
    return [
        {
            "stage": m.stage,
            "method": m.name,
            "formula": m.doc,
            "params": "; ".join(f"{p.name}: {p.kind} = {_default_text(p)}" for p in m.params),
            "parameters": [_param_record(p) for p in m.params],
        }
        for m in found
    ]


def methods(stage: str | None = None) -> pd.DataFrame:
    """Every method a spec can name, read from the registry so the list cannot drift.

    Indexed by ``stage`` and ``method`` (pipeline order): ``formula`` (the registered formula
    line), ``params`` (``name: type = default``, joined by ``; ``) and ``parameters`` (a list
    of records: name, type, default, required, doc, and choices when the values are fixed).
    `stage` keeps one stage's methods; an unknown stage is a `UsageError`.
    """
    return pd.DataFrame(method_rows(stage)).set_index(["stage", "method"])


METHOD_STAGES = tuple(STAGES)
"""The stages methods are registered for, in pipeline order (``cityindex methods STAGE``)."""
