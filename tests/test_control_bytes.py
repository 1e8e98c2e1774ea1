"""Control characters are counted on UTF-8 bytes (`load.decode._control_characters`): the same
count as the character class it replaced, for every character up to U+3000."""

from __future__ import annotations

import re

from cityindex.load.decode import _control_characters

CLASS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def test_control_characters_are_counted_as_the_character_class_counts_them() -> None:
    text = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000)
    assert _control_characters(text) == len(CLASS.findall(text)) == 28
    assert _control_characters("城市,a\tb\r\n\x0c1,2\n") == 0
    assert _control_characters("北京\x1b[0m,\x00,\x7f") == 2  # ESC and NUL; DEL is not C0
