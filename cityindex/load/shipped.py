"""Where the shipped specs, data and seeds live, in a checkout or an installed wheel.

In a repository checkout they are the top-level `indicators/`, `data/` and `seeds/` folders;
a wheel carries the same folders as `cityindex/_shipped/…` (see pyproject.toml), laid out
alike so that a spec's relative `data:` path works in both.

The default spec (`resolve_default_spec`) is the one a user would expect to be scored when no
SPEC is given: the working directory's own `indicators/ai-city-2024.yaml` when it has one, else
the nearest enclosing cityindex checkout's (found by walking up, as git finds its repository),
else the installed copy. A reviewer who edits the checkout's file after a non-editable
`pip install .` must see the edit take effect, never a frozen copy in site-packages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_SPEC = "indicators/ai-city-2024.yaml"


def shipped_root() -> Path:
    """The folder holding `indicators/`, `data/` and `seeds/` of this installation."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent
    if (checkout / DEFAULT_SPEC).exists() and is_checkout(checkout):
        return checkout
    return package / "_shipped"


def default_spec() -> Path:
    """The shipped default index definition of this installation (the installed copy)."""
    return shipped_root() / DEFAULT_SPEC


def is_checkout(folder: Path) -> bool:
    """True when `folder` is a cityindex source tree (its pyproject.toml names cityindex)."""
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return 'name = "cityindex"' in text


Origin = Literal["working directory", "checkout", "installed"]


@dataclass(frozen=True)
class DefaultSpec:
    """The default spec chosen for a run, why, and what the user should be told."""

    path: Path
    origin: Origin
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """A short name for captions: the path as typed from the working directory, or the
        installed copy's name (not a long site-packages path)."""
        if self.origin == "installed":
            return f"{DEFAULT_SPEC} (installed copy)"
        return str(self.path)


def _relative(path: Path, cwd: Path) -> Path:
    """`path` as typed from `cwd` (``indicators/…``, ``../indicators/…``)."""
    try:
        return Path(os.path.relpath(path, cwd))
    except ValueError:  # another drive (Windows)
        return path


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def resolve_default_spec(cwd: Path | None = None) -> DefaultSpec:
    """The spec to use when none is given, looked up from `cwd` (default: the working dir).

    1. `cwd/indicators/ai-city-2024.yaml` — the user's own copy, checkout or not;
    2. else the nearest parent folder that is a cityindex checkout (pyproject.toml naming
       cityindex) and holds that file — e.g. when running from the checkout's `data/`;
    3. else the installed copy (`default_spec`). When a parent folder that is *not* a
       checkout holds a copy that differs from the installed one, a note says which file was
       used and why the local one was not.
    """
    here = (cwd or Path.cwd()).resolve()
    own = here / DEFAULT_SPEC
    if own.is_file():
        return DefaultSpec(Path(DEFAULT_SPEC), "working directory")
    installed = default_spec()
    stray: Path | None = None
    for folder in here.parents:
        candidate = folder / DEFAULT_SPEC
        if not candidate.is_file():
            continue
        if is_checkout(folder):
            return DefaultSpec(_relative(candidate, here), "checkout")
        if stray is None and not _same_bytes(candidate, installed):
            stray = candidate
    notes: tuple[str, ...] = ()
    if stray is not None:
        notes = (
            f"note: scoring the installed copy of {DEFAULT_SPEC} ({installed}), not the "
            f"different local copy {_relative(stray, here)} (its folder is not a cityindex "
            "checkout); run from that folder or name the file to use it",
        )
    return DefaultSpec(installed, "installed", notes)
