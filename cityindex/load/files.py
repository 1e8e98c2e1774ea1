"""Files at the edges: inputs read with a size bound, outputs written atomically.

Inputs: a missing file, a folder or an oversized file is refused with a clear error before
anything is parsed (`read_bounded`); the spec and data loaders share it.

Outputs: written atomically, so a failed or killed run never leaves half a file.
The text goes to a temporary file in the target's directory (same file system), is flushed and
fsynced, and only then renamed over the target: readers see the old file or the new one, never
a partial one, and an existing file survives any failure before the rename. The temporary
file is removed on any exception (Ctrl-C included) and, once the command line has called
`clean_up_on_signals`, on SIGTERM and SIGHUP too; only SIGKILL mid-write can leave the hidden
temporary file (``.<name>.*.tmp``) behind. The target must be a regular file or absent: a
symbolic link, a device (/dev/stdout), a FIFO or a folder is refused, never replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

from cityindex.errors import CityIndexError, Location, UsageError, issue


@dataclass(frozen=True)
class InputKind:
    """What an input file is, for its error messages: its noun, error type, codes and hints."""

    noun: str
    error: type[CityIndexError]
    codes: tuple[str, str, str]  # not found, is a directory, too large
    missing_hint: str
    large_hint: str


_INPUTS: dict[tuple[int, int], str] = {}
"""(device, inode) → name of every file read as input in this run: `--output` may not be one."""


def forget_inputs() -> None:
    """Start a new run: no file has been read as input yet."""
    _INPUTS.clear()


def note_input(path: str | Path) -> None:
    """Count `path` as an input of this run before it is read, so that a `--output` checked
    first (calibrate checks its output before it reads its target) cannot name it."""
    try:
        info = os.stat(path)
    except OSError:
        return  # absent: reading it reports that
    _INPUTS[(info.st_dev, info.st_ino)] = str(path)


def _refuse(
    kind: InputKind, code: str, message: str, name: str, hint: str | None = None
) -> NoReturn:
    raise kind.error([issue(code, message, location=Location(name), hint=hint)])


def read_bounded(path: Path, kind: InputKind, *, limit: int) -> bytes:
    """The bytes of an input file, refused clearly when missing, not a regular file or too large.

    Only regular files are read: a FIFO would block the open (or the read) forever and a device
    such as /dev/zero never ends, so the file is opened without blocking and its type checked
    on the open descriptor before any byte is read. Any error the system reports while opening
    or reading (permission, /proc/self/mem, a file name too long) is an issue too, never a
    traceback. Reads at most one byte past the limit.
    """
    name = str(path)
    not_found, is_dir, too_large = kind.codes
    family = not_found.rsplit(".", 1)[0]  # "data.file", "spec.file"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        _refuse(kind, not_found, f"{kind.noun} {name} does not exist", name, kind.missing_hint)
    except IsADirectoryError:
        _refuse(kind, is_dir, f"{name} is a directory", name)
    except OSError as exc:
        _refuse(kind, f"{family}.unreadable", f"cannot read {name}: {_reason(exc)}", name)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            _refuse(kind, is_dir, f"{name} is a directory", name)
        if not stat.S_ISREG(info.st_mode):
            _refuse(
                kind,
                f"{family}.not-regular",
                f"{name} is {_file_type(info.st_mode)}, not a regular file",
                name,
                f"give the path of a saved {kind.noun}; a pipe or device is not read",
            )
        raw = _read_up_to(fd, limit + 1)
    except OSError as exc:
        _refuse(kind, f"{family}.unreadable", f"cannot read {name}: {_reason(exc)}", name)
    finally:
        os.close(fd)
    _INPUTS[(info.st_dev, info.st_ino)] = name
    if len(raw) > limit:
        size = max(info.st_size, len(raw))
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


def _read_up_to(fd: int, size: int) -> bytes:
    """Up to `size` bytes from `fd` (fewer only at the end of the file)."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _file_type(mode: int) -> str:
    """What a non-regular file is, in words."""
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    )
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def check_output(path: str | Path, *, replacing: str | Path | None = None) -> None:
    """Refuse an output path that would replace an input of this run or something not a file.

    `--output` replaces its target: onto the data or spec just read it would destroy them, and
    onto a device, pipe, folder or symbolic link it would swap it for a regular file. Raises a
    `UsageError` (exit 2) naming what the path is. Absent targets are fine; `replacing` is an
    input the command means to rewrite in place (a calibrated spec).
    """
    name = str(path)
    try:
        refuse_unless_regular(name, os.lstat(path).st_mode)  # a link, even a dangling one
        info = os.stat(path)
    except OSError:
        return  # absent (or unreachable: the write itself reports that)
    read_as = _INPUTS.get((info.st_dev, info.st_ino))
    if read_as is not None and not (replacing is not None and _same_file(path, replacing)):
        raise UsageError(
            [
                issue(
                    "usage.output.is-input",
                    f"--output {name} is an input of this run ({read_as}); "
                    "writing would overwrite it",
                    location=Location(name),
                    hint="write the output to a new file",
                )
            ]
        )


def refuse_unless_regular(name: str, mode: int) -> None:
    """Raise the located usage error (exit 2) for an output that is not a regular file."""
    if stat.S_ISREG(mode):
        return
    what = _file_type(mode)
    if stat.S_ISLNK(mode):
        try:
            pointed = os.stat(name).st_mode
            what = "a symbolic link to " + (
                "a regular file" if stat.S_ISREG(pointed) else _file_type(pointed)
            )
        except OSError:
            what = "a symbolic link to nothing"
    raise UsageError(
        [
            issue(
                "usage.output.not-a-file",
                f"--output {name} is {what}; it would be replaced",
                location=Location(name),
                hint="give the path of a new or existing regular file",
            )
        ]
    )


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


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


NAME_MAX = 255
"""Longest file name (bytes) most file systems take; the temporary name must fit too."""


def _temp_prefix(name: str) -> str:
    """``.<name>.`` cut so that mkstemp's name (prefix, 8 random characters, ``.tmp``) fits."""
    room = NAME_MAX - len(".") - len(".") - 8 - len(".tmp")
    encoded = os.fsencode(name)
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", errors="ignore") or "out"
        while len(os.fsencode(name)) > room:
            name = name[:-1]
    return f".{name}."


def write_atomic(path: str | Path, content: str | bytes, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `content` (text in `encoding`, UTF-8 by default) in one rename."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    data = content.encode(encoding) if isinstance(content, str) else content
    with contextlib.suppress(FileNotFoundError):
        refuse_unless_regular(str(target), os.lstat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=directory)
    remove_on_signal(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        keep_on_signal(tmp)
    _fsync_directory(directory)


_DOOMED: set[str] = set()
"""Temporary files and folders of this run, removed if SIGTERM or SIGHUP ends it."""
CLEANUP_SIGNALS = ("SIGTERM", "SIGHUP")


def remove_on_signal(path: str | Path) -> None:
    """Have `path` (a temporary file or folder) removed if the run is ended by a signal."""
    _DOOMED.add(str(path))


def keep_on_signal(path: str | Path) -> None:
    """`path` is gone or kept: a signal no longer removes it."""
    _DOOMED.discard(str(path))


def _remove_and_die(signum: int, frame: FrameType | None) -> None:
    """Remove this run's temporary files, then end as the signal would have ended it."""
    for doomed in list(_DOOMED):
        with contextlib.suppress(OSError):
            if os.path.isdir(doomed) and not os.path.islink(doomed):
                shutil.rmtree(doomed, ignore_errors=True)
            else:
                os.unlink(doomed)
    _DOOMED.clear()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def clean_up_on_signals() -> None:
    """Remove temporary files on SIGTERM and SIGHUP as on Ctrl-C (SIGINT raises
    KeyboardInterrupt, which `write_atomic` already handles), then die of the same signal, so
    the parent sees the usual status (143, 129). For the command line's `main`; a library
    caller keeps its own handlers. A signal the process ignores (SIGHUP under nohup) stays
    ignored; outside the main thread nothing is installed.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for name in CLEANUP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _remove_and_die)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_output(output: Path, content: str | bytes, *, encoding: str | None = None) -> None:
    """`files.write_atomic` (text in `encoding`, else UTF-8), its OSError turned into an
    `output.write` issue."""
    try:
        write_atomic(output, content, encoding=encoding or "utf-8")
    except OSError as exc:
        hint = "check that the folder exists and is writable"
        message = f"cannot write {output}: {exc.strerror or exc}"
        raise CityIndexError([issue("output.write", message, hint=hint)]) from None
