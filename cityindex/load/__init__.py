"""Loading: YAML specs with positions, CSV data into a Table, files, provenance, shipped data.

Layer 3 of 7: the edges where bytes become the model's objects, and the only place that reads or
writes files (yaml is imported only in `spec_yaml`).
"""
