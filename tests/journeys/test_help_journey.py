"""The newcomer: reads `cityindex --help`, then each command's help, and types every example
it shows, as printed by the installed command, in a fresh checkout."""

from __future__ import annotations

import shlex

import pytest

from tests.help_text import examples_in, subcommands

from .shell import Shell, assert_no_traceback


def helps(user: Shell) -> dict[str, str]:
    """Every help text the installed command prints: top level, commands, subcommands."""
    found: dict[str, str] = {}
    pending: list[list[str]] = [[]]
    while pending:
        path = pending.pop(0)
        shown = user(*path, "--help")
        assert shown.code == 0, shown.err
        assert shown.err == ""
        found[" ".join(path) or "cityindex"] = shown.out
        pending += [[*path, name] for name in subcommands(shown.out)]
    return found


@pytest.fixture(scope="module")
def printed(user: Shell) -> dict[str, str]:
    return helps(user)


def test_the_help_lists_every_command_and_each_shows_an_example(printed: dict[str, str]) -> None:
    assert len(printed) == 22  # the top level, 19 commands, the `data` group and `data check`
    without = [path for path, text in printed.items() if path != "data" and not examples_in(text)]
    assert without == []


def test_every_example_the_help_prints_runs_as_typed(user: Shell, printed: dict[str, str]) -> None:
    examples = [e for text in printed.values() for e in examples_in(text)]
    assert len(examples) >= 20
    failed = []
    for example in examples:
        shown = user(*shlex.split(example)[1:])  # `cityindex` as installed, the rest as typed
        assert_no_traceback(shown)
        if shown.code != 0:
            failed.append(f"{example}: exit {shown.code}: {shown.err[-300:]}")
        elif not (shown.out.strip() or shown.err.strip()):
            failed.append(f"{example}: printed nothing")
    assert failed == []
