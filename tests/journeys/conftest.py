"""Fixtures for the journeys: a checkout copy per journey and the user's shell in it.

Each test module walks one user's path end to end through the real, installed `cityindex`
command (see shell.py); tests assert on what the user sees, never on internals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .shell import PUBLISHED, Shell, copy_checkout, installed_cityindex, rows


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary copy of the repository, one per journey."""
    return copy_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def user(checkout: Path) -> Shell:
    """The user's shell, standing in the checkout."""
    return Shell(checkout, installed_cityindex())


@pytest.fixture(scope="module")
def published(checkout: Path) -> list[dict[str, str]]:
    """The report's published top three (unit, score, rank), from the seed file."""
    return rows((checkout / PUBLISHED).read_text(encoding="utf-8"))
