"""The report for a district leader: one self-contained HTML page of a study's results.

    leapsim.report(results, "report.html", lang="zh")      # or: leapsim report RESULTS.h5 -o report.html

The page needs nothing but itself: CSS inline, charts as inline SVG (text drawn as paths, so no
font is needed to view it), no script, no request to any network. It prints to PDF (A4) with a
page break before each section. Sections, in order: the summary, fan charts per scenario with the
yearly table, target probabilities, paired differences, costs by payer and item (Results.costs),
cost-effectiveness (Results.cost_effectiveness: a table and a chart of cost against effect with the
efficiency frontier), mechanisms, sensitivity, calibration, provenance. Each section is one
function below, from the results to a template and its data; a section whose data the results
file does not hold (cost books in a file from an earlier version; a sensitivity analysis, which
`leapsim sensitivity` writes to a file of its own and the page takes with --sensitivity) says so in
one line. The mechanisms section says each package's difference by mechanism in
words (Results.explain). The calibration section shows,
for a study that drew from a posterior, where the draws came from, the parameters' share of
each headline metric's variance and how well the posterior fits its figures (the posterior
predictive check of its file).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import itertools
import math
import os
from typing import Callable, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import plot, terms
from ._core import ResultsError
from ._files import check_destination, write_atomically
from .results import Results

__all__ = ["report", "render", "KEY_METRICS"]

KEY_METRICS = ("tech_smes", "htes", "invention_patents_per_10k", "rd_spend", "subsidies_paid")
"""The metrics of the yearly tables and the differences, as in `leapsim run`'s printed report."""

HEADLINE_METRICS = ("htes", "tech_smes")
"""The metrics of the summary's headline sentences; the best package is chosen by the first."""


@dataclasses.dataclass
class Section:
    """One section of the page: its anchor, heading, template and the data the template reads."""
    id: str
    title: str
    template: str
    data: dict


@dataclasses.dataclass
class _Page:
    """What every section function reads: the results, the language and number formatting, and a
    sensitivity analysis of the same study when one is given."""
    results: Results
    lang: str
    sensitivity: Optional["Sensitivity"] = None
    backtest: Optional[list] = None  # the rows of a back-test table (leapsim.read_backtest_table)

    @property
    def years(self) -> List[int]:
        return [int(y) for y in self.results.years]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    def t(self, key: str, **fields) -> str:
        return terms.text(key, self.lang, **fields)

    def scenario(self, name: str) -> str:
        return terms.scenario_name(name, self.lang)

    def metric(self, metric: str) -> str:
        return terms.metric_name(metric, self.lang)

    def unit(self, metric: str) -> str:
        return terms.display_unit(metric, self.lang)[1]

    def number(self, value: float, metric: str, signed: bool = False) -> str:
        """A value as the page shows it: scaled to the display unit, with the metric's decimals."""
        return format_number(value, metric, self.lang, signed)

    def metric_heading(self, metric: str) -> str:
        return f"{self.metric(metric)}（{self.unit(metric)}）" if self.lang == "zh" else \
            f"{self.metric(metric)} ({self.unit(metric)})"


def decimals(metric: str, lang: str) -> int:
    """Decimals the page shows a metric with: two for rates and million yuan, one otherwise."""
    unit = terms.metric_unit(metric)
    if unit == "patents per 10,000 residents" or (unit == "yuan" and lang == "en"):
        return 2
    return 1


def format_number(value: float, metric: str, lang: str, signed: bool = False) -> str:
    """A metric's value in its display unit and decimals, as every table of the page prints it."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "–"
    scale = terms.display_unit(metric, lang)[0]
    return f"{value / scale:{'+' if signed else ''}.{decimals(metric, lang)}f}"


def percent(share: float) -> str:
    """A share as a percentage with one decimal, as the target tables print it."""
    return f"{100.0 * share:.1f}%"


_CHART_IDS = itertools.count(1)


def _svg(figure) -> str:
    """A matplotlib Figure as inline SVG markup (text as paths: no font needed to view it)."""
    import matplotlib
    buffer = io.StringIO()
    # Distinct ids per chart: several SVGs share one page, and matplotlib derives ids from content.
    with matplotlib.rc_context({"svg.hashsalt": f"leapsim-chart-{next(_CHART_IDS)}", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    plot.cjk_font()
    return Figure(figsize=(width, height), layout="constrained")


def _fit_title(ax) -> None:
    """Wraps a chart's title to its figure's width instead of cutting it off."""
    ax.set_title(ax.get_title(), fontsize="medium", wrap=True)


# -- sections -----------------------------------------------------------------------------------

def summary(page: _Page) -> Section:
    """The headline forecasts with their bands, each target's probability, the best package and caveats."""
    r, year = page.results, page.last_year
    headlines = []
    for metric in HEADLINE_METRICS:
        s = r.summary(metric).loc[("base", year)]
        headlines.append(page.t("headline", year=year, metric=page.metric(metric), unit=page.unit(metric),
                                mean=page.number(s["mean"], metric), low=page.number(s["p05"], metric),
                                high=page.number(s["p95"], metric)))
    target_lines = []
    for label, rows in _by_target(r):
        base = rows.iloc[0]
        best = rows.loc[rows["probability"].idxmax()]
        target_lines.append(page.t("target_line", label=label, p=percent(base["probability"]),
                                   low=percent(base["wilson95_low"]), high=percent(base["wilson95_high"]),
                                   best=page.scenario(best["scenario"]), best_p=percent(best["probability"])))
    best, unresolved = None, False
    metric = HEADLINE_METRICS[0]
    compared = r.compare(metric=metric, year=year)
    if not compared.empty:
        name = compared["mean_difference"].idxmax()
        row = compared.loc[name]
        best = page.t("best_package", year=year, metric=page.metric(metric), name=page.scenario(name),
                      unit=page.unit(metric), mean=page.number(row["mean_difference"], metric),
                      low=page.number(row["ci95_low"], metric), high=page.number(row["ci95_high"], metric))
        unresolved = not (row["ci95_low"] > 0 or row["ci95_high"] < 0)
    cheapest = best_by_cost(page, year) if not compared.empty else None
    caveats = [page.t("caveat_noise", replications=r.attrs["replications"]), page.t("caveat_assumptions")]
    if not compared.empty:
        reduction = compared.loc[name, "variance_reduction"]
        unpaired = f"{_two_figures(r.attrs['replications'] * reduction):,}" if math.isfinite(reduction) else "∞"
        caveats.append(page.t("caveat_crn", best=page.scenario(name), n=unpaired))
    return Section("summary", page.t("summary"), "summary", {
        "headlines": headlines, "targets": target_lines, "no_targets": page.t("no_targets"),
        "best": best, "unresolved": page.t("best_unresolved") if unresolved else None, "cheapest": cheapest,
        "no_alternatives": page.t("no_alternatives"), "caveats_title": page.t("caveats"), "caveats": caveats})


def best_by_cost(page: _Page, year: int) -> Optional[str]:
    """The best package by the county's cost per extra HTE in the last year, among those whose extra
    HTEs are clearly above zero (a package that adds HTEs and costs the county nothing more comes
    first); a line saying none qualifies; None for a file without the cost books."""
    r = page.results
    if not r.has_costs:
        return None
    ce = r.cost_effectiveness("htes", year)
    clear = ce[ce["extra_low"] > 0]
    if clear.empty:
        return page.t("best_by_cost_none", year=year)
    free = clear[clear["extra_cost"] <= 0]
    row = (free.loc[free["extra"].idxmax()] if not free.empty else clear.loc[clear["cost_per_unit"].idxmin()])
    money = "county_cost"
    interval = (page.t("best_by_cost_interval", low=page.number(row["low"], money), high=page.number(row["high"], money))
                if row["bounded"] else "")  # bounded whenever the extra HTEs are clear: the same t
    return page.t("best_by_cost", year=year, name=page.scenario(row["scenario"]), unit=page.unit(money),
                  cost=page.number(max(row["cost_per_unit"], 0.0), money), interval=interval,
                  extra=page.number(row["extra"], "htes"), total=page.number(row["extra_cost"], money))


def _two_figures(value: float) -> int:
    """A positive count rounded to two significant figures (as the printed report rounds it)."""
    step = 10 ** max(0, math.floor(math.log10(max(value, 1.0))) - 1)
    return int(round(value / step) * step)


def _by_target(results: Results):
    """(label, rows) per target in the study's order, the rows one per scenario, base first."""
    table = results.targets()
    if table.empty:
        return []
    count = len(dict.fromkeys(table["scenario"]))
    return [(rows["label"].iloc[0], rows) for _, rows in table.groupby(np.arange(len(table)) // count, sort=True)]


def _chart_metrics(page: _Page) -> List[str]:
    targeted = list(dict.fromkeys(page.results.targets().get("metric", [])))
    wanted = set(HEADLINE_METRICS) | set(targeted)
    return [m for m in KEY_METRICS if m in wanted] + [m for m in targeted if m not in KEY_METRICS]


def fan_charts(page: _Page) -> Section:
    """Small multiples per headline or targeted metric, then each scenario's yearly table."""
    charts = []
    for metric in _chart_metrics(page):
        columns = 3 if len(page.results.scenarios) > 4 else len(page.results.scenarios)
        figure = plot.fan_grid(page.results, metric, lang=page.lang, columns=columns)
        charts.append({"title": page.metric_heading(metric), "svg": _svg(figure)})
    tables = []
    for name in page.results.scenarios:
        rows = []
        stats = {m: page.results.summary(m).loc[name] for m in KEY_METRICS}
        for year in page.years:
            rows.append([str(year)] + [f"{page.number(stats[m].loc[year, 'mean'], m)} "
                                       f"[{page.number(stats[m].loc[year, 'p05'], m)}, "
                                       f"{page.number(stats[m].loc[year, 'p95'], m)}]" for m in KEY_METRICS])
        tables.append({"title": page.t("forecast_table", scenario=page.scenario(name)), "rows": rows})
    return Section("fans", page.t("fans"), "fans", {
        "note": page.t("fans_note"), "charts": charts, "tables": tables,
        "header": [page.t("year")] + [page.metric_heading(m) for m in KEY_METRICS]})


def target_probabilities(page: _Page) -> Section:
    """Every target against every scenario: the probability with its 95% Wilson interval, and a chart."""
    table = page.results.targets()
    if table.empty:
        return Section("targets", page.t("targets"), "note", {"note": page.t("no_targets")})
    scenarios = list(dict.fromkeys(table["scenario"]))
    rows = []
    for label, group in _by_target(page.results):
        rows.append([label] + [f"{percent(g.probability)} [{percent(g.wilson95_low)}, {percent(g.wilson95_high)}]"
                               for g in group.itertuples()])
    figure = _figure(9.0, 3.6)
    _fit_title(plot.target_probabilities(page.results, figure.subplots(), lang=page.lang))
    return Section("targets", page.t("targets"), "table_chart", {
        "note": page.t("targets_note"), "header": [page.t("target")] + [page.scenario(s) for s in scenarios],
        "rows": rows, "svg": _svg(figure)})


def differences(page: _Page) -> Section:
    """Each alternative minus the base in the last year on the key metrics, and a chart of the first."""
    year = page.last_year
    if page.results.compare(metric="htes", year=year).empty:
        return Section("differences", page.t("differences"), "note", {"note": page.t("no_alternatives")})
    tables = {m: page.results.compare(metric=m, year=year) for m in KEY_METRICS}
    rows = []
    for name in tables[KEY_METRICS[0]].index:
        cells = []
        for m in KEY_METRICS:
            row = tables[m].loc[name]
            cells.append(f"{page.number(row['mean_difference'], m, True)} "
                         f"[{page.number(row['ci95_low'], m, True)}, {page.number(row['ci95_high'], m, True)}]")
        rows.append([page.scenario(name)] + cells)
    figure = _figure(8.0, 0.6 * len(rows) + 1.6)
    _fit_title(plot.differences(page.results, HEADLINE_METRICS[0], year=year, ax=figure.subplots(), lang=page.lang))
    return Section("differences", page.t("differences"), "table_chart", {
        "note": page.t("differences_note", year=year),
        "header": [page.t("alternative")] + [page.metric_heading(m) for m in KEY_METRICS],
        "rows": rows, "svg": _svg(figure)})


OPTIONAL_GROUPS = {"sensitivity": "sensitivity", "calibration": "calibration"}
"""Sections drawn from a root group of the results file when it has one: section key -> group name."""

ABSENT_KEYS = ("costs", *OPTIONAL_GROUPS)
"""The sections a results file may lack: the cost books and the optional groups (the workbook's
About sheet says which are absent)."""


def absent_line(results: Results, key: str, lang: str) -> Optional[str]:
    """The line saying the results file lacks an optional section's data, or None when it has it."""
    if key == "costs":
        present = results.has_costs
    else:
        present = OPTIONAL_GROUPS[key] in results._tree.groups("") or (key == "calibration" and results.has_posterior)
    return None if present else terms.text("absent", lang, what=terms.text(f"absent_{key}", lang))


def _optional(key: str) -> Callable[[_Page], Section]:
    """A section the results file may hold as a group at its root: not written by this version yet,
    so when present its datasets are listed, and when absent one line says so."""
    group = OPTIONAL_GROUPS[key]

    def section(page: _Page) -> Section:
        absent = absent_line(page.results, key, page.lang)
        if absent:
            return Section(key, page.t(key), "note", {"note": absent})
        listed = [f"{group}/{d}" for d in page.results._tree.datasets(group)]
        listed += [f"{group}/{g}/" for g in page.results._tree.groups(group)]
        return Section(key, page.t(key), "listing", {"note": page.t("present_unread"), "items": listed})
    section.__name__ = key
    section.__doc__ = f"The {key} section, from the root group '{group}' when the results file has one."
    return section


PAYERS = ("county", "province", "tax")
"""The payers of the cost books, in the order the page and the workbook list them."""

MONEY_METRIC = "subsidies_paid"
"""A metric in yuan: its display unit is the page's unit of money."""


def plan_period_costs(results: Results) -> pd.DataFrame:
    """Each scenario's cost books over the whole run: the mean over replications of each item's
    yuan summed over the years, indexed by (payer, item) in the books' order, one column a scenario."""
    books = results.costs()
    totals = books.groupby(["scenario", "payer", "item", "replication"], sort=False)["yuan"].sum()
    means = totals.groupby(level=["scenario", "payer", "item"], sort=False).mean()
    order = pd.MultiIndex.from_frame(books[["payer", "item"]].drop_duplicates())
    return means.unstack("scenario").reindex(index=order, columns=results.scenarios)


def costs(page: _Page) -> Section:
    """The cost books by payer and item for each scenario over the run, with each payer's total
    and the public total, in the page's unit of money."""
    r = page.results
    absent = absent_line(r, "costs", page.lang)
    if absent:
        return Section("costs", page.t("costs"), "note", {"note": absent})
    table = plan_period_costs(r)
    scale, unit = terms.display_unit(MONEY_METRIC, page.lang)
    cells = lambda values: [page.number(v, MONEY_METRIC) for v in values]  # noqa: E731
    rows = []
    for payer in [p for p in PAYERS if p in table.index.get_level_values("payer")]:
        part = table.xs(payer, level="payer")
        payer_name = page.t(f"payer_{payer}")
        rows += [[payer_name, page.metric(item)] + cells(values) for item, values in part.iterrows()]
        rows.append([payer_name, page.t("payer_total", payer=payer_name)] + cells(part.sum()))
    rows.append([page.t("payer_public"), ""] + cells(table.sum()))
    note = page.t("costs_note", first=page.years[0], last=page.last_year, replications=r.attrs["replications"],
                  unit=unit)
    return Section("costs", page.t("costs"), "note_table", {
        "note": note, "header": [page.t("payer"), page.t("item")] + [page.scenario(s) for s in r.scenarios],
        "rows": rows})


def _frontier_chart(page: _Page, table: pd.DataFrame) -> str:
    """Extra cost to the county (x) against extra HTEs (y) of each package with their 95% intervals,
    the base at the origin, the efficiency frontier as a line and dominated packages hollow."""
    scale, unit = terms.display_unit(MONEY_METRIC, page.lang)
    figure = _figure(8.0, 5.0)
    ax = figure.subplots()
    x, y = table["extra_cost"] / scale, table["extra"]
    xerr = np.vstack([x - table["extra_cost_low"] / scale, table["extra_cost_high"] / scale - x])
    yerr = np.vstack([y - table["extra_low"], table["extra_high"] - y])
    finite = np.isfinite(xerr).all(axis=0) & np.isfinite(yerr).all(axis=0)
    for dominated in (False, True):
        chosen = (table["dominated"] == dominated).to_numpy() & finite
        ax.errorbar(x[chosen], y[chosen], xerr=xerr[:, chosen], yerr=yerr[:, chosen], fmt="o", capsize=3,
                    color="#2a5d9f", markerfacecolor="white" if dominated else "#2a5d9f", zorder=3)
    frontier = table.attrs["frontier"]
    ax.plot(frontier["extra_cost"] / scale, frontier["extra"], color="#e07b00", linewidth=1.5, zorder=2)
    ax.plot([0.0], [0.0], marker="s", color="black", zorder=4)
    for name, px, py in [(table.attrs["base"], 0.0, 0.0)] + list(zip(table["scenario"], x, y)):
        ax.annotate(page.scenario(name), (px, py), textcoords="offset points", xytext=(5, 5), fontsize="small")
    ax.axhline(0.0, color="grey", linewidth=0.8, linestyle="--")
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
    year = table.attrs["year"]
    ax.set_xlabel(page.t("chart_frontier_x", first=page.years[0], year=year, unit=unit))
    ax.set_ylabel(page.t("chart_frontier_y", year=year))
    ax.set_title(page.t("chart_frontier_title", replications=page.results.attrs["replications"]))
    _fit_title(ax)
    return _svg(figure)


def cost_effectiveness(page: _Page) -> Section:
    """Each package's extra HTEs, extra cost to the county and cost per extra HTE (Fieller), with
    dominance, the efficiency frontier in words and a chart of cost against effect."""
    r, year = page.results, page.last_year
    title = page.t("cost_effectiveness")
    if r.compare(metric="htes", year=year).empty:
        return Section("cost_effectiveness", title, "note", {"note": page.t("no_alternatives")})
    if not r.has_costs:
        return Section("cost_effectiveness", title, "note", {
            "note": terms.text("absent", page.lang, what=page.t("absent_cost_effectiveness"))})
    table = r.cost_effectiveness("htes", year, "county")
    scale, unit = terms.display_unit(MONEY_METRIC, page.lang)
    money = lambda v, signed=True: page.number(v, MONEY_METRIC, signed)  # noqa: E731
    rows = []
    for row in table.itertuples():
        per_unit = (f"{money(row.cost_per_unit, False)} [{money(row.low, False)}, {money(row.high, False)}]"
                    if row.bounded else f"{money(row.cost_per_unit, False)} ({page.t('not_bounded')})")
        if row.extra <= 0:
            per_unit = "–"
        remarks = [page.t("effect_uncertain")] if row.effect_uncertain else []
        if row.dominated:
            remarks.append(page.t("dominated_by", name=page.scenario(row.dominated_by)))
        if row.on_frontier:
            remarks.append(page.t("on_frontier"))
        rows.append([page.scenario(row.scenario),
                     f"{row.extra:+.1f} [{row.extra_low:+.1f}, {row.extra_high:+.1f}]",
                     f"{money(row.extra_cost)} [{money(row.extra_cost_low)}, {money(row.extra_cost_high)}]",
                     per_unit, f"{row.per_million:.2f}", page.t("list_separator").join(remarks)])
    steps = []
    for i, step in enumerate(table.attrs["frontier"].itertuples()):
        if i == 0:
            steps.append(page.t("frontier_step", name=page.scenario(step.scenario), cost=money(step.extra_cost),
                                unit=unit, extra=f"{step.extra:+.1f}"))
        else:
            steps.append(page.t("frontier_increment", name=page.scenario(step.scenario),
                                cost=money(step.incremental_cost_per_unit, False), unit=unit))
    base = page.scenario(table.attrs["base"])
    note = page.t("cost_effectiveness_note", base=base, year=year, first=page.years[0]) + " " + \
        page.t("frontier_line", steps=page.t("frontier_separator").join(steps))
    return Section("cost_effectiveness", title, "table_chart", {
        "note": note,
        "header": [page.t("alternative"), page.t("ce_extra", year=year), page.t("ce_extra_cost", unit=unit),
                   page.t("ce_cost_per_unit", unit=unit), page.t("ce_per_million"), page.t("ce_remarks")],
        "rows": rows, "svg": _frontier_chart(page, table)})


MECHANISM_METRICS = ("htes", "tech_smes")
"""The metrics whose difference the mechanisms section splits, as the printed report does."""


def _explanation(page: _Page, name: str, metric: str, year: int) -> dict:
    """One package's difference in one metric in plain words: the total and its mechanisms, then
    each split of a mechanism; parts that show as zero at the page's precision are left out."""
    r = page.results
    rows = r.explain(name, metric, year)
    compared = r.compare(metric=metric, year=year).loc[name]
    base = page.scenario(r._tree.attributes("comparisons")["base"])
    fields = dict(name=page.scenario(name), metric=page.metric(metric), year=year, base=base)
    if compared["mean_difference"] == 0 and compared["variance_difference"] == 0:
        return {"head": page.t("mechanism_none", **fields), "parts": []}
    label = "mechanism_zh" if page.lang == "zh" else "mechanism"
    shown = 0.5 * 10 ** -decimals(metric, page.lang) * terms.display_unit(metric, page.lang)[0]

    def cell(mean, low, high):
        return f"{page.number(mean, metric, True)} [{page.number(low, metric, True)}, {page.number(high, metric, True)}]"

    def part(row):
        return page.t("mechanism_part", label=row[label], value=cell(row["mean"], row["low"], row["high"]))

    top = rows[(rows["parent"] == "") & (rows["mean"].abs() >= shown)]
    head = page.t("mechanism_line", total=cell(compared["mean_difference"], compared["ci95_low"],
                                               compared["ci95_high"]), **fields)
    if not top.empty:
        head += page.t("colon") + page.t("list_separator").join(part(row) for _, row in top.iterrows())
    parts = []
    for _, parent in top.iterrows():
        children = rows[(rows["parent"] == parent["key"]) & (rows["mean"].abs() >= shown)]
        splits = [page.t("split_separator").join(part(row) for _, row in group.iterrows())
                  for _, group in children.groupby("split", sort=False)]
        if splits:
            parts.append(page.t("mechanism_split", label=parent[label], parts=page.t("list_separator").join(splits)))
    return {"head": head + page.t("full_stop"), "parts": parts}


def _divergence(page: _Page, name: str) -> Optional[str]:
    """How many firm histories of the recorded replications part from the base's, and where, in a
    sentence; None when the file holds no event log."""
    r = page.results
    if any("events" not in r._tree.datasets(f"scenarios/{s}") for s in r.scenarios):
        return None
    parted = r.divergence(name)
    fields = dict(name=page.scenario(name), base=page.scenario(r._tree.attributes("comparisons")["base"]),
                  firms=parted.attrs["firms"])
    if parted.empty:
        return page.t("divergence_none", **fields)
    first = parted.loc[parted["time"].idxmin()]
    counts = parted.groupby(["year", "process"], observed=True).size()
    year, process = counts.idxmax()
    return page.t("divergence_line", parted=len(parted), year=int(first["year"]), process=first["process"],
                  common_year=int(year), common_process=process, common=int(counts.max()), **fields)


def mechanisms(page: _Page) -> Section:
    """Why each package differs from the base, by mechanism (Results.explain), in plain words for
    HTEs and tech SMEs in the last year."""
    r = page.results
    if r.compare(metric="htes", year=page.last_year).empty:
        return Section("mechanisms", page.t("mechanisms"), "note", {"note": page.t("no_alternatives")})
    year = page.last_year
    paragraphs = []
    try:
        for name in r.compare(metric="htes", year=year).index:
            paragraphs += [_explanation(page, name, metric, year) for metric in MECHANISM_METRICS]
            parting = _divergence(page, name)
            if parting:
                paragraphs.append({"head": parting, "parts": []})
    except ResultsError:  # a file from before the mechanism counters
        return Section("mechanisms", page.t("mechanisms"), "note", {
            "note": terms.text("absent", page.lang, what=page.t("absent_mechanisms"))})
    return Section("mechanisms", page.t("mechanisms"), "paragraphs", {
        "note": page.t("mechanisms_note", year=year, replications=r.attrs["replications"]),
        "paragraphs": paragraphs})

_calibration_group = _optional("calibration")

SENSITIVITY_TOP = 3
"""Inputs the page names per output of a sensitivity analysis: the strongest few."""


def sensitivity_outputs(s: "Sensitivity") -> List[str]:
    """The outputs the page shows: the base's metrics in the decision year, each package's paired
    difference there and what it costs the county per unit (as `leapsim sensitivity` prints them)."""
    year = int(str(s.decision).split()[-1])
    metric = str(s.decision).split()[0]
    o = s.outputs
    keep = (o["year"] == year) & ((o["kind"] == "metric") | (o["kind"] == "cost_per_unit") |
                                  ((o["kind"] == "difference") & (o["metric"] == metric)))
    return list(o.index[keep])


def sensitivity(page: _Page) -> Section:
    """The assumptions that drive the answer: per headline output of the sensitivity analysis given
    with the results, its strongest inputs against the noise floor; how often the ranking of
    packages changes and which inputs change it. Without one, a line says how to add it."""
    s = page.sensitivity
    if s is None:
        return Section("sensitivity", page.t("sensitivity"), "note", {"note": page.t("sensitivity_absent")})
    key = "mu_star" if s.method == "morris" else "ST"
    rows = []
    for output in sensitivity_outputs(s):
        ranked = s.ranked(output)
        if ranked[key].isna().any():
            strongest = page.t("sensitivity_undefined")
        else:
            strongest = page.t("list_separator").join(
                f"{name} {value:.3g}" + ("" if clear else page.t("below_floor"))
                for name, value, clear in zip(ranked.index[:SENSITIVITY_TOP], ranked[key][:SENSITIVITY_TOP],
                                              ranked["distinguishable"][:SENSITIVITY_TOP]))
        info = s.outputs.loc[output]
        rows.append([str(info["label"]), f"{info['nominal']:.4g}", f"{info['noise_floor']:.3g}", strongest])
    def flipping(shares):
        shares = shares[shares > 0].sort_values(ascending=False, kind="stable")
        return page.t("list_separator").join(f"{i} {percent(v)}" for i, v in shares.items()) or \
            page.t("sensitivity_no_flips")
    note = page.t("sensitivity_note", method=s.method, inputs=len(s.inputs), replications=s.attrs["replications"],
                  changed=percent(s.ranking_changed), decision=s.decision, flips=flipping(s.ranking_flips))
    if s.cost_nominal_ranking:
        note += " " + page.t("sensitivity_cost_note", changed=percent(s.cost_ranking_changed),
                             flips=flipping(s.cost_ranking_flips))
    if s.attrs.get("study_yaml") != page.results.attrs.get("study_yaml"):
        note += " " + page.t("sensitivity_other_study", file=s.attrs.get("study_file", ""))
    return Section("sensitivity", page.t("sensitivity"), "note_table", {
        "note": note, "rows": rows,
        "header": [page.t("sensitivity_output"), page.t("sensitivity_nominal"), page.t("noise_floor"),
                   page.t("sensitivity_strongest", index=key)]})

DECOMPOSED_METRICS = ("tech_smes", "htes", "subsidies_paid")
"""The metrics whose variance a run with posterior draws splits (results_tree.hpp, kDecomposedMetrics)."""


def calibration(page: _Page) -> Section:
    """With posterior draws: where they came from, per scenario the parameters' share of the last
    year's variance of each headline metric, and the fit's quality; else the calibration group's
    section. A back-test table given with the results adds how its forecasts fared."""
    results = page.results
    backtest = [backtest_table(page)] if page.backtest is not None else []
    if not results.has_posterior:
        section = _calibration_group(page)
        if not backtest:
            return section
        return Section("calibration", page.t("calibration"), "tables", {"note": section.data["note"],
                                                                        "tables": backtest})
    draws = results.parameter_draws()
    year = page.last_year
    rows = []
    for name in results.scenarios:
        cells = []
        for metric in DECOMPOSED_METRICS:
            share = results.variance_decomposition(metric, name).loc[(name, year), "parameter_share"]
            cells.append(percent(share) if share == share else page.t("not_estimable"))
        rows.append([page.scenario(name)] + cells)
    runs, count = int(draws.attrs["runs_per_draw"]), int(draws["draw"].max()) + 1
    note = page.t("posterior_note", file=draws.attrs["posterior_file"], draws=count, runs=runs, year=year)
    if runs > 1:  # as the printed report says
        note += " " + page.t("clustered_draws", draws=count)
    tables = [{"title": page.t("parameter_share_title", year=year), "note": "", "rows": rows,
               "header": [page.t("scenario")] + [page.metric_heading(m) for m in DECOMPOSED_METRICS]}]
    fit_note, fit_table = fit_quality(page, str(draws.attrs["posterior_file"]))
    if fit_table:
        tables.append({**fit_table, "note": fit_note})
    else:
        note += " " + fit_note
    return Section("calibration", page.t("calibration"), "tables", {"note": note, "tables": tables + backtest})


def backtest_table(page: _Page) -> dict:
    """A back-test's figures (leapsim backtest -o TABLE.csv): each observed figure against the
    forecast made before it was known, its 90% band, whether the band held it, CRPS and relative
    error, with the coverage and the median relative error over the figures."""
    rows, inside, errors = [], 0, []
    for r in page.backtest:
        inside += bool(r["inside_90"])
        errors.append(r["relative_error"])
        rows.append([str(r["figure"]), f"{r['observed']:,.0f}",
                     f"{r['median']:,.0f} [{r['low_90']:,.0f}, {r['high_90']:,.0f}]",
                     page.t("inside" if r["inside_90"] else "outside"),
                     f"{r['crps']:,.1f}" if r["crps"] == r["crps"] else "-",  # a bound has no CRPS
                     f"{r['relative_error']:.3f}" if r["relative_error"] == r["relative_error"] else "-"])
    finite = [e for e in errors if e == e]
    note = page.t("backtest_note", inside=inside, figures=len(rows),
                  error=f"{float(np.median(finite)):.3f}" if finite else "-")
    return {"title": page.t("backtest_title"), "note": note, "rows": rows,
            "header": [page.t("fit_figure"), page.t("fit_observed"), page.t("backtest_forecast"),
                       page.t("backtest_inside"), "CRPS", page.t("backtest_error")]}


def fit_quality(page: _Page, posterior_file: str):
    """How well the posterior the draws came from fits what it was fitted to: its method, last
    generation and stop, and each fitted figure against its posterior predictive 90% (each
    particle re-simulated with a fresh seed). A posterior file no longer where the run read it
    gives one line saying so."""
    from .posterior import open_posterior
    try:
        post = open_posterior(posterior_file)
    except (OSError, ResultsError) as e:
        return page.t("fit_unreadable", file=posterior_file, why=str(e)), None
    last = post.generations.iloc[-1]
    note = page.t("fit_note", particles=len(post.weights), generations=len(post.generations),
                  epsilon=f"{last['epsilon']:.3g}", ess=f"{last['effective_sample_size']:.0f}",
                  simulations=int(post.attrs.get("simulations", 0)), stopped=str(post.attrs.get("stopped_by", "")))
    figures = post.figures
    prefix = "predictive" if "predictive_mean" in figures else "accepted"
    rows = []
    for _, f in figures.iterrows():
        low, high = f[f"{prefix}_p05"], f[f"{prefix}_p95"]
        inside = low <= f["value"] <= high
        rows.append([f["name"], f"{f['value']:,.0f}", f"{f[f'{prefix}_mean']:,.0f} [{low:,.0f}, {high:,.0f}]",
                     page.t("inside" if inside else "outside")])
    return note, {"title": page.t("fit_title"), "rows": rows,
                  "header": [page.t("fit_figure"), page.t("fit_observed"), page.t(f"fit_{prefix}"),
                             page.t("fit_verdict")]}


def study_sha256(results: Results) -> Optional[str]:
    """SHA-256 of the study file's text as the run read it (the root attribute study_yaml)."""
    text = results.attrs.get("study_yaml")
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def provenance_rows(results: Results, lang: str) -> List[tuple]:
    """(what, value) pairs of how the results were made, in `lang`: the report's and the workbook's."""
    a = results.attrs
    t = lambda key: terms.text(key, lang)  # noqa: E731
    years = results.years
    return [
        (t("leapsim_version"), a.get("leapsim_version", "")),
        (t("study_name"), a.get("study_name", "")),
        (t("study_file"), a.get("study_file", "")),
        (t("study_sha256"), study_sha256(results) or ""),
        (t("seed"), str(a.get("seed", ""))),
        (t("replications"), str(a.get("replications", ""))),
        (t("years"), f"{years[0]}–{years[-1]}"),
        (t("command_line"), a.get("command_line", "")),
        (t("created"), a.get("created", "")),
        (t("run_seconds"), f"{a.get('run_seconds', float('nan')):.2f}"),
        (t("ranks_hosts"), f"{a.get('ranks', 1)}: {', '.join(a.get('hosts', []))}"),
        (t("events"), f"{a.get('events', 0):,}"),
        *adaptive_rows(results, lang),
    ]


def adaptive_rows(results: Results, lang: str) -> List[tuple]:
    """How an adaptive run chose its replications: where it stopped and why, and each precision
    asked for with the half-width reached; nothing for a fixed run."""
    a = results.adaptive
    if a is None:
        return []
    t = lambda key, **f: terms.text(key, lang, **f)  # noqa: E731
    rows = [(t("adaptive"), t("adaptive_stopped_" + str(a["stopped_by"]), used=int(a["replications_used"])))]
    for text, asked, reached, met in zip(a["precision"], a["half_width"], a["half_width_reached"], a["met"]):
        rows.append((text, t("adaptive_precision", reached=f"{reached:.3g}", asked=f"{asked:g}",
                             verdict=t("reached" if met else "not_reached"))))
    return rows


def provenance(page: _Page) -> Section:
    """How the results were made: version, study file and its hash, seed, replications, command, date."""
    from . import __version__
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Section("provenance", page.t("provenance"), "pairs", {
        "rows": provenance_rows(page.results, page.lang), "note": page.t("report_made", when=now, version=__version__)})


SECTIONS: Sequence[Callable[[_Page], Section]] = (
    summary, fan_charts, target_probabilities, differences, costs, cost_effectiveness, mechanisms, sensitivity,
    calibration, provenance)
"""The page's sections in order; each maps the results to one Section."""


# -- the page -----------------------------------------------------------------------------------

_TEMPLATES = {
    "page": """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 64rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #2a5d9f; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.subtitle, .note { color: #555; font-size: 0.92rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.88rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; vertical-align: top; }
th { background: #eef3fa; }
td:first-child, th:first-child { text-align: left; }
table.pairs td { text-align: left; word-break: break-all; }
.headline { font-size: 1.1rem; font-weight: bold; }
.caveats { background: #fff8e5; border-left: 4px solid #e0a800; padding: 0.4rem 0.8rem; }
figure { margin: 0.5rem 0; }
svg { max-width: 100%; height: auto; }
nav a { margin-right: 0.8rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; margin: 0; }
  nav { display: none; }
  section { break-before: page; }
  section#summary { break-before: avoid; }
  figure, table { break-inside: avoid; }
}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="subtitle">{{ subtitle }}</p>
<nav>{% for s in sections %}<a href="#{{ s.id }}">{{ s.title }}</a>{% endfor %}</nav>
{% for s in sections %}
<section id="{{ s.id }}">
<h2>{{ s.title }}</h2>
{% with d = s.data %}{% include s.template %}{% endwith %}
</section>
{% endfor %}
</body>
</html>
""",
    "summary": """{% for h in d.headlines %}<p class="headline">{{ h }}</p>{% endfor %}
<ul>{% for line in d.targets %}<li>{{ line }}</li>{% else %}<li>{{ d.no_targets }}</li>{% endfor %}</ul>
{% if d.best %}<p class="headline">{{ d.best }}</p>{% if d.unresolved %}<p>{{ d.unresolved }}</p>{% endif %}{% if d.cheapest %}<p class="headline">{{ d.cheapest }}</p>{% endif %}
{% else %}<p>{{ d.no_alternatives }}</p>{% endif %}
<div class="caveats"><h3>{{ d.caveats_title }}</h3><ul>{% for c in d.caveats %}<li>{{ c }}</li>{% endfor %}</ul></div>
""",
    "fans": """<p class="note">{{ d.note }}</p>
{% for c in d.charts %}<figure><h3>{{ c.title }}</h3>{{ c.svg | safe }}</figure>{% endfor %}
{% for t in d.tables %}<h3>{{ t.title }}</h3>{% with header = d.header, rows = t.rows %}{% include "table" %}{% endwith %}{% endfor %}
""",
    "table": """<table><thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
""",
    "table_chart": """<p class="note">{{ d.note }}</p>
{% with header = d.header, rows = d.rows %}{% include "table" %}{% endwith %}
<figure>{{ d.svg | safe }}</figure>
""",
    "note": """<p class="note">{{ d.note }}</p>
""",
    "tables": """<p class="note">{{ d.note }}</p>
{% for t in d.tables %}<h3>{{ t.title }}</h3>{% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}{% with header = t.header, rows = t.rows %}{% include "table" %}{% endwith %}{% endfor %}
""",
    "note_table": """<p class="note">{{ d.note }}</p>
{% with header = d.header, rows = d.rows %}{% include "table" %}{% endwith %}
""",
    "paragraphs": """<p class="note">{{ d.note }}</p>
{% for p in d.paragraphs %}<p>{{ p.head }}</p>{% if p.parts %}<ul>{% for x in p.parts %}<li>{{ x }}</li>{% endfor %}</ul>{% endif %}{% endfor %}
""",
    "listing": """<p class="note">{{ d.note }}</p><ul>{% for item in d["items"] %}<li>{{ item }}</li>{% endfor %}</ul>
""",
    "pairs": """<table class="pairs"><tbody>{% for k, v in d.rows %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</tbody></table>
<p class="note">{{ d.note }}</p>
""",
}


def render(results: Results, lang: str = terms.DEFAULT_LANGUAGE, sensitivity=None, backtest=None) -> str:
    """The report page of a study's results as HTML text; `sensitivity`, a Sensitivity or a
    sensitivity file's path (leapsim sensitivity -o), fills the section on what drives the answer;
    `backtest`, a back-test table's path (leapsim backtest -o), adds how its forecasts fared."""
    import jinja2
    terms.check_language(lang)
    if sensitivity is not None and not hasattr(sensitivity, "ranked"):
        from .sensitivity import open_sensitivity
        sensitivity = open_sensitivity(sensitivity)
    if backtest is not None:
        from .backtest_plot import read_backtest_table
        backtest = read_backtest_table(backtest)
    page = _Page(results, lang, sensitivity, backtest)
    a = results.attrs
    environment = jinja2.Environment(loader=jinja2.DictLoader(_TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    return environment.get_template("page").render(
        html_lang="zh-CN" if lang == "zh" else "en",
        title=page.t("title", study=a.get("study_name", "")),
        subtitle=page.t("subtitle", first=page.years[0], last=page.last_year, scenarios=len(results.scenarios),
                        replications=a["replications"], seed=a["seed"]),
        sections=[make(page) for make in SECTIONS])


def report(results: Union[Results, str, os.PathLike], path: Union[str, os.PathLike],
           lang: str = terms.DEFAULT_LANGUAGE, force: bool = False, sensitivity=None, backtest=None) -> str:
    """Writes the report page of `results` (a Results or a results file's path) to `path`.

    lang is "zh" (the default) or "en". `sensitivity` (a Sensitivity, or the path of a file from
    `leapsim sensitivity -o`) adds the inputs that drive the answer, and `backtest` (a table from
    `leapsim backtest -o`) how the back-test's forecasts fared. The file is written
    atomically: complete or absent, and an existing file is replaced only with force=True. Returns
    the path written.
    """
    terms.check_language(lang)
    check_destination(path, force)
    if not isinstance(results, Results):
        from .api import open as open_results
        results = open_results(results)
    html = render(results, lang, sensitivity, backtest)
    return write_atomically(path, html.encode("utf-8"), force)
