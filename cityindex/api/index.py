"""What a library call takes: a spec (path, mapping, `Spec`) and data, as an `Index`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from cityindex.engine.pipeline import compute
from cityindex.errors import SpecError, UsageError, issue
from cityindex.load.arguments import path_argument, texts_argument, whole_argument, wrong_type
from cityindex.load.data import Table, load_data
from cityindex.load.shipped import resolve_default_spec
from cityindex.load.spec_yaml import load_spec, parse_spec
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.model.spec_schema import check_columns
from cityindex.version import __version__

SpecLike = str | Path | Mapping[str, Any] | Spec
DataLike = str | Path | pd.DataFrame | Table | None
DATA_TYPES = (str, PathLike, pd.DataFrame, Table)
"""What `data=` may be (besides None): a path, a DataFrame or a `Table`."""


@dataclass(frozen=True)
class Index:
    """An index definition (a validated `Spec`) and, optionally, the data to score it on.

    >>> idx = Index.from_dict({
    ...     "index": {"id": "t", "title": "T", "unit": "u"},
    ...     "groups": {"g": {"indicators": {"x": {"direction": "higher_is_better"}}}},
    ... })
    >>> idx.spec.index.id, [i.id for i in idx.spec.indicators()]
    ('t', ['x'])
    """

    spec: Spec
    data: Table | None = None

    @classmethod
    def from_yaml(cls, path: str | Path, *, set: Sequence[str] = ()) -> Index:
        """Read and validate a YAML spec; `set` holds ``PATH=VALUE`` overrides as ``--set``."""
        return cls(load_spec(path, overrides=tuple(set)))

    @classmethod
    def from_dict(
        cls,
        spec: Mapping[str, Any],
        *,
        set: Sequence[str] = (),
        base_dir: str | Path | None = None,
    ) -> Index:
        """Validate a spec given as a plain mapping (the YAML's structure).

        A relative ``index.data`` is read from `base_dir` (default: the working folder).
        Problems are located at the line of the spec written out as YAML (``<dict>:LINE``).
        """
        from cityindex.load.frames import spec_text

        if not isinstance(spec, Mapping):
            raise wrong_type("spec", spec, "a mapping with `index` and `groups`")
        base = path_argument(base_dir, "base_dir") if base_dir is not None else None
        text = spec_text(spec, base_dir=base)
        parsed, issues = parse_spec(text, file="<dict>", base_dir=base, overrides=tuple(set))
        if issues or parsed is None:
            raise SpecError(issues)
        return cls(replace(parsed, path=None))

    def with_data(self, data: DataLike, *, year: int | None = None) -> Index:
        """The same index with `data` (a path, DataFrame or Table) to score."""
        return replace(self, data=_table(self.spec, data, year=year))

    def table(self, *, year: int | None = None) -> Table:
        """The data this index scores: the one given, else the spec's ``index.data``."""
        return self.data if self.data is not None else _table(self.spec, None, year=year)

    def compute(self, *, year: int | None = None) -> IndexResult:
        """The full result (every stage, weights, manifest) for this index and its data."""
        table = self.table(year=year)
        problems = check_columns(self.spec, table.columns, table.file)
        if problems:
            raise SpecError(problems)
        return compute(self.spec, table, version=__version__)


def as_index(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> Index:
    """Anything naming a spec (path, mapping, `Spec`, `Index`) as an `Index` with its data.

    No spec means the shipped default (`load.shipped.resolve_default_spec`): the working
    folder's ``indicators/ai-city-2024.yaml``, else the checkout's, else the installed copy, as
    the command line chooses it.
    """
    set = texts_argument(set, "set", example="groups.policy.weight=2")
    year = whole_argument(year, "year")
    if not isinstance(data, DATA_TYPES) and data is not None:
        raise wrong_type("data", data, "a CSV path, a pandas DataFrame or a Table")
    if spec is None:
        spec = resolve_default_spec().path
    if isinstance(spec, Index):
        index = spec
        if set:
            if index.spec.text is None:
                raise UsageError([issue("usage.set", "set= needs a spec read from text")])
            base = index.spec.path.parent if index.spec.path is not None else None
            parsed, issues = parse_spec(
                index.spec.text,
                file=str(index.spec.path or "<dict>"),
                base_dir=base,
                overrides=[*index.spec.overrides, *set],
            )
            if issues or parsed is None:
                raise SpecError(issues)
            index = replace(index, spec=parsed)
    elif isinstance(spec, Spec):
        index = as_index(Index(spec), set=set)
    elif isinstance(spec, Mapping):
        index = Index.from_dict(spec, set=set)
    elif isinstance(spec, str | PathLike) and not isinstance(spec, bytes):
        index = Index.from_yaml(spec, set=set)
    else:
        raise wrong_type("spec", spec, "a spec: a YAML path, a mapping, a Spec or an Index")
    if data is not None or (year is not None and index.data is None):
        index = index.with_data(data, year=year)
    return index


def _table(spec: Spec, data: DataLike, *, year: int | None) -> Table:
    if isinstance(data, Table):
        return data
    if isinstance(data, pd.DataFrame):
        return Table.from_frame(
            data,
            unit=spec.index.unit,
            year=year,
            time=spec.index.time,
            na_values=spec.index.na_values,
        )
    path = data if data is not None else spec.index.data
    if path is None:
        raise SpecError(
            [
                issue(
                    "spec.data.missing",
                    "no data: the spec has no `index.data` and no data was given",
                    key_path="index.data",
                    hint="pass data=<CSV path or DataFrame>",
                )
            ]
        )
    return load_data(
        path, unit=spec.index.unit, year=year, time=spec.index.time, na_values=spec.index.na_values
    )


def as_result(result: IndexResult | SpecLike | Index | None = None) -> IndexResult:
    """A computed result as given, or computed from anything naming a spec."""
    return result if isinstance(result, IndexResult) else as_index(result).compute()
