"""A data-quality report on the values an index uses: coverage, outliers, flags, provenance.

For the spec's indicators in one data table (one year of a panel):

* **units and years** — the units, the table's panel year, and per indicator the years the
  values refer to (from the sources file);
* **missing cells** per unit and per indicator;
* **outliers** by the treat rule: an indicator fails COINr's default check when
  ``|skew| >= 2`` and ``kurtosis >= 3.5`` (e1071 type 2 / Excel SKEW and KURT, as in
  ``cityindex.methods.treat``; COINr 1.1 ``Treat()``'s defaults, R/treat.R of bluefoxr/COINr); the
  thresholds of the spec's `winsorise` treat method are used when it has one. The units whose
  values winsorising would move are named;
* **flagged values** — values whose source note carries a flag: PROXY, lower bound, approx,
  estimate, RANK, OLD, LATER YEAR (the flags of data/README.md);
* **values without a source** — a non-empty cell with no sources row of the same value and a
  url. These make the report fail (`ok` is False);
* **values resting on a mirror only** — every sources row of the value has ``mirror`` true (its
  url is not on the original publisher's site). A warning, not a failure: the row still names
  the original publisher and title;
* **the class of each value's host** (`cityindex.load.hosts`): publisher, government, news,
  transcription or unrelated, counted per class (a value counts under the best class among its
  sources). A value whose every source is on an **unrelated** host (neither the publisher's
  site, a government site, a recognised news outlet nor a transcription of the official
  document) makes the report fail, like a value without a source.

Without sources (``sources=None``: no sources file, or not asked for) the last three are not
judged: the report says so (`sources_checked` is False) and lists no flagged, unsourced or
mirror-only values, rather than calling every value unsourced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cityindex.load.data import Table
from cityindex.load.hosts import HOST_CLASSES, best_class, classify_url, host_of
from cityindex.load.provenance import Source, provenance_rows, same_value, sources_for_table
from cityindex.methods.impute import fill_absent
from cityindex.methods.registry import FloatArray
from cityindex.methods.treat import winsorise, winsorise_log
from cityindex.model.spec import Indicator, Spec

FLAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("PROXY", re.compile(r"\bPROXY\b")),
    ("lower bound", re.compile(r"\blower bound", re.IGNORECASE)),
    ("approx", re.compile(r"\bapprox", re.IGNORECASE)),
    ("estimate", re.compile(r"\bestimat", re.IGNORECASE)),
    ("RANK", re.compile(r"\bRANK\b")),
    ("OLD", re.compile(r"\bOLD\b")),
    ("LATER YEAR", re.compile(r"\bLATER YEAR\b")),
)

DEFAULT_SKEW = 2.0
DEFAULT_KURTOSIS = 3.5
MIN_JUDGED = 4  # sample kurtosis needs n >= 4; fewer values are not judged (shown as NaN)


def note_flags(note: str) -> list[str]:
    """The flags a source note carries, in the order of `FLAGS`."""
    return [name for name, pattern in FLAGS if pattern.search(note)]


@dataclass(frozen=True)
class DataQualityReport:
    """Every finding of `data_quality`, as rows ready to render."""

    data: str
    year: int | None
    units: list[str]
    indicators: list[str]
    unit_rows: list[dict[str, Any]]
    indicator_rows: list[dict[str, Any]]
    outliers: list[dict[str, Any]]
    flagged: list[dict[str, Any]]
    unsourced: list[dict[str, Any]]
    mirror_only: list[dict[str, Any]]
    sources_checked: bool = True
    hosts: list[dict[str, Any]] = field(default_factory=list)
    unrelated_only: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every value has a source and none rests on unrelated hosts only."""
        return not self.unsourced and not self.unrelated_only

    def sections(self) -> dict[str, Any]:
        """Every section of the report by name: the summary, then each table."""
        return {
            "summary": self.summary(),
            "units": self.unit_rows,
            "indicators": self.indicator_rows,
            "outliers": self.outliers,
            "flagged": self.flagged,
            "unsourced": self.unsourced,
            "mirror_only": self.mirror_only,
            "hosts": self.hosts,
            "unrelated_only": self.unrelated_only,
        }

    def summary(self) -> dict[str, Any]:
        """Counts for a one-line verdict."""
        cells = len(self.units) * len(self.indicators)
        filled = sum(int(r["present"]) for r in self.unit_rows)
        return {
            "data": self.data,
            "year": self.year,
            "units": len(self.units),
            "indicators": len(self.indicators),
            "cells": cells,
            "filled": filled,
            "filled_share": filled / cells if cells else float("nan"),
            "outlier_indicators": len(self.outliers),
            "flagged_values": len(self.flagged),
            "unsourced_values": len(self.unsourced) if self.sources_checked else None,
            "mirror_only_values": len(self.mirror_only) if self.sources_checked else None,
            "unrelated_only_values": len(self.unrelated_only) if self.sources_checked else None,
            "host_classes": {r["host_class"]: r["values"] for r in self.hosts},
            "sources_checked": self.sources_checked,
            "ok": self.ok,
        }


def _thresholds(spec: Spec, ind: Indicator) -> tuple[float, float]:
    choice = ind.methods.get("treat") or spec.methods.get("treat")
    if choice is not None and choice.name == "winsorise":
        return float(choice.params.get("skew", DEFAULT_SKEW)), float(
            choice.params.get("kurtosis", DEFAULT_KURTOSIS)
        )
    return DEFAULT_SKEW, DEFAULT_KURTOSIS


def listed_values(x: FloatArray, indicators: Sequence[Indicator]) -> FloatArray:
    """`x` with each indicator's `absent:` rule applied: a unit not on a source list has a
    value (the list is complete about it), so it counts as present, not missing."""
    if not any(ind.absent is not None for ind in indicators):
        return x
    return fill_absent(
        x,
        rule=[ind.absent.rule if ind.absent else None for ind in indicators],
        step=np.array([ind.absent.step if ind.absent else 1.0 for ind in indicators]),
        direction=np.array([ind.sign for ind in indicators], dtype=float),
    )


def data_quality(spec: Spec, table: Table, sources: Sequence[Source] | None) -> DataQualityReport:
    """The data-quality report for `spec`'s indicators in `table`, with `sources` (None: no
    provenance to check; years, flags and unsourced values are then left out)."""
    indicators = spec.indicators()
    units = list(table.units)
    x = listed_values(table.numeric([i.column for i in indicators]), indicators)
    present = ~np.isnan(x)
    unit_rows = [
        {
            "unit": u,
            "present": int(present[k].sum()),
            "missing": int((~present[k]).sum()),
            "coverage": float(present[k].mean()) if indicators else float("nan"),
            "missing_indicators": " ".join(
                ind.id for j, ind in enumerate(indicators) if not present[k, j]
            ),
        }
        for k, u in enumerate(units)
    ]
    prov = provenance_rows(spec, table, sources) if sources is not None else []
    years: dict[str, set[str]] = {}
    for p in prov:
        if p["year"]:
            years.setdefault(p["indicator"], set()).add(p["year"])
    indicator_rows: list[dict[str, Any]] = []
    outliers: list[dict[str, Any]] = []
    for j, ind in enumerate(indicators):
        col = x[:, [j]]
        skew, kurt = _thresholds(spec, ind)
        judged = int(present[:, j].sum()) >= MIN_JUDGED
        log = winsorise_log(col, skew=skew, kurtosis=kurt) if judged else None
        fails = log is not None and not bool(log.pass0[0])
        row: dict[str, Any] = {
            "indicator": ind.id,
            "column": ind.column,
            "present": int(present[:, j].sum()),
            "missing": int((~present[:, j]).sum()),
            "coverage": float(present[:, j].mean()) if units else float("nan"),
            "years": " ".join(sorted(years.get(ind.id, set()))),
            "skew": float(log.skew0[0]) if log is not None else float("nan"),
            "kurtosis": float(log.kurt0[0]) if log is not None else float("nan"),
            "outlier": fails,
        }
        indicator_rows.append(row)
        if fails and log is not None:
            moved = winsorise(col, skew=skew, kurtosis=kurt, then_log=False)[:, 0]
            changed = [
                units[k] for k in range(len(units)) if present[k, j] and moved[k] != col[k, 0]
            ]
            outliers.append(
                {
                    "indicator": ind.id,
                    "skew": row["skew"],
                    "kurtosis": row["kurtosis"],
                    "winsorised_points": int(log.winsorised[0]),
                    "log_transformed": bool(log.logged[0]),
                    "units": " ".join(changed),
                }
            )
    flagged = [
        {
            "unit": r["unit"],
            "indicator": r["indicator"],
            "value": r["value"],
            "flags": ", ".join(note_flags(r["note"])),
            "note": r["note"],
        }
        for r in prov
        if r["url"] and note_flags(r["note"])
    ]
    mirror_only = [
        {
            "unit": r["unit"],
            "indicator": r["indicator"],
            "value": r["value"],
            "publisher": r["publisher"],
            "title": r["title"],
            "url": r["url"],
        }
        for r in prov
        if r["url"] and r["mirror"] == "true"
    ]
    unsourced = [
        {
            "unit": r["unit"],
            "indicator": r["indicator"],
            "column": r["column"],
            "value": r["value"],
            "reason": r["note"],
        }
        for r in prov
        if not r["url"]
    ]
    classes = host_classes(table, sources or [], prov)
    unrelated_only = [
        {
            "unit": r["unit"],
            "indicator": r["indicator"],
            "value": r["value"],
            "host": host_of(r["url"]),
            "publisher": r["publisher"],
            "title": r["title"],
            "url": r["url"],
        }
        for r, c in zip(prov, classes, strict=True)
        if r["url"] and c == "unrelated"
    ]
    return DataQualityReport(
        data=table.file,
        year=table.year,
        units=units,
        indicators=[i.id for i in indicators],
        unit_rows=unit_rows,
        indicator_rows=indicator_rows,
        outliers=outliers,
        flagged=flagged,
        unsourced=unsourced,
        mirror_only=mirror_only,
        sources_checked=sources is not None,
        hosts=[{"host_class": c, "values": sum(1 for k in classes if k == c)} for c in HOST_CLASSES]
        if sources is not None
        else [],
        unrelated_only=unrelated_only,
    )


def host_classes(table: Table, sources: Sequence[Source], prov: list[dict[str, str]]) -> list[str]:
    """The host class of each provenance row's value: the best class among all its sources
    rows of the same value with a url ("" for a value without a source)."""
    keyed = sources_for_table(sources, table)
    out: list[str] = []
    for r in prov:
        rows = [
            s
            for s in keyed.get((r["unit"], r["column"]), [])
            if s.url and same_value(r["value"], s.value)
        ]
        out.append(best_class(classify_url(s.url, mirror=s.mirror) for s in rows) if rows else "")
    return out
