"""`score` and `explain`: the ranking, and one unit's score taken apart."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityindex.api.frames import result_frame
from cityindex.api.index import DataLike, Index, SpecLike, as_index, as_result
from cityindex.engine.stages import STAGE_NAMES as STAGE_NAMES
from cityindex.engine.stages import check_stage as check_stage
from cityindex.errors import UsageError, issue
from cityindex.load.arguments import whole_argument, wrong_type
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec

if TYPE_CHECKING:
    from cityindex.analysis.explain import Explanation


def check_score_view(stage: str | None, detail: bool) -> None:
    """Check `score`'s choice of view: `stage` one of `STAGE_NAMES` (or None), and not both a
    stage and the detail tables, which are two different tables (a `UsageError`, exit 2)."""
    if stage is not None and detail:
        raise UsageError(
            [
                issue(
                    "usage.detail.stage",
                    f"--detail and --stage {stage} ask for two different tables",
                    expected="one of --detail (the SPSSAU tables) or --stage (one stage)",
                    hint="run the command twice, once with each option",
                )
            ]
        )
    if stage is not None:
        check_stage(stage)


def score(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Score and rank every unit: what ``cityindex score`` prints, as a DataFrame.

    Indexed by unit (the spec's unit column names the index), ranked units first: ``rank``
    (``Int64``, ``<NA>`` for a unit the missing-data rule excludes), ``score`` (scaled and
    rounded as the spec says), one column per group at every level (definition order),
    ``tier`` when the spec's scale defines tiers, and ``coverage`` (share of indicators
    present). ``attrs`` holds the manifest and any warnings. `set` takes ``--set``-style
    overrides, `year` picks a panel's year.

    >>> frame = score("indicators/ai-city-2024.yaml")  # doctest: +SKIP
    """
    return result_frame(as_index(spec, data, set=set, year=year).compute(year=year))


def explain(*args: Any, extremes: int = 3) -> pd.DataFrame:
    """One unit's score taken apart: ``explain(result, unit)``, one row per tree node.

    Indexed by node id (the index first, then depth first): ``level`` (COINr's, counting up:
    1 = indicators, the index highest), ``depth`` (0 = the index), ``parent``, ``kind``,
    ``title``, ``raw``, ``normalised``, ``median`` (the median unit's), ``weight``,
    ``effective_weight``, ``unit_weight``, ``contribution``, ``share`` and ``status``.
    Indicator contributions add up to the unit's exact score. ``attrs`` holds the unit, score,
    rank, scale factor, the decomposition notes, strongest and weakest indicators.

    The older order ``explain(spec, result, unit)`` still works and warns (deprecated).

    >>> import pandas as pd
    >>> idx = Index.from_dict({
    ...     "index": {"id": "t", "title": "T", "unit": "u"},
    ...     "methods": {"normalise": {"method": "min_max", "range": [0, 1]}},
    ...     "groups": {"g": {"indicators": {"x": {"direction": "higher_is_better"},
    ...                                     "y": {"direction": "higher_is_better"}}}},
    ... })
    >>> data = pd.DataFrame({"u": ["a", "b"], "x": [1, 3], "y": [4, 2]})
    >>> result = idx.with_data(data).compute()
    >>> frame = explain(result, "b")
    >>> frame[["level", "depth", "normalised", "contribution"]]  # doctest: +NORMALIZE_WHITESPACE
        level  depth  normalised  contribution
    id
    t       3      0         0.5           0.5
    g       2      1         0.5           0.5
    x       1      2         1.0           0.5
    y       1      2         0.0           0.0
    """
    if len(args) == 3 and isinstance(args[0], Spec):
        warnings.warn(
            "explain(spec, result, unit) is deprecated: use explain(result, unit)",
            DeprecationWarning,
            stacklevel=2,
        )
        spec, result, unit = args
    elif len(args) == 2:
        result, unit = args
        if not isinstance(result, IndexResult) or result.spec is None:
            result = as_result(result)
        spec = result.spec
        assert spec is not None
    else:
        raise wrong_type("args", args, "explain(result, unit): a result (or spec) and a unit name")
    extremes = whole_argument(extremes, "extremes", optional=False) or 0
    ex = explanation(spec, result, str(unit), extremes=extremes)
    rows = [{k: v for k, v in r.items() if k != "id"} for r in ex.rows]
    frame = pd.DataFrame(rows, index=pd.Index([r["id"] for r in ex.rows], name="id"))
    frame.attrs = {
        "unit": ex.unit,
        "score": ex.score,
        "score_exact": ex.score_exact,
        "rank": int(ex.rank),
        "ranked": ex.ranked,
        "coverage": ex.coverage,
        "scale_factor": ex.scale_factor,
        "decomposition": list(ex.decomposition),
        "strongest": list(ex.strongest),
        "weakest": list(ex.weakest),
        "missing": list(ex.missing),
        "imputed": list(ex.imputed),
    }
    return frame


def explanation(spec: Spec, result: IndexResult, unit: str, *, extremes: int = 3) -> Explanation:
    """`explain`'s findings as one object (rows, summary, strongest and weakest), for a
    renderer that shows them as text; an unknown or unscored unit is a `UsageError`."""
    from cityindex.analysis.explain import explain as take_apart

    return take_apart(spec, result, unit, extremes=extremes)
