"""The uncertain inputs of an `uncertainty:` plan in the reader's language.

`UncertaintyPlan.input_names` gives one id per input, for scripts and Sobol columns: an
alternative's key path (``methods.normalise``), ``weight_set``, ``leave_one_out`` and
``weight_noise:<name>`` (a name the spec gives, else ``level 1``, ``levels 1,2``, ``depth 2``).
A reader gets words instead; key paths and the spec's own names stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cityindex.render.i18n import Language, tr

STAGES = ("normalise", "aggregate", "weights", "treat", "impute", "missing", "scale", "denominate")
"""Key-path segments naming what an alternative varies (the last one found wins)."""

_GENERATED = re.compile(r"((?:level|depth)s?) (\d+(?:,\d+)*)")


def input_words(name: str, lang: Language) -> str:
    """One plan input (an id from `UncertaintyPlan.input_names`) as a reader says it."""
    if name in ("weight_set", "leave_one_out"):
        return tr(f"pl.{name}", lang)
    if name.startswith("weight_noise:"):
        label = name.removeprefix("weight_noise:")
        made = _GENERATED.fullmatch(label)
        if made is not None:
            sep = "、" if lang == "zh" else ","
            label = tr(f"pl.{made[1]}", lang, n=sep.join(made[2].split(",")))
        return tr("pl.weight_noise", lang, name=label)
    stages = [s for s in name.split(".") if s in STAGES]
    what = tr(f"pl.{stages[-1]}" if stages else "pl.value", lang)
    return tr("pl.alternative", lang, what=what, path=name)


def inputs_words(names: Sequence[str], lang: Language) -> str:
    """Every plan input, joined as a list reads in `lang`."""
    return ("、" if lang == "zh" else "; ").join(input_words(n, lang) for n in names)
