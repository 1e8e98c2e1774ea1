"""The report's sources table: one row per source the index uses, as its sources file names it.

Each row is one document (a publisher, a title, a link) in the sources file's order: the
publisher and title the file gives (a mirror's host is never shown as the publisher; a value
read on a mirror says "via host" under it), the years, the indicators it gives and how many
values. Only columns the spec's indicators use count. Links are short numbered references
(``[3]``) into a list of the addresses under the table, so neither the screen nor the printed
page has a column of URLs broken four characters wide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from cityindex.model.spec import Spec
from cityindex.render.i18n import Language, title, tr
from cityindex.render.report.method import e, simple_table

WEB_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
"""What the report makes a link: an http(s) URL, whole, without spaces or control characters."""


def is_web_link(url: str) -> bool:
    """Whether `url` may be an ``href``: http or https only, so a ``javascript:`` or ``data:``
    URL in a sources file is shown as text and never followed.

    >>> is_web_link("https://example.org/a?b=1"), is_web_link("javascript:alert(1)")
    (True, False)
    >>> is_web_link(" https://x.org"), is_web_link("java\tscript:x"), is_web_link("HTTP://X.ORG")
    (False, False, True)
    """
    return WEB_LINK.fullmatch(url) is not None


def host(url: str) -> str:
    """The site of a web link without ``www.`` (empty for anything else).

    >>> host("https://www.chinanews.com.cn/cj/1.shtml"), host("javascript:x")
    ('chinanews.com.cn', '')
    """
    if not is_web_link(url):
        return ""
    return (urlparse(url).hostname or "").removeprefix("www.")


def first_clause(note: str) -> str:
    """The note up to its first bracket or sentence end, at most 120 characters (the title of
    a source whose file gives none)."""
    text = note.split(" [", 1)[0]
    for mark in (". ", "; ", "。"):
        if mark in text:
            text = text.split(mark, 1)[0]
    return text if len(text) <= 120 else text[:117] + "…"


@dataclass
class Cited:
    """One source document and what the index takes from it."""

    url: str
    publisher: str
    title: str
    mirror: bool
    years: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    values: int = 0


def cited(rows: Sequence[Mapping[str, str]], spec: Spec) -> list[Cited]:
    """The sources of the columns `spec` uses, one per (url, publisher, title), in file order."""
    used = {i.column for i in spec.indicators()}
    found: dict[tuple[str, str, str], Cited] = {}
    for r in rows:
        column = r.get("column", "")
        if column not in used:
            continue
        url, publisher = r.get("url", ""), r.get("publisher", "").strip()
        name = r.get("title", "").strip() or first_clause(r.get("note", ""))
        entry = found.setdefault(
            (url, publisher, name),
            Cited(url, publisher, name, r.get("mirror", "").lower() in ("true", "yes", "1")),
        )
        year = str(r.get("year", "")).strip()
        if year and year not in entry.years:
            entry.years.append(year)
        if column not in entry.columns:
            entry.columns.append(column)
        entry.values += 1
    return list(found.values())


def _publisher(source: Cited, lang: Language) -> str:
    shown = e(source.publisher) if source.publisher else "—"
    site = host(source.url)
    if source.mirror and site:
        shown += f'<br><span class="note">{e(tr("rp.via", lang, host=site))}</span>'
    return shown


def sources_table(rows: Sequence[Mapping[str, str]], spec: Spec, lang: Language) -> str:
    """The sources the index uses: reference, publisher, title, years, indicators and values;
    then the numbered list of their addresses."""
    sources = cited(rows, spec)
    if not sources:
        return f"<p>{e(tr('n.no_sources', lang))}</p>"
    columns = {i.column: i for i in spec.indicators()}
    sep = "、" if lang == "zh" else ", "
    table_rows: list[list[str]] = []
    links: list[str] = []
    for n, source in enumerate(sources, start=1):
        ref = f"[{n}]"
        if is_web_link(source.url):
            ref = f'<a href="{e(source.url)}" rel="noreferrer">{ref}</a>'
            links.append(
                f'<li id="source-{n}"><a href="{e(source.url)}" rel="noreferrer">'
                f"{e(unquote(source.url))}</a></li>"
            )
        else:
            links.append(f'<li id="source-{n}">{e(source.url) or "—"}</li>')
        names = [title(columns[c], lang) for c in source.columns]
        table_rows.append(
            [
                ref,
                _publisher(source, lang),
                e(source.title),
                e(sep.join(sorted(source.years))),
                e(sep.join(names)),
                str(source.values),
            ]
        )
    head = [
        e(tr(k, lang))
        for k in ("rp.ref", "publisher", "source_title", "year", "indicators_col", "values")
    ]
    total = sum(s.values for s in sources)
    note = f"<p class='note'>{e(tr('n.sources', lang, n=total, m=len(sources)))}</p>"
    table = simple_table(head, table_rows, left=5, cls="sources")
    links_html = f"<h3 id='source-links'>{e(tr('rp.links', lang))}</h3><ol class='links'>"
    return note + table + links_html + "".join(links) + "</ol>"
