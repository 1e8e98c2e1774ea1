"""Rendering: tables (rich, CSV, JSON, Markdown), xlsx, the HTML report, charts, docs, words.

Layer 6 of 7: turns results into what a person reads; computes nothing the analysis cannot give.
"""
