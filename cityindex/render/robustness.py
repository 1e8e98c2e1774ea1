"""The rows, digits, titles and notes of `uncertainty` and `sensitivity` as the command line
shows them, from the frames `cityindex.uncertainty` and `cityindex.sensitivity` return."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from cityindex.model.spec import Spec
from cityindex.render.choices import localise
from cityindex.render.formats import render_rows
from cityindex.render.i18n import Language, tr
from cityindex.render.i18n import title as title_of
from cityindex.render.plan_inputs import inputs_words

SOBOL_COLUMNS = ("first", "first_low", "first_high", "total", "total_low", "total_high")
SCORE_PERCENTILES = ("score_p05", "score_p50", "score_p95")


@dataclass
class Shown:
    """Rows to render and how (the keyword arguments of `formats.render_rows` they need)."""

    rows: list[dict[str, Any]]
    columns: list[str]
    title: str
    caption: str
    extra_json: dict[str, Any]
    digits: dict[str, int | None] | None = None
    display_digits: dict[str, int | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    """The units' Chinese names, shown for their ids under zh (`localise`)."""

    def render(
        self,
        fmt: str,
        *,
        language: Language,
        spec: Spec,
        round_to: int | None,
        excel_safe: bool,
    ) -> str:
        """These rows, as the reader's language shows them (`localise`), in `fmt`."""
        rows, labels = localise(self.rows, self.columns, fmt, language, spec, units=self.units)
        return render_rows(
            rows,
            self.columns,
            fmt,
            labels=labels,
            digits=self.digits,
            display_digits=self.display_digits,
            round_to=round_to,
            excel_safe_cells=excel_safe,
            title=self.title,
            caption=self.caption,
            extra_json=self.extra_json,
        )


def _cells(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Each row of `frame` with its index levels and float cells (a missing rank: None)."""
    names = [str(n) for n in frame.index.names]
    rows = []
    for key, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        keys = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(names, keys, strict=True))
        for column, value in zip(frame.columns, values, strict=True):
            row[str(column)] = None if value is pd.NA else float(value)
        rows.append(row)
    return rows


def uncertainty_shown(
    frame: pd.DataFrame, spec: Spec, language: Language, *, top: int | None = None
) -> Shown:
    """The `uncertainty` table: nominal rank order, whole ranks, score columns at the nominal
    scores' digits (else four shown), `top` rows."""
    rows = _cells(frame)[:top]
    for row in rows:
        row["rank"] = None if row["rank"] is None else int(row["rank"])
    meta = {key: frame.attrs[key] for key in ("runs", "seed", "top_k", "inputs")}
    n, seed, k = meta["runs"], meta["seed"], meta["top_k"]
    score_digits = frame.attrs["digits"]
    fixed: dict[str, int | None] = {"score": score_digits}
    fixed.update(dict.fromkeys(SCORE_PERCENTILES, score_digits))
    display: dict[str, int | None] = {"mean_rank": 2, "p_top_k": 3}
    if score_digits is None:
        display.update(dict.fromkeys(SCORE_PERCENTILES, 4))
    return Shown(
        rows,
        ["rank", str(frame.index.name), *frame.columns[1:]],
        title=tr("t.uncertainty", language, title=title_of(spec.index, language), n=n, seed=seed),
        caption=tr(
            "t.uncertainty_caption", language, k=k, inputs=inputs_words(meta["inputs"], language)
        ),
        extra_json={"manifest": frame.attrs["manifest"], "uncertainty": meta},
        digits=fixed,
        display_digits=display,
        units=frame.attrs.get("unit_labels", {}),
    )


class Shortfall(Protocol):
    """What `api.robustness.MemoryBudgetWarning` says: bytes held, runs, units, budget, and
    the bytes the runs' results need."""

    held: int
    runs: int
    units: int
    budget: int
    needed: int


def memory_warning(warning: Shortfall) -> str:
    """A `MemoryBudgetWarning` in the command line's words (its --memory and --runs)."""
    w = warning
    return (
        f"this process already holds {w.held / 1e6:,.0f} MB (Python, spec and data) and "
        f"the results of {w.runs:,} runs × {w.units:,} units need "
        f"{w.needed / 1e6:,.0f} MB more, whatever the chunk size: that is over "
        f"the --memory budget of {w.budget / 1e6:,.0f} MB, which the process will "
        "exceed (fewer --runs, or a larger --memory)"
    )


def empty_note(rows: list[dict[str, Any]], unit_col: str | None) -> str | None:
    """Why indices are blank: a Sobol index is undefined (NaN) when its output never varied,
    i.e. no rank moved in any run. None when every index is defined."""
    blank = [r for r in rows if all(math.isnan(r[c]) for c in SOBOL_COLUMNS)]
    if not blank:
        return None
    hint = "widen the plan's noise or add inputs (alternatives, leave_one_out)"
    if len(blank) == len(rows):
        return f"no rank moved in any run: every Sobol index is undefined; {hint}"
    if unit_col is None:
        names = ", ".join(str(r["input"]) for r in blank)
        return f"indices undefined (blank) for {names}: the output never varied"
    units = list(dict.fromkeys(str(r[unit_col]) for r in blank))
    return (
        f"{len(units)} unit(s) never changed rank in any run, so their indices are undefined "
        f"(blank): {', '.join(units)}"
    )


def sensitivity_note(frame: pd.DataFrame) -> str | None:
    """Why some of a `sensitivity` frame's indices are blank (None when none is)."""
    per_unit = frame.index.nlevels > 1
    return empty_note(_cells(frame), str(frame.index.names[0]) if per_unit else None)


def sensitivity_shown(
    frame: pd.DataFrame, spec: Spec, language: Language, *, sampler: str
) -> Shown:
    """The `sensitivity` table: per input, or per unit and input."""
    rows = _cells(frame)
    per_unit = frame.index.nlevels > 1
    note = sensitivity_note(frame)
    output = "unit rank" if per_unit else "mean absolute rank shift from nominal"
    attrs = frame.attrs
    meta = {
        "base_sample": attrs["base_sample"],
        "runs": attrs["runs"],
        "seed": attrs["seed"],
        "bootstrap": attrs["bootstrap"],
        "sampler": sampler,
        "output": output,
        "note": note,
    }
    title = title_of(spec.index, language)
    return Shown(
        rows,
        [*(str(n) for n in frame.index.names), *SOBOL_COLUMNS],
        title=tr(
            "t.sensitivity", language, title=title, n=attrs["base_sample"], runs=attrs["runs"]
        ),
        caption=tr("t.sensitivity_caption", language, output=output),
        extra_json={"manifest": attrs["manifest"], "sensitivity": meta},
        display_digits=dict.fromkeys(SOBOL_COLUMNS, 3),
    )
