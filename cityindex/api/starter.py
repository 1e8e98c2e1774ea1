"""`init`: a starter spec for an analyst's own CSV, ready to score and then to edit."""

from __future__ import annotations

from pathlib import Path

from cityindex.errors import UsageError, issue
from cityindex.load.arguments import path_argument
from cityindex.load.files import check_output, write_atomic
from cityindex.load.starter import starter_spec


def init(
    data: str | Path,
    *,
    output: str | Path | None = None,
    unit: str | None = None,
    encoding: str | None = None,
    title: str | None = None,
    overwrite: bool = False,
) -> str:
    """The starter spec (YAML text) for the CSV `data`; written atomically to `output` if given.

    The unit column is guessed (the first text column with a different value in every row)
    unless `unit` names it; every all-numeric column becomes an indicator of one group with
    equal weights, each `direction` marked for checking (see `cityindex.load.starter`). The
    spec's ``data:`` path is relative to `output`'s folder (else the working folder), so
    ``cityindex score OUTPUT`` runs at once. An existing `output` is never replaced unless
    `overwrite` says so: a starter must not silently overwrite a spec someone has edited.

    >>> import pandas as pd, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> csv = os.path.join(folder, "d.csv")
    >>> pd.DataFrame({"城市": ["甲", "乙"], "GDP": [1, 2]}).to_csv(csv, index=False)
    >>> print(init(csv, output=os.path.join(folder, "d.yaml")).splitlines()[-1].split(",")[0])
          "GDP": {column: "GDP"
    """
    data = path_argument(data, "data")
    output = path_argument(output, "output") if output is not None else None
    spec_dir = Path(output).parent if output is not None else Path(".")
    starter = starter_spec(data, spec_dir=spec_dir, unit=unit, encoding=encoding, title=title)
    if output is not None:
        target = Path(output)
        if target.exists() and not overwrite:
            raise UsageError(
                [
                    issue(
                        "usage.output.exists",
                        f"{target} exists: init does not replace a spec",
                        hint="choose another --output, or pass --force to replace it",
                    )
                ]
            )
        check_output(target)
        write_atomic(target, starter.text)
    return starter.text
