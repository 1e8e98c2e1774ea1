"""The columns of the audit's three tables, shared by the `audit` command and the report."""

from cityindex.model.output_columns import OUTPUT_COLUMNS

INDICATOR_COLUMNS = list(OUTPUT_COLUMNS["audit indicators"])
GROUP_COLUMNS = list(OUTPUT_COLUMNS["audit groups"])
PAIR_COLUMNS = list(OUTPUT_COLUMNS["audit pairs"])
