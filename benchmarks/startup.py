"""Start-up cost: `cityindex score --format csv` against a bare `python -c "import pandas"`.

The command's floor is the interpreter plus pandas; everything cityindex adds (typer, rich,
YAML, the pipeline, the default index) should cost at most half as much again. Prints the
median wall time of each over several runs, in one run of this script, and the ratio.

Run: python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def wall(cmd: list[str], runs: int) -> float:
    """Median wall-clock seconds of `cmd` over `runs` runs (after one warm-up)."""
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Measure and print both medians and their ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = wall([sys.executable, "-c", "import pandas"], args.runs)
    score = wall([sys.executable, "-m", "cityindex", "score", "--format", "csv"], args.runs)
    print(f"python -c 'import pandas'        median {baseline:.3f} s")
    print(f"cityindex score --format csv      median {score:.3f} s")
    print(f"ratio={score / baseline:.2f} baseline_s={baseline:.3f} score_s={score:.3f}")


if __name__ == "__main__":
    main()
