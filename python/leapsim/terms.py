"""The words a reader sees, in Chinese and English: metric names, units and the report's phrases.

Metric names come from the model's own table (models/innovation/src/metrics.cpp, through
_core.metric_infos()): the English description and the Chinese one as the bureaus' statistics
word it. This module adds only what that table does not hold: units in Chinese, how money is
shown (万元 in Chinese, million yuan in English) and the phrases of the report and the workbook,
in the bureaus' terms (科技型中小企业, 高新技术企业, 专项资金, 一企一策).
"""

from __future__ import annotations

import functools
from typing import Dict, Tuple

from . import _core

LANGUAGES = ("zh", "en")
"""The languages every reader-facing text exists in."""

DEFAULT_LANGUAGE = "zh"
"""The report's and the workbook's language unless asked otherwise: the bureaus work in Chinese."""

# Units as the results file names them -> (Chinese, English).
_UNITS: Dict[str, Tuple[str, str]] = {
    "firms": ("家", "firms"),
    "patents": ("件", "patents"),
    "patents per 10,000 residents": ("件/万人", "patents per 10,000 residents"),
    "yuan": ("元", "yuan"),
    "claims": ("件", "claims"),
    "slots": ("个", "slots"),
    "platforms": ("个", "platforms"),
    "calendar year": ("年", "calendar year"),
}

# Money is shown scaled: (divisor, unit) per language.
_MONEY = {"zh": (1.0e4, "万元"), "en": (1.0e6, "million yuan")}

# Every phrase of the report and the workbook: key -> (Chinese, English). Placeholders are
# str.format fields.
_TEXT: Dict[str, Tuple[str, str]] = {
    "base": ("基准方案", "base"),
    "backtest_title": ("回测：截止年份之后的观测值与预测区间", "Back-test: figures after the cut-off against the forecast bands"),
    "backtest_band_50": ("50%预测区间", "50% forecast band"),
    "backtest_band_90": ("90%预测区间", "90% forecast band"),
    "backtest_observed": ("观测值（▲表示“超过”）", "observed (▲: \"more than\")"),
    "backtest_date": ("观测时点", "date of the figure"),
    "scenario": ("方案", "scenario"),
    "alternative": ("备选方案", "alternative"),
    "year": ("年份", "year"),
    "metric": ("指标", "metric"),
    "metric_code": ("指标代码", "metric code"),
    "unit": ("单位", "unit"),
    "mean": ("均值", "mean"),
    "sd": ("标准差", "standard deviation"),
    "p05": ("5%分位数", "5% quantile"),
    "p50": ("中位数", "median"),
    "p95": ("95%分位数", "95% quantile"),
    "mean_difference": ("平均差值（备选−基准）", "mean difference (alternative − base)"),
    "ci95_low": ("95%置信区间下限", "95% interval, low"),
    "ci95_high": ("95%置信区间上限", "95% interval, high"),
    "variance_base": ("基准方案方差", "variance of the base"),
    "variance_alternative": ("备选方案方差", "variance of the alternative"),
    "variance_difference": ("差值方差", "variance of the difference"),
    "variance_reduction": ("共同随机数带来的精度（倍；乘以模拟次数即为精度相当的非配对模拟次数）",
                           "precision bought by common random numbers (times; times the replications: the unpaired "
                           "replications as precise)"),
    "target": ("目标", "target"),
    "threshold": ("目标值", "threshold"),
    "comparison": ("比较", "comparison"),
    "probability": ("达成概率", "probability of meeting it"),
    "wilson95_low": ("95%区间下限", "95% interval, low"),
    "wilson95_high": ("95%区间上限", "95% interval, high"),
    "replications_met": ("达成的模拟次数", "replications that met it"),
    "share": ("比例（0-1）", "share (0-1)"),
    # The report page.
    "title": ("{study}：政策模拟报告", "{study}: policy simulation report"),
    "subtitle": ("LeapSim 模拟 {first}–{last} 年，{scenarios} 个方案，每个方案 {replications} 次模拟，随机种子 {seed}",
                 "LeapSim simulation of {first}-{last}, {scenarios} scenarios, {replications} replications each, "
                 "seed {seed}"),
    "summary": ("摘要", "Summary"),
    "headline": ("到 {year} 年，基准方案的{metric}预计为 {mean} {unit}（90%区间 {low}–{high} {unit}）。",
                 "By {year}, the base forecasts {metric}: {mean} {unit} (90% band {low}-{high} {unit})."),
    "target_line": ("{label}：基准方案达成概率 {p}（95%区间 {low}–{high}）；最高为“{best}” {best_p}。",
                    "{label}: the base meets it with probability {p} (95% interval {low}-{high}); highest: "
                    "{best}, {best_p}."),
    "no_targets": ("本研究没有设定目标。", "The study sets no targets."),
    "best_package": ("按 {year} 年{metric}增量，效果最好的是“{name}”：比基准方案多 {mean} {unit}（95%区间 {low} 至 {high}）。",
                     "By extra {metric} in {year}, the best package is \"{name}\": {mean} {unit} more than the base "
                     "(95% interval {low} to {high})."),
    "best_by_cost": ("按县级财政每增加一家高新技术企业的成本（{year} 年），最划算的是“{name}”：每家 {cost} {unit}{interval}"
                     "（多 {extra} 家，县级多支出 {total} {unit}）。",
                     "By the county's cost per extra HTE in {year}, the best package is \"{name}\": {cost} {unit} "
                     "per extra HTE{interval} ({extra} more HTEs for {total} {unit} more of the county's money)."),
    "best_by_cost_interval": ("（95% Fieller 区间 {low} 至 {high}）", " (95% Fieller interval {low} to {high})"),
    "best_by_cost_none": ("按成本排序：{year} 年没有哪个方案的高新技术企业增量明确大于 0，无法计算每家的成本。",
                          "By cost: no package adds HTEs in {year} clearly enough (95% interval above 0) to price an "
                          "extra HTE."),
    "best_unresolved": ("该区间包含 0：在当前模拟次数下，它与基准方案的差别尚不能确定。",
                        "The interval includes 0: at this number of replications its difference from the base is "
                        "not resolved."),
    "no_alternatives": ("本研究没有备选方案，无法比较政策组合。", "The study has no alternatives to compare."),
    "caveats": ("使用须知", "Caveats"),
    "caveat_noise": ("图表中的区间只反映模拟中的随机波动（每个方案 {replications} 次模拟），不包括模型参数本身的不确定性；"
                     "真实的不确定性更大。",
                     "The bands count replication noise only ({replications} replications per scenario), not the "
                     "uncertainty of the model's parameters; the real uncertainty is larger."),
    "caveat_assumptions": ("研究文件中标为“假设”（assumption）的参数尚未经数据校准，目标若标为“示例”（illustrative）则仅作示例。",
                           "Parameters marked \"assumption\" in the study file have not been fitted to data, and "
                           "targets marked \"illustrative\" are examples only."),
    "caveat_crn": ("各方案在同一次模拟中使用相同的随机数（共同随机数），因此“{best}”与基准方案的比较精度约相当于每个方案 {n} 次"
                   "非配对模拟；方案之间的差值比各自的区间更精确。",
                   "Every scenario uses the same random numbers in the same replication (common random numbers): "
                   "the comparison of \"{best}\" with the base is as precise as about {n} unpaired replications "
                   "per scenario would make it, so the differences between scenarios are more precise than each "
                   "scenario's own band."),
    "fans": ("各方案预测（扇形图）", "Forecasts by scenario (fan charts)"),
    "fans_note": ("实线为中位数，深色带为中间50%的模拟，浅色带为中间90%；虚线为基准方案中位数；◆为目标。",
                  "Line: median; dark band: the middle 50% of replications; light band: the middle 90%; dashed: the "
                  "base's median; ◆: a target."),
    "forecast_table": ("{scenario}：逐年预测，均值 [90%区间]", "{scenario}: yearly forecast, mean [90% band]"),
    "targets": ("目标达成概率", "Probability of meeting each target"),
    "targets_note": ("达成概率为达到目标的模拟次数占比，括号内为95% Wilson区间。",
                     "The share of replications that meet the target, with its 95% Wilson interval."),
    "differences": ("与基准方案的配对差值", "Paired differences against the base"),
    "differences_note": ("{year} 年各备选方案减基准方案，均值 [95% t区间]；同一次模拟配对比较。",
                         "Each alternative minus the base in {year}, mean [95% t-interval], replication by "
                         "replication."),
    "costs": ("成本（按支付方和项目）", "Costs by payer and item"),
    "mechanisms": ("各方案起作用的原因（机制分解）", "Why each package wins (mechanism breakdown)"),
    "costs_note": ("{first}–{last} 年各方案的成本账目：每一元按支付方和项目记账，为 {replications} 次模拟的均值（{unit}）。"
                   "税式支出为研发费用加计扣除和高新技术企业优惠税率减少的税收。",
                   "The cost books of each scenario over {first}-{last}: every yuan booked with its payer and item, "
                   "means over {replications} replications ({unit}). Tax expenditure is the tax foregone through "
                   "the R&D super-deduction and the HTE tax rate."),
    "payer": ("支付方", "payer"),
    "item": ("项目", "item"),
    "yuan": ("金额（元）", "yuan"),
    "payer_county": ("县级财政", "county"),
    "payer_province": ("省级财政", "province"),
    "payer_tax": ("税式支出", "tax expenditure"),
    "payer_public": ("公共支出合计", "public total"),
    "payer_total": ("{payer}合计", "{payer}, total"),
    "cost_effectiveness": ("成本效益", "Cost-effectiveness"),
    "cost_effectiveness_note": (
        "各备选方案与{base}配对比较：{year} 年增加的高新技术企业数，{first}–{year} 年增加的县级财政成本，以及每增加一家高新技术企业的"
        "县级财政成本（95% Fieller 区间；增加的企业数与零无显著差别时区间无界）。被占优：另一方案（或基准方案）以不更高的成本取得"
        "不更少的效果；效率前沿：不被任何方案或两方案组合超越的方案，按成本排列。",
        "Each alternative paired with the {base}: extra HTEs in {year}, extra cost to the county over {first}-{year}, "
        "and the cost per extra HTE to the county (95% Fieller interval; not bounded where the extra HTEs are not "
        "significantly away from zero). Dominated: another package (or the base) has at least the effect at no "
        "more cost; efficiency frontier: the packages no package or mix of two beats, in order of cost."),
    "ce_extra": ("{year} 年增加的高新技术企业（家）", "extra HTEs in {year}"),
    "ce_extra_cost": ("增加的县级财政成本（{unit}）", "extra cost to the county ({unit})"),
    "ce_cost_per_unit": ("每增加一家高新技术企业的县级财政成本（{unit}）", "cost per extra HTE to the county ({unit})"),
    "ce_per_million": ("每百万元增加的企业数（家）", "extra HTEs per million yuan"),
    "ce_remarks": ("说明", "remarks"),
    "not_bounded": ("无界", "not bounded"),
    "effect_uncertain": ("效果区间包含 0", "effect interval includes 0"),
    "dominated_by": ("被占优（劣于 {name}）", "dominated by {name}"),
    "on_frontier": ("效率前沿", "on the efficiency frontier"),
    "frontier_line": ("效率前沿：{steps}。", "Efficiency frontier: {steps}."),
    "frontier_step": ("{name}（{cost} {unit}，{extra} 家）", "{name} ({cost} {unit}, {extra} HTEs)"),
    "frontier_increment": ("{name}（每增加一家 {cost} {unit}）", "{name} ({cost} {unit} per extra HTE)"),
    "frontier_separator": (" → ", " → "),
    "chart_frontier_x": ("{first}–{year} 年增加的县级财政成本（{unit}）", "extra cost to the county {first}-{year} ({unit})"),
    "chart_frontier_y": ("{year} 年增加的高新技术企业（家）", "extra HTEs in {year}"),
    "chart_frontier_title": ("成本与效果（{replications} 次模拟的均值与95%区间；实线为效率前沿，空心为被占优方案）",
                             "Cost and effect (means with 95% intervals of {replications} replications; line: the "
                             "efficiency frontier; hollow: dominated)"),
    "absent_cost_effectiveness": ("成本效益所需的成本账目", "cost books a cost-effectiveness needs"),
    "sheet_cost_effectiveness": ("成本效益", "Cost-effectiveness"),
    "ce_col_extra": ("增加的效果（备选−基准）", "extra (alternative − base)"),
    "ce_col_extra_low": ("增加的效果 95%区间下限", "extra, 95% interval low"),
    "ce_col_extra_high": ("增加的效果 95%区间上限", "extra, 95% interval high"),
    "ce_col_extra_cost": ("增加的成本（元，首年至该年合计）", "extra cost (yuan, first year to the year)"),
    "ce_col_extra_cost_low": ("增加的成本 95%区间下限", "extra cost, 95% interval low"),
    "ce_col_extra_cost_high": ("增加的成本 95%区间上限", "extra cost, 95% interval high"),
    "ce_col_cost_per_unit": ("每增加一个单位的成本（元）", "cost per extra unit (yuan)"),
    "ce_col_low": ("Fieller 95%区间下限", "Fieller 95% interval low"),
    "ce_col_high": ("Fieller 95%区间上限", "Fieller 95% interval high"),
    "ce_col_bounded": ("区间有界", "interval bounded"),
    "ce_col_per_million": ("每百万元增加的效果", "extra per million yuan"),
    "ce_col_effect_uncertain": ("效果区间包含 0", "effect interval includes 0"),
    "ce_col_dominated": ("被占优", "dominated"),
    "ce_col_dominated_by": ("占优方案", "dominated by"),
    "ce_col_on_frontier": ("在效率前沿上", "on the efficiency frontier"),

    "sensitivity": ("影响结论的关键假设（敏感性分析）", "The assumptions that drive the answer (sensitivity)"),
    "calibration": ("校准与回测质量", "Calibration and back-test quality"),
    "absent": ("此结果文件不含{what}，本节从略。", "This results file holds no {what}; the section is left out."),
    "absent_costs": ("成本账目（该文件由较早版本写出，请重新运行研究）",
                     "cost books (the file was written by an earlier version: run the study again)"),
    "absent_mechanisms": ("机制分解所需的流量指标（该文件由较早版本写出，请重新运行研究）",
                          "flow counters a mechanism breakdown needs (the file was written by an earlier version: "
                          "run the study again)"),
    "mechanisms_note": ("同一次模拟中各方案使用相同的随机数，因此每个差值可以精确地分解为构成它的各项流量（{year} 年，"
                        "{replications} 次模拟的均值，方括号内为95% t区间；显示为0的项从略）。",
                        "Every scenario uses the same random numbers in the same replication, so each difference "
                        "splits exactly into the flows that build it ({year}; means over {replications} "
                        "replications, 95% t-intervals in brackets; parts that show as zero are left out)."),
    "mechanism_line": ("“{name}”使 {year} 年{metric}比{base}变化 {total}", "\"{name}\" changes {metric} in {year} "
                       "by {total} against the {base}"),
    "mechanism_part": ("{label} {value}", "{value} from {label}"),
    "mechanism_split": ("{label}中：{parts}", "Of the {label}: {parts}"),
    "mechanism_none": ("“{name}”在每次模拟中{metric}都与{base}相同。",
                       "\"{name}\" leaves {metric} the same as the {base} in every replication."),
    "divergence_line": ("在记录了事件的模拟中，“{name}”的 {firms} 家企业中有 {parted} 家的经历与{base}不同；最早的分歧在 {year} 年"
                        "（{process}），最多的分歧在 {common_year} 年（{common_process}，{common} 家）。",
                        "In the recorded replications, {parted} of the {firms} firm histories of \"{name}\" part "
                        "from the {base}'s: the first in {year} ({process}), the most in {common_year} "
                        "({common_process}, {common} firms)."),
    "divergence_none": ("在记录了事件的模拟中，“{name}”的 {firms} 家企业的经历与{base}完全相同。",
                        "In the recorded replications, all {firms} firm histories of \"{name}\" are the {base}'s."),
    "list_separator": ("；", "; "),
    "split_separator": ("，", ", "),
    "colon": ("：", ": "),
    "full_stop": ("。", "."),
    "absent_sensitivity": ("敏感性分析结果", "sensitivity results"),
    "sensitivity_absent": ("未提供敏感性分析，本节从略：运行 leapsim sensitivity 研究文件 --inputs 输入文件 -o 敏感性.h5，"
                           "再以 leapsim report 结果.h5 -o 报告.html --sensitivity 敏感性.h5 生成报告。",
                           "No sensitivity analysis was given, so the section is left out: run leapsim sensitivity "
                           "STUDY --inputs FILE -o SENS.h5, then leapsim report RESULTS.h5 -o REPORT.html "
                           "--sensitivity SENS.h5."),
    "sensitivity_note": ("敏感性分析（{method}，{inputs} 个输入，每个设计点 {replications} 次模拟）：各输入在其取值范围内对下列指标的影响，"
                         "低于噪声下限者无法与模拟随机误差区分。按“{decision}”的配对差值排序的方案名次在 {changed} 的设计点上改变；"
                         "改变名次的输入：{flips}。",
                         "Sensitivity analysis ({method}, {inputs} inputs, {replications} replications a design "
                         "point): how much each input moves each figure over its range; below the noise floor an "
                         "effect cannot be told from replication noise. The ranking of packages by their paired "
                         "difference in {decision} changes at {changed} of the design points; the inputs that "
                         "change it: {flips}."),
    "sensitivity_no_flips": ("无", "none"),
    "sensitivity_cost_note": ("按县级财政每单位增量成本排序的备选方案名次在 {changed} 的设计点上改变；改变名次的输入：{flips}。",
                              "Ranked by the county's cost per extra unit, the alternatives' order changes at "
                              "{changed} of the design points; the inputs that change it: {flips}."),
    "sensitivity_other_study": ("注意：敏感性分析所用的研究文件（{file}）与本结果不同。",
                                "Note: the sensitivity analysis was made from another study file ({file})."),
    "sensitivity_output": ("指标", "Figure"),
    "sensitivity_nominal": ("研究原值", "As written"),
    "noise_floor": ("噪声下限", "Noise floor"),
    "sensitivity_strongest": ("影响最大的输入（{index}）", "Strongest inputs ({index})"),
    "sensitivity_undefined": ("无法估计：某些设计点上该方案没有带来增量", "not estimable: the package adds nothing at some design points"),
    "below_floor": ("（低于噪声下限）", " (below the noise floor)"),
    "adaptive": ("自适应模拟次数", "Adaptive replications"),
    "adaptive_precision": ("半宽 {reached}，要求不超过 {asked}：{verdict}", "half-width {reached}, asked at most {asked}: {verdict}"),
    "adaptive_stopped_precision": ("在 {used} 次模拟时停止：所有要求的精度均已达到",
                                   "stopped at {used} replications: every precision asked for was reached"),
    "adaptive_stopped_max_replications": ("达到上限 {used} 次模拟后停止，尚有精度未达到",
                                          "stopped at the cap of {used} replications before every precision was reached"),
    "reached": ("已达到", "reached"),
    "not_reached": ("未达到", "not reached"),
    "absent_calibration": ("后验分布或校准结果", "posterior or calibration results"),
    "clustered_draws": ("同组参数的各次模拟共享参数，因此本报告中差值、目标概率和每增加一家成本的区间以 {draws} 组参数为独立单位计算。",
                        "The replications of one draw share its parameters, so the intervals on differences, target "
                        "probabilities and costs per extra HTE in this report count the {draws} draws as the "
                        "independent units."),
    "posterior_note": ("各次模拟的参数抽自后验分布 {file}（{draws} 组参数，每组 {runs} 次模拟），以上区间已包含参数不确定性。"
                       "下表为 {year} 年方差中来自参数的份额，其余为模拟随机误差。",
                       "Each replication drew its parameters from the posterior {file} ({draws} draws, {runs} "
                       "replications each): the bands above include parameter uncertainty. The table gives the "
                       "share of the variance in {year} that comes from the parameters; the rest is replication "
                       "noise."),
    "parameter_share_title": ("{year} 年方差中来自参数的份额", "Share of the variance in {year} from the parameters"),
    "fit_note": ("这些参数的后验分布由近似贝叶斯计算（ABC-SMC）得到：{particles} 个粒子，{generations} 代，最后一代容差 {epsilon}、"
                 "有效样本量 {ess}，共 {simulations} 次模拟（停止原因：{stopped}）。下表将每个拟合的观测值与后验预测 90% 区间"
                 "（每个粒子以新的随机种子重新模拟）对照。",
                 "The posterior came from approximate Bayesian computation (ABC-SMC): {particles} particles, "
                 "{generations} generations, the last at tolerance {epsilon} with an effective sample size of "
                 "{ess}, {simulations} simulations in all (stopped by: {stopped}). The table sets each fitted "
                 "figure against its posterior predictive 90% (each particle re-simulated with a fresh seed)."),
    "fit_unreadable": ("后验文件 {file} 无法读取（{why}），其拟合质量从略。",
                       "The posterior file {file} cannot be read ({why}), so its fit's quality is left out."),
    "fit_title": ("拟合质量：后验预测检验", "Fit quality: the posterior predictive check"),
    "fit_figure": ("拟合的观测值", "Figure fitted"),
    "fit_observed": ("观测值", "Observed"),
    "fit_predictive": ("后验预测均值 [90%区间]", "Predictive mean [90%]"),
    "fit_accepted": ("接受的模拟均值 [90%区间]", "Accepted runs' mean [90%]"),
    "fit_verdict": ("是否在区间内", "Inside?"),
    "backtest_title": ("回测：在观测值公布前所作预测的表现", "Back-test: forecasts made before the figures were known"),
    "backtest_note": ("只用截止年份以前的数据校准后，对其后观测值所作的预测：{figures} 个观测值中有 {inside} 个落在 90% 区间内，"
                      "相对误差中位数（绝对值）为 {error}。",
                      "Forecasts fitted only to the figures up to a cut-off, scored on the figures after it: "
                      "{inside} of {figures} fell inside their 90% band; the median absolute relative error is "
                      "{error}."),
    "backtest_forecast": ("预测中位数 [90%区间]", "Forecast median [90%]"),
    "backtest_inside": ("是否在 90% 区间内", "Inside the 90%?"),
    "backtest_error": ("相对误差", "Relative error"),
    "inside": ("在区间内", "inside"),
    "outside": ("在区间外", "outside"),
    "not_estimable": ("无法估计（每组参数仅模拟 1 次）", "not estimable (one replication per draw)"),
    "present_unread": ("此结果文件含有以下数据，但此版本的报告尚不能展示：",
                       "This results file holds the data below, which this version of the report cannot show yet:"),
    "provenance": ("数据来源与运行记录", "Provenance"),
    "leapsim_version": ("LeapSim 版本", "LeapSim version"),
    "study_name": ("研究名称", "study"),
    "study_file": ("研究文件", "study file"),
    "study_sha256": ("研究文件 SHA-256（按读取时的文本）", "study file SHA-256 (of its text as read)"),
    "seed": ("随机种子", "seed"),
    "replications": ("每个方案模拟次数", "replications per scenario"),
    "years": ("模拟年份", "years simulated"),
    "command_line": ("运行命令", "command"),
    "created": ("运行时间（UTC）", "run at (UTC)"),
    "run_seconds": ("模拟用时（秒）", "simulation time (s)"),
    "ranks_hosts": ("进程数与主机", "processes and hosts"),
    "events": ("模拟事件数", "events simulated"),
    "report_made": ("本报告生成于 {when}（UTC），LeapSim {version}。", "This report was made on {when} (UTC) by LeapSim {version}."),
    "chart_year": ("年份", "year"),
    "chart_morris_x": ("μ*：{output} 的平均绝对效应（每个输入的全范围）", "mu_star: mean absolute effect on {output} (whole range)"),
    "chart_morris_y": ("σ：效应的标准差", "sigma: sd of the effects"),
    "chart_morris_title": ("Morris 筛选（{replications} 次模拟/点，虚线为噪声下限）",
                           "Morris screening ({replications} replications a point; dashed: noise floor)"),
    "chart_sobol_y": ("Sobol 指数：{output}", "Sobol index of {output}"),
    "chart_sobol_title": ("Sobol 一阶与总效应指数及95%自助区间（虚线为噪声下限）",
                          "Sobol first-order and total indices, 95% bootstrap intervals (dashed: noise floor)"),
    "chart_sobol_first": ("一阶 S1", "first order S1"),
    "chart_sobol_total": ("总效应 ST", "total ST"),
    "chart_target_probability": ("达成目标的概率", "probability of meeting the target"),
    "chart_targets_title": ("目标达成概率与95% Wilson区间（{replications} 次模拟）",
                            "Targets met, with 95% Wilson intervals ({replications} replications)"),
    "chart_differences_x": ("{year} 年{metric}：备选方案 − {base}（{unit}）", "{metric} in {year}: alternative - {base} ({unit})"),
    "chart_differences_title": ("与{base}的配对差值，{year} 年（{replications} 次模拟，共同随机数）",
                                "Paired differences against {base}, {year} ({replications} replications, common "
                                "random numbers)"),
    "chart_difference_label": ("平均差值与95%区间", "mean difference, 95% interval"),
    "chart_fan_title": ("{metric}：中位数、50%与90%区间（{replications} 次模拟）",
                        "{metric}: median, 50% and 90% of {replications} replications"),
    # The workbook.
    "sheet_summary": ("逐年预测", "Yearly summary"),
    "sheet_targets": ("目标达成概率", "Target probabilities"),
    "sheet_comparisons": ("方案比较", "Comparisons"),
    "sheet_costs": ("成本", "Costs"),
    "sheet_about": ("说明", "About"),
    "about_units": ("金额单位为元（未换算），企业数单位为家；每张表的“单位”列给出每个指标的单位。",
                    "Money is in yuan (not scaled) and firm counts in firms; the unit column of each sheet gives each "
                    "metric's unit."),
    "about_nonfinite": ("“inf”表示无穷大（例如某指标在所有模拟中差值不变，方差缩减倍数为无穷大）。",
                        "\"inf\" marks an infinite value (e.g. the variance reduction of a difference that never "
                        "varies)."),
}


def check_language(lang: str) -> str:
    """Returns lang if it is one of LANGUAGES; raises ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str, **fields) -> str:
    """The phrase `key` in `lang`, with its fields filled in."""
    zh, en = _TEXT[key]
    phrase = zh if check_language(lang) == "zh" else en
    return phrase.format(**fields) if fields else phrase


@functools.lru_cache(maxsize=None)
def _metric_table() -> Dict[str, dict]:
    return {row["name"]: row for row in _core.metric_infos()}


def metric_names() -> list:
    """Every metric's code name, in the results file's order."""
    return list(_metric_table())


def metric_name(metric: str, lang: str) -> str:
    """What a metric counts, in words: the model's description in English or Chinese."""
    info = _metric_table()[metric]
    return info["description_zh"] if check_language(lang) == "zh" else info["description"]


def metric_unit(metric: str) -> str:
    """A metric's unit as the results file names it (English)."""
    return _metric_table()[metric]["unit"]


def unit_name(unit: str, lang: str) -> str:
    """A unit of the results file in `lang` (an unknown unit is returned unchanged)."""
    zh, en = _UNITS.get(unit, (unit, unit))
    return zh if check_language(lang) == "zh" else en


def display_unit(metric: str, lang: str) -> Tuple[float, str]:
    """How the page shows a metric: (divisor, unit in words); money is scaled to 万元 or million yuan."""
    unit = metric_unit(metric)
    if unit == "yuan":
        return _MONEY[check_language(lang)]
    return 1.0, unit_name(unit, lang)


def scenario_name(name: str, lang: str) -> str:
    """A scenario's name for readers: the base is named in `lang`, alternatives as the study names them."""
    return text("base", lang) if name == "base" else name
