"""The journalist: writes the Chinese report, and opens the view a colleague shared with her
(``report.html#w=policy:0.6``) in a browser. The ranking she sees there is the one
``cityindex score --set groups.policy.weight=0.6`` prints: same ranks, same tiers, and no city
with a higher score in a lower tier."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .shell import Shell

CHROMIUM = Path("/usr/bin/chromium")
ROW = re.compile(
    r'<tr class="tier-(\d)" data-unit="([^"]+)"><td class="rank" data-rank="\d+">(\d+)</td>'
    r'<td class="t unit">([^<]*)</td><td class="score" data-score="([^"]+)".*?'
    r'<td class="t tier">([^<]*)</td>'
)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_a_shared_view_shows_the_ranking_and_tiers_of_its_weights(user: Shell) -> None:
    shown = user.ok("report", "--lang", "zh", "--output", "报告.html", "--runs", "100")
    assert shown.out == ""
    page = user.cwd / "报告.html"
    profile = user.cwd / "profile"
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri() + "#w=policy:0.6",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shutil.rmtree(profile, ignore_errors=True)
    seen = ROW.findall(done.stdout)
    assert len(seen) == 30
    assert seen[0][3] == "北京"
    inverted = [
        (a[3], b[3])
        for a in seen
        for b in seen
        if float(a[4]) > float(b[4]) and int(a[0]) > int(b[0])
    ]
    assert inverted == []
    printed = user.ok("score", "--set", "groups.policy.weight=0.6", "--format", "csv").out
    expected = {r["city"]: (r["rank"], r["tier"]) for r in csv.DictReader(io.StringIO(printed))}
    assert {unit: (rank, tier) for _, unit, rank, _, _, tier in seen} == expected
    published = {
        r["city"]: r["tier"]
        for r in csv.DictReader(io.StringIO(user.ok("score", "--format", "csv").out))
    }
    assert any(published[unit] != tier for _, unit, _, _, _, tier in seen)
