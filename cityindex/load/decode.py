"""CSV bytes → text: which encodings are accepted, and what is refused (never guessed).

UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 but decodes as GB18030
(the superset of GBK, what Excel on Chinese Windows writes) is read as GB18030, and the codec is
returned so the command line can announce it; ``--encoding`` chooses explicitly. UTF-16 without
``--encoding``, binary files (NUL bytes or control characters) and anything else are errors.
"""

from __future__ import annotations

import codecs
import hashlib

from cityindex.errors import DataError, Location, UsageError, did_you_mean, issue


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of bytes (used in manifests)."""
    return hashlib.sha256(data).hexdigest()


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])
"""The C0 controls refused (all but tab, LF, form feed and CR), each one UTF-8 byte that no
other character's encoding uses."""


def _control_characters(text: str) -> int:
    """How many C0 control characters other than tab, CR, LF and form feed `text` holds
    (counted on its UTF-8 bytes by `bytes.translate`: ~5x faster than a regular expression
    over a 30 MB file)."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def codec_name(encoding: str | None) -> str | None:
    """An encoding asked for by name as Python's codec calls it (None: detect); a usage error
    for an unknown name."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(
            [
                issue(
                    "usage.encoding",
                    f"unknown encoding '{encoding}'",
                    expected="an encoding name such as utf-8, gb18030, gbk, latin-1",
                    hint=did_you_mean(encoding, ["utf-8", "gb18030", "gbk", "latin-1"]),
                )
            ]
        ) from None


def decode_csv(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """A data file's bytes as text, and the codec used; clear errors otherwise.

    Without `encoding`: UTF-8 (a BOM allowed), else GB18030 when the bytes are valid GB18030
    (GBK files are), else an error. With `encoding` (a name from `codec_name`): exactly that
    codec. Binary files (NUL bytes or control characters) are refused rather than decoded into
    nonsense. `name` is the file, for messages.
    """
    binary = issue(
        "data.file.binary",
        "data file is binary, not CSV text",
        location=Location(name),
        hint="export the sheet as CSV (UTF-8)",
    )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        raise DataError(
            [
                issue(
                    "data.file.utf16",
                    "data file is UTF-16 (Excel's 'Unicode Text'), not CSV in UTF-8",
                    location=Location(name),
                    hint="save as 'CSV UTF-8 (comma delimited)', or pass --encoding utf-16",
                )
            ]
        )
    if b"\x00" in raw and not (encoding or "").startswith("utf-16"):
        raise DataError([binary])
    tried = [encoding] if encoding is not None else ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for codec in tried:
        try:
            text = raw.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if _control_characters(text) > 0:
            raise DataError([binary])
        return text, codec
    assert first_error is not None
    line = raw[: first_error.start].count(b"\n") + 1
    shown = encoding or "UTF-8"
    raise DataError(
        [
            issue(
                "data.file.encoding",
                f"data file is not {shown} (first bad byte on line {line})"
                + ("" if encoding else ", nor GB18030/GBK"),
                location=Location(name, line),
                got=f"byte 0x{raw[first_error.start]:02x} at offset {first_error.start}",
                hint="save the CSV as UTF-8 (Excel: 'CSV UTF-8'), or name the encoding with "
                "--encoding",
            )
        ]
    )
