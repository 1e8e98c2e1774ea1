"""The report's sliders drive everything a reader sees (issue 23, item 1).

Headless Chromium opens the shipped default's report (zh and en) at ``#w=policy:0.6`` and
dumps the DOM after the page script ran. From that DOM: ranks are the whole numbers 1..n
following the shown scores, no unit with a higher score sits in a lower tier, the tiers are
the ones ``cityindex score --set groups.policy.weight=0.6`` prints (natural breaks recomputed),
and the stacked bars stand in rank order with lengths proportional to the new scores. Moving a
slider writes the weights into the address, and that address reopens the same view.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cityindex.cli import run
from tests.browser import CHROMIUM, dump_dom

ROW = re.compile(
    r'<tr class="([^"]*)" data-unit="([^"]+)"><td class="rank" data-rank="(\d+)">([^<]*)</td>'
    r'<td class="t unit">[^<]*</td><td class="score" data-score="([^"]+)" data-exact="([^"]+)">'
    r"([^<]*)</td>.*?<td class=\"t tier\">([^<]*)</td>"
)
BAR = re.compile(
    r'<g class="bar" data-unit="([^"]+)" transform="translate\(0,([\d.]+)\)"[^>]*>(.*?)</g>'
)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


def dom(page: Path, fragment: str = "") -> str:
    """The page's DOM after its scripts ran (no uncaught error in the log)."""
    done = dump_dom(
        page, fragment, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"
    )
    assert "Uncaught" not in done.stderr, done.stderr
    return done.stdout


def rows(text: str) -> list[dict[str, str]]:
    """The ranking table's rows, top to bottom, as the page shows them."""
    keys = ("band", "unit", "data_rank", "rank", "score", "exact", "shown", "tier")
    return [dict(zip(keys, found, strict=True)) for found in ROW.findall(text)]


def bars(text: str) -> dict[str, tuple[float, float, str]]:
    """unit -> (y of its bar, total length of its parts, the score printed beside it)."""
    out = {}
    for unit, y, inner in BAR.findall(text):
        widths = [float(w) for w in re.findall(r'<rect class="part"[^>]* width="([^"]+)"', inner)]
        value = re.search(r'<text class="value"[^>]*>([^<]*)</text>', inner)
        out[unit] = (float(y), sum(widths), value.group(1) if value else "")
    return out


def cli_tiers(sets: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[int, str]]:
    capsys.readouterr()
    assert run(["score", "--format", "csv", *(a for s in sets for a in ("--set", s))]) == 0
    table = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {r["city"]: (int(r["rank"]), r["tier"]) for r in table if r["rank"]}


@pytest.fixture(scope="module", params=["zh", "en"])
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"live-{request.param}") / "report.html"
    assert run(["report", "--lang", request.param, "--output", str(out)]) == 0
    return out


def assert_consistent(
    shown: list[dict[str, str]], drawn: dict[str, tuple[float, float, str]]
) -> None:
    """Ranks 1..n follow the scores, tiers never invert, bars follow ranks and scores."""
    scores = [float(r["score"]) for r in shown]
    assert scores == sorted(scores, reverse=True), "rows stand in score order"
    for r in shown:
        assert re.fullmatch(r"[1-9]\d*", r["rank"]), r["rank"]  # a whole number
        assert int(r["rank"]) == 1 + sum(s > float(r["score"]) for s in scores)
    assert {int(r["rank"]) for r in shown} <= set(range(1, len(shown) + 1))
    assert int(shown[0]["rank"]) == 1
    bands = [int(r["band"].removeprefix("tier-")) for r in shown]
    inversions = [
        (a["unit"], b["unit"])
        for a, ta in zip(shown, bands, strict=True)
        for b, tb in zip(shown, bands, strict=True)
        if float(a["score"]) > float(b["score"]) and ta > tb
    ]
    assert inversions == []
    assert sorted(drawn) == sorted(r["unit"] for r in shown)
    ys = [drawn[r["unit"]][0] for r in shown]
    assert ys == sorted(ys), "bars stand in rank order"
    assert len(set(ys)) == len(ys), "one row each"
    per = [drawn[r["unit"]][1] / float(r["exact"]) for r in shown if float(r["exact"]) > 0]
    assert max(per) - min(per) < 1e-6 * max(per), "bar length ∝ score"
    assert all(drawn[r["unit"]][2] == r["shown"] for r in shown)


@needs_chromium
def test_after_policy_at_0_6_ranks_tiers_and_bars_follow_the_new_scores(
    page: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The published view has 30 rows; at policy 0.6 the tiers are the CLI's for those weights
    (natural breaks of the new scores), which differ from the published tiers."""
    before = rows(dom(page))
    text = dom(page, "#w=policy:0.6")
    after = rows(text)
    assert len(after) == len(before) == 30
    assert_consistent(after, bars(text))
    assert_consistent(before, bars(dom(page)))
    cli = cli_tiers(["groups.policy.weight=0.6"], capsys)
    assert {r["unit"]: (int(r["rank"]), r["tier"]) for r in after} == cli
    published = {r["unit"]: r["tier"] for r in before}
    moved = sorted(u for u, (_, tier) in cli.items() if tier != published[u])
    assert moved, "the fragment changed at least one tier"
    assert 'id="weights-static">' in text  # the note on the radars and map is shown


@needs_chromium
def test_moving_a_slider_writes_the_address_that_reopens_the_same_view(page: Path) -> None:
    """A script appended to a copy of the page moves the policy slider as a reader would (an
    input event); the page writes ``#w=…`` for every group; opening that address gives the
    same ranks, scores and tiers."""
    moved = page.parent / "moved.html"
    mover = (
        "<script>window.addEventListener('load', function () {"
        "var el = document.querySelector('#weights input[data-group=\"policy\"]');"
        "el.value = '0.6'; el.dispatchEvent(new Event('input'));"
        "document.documentElement.dataset.address = location.hash; });</script>"
    )
    moved.write_text(
        page.read_text(encoding="utf-8").replace("</body>", mover + "</body>"), encoding="utf-8"
    )
    text = dom(moved)
    address = re.search(r'data-address="([^"]*)"', text)
    assert address is not None
    fragment = address.group(1)
    groups = re.findall(r'data-group="([^"]+)"', page.read_text(encoding="utf-8"))
    assert fragment.startswith("#w=policy:0.6,")
    assert [part.split(":")[0] for part in fragment[3:].split(",")] == groups
    reopened = rows(dom(page, fragment))
    assert [(r["unit"], r["rank"], r["score"], r["tier"]) for r in reopened] == [
        (r["unit"], r["rank"], r["score"], r["tier"]) for r in rows(text)
    ]
    assert reopened != rows(dom(page))


@needs_chromium
def test_a_fragment_encoded_whole_and_an_unknown_id_are_read_part_by_part(page: Path) -> None:
    """``policy%3A0.6%2Cnope%3A1`` sets policy (the unknown id is ignored): the same view as
    ``#w=policy:0.6``."""
    plain = rows(dom(page, "#w=policy:0.6"))
    encoded = rows(dom(page, "#w=policy%3A0.6%2Cnope%3A1"))
    assert encoded == plain


@needs_chromium
def test_fixed_tier_thresholds_follow_the_sliders_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec whose tiers are fixed thresholds (0.6, 0.3): the page's tiers at policy 0.6 are
    the CLI's."""
    tiers = "index.scale.tiers={labels: [A, B, C], thresholds: [0.6, 0.3]}"
    out = tmp_path / "report.html"
    assert run(["report", "--set", tiers, "--output", str(out)]) == 0
    shown = rows(dom(out, "#w=policy:0.6"))
    cli = cli_tiers([tiers, "groups.policy.weight=0.6"], capsys)
    assert {r["unit"]: (int(r["rank"]), r["tier"]) for r in shown} == cli
    for r in shown:
        expected = "A" if float(r["score"]) >= 0.6 else "B" if float(r["score"]) >= 0.3 else "C"
        assert r["tier"] == expected


@needs_chromium
@pytest.mark.parametrize(
    "sets",
    [
        ["methods.normalise={method: min_max, range: [0, 1]}", "methods.aggregate=topsis"],
        [
            "methods.normalise={method: min_max, range: [1, 100]}",
            "methods.aggregate.method=geometric_mean",
        ],
    ],
    ids=["topsis", "geometric_mean"],
)
def test_natural_break_tiers_follow_the_sliders_under_other_aggregations(
    sets: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TOPSIS closeness and a geometric mean at policy 0.6: the page's ranks and natural-break
    tiers are the CLI's (the default spec without its uncertainty plan, which these methods
    would not all accept)."""
    root = Path(__file__).parent.parent
    text = (root / "indicators" / "ai-city-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/cities-2024.csv", str(root / "data" / "cities-2024.csv"))
    text = text[: text.index("\nuncertainty:")] + text[text.index("\ncalibration:") :]
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "report.html"
    assert (
        run(["report", str(spec), "--output", str(out), *(a for s in sets for a in ("--set", s))])
        == 0
    )
    page = dom(out, "#w=policy:0.6")
    shown = rows(page)
    assert_consistent(shown, bars(page))
    capsys.readouterr()
    moved = [*sets, "groups.policy.weight=0.6"]
    assert (
        run(["score", str(spec), "--format", "csv", *(a for s in moved for a in ("--set", s))]) == 0
    )
    table = csv.DictReader(io.StringIO(capsys.readouterr().out))
    cli = {r["city"]: (int(r["rank"]), r["tier"]) for r in table if r["rank"]}
    assert {r["unit"]: (int(r["rank"]), r["tier"]) for r in shown} == cli
