"""pandas DataFrames in and out: a frame as a data `Table`, and a plain spec mapping as YAML text.

A DataFrame is written to CSV text and read back by the same parser as a file (`parse_table`),
so a frame is held to exactly the rules a CSV is: the same number rules, duplicate and empty
unit checks, panels by a time column, and the same located errors (``<DataFrame>:3`` is the
frame's second row, the header being line 1, as in the file it would be).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cityindex.errors import DataError, issue


def frame_as_csv(frame: pd.DataFrame, *, unit: str | None = None) -> tuple[str, str, str]:
    """A DataFrame as the CSV text `Table.from_frame` parses, with its unit column and digest.

    The index is used as the unit column when `unit` names it (or is omitted and it is named).
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            [
                issue(
                    "data.frame.type",
                    f"expected a pandas DataFrame, got {type(frame).__name__}",
                    expected="pandas.DataFrame with one row per unit",
                )
            ]
        )
    index_name = frame.index.name
    if unit is None:
        if index_name is None:
            raise DataError(
                [
                    issue(
                        "data.column.no-unit",
                        "no unit column: pass unit='<column>' or name the frame's index",
                        hint="e.g. Table.from_frame(df, unit='city')",
                    )
                ]
            )
        unit = str(index_name)
    columns = [str(c) for c in frame.columns]
    if unit not in columns and index_name is not None and str(index_name) == unit:
        frame = frame.reset_index()
    text = frame.to_csv(index=False, lineterminator="\n")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text, unit, digest


def spec_text(plain: Mapping[str, Any], *, base_dir: Path | None = None) -> str:
    """A plain spec mapping as block YAML (lists in flow style), so it parses with positions.

    A relative ``index.data`` is made absolute against `base_dir` (default: the working
    folder), because a spec built from a mapping has no file of its own to be relative to.

    >>> print(spec_text({"index": {"id": "t", "unit": "u"}, "groups": {"g": {"w": (1, 2)}}}))
    index:
      id: t
      unit: u
    groups:
      g:
        w: [1, 2]
    <BLANKLINE>
    """
    from cityindex.load.spec_yaml import dump_value

    body = {str(k): v for k, v in plain.items()}
    index = body.get("index")
    if isinstance(index, Mapping) and isinstance(index.get("data"), str | Path):
        data = Path(str(index["data"]))
        if not data.is_absolute():
            data = (base_dir or Path.cwd()) / data
        body["index"] = {**index, "data": str(data)}

    def block(value: Mapping[str, Any], indent: int) -> list[str]:
        pad = " " * indent
        lines: list[str] = []
        for key, item in value.items():
            head = f"{pad}{dump_value(str(key))}:"
            if isinstance(item, Mapping) and item:
                lines += [head, *block(item, indent + 2)]
            else:
                lines.append(f"{head} {dump_value(_plain(item))}")
        return lines

    return "\n".join(block(body, 0)) + "\n"


def _plain(value: Any) -> Any:
    """Tuples as lists, numpy scalars as Python numbers, mappings as dicts (YAML-safe)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value
