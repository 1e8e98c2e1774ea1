"""Independent, loop-by-loop implementations of the MCDA formulas, written from the papers.

They deliberately share no code with ``cityindex`` (plain Python floats and loops, the formulas
as printed), so a test comparing the two checks the vectorised kernels against the text.
"""

from __future__ import annotations

import math

Matrix = list[list[float]]

# A 12-unit × 6-indicator example (synthetic figures chosen by hand for the tests, not data
# about real cities). Column 4 ("cost") is lower-is-better.
TWELVE_BY_SIX: Matrix = [
    [120.0, 3.1, 45.0, 0.82, 17.0, 5.5],
    [95.0, 2.4, 61.0, 0.64, 22.0, 4.1],
    [143.0, 4.0, 38.0, 0.91, 12.5, 6.3],
    [88.0, 1.9, 70.0, 0.55, 25.0, 3.8],
    [110.0, 2.8, 52.0, 0.73, 19.5, 5.0],
    [160.0, 3.6, 41.0, 0.88, 14.0, 7.2],
    [101.0, 2.2, 66.0, 0.60, 23.5, 4.4],
    [132.0, 3.3, 47.0, 0.79, 16.0, 5.9],
    [79.0, 1.6, 75.0, 0.49, 28.0, 3.2],
    [150.0, 3.9, 43.0, 0.86, 13.0, 6.8],
    [115.0, 2.6, 58.0, 0.70, 20.5, 4.9],
    [127.0, 3.0, 50.0, 0.77, 18.0, 5.6],
]
TWELVE_BY_SIX_DIRECTION = [1, 1, 1, 1, -1, 1]


def transpose(m: Matrix) -> Matrix:
    return [list(col) for col in zip(*m, strict=True)]


def min_max(m: Matrix, direction: list[int]) -> Matrix:
    """z = (x − min)/(max − min) for benefit, (max − x)/(max − min) for cost columns."""
    cols = []
    for col, d in zip(transpose(m), direction, strict=True):
        lo, hi = min(col), max(col)
        cols.append([(v - lo) / (hi - lo) if d > 0 else (hi - v) / (hi - lo) for v in col])
    return transpose(cols)


def entropy(m: Matrix) -> list[float]:
    """Entropy weights: p = z/Σz, e = −Σ p ln p / ln n (0 ln 0 = 0), w ∝ 1 − e."""
    n = len(m)
    d = []
    for col in transpose(m):
        total = sum(col)
        e = 0.0
        for v in col:
            p = v / total
            if p > 0:
                e -= p * math.log(p)
        d.append(1 - e / math.log(n))
    return [x / sum(d) for x in d]


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def sd(xs: list[float]) -> float:
    mu = mean(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / (len(xs) - 1))


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = mean(xs), mean(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    return num / den


def critic(m: Matrix) -> list[float]:
    """CRITIC: z min-max (as given, columns already oriented), C_j = σ_j Σ_k (1 − r_jk)."""
    z = transpose(min_max(m, [1] * len(m[0])))
    c = [sd(zj) * sum(1 - pearson(zj, zk) for zk in z) for zj in z]
    return [x / sum(c) for x in c]


def topsis(z: Matrix, w: list[float]) -> list[float]:
    """TOPSIS closeness on already-normalised, oriented values z."""
    v = [[wj * x for wj, x in zip(w, row, strict=True)] for row in z]
    best = [max(col) for col in transpose(v)]
    worst = [min(col) for col in transpose(v)]
    out = []
    for row in v:
        dp = math.sqrt(sum((x - b) ** 2 for x, b in zip(row, best, strict=True)))
        dm = math.sqrt(sum((x - b) ** 2 for x, b in zip(row, worst, strict=True)))
        out.append(dm / (dp + dm))
    return out
