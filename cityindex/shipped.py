"""Where the shipped specs, data and seeds live, in a checkout or an installed wheel.

In a repository checkout they are the top-level `indicators/`, `data/` and `seeds/` folders;
a wheel carries the same folders as `cityindex/_shipped/…` (see pyproject.toml), laid out
alike so that a spec's relative `data:` path works in both.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_SPEC = "indicators/ai-city-2024.yaml"


def shipped_root() -> Path:
    """The folder holding `indicators/`, `data/` and `seeds/`."""
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if (checkout / DEFAULT_SPEC).exists() and (checkout / "pyproject.toml").exists():
        return checkout
    return package / "_shipped"


def default_spec() -> Path:
    """The shipped default index definition."""
    return shipped_root() / DEFAULT_SPEC
