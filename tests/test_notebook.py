"""docs/notebook.md: its code blocks run, in order, as a notebook would run them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebook.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", NOTEBOOK.read_text(encoding="utf-8"), re.S | re.M)


def test_the_notebook_walk_through_runs_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    blocks = _blocks()
    assert len(blocks) >= 10
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{NOTEBOOK.name} block {number}", "exec")
        exec(code, namespace)
    printed = capsys.readouterr().out
    ranking = namespace["ranking"]
    assert str(ranking["rank"].dtype) == "Int64"
    assert ranking.index.name == "city"
    assert "tier" in namespace["demo_ranking"].columns
    assert namespace["checked"]["reproduced"].all()
    assert namespace["fit"].attrs["success"] is True
    assert namespace["problems"] == [("spec.weight.negative", "groups.policy.weight")]
    assert "Int64 city" in printed
