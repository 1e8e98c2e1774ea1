"""`optimise_weights`: COINr's level-wide balanced weights (every weight of one level at once)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from cityindex.api.index import DataLike, Index, SpecLike, as_index
from cityindex.errors import UsageError, issue
from cityindex.load.data import Table
from cityindex.model.spec import Group, Indicator, Spec

if TYPE_CHECKING:
    from cityindex.analysis.optimise_level import LevelOptimum


def parse_target(text: str) -> str | dict[str, float]:
    """``equal``, or ``id=share,id=share,...`` as a mapping (unreadable: `UsageError`)."""
    if text == "equal":
        return text
    out: dict[str, float] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        try:
            out[key.strip()] = float(value) if sep else float("nan")
        except ValueError:
            out[key.strip()] = float("nan")
        if not sep or out[key.strip()] != out[key.strip()]:
            raise UsageError(
                [
                    issue(
                        "usage.target",
                        f"--target: cannot read {part!r}",
                        expected="equal, or id=share pairs separated by commas",
                        got=text,
                        hint="e.g. --target Conn=0.6,Sust=0.4",
                    )
                ]
            )
    return out


def weight_path(spec: Spec, child: str) -> str:
    """The dotted key path of `child`'s weight, as messages and `Spec.location` name it
    (``groups.talent.indicators.cost.weight``; `set_arguments` writes it for ``--set``)."""
    return ".".join(weight_keys(spec)[child])


def weight_keys(spec: Spec) -> dict[str, tuple[str, ...]]:
    """Every node's weight as the keys leading to it in the spec, by node id (whether or not
    the weight is written: an indicator's weight defaults to 1)."""
    keys: dict[str, tuple[str, ...]] = {}

    def visit(node: Group | Indicator, above: tuple[str, ...]) -> None:
        here = (*above, "groups" if isinstance(node, Group) else "indicators", node.id)
        keys[node.id] = (*here, "weight")
        if isinstance(node, Group):
            for child in node.children:
                visit(child, here)

    for group in spec.groups:
        visit(group, ())
    return keys


def set_arguments(spec: Spec, weights: Mapping[str, float]) -> list[str]:
    """``PATH=VALUE`` for each child's new weight, as ``--set`` and ``set=`` read them back:
    a key holding a dot is quoted (``groups."talent.pool".weight=0.7``)."""
    from cityindex.load.spec_overrides import set_path

    keys = weight_keys(spec)
    return [f"{set_path(keys[child])}={w:.12g}" for child, w in weights.items()]


def level_optimum(
    spec: Spec, table: Table, level: int, target: str | Mapping[str, float] = "equal"
) -> LevelOptimum:
    """The balanced weights of one level (what `optimise_weights` and the command build on).

    Raises ValueError when no group has children at `level` or `target` does not fit them.
    """
    from cityindex.analysis.optimise_level import optimise_level
    from cityindex.engine.panel import prepare

    return optimise_level(prepare(spec, table), level, target)


def optimise_weights(
    spec: SpecLike | Index | None = None,
    data: DataLike = None,
    *,
    level: int = 2,
    target: str | Mapping[str, float] = "equal",
    set: Sequence[str] = (),
    year: int | None = None,
) -> pd.DataFrame:
    """Weights of one level that balance each child's correlation with the index.

    Why: equal weights do not give equal influence; COINr's ``get_opt_weights(optype =
    "balance")`` varies every weight of one level (counted as COINr counts: 1 = indicators) at
    once so that each child's share of the correlations with the index meets its target
    (``"equal"``, or a share per child id as a mapping or ``"id=share,..."``; made relative).
    One row per child, indexed by child: parent, weight_before, weight_after, correlation,
    share, target, objective (the mean squared gap f). ``attrs``: level, objective, reached
    (f within tolerance; when no non-negative weights reach the target the rows are the
    closest found, not an error) and ``set``, the ``PATH=VALUE`` overrides applying the
    weights (``score(spec, set=frame.attrs["set"])``).
    """
    from cityindex.analysis.optimise_level import COLUMNS

    idx = as_index(spec, data, set=set, year=year)
    wanted = parse_target(target) if isinstance(target, str) else dict(target)
    try:
        found = level_optimum(idx.spec, idx.table(year=year), level, wanted)
    except ValueError as exc:
        raise UsageError([issue("usage.level", f"level {level}: {exc}")]) from None
    frame = pd.DataFrame(found.rows(), columns=COLUMNS).set_index("child")
    frame.attrs = {
        "level": level,
        "objective": found.objective,
        "reached": found.reached,
        "set": set_arguments(idx.spec, dict(zip(found.children, found.after, strict=True))),
    }
    return frame
