"""Files at the edges: inputs read with a size bound, outputs written atomically.

Inputs: a missing file, a folder or an oversized file is refused with a clear error before
anything is parsed (`read_bounded`); the spec and data loaders share it.

Outputs: written atomically, so a failed or killed run never leaves half a file.
The text goes to a temporary file in the target's directory (same file system), is flushed and
fsynced, and only then renamed over the target: readers see the old file or the new one, never
a partial one, and an existing file survives any failure before the rename. A run killed with
SIGKILL mid-write can leave only the hidden temporary file (``.<name>.*.tmp``) behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cityindex.errors import CityIndexError, Location, issue


@dataclass(frozen=True)
class InputKind:
    """What an input file is, for its error messages: its noun, error type, codes and hints."""

    noun: str
    error: type[CityIndexError]
    codes: tuple[str, str, str]  # not found, is a directory, too large
    missing_hint: str
    large_hint: str


def read_bounded(path: Path, kind: InputKind, *, limit: int) -> bytes:
    """The bytes of an input file, refused clearly when missing, a folder or over `limit`.

    Reads at most one byte past the limit: a pipe or a device (/dev/zero) reports size 0 to
    stat, and must meet the same bound as a file instead of filling memory.
    """
    name = str(path)
    not_found, is_dir, too_large = kind.codes
    if not path.exists():
        raise kind.error(
            [
                issue(
                    not_found,
                    f"{kind.noun} {name} does not exist",
                    location=Location(name),
                    hint=kind.missing_hint,
                )
            ]
        )
    if path.is_dir():
        raise kind.error([issue(is_dir, f"{name} is a directory", location=Location(name))])
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        size = max(path.stat().st_size, len(raw))
        raise kind.error(
            [
                issue(
                    too_large,
                    f"{kind.noun} is {size:,} bytes or more; the limit is {limit:,}",
                    location=Location(name),
                    expected=f"at most {limit:,} bytes",
                    hint=kind.large_hint,
                )
            ]
        )
    return raw


def _mode_for(target: Path) -> int:
    """The permission bits the target should get: the old file's, else 0666 less the umask.

    `tempfile.mkstemp` creates files readable by their owner only; a report written with
    ``--output`` should have the permissions any other new file would get.
    """
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` (UTF-8 unless `encoding` says otherwise) in one rename."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
