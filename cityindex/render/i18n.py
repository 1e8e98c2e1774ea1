"""Reader-facing words in English and Chinese: headings, column names, notes, chart labels.

Errors keep their English text and stable codes (they are searched for and quoted in issues);
everything a *reader* of a table, chart or report sees goes through `tr`. A spec chooses its
language with ``index.language: zh|en``; ``--lang`` overrides it; English is the default.
Groups and indicators show their `title` (or ``title_zh`` / ``title_en`` for that language)
instead of their id; CSV keeps ids as column names unless asked for titles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from cityindex.model.language import LANGUAGES as LANGUAGES
from cityindex.model.language import Language as Language
from cityindex.model.language import parse_language as parse_language

HTML_LANG: Mapping[Language, str] = {"en": "en", "zh": "zh-CN"}


class Titled(Protocol):
    """A group or indicator: an id, an optional title and per-language titles."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str | None: ...

    @property
    def titles(self) -> Mapping[str, str]: ...


STRINGS: Mapping[str, tuple[str, str]] = {
    # column names
    "rank": ("rank", "排名"),
    "score": ("score", "得分"),
    "tier": ("tier", "梯队"),
    "coverage": ("coverage", "数据覆盖率"),
    "unit": ("unit", "单位"),
    "city": ("city", "城市"),
    "rank_change": ("change", "名次变化"),
    "compare_rank": ("rank in {name}", "{name}排名"),
    "median_rank": ("median rank", "排名中位数"),
    "rank_p05": ("rank 5th pct", "排名5%分位"),
    "rank_p95": ("rank 95th pct", "排名95%分位"),
    "p_top_k": ("P(top k)", "进入前k概率"),
    "group": ("group", "维度"),
    "indicator": ("indicator", "指标"),
    "level": ("level", "层级"),
    "parent": ("parent", "上级"),
    "direction": ("direction", "方向"),
    "nominal_weight": ("nominal weight", "名义权重"),
    "relative_weight": ("weight in group", "组内权重"),
    "effective_weight": ("effective weight", "有效权重"),
    "publisher": ("publisher", "发布方"),
    "source_title": ("title", "标题"),
    "year": ("year", "年份"),
    "link": ("link", "链接"),
    "values": ("values", "数据数"),
    "indicators_col": ("indicators", "指标"),
    "higher_is_better": ("higher is better", "正向"),
    # audit columns
    "children": ("children", "下级数"),
    "alpha": ("alpha", "Cronbach α"),
    "pc1_share": ("pc1_share", "第一主成分占比"),
    "corr_parent": ("corr_parent", "与上级相关"),
    "corr_index": ("corr_index", "与指数相关"),
    "corr_group": ("corr_group", "与所属维度相关"),
    "indicator_1": ("indicator_1", "指标1"),
    "indicator_2": ("indicator_2", "指标2"),
    "corr": ("corr", "相关系数"),
    "flag": ("flag", "标记"),
    "flags": ("flags", "标记"),
    "availability": ("availability", "数据可得率"),
    "n": ("n", "样本数"),
    "mean": ("mean", "均值"),
    "sd": ("sd", "标准差"),
    "skewness": ("skewness", "偏度"),
    "kurtosis": ("kurtosis", "峰度"),
    "outlier": ("outlier", "异常值"),
    "importance": ("importance", "重要性"),
    "lower_is_better": ("lower is better", "负向"),
    # headings
    "h.ranking": ("Ranking", "排名"),
    "h.weights_live": ("What if the weights were different?", "调整权重试试"),
    "h.charts": ("Charts", "图表"),
    "h.map": ("Map", "地图"),
    "h.uncertainty": ("Robustness", "稳健性"),
    "h.framework": ("Indicator framework", "指标体系"),
    "h.method": ("Method", "方法"),
    "h.weights": ("Weights", "权重"),
    "h.ahp": ("AHP judgement matrix of {group}", "{group}的层次分析法判断矩阵"),
    "h.audit": ("Audit", "统计审查"),
    "h.audit_groups": ("Groups", "维度"),
    "h.audit_pairs": (
        "Flagged indicator pairs (r > 0.9 collinear, or negative)",
        "需关注的指标对（r > 0.9 共线，或为负相关）",
    ),
    "h.audit_indicators": (
        "Indicators (statistics on the {stage} values)",
        "指标（{stage}值的统计）",
    ),
    "h.importance": (
        "Importance vs weights (first-order S by local linear regression; "
        "ratio = S share / weight)",
        "重要性与权重（局部线性回归估计的一阶敏感度 S；比值 = S 份额 / 权重）",
    ),
    "h.sources": ("Data sources", "数据来源"),
    # notes
    "n.scored": ("{n} units scored; index {id}.", "共 {n} 个单位参与评分；指数 {id}。"),
    "n.excluded": (
        "Not scored ({n}, too little data): {units}",
        "未参与评分（{n} 个，数据不足）：{units}",
    ),
    "n.tiers": ("Tiers: {tiers}.", "梯队划分：{tiers}。"),
    "n.compare": (
        "Change: places gained (+) or lost (−) against {name}.",
        "名次变化：与{name}相比上升（+）或下降（−）的名次。",
    ),
    "n.made_by": (
        "Made by cityindex {version} from {spec} and {data}.",
        "由 cityindex {version} 根据 {spec} 与 {data} 生成。",
    ),
    "n.no_cjk": (
        "No CJK font was installed when this report was drawn, so the charts use the English "
        "unit names (install fonts-noto-cjk for Chinese names).",
        "生成本报告时未安装中文字体，图表使用英文名称（安装 fonts-noto-cjk 后可显示中文）。",
    ),
    "n.sliders": (
        "Move a slider to change a top-level group's weight; scores and ranks are recomputed "
        "in this page (weights are relative: they are divided by their sum).",
        "拖动滑块可改变一级维度的权重，得分和排名在本页面内即时重新计算（权重为相对值，按总和归一）。",
    ),
    "n.sliders_off": (
        "The weights cannot be changed in this page: {why}. Use `cityindex score --set "
        "groups.ID.weight=VALUE` instead.",
        "本页面无法重新计算：{why}。请使用 `cityindex score --set groups.ID.weight=数值`。",
    ),
    "why.aggregate": (
        "the top level is aggregated by {method}",
        "一级维度采用 {method} 汇总",
    ),
    "why.weights": (
        "the top-level weights come from the {method} method, not from the spec",
        "一级权重由 {method} 方法计算，而非在指标定义中给定",
    ),
    "why.scale": ("the index is scaled by {method}", "指数采用 {method} 缩放"),
    "why.tiers": (
        "Tiers by natural breaks stay as published (at the spec's weights).",
        "按自然断点划分的梯队保持发布权重下的结果。",
    ),
    "reset": ("Reset to the published weights", "恢复发布权重"),
    "n.bar": (
        "Scores stacked by each top-level group's contribution (they add up to the score).",
        "得分按各一级维度的贡献堆叠（各段之和即为得分）。",
    ),
    "n.heatmap": (
        "Group scores per unit (– : no data for the group).",
        "各单位的维度得分（–：该维度无数据）。",
    ),
    "n.radar": ("Top {n} units: their top-level group scores.", "前 {n} 名的一级维度得分。"),
    "n.no_radar": (
        "No radar charts: they need at least three top-level groups.",
        "未绘制雷达图：至少需要三个一级维度。",
    ),
    "n.map": (
        "Units by longitude and latitude (equirectangular, no basemap); bubble area and colour "
        "follow the score. Coordinates: {source}.",
        "各单位按经纬度绘制（等距圆柱投影，无底图）；气泡面积和颜色表示得分。坐标来源：{source}。",
    ),
    "n.map_missing": (
        "Not on the map (no coordinates): {units}.",
        "未在地图上（无坐标）：{units}。",
    ),
    "n.no_map": (
        "No map: no ranked unit has both a latitude and a longitude.",
        "未绘制地图：没有单位同时具有经度和纬度。",
    ),
    "n.uncertainty": (
        "{runs} Monte Carlo runs (seed {seed}); P(top k) = P(rank ≤ {k}); inputs varied: {inputs}.",
        "{runs} 次蒙特卡洛模拟（随机种子 {seed}）；进入前k概率 = P(排名 ≤ {k})；"
        "扰动的输入：{inputs}。",
    ),
    "n.no_sources": (
        "No sources file next to the data (expected <data>.sources.csv).",
        "数据文件旁没有来源文件（应为 <data>.sources.csv）。",
    ),
    "n.sources": (
        "{n} values from {m} sources; `cityindex sources` lists every value with its note.",
        "共 {n} 个数据值，来自 {m} 个来源；`cityindex sources` 可列出每个值及其说明。",
    ),
    "n.none": ("None.", "无。"),
    "n.warnings": ("Warnings:", "提示："),
    # method words
    "m.normalise": ("Normalisation", "标准化"),
    "m.weights": ("Weighting", "赋权"),
    "m.aggregate": ("Aggregation", "汇总"),
    "m.impute": ("Imputation", "缺失值插补"),
    "m.treat": ("Outlier treatment", "异常值处理"),
    "m.denominate": ("Denomination", "分母调整"),
    "m.missing": ("Missing data", "缺失数据"),
    "m.scale": ("Scaling of the index", "指数缩放"),
    "m.indicators": ("indicators", "指标层"),
    "m.level": ("level {n} ({what})", "第 {n} 层（{what}）"),
    "m.top": ("the index from the top-level groups", "由一级维度合成指数"),
    "m.groups_from": ("groups from their children", "各维度由其下级合成"),
    "m.for": ("for {ids}", "适用于 {ids}"),
    "m.overrides": ("Overrides: {sets}", "参数覆盖：{sets}"),
    "m.cal_calibrated": ("Calibrated weights", "校准权重"),
    "m.cal_calibrated_why": (
        "the weights were fitted to reproduce a published result, not taken from its method.",
        "权重是为复现已发布结果而拟合得到的，并非原报告的方法。",
    ),
    "m.cal_changed": ("Weights changed since calibration", "权重在校准后已被修改"),
    "m.cal_changed_why": (
        "these are not the weights fitted to {target}; its published figures are not "
        "reproduced. The spec's calibration block describes the fitted weights.",
        "当前权重不是为复现 {target} 拟合得到的权重，不能复现其已发布的结果。下列校准信息"
        "描述的是拟合时的权重。",
    ),
    "m.cal_unverified": ("Calibrated weights (not verified)", "校准权重（未经核对）"),
    "m.cal_unverified_why": (
        "the spec says its weights were fitted to reproduce a published result, but its "
        "calibration block records no digest of them to check against.",
        "规格文件称其权重是为复现已发布结果而拟合的，但校准信息中没有可供核对的权重摘要"
        "（weights_sha256）。",
    ),
    "m.cal_target": ("target", "目标"),
    "m.cal_fit": ("fit", "拟合"),
    "m.cal_date": ("date", "日期"),
    "m.cal_note": ("note", "说明"),
    "m.ahp_consistency": (
        "λmax = {lam}, CI = {ci}, RI = {ri}, CR = CI / RI = {cr} ({verdict}).",
        "λmax = {lam}，CI = {ci}，RI = {ri}，CR = CI / RI = {cr}（{verdict}）。",
    ),
    "m.ahp_ok": ("consistent: CR ≤ 0.1", "通过一致性检验：CR ≤ 0.1"),
    "m.ahp_bad": ("inconsistent: CR > 0.1", "未通过一致性检验：CR > 0.1"),
    # chart labels
    "c.bar_x": ("score (stacked by group contribution)", "得分（按维度贡献堆叠）"),
    "c.group_score": ("group score", "维度得分"),
    "c.rank_x": ("rank (1 = best)", "排名（1 = 最好）"),
    "c.interval": ("5th–95th percentile", "5%–95%分位区间"),
    "c.nominal": ("nominal rank", "名义排名"),
    "c.lon": ("longitude (°)", "经度（°）"),
    "c.lat": ("latitude (°)", "纬度（°）"),
    "c.score": ("score", "得分"),
    # more column names (every command's tables; `output_columns.OUTPUT_COLUMNS`)
    "after": ("after", "校准后"),
    "band": ("band", "协调等级"),
    "before": ("before", "校准前"),
    "change": ("change", "变化"),
    "child": ("child", "下级"),
    "ci": ("ci", "CI"),
    "cr": ("cr", "CR"),
    "ri": ("ri", "RI"),
    "lambda_max": ("lambda_max", "λmax"),
    "judge": ("judge", "评判者"),
    "column": ("column", "数据列"),
    "computed_rank": ("computed_rank", "计算排名"),
    "computed_score": ("computed_score", "计算得分"),
    "published_rank": ("published_rank", "发布排名"),
    "published_score": ("published_score", "发布得分"),
    "diff": ("diff", "差值"),
    "reproduced": ("reproduced", "是否复现"),
    "contribution": ("contribution", "贡献"),
    "share": ("share", "贡献占比"),
    "coordination": ("coordination", "耦合协调度"),
    "coupling": ("coupling", "耦合度"),
    "development": ("development", "综合发展指数"),
    "correlation": ("correlation", "相关系数"),
    "depth": ("depth", "深度"),
    "detail": ("detail", "详情"),
    "first": ("first", "一阶指数"),
    "first_low": ("first_low", "一阶下限"),
    "first_high": ("first_high", "一阶上限"),
    "total": ("total", "总效应指数"),
    "total_low": ("total_low", "总效应下限"),
    "total_high": ("total_high", "总效应上限"),
    "formula": ("formula", "公式"),
    "gap": ("gap", "差距"),
    "id": ("id", "编号"),
    "importance_share": ("importance_share", "重要性份额"),
    "weight_before": ("weight_before", "原权重"),
    "weight_after": ("weight_after", "优化权重"),
    "target": ("target", "目标份额"),
    "objective": ("objective", "均方差距"),
    "input": ("input", "输入"),
    "item": ("item", "项目"),
    "key_path": ("key_path", "键路径"),
    "kind": ("kind", "类型"),
    "logged": ("logged", "取对数"),
    "log_transformed": ("log_transformed", "取对数"),
    "winsorised": ("winsorised", "缩尾"),
    "winsorised_points": ("winsorised_points", "缩尾点数"),
    "passed_before": ("passed_before", "处理前达标"),
    "passed_after_winsorising": ("passed_after_winsorising", "缩尾后达标"),
    "passed_after_log": ("passed_after_log", "取对数后达标"),
    "skew": ("skew", "偏度"),
    "skew_before": ("skew_before", "处理前偏度"),
    "skew_after_winsorising": ("skew_after_winsorising", "缩尾后偏度"),
    "skew_after_log": ("skew_after_log", "取对数后偏度"),
    "kurtosis_before": ("kurtosis_before", "处理前峰度"),
    "kurtosis_after_winsorising": ("kurtosis_after_winsorising", "缩尾后峰度"),
    "kurtosis_after_log": ("kurtosis_after_log", "取对数后峰度"),
    "mean_rank": ("mean_rank", "平均排名"),
    "median": ("median", "中位数"),
    "method": ("method", "方法"),
    "mirror": ("mirror", "镜像"),
    "missing": ("missing", "缺失数"),
    "present": ("present", "有值数"),
    "missing_indicators": ("missing_indicators", "缺失指标"),
    "node": ("node", "节点"),
    "normalised": ("normalised", "标准化值"),
    "note": ("note", "说明"),
    "obstacle_degree": ("obstacle_degree", "障碍度（%）"),
    "params": ("params", "参数"),
    "parameters": ("parameters", "参数"),
    "published": ("published", "发布日期"),
    "rank_a": ("rank_a", "A 排名"),
    "rank_b": ("rank_b", "B 排名"),
    "score_a": ("score_a", "A 得分"),
    "score_b": ("score_b", "B 得分"),
    "score_change": ("score_change", "得分变化"),
    "score_p05": ("score_p05", "得分5%分位"),
    "score_p50": ("score_p50", "得分中位数"),
    "score_p95": ("score_p95", "得分95%分位"),
    "ratio": ("ratio", "比值"),
    "raw": ("raw", "原始值"),
    "reason": ("reason", "原因"),
    "stage": ("stage", "步骤"),
    "status": ("status", "状态"),
    "title": ("title", "标题"),
    "unit_weight": ("unit_weight", "该单位权重"),
    "units": ("units", "单位"),
    "url": ("url", "链接"),
    "value": ("value", "数值"),
    "weight": ("weight", "权重"),
    "years": ("years", "年份"),
    # table titles and captions of the commands
    "t.scored": ("{title} ({n} units)", "{title}（{n} 个单位）"),
    "t.stage": ("{title}: {name}", "{title}：{name}"),
    "t.weights_indicators": ("Indicator weights", "指标权重"),
    "t.weights_groups": ("Group weights", "维度权重"),
    "t.ahp": ("AHP consistency", "层次分析法一致性检验"),
    "t.ahp_caption": (
        "CR = CI / RI; CR ≤ 0.1 is acceptable (Saaty)",
        "CR = CI / RI；CR ≤ 0.1 即通过一致性检验（Saaty）",
    ),
    "t.explain": (
        "{unit}: score {score:.4f} (exact {exact:.10g}), rank {rank:.0f} of {ranked}, "
        "data coverage {coverage:.0%}",
        "{unit}：得分 {score:.4f}（精确值 {exact:.10g}），排名 {rank:.0f}/{ranked}，"
        "数据覆盖率 {coverage:.0%}",
    ),
    "t.strongest": ("strongest", "优势"),
    "t.weakest": ("weakest", "短板"),
    "t.vs_median": (
        "{id} ({value:.3f} vs median {median:.3f})",
        "{id}（{value:.3f}，中位数 {median:.3f}）",
    ),
    "t.against_median": (
        "{label} against the median unit: {items}",
        "{label}（与中位单位相比）：{items}",
    ),
    "t.missing": ("missing: {items}", "缺失：{items}"),
    "t.imputed": ("imputed: {items}", "插补：{items}"),
    "t.none": ("none", "无"),
    "t.note": ("note: {text}", "说明：{text}"),
    "t.audit_groups": (
        "Groups: Cronbach's alpha, first principal component's share",
        "维度：Cronbach α 系数与第一主成分占比",
    ),
    "t.audit_pairs": (
        "Flagged indicator pairs within a group (r > 0.9 or negative)",
        "组内需关注的指标对（r > 0.9 或为负相关）",
    ),
    "t.audit_none": ("{title}: none", "{title}：无"),
    "t.compare": ("A = {a}    B = {b}", "A = {a}    B = {b}"),
    "t.cmp_common": ("units ranked in both: {n}", "两者均参与排名的单位：{n} 个"),
    "t.cmp_corr": (
        "Spearman rho: {rho:.4f}    Kendall tau-b: {tau:.4f}",
        "Spearman 等级相关系数：{rho:.4f}    Kendall tau-b：{tau:.4f}",
    ),
    "t.cmp_moved": ("moved most: {moved}", "名次变化最大：{moved}"),
    "t.cmp_nobody": ("nobody moved", "名次均无变化"),
    "t.cmp_only_a": ("ranked only in A: {units}", "仅在 A 中排名：{units}"),
    "t.cmp_only_b": ("ranked only in B: {units}", "仅在 B 中排名：{units}"),
    "t.cmp_neither": ("ranked in neither ({n}): {units}", "两者均未排名（{n} 个）：{units}"),
    "n.spec_gbk": (
        "note: read {path} as GBK (detected: the file is not valid UTF-8)",
        "提示：{path} 不是有效的 UTF-8，已按 GBK 编码读取（自动检测）",
    ),
    "n.na_cells": (
        "note: {n} cell(s) of {file} hold a placeholder of index.na_values ({values}): "
        "read as missing",
        "提示：{file} 中有 {n} 个单元格为 index.na_values 中的占位符（{values}），按缺失值处理",
    ),
    "cap.spec": ("spec: {spec}", "指标定义：{spec}"),
    "cap.calibrated": (
        "weights calibrated to reproduce {target}",
        "权重经校准以复现 {target}（见指标定义的 calibration 部分）",
    ),
    "cap.changed": (
        "weights changed since calibration",
        "权重在校准后已被修改：这些权重不能复现 {target} 的已发布结果"
        "（可用 cityindex check --against 对比）",
    ),
    "cap.unverified": (
        "weights said to be calibrated",
        "指标定义称权重经校准以复现 {target}（未经核对：calibration 部分没有权重摘要）",
    ),
    "t.validate_ok": (
        "ok: {id}: {groups} groups, {indicators} indicators, {units} units ({excluded} excluded)",
        "通过：{id}：{groups} 个维度，{indicators} 个指标，{units} 个单位"
        "（{excluded} 个未参与评分）",
    ),
    "t.calibrated": (
        "Calibrated weights (relative within each group)",
        "校准后的权重（组内相对权重）",
    ),
    "t.check": ("{id} vs {against}", "{id} 与 {against} 对比"),
    "t.uncertainty": (
        "{title}: uncertainty over {n:,} runs (seed {seed})",
        "{title}：{n:,} 次模拟的不确定性（随机种子 {seed}）",
    ),
    "t.uncertainty_caption": (
        "p_top_k = P(rank <= {k}); inputs: {inputs}",
        "进入前k概率 = P(排名 ≤ {k})；扰动的输入：{inputs}",
    ),
    "t.sensitivity": (
        "{title}: Sobol indices, N = {n} ({runs:,} runs)",
        "{title}：Sobol 敏感度指数，N = {n}（共 {runs:,} 次计算）",
    ),
    "t.sensitivity_caption": (
        "output: {output}; 95 % bootstrap intervals",
        "输出：{output}；95% 自助法置信区间",
    ),
    "t.obstacles": ("Obstacle degree (%)", "障碍度（%）"),
    "t.coupling": ("Coupling coordination", "耦合协调度"),
    "t.sources": ("Sources of {file}", "{file} 的数据来源"),
    "t.methods": ("Methods", "方法"),
    "t.methods_stage": ("Methods: {stage}", "方法：{stage}"),
    "t.methods_by_stage": ("Methods by stage", "各步骤可用方法"),
    "t.importance": ("Importance vs weights", "重要性与权重"),
    "t.dc_units": ("Missing cells per unit", "各单位缺失数据"),
    "t.dc_indicators": ("Indicators: coverage, years, outliers", "指标：覆盖率、年份、异常值"),
    "t.dc_outliers": ("Outliers (COINr's treat rule)", "异常值（COINr 处理规则）"),
    "t.dc_flagged": ("Flagged values", "被标记的数值"),
    "t.dc_unsourced": ("Values without a source", "无来源的数值"),
    "t.dc_mirror": ("Values resting on a mirror only", "仅有镜像来源的数值"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "the_index": ("(index)", "（指数）"),
}

METHOD_NAMES: Mapping[str, str] = {
    "relative_to_max": "相对最大值",
    "min_max": "极差标准化（min-max）",
    "z_score": "Z 分数标准化",
    "rank": "排序标准化",
    "arithmetic_mean": "加权算术平均",
    "geometric_mean": "加权几何平均",
    "harmonic_mean": "加权调和平均",
    "generalised_mean": "加权幂平均",
    "median": "加权中位数",
    "copeland": "Copeland 计数",
    "topsis": "TOPSIS（逼近理想解排序法）",
    "vikor": "VIKOR",
    "grey_relational": "灰色关联分析",
    "fixed": "给定权重",
    "equal": "等权重",
    "entropy": "熵权法",
    "critic": "CRITIC 法",
    "ahp": "层次分析法（AHP）",
    "pca": "主成分分析（PCA）",
    "coefficient_of_variation": "变异系数法",
    "standard_deviation": "标准差法",
    "combine": "组合赋权",
    "none": "无",
    "reweight": "剔除缺失值并重新分配权重",
}


FLAG_NAMES: Mapping[str, str] = {
    "collinear": "共线",
    "negative": "负相关",
    "outliers": "有异常值",
    "negative with group": "与所属维度负相关",
    "negative with index": "与指数负相关",
}
"""Audit flags (`analysis.audit`) as a Chinese reader reads them."""

STAGE_NAMES: Mapping[str, str] = {
    "raw": "原始",
    "denominated": "分母调整后",
    "imputed": "插补后",
    "treated": "异常值处理后",
    "normalised": "标准化后",
}
"""Pipeline stages as a Chinese reader names them."""

ID_CELLS = frozenset(
    {"indicator", "group", "parent", "child", "input", "id", "indicator_1", "indicator_2", "node"}
)
"""Columns whose cells hold group or indicator ids: a reader sees their titles under zh."""


def stage_name(stage: str, lang: Language) -> str:
    """A pipeline stage as a reader says it (Chinese under zh, else the id)."""
    return STAGE_NAMES.get(stage, stage) if lang == "zh" else stage


def titled_rows(
    rows: Iterable[Mapping[str, Any]], lang: Language, nodes: Iterable[Titled]
) -> list[dict[str, Any]]:
    """Rows as a reader sees them under zh: group and indicator ids in `ID_CELLS` columns as
    their titles (an indent before an id is kept; "(index)" as 指数), method names, audit
    flags and true/false (是/否) in Chinese.
    Under en the rows are returned unchanged (as new dicts)."""
    if lang != "zh":
        return [dict(r) for r in rows]
    titles = {n.id: title(n, lang) for n in nodes}

    def cell(key: str, value: Any) -> Any:
        if isinstance(value, bool):
            return tr("yes" if value else "no", lang)
        if not isinstance(value, str):
            return value
        if key in ID_CELLS and value == "(index)":
            return tr("the_index", lang)
        if key == "method":
            return method_name(value, lang)
        if key in ("flag", "flags"):
            return "；".join(FLAG_NAMES.get(f, f) for f in value.split("; ")) if value else value
        if key in ID_CELLS and value.strip() in titles:
            return value[: len(value) - len(value.lstrip())] + titles[value.strip()]
        return value

    return [{k: cell(k, v) for k, v in r.items()} for r in rows]


def tr(key: str, lang: Language, **values: object) -> str:
    """The reader-facing text for `key` in `lang`, with `{name}` fields filled in."""
    text = STRINGS[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text


def method_name(name: str, lang: Language) -> str:
    """A method's name as a reader says it: the Chinese name under zh, else the id."""
    return METHOD_NAMES.get(name, name) if lang == "zh" else name


def title(node: Titled, lang: Language) -> str:
    """What a reader sees for a group or indicator: ``title_<lang>``, else `title`, else id."""
    return node.titles.get(lang) or node.title or node.id


def column_label(column: str, lang: Language, titles: Mapping[str, str]) -> str:
    """A column's header: a node's title, or the translated name of a fixed column."""
    if column in titles:
        return titles[column]
    if column in STRINGS:
        return tr(column, lang)
    return column


def as_language(value: str | None) -> Language:
    """A stored language choice (already validated) as the `Language` type; default en."""
    return "zh" if value == "zh" else "en"


def headers(columns: Iterable[str], lang: Language, nodes: Iterable[Titled]) -> dict[str, str]:
    """Header text per column id: node titles, translated fixed columns, the rest unchanged."""
    titles = {n.id: title(n, lang) for n in nodes}
    return {c: column_label(c, lang, titles) for c in columns}
