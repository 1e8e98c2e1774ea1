"""Benchmark: Jenks natural breaks (tiers) against the O(k·n²) programme it replaced.

Run from the repository root: ``python benchmarks/jenks.py [--quick] [--repeats N]``.

Cases:

- ``jenks_<n>_k<k>``: `cityindex.methods.tiers.jenks_breaks` on n seeded scores (a mixture of three
  clusters, rounded to 4 decimals as shown scores are, so ties occur), best of `--repeats`
  after a warm-up.
- ``reference_<n>_k<k>``: the previous Fisher programme (kept in tests/test_tiers.py as the
  reference) on the same scores, timed once; the breaks of both are checked to be equal.
- ``cli_score_<n>``: a whole ``cityindex score`` of a synthetic index of n units (seeded
  log-normal data, not real figures) with and without ``breaks: jenks`` tiers.

``--quick`` skips the reference at 5,000 units (it takes tens of seconds). Prints one line per
case, then ``key=value ...``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT_DIR), str(ROOT_DIR / "benchmarks")]

from uncertainty_asem import best_of  # noqa: E402

from cityindex.methods.tiers import jenks_breaks  # noqa: E402
from tests.test_tiers import reference_jenks_breaks  # noqa: E402

TIERS = "index.scale.tiers={labels: [第一梯队, 第二梯队, 第三梯队], breaks: jenks}"


def scores(n: int, seed: int = 0) -> list[float]:
    """n seeded scores in three clusters, rounded to 4 decimals."""
    rng = np.random.default_rng(seed)
    centre = rng.choice([0.2, 0.5, 0.8], size=n, p=[0.5, 0.35, 0.15])
    return [round(float(v), 4) for v in np.clip(centre + rng.normal(0, 0.08, n), 0, 1)]


def synthetic_index(folder: Path, units: int, indicators: int = 12) -> Path:
    """A synthetic spec + CSV: `units` units, indicators in three equally weighted groups."""
    rng = np.random.default_rng(1)
    data = rng.lognormal(size=(units, indicators))
    names = [f"x{j}" for j in range(indicators)]
    lines = ["unit," + ",".join(names)]
    lines += [f"u{i}," + ",".join(f"{v:.6g}" for v in row) for i, row in enumerate(data)]
    (folder / "synthetic.csv").write_text("\n".join(lines) + "\n")
    index = "index: {id: synthetic, title: Synthetic, data: synthetic.csv, unit: unit, "
    text = [index + "scale: {method: none}}", "groups:"]
    for g, part in enumerate(np.array_split(np.array(names), 3)):
        text += [f"  g{g}:", "    weight: 1", "    indicators:"]
        text += [f"      {name}: {{direction: higher_is_better, weight: 1}}" for name in part]
    path = folder / "synthetic.yaml"
    path.write_text("\n".join(text) + "\n")
    return path


def command_seconds(args: list[str]) -> float:
    """Wall time of one whole `cityindex` command (process start to exit)."""
    return best_of(
        1,
        lambda: subprocess.run(
            [sys.executable, "-m", "cityindex", *args],
            cwd=ROOT_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
        ),
    )


def main() -> None:
    """Run every case and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the reference at 5,000 units")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, float] = {}

    def case(key: str, value: float, note: str = "") -> None:
        figures[key] = value
        print(f"{key:<28} {value:9.3f} s  {note}", flush=True)

    for n in (1000, 2800, 5000):
        x = scores(n)
        for k in (3, 5):
            fast = jenks_breaks(x, k)
            case(f"jenks_{n}_k{k}", best_of(args.repeats, lambda x=x, k=k: jenks_breaks(x, k)))
            if args.quick and n > 2800:
                continue
            start = time.perf_counter()
            slow = reference_jenks_breaks(x, k)
            case(f"reference_{n}_k{k}", time.perf_counter() - start)
            assert fast == slow, (n, k, fast, slow)
            figures[f"ratio_{n}_k{k}"] = figures[f"reference_{n}_k{k}"] / figures[f"jenks_{n}_k{k}"]
            print(f"{'':<28} ratio {figures[f'ratio_{n}_k{k}']:.0f}x, identical breaks")
    with tempfile.TemporaryDirectory() as tmp:
        spec = str(synthetic_index(Path(tmp), 5000))
        base = ["score", spec, "--format", "csv"]
        case("cli_score_5000", command_seconds(base), "(no tiers)")
        case("cli_score_5000_jenks", command_seconds([*base, "--set", TIERS]), "(jenks tiers)")
    print(" ".join(f"{k}={v:.4g}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
