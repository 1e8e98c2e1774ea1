"""Reading `cityindex --help` texts as a user does: the commands each lists, and the examples
each shows (shared by the in-process help test and the newcomer's journey)."""

from __future__ import annotations

import re

EXAMPLE = re.compile(r"^\s*Example:\s*(cityindex\s.+?)\n\s*\n", re.MULTILINE | re.DOTALL)


def subcommands(text: str) -> list[str]:
    """The command names a help text lists: under `Commands:` (a group) or under each
    workflow heading of the top level (`Score and read the index:`, `Diagnose:`, …). A
    section is a heading at the margin and the indented lines up to the next blank line."""
    names: list[str] = []
    listing = False
    for line in text.splitlines():
        if not line.strip():
            listing = False
        elif not line.startswith(" "):
            listing = line.endswith(":") and line not in ("Options:", "Arguments:")
        elif listing and line[2] != " ":
            names.append(line.split()[0])
    return names


EXAMPLES_BLOCK = re.compile(r"^\s*Examples:\n(.+?)\n\s*\n", re.MULTILINE | re.DOTALL)


def examples_in(text: str) -> list[str]:
    """The examples of one help text, a wrapped one joined back into one line.

    A command's help has one `Example:`; the top level has an `Examples:` block, one example a
    line followed by its description after two or more spaces (`COMMAND` is a placeholder).
    """
    found = [" ".join(one.split()) for one in EXAMPLE.findall(text + "\n\n")]
    for block in EXAMPLES_BLOCK.findall(text + "\n\n"):
        for line in block.splitlines():
            command = re.split(r"\s{2,}", line.strip())[0]
            if command.startswith("cityindex ") and "COMMAND" not in command:
                found.append(command)
    return found
