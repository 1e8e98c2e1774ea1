"""Standard output whose encoding is not UTF-8 (``PYTHONIOENCODING=ascii``, Latin-1, a GBK
console): characters it lacks are written as escapes with one warning, never a crash, and
terminal tables get ASCII borders where it lacks box-drawing characters."""

from __future__ import annotations

import codecs
import io
import os
import sys

ESCAPE = "cityindex.escape"
"""The error handler of a standard output whose encoding lacks characters."""

_WARNED: list[bool] = []


def _escape(error: UnicodeError) -> tuple[str, int]:
    """``\\uXXXX`` (``\\xXX``) for what the encoding lacks, and once per run a warning."""
    if not _WARNED:
        _WARNED.append(True)
        encoding = getattr(error, "encoding", "?")
        sys.stderr.write(  # as `formats.render_warning` writes it (which imports this module)
            f"warning: standard output's encoding ({encoding}) cannot write some characters: "
            "they are written as escapes (\\uXXXX, \\xXX); set PYTHONIOENCODING=utf-8 (or a "
            "UTF-8 locale), or write a UTF-8 file with --output\n"
        )
    replaced, end = codecs.backslashreplace_errors(error)
    return str(replaced), end


def escape_what_stdout_cannot_encode() -> None:
    """Make standard output write what its encoding lacks as escapes (with one warning on
    stderr, which Python already writes so) instead of raising `UnicodeEncodeError`."""
    stream = sys.stdout
    if not isinstance(stream, io.TextIOWrapper) or stream.errors != "strict":
        return
    if codecs.lookup(stream.encoding).name in ("utf-8", "utf-16", "utf-32", "gb18030"):
        return
    codecs.register_error(ESCAPE, _escape)
    stream.reconfigure(errors=ESCAPE)


def ascii_borders() -> bool:
    """True when standard output's encoding lacks the box-drawing characters of rich's
    default table borders, so that a table stays a table, with no ``\\u2501`` in them.

    GBK and GB 18030 (a Chinese Windows console) have them; ASCII does not.
    """
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "┏━┳┃┡╇┩│└─┴┘".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


DEFAULT_WIDTH = 120
"""Table width when stdout is not a terminal and COLUMNS is unset (files, pipes, tests)."""


def terminal_width() -> int:
    """Columns for a table: ``COLUMNS`` when set, else the terminal's width, else 120.

    Read at each call (a resized terminal is honoured); piped or written to a file the width
    is fixed, so the same command writes the same bytes.
    """
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        if sys.stdout.isatty():
            return max(20, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        pass
    return DEFAULT_WIDTH
