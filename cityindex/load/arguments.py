"""Arguments of the library's functions checked at the door: a wrong type is a `UsageError`.

`cityindex.score(5)` must say that a spec is a path, a mapping or a `Spec`, not fail deep
inside `pathlib` with a `TypeError`; these helpers are what every public entry point calls on
the arguments it passes on to a file or a loop.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cityindex.errors import UsageError, describe, issue


def wrong_type(name: str, value: Any, expected: str, *, hint: str | None = None) -> UsageError:
    """The `UsageError` for argument `name` given `value` where `expected` was wanted."""
    return UsageError(
        [
            issue(
                "usage.argument.type",
                f"argument `{name}` has the wrong type",
                key_path=name,
                expected=expected,
                got=describe(value),
                hint=hint,
            )
        ]
    )


def path_argument(value: Any, name: str) -> Path:
    """`value` as a `Path`, when it is text or a path object (not bytes, not a number).

    >>> path_argument("a.yaml", "spec")
    PosixPath('a.yaml')
    """
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        path = os.fspath(value)
        if isinstance(path, str):
            return Path(path)
    raise wrong_type(name, value, "a file path: text or a pathlib.Path")


def texts_argument(value: Any, name: str, *, example: str) -> tuple[str, ...]:
    """A list (or tuple) of texts, such as ``set=["groups.g.weight=2"]``; one text alone is
    refused rather than read character by character."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items = tuple(value)
        if all(isinstance(item, str) for item in items):
            return items
    raise wrong_type(name, value, f"a list of texts, e.g. {name}=[{example!r}]")


def whole_argument(value: Any, name: str, *, optional: bool = True) -> int | None:
    """A whole number (or None when `optional`); a bool or float is refused."""
    if value is None and optional:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise wrong_type(name, value, "a whole number" + (" or None" if optional else ""))


def number_argument(value: Any, name: str) -> float:
    """A real number (int or float, not bool, not text)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise wrong_type(name, value, "a number")


def text_argument(value: Any, name: str, *, optional: bool = True) -> str | None:
    """Text (or None when `optional`)."""
    if value is None and optional:
        return None
    if isinstance(value, str):
        return value
    raise wrong_type(name, value, "text" + (" or None" if optional else ""))
