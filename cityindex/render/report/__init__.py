"""Reports: one self-contained HTML page (tables, inline SVG charts, method, audit, sources)."""

from cityindex.render.report.build import build_report, chart_data, load_sources

__all__ = ["build_report", "chart_data", "load_sources"]
