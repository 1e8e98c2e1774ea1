"""Peak memory of the issue's `sensitivity`: 3,000 units × 100 indicators, 13 inputs, N = 1,000.

Run from the repository root: ``python benchmarks/sensitivity_memory.py [--write FOLDER]
[--runs N] [--memory 1GB]``. It writes seeded synthetic data (log-normal values, not real
figures; `uncertainty_asem.synthetic_spec`: three levels, 4 groups of 5 groups of 5
indicators), a plan of 13 uncertain inputs and, unless ``--write`` only writes them, runs the
whole command under ``/usr/bin/time -v`` and prints its seconds and "Maximum resident set
size". With N = 1,000 that is N (13 + 2) = 15,000 runs.

The plan's 13 inputs: weight noise on the top level (1), on the sub-group weights of each of
the 4 top groups (4), on the indicator weights of 6 sub-groups (6); arithmetic vs geometric
mean (1); leave one indicator out (1).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

UNITS, INDICATORS, LEVELS, SEED = 3_000, 100, 3, 0


def plan(spec_text: str) -> dict[str, Any]:
    """13 inputs over the groups of `synthetic_spec`'s three-level tree."""
    top = re.findall(r"^  (g0_\w+):$", spec_text, flags=re.MULTILINE)
    sub = re.findall(r"^      (g2_\w+):$", spec_text, flags=re.MULTILINE)
    noise: list[dict[str, Any]] = [{"level": 3, "fraction": 0.25, "name": "top"}]
    noise += [{"groups": [g], "fraction": 0.25, "name": f"in {g}"} for g in top]
    noise += [{"groups": [g], "fraction": 0.25, "name": f"in {g}"} for g in sub[::3][:6]]
    return {
        "weight_noise": noise,
        "alternatives": [
            {"path": "methods.aggregate.method", "options": ["arithmetic_mean", "geometric_mean"]}
        ],
        "leave_one_out": True,
    }


def write(folder: Path) -> tuple[Path, Path]:
    """The spec, its data and the plan in `folder`: (spec, plan)."""
    import yaml
    from uncertainty_asem import synthetic_spec

    spec = synthetic_spec(folder, UNITS, INDICATORS, LEVELS, seed=SEED)
    the_plan = plan(spec.read_text(encoding="utf-8"))
    inputs = len(the_plan["weight_noise"]) + len(the_plan["alternatives"]) + 1
    assert inputs == 13, inputs
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(the_plan, sort_keys=False), encoding="utf-8")
    return spec, path


def measure(spec: Path, plan_path: Path, runs: int, memory: str | None) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of the whole `cityindex sensitivity` command."""
    command = [sys.executable, "-m", "cityindex", "sensitivity", str(spec)]
    command += ["--plan", str(plan_path), "--runs", str(runs), "--seed", "1", "--format", "csv"]
    command += ["--output", str(spec.parent / "out.csv")]
    command += ["--memory", memory] if memory else []
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"sensitivity failed ({out.returncode}):\n{out.stderr}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    assert found, out.stderr
    return seconds, int(found.group(1)) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="only write spec, data and plan here")
    parser.add_argument("--runs", type=int, default=1000, help="base sample N (default 1000)")
    parser.add_argument("--memory", help="--memory of the command (default: its own, 1GB)")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        print(*write(args.write))
        return
    with tempfile.TemporaryDirectory() as tmp:
        spec, plan_path = write(Path(tmp))
        for _ in range(args.repeats):
            seconds, rss = measure(spec, plan_path, args.runs, args.memory)
            print(f"sensitivity_3000x100_d13_n{args.runs}_s={seconds:.1f} peak_mb={rss / 1e6:.0f}")


if __name__ == "__main__":
    main()
