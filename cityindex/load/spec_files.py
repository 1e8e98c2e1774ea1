"""Spec and plan files as text: regular files, bounded in size, UTF-8 (a spec also as GBK).

A spec saved by Notepad on Chinese Windows is GBK; it is read as such (by the GB18030 codec, its
superset) when it decodes as Chinese text does, and the caller says so (`GBK_NOTE`). Binary
files are refused, not decoded.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from cityindex.errors import Location, SpecError, UsageError, issue
from cityindex.load.files import InputKind, read_bounded

MAX_BYTES = 2_000_000

SPEC_FILE = InputKind(
    noun="spec file",
    error=SpecError,
    codes=("spec.file.not-found", "spec.file.is-directory", "spec.yaml.too-large"),
    missing_hint="give the path to an index definition (YAML), e.g. indicators/ai-city-2024.yaml",
    large_hint="an index definition is a few kilobytes; is this the right file?",
)


PLAN_FILE = InputKind(
    noun="plan file",
    error=UsageError,
    codes=("usage.plan.not-found", "usage.plan.is-directory", "usage.plan.too-large"),
    missing_hint="give the path to an uncertainty plan (YAML)",
    large_hint="a plan is a few kilobytes; is this the right file?",
)


def read_plan_text(path: Path) -> str:
    """An uncertainty plan file (``--plan``) as text: a regular UTF-8 file, bounded in size."""
    raw = read_bounded(path, PLAN_FILE, limit=MAX_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            [
                issue(
                    "usage.plan.read",
                    f"cannot read --plan {path}: not UTF-8 (byte {exc.start})",
                    location=Location(str(path)),
                    hint="save the plan as UTF-8",
                )
            ]
        ) from None


def read_spec_text(path: Path) -> str:
    """Read a spec file as text, bounded in size, with clear errors for the unreadable."""
    name = str(path)
    raw = read_bounded(path, SPEC_FILE, limit=MAX_BYTES)
    if b"\x00" in raw:
        raise SpecError(
            [
                issue(
                    "spec.yaml.not-text",
                    "spec file is binary, not YAML text",
                    location=Location(name),
                    hint="give an index definition written in YAML",
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [
                issue(
                    "spec.yaml.encoding",
                    f"spec file is not UTF-8 (byte {exc.start})",
                    location=Location(name),
                    hint="save the YAML file as UTF-8",
                )
            ]
        ) from None


GBK_NOTE = "read {path} as GBK (detected: the file is not valid UTF-8)"
"""What a reader is told when a spec was read as GBK (Notepad on Chinese Windows saves so)."""


def _ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY"))


def read_spec_decoded(path: Path) -> tuple[str, str]:
    """The spec's text and its encoding: ``utf-8``, else ``gbk`` when it decodes as GB18030
    (the superset of GBK: the same text for every GBK file, and iconv's ``-t GB18030`` of any
    UTF-8 file) as Chinese text does; else the UTF-8 error of `read_spec_text`.

    GB18030 decodes almost any bytes, so a file is refused when it holds an ideograph whose
    second byte is ASCII: a Latin-1 "Zürich" (0xFC then 'r') decodes to "Z黵ich". The Chinese
    characters of GB2312 all have a second byte >= 0x80; the symbols of GBK's extension with an
    ASCII second byte, such as the en dash (0xA8 0x43), are not ideographs and are read.
    """
    try:
        return read_spec_text(path), "utf-8"
    except SpecError as error:
        if [i.code for i in error.issues] != ["spec.yaml.encoding"]:
            raise
        try:
            text = read_bounded(path, SPEC_FILE, limit=MAX_BYTES).decode("gb18030")
        except UnicodeDecodeError:
            raise error from None
        for ch in {c for c in text if c > "\x7f"}:
            held = ch.encode("gb18030")
            if len(held) == 2 and held[1] < 0x80 and _ideograph(ch):
                raise error from None
    return text, "gbk"
