"""The script: reads `cityindex score` through a shell pipe and as JSON, and finds the
report's published figures in it."""

from __future__ import annotations

import json
import shlex
import sys

from .shell import Shell, rows


def test_csv_piped_to_head_ends_quietly_with_the_header(user: Shell) -> None:
    """Asked for CSV, or piped without asking: the same header, and nothing on stderr."""
    command = shlex.quote(str(user.executable))
    asked = user.line(f"{command} score --format csv | head -1")
    piped = user.line(f"{command} score | head -1")
    for shown in (asked, piped):
        assert shown.code == 0
        assert shown.err == ""
        assert shown.out.endswith("\n")
        assert len(shown.out.splitlines()) == 1
    assert asked.out.startswith("rank,city,score,")
    assert piped.out == asked.out


def test_csv_holds_the_published_scores_with_integer_ranks(
    user: Shell, published: list[dict[str, str]]
) -> None:
    table = rows(user.ok("score", "--format", "csv").out)
    by_city = {row["city"]: row for row in table}
    for city in published:
        row = by_city[city["unit"]]
        assert row["rank"] == city["rank"]
        assert float(row["score"]) == float(city["score"])
    ranks = [int(row["rank"]) for row in table]  # "1", never "1.0"
    assert ranks == sorted(ranks)


def test_json_parses_and_holds_the_published_scores_and_a_manifest(
    user: Shell, published: list[dict[str, str]]
) -> None:
    shown = user.ok("score", "--format", "json")
    document = json.loads(shown.out)
    results = {row["city"]: row for row in document["results"]}
    for city in published:
        row = results[city["unit"]]
        assert row["rank"] == int(city["rank"])
        assert type(row["rank"]) is int
        assert row["score"] == float(city["score"])
    manifest = document["manifest"]
    assert manifest["spec"]["file"].endswith("ai-city-2024.yaml")
    assert len(manifest["spec"]["sha256"]) == 64
    assert len(manifest["data"]["sha256"]) == 64
    assert isinstance(document["warnings"], list)


def test_csv_piped_into_pandas_reads_as_a_frame_with_whole_number_ranks(
    user: Shell, published: list[dict[str, str]]
) -> None:
    """`cityindex score | python -c 'pandas.read_csv(sys.stdin)'`: the script's own parse,
    nothing but data on stdout, ranks read as integers, the published scores in it."""
    command = shlex.quote(str(user.executable))
    python = shlex.quote(sys.executable)
    script = (
        "import sys, pandas; f = pandas.read_csv(sys.stdin, index_col='city'); "
        "print(f['rank'].dtype, len(f), "
        "' '.join(f'{c}={f.loc[c, \"score\"]:.4f}' for c in ('Beijing', 'Shenzhen', 'Shanghai')))"
    )
    shown = user.line(f"{command} score | {python} -c {shlex.quote(script)}")
    assert shown.code == 0, shown.err
    assert shown.err == ""
    dtype, count, *scores = shown.out.split()
    assert dtype == "int64"
    assert int(count) == 30
    want = {c["unit"]: f"{float(c['score']):.4f}" for c in published}
    assert scores == [f"{c}={want[c]}" for c in ("Beijing", "Shenzhen", "Shanghai")]
