"""Write data/cities-coordinates.csv: longitude and latitude of every city in the data files.

The coordinates come from the `cpca` package (Chinese Province, City and Area recognition,
MIT licence, https://github.com/DQinYuan/chinese_province_city_area_mapper), whose
``cpca/resources/adcodes.csv`` lists every administrative division with its 12-digit code,
name, longitude and latitude. Only that table is read (cpca's matcher is not needed), and
cpca is not a dependency of cityindex: run this script once, by hand, when cities are added::

    python -m venv /tmp/cpca && /tmp/cpca/bin/pip install cpca==0.5.5
    /tmp/cpca/bin/python data/make_coordinates.py

A city is matched by its Chinese name (the ``city_zh`` column) plus 市 at the prefecture level
(code ending in eight zeros: municipalities are their province-level code, other cities their
prefecture code). A city not found is written with empty coordinates, so the report lists it
under the map instead of guessing.
"""

from __future__ import annotations

import csv
import io
from importlib import metadata, resources
from pathlib import Path

HERE = Path(__file__).parent
INPUTS = ("cities-2024.csv", "cities-2024-thin.csv")
OUTPUT = HERE / "cities-coordinates.csv"


def divisions() -> dict[str, tuple[str, str]]:
    """Prefecture-level (and municipality) name -> (longitude, latitude) from cpca."""
    text = resources.files("cpca").joinpath("resources/adcodes.csv").read_text("utf-8")
    out: dict[str, tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"]
        if code.endswith("00000000") and row["name"].endswith("市"):
            out.setdefault(row["name"], (row["longitude"], row["latitude"]))
    return out


def main() -> None:
    """Match every city of the data files and write the coordinates file."""
    found = divisions()
    source = f"cpca {metadata.version('cpca')} resources/adcodes.csv (MIT)"
    rows: list[list[str]] = []
    for name in INPUTS:
        with (HERE / name).open(encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                lon, lat = found.get(rec["city_zh"] + "市", ("", ""))
                rows.append([rec["city"], lon, lat, source if lon else "not found in cpca"])
    rows.sort()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["unit", "longitude", "latitude", "source"])
    writer.writerows(rows)
    OUTPUT.write_text(buf.getvalue(), encoding="utf-8")
    missing = [r[0] for r in rows if not r[1]]
    print(f"wrote {OUTPUT.name}: {len(rows)} units, {len(missing)} not found {missing}")


if __name__ == "__main__":
    main()
