"""The words of the interface are data: one catalogue per language, the same keys in each, and
the same ``{placeholders}`` per key, so a text `tr` fills in never meets a field it lacks."""

from __future__ import annotations

import json
import string
import subprocess
import sys

import pytest

from cityindex.render.i18n import LANGUAGES, WORDS_DIR, catalogue, tr

SHORTER_IN_ENGLISH = {"cap.changed", "cap.unverified"}
"""Captions whose English text leaves out the target the Chinese one names (callers pass it)."""


def _fields(text: str) -> set[tuple[str, str, str | None]]:
    """The ``{name:spec!conversion}`` fields of a text."""
    return {
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


def test_there_is_one_catalogue_per_language_and_no_other() -> None:
    assert sorted(p.stem for p in WORDS_DIR.glob("*.json")) == sorted(LANGUAGES)


def test_both_catalogues_have_the_same_sections_and_keys() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert list(en) == list(zh) == ["words", "methods", "flags", "stages"]
    for section in en:
        assert set(en[section]) == set(zh[section]), section


def test_both_catalogues_have_the_same_placeholders_for_each_key() -> None:
    en, zh = catalogue("en")["words"], catalogue("zh")["words"]
    for key in en:
        if key in SHORTER_IN_ENGLISH:
            assert _fields(en[key]) < _fields(zh[key]), key
        else:
            assert _fields(en[key]) == _fields(zh[key]), key


def test_english_names_methods_flags_and_stages_by_their_ids() -> None:
    en = catalogue("en")
    for section in ("methods", "flags", "stages"):
        assert all(key == value for key, value in en[section].items()), section


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_catalogue_is_plain_text_by_key(lang: str) -> None:
    raw = json.loads((WORDS_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    assert all(
        isinstance(k, str) and isinstance(v, str) for s in raw.values() for k, v in s.items()
    )


def test_tr_fills_in_the_fields_in_the_readers_language() -> None:
    assert tr("n.tiers", "en", tiers="A, B") == "Tiers: A, B."
    assert tr("n.tiers", "zh", tiers="A、B") == "梯队划分：A、B。"


def test_importing_cityindex_reads_no_catalogue() -> None:
    code = (
        "import cityindex, cityindex.render.i18n as i;assert i.catalogue.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
