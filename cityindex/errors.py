"""Errors that carry every problem found, each with a location a reviewer can jump to.

The library raises and never prints or exits; the CLI renders these into error blocks and maps
them to exit codes (1 for bad spec or data, 2 for bad usage). An error holds *all* issues found
in one pass, so a reviewer fixes a YAML file in one round instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where an issue sits: a file and, when known, a 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Issue:
    """One problem: a stable code, a message, and whatever context helps to fix it."""

    code: str
    message: str
    location: Location | None = None
    key_path: str | None = None
    expected: str | None = None
    got: str | None = None
    hint: str | None = None
    # the source line the location points into, for the caret display; filled by loaders
    source_line: str | None = None
    span: int = 1


@dataclass
class CityIndexError(Exception):
    """Base error: one or more issues. `exit_code` is 1 (bad input) unless a subclass says."""

    issues: list[Issue] = field(default_factory=list)
    exit_code: int = 1

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        """A one-line summary (the first issue's message and how many more)."""
        if not self.issues:
            return "error"
        more = len(self.issues) - 1
        first = self.issues[0]
        where = f"{first.location}: " if first.location else ""
        tail = f" (+{more} more)" if more else ""
        return f"{where}{first.message}{tail}"

    def __str__(self) -> str:
        """Every issue, one line each (location: [code] message), so that a notebook user who
        prints the exception sees all of them, as the command line shows all of them."""
        if len(self.issues) <= 1:
            return self.summary()
        lines = [f"{len(self.issues)} problems:"]
        for each in self.issues:
            where = f"{each.location}: " if each.location else ""
            lines.append(f"  {where}[{each.code}] {each.message}")
        return "\n".join(lines)


class SpecError(CityIndexError):
    """The index definition (YAML, or a --set override) is invalid."""


class DataError(CityIndexError):
    """The data (CSV) is unreadable or does not fit the spec."""


class UsageError(CityIndexError):
    """The command line itself is wrong (exit code 2)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, 2)


def issue(
    code: str,
    message: str,
    *,
    location: Location | None = None,
    key_path: str | None = None,
    expected: str | None = None,
    got: str | None = None,
    hint: str | None = None,
) -> Issue:
    """Build an Issue with keyword arguments (reads better at call sites)."""
    return Issue(code, message, location, key_path, expected, got, hint)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Suggest the closest of `choices` to a misspelt `word`, or None."""
    import difflib

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


MAX_SHOWN = 80
"""Longest value shown on an issue's `got:` line."""


def describe(value: object) -> str:
    """Describe a YAML value for an 'expected vs got' line: its repr and kind."""
    kinds = {str: "text", bool: "true/false", int: "integer", float: "number", type(None): "null"}
    kind = kinds.get(type(value))
    if kind is None:
        kind = "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else ""
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if len(shown) > MAX_SHOWN:  # a 401-digit number, a pasted paragraph
        shown = f"{shown[: MAX_SHOWN - 20]}… ({len(str(value)):,} characters)"
    return f"{shown} ({kind})" if kind else shown
