"""The analyst with her own sheet (issue 23, item 4): a GBK CSV exported from Excel, Chinese
headers, a notes column; `cityindex init` writes a starter spec, `cityindex score` ranks at
once, a flat edit of a direction takes effect, and the page can be written to forward."""

from __future__ import annotations

from .shell import Shell, rows

SHEET = (
    "城市,数字经济规模(亿元),人工智能企业数,PM2.5浓度,备注\n"
    "杭州,5000,900,30,省会\n"
    "宁波,2500,300,25,\n"
    "温州,1500,,38,缺企业数\n"
    "嘉兴,1200,150,33,\n"
)


def test_her_gbk_sheet_scores_in_three_commands(user: Shell) -> None:
    (user.cwd / "own").mkdir()
    (user.cwd / "own" / "浙江.csv").write_bytes(SHEET.encode("gbk"))
    made = user.ok("init", "own/浙江.csv", "-o", "own/浙江.yaml")
    assert "wrote own/浙江.yaml" in made.err
    spec = (user.cwd / "own" / "浙江.yaml").read_text(encoding="utf-8")
    assert 'unit: "城市"' in spec
    assert "备注" in spec  # named as left out, not silently dropped
    first = rows(user.ok("score", "own/浙江.yaml", "--format", "csv").out)
    assert first[0]["城市"] == "杭州"
    assert len(first) == 4
    # she marks pollution as lower-is-better, as the starter's comment asks: the order moves
    # (a header with a dot cannot be an id in a --set path: the starter names it x3)
    edited = spec.replace(
        'column: "PM2.5浓度", title: "PM2.5浓度", direction: higher_is_better',
        'column: "PM2.5浓度", title: "PM2.5浓度", direction: lower_is_better',
    )
    assert edited != spec
    (user.cwd / "own" / "浙江.yaml").write_text(edited, encoding="utf-8")
    second = rows(user.ok("score", "own/浙江.yaml", "--format", "csv").out)
    assert [r["score"] for r in second] != [r["score"] for r in first]
    user.ok("report", "own/浙江.yaml", "-o", "own/report.html")
    assert (user.cwd / "own" / "report.html").stat().st_size > 10_000


def test_init_does_not_replace_her_edited_spec(user: Shell) -> None:
    (user.cwd / "own2").mkdir()
    (user.cwd / "own2" / "d.csv").write_bytes(SHEET.encode("gbk"))
    (user.cwd / "own2" / "d.yaml").write_text("# mine\n", encoding="utf-8")
    refused = user("init", "own2/d.csv", "-o", "own2/d.yaml")
    assert refused.code == 2
    assert "--force" in refused.err
    assert (user.cwd / "own2" / "d.yaml").read_text(encoding="utf-8") == "# mine\n"


FLAT = """\
index:
  id: zhejiang
  data: flat.csv
  unit: 城市
methods:
  normalise: {method: min_max}
indicators:
  digital: {column: "数字经济规模(亿元)", direction: higher_is_better, weight: 2}
  pm25: {column: "PM2.5浓度", direction: lower_is_better, weight: 1}
"""


def test_her_flat_spec_without_groups_scores_as_one_group(user: Shell) -> None:
    """SPSSAU lists indicators with no dimensions; so may her spec (issue 23, item 4)."""
    (user.cwd / "flat").mkdir()
    (user.cwd / "flat" / "flat.csv").write_text(SHEET, encoding="utf-8")
    (user.cwd / "flat" / "flat.yaml").write_text(FLAT, encoding="utf-8")
    grouped = FLAT.replace("indicators:\n", "groups:\n  index:\n    indicators:\n").replace(
        "\n  digital", "\n      digital"
    )
    grouped = grouped.replace("\n  pm25", "\n      pm25")
    (user.cwd / "flat" / "grouped.yaml").write_text(grouped, encoding="utf-8")
    flat = user.ok("score", "flat/flat.yaml", "--format", "csv")
    assert flat.out == user.ok("score", "flat/grouped.yaml", "--format", "csv").out
    # min-max over 1200..5000: 杭州 1, 宁波 1300/3800, 温州 300/3800, 嘉兴 0; pm25 reversed
    # over 25..38: 杭州 8/13, 宁波 1, 温州 0, 嘉兴 5/13; then (2·digital + pm25) / 3
    assert [(r["城市"], round(float(r["score"]), 4)) for r in rows(flat.out)] == [
        ("杭州", 0.8718),
        ("宁波", 0.5614),
        ("嘉兴", 0.1282),
        ("温州", 0.0526),
    ]
    (user.cwd / "flat" / "both.yaml").write_text(grouped + FLAT[FLAT.index("indicators:") :])
    refused = user("score", "flat/both.yaml")
    assert refused.code == 1
    assert "error[spec.indicators.with-groups]" in refused.err
    assert "flat/both.yaml:12:1" in refused.err
