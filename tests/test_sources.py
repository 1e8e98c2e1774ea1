"""`cityindex sources`: every value of an index with the page it was read from."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cityindex.cli import run
from cityindex.errors import DataError
from cityindex.load.provenance import PROVENANCE_FIELDS, load_sources, sources_path
from cityindex.load.shipped import default_spec

ROOT = Path(__file__).parents[1]

HAND_SOURCES = """\
unit,column,value,year,url,note
A,x1,10,2024,https://example.org/x1,first indicator
B,x1,20,2024,https://example.org/x1,first indicator
C,x1,30,2024,https://example.org/x1,first indicator
D,x1,40,2024,https://example.org/x1,first indicator
A,x2,5,2023,https://example.org/x2,"PROXY, all sectors"
B,x2,10,2023,https://example.org/x2,"PROXY, all sectors"
C,x2,20,2023,https://example.org/x2,"PROXY, all sectors"
D,x2,5,2023,https://example.org/x2,"PROXY, all sectors"
A,x3,4,2024,https://example.org/x3,"source says 超4, lower bound"
B,x3,2,2024,https://example.org/x3,third
C,x3,0,2024,https://example.org/x3,third
D,x3,8,2024,https://example.org/x3,third
"""


@pytest.fixture
def sourced(hand: Path) -> Path:
    """The hand-worked spec with a sources file for all 12 of its values."""
    (hand.parent / "data.sources.csv").write_text(HAND_SOURCES, encoding="utf-8")
    return hand


def test_the_sources_file_sits_next_to_the_data_file_with_sources_before_csv() -> None:
    assert sources_path("data/cities-2024.csv") == Path("data/cities-2024.sources.csv")
    assert sources_path(Path("/a/b/x.CSV")) == Path("/a/b/x.sources.csv")


def test_sources_lists_every_value_with_year_url_and_note(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sources", str(sourced), "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 12
    assert list(rows[0]) == list(PROVENANCE_FIELDS)
    first = rows[0]
    assert (first["unit"], first["indicator"], first["value"]) == ("A", "x1", "10")
    assert first["url"] == "https://example.org/x1"
    assert {r["year"] for r in rows if r["indicator"] == "x2"} == {"2023"}


def test_unit_and_indicator_options_filter_the_rows(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sources", str(sourced), "--unit", "B", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [(r["indicator"], r["value"]) for r in payload["results"]] == [
        ("x1", "20"),
        ("x2", "10"),
        ("x3", "2"),
    ]
    assert run(["sources", str(sourced), "--indicator", "x3", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["unit"] for r in rows] == ["A", "B", "C", "D"]
    assert rows[0]["note"] == "source says 超4, lower bound"


def test_an_empty_cell_is_not_listed(sourced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sourced.parent / "data.csv"
    data.write_text(data.read_text().replace("C,30,20,0", "C,30,,0"))
    assert run(["sources", str(sourced), "--unit", "C", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["indicator"] for r in rows] == ["x1", "x3"]


def test_a_value_whose_source_records_another_value_says_no_source(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sourced.parent / "data.csv"
    data.write_text(data.read_text().replace("D,40,5,8", "D,41,5,8"))
    assert run(["sources", str(sourced), "--unit", "D", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert rows[0]["url"] == ""
    assert rows[0]["note"] == "NO SOURCE: the sources file records '40', not this value"


def test_an_absent_sources_file_is_a_clear_error(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sources", str(hand)]) == 1
    err = capsys.readouterr().err
    assert "sources.file.not-found" in err
    assert "data.sources.csv does not exist" in err


def test_an_unknown_unit_is_a_usage_error_listing_the_units(
    sourced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sources", str(sourced), "--unit", "a"]) == 2
    assert "one of: A, B, C, D" in capsys.readouterr().err


def test_panel_sources_match_the_selected_year(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hand.parent / "data.csv").write_text(
        "year,unit,x1,x2,x3\n2023,A,1,2,3\n2023,B,2,3,4\n2024,A,10,5,4\n2024,B,20,10,2\n"
    )
    (hand.parent / "data.sources.csv").write_text(
        "unit,column,value,year,url,note,panel_year\n"
        "A,x1,1,2022,https://old.example,edition 2023,2023\n"
        "A,x1,10,2023,https://new.example,edition 2024,2024\n"
    )
    assert run(["sources", str(hand), "--year", "2023", "--unit", "A", "-f", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert (rows[0]["value"], rows[0]["url"]) == ("1", "https://old.example")
    assert rows[1]["note"] == "NO SOURCE"


def test_a_sources_file_without_a_url_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.sources.csv"
    path.write_text("unit,column,value,year,note\nA,x1,1,2024,n\n")
    with pytest.raises(Exception, match="lacks column"):
        load_sources(path)


def test_every_hangzhou_value_of_the_default_index_has_a_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["sources", "--unit", "Hangzhou", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    spec_text = default_spec().read_text(encoding="utf-8")
    with (ROOT / "data" / "cities-2024.csv").open(encoding="utf-8") as f:
        hangzhou = next(r for r in csv.DictReader(f) if r["city"] == "Hangzhou")
    used = [c for c, v in hangzhou.items() if v and f"column: {c}," in spec_text]
    assert sorted(r["column"] for r in rows) == sorted(used)
    assert all(r["url"].startswith("http") for r in rows)


ORIGIN_HEADER = "unit,column,value,year,publisher,title,published,url,mirror,note"


def _with_origins(hand: Path, rows: list[str]) -> None:
    (hand.parent / "data.sources.csv").write_text(
        "\n".join([ORIGIN_HEADER, *rows]) + "\n", encoding="utf-8"
    )


def test_publisher_title_and_mirror_are_shown_before_the_link(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_origins(
        hand,
        [
            "A,x1,10,2024,Xinhua (新华社),Report on x,2024-05-01,https://mirror.example/x,true,n",
            "A,x2,5,2024,CNIPA,Yearbook table 6-4,2024,https://cnipa.example/t,false,n",
        ],
    )
    assert run(["sources", str(hand), "--unit", "A", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(r["publisher"], r["title"], r["mirror"]) for r in rows[:2]] == [
        ("Xinhua (新华社)", "Report on x", "true"),
        ("CNIPA", "Yearbook table 6-4", "false"),
    ]
    header = list(rows[0])
    assert header.index("publisher") < header.index("title") < header.index("url")


def test_an_original_is_preferred_to_a_mirror_of_the_same_value(
    hand: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_origins(
        hand,
        [
            "A,x1,10,2024,Xinhua,Report,2024,https://mirror.example/x,true,copy",
            "A,x1,10,2024,Xinhua,Report,2024,https://xinhua.example/x,false,original",
        ],
    )
    assert run(["sources", str(hand), "--unit", "A", "--indicator", "x1", "-f", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert (rows[0]["url"], rows[0]["mirror"]) == ("https://xinhua.example/x", "false")


def test_a_mirror_flag_that_is_not_true_or_false_is_located(tmp_path: Path) -> None:
    path = tmp_path / "x.sources.csv"
    path.write_text(ORIGIN_HEADER + "\nA,x1,1,2024,P,T,2024,https://e.org,maybe,n\n")
    with pytest.raises(DataError) as caught:
        load_sources(path)
    (problem,) = caught.value.issues
    assert problem.code == "sources.mirror.invalid"
    assert problem.location is not None
    assert problem.location.line == 2


def test_every_shenzhen_value_of_the_default_index_names_its_publisher_and_title(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["sources", "--unit", "Shenzhen", "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) >= 10
    assert all(r["publisher"] and r["title"] and r["url"].startswith("http") for r in rows)
    assert {r["mirror"] for r in rows} <= {"true", "false"}
