"""The load → compute → emit plumbing every command reuses; stdout carries data only."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cityindex.api import Index
from cityindex.api.reading import Loaded as Loaded
from cityindex.api.reading import read_index
from cityindex.errors import CityIndexError, issue
from cityindex.load.files import check_output, write_output
from cityindex.load.shipped import resolve_default_spec
from cityindex.model.result import IndexResult
from cityindex.render.choices import check_choice as check_choice
from cityindex.render.choices import check_encodable, localised_text
from cityindex.render.choices import check_output_encoding as check_output_encoding
from cityindex.render.choices import localise as localise
from cityindex.render.choices import pick_format as pick_format
from cityindex.render.choices import pick_language as pick_language
from cityindex.render.choices import unknown_choice as unknown_choice
from cityindex.render.i18n import tr
from cityindex.render.messages import adopt_language, message_language, note_line, warning_line
from cityindex.render.workbook import is_sheet_text, write_text_workbook

if TYPE_CHECKING:
    from cityindex.cli.options import Options


def say(message: str) -> None:
    """A message for the user: stderr, never stdout (a `note:` in the run's language)."""
    sys.stderr.write(note_line(message if message.endswith("\n") else message + "\n"))


def warn(message: str) -> None:
    """A warning on stderr, its prefix in the run's language."""
    sys.stderr.write(warning_line(message))


def _tell(kind: Literal["note", "warning"], message: str) -> None:
    (warn if kind == "warning" else say)(message)


def load(
    spec_path: Path | None,
    *,
    data: Path | None = None,
    year: int | None = None,
    sets: Sequence[str] | None = None,
    encoding: str | None = None,
) -> Loaded:
    """`api.reading.read_index`, its notes and warnings on stderr as they come; from here on
    messages follow the spec's `index.language` unless --lang chose."""
    loaded = read_index(spec_path, data=data, year=year, sets=sets, encoding=encoding, notify=_tell)
    adopt_language(loaded.spec.index.language)
    return loaded


def resolve_spec_path(spec: Path | None) -> Path:
    """The given spec, or the default one (`load.shipped.resolve_default_spec`)."""
    return spec if spec is not None else resolve_default_spec().path


def compute_loaded(loaded: Loaded, *, quiet: bool = False) -> IndexResult:
    """The nominal result; warnings (those the spec did not already give) go to stderr."""
    result = Index(loaded.spec, loaded.table).compute()
    for message in () if quiet else result.warnings:
        if message not in loaded.spec.warnings:
            warn(message)
    return result


def emit(text: str, output: Path | None, *, encoding: str | None = None) -> None:
    """Data to stdout, or atomically to `--output` (a regular file, not an input of this run:
    `files.check_output`; a note on stderr says where), in `encoding` when given, else UTF-8."""
    if output is not None and is_sheet_text(text):  # --format xlsx / an .xlsx --output
        write_text_workbook(output, text)
        say(tr("msg.wrote", message_language(), path=output))
        return
    if encoding is not None:
        check_encodable(text, encoding)
    if output is None:
        write_stdout(text, encoding=encoding)
        return
    check_output(output)
    write_output(output, text, encoding=encoding)
    say(tr("msg.wrote", message_language(), path=output))


def write_stdout(text: str, *, encoding: str | None = None) -> None:
    """Write to stdout (as bytes in `encoding` when given); a closed or full stdout is an
    `output.stdout` issue, and stdout then points at the null device so that the interpreter's
    own flush at exit does not fail a second time."""
    stream = sys.stdout
    try:
        if stream is None:
            raise OSError(errno.EBADF, "stdout is closed")
        if encoding is None:
            stream.write(text)
        else:
            stream.flush()
            stream.buffer.write(text.encode(encoding))
        stream.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)
        message = f"cannot write to standard output: {exc.strerror or exc}"
        hint = "redirect the output to a file with enough room, or use --output FILE"
        raise CityIndexError([issue("output.stdout", message, hint=hint)]) from None


def emit_rows(
    rows: list[dict[str, Any]],
    columns: list[str],
    digits: dict[str, int | None],
    title: str,
    opts: Options,
    loaded: Loaded,
    result: IndexResult | None = None,
) -> None:
    """Rows in the chosen format and language, written; with a `result`, its manifest goes in
    the JSON and its units show their Chinese names under zh."""
    language = pick_language(opts.lang, loaded.spec)
    text = localised_text(
        rows,
        columns,
        pick_format(opts.fmt, opts.output),
        language=language,
        spec=loaded.spec,
        round_to=opts.digits,
        excel_safe=opts.excel_safe,
        display_digits=digits,
        title=tr(title, language),
        extra_json={"manifest": result.manifest} if result is not None else None,
        units=result.unit_labels if result is not None else None,
    )
    emit(text, opts.output)
