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
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Mapping, Optional, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes

    from .results import Results

__all__ = ["fan", "differences", "target_probabilities"]


def _axes(ax: Optional["Axes"]) -> "Axes":
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when no Axes is given, so that ax= users need no pyplot state
    return plt.gca()


def _axis_label(results: "Results", metric: str) -> str:
    unit = results.unit(metric)
    return f"{metric} ({unit})" if unit else metric


def fan(results: "Results", metric: str, scenarios: Optional[Sequence[str]] = None, ax: Optional["Axes"] = None,
        *, labels: Optional[Mapping[str, str]] = None) -> "Axes":
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

    Returns:
        The Axes: one median line per scenario (labelled for the legend) and two bands
        (collections) per scenario, the 90% band first; x is the year, y is labelled with the
        metric and its unit.
    """
    ax = _axes(ax)
    names = list(results.scenarios if scenarios is None else scenarios)
    years = results.years
    for name in names:
        values = np.asarray(results.metric(metric, name), dtype=float)
        p05, p25, p50, p75, p95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        (line,) = ax.plot(years, p50, marker="o", markersize=3, zorder=3,
                          label=(labels or {}).get(name, name))
        colour = line.get_color()
        ax.fill_between(years, p05, p95, color=colour, alpha=0.15, linewidth=0, zorder=1)
        ax.fill_between(years, p25, p75, color=colour, alpha=0.3, linewidth=0, zorder=2)
    ax.set_xlabel("year")
    ax.set_ylabel(_axis_label(results, metric))
    ax.set_xticks(years)
    ax.set_title(f"{metric}: median, 50% and 90% of {results.attrs['replications']} replications")
    ax.legend(loc="best", fontsize="small")
    return ax


def differences(results: "Results", metric: str, year: Optional[int] = None, base: Optional[str] = None,
                ax: Optional["Axes"] = None) -> "Axes":
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

    Returns:
        The Axes, alternatives top to bottom in the results' order (y tick labels), the difference
        on x labelled with the metric, the year, the base and the unit.
    """
    ax = _axes(ax)
    year = int(results.years[-1]) if year is None else int(year)
    if year not in set(results.years.tolist()):
        raise ValueError(f"year {year} is not simulated; the results hold {results.years[0]}-{results.years[-1]}")
    table = results.compare(base=base, metric=metric, year=year)
    if table.empty:
        raise ValueError("no alternatives to compare: the results hold a single scenario")
    names = list(table.index)
    mean = table["mean_difference"].to_numpy(dtype=float)
    low = table["ci95_low"].to_numpy(dtype=float)
    high = table["ci95_high"].to_numpy(dtype=float)
    finite = np.isfinite(low) & np.isfinite(high)
    errors = None  # one replication: every interval is infinite, and none is drawn
    if finite.any():
        errors = np.vstack([np.where(finite, mean - low, 0.0), np.where(finite, high - mean, 0.0)])
    positions = np.arange(len(names))
    ax.axvline(0.0, color="grey", linewidth=1, linestyle="--", zorder=1)
    ax.errorbar(mean, positions, xerr=errors, fmt="o", capsize=4, zorder=3, label="mean difference, 95% interval")
    ax.set_yticks(positions)
    ax.set_yticklabels(names)
    ax.set_ylim(len(names) - 0.5, -0.5)  # the first alternative on top
    base_name = base or results.scenarios[0]
    ax.set_xlabel(f"{metric} in {year}: alternative - {base_name} ({results.unit(metric)})")
    ax.set_title(f"Paired differences against {base_name}, {year} "
                 f"({results.attrs['replications']} replications, common random numbers)")
    return ax


def target_probabilities(results: "Results", ax: Optional["Axes"] = None) -> "Axes":
    """Grouped bars: the probability that each scenario meets each target, with 95% Wilson intervals.

    One group per target (in the study's order, labelled with the target's label), one bar per
    scenario within each group (the base first, the same colour in every group), its height the
    share of replications meeting the target (results.targets() column probability) and its error
    bar the Wilson interval (wilson95_low to wilson95_high).

    Args:
        results: the run's results; a study run with targets.
        ax: the Axes to draw into; the current Axes when None.

    Returns:
        The Axes, with one bar container per scenario (ax.containers) labelled for the legend.
    """
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
               capsize=2, label=scenario, error_kw={"elinewidth": 1})
    ax.set_xticks(centres)
    ax.set_xticklabels([textwrap.fill(label, 22) for label in labels], fontsize="small")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability of meeting the target")
    ax.set_title(f"Targets met, with 95% Wilson intervals ({results.attrs['replications']} replications)")
    ax.legend(loc="best", fontsize="small")
    return ax
