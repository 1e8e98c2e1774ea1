"""The engine: `compute(spec, table) -> IndexResult`, the stages it runs, panels of years.

Layer 4 of 7: pure orchestration of the method kernels over arrays; no files, no terminal.
"""
