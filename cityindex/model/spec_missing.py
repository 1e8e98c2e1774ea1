"""The spec's rules for missing data beside the `missing` method: `absent:` and `min_coverage:`.

``absent:`` on an indicator says what absence from its source list means::

    absent: zero                      # a complete list: a unit not on it has 0
    absent: below                     # a top-N list: just below the last listed value (step 1)
    absent: {rule: below, step: 0.5}  # ... with another step

``min_coverage:`` on a group (a share from 0 to 1) stops a unit winning that group by lacking
its data: below that share of the group's indicators (by weight), the unit's missing
indicators there count as the worst normalised value instead of being dropped.
"""

from __future__ import annotations

from typing import Any, cast

from cityindex.errors import describe, did_you_mean
from cityindex.model.spec import ABSENT_RULES, Absent, AbsentRule
from cityindex.model.spec_values import Path_, Tracker, check_keys, finite, yaml11_hint

ABSENT_KEYS = ("rule", "step")
ABSENT_EXAMPLE = "zero, below, or {rule: below, step: 0.5}"


def read_absent(value: Any, path: Path_, t: Tracker) -> Absent | None:
    """`absent: zero | below | {rule: zero | below, step: number > 0}` (None when not given)."""
    if value is None:
        return None
    given = {"rule": value} if isinstance(value, str) else value
    if not isinstance(given, dict):
        t.add(
            "spec.absent.invalid",
            "absent must be a rule name or a mapping with `rule`",
            path,
            expected=ABSENT_EXAMPLE,
            got=describe(value),
        )
        return None
    check_keys(given, ABSENT_KEYS, path, t)
    rule = given.get("rule")
    if rule not in ABSENT_RULES:
        at = path if isinstance(value, str) else (*path, "rule")
        t.add(
            "spec.absent.rule",
            "absent rule must be zero or below",
            at,
            expected=ABSENT_EXAMPLE,
            got=describe(rule) if rule is not None else "nothing",
            hint=did_you_mean(str(rule), ABSENT_RULES) if rule is not None else None,
        )
        return None
    if "step" not in given:
        return Absent(cast(AbsentRule, rule))
    step = given["step"]
    number = isinstance(step, int | float) and not isinstance(step, bool)
    if rule != "below" or not number or finite(step) is None or step <= 0:
        t.add(
            "spec.absent.step",
            "step must be a number > 0" if rule == "below" else "only `rule: below` takes a step",
            (*path, "step"),
            expected="a number > 0, e.g. {rule: below, step: 0.5}",
            got=describe(step),
            hint=yaml11_hint(step) or None,
        )
        return None
    return Absent(cast(AbsentRule, rule), float(step))


def read_min_coverage(value: Any, path: Path_, t: Tracker) -> float | None:
    """`min_coverage: 0.5` on a group: a share from 0 to 1 (None when not given)."""
    if value is None:
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    share = finite(value) if number else None
    if share is None or not 0 <= share <= 1:
        t.add(
            "spec.min_coverage.invalid",
            "min_coverage must be a share from 0 to 1",
            path,
            expected="a number from 0 to 1, e.g. 0.5 (half the group's weight)",
            got=describe(value),
            hint=yaml11_hint(value) or None,
        )
        return None
    return float(share)
