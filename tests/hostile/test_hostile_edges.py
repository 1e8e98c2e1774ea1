"""Edges found by the break-it run of issue 24, each tried on the installed `cityindex` command.

A year that would wrap, a published score written ``1`` beside ``0.7449``, a unit listed twice
in a published result, `--set` lines that could not be pasted back: each ends in a located
error (exit 1 or 2) or in the right result, never a silent wrong one or a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from pathlib import Path

import pytest

import cityindex
from cityindex import DataError
from tests.journeys.shell import Shell, Shown, assert_no_traceback, installed_cityindex

HERE = Path(__file__).parent


@pytest.fixture
def sh(tmp_path: Path) -> Shell:
    """A terminal in a folder holding the hostile base spec and data."""
    for name in ("base.yaml", "base.csv"):
        (tmp_path / name).write_bytes((HERE / name).read_bytes())
    return Shell(tmp_path, installed_cityindex())


def refused(shown: Shown, code: str, status: int = 1) -> str:
    """The error text of a refusal with `code` and exit `status`, no traceback."""
    assert shown.code == status, shown.err
    assert f"error[{code}]" in shown.err, shown.err
    assert_no_traceback(shown)
    return shown.err


# ------------------------------------------------------------------ 1. a year that would wrap

PANEL = """city,year,researchers,cost,plans
Beijing,2023,120,9,4
Shanghai,2023,100,10,3
Shenzhen,2023,80,8,5
Hangzhou,{year},60,6,2
Beijing,2024,121,9,4
Shanghai,2024,101,10,3
Shenzhen,2024,81,8,5
Hangzhou,2024,61,6,2
"""


@pytest.mark.parametrize("year", ["99999999999999999999", "-2023", "0", "20230", "999"])
def test_a_panel_year_outside_four_digits_is_refused_with_its_row_and_column(
    sh: Shell, year: str
) -> None:
    """Before: 99999999999999999999 wrapped to a negative int64 year, Hangzhou's 2023 row
    vanished and `score --year 2023` ranked three cities with exit 0."""
    (sh.cwd / "panel.csv").write_text(PANEL.format(year=year))
    for args in ((), ("--year", "2023")):
        err = refused(
            sh("score", "base.yaml", "--data", "panel.csv", *args), "data.year.out-of-range"
        )
        assert f"row 5: {year} in column 'year' is not a year from 1000 to 9999" in err
        assert "--> panel.csv:5" in err
        assert "key path: year" in err
        assert "expected: a whole year from 1000 to 9999, e.g. 2024" in err
        assert "hint: the 'year' column holds each row's year" in err


def test_four_digit_years_still_make_a_panel(sh: Shell) -> None:
    (sh.cwd / "panel.csv").write_text(PANEL.format(year="2023"))
    shown = sh.ok("score", "base.yaml", "--data", "panel.csv", "--year", "2023", "-f", "csv")
    scores = {r["city"]: r["score"] for r in csv.DictReader(io.StringIO(shown.out))}
    assert scores == {
        "Beijing": "1.0000",
        "Shenzhen": "0.9565",
        "Hangzhou": "0.5217",
        "Shanghai": "0.5217",
    }


# ------------------------------------------------- 2. the published precision, one rule for all

# The shipped index reproduces the 2024 report's top three (Beijing 1.0000, Shenzhen 0.7449,
# Shanghai 0.6266); the report's top score written `1` is the same number at the same precision.
SEED = "seeds/ai-city-competitiveness-2024.csv"
SPEC = "indicators/ai-city-2024.yaml"


@pytest.fixture
def checkout(tmp_path: Path) -> Shell:
    from tests.journeys.shell import copy_checkout

    return Shell(copy_checkout(tmp_path), installed_cityindex())


def test_a_top_score_written_1_is_reproduced_by_check_and_by_calibrate(checkout: Shell) -> None:
    """Before: `check` said reproduced, `calibrate` exited 1 with calibrate.no-fit ("another
    unit would rank above a published one"): the loose tolerance of `1` (0 decimals, ±0.5)
    pushed the ceiling for unlisted units to -0.37."""
    (checkout.cwd / "one.csv").write_text(
        "unit,score,rank\nBeijing,1,1\nShenzhen,0.7449,2\nShanghai,0.6266,3\n"
    )
    checked = checkout.ok("check", SPEC, "--against", "one.csv", "-f", "json")
    assert '"reproduced": true' in checked.out
    fitted = checkout.ok("calibrate", SPEC, "--target", "one.csv", "-f", "csv")
    assert "published scores reproduced" in fitted.err
    as_written = checkout.ok("calibrate", SPEC, "--target", SEED, "-f", "csv")
    assert fitted.out == as_written.out
    # An explicit digits column may give the top score no decimals: the ceiling for unlisted
    # units comes from the lowest published unit's own precision, so the fit still holds.
    (checkout.cwd / "digits.csv").write_text(
        "unit,score,rank,digits\nBeijing,1,1,0\nShenzhen,0.7449,2,4\nShanghai,0.6266,3,4\n"
    )
    assert checkout.ok("calibrate", SPEC, "--target", "digits.csv", "-f", "csv").out == fitted.out


def test_the_published_precision_is_the_most_decimals_in_the_column(tmp_path: Path) -> None:
    """`1` beside `0.7449` is `1.0000`: a computed 1.00004 still rounds to it, 1.0001 does
    not (with 0 decimals both would pass); the same rule for a CSV and a frame."""
    import pandas as pd

    from cityindex.api import published_reference
    from cityindex.load.seeds import load_reference

    path = tmp_path / "ref.csv"
    path.write_text("unit,score,rank\nA,1,1\nB,0.7449,2\nC,,3\n")
    reference = load_reference(path)
    assert reference.decimals == (4, 4, 4)
    assert reference.tolerance().tolist() == pytest.approx([5e-5] * 3)
    frame = pd.DataFrame({"unit": ["A", "B"], "score": [1.0, 0.7449]})
    assert published_reference(frame, ["A", "B"]).decimals == (4, 4)


def test_a_digits_column_gives_each_row_its_own_precision(tmp_path: Path) -> None:
    from cityindex.load.seeds import load_reference

    path = tmp_path / "ref.csv"
    path.write_text("unit,score,rank,digits\nA,1,1,0\nB,0.74,2,2\nC,,3,\n")
    assert load_reference(path).decimals == (0, 2, 0)
    path.write_text("unit,score,rank,digits\nA,1,1,many\nB,0.74,2,-1\n")
    with pytest.raises(DataError) as caught:
        load_reference(path)
    issues = caught.value.issues
    assert [i.code for i in issues] == ["reference.digits", "reference.digits"]
    assert [str(i.location) for i in issues] == [f"{path}:2", f"{path}:3"]
    assert "row 2: digits 'many' is not a number of decimals" in issues[0].message


def test_a_unit_listed_twice_in_a_published_result_is_refused_by_check_and_calibrate(
    checkout: Shell,
) -> None:
    """Before: `check` counted Shenzhen twice (n = 4 units, Spearman over a repeated unit)."""
    (checkout.cwd / "twice.csv").write_text(
        "unit,score,rank\nBeijing,1.0000,1\nShenzhen,0.7449,2\nShanghai,0.6266,3\n"
        "Shenzhen,0.7449,2\n"
    )
    for command in ("check", "calibrate"):
        option = "--against" if command == "check" else "--target"
        err = refused(checkout(command, SPEC, option, "twice.csv"), "reference.unit.duplicate")
        assert "unit 'Shenzhen' appears twice in twice.csv (rows 3 and 5)" in err
        assert "--> twice.csv:5" in err
    import pandas as pd

    frame = pd.DataFrame({"unit": ["A", "B", "A"], "score": [1.0, 0.5, 1.0]})
    with pytest.raises(DataError, match=r"unit 'A' appears twice in the published frame"):
        cityindex.check(HERE / "base.yaml", frame)


# --------------------------------------------------- 3. --set lines that paste back as printed

DOTTED = """index:
  id: dotted
  title: Dotted ids
  data: dotted.csv
  unit: city
  scale: {method: relative_to_max, digits: 4}
groups:
  talent.pool:
    weight: 1
    indicators:
      researchers: {direction: higher_is_better}
      cost.index: {direction: lower_is_better, column: cost}
  policy:
    weight: 1
    indicators:
      plans: {direction: higher_is_better}
      funds: {direction: higher_is_better}
"""
DOTTED_DATA = """city,researchers,cost,plans,funds
Beijing,120,9,4,10
Shanghai,100,10,3,12
Shenzhen,80,8,5,7
Hangzhou,60,6,2,9
Wuhan,50,5,3,3
Chengdu,40,7,1,5
"""
# Level 1 (indicators) reaches these shares: the closest to equal that non-negative weights give.
SHARES = "researchers=0.2101365,cost.index=0.2411173,plans=0.2738792,funds=0.2748671"


@pytest.fixture
def dotted(tmp_path: Path) -> Shell:
    (tmp_path / "dotted.yaml").write_text(DOTTED)
    (tmp_path / "dotted.csv").write_text(DOTTED_DATA)
    return Shell(tmp_path, installed_cityindex())


def pasted(shown: Shown) -> list[str]:
    """The words of every `--set` line printed on stderr, as a shell reads them pasted."""
    lines = [line for line in shown.err.splitlines() if line.startswith("--set ")]
    assert lines, shown.err
    return [word for line in lines for word in shlex.split(line)]


def effective(sh: Shell, *args: str) -> dict[str, float]:
    """Each indicator's effective weight, as `cityindex weights` prints it."""
    shown = sh.ok("weights", "dotted.yaml", "-f", "csv", *args)
    return {
        r["indicator"]: float(r["effective_weight"]) for r in csv.DictReader(io.StringIO(shown.out))
    }


@pytest.mark.parametrize(
    ("level", "target", "printed"),
    [
        (
            2,
            "equal",
            [
                "--set 'groups.\"talent.pool\".weight=0.708989224253'",
                "--set groups.policy.weight=0.291010775747",
            ],
        ),
        (
            1,
            SHARES,
            [
                "--set 'groups.\"talent.pool\".indicators.researchers.weight=0.107863549331'",
                '--set \'groups."talent.pool".indicators."cost.index".weight=0.892136450669\'',
                "--set groups.policy.indicators.plans.weight=0.271458659758",
                "--set groups.policy.indicators.funds.weight=0.728541340242",
            ],
        ),
    ],
)
def test_every_printed_set_line_pastes_back_into_score_and_takes_effect(
    dotted: Shell, level: int, target: str, printed: list[str]
) -> None:
    """Before: level 2 printed ``--set groups.talent.pool.weight=…`` (spec.set.unknown-path
    when pasted) and level 1 ``groups.researchers.weight`` for an indicator whose weight the
    spec leaves to its default (also refused)."""
    found = dotted.ok(
        "optimise-weights", "dotted.yaml", "--level", str(level), "--target", target, "-f", "csv"
    )
    assert [line for line in found.err.splitlines() if line.startswith("--set")] == printed
    words = pasted(found)
    assert dotted.ok("score", "dotted.yaml", "-f", "csv", *words).code == 0
    before, after = effective(dotted), effective(dotted, *words)
    if level == 2:  # talent.pool's indicators get 0.709 of the index, shared equally
        assert after["researchers"] == pytest.approx(0.708989224253 / 2, abs=1e-9)
        assert after["plans"] == pytest.approx(0.291010775747 / 2, abs=1e-9)
    else:  # within each group, the indicators' weights as printed
        assert after["researchers"] == pytest.approx(0.107863549331 / 2, abs=1e-9)
        assert after["cost.index"] == pytest.approx(0.892136450669 / 2, abs=1e-9)
        assert after["funds"] == pytest.approx(0.728541340242 / 2, abs=1e-9)
    assert after != before
    library = cityindex.optimise_weights(
        dotted.cwd / "dotted.yaml", level=level, target=target
    ).attrs["set"]
    assert library == [w.removeprefix("--set ") for w in words if w != "--set"]


def test_an_unclosed_quote_in_a_set_path_is_a_usage_error(dotted: Shell) -> None:
    err = refused(
        dotted("score", "dotted.yaml", "--set", 'groups."talent.pool.weight=1'),
        "usage.set.syntax",
        2,
    )
    assert "a double quote in its path is not closed" in err


# ------------------------------------------------------- 4 and 7. sources: malformed urls, order

SOURCES_HEAD = "unit,column,value,year,url,note,publisher,title,published,mirror\n"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("https://example.org:99999/a", "Port out of range 0-65535"),
        ("http://[zz]/", "'zz' does not appear to be an IPv4 or IPv6 address"),
    ],
)
def test_a_url_that_does_not_split_is_refused_with_its_row_by_every_reader(
    sh: Shell, url: str, why: str
) -> None:
    """Before: `report` exited 3 (internal error: ValueError: Invalid IPv6 URL)."""
    (sh.cwd / "base.sources.csv").write_text(
        SOURCES_HEAD
        + "Shanghai,researchers,100,2024,https://example.org/a,fine,P,T,2024-01-01,false\n"
        + f"Beijing,researchers,120,2024,{url},bad,P,T,2024-01-01,false\n"
    )
    for args in (("sources", "base.yaml"), ("report", "base.yaml", "-o", "r.html")):
        err = refused(sh(*args), "sources.url.malformed")
        assert f"row 3: url '{url}' is not a readable address ({why})" in err
        assert "--> base.sources.csv:3" in err
        assert "key path: url" in err
    assert not (sh.cwd / "r.html").exists()


def test_a_javascript_url_is_kept_as_text_for_the_report_to_show_unlinked(sh: Shell) -> None:
    (sh.cwd / "base.sources.csv").write_text(
        SOURCES_HEAD + "Beijing,researchers,120,2024,javascript:alert(1),odd,P,T,2024,false\n"
    )
    shown = sh.ok("sources", "base.yaml", "--unit", "Beijing", "-f", "csv")
    assert "javascript:alert(1)" in shown.out


TWO_ORIGINALS = [
    "Beijing,researchers,120,2024,https://b.example.org/x,listed first,B Pub,B,2024-02,false\n",
    "Beijing,researchers,120,2024,https://a.example.org/x,listed second,A Pub,A,2024-01,false\n",
]
OTHERS = [
    "Shanghai,researchers,100,2024,https://s.example.org/x,s,S Pub,S,2024,false\n",
    "Beijing,plans,4,2024,https://m.example.org/x,mirror first,M Pub,M,2024,true\n",
    "Beijing,plans,4,2024,https://o.example.org/x,original second,O Pub,O,2024,false\n",
    "Hangzhou,cost,6,2024,https://h.example.org/x,h,H Pub,H,2024,false\n",
]


def test_sources_follow_the_data_and_the_files_first_original_for_a_value(
    sh: Shell,
) -> None:
    """`cityindex sources` lists values in the data's order (units by name, the spec's
    indicators); of two originals for one value the file's first is shown, and an original
    beats a mirror listed before it. Moving the other rows changes nothing, byte for byte."""
    path = sh.cwd / "base.sources.csv"
    path.write_text(SOURCES_HEAD + "".join(OTHERS[:2] + TWO_ORIGINALS + OTHERS[2:]))
    first = sh.ok("sources", "base.yaml", "-f", "csv").out
    rows = list(csv.DictReader(io.StringIO(first)))
    assert [(r["unit"], r["indicator"]) for r in rows][:4] == [
        ("Beijing", "researchers"),
        ("Beijing", "cost"),
        ("Beijing", "plans"),
        ("Hangzhou", "researchers"),
    ]
    by_value = {(r["unit"], r["indicator"]): r for r in rows}
    assert by_value["Beijing", "researchers"]["publisher"] == "B Pub"
    assert by_value["Beijing", "plans"]["publisher"] == "O Pub"
    assert by_value["Beijing", "plans"]["mirror"] == "false"
    path.write_text(SOURCES_HEAD + "".join(OTHERS[::-1][:2] + TWO_ORIGINALS + OTHERS[::-1][2:]))
    assert sh.ok("sources", "base.yaml", "-f", "csv").out == first
    assert sh.ok("sources", "base.yaml", "-f", "csv").out == first
    path.write_text(SOURCES_HEAD + "".join(OTHERS + TWO_ORIGINALS[::-1]))
    again = sh.ok("sources", "base.yaml", "-f", "csv").out
    assert next(r["publisher"] for r in csv.DictReader(io.StringIO(again))) == "A Pub"
    frame = cityindex.sources(sh.cwd / "base.yaml")
    assert frame.loc[("Beijing", "researchers"), "publisher"] == "A Pub"


# --------------------------------------------------- 5. a standard output that is not UTF-8


def ascii_run(sh: Shell, *args: str, encoding: str = "ascii") -> Shown:
    """`cityindex ARGS…` with ``PYTHONIOENCODING`` set, the output read back as bytes."""
    import os
    import subprocess

    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": encoding}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(sh.executable), *args],
        cwd=sh.cwd,
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
    )
    return Shown(done.returncode, done.stdout.decode(encoding), done.stderr.decode(encoding))


ESCAPED = "standard output's encoding (ascii) cannot write some characters"


@pytest.mark.parametrize(
    "args",
    [
        ("score", "-f", "csv"),
        ("score", "--lang", "zh", "-f", "table", "--top", "3"),
        ("explain", "北京", "-f", "table"),
        ("score", "--lang", "zh", "-f", "json"),
    ],
)
def test_an_ascii_standard_output_gets_escapes_and_one_warning_not_a_crash(
    checkout: Shell, args: tuple[str, ...]
) -> None:
    """Before: exit 3, "internal error: UnicodeEncodeError: 'ascii' codec can't encode"."""
    shown = ascii_run(checkout, *args)
    assert shown.code == 0, shown.err
    assert_no_traceback(shown)
    assert shown.err.count(ESCAPED) == 1
    assert "set PYTHONIOENCODING=utf-8" in shown.err
    assert re.search(r"\\(u[0-9a-f]{4}|x[0-9a-f]{2})", shown.out)  # 北京, 第一梯队, ×
    if "table" in args:  # ASCII borders, no escaped box-drawing characters
        assert re.search(r"^\+-+\+", shown.out, re.MULTILINE)
        assert "\\u2501" not in shown.out


def test_ascii_output_of_plain_ascii_text_is_unchanged_and_files_stay_utf8(
    checkout: Shell,
) -> None:
    plain = ascii_run(checkout, "validate")
    assert plain.code == 0
    assert ESCAPED not in plain.err
    wrote = ascii_run(checkout, "score", "--lang", "zh", "-f", "csv", "-o", "zh.csv")
    assert wrote.code == 0
    assert ESCAPED not in wrote.err
    assert "第一梯队" in (checkout.cwd / "zh.csv").read_text(encoding="utf-8")
    unknown = ascii_run(checkout, "explain", "北京x")
    assert unknown.code == 2
    assert "error[usage.unit.unknown]" in unknown.err
    assert "did you mean '\\u5317\\u4eac'?" in unknown.err


# ------------------------------------------------------------ 6. a header of absurd width


def test_a_million_column_header_is_refused_before_it_is_split(sh: Shell) -> None:
    """Before: 15 s (72 s on a loaded machine) and 1.24 GB of memory, then a list of missing
    columns; now refused from the first line alone."""
    header = "city," + ",".join(f"c{i}" for i in range(1_000_000))
    (sh.cwd / "wide.csv").write_text(header + "\nBeijing" + ",1" * 1_000_000 + "\n")
    err = refused(sh("score", "base.yaml", "--data", "wide.csv"), "data.header.too-wide")
    assert "the header of wide.csv has 1,000,001 columns; the limit is 100,000" in err
    assert "--> wide.csv:1" in err
    assert "A sheet with one column per unit is transposed" in err


def test_the_width_is_read_from_the_first_non_blank_line_only(tmp_path: Path) -> None:
    from cityindex.load.csv_columns import check_header_width
    from cityindex.load.data import load_data

    with pytest.raises(DataError, match=r"has 4 columns; the limit is 3") as caught:
        check_header_width("\n \r\n\ncity,a,b,c\nX,1,2,3\n", "t.csv", limit=3)
    assert str(caught.value.issues[0].location) == "t.csv:4"
    check_header_width("city,a,b\rX,1,2\rY,3,4\r", "cr.csv", limit=3)  # CR ends the header
    rows = "".join(f"U{i},{i}\r" for i in range(150_000))  # 150,000 commas after the header
    path = tmp_path / "cr.csv"
    path.write_text("city,a\r" + rows, newline="")
    assert len(load_data(path, unit="city").units) == 150_000


# ------------------------------- 8. already handled: checked here through the installed command


def test_a_title_with_control_characters_reaches_a_workbook_as_visible_text(sh: Shell) -> None:
    """openpyxl refuses control characters (IllegalCharacterError, exit 3 in the break-it
    run); the workbook holds them escaped, as the terminal shows them."""
    import openpyxl

    spec = (sh.cwd / "base.yaml").read_text()
    bad = 'title: "Bad\\x07title\\x1b]0;pwn\\x07 \\x0b end"'
    (sh.cwd / "ctl.yaml").write_text(spec.replace("title: Hostile-input fixture", bad))
    sh.ok("explain", "Beijing", "ctl.yaml", "-f", "xlsx", "-o", "ctl.xlsx")
    book = openpyxl.load_workbook(sh.cwd / "ctl.xlsx")
    texts = [v for ws in book for row in ws.iter_rows(values_only=True) for v in row]
    assert "Bad\\x07title\\x1b]0;pwn\\x07 \\x0b end" in texts
    assert not any(isinstance(v, str) and "\x07" in v for v in texts)


@pytest.mark.parametrize(("value", "shown"), [("heavy", "'heavy' (text)"), ("[1, 2]", "list")])
def test_a_weight_set_of_text_or_a_list_is_a_located_error_at_the_command(
    sh: Shell, value: str, shown: str
) -> None:
    from tests.test_plan import CSV, SPEC

    (sh.cwd / "toy.csv").write_text(CSV)
    text = SPEC.replace(
        "  equal_top: {capacity: 1, policy: 1}", f"  equal_top: {{capacity: {value}, policy: 1}}"
    )
    (sh.cwd / "toy.yaml").write_text(text)
    err = refused(sh("uncertainty", "toy.yaml", "--runs", "10"), "spec.weight-set.weight")
    assert f"weight set 'equal_top': capacity's weight {shown}" in err
    assert "--> toy.yaml:29:15" in err
