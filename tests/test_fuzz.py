"""Fuzzing: no generated spec, data file or cell ends in anything but a result or a named error.

Hypothesis generates valid specs and data (random trees, methods, weights, directions, values,
gaps, unit names) and mutates them (bad cells, duplicated units, dropped columns, flipped bytes,
spliced YAML). For every case: `compute` returns an `IndexResult` or raises `CityIndexError` —
never another exception; included units get finite scores; ranks are competition ranks of the
scores (1 + the number of strictly better units, so ties share a rank); and each case finishes
within a time bound.

The `fuzz` settings profile (registered below) is what CI runs: deterministic (derandomized,
no example database), no per-example deadline (a slow CI machine must not flake), and example
budgets adding up to more than 10,000 cases in well under a minute in-process. Set
``CITYINDEX_FUZZ_SCALE=10`` (or any factor) for a longer local hunt with fresh random seeds.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cityindex.engine.pipeline import compute
from cityindex.errors import CityIndexError
from cityindex.load.data import load_data
from cityindex.load.spec_yaml import parse_spec
from cityindex.model.cells import classify_cell, parse_number
from cityindex.model.result import IndexResult
from tests.conftest import HAND_SPEC

SCALE = float(os.environ.get("CITYINDEX_FUZZ_SCALE", "1"))
settings.register_profile(
    "fuzz",
    deadline=None,
    database=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")
SECONDS_PER_CASE = 30.0
"""Far above any real case (milliseconds): it catches a hang, not slowness, even on a loaded CI."""


def budget(n: int) -> settings:
    """The fuzz profile with `n` examples (times CITYINDEX_FUZZ_SCALE)."""
    return settings(FUZZ, max_examples=max(1, int(n * SCALE)))


# Example budgets: 4,000 + 2,000 + 1,500 + 1,200 + 800 + 600 = 10,100 cases.
CELLS, CSV_BYTES, YAML_TEXT, YAML_MUTATED, PIPELINE, PIPELINE_MUTATED = (
    4_000,
    2_000,
    1_500,
    1_200,
    800,
    600,
)


@contextmanager
def bounded(seconds: float = SECONDS_PER_CASE) -> Iterator[None]:
    """Fail a case that takes longer than `seconds` (a hang shows up as a slow case)."""
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < seconds


_WORKDIR = Path(tempfile.mkdtemp(prefix="cityindex-fuzz-"))


def _write(name: str, content: bytes) -> Path:
    path = _WORKDIR / name
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------- cells

ASCII_NUMBERISH = st.text(alphabet="0123456789+-.eE,_% ", max_size=12)


@budget(CELLS)
@given(st.one_of(st.text(max_size=16), ASCII_NUMBERISH, st.floats().map(repr)))
def test_a_cell_is_a_finite_number_or_refused_with_a_named_reason(text: str) -> None:
    value = parse_number(text)
    if value is not None:
        assert math.isfinite(value)
        assert text.isascii()
        assert value == float(text)
    else:
        code, what, hint = classify_cell(text)
        assert code.startswith("data.cell.")
        assert what
        assert hint


# ---------------------------------------------------------------- the CSV loader


@budget(CSV_BYTES)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.lists(st.lists(st.text(max_size=6), min_size=1, max_size=5), min_size=0, max_size=6).map(
            lambda rows: _csv(rows).encode("utf-8")
        ),
    ),
    st.sampled_from([None, "utf-8", "gb18030", "latin-1"]),
)
def test_any_bytes_as_a_data_file_give_a_table_or_a_named_error(
    content: bytes, encoding: str | None
) -> None:
    path = _write("data.csv", content)
    with bounded():
        outcome = _outcome(lambda: load_data(path, unit="unit", encoding=encoding))
    if isinstance(outcome, CityIndexError):
        assert outcome.issues
        assert all(i.code.startswith(("data.", "usage.")) for i in outcome.issues)
    else:
        assert list(outcome.units) == sorted(outcome.units)
        assert len(set(outcome.units)) == len(outcome.units)


T = TypeVar("T")


def _outcome(call: Callable[[], T]) -> T | CityIndexError:
    """The call's value, or the CityIndexError it raised (any other exception propagates)."""
    try:
        return call()
    except CityIndexError as error:
        return error


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


# ---------------------------------------------------------------- the YAML loader


@budget(YAML_TEXT)
@given(
    st.one_of(
        st.text(max_size=200),
        st.text(alphabet=":-[]{}&*!|>'\"#\n\t ,?abc01", max_size=120),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
            lambda inner: st.one_of(
                st.lists(inner, max_size=4),
                st.dictionaries(st.text(max_size=6), inner, max_size=4),
            ),
            max_leaves=20,
        ).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    ),
    st.lists(st.text(max_size=30), max_size=2),
)
def test_any_text_as_a_spec_gives_a_spec_or_issues_never_an_exception(
    text: str, overrides: list[str]
) -> None:
    with bounded():
        outcome = _outcome(lambda: parse_spec(text, file="fuzz.yaml", overrides=overrides))
    if isinstance(outcome, CityIndexError):
        assert outcome.exit_code == 2, "only a malformed --set raises (a usage error)"
        return
    spec, issues = outcome
    assert spec is not None or issues
    for item in issues:
        assert item.code.startswith(("spec.", "usage."))
        assert item.message


@budget(YAML_MUTATED)
@given(st.data())
def test_a_mutated_valid_spec_gives_a_spec_or_issues_never_an_exception(
    data: st.DataObject,
) -> None:
    text = HAND_SPEC
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        start = data.draw(st.integers(0, len(text)), label="at")
        end = data.draw(st.integers(start, min(len(text), start + 12)), label="to")
        insert = data.draw(
            st.one_of(
                st.just(""),
                st.sampled_from(
                    ["-1", "heavy", ".nan", ".inf", "&a", "*a", "[", "}", ":", "\t", "\n  ", "~"]
                ),
                st.text(max_size=6),
                st.just(text[max(0, start - 20) : start]),  # duplicate a stretch
            ),
            label="insert",
        )
        text = text[:start] + insert + text[end:]
    with bounded():
        spec, issues = parse_spec(text, file="fuzz.yaml")
    assert spec is not None or issues


# ---------------------------------------------------------------- the whole pipeline

NORMALISE = [
    "{method: min_max, range: [0, 1]}",
    "{method: min_max, range: [1, 100]}",
    "{method: z_score}",
    "rank",
    "percentile_rank",
    "borda",
    "distance_to_max",
    "relative_to_max",
    "none",
]
AGGREGATE = [
    "arithmetic_mean",
    "geometric_mean",
    "harmonic_mean",
    "{method: generalised_mean, p: 2}",
    "{method: generalised_mean, p: -1}",
    "median",
    "copeland",
]
TREAT = ["none", "log", "winsorise", "{method: box_cox, lambda: 0}"]
IMPUTE = ["none", "mean", "median"]
MISSING = ["none", "{method: reweight, min_coverage: 0.5}", "{method: reweight}"]
SCALE_ = ["{method: none}", "{method: relative_to_max, digits: 3}", "{method: none, digits: 2}"]

WEIGHT = (
    st.integers(0, 9)
    .flatmap(  # one weight in ten is 0
        lambda k: st.just(0) if k == 0 else st.one_of(st.integers(1, 5), st.floats(0.01, 10))
    )
    .map(lambda w: f"{w:.4f}")
)
VALUE = st.one_of(
    st.integers(-1000, 1000).map(float),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([0.0, 1.0, -1.0, 1e-300, 1e300, -1e300]),
)
GAP = st.sampled_from(range(10)).map(lambda k: k == 0)  # one cell in ten is missing
UNIT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=8),
    st.sampled_from(["北京", "=1+1", "@x", 'a,"b"', "Zürich"]),
).filter(lambda u: u.strip() == u and u != "")


@st.composite
def specs_and_data(draw: st.DrawFn) -> tuple[str, list[str], list[str], list[list[Any]]]:
    """A random valid spec (YAML text) with its data: (spec, indicator ids, units, rows)."""
    n_groups = draw(st.integers(1, 3))
    lines = [
        "index:",
        "  id: fuzz",
        "  title: Fuzz",
        "  data: data.csv",
        "  unit: unit",
        f"  scale: {draw(st.sampled_from(SCALE_))}",
        "methods:",
        f"  normalise: {draw(st.sampled_from(NORMALISE))}",
        f"  aggregate: {draw(st.sampled_from(AGGREGATE))}",
        f"  treat: {draw(st.sampled_from(TREAT))}",
        f"  impute: {draw(st.sampled_from(IMPUTE))}",
        f"  missing: {draw(st.sampled_from(MISSING))}",
        f"  weights: {draw(st.sampled_from(['fixed', 'equal']))}",
        "groups:",
    ]
    ids: list[str] = []
    for g in range(n_groups):
        lines += [f"  g{g}:", f"    weight: {draw(WEIGHT)}"]
        if draw(st.booleans()):
            lines.append(f"    methods: {{aggregate: {draw(st.sampled_from(AGGREGATE))}}}")
        lines.append("    indicators:")
        for k in range(draw(st.integers(1, 3))):
            iid = f"x{g}_{k}"
            ids.append(iid)
            direction = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
            lines.append(f"      {iid}: {{direction: {direction}, weight: {draw(WEIGHT)}}}")
    units = draw(st.lists(UNIT, min_size=1, max_size=7, unique=True))
    rows = [[u, *(None if draw(GAP) else draw(VALUE) for _ in ids)] for u in units]
    return "\n".join(lines) + "\n", ids, units, rows


def _data_csv(ids: list[str], rows: list[list[Any]]) -> bytes:
    table = [["unit", *ids]] + [
        [r[0], *("" if v is None else repr(v) for v in r[1:])] for r in rows
    ]
    return _csv(table).encode("utf-8")


def _score(spec_text: str, data: bytes) -> IndexResult | CityIndexError:
    """Parse, load and compute, in-process; a CityIndexError is returned, anything else raises."""
    _write("data.csv", data)
    spec, issues = parse_spec(spec_text, file="fuzz.yaml", base_dir=_WORKDIR)
    if spec is None or issues:
        return CityIndexError(issues)
    return _outcome(lambda: compute(spec, load_data(_WORKDIR / "data.csv", unit="unit")))


def _check_result(result: IndexResult) -> None:
    """Finite scores for included units (or a warning naming them); competition ranks."""
    unscored = [u for u, s in zip(result.units, result.score, strict=True) if np.isnan(s)]
    inc = result.included & ~np.isnan(result.score)
    for unit in [u for u, keep in zip(result.units, result.included, strict=True) if keep]:
        if unit in unscored:  # included, but nothing weighted to score it by: announced
            assert any("not ranked" in w and unit in w for w in result.warnings)
    scores = result.score[inc]
    assert np.all(np.isfinite(scores)), result.score
    assert np.all(np.isnan(result.rank[~inc]))
    ranks = result.rank[inc]
    expected = np.array([1 + np.sum(scores > s) for s in scores], dtype=float)
    np.testing.assert_array_equal(ranks, expected)
    assert sorted(result.units) == list(result.units)


@budget(PIPELINE)
@given(specs_and_data())
def test_a_random_valid_spec_and_data_give_a_sound_ranking_or_a_named_error(
    case: tuple[str, list[str], list[str], list[list[Any]]],
) -> None:
    spec_text, ids, _, rows = case
    with bounded():
        outcome = _score(spec_text, _data_csv(ids, rows))
    event("a ranking" if isinstance(outcome, IndexResult) else outcome.issues[0].code)
    if isinstance(outcome, CityIndexError):
        assert outcome.issues
        assert all(i.code.startswith(("data.", "spec.")) for i in outcome.issues)
    else:
        _check_result(outcome)


BAD_CELLS = ["1,000", "nan", "inf", "n/a", "２", "5%", "-", "#DIV/0!", "1e999", " ", "x"]


@budget(PIPELINE_MUTATED)
@given(specs_and_data(), st.data())
def test_mutated_data_give_a_sound_ranking_or_a_named_error(
    case: tuple[str, list[str], list[str], list[list[Any]]], data: st.DataObject
) -> None:
    spec_text, ids, _, rows = case
    table = [["unit", *ids]] + [
        [r[0], *("" if v is None else repr(v) for v in r[1:])] for r in rows
    ]
    kind = data.draw(st.sampled_from(["cell", "duplicate", "drop-column", "ragged", "bytes"]))
    i = data.draw(st.integers(1, len(table) - 1))
    j = data.draw(st.integers(0, len(table[0]) - 1))
    if kind == "cell":
        table[i][j] = data.draw(st.sampled_from(BAD_CELLS))
    elif kind == "duplicate":
        table.append(list(table[i]))
    elif kind == "drop-column":
        table = [row[:j] + row[j + 1 :] for row in table]
    elif kind == "ragged":
        table[i] = table[i][:j]
    content = _csv(table).encode("utf-8")
    if kind == "bytes":
        at = data.draw(st.integers(0, len(content) - 1))
        content = content[:at] + data.draw(st.binary(min_size=1, max_size=3)) + content[at + 1 :]
    with bounded():
        outcome = _score(spec_text, content)
    event(f"{kind}: " + ("a ranking" if isinstance(outcome, IndexResult) else "a named error"))
    if isinstance(outcome, IndexResult):
        _check_result(outcome)
