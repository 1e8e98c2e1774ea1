"""AHP judgements read into matrices and solved, with located issues: `evaluate_ahp`.

Missing pairs are an error unless ``missing: harker``: Harker's method (1987, Math. Modelling
9(11): 837-848) takes the principal eigenvector of the matrix with each missing entry set to
0 and each diagonal entry 1 + (number of missing entries in its row); this equals completing
every missing a_ij by w_i / w_j, and λ_max, CI and CR are those of that completed matrix.
The known judgements must connect all children.

Group AHP (``experts: {name: pairs, ...}``) aggregates individual judgements by their
geometric mean, entry by entry (Aczél & Saaty 1983, J. Math. Psychol. 27(1): 93-102), after
checking each expert's own CR.

The eigenvector arithmetic is `cityindex.methods.ahp_matrix`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from cityindex.errors import Issue, issue
from cityindex.methods.ahp_matrix import (
    MAX_CR,
    PRIORITIES,
    aggregate_judgements,
    ahp_weights,
    harker_complete,
    most_inconsistent_pair,
)
from cityindex.methods.registry import FloatArray


@dataclass(frozen=True)
class AhpResult:
    """Weights from one judgement matrix and its consistency."""

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    matrix: FloatArray
    worst_pair: tuple[str, str, float, float] | None = None
    """(a, b, given a:b, implied w_a / w_b) for the judgement that most breaks consistency."""


def judgement_value(raw: Any) -> float | None:
    """A judgement as a number (text such as '1/3' accepted), or None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(Fraction(raw.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def judgement_matrix(
    pairs: Sequence[Any], ids: Sequence[str], *, key_path: str = ""
) -> tuple[FloatArray, list[Issue]]:
    """The reciprocal matrix of `pairs` over `ids` (NaN where no judgement), and the problems.

    Problems: a malformed pair, an unknown id (with a suggestion), a pair comparing a child
    with itself, a value outside [1/9, 9], and a pair given twice (in either order).
    """
    from cityindex.errors import did_you_mean

    n = len(ids)
    index = {name: i for i, name in enumerate(ids)}
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    problems: list[Issue] = []
    seen: dict[tuple[int, int], int] = {}
    for k, pair in enumerate(pairs):
        where = f"{key_path}[{k}]"
        if not isinstance(pair, list | tuple) or len(pair) != 3:
            problems.append(
                issue(
                    "ahp.pair.malformed",
                    "a judgement is [a, b, value]: a is value times as important as b",
                    key_path=where,
                    expected="[child_a, child_b, 3]",
                    got=repr(pair),
                )
            )
            continue
        first, second, raw = pair
        value = judgement_value(raw)
        unknown = [(p, str(x)) for p, x in enumerate((first, second)) if str(x) not in index]
        for position, name in unknown:
            hint = did_you_mean(name, ids)
            problems.append(
                issue(
                    "ahp.pair.unknown-id",
                    f"'{name}' is not a child of this group; children are: {', '.join(ids)}",
                    key_path=f"{where}[{position}]",
                    expected="one of: " + ", ".join(ids),
                    got=repr(name),
                    hint=hint,
                )
            )
        in_scale = value is not None and 1 / 9 - 1e-9 <= value <= 9 + 1e-9
        if not in_scale:
            problems.append(
                issue(
                    "ahp.pair.value",
                    "a judgement must be a number from 1/9 to 9 (Saaty's scale)",
                    key_path=f"{where}[2]",
                    expected="1..9 or a reciprocal such as 1/3",
                    got=repr(raw),
                )
            )
        if unknown or value is None or not in_scale:
            continue
        i, j = index[str(first)], index[str(second)]
        if i == j:
            problems.append(
                issue(
                    "ahp.pair.self",
                    f"'{first}' is compared with itself",
                    key_path=where,
                    got=repr(pair),
                )
            )
            continue
        key = (min(i, j), max(i, j))
        if key in seen:
            problems.append(
                issue(
                    "ahp.pair.duplicate",
                    f"the pair ({ids[key[0]]}, {ids[key[1]]}) is judged more than once "
                    f"(first at [{seen[key]}])",
                    key_path=where,
                    got=repr(pair),
                )
            )
            continue
        seen[key] = k
        a[i, j] = value
        a[j, i] = 1.0 / value
    return a, problems


def _connected(known: np.ndarray[Any, np.dtype[np.bool_]]) -> bool:
    """Whether the graph of known judgements links every child."""
    n = known.shape[0]
    reached = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(known[i]):
            if int(j) not in reached:
                reached.add(int(j))
                frontier.append(int(j))
    return bool(len(reached) == n)


def _solve(
    a: FloatArray,
    ids: Sequence[str],
    *,
    missing: str,
    key_path: str,
    priority: str = "eigenvector",
) -> tuple[AhpResult | None, list[Issue]]:
    """Weights of one (possibly incomplete) matrix, or the problems preventing them."""
    gaps = np.isnan(a)
    if np.any(gaps):
        absent = [(ids[i], ids[j]) for i, j in zip(*np.nonzero(np.triu(gaps, 1)), strict=True)]
        listed = ", ".join(f"({p}, {q})" for p, q in absent[:5])
        more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
        if missing != "harker":
            return None, [
                issue(
                    "ahp.pairs.missing",
                    f"{len(absent)} pair(s) of children have no judgement: {listed}{more}",
                    key_path=key_path,
                    hint="judge every pair, or set `missing: harker` to complete them by "
                    "Harker's (1987) eigenvector method",
                )
            ]
        if not _connected(~gaps):
            return None, [
                issue(
                    "ahp.pairs.disconnected",
                    "the judgements do not link every child, so Harker's completion is "
                    f"undetermined; missing: {listed}{more}",
                    key_path=key_path,
                )
            ]
        completed = harker_complete(a)
    else:
        completed = a
    w, lam, ci, cr = ahp_weights(completed, priority=priority)
    worst = None
    if len(ids) > 2:
        i, j, implied = most_inconsistent_pair(np.where(gaps, np.nan, completed), w)
        worst = (ids[i], ids[j], float(completed[i, j]), implied)
    return AhpResult(w, lam, ci, cr, completed, worst), []


def _pair_position(pairs: Sequence[Any], a: str, b: str) -> int | None:
    """Where the judgement of (a, b), in either order, is in `pairs`."""
    for k, pair in enumerate(pairs):
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 3
            and {str(pair[0]), str(pair[1])}
            == {
                a,
                b,
            }
        ):
            return k
    return None


def _consistency_issue(
    result: AhpResult, *, who: str, key_path: str, pairs: Sequence[Any] = ()
) -> Issue:
    """The CR > 0.1 problem, naming (and located at) the pair that most breaks consistency."""
    detail = ""
    got = None
    if result.worst_pair is not None:
        a, b, given, implied = result.worst_pair
        k = _pair_position(pairs, a, b)
        if k is not None:
            key_path = f"{key_path}[{k}]"
            got = repr(pairs[k])
        if given < 1:  # show it the way judgements are usually written: the larger first
            a, b, given, implied = b, a, 1 / given, 1 / implied
        detail = (
            f"; the judgement that most breaks consistency is [{a}, {b}, {_fmt(given)}] "
            f"(the weights imply {a}:{b} ≈ {_fmt(implied)})"
        )
    return issue(
        "ahp.inconsistent",
        f"{who}judgements are inconsistent: CR = {result.cr:.3f} > {MAX_CR} "
        f"(λmax = {result.lambda_max:.4f}, CI = {result.ci:.4f}){detail}",
        key_path=key_path,
        got=got,
        hint="revise that judgement, or set `allow_inconsistent: true`",
    )


def _fmt(value: float) -> str:
    """A judgement for a message: 3, 1/3 or 2.47."""
    if value >= 1:
        return f"{value:.3g}"
    inverse = 1 / value
    return f"1/{inverse:.3g}" if abs(inverse - round(inverse)) < 1e-9 else f"{value:.3g}"


@dataclass(frozen=True)
class AhpOutcome:
    """Everything `cityindex weights` shows for an AHP group: the result and each expert's."""

    result: AhpResult | None
    experts: Mapping[str, AhpResult]
    problems: list[Issue]


def evaluate_ahp(
    params: Mapping[str, Any], ids: Sequence[str], *, key_path: str = ""
) -> AhpOutcome:
    """Solve the AHP parameters of one group: weights, λ_max, CI, CR (per expert too).

    Problems are collected, not raised, so a loader can report every one at once. The
    consistency check honours ``allow_inconsistent``.
    """
    pairs = params.get("pairs")
    experts = params.get("experts")
    missing = str(params.get("missing", "error"))
    allow = bool(params.get("allow_inconsistent", False))
    priority = str(params.get("priority") or "eigenvector")
    problems: list[Issue] = []
    if priority not in PRIORITIES:
        problems.append(
            issue(
                "ahp.priority",
                f"priority must be one of: {', '.join(PRIORITIES)}",
                key_path=f"{key_path}.priority" if key_path else "priority",
                got=repr(priority),
            )
        )
        return AhpOutcome(None, {}, problems)
    if (pairs is None) == (experts is None):
        problems.append(
            issue(
                "ahp.judgements",
                "ahp needs either `pairs` (one set of judgements) or `experts` "
                "(a mapping of expert name to pairs), not both or neither",
                key_path=key_path,
            )
        )
        return AhpOutcome(None, {}, problems)
    if pairs is not None:
        path = f"{key_path}.pairs" if key_path else "pairs"
        if not isinstance(pairs, list | tuple):
            problems.append(issue("ahp.pairs.type", "pairs must be a list", key_path=path))
            return AhpOutcome(None, {}, problems)
        a, found = judgement_matrix(pairs, ids, key_path=path)
        problems += found
        if found:
            return AhpOutcome(None, {}, problems)
        result, found = _solve(a, ids, missing=missing, key_path=path, priority=priority)
        problems += found
        if result is not None and result.cr > MAX_CR and not allow:
            problems.append(_consistency_issue(result, who="", key_path=path, pairs=pairs))
        return AhpOutcome(result, {}, problems)
    path = f"{key_path}.experts" if key_path else "experts"
    if not isinstance(experts, Mapping) or not experts:
        problems.append(
            issue("ahp.experts.type", "experts must map expert names to pairs", key_path=path)
        )
        return AhpOutcome(None, {}, problems)
    individual: dict[str, AhpResult] = {}
    matrices = []
    for name, judgements in experts.items():
        where = f"{path}.{name}"
        if not isinstance(judgements, list | tuple):
            problems.append(issue("ahp.pairs.type", "pairs must be a list", key_path=where))
            continue
        a, found = judgement_matrix(judgements, ids, key_path=where)
        problems += found
        if found:
            continue
        result, found = _solve(a, ids, missing=missing, key_path=where, priority=priority)
        problems += found
        if result is None:
            continue
        if result.cr > MAX_CR and not allow:
            problems.append(
                _consistency_issue(
                    result, who=f"expert '{name}': ", key_path=where, pairs=judgements
                )
            )
        individual[str(name)] = result
        matrices.append(result.matrix)
    if problems or not matrices:
        return AhpOutcome(None, individual, problems)
    group = aggregate_judgements(matrices)
    combined, found = _solve(group, ids, missing=missing, key_path=path, priority=priority)
    return AhpOutcome(combined, individual, problems + found)


def consistency_summary(params: Mapping[str, Any], ids: Sequence[str]) -> list[dict[str, Any]]:
    """λmax, CI and CR of an AHP group, for `cityindex weights`: one row per expert (when
    several), then the row used for the weights (``judge`` = "group" or "pairs")."""
    outcome = evaluate_ahp({**params, "allow_inconsistent": True}, ids)
    rows = [
        {"judge": name, "n": len(ids), "lambda_max": r.lambda_max, "ci": r.ci, "cr": r.cr}
        for name, r in outcome.experts.items()
    ]
    if outcome.result is not None:
        judge = "group" if outcome.experts else "pairs"
        r = outcome.result
        rows.append(
            {"judge": judge, "n": len(ids), "lambda_max": r.lambda_max, "ci": r.ci, "cr": r.cr}
        )
    return rows
