"""Reading, scoring, validating and the analyses at scale: wall time and peak memory, each in a
subprocess.

Run from the repository root: ``python benchmarks/scale.py [--quick] [--only NAME]``. Each case
runs in a fresh interpreter and reports its seconds (the timed part only) and the process's
peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the whole process: interpreter,
pandas and the data); ``score_ratio`` times whole ``cityindex score`` commands instead, start-up
included, on 1,000 and 100,000 units (the ratio of their medians; target at most 4).
Synthetic, seeded data (log-normal values, not real figures). Ends with one ``key=value …``
line. See benchmarks/README.md for the figures and targets.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CASES: dict[str, str] = {
    "read_csv": """
table = cityindex.load.data.load_data(DIR / "wide.csv", unit="city")
values = table.numeric(["x1", "x2"])
assert values.shape == (ROWS, 2)
""",
    "score": """
import cityindex
frame = cityindex.score(str(DIR / "spec.yaml"))
assert len(frame) == ROWS
""",
    "score_cli": """
from cityindex.cli import run
args = ["score", str(DIR / "spec.yaml"), "--format", "csv", "--output", str(DIR / "s.csv")]
assert run(args) == 0
""",
    "score_xlsx": """
from cityindex.cli import run
assert run(["score", str(DIR / "spec.yaml"), "--output", str(DIR / "s.xlsx")]) == 0
""",
    "uncertainty": """
from cityindex.cli import run
args = ["uncertainty", str(DIR / "synthetic.yaml"), "--plan", str(DIR / "plan.yaml"),
        "--runs", str(ROWS), "--seed", "1", "--format", "csv", "--output", str(DIR / "out.csv")]
assert run(args + sys.argv[3:]) == 0
""",
    "sensitivity": """
from cityindex.cli import run
args = ["sensitivity", str(DIR / "synthetic.yaml"), "--plan", str(DIR / "plan.yaml"),
        "--runs", str(ROWS), "--seed", "1", "--format", "csv", "--output", str(DIR / "out.csv")]
assert run(args + sys.argv[3:]) == 0
""",
    "validate": """
from cityindex.cli import run
assert run(["validate", str(DIR / "big-spec.yaml")]) == 0  # spec, data and the computation
""",
}

RUNNER = """
import resource, sys, time
from pathlib import Path
import cityindex, cityindex.load.data
DIR = Path(sys.argv[1]); ROWS = int(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, base)
"""


def write_wide(path: Path, rows: int) -> None:
    """A unit column and two numeric columns, ~17 bytes a row (as the issue's 34 MB file)."""
    import numpy as np

    rng = np.random.default_rng(13)
    a = np.round(rng.lognormal(2, 1, rows), 2)
    b = np.round(rng.lognormal(1, 1, rows), 1)
    order = rng.permutation(rows)  # rows not in name order: the sort is part of the cost
    with path.open("w", encoding="utf-8") as out:
        out.write("city,x1,x2\n")
        out.writelines(f"u{k:07d},{x},{y}\n" for k, x, y in zip(order, a, b, strict=True))


def write_index(folder: Path, units: int, indicators: int, groups: int) -> None:
    """A two-level spec (`groups` groups of equal size) and its data."""
    import numpy as np

    rng = np.random.default_rng(13)
    values = np.round(rng.lognormal(1, 1, (units, indicators)), 3)
    names = [f"i{j:05d}" for j in range(indicators)]
    with (folder / "data.csv").open("w", encoding="utf-8") as out:
        out.write("city," + ",".join(names) + "\n")
        for k in rng.permutation(units):
            out.write(f"u{k:06d}," + ",".join(map(str, values[k])) + "\n")
    per = -(-indicators // groups)
    lines = [
        "index: {id: scale, title: Scale, unit: city, data: data.csv}",
        "methods: {normalise: {method: min_max}, aggregate: {method: arithmetic_mean}}",
        "groups:",
    ]
    for g in range(groups):
        lines += [f"  g{g:04d}:", f"    title: Group {g}", "    weight: 1", "    indicators:"]
        for name in names[g * per : (g + 1) * per]:
            lines += [f"      {name}: {{direction: higher_is_better}}"]
    (folder / "spec.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(case: str, folder: Path, rows: int, *extra: str) -> tuple[float, int, int]:
    """Seconds of the case's body, the process's peak RSS, and its RSS after the imports."""
    code = RUNNER.format(body=CASES[case])
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(rows), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{case} failed:\n{out.stderr}")
    seconds, rss, base = out.stdout.split()
    return float(seconds), int(rss), int(base)


def command_seconds(args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole command in a fresh interpreter."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cityindex", *args], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def score_ratio(folder: Path, repeats: int) -> dict[str, float]:
    """Whole `cityindex score SPEC --format csv --output FILE` commands, start-up included, on
    1,000 and 100,000 units × 50 indicators (10 groups), run alternately `repeats` times; the
    medians and their ratio (target: at most 4)."""
    import statistics

    specs = {}
    for units in (1_000, 100_000):
        sub = folder / f"ratio{units}"
        sub.mkdir()
        write_index(sub, units, 50, 10)
        specs[units] = sub / "spec.yaml"
    walls: dict[int, list[float]] = {1_000: [], 100_000: []}
    cpus: dict[int, list[float]] = {1_000: [], 100_000: []}
    for _ in range(repeats):
        for units, spec in specs.items():
            out = spec.parent / "s.csv"
            wall, cpu = command_seconds(["score", str(spec), "--format", "csv", "-o", str(out)])
            walls[units].append(wall)
            cpus[units].append(cpu)
    small, large = (statistics.median(walls[u]) for u in (1_000, 100_000))
    small_cpu, large_cpu = (statistics.median(cpus[u]) for u in (1_000, 100_000))
    return {
        "score_cli_1000x50_s": round(small, 3),
        "score_cli_100000x50_s": round(large, 3),
        "score_cli_ratio": round(large / small, 2),
        "score_cli_1000x50_cpu_s": round(small_cpu, 3),
        "score_cli_100000x50_cpu_s": round(large_cpu, 3),
        "score_cli_cpu_ratio": round(large_cpu / small_cpu, 2),
    }


def uncertainty_cases(folder: Path, scale: int, memory: str | None) -> dict[str, float]:
    """Peak RSS of `uncertainty` on 3,000 × 100 with 10,000 runs and 100,000 × 50 with 100."""
    sys.path.insert(0, str(Path(__file__).parent))
    import yaml
    from uncertainty_asem import SYNTHETIC_PLAN, synthetic_spec

    figures: dict[str, float] = {}
    extra = ["--memory", memory] if memory else []
    for units, indicators, levels, runs in ((3_000, 100, 3, 10_000), (100_000, 50, 2, 100)):
        units //= scale
        runs = max(10, runs // scale)
        sub = folder / f"u{units}"
        sub.mkdir()
        synthetic_spec(sub, units, indicators, levels)
        (sub / "plan.yaml").write_text(yaml.safe_dump(SYNTHETIC_PLAN))
        seconds, rss, _ = run("uncertainty", sub, runs, *extra)
        name = f"uncertainty_{units}x{indicators}_mc{runs}"
        figures |= {f"{name}_s": round(seconds, 1), f"{name}_peak_mb": round(rss / 1e6)}
    # sensitivity on the larger index: N = 10 (N (d + 2) runs for the plan's d = 3 inputs)
    seconds, rss, _ = run("sensitivity", sub, 10, *extra)
    name = f"sensitivity_{units}x{indicators}_n10"
    figures |= {f"{name}_s": round(seconds, 1), f"{name}_peak_mb": round(rss / 1e6)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of each size")
    choices = sorted((set(CASES) - {"sensitivity"}) | {"score_ratio"})
    parser.add_argument("--only", choices=choices, help="one case")
    parser.add_argument("--memory", help="--memory for the uncertainty cases (default: 1GB)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each score_ratio command")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "read_csv"):
            rows = 2_000_000 // scale
            write_wide(folder / "wide.csv", rows)
            size = (folder / "wide.csv").stat().st_size
            seconds, rss, base = run("read_csv", folder, rows)
            figures |= {
                "read_csv_rows": rows,
                "read_csv_mb": round(size / 1e6, 1),
                "read_csv_s": round(seconds, 3),
                "read_csv_peak_mb": round(rss / 1e6),
                "read_csv_peak_over_size": round(rss / size, 1),
                "read_csv_added_mb": round((rss - base) / 1e6),
                "read_csv_added_over_size": round((rss - base) / size, 1),
            }
        if args.only in (None, "score"):
            units = 100_000 // scale
            write_index(folder, units, 50, 10)
            seconds, rss, _ = run("score", folder, units)
            figures |= {"score_units": units, "score_s": round(seconds, 3)}
            figures["score_peak_mb"] = round(rss / 1e6)
            # the whole command, writing the ranking of every unit as CSV (24 MB)
            seconds, rss, _ = run("score_cli", folder, units)
            figures |= {"score_cli_s": round(seconds, 3), "score_cli_peak_mb": round(rss / 1e6)}
        if args.only in (None, "score_xlsx"):
            # the whole command writing the ranking of every unit as a workbook (the analyst's
            # export)
            units = 100_000 // scale
            write_index(folder, units, 50, 10)
            seconds, rss, _ = run("score_xlsx", folder, units)
            figures |= {"score_xlsx_units": units, "score_xlsx_s": round(seconds, 3)}
            figures["score_xlsx_peak_mb"] = round(rss / 1e6)
        if args.only in (None, "score_ratio"):
            figures |= score_ratio(folder, args.repeats)
        if args.only in (None, "uncertainty"):
            figures |= uncertainty_cases(folder, scale, args.memory)
        if args.only in (None, "validate"):
            indicators = 34_000 // scale
            sub = folder / "v"
            sub.mkdir()
            write_index(sub, 3, indicators, 340 // scale)
            (folder / "big-spec.yaml").write_text(
                (sub / "spec.yaml").read_text().replace("data: data.csv", "data: v/data.csv")
            )
            seconds, _, _ = run("validate", folder, indicators)
            figures |= {"validate_indicators": indicators, "validate_s": round(seconds, 3)}
    print(json.dumps(figures, indent=1))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
