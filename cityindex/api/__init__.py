"""The library as a pandas user expects it: the command line's verbs, returning labelled frames.

Every command of the command line has a function of the same name, as sqlite-utils does
(one module per family of verbs, all exported here and from `cityindex`). Each takes a spec
and data and returns a `pandas.DataFrame` indexed by what its rows are (units, tree nodes,
inputs), with integer (nullable ``Int64``) ranks. With no spec, the shipped default is scored.
Errors raise the typed exceptions (`SpecError`, `DataError`, `UsageError`), each carrying every
problem found; nothing prints. Figures that summarise a whole frame (correlations, the fit of a
calibration, warnings, the manifest) are in its ``attrs``.

A spec is a YAML path, a plain mapping, an `Index` or a `Spec`; data is ``None`` (the spec's
``index.data``), a CSV path, a `pandas.DataFrame` or a `Table`:

>>> import pandas as pd
>>> import cityindex
>>> spec = {
...     "index": {"id": "demo", "title": "Demo", "unit": "city",
...               "scale": {"method": "relative_to_max", "digits": 4}},
...     "methods": {"normalise": {"method": "min_max", "range": [0, 1]}},
...     "groups": {
...         "economy": {"weight": 1, "indicators": {"gdp": {"direction": "higher_is_better"}}},
...         "air": {"weight": 1, "indicators": {"pm25": {"direction": "lower_is_better"}}},
...     },
... }
>>> data = pd.DataFrame({"city": ["A", "B", "C"], "gdp": [10, 30, 20], "pm25": [40, 60, 20]})
>>> cityindex.score(spec, data)  # doctest: +NORMALIZE_WHITESPACE
      rank   score  economy   air  coverage
city
C        1  1.0000      0.5   1.0       1.0
B        2  0.6667      1.0   0.0       1.0
A        3  0.3333      0.0   0.5       1.0
>>> cityindex.score(spec, data)["rank"].dtype
Int64Dtype()
"""

from __future__ import annotations

from cityindex.api.audit import audit, audit_report, importance, importance_rows
from cityindex.api.detail import score_detail, weights_detail
from cityindex.api.diagnostics import coupling, obstacles
from cityindex.api.frames import int_ranks, labelled_frame, rank_order, result_frame
from cityindex.api.index import DataLike, Index, SpecLike, as_index, as_result
from cityindex.api.output import plot, report
from cityindex.api.published import (
    calibrate,
    check,
    check_report,
    compare,
    comparison,
    published_reference,
)
from cityindex.api.quality import data_check
from cityindex.api.reading import methods, sources, validate
from cityindex.api.robustness import (
    AnalysisWarning,
    MemoryBudgetWarning,
    sensitivity,
    uncertainty,
)
from cityindex.api.scoring import explain, score
from cityindex.api.starter import init
from cityindex.api.weight_table import weights
from cityindex.api.weights_fit import (
    level_optimum,
    optimise_weights,
    parse_target,
    set_arguments,
    weight_path,
)

__all__ = [
    "AnalysisWarning",
    "DataLike",
    "Index",
    "MemoryBudgetWarning",
    "SpecLike",
    "as_index",
    "as_result",
    "audit",
    "audit_report",
    "calibrate",
    "check",
    "check_report",
    "compare",
    "comparison",
    "coupling",
    "data_check",
    "explain",
    "importance",
    "importance_rows",
    "init",
    "int_ranks",
    "labelled_frame",
    "level_optimum",
    "methods",
    "obstacles",
    "optimise_weights",
    "parse_target",
    "plot",
    "published_reference",
    "rank_order",
    "report",
    "result_frame",
    "score",
    "score_detail",
    "sensitivity",
    "set_arguments",
    "sources",
    "uncertainty",
    "validate",
    "weight_path",
    "weights",
    "weights_detail",
]
