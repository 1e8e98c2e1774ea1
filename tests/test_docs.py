"""docs/spec.md: generated from the schema and the registry, complete, and up to date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cityindex
from cityindex.analysis.plan import PLAN_KEYS
from cityindex.errors import SpecError
from cityindex.methods.registry import REGISTRY, load_methods
from cityindex.model.spec_methods import METHOD_STAGES
from cityindex.model.spec_schema import (
    EXTENSION_SECTIONS,
    GROUP_KEYS,
    INDEX_KEYS,
    INDICATOR_EXTRA_KEYS,
    INDICATOR_KEYS,
    PANEL_KEYS,
    TOP_KEYS,
)
from cityindex.render.docs import TIER_KEYS, main, render, spec_md_path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_committed_spec_reference_is_what_the_code_generates() -> None:
    """Fails when a key, method or parameter changed without `python -m cityindex.render.docs`."""
    assert spec_md_path().read_text(encoding="utf-8") == render()
    assert main(["--check"]) == 0


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


def test_every_schema_key_is_in_its_section_of_the_reference() -> None:
    text = spec_md_path().read_text(encoding="utf-8")
    expected = {
        "## Top level": (*TOP_KEYS, *EXTENSION_SECTIONS),
        "## `index:`": (*INDEX_KEYS, *PANEL_KEYS, *TIER_KEYS),
        "## `groups:`": (*GROUP_KEYS, *INDICATOR_KEYS, *INDICATOR_EXTRA_KEYS),
        "## `uncertainty:` (the plan)": PLAN_KEYS,
    }
    for heading, keys in expected.items():
        section = _section(text, heading)
        rows = set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))
        assert set(keys) <= rows, heading
        assert "(no description yet)" not in section
    plan = _section(text, "## `uncertainty:` (the plan)")
    for entry_key in ("level", "depth", "groups", "fraction", "name", "path", "options"):
        assert f"{entry_key}:" in plan
    methods = _section(text, "## `methods:`")
    for stage in METHOD_STAGES:
        assert f"`{stage}: " in methods


def test_every_method_and_parameter_of_the_registry_is_in_the_reference() -> None:
    load_methods()
    text = _section(spec_md_path().read_text(encoding="utf-8"), "## Methods")
    for stage, methods in REGISTRY.items():
        if not methods:
            continue
        start = text.index(f"\n### {stage}\n")
        following = text.find("\n### ", start + 1)
        block = text[start : following if following != -1 else len(text)]
        listed = re.findall(r"^- \*\*`([^`]+)`\*\*: (.+)$", block, flags=re.MULTILINE)
        assert {name for name, _ in listed} == set(methods), stage
        assert all(formula.strip() for _, formula in listed)
        for name, method in methods.items():
            entry = block[block.index(f"- **`{name}`**") :].split("\n- **")[0]
            for param in method.params:
                assert f"  - `{param.name}` (" in entry, f"{stage}.{name}.{param.name}"


def test_the_readme_links_the_reference() -> None:
    assert "docs/spec.md" in README.read_text(encoding="utf-8")


def test_a_plan_may_count_levels_down_as_depth_with_the_same_result(hand: Path) -> None:
    """One convention (COINr's levels, counting up); `depth:` is the other spelling: in the
    hand index (groups of indicators) depth 1 is level 2, the groups' weights."""
    by_level = cityindex.uncertainty(
        hand, {"weight_noise": [{"level": 2, "fraction": 0.5}]}, runs=200, seed=4
    )
    by_depth = cityindex.uncertainty(
        hand, {"weight_noise": [{"depth": 1, "fraction": 0.5}]}, runs=200, seed=4
    )
    assert by_depth.attrs["inputs"] == ["weight_noise:depth 1"]
    assert by_depth.drop(columns=[]).equals(by_level)
    assert by_level["rank_p95"].max() > by_level["rank_p05"].min()  # the noise moved ranks


def test_a_level_counted_from_the_index_is_refused_with_a_hint_to_depth(hand: Path) -> None:
    with pytest.raises(SpecError) as caught:
        cityindex.uncertainty(hand, {"weight_noise": [{"level": 0, "fraction": 0.5}]}, runs=10)
    found = caught.value.issues[0]
    assert found.code == "spec.uncertainty.level"
    assert found.hint is not None
    assert "depth:" in found.hint


ROOT = README.parent
DOCS = [README, ROOT / "README.zh-CN.md", *sorted((ROOT / "docs").glob("*.md"))]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (doc.parent / file).resolve() if file else doc
        if not path.exists() or (anchor and anchor not in _anchors(path)):
            broken.append(target)
    assert broken == []


def test_the_readme_is_a_quick_start_with_the_reference_in_docs() -> None:
    """Issue 23: set-up, the default ranking and own data first; the reference in docs/."""
    text = README.read_text(encoding="utf-8")
    assert text.count("\n") < 200
    quick = _section(text, "## Quick start")
    # the two set-up commands, as .ci/run and ../shared/tools/fresh-clone-check pick them
    first = re.findall(r"^[$ ]*(.*pip install \.( |&&).*cityindex score.*)$", text, re.MULTILINE)
    tests = re.findall(r"^[$ ]*(.*pip install '?\.\[test\]'?.*pytest.*)$", text, re.MULTILINE)
    assert first[0][0] in quick
    assert tests[0] == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && python -m pytest"
    )
    for step in ("cityindex init ", "cityindex score my-index.yaml", "cityindex report "):
        assert step in quick
    for doc in ("docs/cli.md", "docs/spec-guide.md", "docs/methods.md", "docs/data.md"):
        assert f"]({doc}" in quick
    assert "## The default index" in text  # the validation section stays in the README


def test_the_chinese_readme_has_the_same_quick_start() -> None:
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && . .venv/bin/activate && pip install . && cityindex" in text
    assert "pip install '.[test]' && python -m pytest" in text
    for step in ("cityindex init ", "cityindex score 我的指数.yaml", "cityindex report "):
        assert step in text
    for doc in ("docs/cli.md", "docs/spec-guide.md", "docs/spec.md"):
        assert f"]({doc}" in text


def test_the_chinese_readme_ranks_as_score_lang_zh_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cityindex.cli import run

    assert run(["score", "--top", "10", "--lang", "zh", "--format", "markdown"]) == 0
    printed = re.findall(r"^\| (\d+) \| (\S+) \| ([\d.]+) \|", capsys.readouterr().out, re.M)
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    shown = re.findall(r"^\| (\d+) \| (\S+) \| ([\d.]+) \|$", text, re.MULTILINE)
    assert len(printed) == 10
    assert shown == printed
