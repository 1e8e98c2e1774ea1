"""A report of hostile strings runs only its own script (issue 24, item 2).

`report/hostile.yaml` puts ``<!--<script>``, ``</script><script>…</script>``, quotes, an
``<img onerror>`` and ``=HYPERLINK("x")`` in the index title, group titles and ids, an indicator's
title and unit of measure, the tier labels; `report/hostile.csv` names units the same way (and
one ``__proto__``); `report/hostile.sources.csv` gives ``javascript:``, ``JavaScript:`` and
``data:`` links. Each hostile script, had it run, would set ``document.title`` to ``pwned`` or add
an element with id ``injected``. Headless Chromium loads the page and dumps the DOM after its
scripts ran: the title is the spec's title, no element was added, only http(s) links are links,
every section is there, and the weights script itself did run (it recomputed the ranking).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from cityindex.cli import run
from tests.browser import CHROMIUM, dump_dom

HERE = Path(__file__).parent / "report"
SPEC = HERE / "hostile.yaml"
SECOND_GROUP = "\"'><b id=injected>x</b>"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-report") / "report.html"
    assert run(["report", str(SPEC), "--output", str(out)]) == 0
    return out


def _dom(page: Path, fragment: str = "") -> tuple[str, str]:
    """The DOM after the page's scripts ran, and Chromium's log."""
    done = dump_dom(page, fragment, "--enable-logging=stderr", "--v=0")
    return done.stdout, done.stderr


def _assert_only_its_own_script_ran(dom: str) -> None:
    assert '<title>&lt;!--&lt;script&gt; \'" =HYPERLINK("x")</title>' in dom
    assert "pwned</title>" not in dom
    assert not re.search(r"<(blink|img|iframe)\b", dom)
    assert not re.search(r'<[a-z]+ [^>]*\bid="injected"', dom)  # attributes serialise as id="…"
    for section in ("ranking", "what-if", "charts", "framework", "method", "audit", "sources"):
        assert f'id="{section}"' in dom
    hrefs = re.findall(r'<a href="([^"]*)"', dom)
    assert hrefs, "the https source is still a link"
    assert all(h.startswith("https://") for h in hrefs), hrefs


def test_the_page_source_holds_one_data_block_and_one_script(page: Path) -> None:
    """The hostile ``</script>`` and ``<!--<script>`` never reach the page as markup."""
    text = page.read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", text) == [
        '<script type="application/json" id="ci-data">',
        "<script>",
    ]
    assert text.count("</script>") == 2
    data = text.split('id="ci-data">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(data)
    assert "javascript:alert(1)</li>" in text  # shown, as text, in the list of links
    assert 'href="javascript' not in text.lower()
    assert 'href="data:text' not in text


@needs_chromium
def test_hostile_strings_in_the_report_stay_text_in_chromium(page: Path) -> None:
    dom, log = _dom(page)
    _assert_only_its_own_script_ran(dom)
    assert 'data-weights="2,1"' in dom  # the weights script ran, at the spec's weights
    assert "Uncaught" not in log, log


@needs_chromium
def test_a_fragment_naming_a_hostile_group_moves_only_that_slider(page: Path) -> None:
    dom, log = _dom(page, "#w=" + quote(SECOND_GROUP + ":0", safe=""))
    _assert_only_its_own_script_ran(dom)
    assert 'data-weights="2,0"' in dom
    assert "Uncaught" not in log, log


@needs_chromium
@pytest.mark.parametrize(
    "fragment",
    [
        "#w=%E0%A4%A",  # a broken percent-escape: decodeURIComponent throws
        "#w=x%3C/script%3E:1,%22]:1",  # ids that are no slider's; a selector-breaking quote
        "#w=" + quote(SECOND_GROUP, safe="") + ":-1",  # a negative weight
        "#w=" + quote(SECOND_GROUP, safe="") + ":abc",  # not a number
    ],
)
def test_a_malformed_fragment_is_ignored(page: Path, fragment: str) -> None:
    dom, log = _dom(page, fragment)
    _assert_only_its_own_script_ran(dom)
    assert 'data-weights="2,1"' in dom
    assert "Uncaught" not in log, log
