"""The languages a spec or a command can choose, and how a user may write them.

Part of the model (a spec's ``index.language`` is checked against it); the words themselves live
in `cityindex.render.i18n`.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")


def parse_language(value: str) -> Language | None:
    """`zh` or `en` from what a user may write (zh-CN, cn, 中文, EN …); None if neither."""
    v = value.strip().lower().replace("_", "-")
    if v in ("zh", "zh-cn", "zh-hans", "cn", "chinese", "中文"):
        return "zh"
    if v in ("en", "en-gb", "en-us", "english", "英文"):
        return "en"
    return None
