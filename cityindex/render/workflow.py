"""The words of the top-level help: the workflow steps the commands are listed under, in
order, and the examples that end it (the command line lays them out)."""

WORKFLOW: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Score and read the index", ("score", "validate", "weights", "explain", "methods")),
    ("Diagnose", ("obstacles", "coupling", "audit", "importance")),
    ("Against published results", ("check", "calibrate", "compare", "optimise-weights")),
    ("Robustness", ("uncertainty", "sensitivity")),
    ("Data and output", ("init", "data", "sources", "report", "plot")),
)
"""Commands in the order an analysis uses them; any other command is listed after them."""

EXAMPLES = """\b
Examples:
  cityindex score --top 10            rank the shipped AI-city index (2024)
  cityindex explain Shenzhen          one unit's score taken apart
  cityindex check --against seeds/ai-city-competitiveness-2024.csv
  cityindex uncertainty --runs 1000   rank intervals under the spec's plan
  cityindex report -o report.html     everything on one HTML page
  cityindex COMMAND --help            each command's options, with an example

The spec reference (every key and method): docs/spec.md."""
