"""One language per message stream: what stderr says around notes, warnings and errors.

A run speaks one language on stderr. ``--lang`` decides it (read from the command line before
the command runs, so even a usage error found while parsing options follows it); without it,
the spec's ``index.language`` once the spec is read; else English. Notes start ``note:`` or
``提示：``, warnings ``warning:`` or ``警告：``, and an error block's frame (``error[code]:``,
``= key path:``, ``= expected:``, ``= got:``, ``= hint:``) is in that language too; the
messages' own text and codes stay as written (they are searched for and quoted in issues).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cityindex.errors import CityIndexError
from cityindex.render.formats import render_error, render_warning
from cityindex.render.i18n import Language, parse_language, tr

_STATE: dict[str, Language | bool] = {"language": "en", "chosen": False, "decided": False}


def start_messages(args: Sequence[str]) -> None:
    """A new run: its message language from ``--lang X`` / ``--lang=X`` in `args` (English
    when absent or not a language: the option's own check reports that)."""
    found: Language | None = None
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            found = parse_language(args[i + 1])
        elif arg.startswith("--lang="):
            found = parse_language(arg.partition("=")[2])
    _STATE["language"] = found or "en"
    _STATE["chosen"] = _STATE["decided"] = found is not None


def adopt_language(language: Language | None) -> None:
    """The spec's ``index.language``, taken unless ``--lang`` chose already."""
    if not _STATE["chosen"]:
        _STATE["language"] = language or "en"
        _STATE["decided"] = True


def message_language() -> Language:
    """The language of this run's messages."""
    return "zh" if _STATE["language"] == "zh" else "en"


def note_line(text: str) -> str:
    """A line for stderr with its ``note:``/``ok:`` prefix (if any) in the run's language;
    before the language is known (a note while the spec is read, in the spec's own language)
    the line as it is."""
    if not _STATE["decided"]:
        return text
    language = message_language()
    for key, prefixes in _PREFIXES.items():
        for prefix in prefixes:
            if text.startswith(prefix):
                return tr(key, language) + text.removeprefix(prefix)
    return text


def warning_line(text: str) -> str:
    """A warning for stderr (`formats.render_warning`), its prefix in the run's language."""
    english = render_warning(text)
    if message_language() == "en":
        return english
    return tr("msg.warning", "zh") + english.removeprefix("warning: ")


def error_text(error: CityIndexError) -> str:
    """Every issue of `error` (`formats.render_error`), framed in the run's language."""
    english = render_error(error)
    if message_language() == "en":
        return english
    return "\n".join(_framed(line) for line in english.split("\n"))


_ERROR = re.compile(r"^error\[([^\]]+)\]: ")
_FRAME = {
    "   = key path: ": "msg.key_path",
    "   = expected: ": "msg.expected",
    "   = got:      ": "msg.got",
    "   = hint: ": "msg.hint",
}
_TALLY = re.compile(r"^(\d+) problems found$")


def _framed(line: str) -> str:
    """One line of an English error block with its frame in Chinese (text as it was)."""
    head = _ERROR.match(line)
    if head:
        return tr("msg.error", "zh", code=head.group(1)) + line[head.end() :]
    for english, key in _FRAME.items():
        if line.startswith(english):
            return tr(key, "zh") + line.removeprefix(english)
    tally = _TALLY.match(line)
    return tr("msg.problems", "zh", n=tally.group(1)) if tally else line


_PREFIXES = {
    "msg.note": ("note: ", "提示："),
    "msg.ok": ("ok: ", "通过："),
    "msg.wrote_prefix": ("wrote ", "已写入 "),  # commands that say where they wrote a file
}


__all__ = [
    "adopt_language",
    "error_text",
    "message_language",
    "note_line",
    "start_messages",
    "warning_line",
]
