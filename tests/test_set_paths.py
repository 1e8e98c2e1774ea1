"""`--set` paths: `set_path` writes keys so that `split_override` reads the same keys back,
for any key (dots, ``=``, quotes, backslashes, Chinese); and the doctests of the readers
changed with them (published precision, sources urls)."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityindex.load.spec_overrides import set_path, split_override
from cityindex.model.spec_values import Tracker

KEY = st.text(alphabet=st.sampled_from(list('ab.="\\ 人才-_1')), min_size=1, max_size=8).filter(
    lambda k: k.strip() == k
)


@given(keys=st.lists(KEY, min_size=1, max_size=4), value=st.sampled_from(["0.3", "a=b", ""]))
def test_every_written_path_reads_back_as_its_keys(keys: list[str], value: str) -> None:
    tracker = Tracker("t", [])
    parsed = split_override(f"{set_path(tuple(keys))}={value}", tracker)
    assert parsed is not None, tracker.issues
    assert parsed[:2] == (tuple(keys), value)


def test_plain_and_chinese_keys_are_written_bare_and_dotted_ones_quoted() -> None:
    assert set_path(("groups", "人才", "weight")) == "groups.人才.weight"
    assert set_path(("groups", "a.b", "weight")) == 'groups."a.b".weight'
    assert set_path(("groups", 'say "hi"', "weight")) == 'groups."say \\"hi\\"".weight'


@pytest.mark.parametrize(
    "module",
    [
        "cityindex.load.spec_overrides",
        "cityindex.model.reference",
        "cityindex.load.provenance",
    ],
)
def test_the_doctests_of_the_path_precision_and_url_readers_pass(module: str) -> None:
    outcome = doctest.testmod(importlib.import_module(module))
    assert outcome.attempted > 0
    assert outcome.failed == 0
