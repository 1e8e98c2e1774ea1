"""Wrong types fed to the library's main functions raise its own errors (issue 24, item 6).

The README promises `SpecError`/`DataError`/`UsageError`; before, a spec given as an int, data
given as a list, `set` as an int or `movers` as text leaked Python's TypeError, ValueError or
AttributeError from deep inside pathlib, numpy or a slice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cityindex
from cityindex import CityIndexError, SpecError, UsageError

HERE = Path(__file__).parent
SPEC = HERE / "base.yaml"
DATA = pd.read_csv(HERE / "base.csv")
SEED = HERE.parents[1] / "seeds" / "ai-city-competitiveness-2024.csv"


def _object_column() -> pd.DataFrame:
    frame = DATA.astype({"researchers": object})
    frame.loc[0, "researchers"] = "lots"
    return frame


# Each call leaked a raw Python error before (the comment says which).
USAGE: dict[str, Callable[[], Any]] = {
    "score(spec=int)": lambda: cityindex.score(5),  # TypeError (pathlib)
    "score(spec=float)": lambda: cityindex.score(1.5),  # TypeError
    "score(spec=list)": lambda: cityindex.score(["a.yaml"]),  # TypeError
    "score(spec=bytes)": lambda: cityindex.score(b"a.yaml"),  # TypeError
    "score(data=int)": lambda: cityindex.score(SPEC, 5),  # TypeError
    "score(data=list)": lambda: cityindex.score(SPEC, [1, 2]),  # TypeError
    "score(data=dict)": lambda: cityindex.score(SPEC, {"city": ["a"]}),  # TypeError
    "score(data=ndarray)": lambda: cityindex.score(SPEC, np.ones((3, 3))),  # TypeError
    "score(set=int)": lambda: cityindex.score(SPEC, set=5),  # TypeError
    "score(set=[int])": lambda: cityindex.score(SPEC, set=[5]),  # TypeError
    "score(set=text)": lambda: cityindex.score(SPEC, set="groups.talent.weight=2"),
    "score(year=1.5)": lambda: cityindex.score(SPEC, year=1.5),
    "weights(spec=int)": lambda: cityindex.weights(5),  # TypeError
    "validate(spec=int)": lambda: cityindex.validate(5),  # TypeError
    "methods(stage=int)": lambda: cityindex.methods(5),  # type: ignore[arg-type]
    "explain()": lambda: cityindex.explain(),  # TypeError
    "explain(extremes=text)": lambda: cityindex.explain(SPEC, "Beijing", extremes="x"),
    "check(against=int)": lambda: cityindex.check(SPEC, 5),  # TypeError
    "calibrate(target=int)": lambda: cityindex.calibrate(SPEC, 5),  # TypeError
    "calibrate(levels=text)": lambda: cityindex.calibrate(SPEC, SEED, levels="x"),  # ValueError
    "calibrate(dimension_band=text)": lambda: cityindex.calibrate(
        SPEC, SEED, dimension_band="x"
    ),  # ValueError
    "compare(b=int)": lambda: cityindex.compare(SPEC, 5),  # TypeError
    "compare(movers=text)": lambda: cityindex.compare(SPEC, SPEC, movers="x"),  # TypeError
    "obstacles(int)": lambda: cityindex.obstacles(5),  # TypeError
    "coupling(groups=int)": lambda: cityindex.coupling(SPEC, 5),  # TypeError
    "coupling(language=int)": lambda: cityindex.coupling(SPEC, ["talent", "policy"], language=5),
    "data_check(int)": lambda: cityindex.data_check(5),  # TypeError
    "data_check(top=text)": lambda: cityindex.data_check(SPEC, top="x"),  # TypeError
    "sources(int)": lambda: cityindex.sources(5),  # TypeError
    "sources(unit=int)": lambda: cityindex.sources(SPEC, unit=5),  # AttributeError
    "audit(int)": lambda: cityindex.audit(5),  # TypeError
    "audit(stage=int)": lambda: cityindex.audit(SPEC, stage=5),  # TypeError
    "audit(low=text)": lambda: cityindex.audit(SPEC, low="x"),  # TypeError
    "report(top=text)": lambda: cityindex.report(SPEC, top="x"),  # accepted
    "plot(kind=int)": lambda: cityindex.plot(5, SPEC),  # TypeError
    "load_spec(int)": lambda: cityindex.load_spec(5),  # TypeError
    "load_data(int)": lambda: cityindex.load_data(5, unit="city"),  # TypeError
    "Table.from_frame(unit=int)": lambda: cityindex.Table.from_frame(DATA, unit=5),
    "Index.from_dict(int)": lambda: cityindex.Index.from_dict(5),  # AttributeError
    "Index.from_yaml(int)": lambda: cityindex.Index.from_yaml(5),  # TypeError
    "optimise_weights(int)": lambda: cityindex.optimise_weights(5),  # TypeError
    "init(int)": lambda: cityindex.init(5),  # TypeError
    "compute(int, int)": lambda: cityindex.compute(5, 5),  # AttributeError
    "uncertainty(runs=text)": lambda: cityindex.uncertainty(SPEC, runs="x"),
    "sensitivity(runs=text)": lambda: cityindex.sensitivity(SPEC, runs="x"),
    "uncertainty(seed=text)": lambda: cityindex.uncertainty(SPEC, runs=10, seed="x"),
}


@pytest.mark.parametrize("name", list(USAGE))
def test_a_wrong_type_is_a_usage_error_naming_the_argument(name: str) -> None:
    with pytest.raises(UsageError) as err:
        USAGE[name]()
    assert err.value.exit_code == 2
    problem = err.value.issues[0]
    assert problem.code.startswith("usage.")
    assert problem.expected or problem.hint


def test_the_usage_error_says_what_a_spec_may_be_and_what_was_given() -> None:
    with pytest.raises(UsageError) as err:
        cityindex.score(5)
    (problem,) = err.value.issues
    assert problem.code == "usage.argument.type"
    assert problem.key_path == "spec"
    assert problem.expected == "a spec: a YAML path, a mapping, a Spec or an Index"
    assert problem.got == "5 (integer)"


@pytest.mark.parametrize(
    ("call", "error", "code"),
    [
        (lambda: cityindex.score(SPEC, _object_column()), "DataError", "data.cell.not-a-number"),
        (lambda: cityindex.score({}), "SpecError", "spec.yaml.empty"),
        (
            lambda: cityindex.score(SPEC, set=["groups.talent.weight=heavy"]),
            "SpecError",
            "spec.weight.not-a-number",
        ),
        (
            lambda: cityindex.Index.from_dict(
                {
                    "index": {"id": "t", "title": "t", "unit": "city"},
                    "groups": {"g": {"weight": "heavy", "indicators": {"x": {"direction": "up"}}}},
                }
            ),
            "SpecError",
            "spec.weight.not-a-number",
        ),
        (
            lambda: cityindex.uncertainty(SPEC, {"weights": "heavy"}, runs=5),
            "SpecError",
            "spec.uncertainty.unknown-key",
        ),
    ],
)
def test_wrong_values_inside_the_spec_or_data_are_spec_or_data_errors(
    call: Callable[[], Any], error: str, code: str
) -> None:
    with pytest.raises(CityIndexError) as err:
        call()
    assert type(err.value).__name__ == error
    assert err.value.issues[0].code == code


def test_a_spec_mapping_with_a_weight_as_text_is_located_at_its_key() -> None:
    spec = {
        "index": {"id": "t", "title": "t", "unit": "city"},
        "groups": {"g": {"weight": "heavy", "indicators": {"x": {"direction": "up"}}}},
    }
    with pytest.raises(SpecError) as err:
        cityindex.score(spec, DATA)
    problem = err.value.issues[0]
    assert problem.key_path == "groups.g.weight"
    assert problem.location is not None
