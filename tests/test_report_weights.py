"""The report's weight sliders: the page recomputes exactly what `cityindex score --set` prints.

Headless Chromium (the system /usr/bin/chromium, no browser download) opens the report with a
URL fragment ``#w=policy:0.6`` that moves the policy slider and fires its recomputation; the
DOM it dumps holds every unit's rank and score as the page computed them. They must equal the
CLI's ranks and scores for the same weights to 1e-9, for each aggregation the page handles.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cityindex.cli import run
from cityindex.cli.common import compute_loaded, load
from tests.browser import CHROMIUM, dump_dom

ROW = re.compile(
    r'<tr class="[^"]*" data-unit="([^"]+)"><td class="rank" data-rank="(\d+)">\d+</td>'
    r'<td class="t unit">[^<]*</td><td class="score" data-score="([^"]+)" data-exact="([^"]+)"'
)
POSITIVE = ["methods.normalise={method: min_max, range: [1, 100]}"]
VARIANTS = {
    "arithmetic_mean": [],
    "geometric_mean": [*POSITIVE, "methods.aggregate.method=geometric_mean"],
    "harmonic_mean": [*POSITIVE, "methods.aggregate.method=harmonic_mean"],
    "generalised_mean": [*POSITIVE, "methods.aggregate={method: generalised_mean, p: 2}"],
    # p near 0: Python's geometric limit, which x ** p / (1 / p) in the page once missed (gave 1)
    "generalised_mean_p_tiny": [
        *POSITIVE,
        "methods.aggregate={method: generalised_mean, p: 1e-300}",
    ],
    "generalised_mean_p_negative": [
        *POSITIVE,
        "methods.aggregate={method: generalised_mean, p: -3}",
    ],
    "topsis": ["methods.normalise={method: min_max, range: [0, 1]}", "methods.aggregate=topsis"],
}


@pytest.fixture
def plain_spec(tmp_path: Path) -> Path:
    """The shipped default spec without its uncertainty plan (whose normalisation swap the
    variants' methods would not all accept), data path made absolute."""
    root = Path(__file__).parent.parent
    text = (root / "indicators" / "ai-city-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/cities-2024.csv", str(root / "data" / "cities-2024.csv"))
    text = text[: text.index("\nuncertainty:")] + text[text.index("\ncalibration:") :]
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def browser_table(page: Path, fragment: str) -> dict[str, tuple[int, float, float]]:
    """unit -> (rank, shown score, exact score) as the page computed them after `fragment`."""
    done = dump_dom(page, fragment)
    return {u: (int(r), float(s), float(x)) for u, r, s, x in ROW.findall(done.stdout)}


def cli_table(
    spec: Path, sets: list[str], capsys: pytest.CaptureFixture[str]
) -> dict[str, tuple[int, float]]:
    """unit -> (rank, score) from `cityindex score SPEC --format csv --set …`."""
    capsys.readouterr()
    args = ["score", str(spec), "--format", "csv", *(a for s in sets for a in ("--set", s))]
    assert run(args) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {r["city"]: (int(r["rank"]), float(r["score"])) for r in rows if r["rank"]}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed")
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_moving_the_policy_slider_gives_the_scores_the_cli_prints(
    variant: str, plain_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Policy weight 0.6 instead of the calibrated one: the page's ranks equal the CLI's, its shown
    scores equal the CLI's to 1e-9, and its exact scores equal the library's to 1e-9."""
    sets = VARIANTS[variant]
    page = tmp_path / "report.html"
    args = ["report", str(plain_spec), "--output", str(page)]
    assert run([*args, *(a for s in sets for a in ("--set", s))]) == 0
    moved = [*sets, "groups.policy.weight=0.6"]
    browser = browser_table(page, "#w=policy:0.6")
    cli = cli_table(plain_spec, moved, capsys)
    assert sorted(browser) == sorted(cli)
    assert len(cli) == len(load(plain_spec).table.units)  # every unit is shown and moved
    result = compute_loaded(load(plain_spec, sets=moved), quiet=True)
    exact = result.score_exact if result.score_exact is not None else result.score
    for unit, (rank, score) in cli.items():
        assert browser[unit][0] == rank
        assert abs(browser[unit][1] - score) < 1e-9
        assert abs(browser[unit][2] - float(exact[result.units.index(unit)])) < 1e-9
    nominal = cli_table(plain_spec, sets, capsys)
    assert max(abs(nominal[u][1] - cli[u][1]) for u in cli) > 1e-3  # the slider did move


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed")
def test_without_a_fragment_the_page_shows_the_published_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At the spec's own weights the script leaves every rank and score as published."""
    page = tmp_path / "report.html"
    assert run(["report", "--output", str(page)]) == 0
    browser = browser_table(page, "")
    cli = cli_table(Path(__file__).parent.parent / "indicators" / "ai-city-2024.yaml", [], capsys)
    assert {u: (r, s) for u, (r, s, _) in browser.items()} == cli


def test_methods_the_page_cannot_recompute_hide_the_sliders_and_say_why(tmp_path: Path) -> None:
    """Entropy weights at the top level are not the spec's: no sliders, a sentence instead."""
    page = tmp_path / "report.html"
    spec = Path(__file__).parent.parent / "indicators" / "ai-city-2024-entropy-topsis.yaml"
    assert run(["report", str(spec), "--output", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert 'type="range"' not in text
    assert "<script>" not in text
    assert "top-level weights come from the entropy method" in text
