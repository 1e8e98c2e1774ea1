"""cityindex: composite indices (AI-city competitiveness) from YAML definitions and CSV data.

The public API: load a spec and its data, compute, read the result.

>>> from cityindex import load_spec, load_data, compute  # doctest: +SKIP
>>> spec = load_spec("indicators/ai-city-2024.yaml")  # doctest: +SKIP
>>> result = compute(spec, load_data(spec.index.data, unit=spec.index.unit))  # doctest: +SKIP
"""

from __future__ import annotations

from cityindex.data import Table, load_data
from cityindex.errors import CityIndexError, DataError, SpecError, UsageError
from cityindex.pipeline import compute
from cityindex.result import IndexResult
from cityindex.spec import Spec
from cityindex.spec_yaml import load_spec

__version__ = "0.1.0"

__all__ = [
    "CityIndexError",
    "DataError",
    "IndexResult",
    "Spec",
    "SpecError",
    "Table",
    "UsageError",
    "__version__",
    "compute",
    "load_data",
    "load_spec",
]
