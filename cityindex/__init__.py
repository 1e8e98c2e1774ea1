"""cityindex: composite indices (AI-city competitiveness) from YAML definitions and CSV data.

The public API. Each command of the command line that computes something has a function of
the same name returning a labelled `pandas.DataFrame` (see `cityindex.api`):

>>> import cityindex
>>> frame = cityindex.score("indicators/ai-city-2024.yaml")  # doctest: +SKIP
>>> idx = cityindex.Index.from_yaml("indicators/ai-city-2024.yaml")  # doctest: +SKIP
>>> result = idx.compute()  # doctest: +SKIP
>>> cityindex.explain(result, "Shenzhen")  # doctest: +SKIP

The lower layer stays public too: `load_spec`, `load_data`, `compute` (an `IndexResult` with
every stage), and `Table.from_frame` for data held in a DataFrame.
"""

from __future__ import annotations

from cityindex.api import (
    AnalysisWarning,
    Index,
    MemoryBudgetWarning,
    audit,
    calibrate,
    check,
    compare,
    coupling,
    data_check,
    explain,
    importance,
    init,
    methods,
    obstacles,
    optimise_weights,
    plot,
    report,
    score,
    score_detail,
    sensitivity,
    sources,
    uncertainty,
    validate,
    weights,
    weights_detail,
)
from cityindex.engine.pipeline import compute
from cityindex.errors import CityIndexError, DataError, SpecError, UsageError
from cityindex.load.data import Table, load_data
from cityindex.load.spec_yaml import load_spec
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.version import __version__

__all__ = [
    "AnalysisWarning",
    "CityIndexError",
    "DataError",
    "Index",
    "IndexResult",
    "MemoryBudgetWarning",
    "Spec",
    "SpecError",
    "Table",
    "UsageError",
    "__version__",
    "audit",
    "calibrate",
    "check",
    "compare",
    "compute",
    "coupling",
    "data_check",
    "explain",
    "importance",
    "init",
    "load_data",
    "load_spec",
    "methods",
    "obstacles",
    "optimise_weights",
    "plot",
    "report",
    "score",
    "score_detail",
    "sensitivity",
    "sources",
    "uncertainty",
    "validate",
    "weights",
    "weights_detail",
]
