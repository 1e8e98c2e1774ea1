"""Options shared by every command, and the load → compute → emit plumbing they reuse.

Declared once (as sqlite-utils does with its output options) so every command spells and
documents `--data`, `--year`, `--format`, `--output`, `--set` the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from cityindex.api import Index
from cityindex.errors import (
    CityIndexError,
    Issue,
    SpecError,
    UsageError,
    did_you_mean,
    issue,
)
from cityindex.load.data import Table, load_data
from cityindex.load.files import check_output, write_atomic
from cityindex.load.shipped import DefaultSpec, resolve_default_spec
from cityindex.load.spec_yaml import (
    load_spec,
    parse_spec,
    read_spec_decoded,
)
from cityindex.model.result import IndexResult
from cityindex.model.spec import Spec
from cityindex.model.spec_schema import check_columns
from cityindex.model.spec_values import sort_issues
from cityindex.render.formats import FORMATS, render_error, render_warning
from cityindex.render.i18n import (
    LANGUAGES,
    Language,
    as_language,
    headers,
    parse_language,
    titled_rows,
    tr,
)

OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")


def pick_language(lang: str | None, spec: Spec | None = None) -> Language:
    """`--lang`, else the spec's `index.language`, else English (bad usage: exit 2)."""
    if lang is None:
        return as_language(spec.index.language if spec is not None else None)
    chosen = parse_language(lang)
    if chosen is None:
        raise UsageError(
            [unknown_choice("usage.lang", "language", lang, LANGUAGES, option="--lang")]
        )
    return chosen


def localise(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    language: Language,
    spec: Spec | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Rows and header labels as a reader sees them in `language`.

    Under zh, table, Markdown and xlsx headers are Chinese (node titles for node columns) and
    the cells of a table or Markdown show titles for ids (`i18n.titled_rows`); CSV and JSON
    keep the ids (scripts read them; `render_rows` shows CSV labels only when asked). English
    keeps the ids as they were.
    """
    if language != "zh":
        return rows, None
    nodes = [spec.index, *spec.walk()] if spec is not None else []
    labels = headers(columns, language, nodes)
    if fmt not in ("table", "markdown"):
        return rows, labels
    return titled_rows(rows, language, nodes), labels


CHOICES_SHOWN = 30
"""At most this many valid choices are listed in an error (the rest are counted)."""


def unknown_choice(
    code: str, what: str, value: str, choices: Sequence[str], *, option: str
) -> Issue:
    """An issue for an option value that is not one of `choices`: the valid choices are
    listed (the first CHOICES_SHOWN) with a did-you-mean."""
    shown = ", ".join(choices[:CHOICES_SHOWN])
    more = len(choices) - CHOICES_SHOWN
    return issue(
        code,
        f"{option}: no {what} '{value}'",
        expected=f"one of: {shown}" + (f" … and {more} more" if more > 0 else ""),
        hint=did_you_mean(value, choices),
    )


def check_choice(
    code: str, what: str, value: str | None, choices: Sequence[str], *, option: str
) -> None:
    """Raise a `UsageError` (exit 2) unless `value` is None or one of `choices`."""
    if value is not None and value not in choices:
        raise UsageError([unknown_choice(code, what, value, choices, option=option)])


def say(message: str) -> None:
    """A message for the user: stderr, never stdout."""
    sys.stderr.write(message if message.endswith("\n") else message + "\n")


def warn(message: str) -> None:
    """A warning on stderr."""
    sys.stderr.write(render_warning(message))


def pick_format(fmt: str | None, output: Path | None) -> str:
    """The explicit format, else by output suffix, else table on a terminal and csv in a pipe."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(
                [
                    issue(
                        "usage.format",
                        f"unknown format '{fmt}'",
                        expected="one of: " + ", ".join(FORMATS),
                    )
                ]
            )
        return fmt
    if output is not None:
        return {".json": "json", ".md": "markdown", ".txt": "table"}.get(output.suffix, "csv")
    return "table" if sys.stdout is not None and sys.stdout.isatty() else "csv"


@dataclass(frozen=True)
class Loaded:
    """A spec and its data, validated against each other."""

    spec: Spec
    table: Table
    default: DefaultSpec | None = None
    """How the default spec was chosen when no SPEC was given (None when one was)."""


def resolve_spec(spec: Path | None) -> tuple[Path, DefaultSpec | None]:
    """The given spec, or the default one (`resolve_default_spec`) and how it was chosen."""
    if spec is not None:
        return spec, None
    chosen = resolve_default_spec()
    return chosen.path, chosen


def resolve_spec_path(spec: Path | None) -> Path:
    """The given spec, or the default one."""
    return resolve_spec(spec)[0]


def load(
    spec_path: Path | None,
    *,
    data: Path | None = None,
    year: int | None = None,
    sets: Sequence[str] | None = None,
    encoding: str | None = None,
) -> Loaded:
    """Load and cross-check spec and data; every spec and column problem in one error."""
    path, default = resolve_spec(spec_path)
    for note in default.notes if default is not None else ():
        say(note)
    text, spec_encoding = read_spec_decoded(path)
    spec, issues = parse_spec(text, file=str(path), base_dir=path.parent, overrides=sets or ())
    language = as_language(spec.index.language if spec is not None else None)
    if spec_encoding != "utf-8":  # announced as a data file's detected encoding is
        say(tr("n.spec_gbk", language, path=path))
    data_path = data
    if data_path is None and spec is not None:
        data_path = spec.index.data
    if spec is None:
        raise SpecError(issues)
    if issues:
        if data_path is not None:
            try:
                table = load_data(
                    data_path,
                    unit=spec.index.unit,
                    year=year,
                    time=spec.index.time,
                    encoding=encoding,
                )
                issues = issues + check_columns(spec, table.columns, str(data_path))
            except CityIndexError:
                pass  # the spec's own problems come first; data problems show once it is fixed
        raise SpecError(sort_issues(issues))
    if data_path is None:
        raise SpecError(
            [
                issue(
                    "spec.data.missing",
                    "no data file: the spec has no `index.data` and no --data was given",
                    key_path="index.data",
                    hint="add `data: ../data/file.csv` under `index:` or pass --data FILE",
                )
            ]
        )
    table = load_data(
        data_path,
        unit=spec.index.unit,
        year=year,
        time=spec.index.time,
        encoding=encoding,
        na_values=spec.index.na_values,
    )
    announce_encoding(table, explicit=encoding)
    if table.na_cells:
        na = ", ".join(spec.index.na_values)
        say(tr("n.na_cells", language, n=table.na_cells, file=table.file, values=na))
    column_issues: list[Issue] = check_columns(spec, table.columns, str(data_path))
    if column_issues:
        raise SpecError(column_issues)
    for message in spec.warnings:
        warn(message)
    return Loaded(spec, table, default)


def announce_encoding(table: Table, *, explicit: str | None) -> None:
    """Say on stderr when the data was not read as UTF-8 (detected: never silently)."""
    if table.encoding == "utf-8":
        return
    how = "as asked (--encoding)" if explicit else "detected: the file is not valid UTF-8"
    say(
        f"note: read {table.file} as {table.encoding.upper()} ({how}); "
        "pass --encoding to choose another"
    )


def compute_loaded(loaded: Loaded, *, quiet: bool = False) -> IndexResult:
    """The nominal result; warnings go to stderr."""
    result = Index(loaded.spec, loaded.table).compute()
    if not quiet:
        for message in result.warnings:
            if message not in loaded.spec.warnings:
                warn(message)
    return result


def check_output_encoding(encoding: str | None) -> str | None:
    """The `--output-encoding` given, checked (bad usage: exit 2); None for plain UTF-8."""
    if encoding is None:
        return None
    chosen = encoding.strip().lower().replace("_", "-")
    if chosen not in OUTPUT_ENCODINGS:
        raise UsageError(
            [
                unknown_choice(
                    "usage.output-encoding",
                    "output encoding",
                    encoding,
                    OUTPUT_ENCODINGS,
                    option="--output-encoding",
                )
            ]
        )
    return None if chosen == "utf-8" else chosen


def emit(text: str, output: Path | None, *, encoding: str | None = None) -> None:
    """Data to stdout, or atomically to `--output` (a note on stderr says where); in
    `encoding` (`--output-encoding`) when given, else UTF-8.

    `--output` may not name an input of this run nor anything but a regular file
    (`files.check_output`); a full or closed stdout is an error with a message, not a crash.
    """
    if encoding is not None:
        try:
            text.encode(encoding)
        except UnicodeEncodeError as exc:
            bad = text[exc.start : exc.end]
            raise CityIndexError(
                [
                    issue(
                        "output.encoding",
                        f"{bad!r} cannot be written in {encoding}",
                        hint="use --output-encoding utf-8-sig: Excel reads it and it holds "
                        "every character",
                    )
                ]
            ) from None
    if output is None:
        write_stdout(text, encoding=encoding)
        return
    check_output(output)
    write_output(output, text, encoding=encoding)
    say(f"wrote {output}")


def write_output(output: Path, content: str | bytes, *, encoding: str | None = None) -> None:
    """`files.write_atomic` (text in `encoding`, else UTF-8), its OSError turned into an
    `output.write` issue."""
    try:
        write_atomic(output, content, encoding=encoding or "utf-8")
    except OSError as exc:
        raise CityIndexError(
            [
                issue(
                    "output.write",
                    f"cannot write {output}: {exc.strerror or exc}",
                    hint="check that the folder exists and is writable",
                )
            ]
        ) from None


def write_stdout(text: str, *, encoding: str | None = None) -> None:
    """Write to stdout (as bytes in `encoding` when given); a closed or full stdout (/dev/full)
    is an `output.stdout` issue.

    After a failed write, stdout is pointed at the null device so that the interpreter's own
    flush at exit does not fail a second time with a message of its own.
    """
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
        _silence_stdout()
        raise CityIndexError(
            [
                issue(
                    "output.stdout",
                    f"cannot write to standard output: {exc.strerror or exc}",
                    hint="redirect the output to a file with enough room, or use --output FILE",
                )
            ]
        ) from None


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)


def fail(error: CityIndexError) -> None:
    """Render an error to stderr and exit with its code."""
    sys.stderr.write(render_error(error))
    raise typer.Exit(error.exit_code)


__all__ = [
    "Loaded",
    "check_choice",
    "check_output_encoding",
    "compute_loaded",
    "emit",
    "fail",
    "load",
    "load_spec",
    "localise",
    "pick_format",
    "pick_language",
    "say",
    "unknown_choice",
    "warn",
    "write_output",
    "write_stdout",
]
