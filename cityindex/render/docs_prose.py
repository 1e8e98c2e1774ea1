"""The prose sections of docs/spec.md (`cityindex.render.docs` puts them among the tables)."""

LEVELS = """\
## Levels: one convention

**A level counts up from the indicators, as COINr's do**: indicators are level 1, a group is one
above its highest child, the index is the highest level. In the shipped index (groups of
indicators) indicators are level 1, the five dimensions level 2 and the index level 3. This is
what `level` means everywhere: the plan's `weight_noise: [{level: 1, …}]` (the indicators'
weights within their groups), `cityindex calibrate --levels 1,2`, and the `level` column of
`cityindex explain` (and `cityindex.explain`).

The other direction is spelt **depth**, counting down from the index: depth 0 is the index,
depth 1 the top-level groups, and so on. `explain` shows it in its `depth` column (the tree's
indentation), and a plan entry may say `{depth: 1, fraction: 0.25}` instead of `level:` — it
selects the weights of the nodes at that depth within their parents (in a tree of groups of
indicators, depth 1 = level 2). A `level:` that does not exist (such as `level: 0`) is an error
whose hint points to `depth:`.
"""

MISSING_DATA = """\
### Missing data that must not pay

An empty cell is a gap: `impute` may fill it (`{method: constant, value: 0}` for an analyst's
暂无 = 0), and the `missing` rule drops what is left from its unit's aggregate and re-weights
the rest. Two rules stop a unit from gaining by lacking data:

**`absent:` on an indicator** says what absence from its source list means, applied to the raw
data before every other stage (per year in a panel):

```yaml
ai_patents:   {direction: higher_is_better, absent: zero}    # a complete list: not on it = 0
top50_rank:   {direction: lower_is_better, absent: below}    # a top-50 list: not on it = 51
top_funding:  {direction: higher_is_better, absent: {rule: below, step: 0.5}}
```

`below` takes the worst listed value one `step` (default 1) further: the largest listed value
+ step when lower is better (ranks 1..N: N + 1), the smallest listed value − step, floored at 0
when every listed value is ≥ 0, when higher is better. So a unit off a top-N list never scores
above the list's last unit. Such a cell is data, not a gap: `explain` gives it status `absent`
(never `imputed`) and coverage counts it as present.

**`min_coverage:` on a group** (a share from 0 to 1): when the indicators a unit has under the
group carry less than that share of the group's weight (the spec's weights, relative within
each group and multiplied down the tree), its missing indicators there count as the worst
normalised value, min(0, lowest normalised value among the scored units), instead of being
dropped. With an arithmetic mean of values ≥ 0 the group score is then
Σ_present w_j z_j / Σ_all w_j: what its present data earn at full weight, never more. At or
above the share, gaps are re-weighted as the `missing` rule says. `explain` gives such a cell
status `worst` (and lists it as missing). The rule is the group's own, not inherited.

```yaml
groups:
  talent:
    min_coverage: 0.5
    indicators: {...}
```
"""
