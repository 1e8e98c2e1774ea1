"""The model: the typed spec and its schema checks, the tree, results, references, column names.

Layer 2 of 7 (errors, methods, model, load, engine, analysis, render; then the two faces, api and
cli). It knows the method registry's vocabulary and nothing of files, terminals or pipelines.
"""
