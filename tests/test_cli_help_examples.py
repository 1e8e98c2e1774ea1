"""Every example printed by every `--help` runs: the top level, each command and subcommand.

The examples are read from the help text click renders (not from a second list), then run
in-process in a temporary folder holding a copy of the shipped specs, data and seeds, so
the examples that write files (`--output report.html`, `-o fitted.yaml`) write there.
"""

from __future__ import annotations

import itertools
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cityindex.cli import COMMAND_MODULES, app, run
from tests.help_text import examples_in, subcommands

ROOT = Path(__file__).parents[1]


def help_of(path: list[str]) -> str:
    """What `cityindex PATH --help` prints."""
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="cityindex")
    assert result.exit_code == 0, result.output
    return result.output


def help_texts(path: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(command path, its --help text) for the top level and every (sub)command."""
    path = path or []
    text = help_of(path)
    yield " ".join(path) or "cityindex", text
    for name in subcommands(text):
        yield from help_texts([*path, name])


HELPS = dict(help_texts())
EXAMPLES = [example for text in HELPS.values() for example in examples_in(text)]


def test_every_command_and_subcommand_help_is_read() -> None:
    """The examples below come from every command's help, not the top level's alone."""
    expected = {name for name in COMMAND_MODULES if name != "data"} | {"data", "data check"}
    assert set(HELPS) == {"cityindex", *expected}


def test_the_top_level_and_every_command_help_shows_an_example() -> None:
    groups = {"data"}  # a group's commands carry the examples
    missing = [path for path, text in HELPS.items() if path not in groups and not examples_in(text)]
    assert missing == []
    assert len(EXAMPLES) >= len(HELPS) - len(groups)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with copies of the shipped indicators/, data/ and seeds/."""
    folder = tmp_path_factory.mktemp("examples")
    for name in ("indicators", "data", "seeds"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


@pytest.mark.parametrize("example", EXAMPLES)
def test_help_example_runs_and_exits_zero(
    example: str,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(workspace)
    argv = shlex.split(example)[1:]
    code = run(argv)
    out, err = capsys.readouterr()
    assert code == 0, f"{example!r} exited {code}:\n{err}"
    assert "Traceback" not in err
    written = [a for k, a in itertools.pairwise(argv) if k in ("-o", "--output")]
    for name in written:
        assert (workspace / name).stat().st_size > 0, f"{example!r} wrote nothing to {name}"
    if not written:  # data on stdout; `validate` says "ok: …" on stderr
        assert out.strip() or err.startswith("ok: "), f"{example!r} printed nothing"
