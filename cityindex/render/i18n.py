"""Reader-facing words in English and Chinese: headings, column names, notes, chart labels.

Errors keep their English text and stable codes (they are searched for and quoted in issues);
everything a *reader* of a table, chart or report sees goes through `tr`. A spec chooses its
language with ``index.language: zh|en``; ``--lang`` overrides it; English is the default.
Groups and indicators show their `title` (or ``title_zh`` / ``title_en`` for that language)
instead of their id; CSV keeps ids as column names unless asked for titles.

The words themselves are data: one catalogue per language, ``render/words/<lang>.json``, read
on first use (so importing cityindex reads none). Each holds ``words`` (the texts by key, with
``{name}`` fields `tr` fills in), and ``methods``, ``flags`` and ``stages``: method names, audit
flags and pipeline stages as that language's reader says them (English: the ids themselves).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from cityindex.model.language import LANGUAGES as LANGUAGES
from cityindex.model.language import Language as Language
from cityindex.model.language import parse_language as parse_language

HTML_LANG: Mapping[Language, str] = {"en": "en", "zh": "zh-CN"}

WORDS_DIR = Path(__file__).parent / "words"
"""Where the catalogues are (shipped in the wheel as package data)."""


class Titled(Protocol):
    """A group or indicator: an id, an optional title and per-language titles."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str | None: ...

    @property
    def titles(self) -> Mapping[str, str]: ...


@cache
def catalogue(lang: Language) -> Mapping[str, Mapping[str, str]]:
    """The catalogue of `lang` (``words``, ``methods``, ``flags``, ``stages``), read once."""
    with (WORDS_DIR / f"{lang}.json").open(encoding="utf-8") as file:
        loaded: dict[str, dict[str, str]] = json.load(file)
    return loaded


def _section(lang: Language, section: str) -> Mapping[str, str]:
    """One section of a catalogue; any language but zh reads the English one."""
    return catalogue("zh" if lang == "zh" else "en")[section]


class _Pairs(Mapping[str, tuple[str, str]]):
    """Every key's (English, Chinese) text, from the two catalogues (read on first use)."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        return _section("en", "words")[key], _section("zh", "words")[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_section("en", "words"))

    def __len__(self) -> int:
        return len(_section("en", "words"))


class _Section(Mapping[str, str]):
    """One section of one language's catalogue (read on first use)."""

    def __init__(self, lang: Language, section: str) -> None:
        self._lang, self._name = lang, section

    def __getitem__(self, key: str) -> str:
        return _section(self._lang, self._name)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_section(self._lang, self._name))

    def __len__(self) -> int:
        return len(_section(self._lang, self._name))


STRINGS: Mapping[str, tuple[str, str]] = _Pairs()
"""Each reader-facing text by key, as (English, Chinese)."""

METHOD_NAMES: Mapping[str, str] = _Section("zh", "methods")
"""Methods as a Chinese reader names them."""

FLAG_NAMES: Mapping[str, str] = _Section("zh", "flags")
"""Audit flags (`analysis.audit`) as a Chinese reader reads them."""

STAGE_NAMES: Mapping[str, str] = _Section("zh", "stages")
"""Pipeline stages as a Chinese reader names them."""


ID_CELLS = frozenset(
    {"indicator", "group", "parent", "child", "input", "id", "indicator_1", "indicator_2", "node"}
)
"""Columns whose cells hold group or indicator ids: a reader sees their titles under zh."""


def stage_name(stage: str, lang: Language) -> str:
    """A pipeline stage as a reader says it (Chinese under zh, else the id)."""
    return _section(lang, "stages").get(stage, stage)


def titled_rows(
    rows: Iterable[Mapping[str, Any]], lang: Language, nodes: Iterable[Titled]
) -> list[dict[str, Any]]:
    """Rows as a reader sees them under zh: group and indicator ids in `ID_CELLS` columns as
    their titles (an indent before an id is kept; "(index)" as 指数), method names, audit
    flags and true/false (是/否) in Chinese.
    Under en the rows are returned unchanged (as new dicts)."""
    if lang != "zh":
        return [dict(r) for r in rows]
    titles = {n.id: title(n, lang) for n in nodes}
    flags = _section(lang, "flags")

    def cell(key: str, value: Any) -> Any:
        if isinstance(value, bool):
            return tr("yes" if value else "no", lang)
        if not isinstance(value, str):
            return value
        if key in ID_CELLS and value == "(index)":
            return tr("the_index", lang)
        if key == "method":
            return method_name(value, lang)
        if key in ("flag", "flags"):
            return "；".join(flags.get(f, f) for f in value.split("; ")) if value else value
        if key in ID_CELLS and value.strip() in titles:
            return value[: len(value) - len(value.lstrip())] + titles[value.strip()]
        return value

    return [{k: cell(k, v) for k, v in r.items()} for r in rows]


def tr(key: str, lang: Language, **values: object) -> str:
    """The reader-facing text for `key` in `lang`, with `{name}` fields filled in."""
    text = _section(lang, "words")[key]
    return text.format(**values) if values else text


def method_name(name: str, lang: Language) -> str:
    """A method's name as a reader says it: the Chinese name under zh, else the id."""
    return _section(lang, "methods").get(name, name)


def title(node: Titled, lang: Language) -> str:
    """What a reader sees for a group or indicator: ``title_<lang>``, else `title`, else id."""
    return node.titles.get(lang) or node.title or node.id


def column_label(column: str, lang: Language, titles: Mapping[str, str]) -> str:
    """A column's header: a node's title, or the translated name of a fixed column."""
    if column in titles:
        return titles[column]
    if column in _section(lang, "words"):
        return tr(column, lang)
    return column


def as_language(value: str | None) -> Language:
    """A stored language choice (already validated) as the `Language` type; default en."""
    return "zh" if value == "zh" else "en"


def headers(columns: Iterable[str], lang: Language, nodes: Iterable[Titled]) -> dict[str, str]:
    """Header text per column id: node titles, translated fixed columns, the rest unchanged."""
    titles = {n.id: title(n, lang) for n in nodes}
    return {c: column_label(c, lang, titles) for c in columns}
