"""The columns of the audit's three tables, shared by the `audit` command and the report."""

INDICATOR_COLUMNS = [
    "indicator",
    "group",
    "availability",
    "n",
    "mean",
    "sd",
    "skewness",
    "kurtosis",
    "outlier",
    "corr_group",
    "corr_index",
    "effective_weight",
    "importance",
    "flags",
]
GROUP_COLUMNS = ["group", "parent", "children", "alpha", "pc1_share", "corr_parent", "corr_index"]
PAIR_COLUMNS = ["group", "indicator_1", "indicator_2", "corr", "flag"]
