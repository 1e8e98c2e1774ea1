"""The analytic hierarchy process (AHP): weights from pairwise judgements, with consistency checks.

A judgement ``[a, b, 3]`` says child ``a`` is 3 times as important as child ``b`` on Saaty's
1-9 scale (any number in [1/9, 9]; ``"1/3"`` may be written as text); the reciprocal
``b : a = 1/3`` is implied and the diagonal is 1. The weights are the principal (Perron)
eigenvector of the judgement matrix A, normalised to sum to 1 (Saaty 1977, J. Math. Psychol.
15(3): 234-281; Saaty 1980, *The Analytic Hierarchy Process*, ch. 2):

    A w = λ_max w,   CI = (λ_max − n) / (n − 1),   CR = CI / RI(n).

RI(n) is Saaty's random index (1980, Table 1.1; as used in most AHP software) for n ≤ 15;
for n > 15 we use Alonso & Lamata's (2006, Int. J. Uncertain. Fuzziness Knowl.-Based Syst.
14(4): 445-459) fit of the mean λ_max of random reciprocal matrices,
λ̄(n) = 2.7699 n − 4.3513, i.e. RI(n) = (1.7699 n − 4.3513) / (n − 1) (1.586 at n = 15,
matching the table's 1.59). CR > 0.1 is inconsistent.

Missing pairs are an error unless ``missing: harker``: Harker's method (1987, Math. Modelling
9(11): 837-848) takes the principal eigenvector of the matrix with each missing entry set to
0 and each diagonal entry 1 + (number of missing entries in its row); this equals completing
every missing a_ij by w_i / w_j, and λ_max, CI and CR are those of that completed matrix.
The known judgements must connect all children.

Group AHP (``experts: {name: pairs, ...}``) aggregates individual judgements by their
geometric mean, entry by entry (Aczél & Saaty 1983, J. Math. Psychol. 27(1): 93-102), after
checking each expert's own CR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from cityindex.errors import Issue, issue
from cityindex.registry import (
    REGISTRY,
    DomainError,
    FloatArray,
    KernelContext,
    Param,
    load_methods,
    register,
    register_check,
)
from cityindex.weights import batch_shape

SAATY_RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
"""Saaty's random index RI(n) for n = 1..15 (Saaty 1980, Table 1.1)."""

MAX_CR = 0.1
"""Saaty's threshold: a consistency ratio above 0.1 means the judgements need revising."""


def random_index(n: int) -> float:
    """RI(n): Saaty's table for n ≤ 15, Alonso & Lamata's (2006) fit above.

    >>> random_index(4), round(random_index(40), 4)
    (0.9, 1.7037)
    """
    if n <= len(SAATY_RANDOM_INDEX):
        return SAATY_RANDOM_INDEX[n - 1]
    return (1.7699 * n - 4.3513) / (n - 1)


def ahp_weights(matrix: FloatArray) -> tuple[FloatArray, float, float, float]:
    """Principal-eigenvector weights of a positive reciprocal matrix, with λ_max, CI and CR.

    >>> w, lam, ci, cr = ahp_weights(np.array([[1.0, 2.0], [0.5, 1.0]]))
    >>> [round(float(v), 6) for v in w], round(lam, 9), round(ci, 9), cr
    ([0.666667, 0.333333], 2.0, 0.0, 0.0)
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n) or n == 0:
        raise ValueError(f"a judgement matrix must be square, got shape {a.shape}")
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("a judgement matrix must have positive finite entries")
    if n == 1:
        return np.ones(1), 1.0, 0.0, 0.0
    values, vectors = np.linalg.eig(a)
    top = int(np.argmax(values.real))
    lam = float(values[top].real)
    w = np.abs(vectors[:, top].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1)
    ci = max(ci, 0.0) if abs(ci) < 1e-12 else ci
    ri = random_index(n)
    cr = ci / ri if ri > 0 else 0.0
    return w, lam, ci, cr


def harker_complete(matrix: FloatArray) -> FloatArray:
    """Fill the missing (NaN) entries of a judgement matrix by Harker's (1987) method.

    The weights are the principal eigenvector of C, where c_ij = a_ij for a known pair, 0 for
    a missing one, and c_ii = 1 + m_i (m_i missing entries in row i); each missing a_ij is then
    w_i / w_j, so the completed matrix has the same principal eigenvector.
    """
    a = np.asarray(matrix, dtype=float)
    missing = np.isnan(a)
    c = np.where(missing, 0.0, a)
    c[np.diag_indices_from(c)] = 1.0 + missing.sum(axis=1)
    values, vectors = np.linalg.eig(c)
    w = np.abs(vectors[:, int(np.argmax(values.real))].real)
    w = w / w.sum()
    out: FloatArray = np.where(missing, w[:, None] / w[None, :], a)
    return out


def most_inconsistent_pair(matrix: FloatArray, weights: FloatArray) -> tuple[int, int, float]:
    """The judgement farthest from what the weights imply: max |ln(a_ij w_j / w_i)|, i < j.

    Saaty (2003, Eur. J. Oper. Res. 145(1): 85-91) revises the judgement with the largest
    ε_ij = a_ij w_j / w_i first. Returns (i, j, w_i / w_j), the last being the ratio that would
    be consistent with the weights.
    """
    a = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    with np.errstate(invalid="ignore"):
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    dev = np.where(np.isnan(dev), -1.0, np.triu(dev, 1))
    i, j = np.unravel_index(int(np.argmax(dev)), dev.shape)
    return int(i), int(j), float(w[i] / w[j])


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


def _judgement_value(raw: Any) -> float | None:
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
        value = _judgement_value(raw)
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
    a: FloatArray, ids: Sequence[str], *, missing: str, key_path: str
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
    w, lam, ci, cr = ahp_weights(completed)
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
    problems: list[Issue] = []
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
        result, found = _solve(a, ids, missing=missing, key_path=path)
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
        result, found = _solve(a, ids, missing=missing, key_path=where)
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
    combined, found = _solve(group, ids, missing=missing, key_path=path)
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


def aggregate_judgements(matrices: Sequence[FloatArray]) -> FloatArray:
    """Entry-wise geometric mean of several experts' judgement matrices (still reciprocal)."""
    stack = np.stack([np.asarray(m, dtype=float) for m in matrices])
    out: FloatArray = np.exp(np.mean(np.log(stack), axis=0))
    return out


def validate_weights_params(
    method: str, params: Mapping[str, Any], ids: Sequence[str], *, key_path: str = ""
) -> list[Issue]:
    """Load-time checks for weight methods with judgements: ``ahp`` and ``combine`` of ``ahp``.

    The YAML loader calls this for each group's weights method with the group's child ids;
    any issue returned (e.g. CR > 0.1) makes ``cityindex validate`` exit 1.
    """
    if method == "ahp":
        return evaluate_ahp(params, ids, key_path=key_path).problems
    if method == "combine":
        load_methods()
        problems: list[Issue] = []
        for k, entry in enumerate(params.get("of") or ()):
            where = f"{key_path}.of[{k}]" if key_path else f"of[{k}]"
            name = entry.get("method") if isinstance(entry, Mapping) else None
            if name not in REGISTRY["weights"]:
                valid = ", ".join(sorted(REGISTRY["weights"]))
                problems.append(
                    issue(
                        "combine.method",
                        f"each entry of `of` needs a weights method; valid: {valid}",
                        key_path=where,
                        got=repr(entry),
                    )
                )
                continue
            assert isinstance(entry, Mapping)
            declared = {p.name for p in REGISTRY["weights"][str(name)].params}
            unknown = sorted(str(key) for key in entry if key != "method" and key not in declared)
            if unknown:
                problems.append(
                    issue(
                        "combine.param",
                        f"'{', '.join(unknown)}' is not a parameter of weights method '{name}'",
                        key_path=where,
                    )
                )
            inner = {key: value for key, value in entry.items() if key != "method"}
            problems += validate_weights_params(str(name), inner, ids, key_path=where)
        mix = params.get("mix")
        count = len(params.get("of") or ())
        if mix is not None and (
            not isinstance(mix, list | tuple)
            or len(mix) != count
            or any(_judgement_value(v) is None or float(v) < 0 for v in mix)
        ):
            problems.append(
                issue(
                    "combine.mix",
                    f"mix must be {count} non-negative numbers, one per method in `of`",
                    key_path=f"{key_path}.mix" if key_path else "mix",
                    got=repr(mix),
                )
            )
        return problems
    return []


def _check(method: str) -> Any:
    """A registry load-time check reporting `validate_weights_params` problems."""

    def check(params: Mapping[str, Any], *, child_ids: Sequence[str]) -> list[Issue]:
        # Issues keep their key path relative to the method block (e.g. ``pairs[2][2]``), so
        # the loader can locate each at the offending pair or value.
        return validate_weights_params(method, params, child_ids)

    return check


register_check("weights", "ahp")(_check("ahp"))
register_check("weights", "combine")(_check("combine"))


@register(
    "weights",
    "ahp",
    params=(
        Param("pairs", "list", None, "judgements [a, b, v]: a is v times as important as b"),
        Param("experts", "mapping", None, "several experts' pairs, aggregated geometrically"),
        Param("allow_inconsistent", "bool", False, "accept CR > 0.1"),
        Param(
            "missing",
            "text",
            "error",
            "unjudged pairs: an error, or completed by Harker's method",
            choices=("error", "harker"),
        ),
    ),
    doc="w = principal eigenvector of the reciprocal judgement matrix (Saaty); "
    "CR = ((λmax − n)/(n − 1)) / RI(n) must be ≤ 0.1; experts combined by geometric mean",
)
def ahp(
    x: FloatArray,
    *,
    fixed: FloatArray | None = None,
    ctx: KernelContext | None = None,
    pairs: Sequence[Any] | None = None,
    experts: Mapping[str, Any] | None = None,
    allow_inconsistent: bool = False,
    missing: str = "error",
    **_: Any,
) -> FloatArray:
    """AHP weights for the group's children (ids from ``ctx.column_ids``); data not used."""
    ids = tuple(ctx.column_ids) if ctx is not None else ()
    if len(ids) != x.shape[-1]:
        raise DomainError("ahp needs the children's ids (ctx.column_ids)", columns=[])
    params = {
        "pairs": pairs,
        "experts": experts,
        "allow_inconsistent": allow_inconsistent,
        "missing": missing,
    }
    outcome = evaluate_ahp(params, ids)
    if outcome.problems or outcome.result is None:
        first = outcome.problems[0] if outcome.problems else None
        raise DomainError(
            first.message if first else "ahp judgements are invalid",
            columns=[],
            hint=first.hint if first else None,
        )
    return np.broadcast_to(outcome.result.weights, batch_shape(x, fixed)).copy()
