"""One stage of a computation as a table: what `cityindex score --stage NAME` prints.

The unit × indicator stages come straight from `IndexResult.stages`; `aggregated` puts the
normalised indicators beside every group at every level and the index score (COINr's
``Aggregated`` data set); `treat_log` is the per-indicator outlier-treatment log (COINr's
``Dets_Table``). Units screened out by the missing-data rule are left out from `screened` on,
as COINr drops them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityindex.errors import UsageError, did_you_mean, issue
from cityindex.methods.treat import winsorise_log
from cityindex.model.output_columns import OUTPUT_COLUMNS
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.model.tree import resolve_tree

UNIT_STAGES = ("raw", "denominated", "imputed", "screened", "treated", "normalised")
STAGE_NAMES = (*UNIT_STAGES, "aggregated", "treat_log")
SCREENED_FROM = ("screened", "treated", "normalised", "aggregated")
TREAT_LOG_COLUMNS = OUTPUT_COLUMNS["score --stage treat_log"]


def stage_table(spec: Spec, result: IndexResult, name: str) -> pd.DataFrame:
    """The stage `name` (one of `STAGE_NAMES`) as a frame.

    Unit stages are indexed by unit with one column per indicator; `aggregated` adds one column
    per group (definition order) and `score` (the index, scaled as the spec says);
    `treat_log` has one row per indicator and the columns of `TREAT_LOG_COLUMNS`.
    """
    check_stage(name)
    if name == "treat_log":
        return treatment_log(spec, result)
    source = "normalised" if name == "aggregated" else name
    frame = result.stages[source].copy()
    frame.index = pd.Index(list(result.units), name=result.unit_column)
    if name == "aggregated":
        groups = result.group_scores.copy()
        groups.index = frame.index
        frame = pd.concat([frame, groups], axis=1)
        exact = result.score_exact if result.score_exact is not None else result.score
        frame["score"] = np.where(result.included, exact, np.nan)
    if name in SCREENED_FROM:
        frame = frame[np.asarray(result.included)]
    return frame


def check_stage(name: str) -> None:
    """Raise a `UsageError` (exit 2) unless `name` is one of `STAGE_NAMES`."""
    if name not in STAGE_NAMES:
        raise UsageError(
            [
                issue(
                    "usage.stage",
                    f"unknown stage '{name}'",
                    expected="one of: " + ", ".join(STAGE_NAMES),
                    hint=did_you_mean(name, STAGE_NAMES),
                )
            ]
        )


def treatment_log(spec: Spec, result: IndexResult) -> pd.DataFrame:
    """Per indicator: its treat method and, for `winsorise`, skew and kurtosis before and after,
    the number of points winsorised and whether the log transform was needed.

    Recomputed from the `screened` stage with each indicator's own parameters, so it is the log
    of exactly the treatment that produced the `treated` stage (for a panel: the selected year).
    Other methods have no checks to log: their rows carry only the method.
    """
    tree = resolve_tree(spec)
    screened = result.stages["screened"]
    rows: list[dict[str, object]] = []
    for ind in tree.indicators:
        choice = tree.indicator_methods[ind.id]["treat"]
        row: dict[str, object] = dict.fromkeys(TREAT_LOG_COLUMNS)
        row.update(indicator=ind.id, method=choice.name)
        if choice.name == "winsorise":
            params = {k: v for k, v in choice.params.items() if k in _WINSORISE_KEYS}
            log = winsorise_log(screened[[ind.id]].to_numpy(float), **params)
            values = (
                log.pass0,
                log.skew0,
                log.kurt0,
                log.winsorised,
                log.pass1,
                log.skew1,
                log.kurt1,
                log.logged,
                log.pass2,
                log.skew2,
                log.kurt2,
            )
            treated, logged = bool(not log.pass0[0]), bool(log.logged[0])
            reached = (True, True, True, *([treated] * 4), *([logged] * 4))
            for column, value, shown in zip(TREAT_LOG_COLUMNS[2:], values, reached, strict=True):
                item = value[0].item()
                if column == "winsorised" and shown:
                    item = int(item)
                row[column] = item if shown or column == "logged" else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(TREAT_LOG_COLUMNS), dtype=object)
    return frame.set_index("indicator")


_WINSORISE_KEYS = ("max_points", "skew", "kurtosis", "then_log")
