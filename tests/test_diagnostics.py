"""Obstacle degree and coupling coordination."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cityindex.analysis.diagnostics import (
    coordination_band,
    coupling_coordination,
    obstacle_by_group,
    obstacle_degree,
)
from cityindex.methods.registry import DomainError


def test_obstacle_degree_hand_worked():
    """Weights F = (0.5, 0.3, 0.2); unit 1 z = (0.2, 1.0, 0.5): F·(1 − z) = (0.4, 0, 0.1),
    total 0.5, so O = (80%, 0%, 20%). Unit 2 z = (1, 1, 1) is at the ideal: no obstacle."""
    z = np.array([[0.2, 1.0, 0.5], [1.0, 1.0, 1.0]])
    o = obstacle_degree(z, np.array([0.5, 0.3, 0.2]))
    assert o[0] == pytest.approx([80.0, 0.0, 20.0])
    assert o[1].tolist() == [0.0, 0.0, 0.0]


def test_obstacle_degree_sums_by_group():
    o = np.array([[80.0, 0.0, 20.0]])
    ids, grouped = obstacle_by_group(o, ["policy", "firms", "policy"])
    assert ids == ["policy", "firms"]
    assert grouped.tolist() == [[100.0, 0.0]]


def test_obstacle_degree_needs_values_in_unit_interval():
    with pytest.raises(DomainError) as caught:
        obstacle_degree(np.array([[0.5, 1.5]]), np.array([0.5, 0.5]))
    assert caught.value.columns == [1]


@settings(max_examples=60, deadline=None)
@given(
    z=arrays(float, st.tuples(st.integers(1, 8), st.integers(1, 6)), elements=st.floats(0, 0.99))
)
def test_obstacle_degrees_of_a_unit_sum_to_one_hundred(z):
    w = np.full(z.shape[1], 1 / z.shape[1])
    assert obstacle_degree(z, w).sum(axis=-1) == pytest.approx(np.full(z.shape[0], 100.0))


def test_coupling_coordination_of_two_subsystems_hand_worked():
    """U = (0.4, 0.9): C = 2√(0.36)/1.3 = 1.2/1.3 = 0.923077; T = 0.65; D = √(C·T) = 0.774597,
    band [0.7, 0.8): 中级协调 (intermediate coordination)."""
    result = coupling_coordination(np.array([[0.4, 0.9]]))
    assert result.coupling[0] == pytest.approx(1.2 / 1.3)
    assert result.development[0] == pytest.approx(0.65)
    assert result.coordination[0] == pytest.approx(np.sqrt(1.2 / 1.3 * 0.65))
    assert result.bands().tolist() == ["中级协调"]
    assert coordination_band(result.coordination, language="en").tolist() == [
        "intermediate coordination"
    ]


def test_coupling_of_three_subsystems_is_geometric_over_arithmetic_mean():
    u = np.array([[0.2, 0.5, 0.8], [0.5, 0.5, 0.5], [0.0, 0.5, 0.5]])
    result = coupling_coordination(u, contributions=[0.5, 0.25, 0.25])
    gm = np.cbrt(0.2 * 0.5 * 0.8)
    assert result.coupling[0] == pytest.approx(gm / 0.5)
    assert result.coupling[1] == pytest.approx(1.0)  # equal development: perfect coupling
    assert result.coupling[2] == 0.0
    assert result.development.tolist() == pytest.approx([0.425, 0.5, 0.25])


def test_coupling_refuses_scores_outside_unit_interval():
    with pytest.raises(DomainError):
        coupling_coordination(np.array([[0.5, 1.2]]))
    with pytest.raises(DomainError):
        coupling_coordination(np.array([[0.5], [0.2]]))


def test_coordination_bands_are_ten_equal_steps():
    d = np.array([0.0, 0.0999, 0.1, 0.45, 0.5, 0.95, 1.0, np.nan])
    assert coordination_band(d).tolist() == [
        "极度失调",
        "极度失调",
        "严重失调",
        "濒临失调",
        "勉强协调",
        "优质协调",
        "优质协调",
        None,
    ]


@settings(max_examples=60, deadline=None)
@given(u=arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 4)), elements=st.floats(0, 1)))
def test_coupling_and_coordination_lie_in_unit_interval(u):
    result = coupling_coordination(u)
    for part in (result.coupling, result.development, result.coordination):
        assert np.all((part >= 0) & (part <= 1 + 1e-12))


def test_obstacles_command_lists_each_units_largest_obstacles(hand, capsys):
    """Hand spec: effective weights x1 = x2 = 0.375, x3 = 0.25; unit A has z = (0, 1, 0.5),
    so F(1 − z) = (0.375, 0, 0.125): obstacles 75% (x1), 25% (x3), 0% (x2)."""
    from cityindex.cli import run

    assert run(["obstacles", str(hand), "--unit", "A", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit,rank,indicator,group,normalised,obstacle_degree"
    assert lines[1:] == ["A,2,x1,g1,0.0,75.0", "A,2,x3,g2,0.5,25.0", "A,2,x2,g1,1.0,0.0"]


def test_coupling_command_reports_c_t_d_and_band(hand, capsys):
    from cityindex.cli import run

    args = ["coupling", str(hand), "--groups", "g1,g2", "--format", "csv", "--lang", "zh"]
    assert run(args) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == [
        "unit",
        "rank",
        "g1",
        "g2",
        "coupling",
        "development",
        "coordination",
        "band",
    ]
    by_unit = {row[0]: row for row in rows[1:]}
    # unit B: U = (0.5, 0.25): C = √0.125 / 0.375, T = 0.375, D = √(C·T) = 0.5946 → 勉强协调
    c = np.sqrt(0.125) / 0.375
    assert float(by_unit["B"][4]) == pytest.approx(c)
    assert float(by_unit["B"][6]) == pytest.approx(np.sqrt(c * 0.375))
    assert by_unit["B"][7] == "勉强协调"


def test_coupling_command_rejects_unknown_groups_with_exit_2(hand, capsys):
    from cityindex.cli import run

    assert run(["coupling", str(hand), "--groups", "g1,g9"]) == 2
    assert "no group 'g9'" in capsys.readouterr().err
