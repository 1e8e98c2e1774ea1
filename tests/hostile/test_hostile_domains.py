"""Data outside a method's domain, and directions no method applies, through the installed
command (issue 24, item 1): each case exited 0 with a quietly wrong ranking before; now each
exits 1 with one located error that names the unit, column or key, or scores as documented.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.journeys.shell import Shell, assert_no_traceback, installed_cityindex, rows

DATA = """\
city,unicorns,funding,cost,plans
Beijing,-1,500,9,4
Shanghai,63,500,10,3
Shenzhen,40,300,8,5
Hangzhou,20,200,6,2
Wuhan,5,50,5,1
"""

HEAD = "index: {id: t, title: T, data: d.csv, unit: city, scale: {method: none, digits: 4}}\n"


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> Shell:
    folder = tmp_path_factory.mktemp("domains")
    (folder / "d.csv").write_text(DATA, encoding="utf-8")
    return Shell(folder, installed_cityindex())


def _write(user: Shell, name: str, body: str) -> str:
    Path(user.cwd, name).write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return name


def test_a_negative_count_under_relative_to_max_exits_1_naming_beijing_and_the_column(
    user: Shell,
) -> None:
    """Before: exit 0, Beijing fell from 1st to 3rd on a share of -1/63."""
    spec = _write(
        user,
        "relmax.yaml",
        """\
        methods:
          normalise: {method: relative_to_max}
        groups:
          ent:
            indicators:
              unicorns: {direction: higher_is_better}
              funding: {direction: higher_is_better}
        """,
    )
    shown = user("score", spec, "--format", "csv")
    assert shown.code == 1
    assert_no_traceback(shown)
    assert shown.out == ""
    assert "error[data.domain.normalise]" in shown.err
    assert "Beijing: -1 in 'unicorns' (column 'unicorns' of d.csv)" in shown.err
    assert "expected: values >= 0" in shown.err
    assert "hint: correct the data (a count cannot be negative)" in shown.err


def test_a_plain_mean_of_raw_cost_data_exits_1_at_the_direction_line(user: Shell) -> None:
    """Before: exit 0, and flipping `cost` to higher_is_better gave identical scores."""
    spec = _write(
        user,
        "meancost.yaml",
        """\
        methods:
          normalise: {method: none}
        groups:
          g:
            indicators:
              funding: {direction: higher_is_better}
              cost: {direction: lower_is_better}
        """,
    )
    shown = user("validate", spec)
    assert shown.code == 1
    assert_no_traceback(shown)
    assert "error[spec.direction.ignored]" in shown.err
    assert "--> meancost.yaml:8:25" in shown.err
    assert "key path: groups.g.indicators.cost.direction" in shown.err
    assert "hint: normalise this indicator" in shown.err


def test_generalised_mean_with_p_above_zero_on_z_scores_exits_1(user: Shell) -> None:
    """Before: exit 0, group `a` empty for four cities, ranked on group `b` alone although
    `missing: none`."""
    spec = _write(
        user,
        "genmean.yaml",
        """\
        methods:
          normalise: {method: z_score}
          missing: {method: none}
        groups:
          a:
            methods: {aggregate: {method: generalised_mean, p: 0.5}}
            indicators:
              funding: {direction: higher_is_better}
              plans: {direction: higher_is_better}
          b:
            indicators:
              cost: {direction: lower_is_better}
        """,
    )
    shown = user("score", spec, "--format", "csv")
    assert shown.code == 1
    assert_no_traceback(shown)
    assert "error[data.domain.aggregate]" in shown.err
    assert "key path: groups.a.methods.aggregate" in shown.err
    assert "expected: values >= 0" in shown.err


def test_p_of_1e_300_scores_the_geometric_mean_not_1(user: Shell) -> None:
    """Before: every unit's group score was exactly 1.0."""
    spec = _write(
        user,
        "tinyp.yaml",
        """\
        methods:
          normalise: {method: min_max, range: [1, 2]}
        groups:
          a:
            methods: {aggregate: {method: generalised_mean, p: 1e-300}}
            indicators:
              unicorns: {direction: higher_is_better}
              funding: {direction: higher_is_better}
        """,
    )
    shown = user.ok("score", spec, "--format", "csv")
    got = {r["city"]: float(r["a"]) for r in rows(shown.out)}
    # min-max onto [1, 2]: Shanghai (2, 2), Beijing (1, 2), Wuhan (1 + 6/64, 1)
    assert got["Shanghai"] == pytest.approx(2.0, abs=1e-12)
    assert got["Beijing"] == pytest.approx(2**0.5, abs=1e-12)
    assert got["Wuhan"] == pytest.approx((1 + 6 / 64) ** 0.5, abs=1e-12)


@pytest.mark.parametrize(("p", "got"), [("101", "101"), (".nan", "nan"), ("1e309", "inf")])
def test_a_power_outside_its_declared_range_exits_1_at_its_key(
    user: Shell, p: str, got: str
) -> None:
    spec = _write(
        user,
        f"p-{got}.yaml",
        f"""\
        groups:
          a:
            methods: {{aggregate: {{method: generalised_mean, p: {p}}}}}
            indicators:
              funding: {{direction: higher_is_better}}
        """,
    )
    shown = user("validate", spec)
    assert shown.code == 1
    assert_no_traceback(shown)
    assert "error[spec.method.param-type]" in shown.err
    assert "key path: groups.a.methods.aggregate.p" in shown.err
    assert got in shown.err
