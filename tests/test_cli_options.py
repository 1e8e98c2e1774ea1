"""Option values checked at the command line: a wrong group, unit or indicator is bad usage
(exit 2) whose error lists the valid choices and suggests the closest one; no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityindex.cli import run

SPEC = str(Path(__file__).resolve().parents[1] / "indicators" / "ai-city-2024.yaml")
GROUPS = "policy, infrastructure, enterprise, innovation, financing"


def _err(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_misspelt_coupling_group_lists_the_groups_and_suggests_the_closest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _err(["coupling", SPEC, "--groups", "policy,inovation"], capsys)
    assert (code, out) == (2, "")
    assert "error[usage.group.unknown]: --groups: no group 'inovation'" in err
    assert f"expected: one of: {GROUPS}" in err
    assert "hint: did you mean 'innovation'?" in err
    assert "Traceback" not in err


def test_coupling_without_two_groups_names_the_groups_it_could_take(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _err(["coupling", SPEC, "--groups", "policy"], capsys)
    assert code == 2
    assert f"two or more of: {GROUPS}" in err
    assert "e.g. --groups policy,infrastructure" in err


@pytest.mark.parametrize(
    ("args", "code_line", "hint"),
    [
        (["obstacles", "--unit", "Shenzen"], "usage.unit.unknown", "did you mean 'Shenzhen'?"),
        (["sources", "--unit", "Hangzou"], "usage.unit", "did you mean 'Hangzhou'?"),
        (
            ["sources", "--indicator", "llm_entry"],
            "usage.indicator",
            "did you mean 'llm_entries'?",
        ),
    ],
)
def test_a_misspelt_unit_or_indicator_lists_the_choices_and_suggests_the_closest(
    args: list[str], code_line: str, hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _err([args[0], SPEC, *args[1:]], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error[{code_line}]: {args[1]}: no ")
    assert "expected: one of: " in err
    assert "Beijing" in err or "llm_entries" in err
    assert err.count("did you mean") == 1
    assert f"hint: {hint}" in err


def test_explain_suggests_the_closest_unit_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _err(["explain", "Shenzen", SPEC], capsys)
    assert code == 2
    assert "hint: did you mean 'Shenzhen'?\n" in err
    assert err.count("did you mean") == 1


def test_a_long_list_of_choices_is_cut_and_counted() -> None:
    from cityindex.cli.common import unknown_choice

    choices = [f"U{i:03d}" for i in range(100)]
    found = unknown_choice("usage.unit", "unit", "X077", choices, option="--unit")
    assert found.expected is not None
    assert found.expected.endswith("U029 … and 70 more")
    assert found.hint == "did you mean 'U077'?"  # among all, not only those shown


@pytest.mark.parametrize(
    ("args", "listed", "hint"),
    [
        (["audit", SPEC, "--part", "group"], "indicators, groups, pairs", "'groups'"),
        (["plot", "bars", SPEC, "-o", "x.svg"], "bar, heatmap, radar, map", "'bar'"),
    ],
)
def test_a_misspelt_choice_of_audit_or_plot_lists_the_choices_and_suggests_one(
    args: list[str], listed: str, hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _err(args, capsys)
    assert code == 2
    assert f"expected: one of: {listed}" in err
    assert f"hint: did you mean {hint}?" in err
