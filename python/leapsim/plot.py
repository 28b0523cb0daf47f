"""Charts of a study's results with matplotlib: forecasts, paired differences, target probabilities.

Every function draws into the Axes it is given (or into the current figure's Axes when ax is None),
returns that Axes and never calls plt.show(), so charts can be combined, restyled and saved::

    import matplotlib.pyplot as plt
    import leapsim, leapsim.plot
    results = leapsim.run(leapsim.load("scenarios/congtai-2019.yaml"), replications=40)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    leapsim.plot.fan(results, "htes", ax=left)
    leapsim.plot.differences(results, "htes", year=2025, ax=right)
    fig.savefig("htes.png")

The numbers drawn are the package's own: fan() draws quantiles of results.metric() (its 90% band is
the p05-p95 of results.summary()), differences() draws results.compare() and target_probabilities()
draws results.targets().

Every function takes lang="en" (labels with metric codes, as before) or lang="zh" (labels in
Chinese: the metric's Chinese name and unit, the base named 基准方案). Whatever the language,
the first call adds a CJK font (Noto Sans CJK, installed by scripts/install-deps.sh) as the last
entry of matplotlib's font.family, so Chinese characters in labels and scenario names are drawn
instead of empty boxes; fonts before it keep drawing every glyph they have.
"""

from __future__ import annotations

import functools
import textwrap
from typing import TYPE_CHECKING, Mapping, Optional, Sequence

import numpy as np

from . import terms

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes

    from .results import Results
    from .sensitivity import Sensitivity

__all__ = ["fan", "fan_grid", "differences", "target_probabilities", "morris", "sobol", "cjk_font"]


@functools.lru_cache(maxsize=None)
def cjk_font() -> Optional[str]:
    """The family name of an installed font with Chinese glyphs (None when there is none), now also
    the last fallback of matplotlib's font.family."""
    import matplotlib
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    preferred = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
    found = next((n for n in preferred if n in names), None)
    found = found or next((n for n in sorted(names) if "CJK" in n), None)
    family = list(matplotlib.rcParams["font.family"])
    if found and found not in family:
        matplotlib.rcParams["font.family"] = family + [found]
    return found


def _axes(ax: Optional["Axes"]) -> "Axes":
    cjk_font()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when no Axes is given, so that ax= users need no pyplot state
    return plt.gca()


def _axis_label(results: "Results", metric: str, lang: str = "en") -> str:
    if lang == "zh":
        scale, unit = terms.display_unit(metric, lang)
        return f"{terms.metric_name(metric, lang)}（{unit}）"
    unit = results.unit(metric)
    return f"{metric} ({unit})" if unit else metric


def _scale(metric: str, lang: str) -> float:
    """The divisor of a metric's values on a chart: money in 万元 for Chinese, unscaled in English."""
    return terms.display_unit(metric, lang)[0] if lang == "zh" else 1.0


def _label(name: str, lang: str) -> str:
    return terms.scenario_name(name, lang) if lang == "zh" else name


def fan(results: "Results", metric: str, scenarios: Optional[Sequence[str]] = None, ax: Optional["Axes"] = None,
        *, labels: Optional[Mapping[str, str]] = None, lang: str = "en") -> "Axes":
    """Fan chart of a metric over the simulated years, one fan per scenario.

    For each scenario, the line is the median over replications of results.metric(metric, scenario)
    in each year, the dark band holds the middle 50% of replications (25% to 75% quantiles) and the
    light band the middle 90% (5% to 95%, the p05 and p95 of results.summary(metric)). Quantiles
    are numpy's default (linear interpolation), as in the summaries.

    Args:
        results: the run's results.
        metric: a metric name (results.metric_names).
        scenarios: the scenarios to draw, in order; all of them (base first) when None.
        ax: the Axes to draw into; the current Axes when None.
        labels: legend labels by scenario name (default: the name), e.g. {"base": "fitted"} when
            several Results are drawn into one Axes.
        lang: "en" or "zh", the language of the labels; with "zh" money is drawn in 万元.

    Returns:
        The Axes: one median line per scenario (labelled for the legend) and two bands
        (collections) per scenario, the 90% band first; x is the year, y is labelled with the
        metric and its unit.
    """
    terms.check_language(lang)
    ax = _axes(ax)
    names = list(results.scenarios if scenarios is None else scenarios)
    for name in names:
        _draw_fan(ax, results, metric, name, (labels or {}).get(name, _label(name, lang)), lang)
    ax.set_xlabel(terms.text("chart_year", lang))
    ax.set_ylabel(_axis_label(results, metric, lang))
    ax.set_xticks(results.years)
    shown = metric if lang == "en" else terms.metric_name(metric, lang)
    ax.set_title(terms.text("chart_fan_title", lang, metric=shown, replications=results.attrs["replications"]))
    ax.legend(loc="best", fontsize="small")
    return ax


def _draw_fan(ax: "Axes", results: "Results", metric: str, scenario: str, label: str, lang: str,
              colour: Optional[str] = None) -> None:
    """One scenario's median line and its 50% and 90% bands."""
    values = np.asarray(results.metric(metric, scenario), dtype=float) / _scale(metric, lang)
    p05, p25, p50, p75, p95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    years = results.years
    (line,) = ax.plot(years, p50, marker="o", markersize=3, zorder=3, label=label, color=colour)
    colour = line.get_color()
    ax.fill_between(years, p05, p95, color=colour, alpha=0.15, linewidth=0, zorder=1)
    ax.fill_between(years, p25, p75, color=colour, alpha=0.3, linewidth=0, zorder=2)


def fan_grid(results: "Results", metric: str, *, lang: str = "en", columns: int = 3, figure=None):
    """Small multiples: one fan chart per scenario (base first) on a shared y axis, with the base's
    median dashed on every other panel and the study's targets on this metric as diamonds.

    Args:
        results: the run's results.
        metric: a metric name.
        lang: "en" or "zh", the language of the labels; with "zh" money is drawn in 万元.
        columns: panels per row.
        figure: a matplotlib Figure to draw into (a new one, not managed by pyplot, when None); one
            without a layout engine gets fixed margins.

    Returns:
        The Figure; its Axes are the panels in scenario order, each titled with its scenario.
    """
    terms.check_language(lang)
    cjk_font()
    from matplotlib.figure import Figure
    names = results.scenarios
    columns = max(1, min(columns, len(names)))
    rows = -(-len(names) // columns)
    fig = figure if figure is not None else Figure(figsize=(3.3 * columns, 2.4 * rows + 0.5))
    if fig.get_layout_engine() is None:  # fixed margins: a constrained layout costs a second per grid
        height = fig.get_figheight()
        fig.subplots_adjust(left=0.85 / fig.get_figwidth() + 0.02, right=0.99, top=1 - 0.35 / height,
                            bottom=0.55 / height, wspace=0.06, hspace=0.9 / (height / rows))
    axes = fig.subplots(rows, columns, sharey=True, squeeze=False).ravel()
    table = results.targets()
    goals = table[(table["metric"] == metric) & (table["scenario"] == names[0])] if not table.empty else table
    base_median = np.median(np.asarray(results.metric(metric, names[0]), dtype=float), axis=0) / _scale(metric, lang)
    for i, (ax, name) in enumerate(zip(axes, names)):
        _draw_fan(ax, results, metric, name, _label(name, lang), lang, colour=f"C{i}")
        if i > 0:
            ax.plot(results.years, base_median, color="grey", linestyle="--", linewidth=1, zorder=2)
        for row in goals.itertuples():
            ax.plot([row.year], [row.threshold / _scale(metric, lang)], marker="D", color="black", markersize=5,
                    linestyle="none", zorder=4)
        ax.set_title(textwrap.shorten(_label(name, lang), 40), fontsize="medium")
        ax.set_xticks(results.years)
        ax.tick_params(axis="x", labelrotation=45, labelsize="small")
        ax.grid(True, axis="y", alpha=0.3)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.supylabel(_axis_label(results, metric, lang), fontsize="medium", x=0.005, ha="left")
    return fig


def differences(results: "Results", metric: str, year: Optional[int] = None, base: Optional[str] = None,
                ax: Optional["Axes"] = None, *, lang: str = "en") -> "Axes":
    """Paired-difference chart: each alternative minus the base in one year, with 95% intervals.

    One point per alternative at its mean paired difference (results.compare(base, metric, year)
    column mean_difference) with a horizontal error bar from ci95_low to ci95_high, and a vertical
    line at zero: an interval that does not cross it is a difference the replications resolve.
    Infinite intervals (one replication) are not drawn.

    Args:
        results: the run's results; it needs at least two scenarios.
        metric: a metric name.
        year: the calendar year; the last simulated year when None.
        base: the scenario the others are compared with; the study's base when None.
        ax: the Axes to draw into; the current Axes when None.
        lang: "en" or "zh", the language of the labels; with "zh" money is drawn in 万元.

    Returns:
        The Axes, alternatives top to bottom in the results' order (y tick labels), the difference
        on x labelled with the metric, the year, the base and the unit.
    """
    terms.check_language(lang)
    ax = _axes(ax)
    year = int(results.years[-1]) if year is None else int(year)
    if year not in set(results.years.tolist()):
        raise ValueError(f"year {year} is not simulated; the results hold {results.years[0]}-{results.years[-1]}")
    table = results.compare(base=base, metric=metric, year=year)
    if table.empty:
        raise ValueError("no alternatives to compare: the results hold a single scenario")
    names = list(table.index)
    scale = _scale(metric, lang)
    mean = table["mean_difference"].to_numpy(dtype=float) / scale
    low = table["ci95_low"].to_numpy(dtype=float) / scale
    high = table["ci95_high"].to_numpy(dtype=float) / scale
    finite = np.isfinite(low) & np.isfinite(high)
    errors = None  # one replication: every interval is infinite, and none is drawn
    if finite.any():
        errors = np.vstack([np.where(finite, mean - low, 0.0), np.where(finite, high - mean, 0.0)])
    positions = np.arange(len(names))
    ax.axvline(0.0, color="grey", linewidth=1, linestyle="--", zorder=1)
    ax.errorbar(mean, positions, xerr=errors, fmt="o", capsize=4, zorder=3,
                label=terms.text("chart_difference_label", lang))
    ax.set_yticks(positions)
    ax.set_yticklabels([_label(n, lang) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)  # the first alternative on top
    base_name = _label(base or results.scenarios[0], lang)
    shown = metric if lang == "en" else terms.metric_name(metric, lang)
    unit = results.unit(metric) if lang == "en" else terms.display_unit(metric, lang)[1]
    ax.set_xlabel(terms.text("chart_differences_x", lang, metric=shown, year=year, base=base_name, unit=unit))
    ax.set_title(terms.text("chart_differences_title", lang, base=base_name, year=year,
                            replications=results.attrs["replications"]))
    return ax


def target_probabilities(results: "Results", ax: Optional["Axes"] = None, *, lang: str = "en") -> "Axes":
    """Grouped bars: the probability that each scenario meets each target, with 95% Wilson intervals.

    One group per target (in the study's order, labelled with the target's label), one bar per
    scenario within each group (the base first, the same colour in every group), its height the
    share of replications meeting the target (results.targets() column probability) and its error
    bar the Wilson interval (wilson95_low to wilson95_high).

    Args:
        results: the run's results; a study run with targets.
        ax: the Axes to draw into; the current Axes when None.
        lang: "en" or "zh", the language of the labels.

    Returns:
        The Axes, with one bar container per scenario (ax.containers) labelled for the legend.
    """
    terms.check_language(lang)
    ax = _axes(ax)
    table = results.targets()
    if table.empty:
        raise ValueError("the results hold no targets: run a study file with a targets section")
    scenarios = list(dict.fromkeys(table["scenario"]))
    table = table.assign(target=np.arange(len(table)) // len(scenarios))  # rows: target by target, scenarios in order
    labels = list(table.groupby("target", sort=True)["label"].first())
    width = 0.8 / len(scenarios)
    centres = np.arange(len(labels))
    for s, scenario in enumerate(scenarios):
        rows = table[table["scenario"] == scenario].sort_values("target")
        p = rows["probability"].to_numpy(dtype=float)
        errors = np.vstack([p - rows["wilson95_low"].to_numpy(dtype=float),
                            rows["wilson95_high"].to_numpy(dtype=float) - p])
        ax.bar(centres + (s - (len(scenarios) - 1) / 2) * width, p, width, yerr=np.clip(errors, 0, None),
               capsize=2, label=_label(scenario, lang), error_kw={"elinewidth": 1})
    ax.set_xticks(centres)
    ax.set_xticklabels([textwrap.fill(label, 22) for label in labels], fontsize="small")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(terms.text("chart_target_probability", lang))
    ax.set_title(terms.text("chart_targets_title", lang, replications=results.attrs["replications"]))
    ax.legend(loc="best", fontsize="small")
    return ax


def morris(analysis: "Sensitivity", output: str, ax: Optional["Axes"] = None, *, lang: str = "en") -> "Axes":
    """The mu_star-sigma plot of a Morris analysis for one output (Campolongo et al. 2007).

    One labelled point per input at (mu_star, sigma) from analysis.ranked(output), a dashed
    vertical line at the output's noise floor (inputs left of it are not told from seed noise) and
    the line sigma = mu_star (inputs above it act through interactions or non-linearly).

    Args:
        analysis: a Morris analysis (leapsim.sensitivity or leapsim.open_sensitivity).
        output: an output name, e.g. "htes_2025" (analysis.outputs lists them).
        ax: the Axes to draw into; the current Axes when None.
        lang: "en" or "zh", the language of the labels.

    Returns:
        The Axes; ax.collections[0] holds the inputs' points in analysis.ranked(output) order.
    """
    terms.check_language(lang)
    if analysis.method != "morris":
        raise ValueError("morris() draws a Morris analysis; use sobol() for this one")
    ax = _axes(ax)
    table = analysis.ranked(output)
    x = table["mu_star"].to_numpy(dtype=float)
    y = table["sigma"].to_numpy(dtype=float)
    ax.scatter(x, y, zorder=3)
    for name, xi, yi in zip(table.index, x, y):
        ax.annotate(name, (xi, yi), fontsize="x-small", xytext=(3, 3), textcoords="offset points")
    top = max(float(np.max(x, initial=0.0)), float(np.max(y, initial=0.0)), 1e-12)
    ax.plot([0, top], [0, top], color="grey", linewidth=1, linestyle=":", zorder=1)
    ax.axvline(float(analysis.outputs.loc[output, "noise_floor"]), color="grey", linewidth=1, linestyle="--")
    ax.set_xlabel(terms.text("chart_morris_x", lang, output=analysis.outputs.loc[output, "label"]))
    ax.set_ylabel(terms.text("chart_morris_y", lang))
    ax.set_title(terms.text("chart_morris_title", lang, replications=int(analysis.attrs["replications"])))
    return ax


def sobol(analysis: "Sensitivity", output: str, ax: Optional["Axes"] = None, *, lang: str = "en") -> "Axes":
    """Bars of a Sobol analysis for one output: first-order and total index per input with their
    95% bootstrap intervals, the strongest input (by ST) first, and the noise floor dashed.

    Args:
        analysis: a Sobol analysis (leapsim.sensitivity(..., method="sobol") or leapsim.open_sensitivity).
        output: an output name, e.g. "htes_2025".
        ax: the Axes to draw into; the current Axes when None.
        lang: "en" or "zh", the language of the labels.

    Returns:
        The Axes, with two bar containers (S1, then ST) in analysis.ranked(output) order.
    """
    terms.check_language(lang)
    if analysis.method != "sobol":
        raise ValueError("sobol() draws a Sobol analysis; use morris() for this one")
    ax = _axes(ax)
    table = analysis.ranked(output)
    centres = np.arange(len(table))
    for offset, key, label in ((-0.2, "S1", "chart_sobol_first"), (0.2, "ST", "chart_sobol_total")):
        value = table[key].to_numpy(dtype=float)
        errors = np.vstack([value - table[f"{key}_low"].to_numpy(dtype=float),
                            table[f"{key}_high"].to_numpy(dtype=float) - value])
        ax.bar(centres + offset, value, 0.4, yerr=np.clip(errors, 0, None), capsize=2,
               label=terms.text(label, lang), error_kw={"elinewidth": 1})
    ax.axhline(float(analysis.outputs.loc[output, "noise_floor"]), color="grey", linewidth=1, linestyle="--")
    ax.set_xticks(centres)
    ax.set_xticklabels(list(table.index), rotation=30, ha="right", fontsize="small")
    ax.set_ylabel(terms.text("chart_sobol_y", lang, output=analysis.outputs.loc[output, "label"]))
    ax.set_title(terms.text("chart_sobol_title", lang))
    ax.legend(loc="best", fontsize="small")
    return ax
