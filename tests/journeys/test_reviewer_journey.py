"""The reviewer: in a fresh clone, edits a group weight in the default spec by hand, runs
`cityindex score` and sees the ranking move; then makes mistakes and sees where they are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .shell import Shell, Shown, assert_no_traceback, copy_checkout, installed_cityindex

DEFAULT = "indicators/ai-city-2024.yaml"


@pytest.fixture
def reviewer(tmp_path: Path) -> Shell:
    """A checkout of the reviewer's own: every test here edits its spec."""
    return Shell(copy_checkout(tmp_path), installed_cityindex())


def group_weight_lines(spec: Path) -> list[tuple[str, int]]:
    """(group id, 1-based line number of its `weight:`) for each top-level group, in order."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    start = lines.index("groups:")
    found, group = [], None
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if re.match(r"\S", line):
            break
        if heading := re.fullmatch(r"  (\w+):\s*", line):
            group = heading[1]
        elif group and re.match(r"    weight:", line):
            found.append((group, number))
            group = None
    return found


def replace_line(spec: Path, number: int, old: str, new: str) -> None:
    """The reviewer's text edit: on line `number`, `old` becomes `new`."""
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    spec.write_text("".join(lines), encoding="utf-8")


def weight_on(spec: Path, number: int) -> str:
    """The value of the `weight:` on line `number`, without a trailing comment."""
    line = spec.read_text(encoding="utf-8").splitlines()[number - 1]
    return line.split(":", 1)[1].split("#", 1)[0].strip()


def make_two_mistakes(spec: Path) -> tuple[tuple[str, int], tuple[str, int]]:
    """A weight written as a word, and a misspelt `weight` key; returns both (group, line)."""
    (first, first_line), (second, second_line) = group_weight_lines(spec)[:2]
    replace_line(spec, first_line, weight_on(spec, first_line), "heavy")
    replace_line(spec, second_line, "weight:", "wieght:")
    return (first, first_line), (second, second_line)


def assert_located(shown: Shown, mistakes: tuple[tuple[str, int], tuple[str, int]]) -> None:
    """Both mistakes at once, each with file:line, key path and a hint; exit 1, no traceback."""
    (word, word_line), (misspelt, misspelt_line) = mistakes
    assert shown.code == 1
    assert shown.out == ""
    assert_no_traceback(shown)
    assert "error[spec.weight.not-a-number]" in shown.err
    assert f"{DEFAULT}:{word_line}:" in shown.err
    assert f"key path: groups.{word}.weight" in shown.err
    assert "'heavy'" in shown.err
    assert "error[spec.key.unknown]" in shown.err
    assert f"{DEFAULT}:{misspelt_line}:" in shown.err
    assert f"key path: groups.{misspelt}.wieght" in shown.err
    assert "did you mean 'weight'?" in shown.err


def test_an_edited_group_weight_moves_the_scores_of_a_plain_score(reviewer: Shell) -> None:
    spec = reviewer.cwd / DEFAULT
    group, line = group_weight_lines(spec)[0]
    new = f"{float(weight_on(spec, line)) + 1:g}"
    before = reviewer.ok("score", "--format", "csv").out
    by_set = reviewer.ok(
        "score", DEFAULT, "--set", f"groups.{group}.weight={new}", "--format", "csv"
    )

    replace_line(spec, line, weight_on(spec, line), new)
    after = reviewer.ok("score", "--format", "csv").out
    assert after != before
    assert after == by_set.out
    manifest = json.loads(reviewer.ok("score", "--format", "json").out)["manifest"]
    assert (reviewer.cwd / manifest["spec"]["file"]).resolve() == spec.resolve()


def test_mistakes_in_the_spec_are_shown_with_file_line_and_key_path(reviewer: Shell) -> None:
    mistakes = make_two_mistakes(reviewer.cwd / DEFAULT)
    assert_located(reviewer("score", DEFAULT), mistakes)


def test_mistakes_in_the_checkout_spec_are_shown_by_a_plain_score(reviewer: Shell) -> None:
    mistakes = make_two_mistakes(reviewer.cwd / DEFAULT)
    assert_located(reviewer("score"), mistakes)
