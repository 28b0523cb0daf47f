"""Results of a study run or a results file: numpy views and pandas tables over one tree."""

from __future__ import annotations

import os
from typing import List, Optional, Union

import numpy as np
import pandas as pd

from . import _core, terms


class Results:
    """Every result of a study run (docs/output-format.md), in memory.

    Arrays returned by metric() are read-only views of the results' own memory: no copy is made,
    and the Results object stays alive as long as any view of it does.
    """

    def __init__(self, tree: _core.ResultsTree):
        self._tree = tree
        self.attrs: dict = tree.attributes("")

    # -- what is inside ------------------------------------------------------------------------
    @property
    def scenarios(self) -> List[str]:
        """Scenario names, the base first."""
        return list(self.attrs["scenarios"])

    @property
    def years(self) -> np.ndarray:
        """The simulated calendar years."""
        return self._tree.array("years").astype(int)

    @property
    def metric_names(self) -> List[str]:
        """Every metric, in the file's order."""
        return self._tree.datasets(f"scenarios/{self.scenarios[0]}/metrics")

    def __repr__(self) -> str:
        return (f"<leapsim.Results '{self.attrs['study_name']}': {len(self.scenarios)} scenarios x "
                f"{self.attrs['replications']} replications, {self.years[0]}-{self.years[-1]}>")

    # -- arrays --------------------------------------------------------------------------------
    def metric(self, metric: str, scenario: str = "base") -> np.ndarray:
        """One metric of one scenario as a read-only array [replication, year] (no copy)."""
        return self._tree.array(f"scenarios/{self._scenario(scenario)}/metrics/{self._metric(metric)}")

    def unit(self, metric: str) -> str:
        """The unit of a metric (firms, yuan, ...)."""
        return self._tree.dataset_attributes(f"scenarios/{self.scenarios[0]}/metrics/{self._metric(metric)}")["unit"]

    # -- tables --------------------------------------------------------------------------------
    def to_dataframe(self, metrics: Optional[List[str]] = None) -> pd.DataFrame:
        """Every value in tidy form: one row per (scenario, replication, year, metric)."""
        frames = []
        years = self.years
        for scenario in self.scenarios:
            for metric in metrics or self.metric_names:
                values = self.metric(metric, scenario)
                reps, n = values.shape
                frames.append(pd.DataFrame({
                    "scenario": scenario,
                    "replication": np.repeat(np.arange(reps), n),
                    "year": np.tile(years, reps),
                    "metric": metric,
                    "value": values.ravel(),
                }))
        return pd.concat(frames, ignore_index=True)

    def summary(self, metric: str) -> pd.DataFrame:
        """Mean, standard deviation and quantiles (p05, p50, p95) of a metric per scenario and year."""
        rows = []
        for scenario in self.scenarios:
            path = f"scenarios/{scenario}/summary/{self._metric(metric)}"
            columns = list(self._tree.dataset_attributes(path)["columns"])
            frame = pd.DataFrame(self._tree.array(path), columns=columns)
            frame.insert(0, "year", self.years)
            frame.insert(0, "scenario", scenario)
            rows.append(frame)
        return pd.concat(rows, ignore_index=True).set_index(["scenario", "year"])

    def compare(self, base: Optional[str] = None, metric: str = "htes", year: Optional[int] = None) -> pd.DataFrame:
        """Each alternative against the base: the paired difference (alternative - base) of a metric with
        its 95% t-interval and the variance reduction common random numbers bought, per year (or in one)."""
        tree = self._tree if base is None or base == self.scenarios[0] else self._tree.compared_against(base)
        columns = list(tree.attributes("comparisons")["columns"])
        rows = []
        for alternative in tree.groups("comparisons"):
            frame = pd.DataFrame(tree.array(f"comparisons/{alternative}/{self._metric(metric)}"), columns=columns)
            frame.insert(0, "year", self.years)
            frame.insert(0, "alternative", alternative)
            rows.append(frame)
        if not rows:
            return pd.DataFrame(columns=["alternative", "year", *columns]).set_index(["alternative", "year"])
        table = pd.concat(rows, ignore_index=True).set_index(["alternative", "year"])
        if year is None:
            return table
        if year not in set(self.years):
            raise _core.UsageError(f"no year {year}; the results hold {self.years[0]}-{self.years[-1]}")
        return table.xs(year, level="year")

    def explain(self, scenario: str, metric: str = "htes", year: Optional[int] = None,
                base: Optional[str] = None) -> pd.DataFrame:
        """Why a scenario differs from the base in a metric, by mechanism: one row per mechanism with
        its paired difference (scenario - base) over the replications, mean and 95% t-interval
        (low, high) as compare() computes them (docs/model.md §4.10).

        The rows whose ``parent`` is empty add up exactly (to rounding) to compare()'s mean
        difference; the rows with one ``parent`` and ``split`` add up to that parent's row. For HTEs:
        different starting certificates, extra new certifications (split by decision: first
        applications, rejections avoided; and by origin: entrants, firms there at the start), lapses
        avoided (renewal rejections avoided, renewals sought) and exits of certified firms avoided.
        Columns: mechanism (English), mean, low, high, key, parent, split, mechanism_zh. ``year``
        defaults to the last year, ``base`` to the file's base."""
        base = self._scenario(base) if base is not None else self._tree.attributes("comparisons")["base"]
        year = int(self.years[-1]) if year is None else int(year)
        rows = self._tree.explain(base, self._scenario(scenario), self._metric(metric), year)
        return pd.DataFrame(rows, columns=["mechanism", "mean", "low", "high", "key", "parent", "split",
                                           "mechanism_zh"])

    PAYERS = ("county", "province", "tax", "public")
    """The payers cost_effectiveness() prices for: the county's special fund, the province, tax
    expenditure (the R&D super-deduction and the HTE rate foregone) and all three together."""

    def cost_effectiveness(self, metric: str = "htes", year: Optional[int] = None, payer: str = "county",
                           base: Optional[str] = None) -> pd.DataFrame:
        """What each package buys for its money against the base: one row a package with the paired
        extra effect (``metric`` in ``year``, package - base: extra, extra_low, extra_high, a 95%
        t-interval), the paired extra cost to ``payer`` summed over the first year through ``year``
        (extra_cost, extra_cost_low, extra_cost_high, yuan), the cost per extra unit with Fieller's
        95% interval (cost_per_unit, low, high; ``bounded`` is False and low, high are NaN when the
        extra effect is not significantly away from zero, so that no interval can be given), the
        extra per million yuan (per_million), ``effect_uncertain`` where the extra effect's interval
        includes zero, ``dominated`` (with dominated_by: another package, or the base at zero extra
        and zero cost, has at least the effect at no more cost, one of them strictly better) and
        ``on_frontier``. ``attrs["frontier"]`` is the efficiency frontier, a frame of its steps by
        cost (scenario, extra_cost, extra, incremental_cost_per_unit) from the cheapest option,
        packages a mix of their neighbours would beat removed (extended dominance). ``year``
        defaults to the last year, ``base`` to the file's base; ``payer`` is one of PAYERS. A file
        written before the cost books raises ResultsError."""
        base = self._scenario(base) if base is not None else self._tree.attributes("comparisons")["base"]
        year = int(self.years[-1]) if year is None else int(year)
        found = self._tree.cost_effectiveness(base, metric, year, payer)
        columns = ["scenario", "extra", "extra_low", "extra_high", "extra_cost", "extra_cost_low", "extra_cost_high",
                   "cost_per_unit", "low", "high", "bounded", "per_million", "effect_uncertain", "dominated",
                   "dominated_by", "on_frontier"]
        frame = pd.DataFrame(found["packages"], columns=columns)
        frame.attrs = {"base": base, "metric": metric, "year": year, "payer": payer,
                       "frontier": pd.DataFrame(found["frontier"],
                                                columns=["scenario", "extra_cost", "extra",
                                                         "incremental_cost_per_unit"])}
        return frame

    @property
    def has_costs(self) -> bool:
        """Whether the file holds cost books (each scenario's cost_items and cost_payers attributes)."""
        return all("cost_items" in self._tree.attributes(f"scenarios/{s}") for s in self.scenarios)

    def costs(self) -> pd.DataFrame:
        """Every yuan of the cost books in tidy form: one row per (scenario, replication, year, item)
        with its payer ("county", "province" or "tax") and the yuan it cost that year. The items are
        the metrics a scenario's ``cost_items`` attribute lists, each paid by the payer its
        ``cost_payers`` attribute names (docs/output-format.md); summed by payer they give the
        payer totals (county_cost, province_cost, tax_expenditure). A file written before the cost
        books raises ResultsError."""
        if not self.has_costs:
            raise _core.ResultsError("no cost books: the results file predates them (cost_items and cost_payers "
                                     "attributes); run the study again to price it")
        years = self.years
        frames = []
        for scenario in self.scenarios:
            attrs = self._tree.attributes(f"scenarios/{scenario}")
            items, payers = list(attrs["cost_items"]), list(attrs["cost_payers"])
            if not items:
                continue
            values = np.stack([self.metric(item, scenario) for item in items])  # [item, replication, year]
            n_items, reps, n_years = values.shape
            frames.append(pd.DataFrame({
                "scenario": scenario,
                "replication": np.tile(np.repeat(np.arange(reps), n_years), n_items),
                "year": np.tile(years, n_items * reps),
                "payer": np.repeat(payers, reps * n_years),
                "item": np.repeat(items, reps * n_years),
                "yuan": values.ravel(),
            }))
        columns = ["scenario", "replication", "year", "payer", "item", "yuan"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def divergence(self, scenario: str, base: Optional[str] = None) -> pd.DataFrame:
        """Where the paired firm histories of the recorded replications first part (record=("events",)):
        one row per (replication, firm) whose event sequence differs between the base and the
        scenario, with the time, year and process (event kind) of the first event that differs and
        the scenario it happened in (``side``: the earlier of the two events at that point; both
        names joined by "/" when they fall at the same time). Firms are paired by their id, which
        the initial firms share; an entrant pairs with the entrant of the same id, so entry that
        differs shows as an ``entered`` parting. ``attrs["firms"]`` is the number of firms compared.
        Group it to see where a package acts first: ``d.groupby(["year", "process"]).size()``."""
        base = self._scenario(base) if base is not None else self._tree.attributes("comparisons")["base"]
        fields = ["time", "kind", "value", "detail"]
        a, b = (self._ordered_events(name) for name in (base, self._scenario(scenario)))
        both = a.merge(b, on=["replication", "firm", "position"], how="outer", suffixes=("_a", "_b"))
        same = np.logical_and.reduce([both[f"{f}_a"].to_numpy() == both[f"{f}_b"].to_numpy() for f in fields])
        parted = both[~same].sort_values(["replication", "firm", "position"]).drop_duplicates(["replication", "firm"])
        ta, tb = parted["time_a"].fillna(np.inf).to_numpy(), parted["time_b"].fillna(np.inf).to_numpy()
        first_b = tb < ta
        names = list(self._tree.dataset_attributes(f"scenarios/{base}/events")["kind_names"])
        kind = np.where(first_b, parted["kind_b"].fillna(-1), parted["kind_a"].fillna(-1)).astype(int)
        side = np.where(first_b, scenario, np.where(ta < tb, base, f"{base}/{scenario}"))
        frame = pd.DataFrame({"replication": parted["replication"].to_numpy(), "firm": parted["firm"].to_numpy(),
                              "time": np.minimum(ta, tb), "year": np.floor(np.minimum(ta, tb)).astype(int),
                              "process": pd.Categorical.from_codes(kind, names), "side": side})
        frame.attrs["firms"] = int(len(both.drop_duplicates(["replication", "firm"])))
        return frame.reset_index(drop=True)

    def _ordered_events(self, scenario: str) -> pd.DataFrame:
        """A scenario's event log with each event's position in its firm's history."""
        events = pd.DataFrame(self._table(f"scenarios/{scenario}/events"))
        events["position"] = events.groupby(["replication", "firm"]).cumcount()
        return events

    def targets(self) -> pd.DataFrame:
        """The probability of meeting each target in each scenario, with its 95% Wilson interval."""
        attrs = self._tree.attributes("targets")
        scenarios = list(attrs["scenarios"])
        arrays = {name: self._tree.array(f"targets/{name}")
                  for name in ("probability", "wilson95_low", "wilson95_high", "replications_met")}
        rows = []
        for t, label in enumerate(attrs["label"]):
            for s, scenario in enumerate(scenarios):
                rows.append({"label": label, "metric": attrs["metric"][t], "year": int(attrs["year"][t]),
                             "comparison": attrs["comparison"][t], "threshold": attrs["threshold"][t],
                             "scenario": scenario, **{k: v[t, s] for k, v in arrays.items()}})
        return pd.DataFrame(rows)

    @property
    def adaptive(self) -> Optional[dict]:
        """How an adaptive run (precision=, --precision) stopped: the `adaptive` group's attributes
        (stopped_by, replications_used, precision, half_width_reached, met, ...); None for a fixed run."""
        return self._tree.attributes("adaptive") if "adaptive" in self._tree.groups() else None

    @property
    def has_posterior(self) -> bool:
        """Whether each replication drew its parameters from a posterior (the study named one)."""
        return "parameter_draws" in self._tree.groups()

    def parameter_draws(self) -> pd.DataFrame:
        """Each replication's posterior draw, the same in every scenario: one row a replication, the
        draw and particle index, then one column a parameter path with the value set. The frame's
        attrs hold the posterior file, its digest, the calibration seed and runs_per_draw."""
        if not self.has_posterior:
            raise _core.ResultsError("no parameter_draws: the study named no posterior")
        values = self._tree.array("parameter_draws/values")
        paths = list(self._tree.dataset_attributes("parameter_draws/values")["columns"])
        index = self._tree.table("parameter_draws/replications")
        frame = pd.DataFrame(values, columns=paths)
        frame.insert(0, "particle", np.asarray(index["particle"]))
        frame.insert(0, "draw", np.asarray(index["draw"]))
        frame.index = pd.Index(np.asarray(index["replication"]), name="replication")
        attrs = self._tree.attributes("parameter_draws")
        frame.attrs = {key: attrs[key] for key in ("posterior_file", "posterior_digest", "calibration_seed",
                                                   "runs_per_draw")}
        return frame

    def variance_decomposition(self, metric: str = "htes", scenario: Optional[str] = None) -> pd.DataFrame:
        """The share of a headline metric's ensemble variance (tech_smes, htes, subsidies_paid) that
        comes from the posterior's parameters versus replication noise, per scenario and year: a
        one-way random-effects ANOVA over the replications of each draw (NaN, "not estimable", when
        every draw ran one replication: study.runs_per_draw = 1)."""
        if not self.has_posterior:
            raise _core.ResultsError("no variance decomposition: the study named no posterior")
        rows = []
        for name in ([self._scenario(scenario)] if scenario is not None else self.scenarios):
            group = f"scenarios/{name}/variance_decomposition"
            if metric not in self._tree.datasets(group):
                raise _core.UsageError(f"no decomposition of {metric!r}; there is one of "
                                       f"{self._tree.datasets(group)}")
            frame = pd.DataFrame(self._tree.array(f"{group}/{metric}"),
                                 columns=list(self._tree.attributes(group)["columns"]))
            frame.insert(0, "year", self.years)
            frame.insert(0, "scenario", name)
            rows.append(frame)
        return pd.concat(rows, ignore_index=True).set_index(["scenario", "year"])

    def events(self, scenario: str = "base") -> pd.DataFrame:
        """The firm event log kept with record=("events",), with the kind as a category."""
        path = f"scenarios/{self._scenario(scenario)}/events"
        frame = pd.DataFrame(self._table(path))
        names = list(self._tree.dataset_attributes(path)["kind_names"])
        frame["kind"] = pd.Categorical.from_codes(frame["kind"], names)
        return frame

    def firms(self, scenario: str = "base") -> pd.DataFrame:
        """The year-end firm snapshots kept with record=("firms",)."""
        return pd.DataFrame(self._table(f"scenarios/{self._scenario(scenario)}/firms"))

    # -- files ---------------------------------------------------------------------------------
    def save(self, path: Union[str, os.PathLike], force: bool = False) -> None:
        """Writes the results to an HDF5 file (docs/output-format.md), atomically; an existing file is
        replaced only with force=True."""
        self._tree.save(os.fspath(path), force)

    def to_excel(self, path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE, force: bool = False) -> str:
        """Writes a workbook: yearly summary, target probabilities, comparisons, About (leapsim.export);
        headers in lang ("zh" or "en"), values unscaled with their units; atomically, an existing file
        replaced only with force=True."""
        from .workbook import to_excel
        return to_excel(self, path, lang, force)

    def to_csv(self, path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE, force: bool = False) -> str:
        """Writes the yearly summary as CSV, UTF-8 with a byte-order mark (for Excel)."""
        from .workbook import to_csv
        return to_csv(self, path, lang, force)

    def report(self, path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE, force: bool = False,
               sensitivity=None, backtest=None) -> str:
        """Writes the self-contained HTML report page (leapsim.report); `sensitivity`, a Sensitivity or
        a sensitivity file's path, adds the inputs that drive the answer, `backtest` (a back-test
        table's path) how its forecasts fared."""
        from .html_report import report
        return report(self, path, lang, force, sensitivity, backtest)

    # -- helpers -------------------------------------------------------------------------------
    def _scenario(self, name: str) -> str:
        if name not in self.scenarios:
            raise _core.UsageError(f"no scenario {name!r}; the results hold {self.scenarios}")
        return name

    def _metric(self, name: str) -> str:
        if name not in self.metric_names:
            raise _core.UsageError(f"no metric {name!r}; the metrics are {self.metric_names}")
        return name

    def _table(self, path: str) -> dict:
        group, name = path.rsplit("/", 1)
        if name not in self._tree.datasets(group):
            raise _core.ResultsError(f"no {name!r} in {group!r}: run with record=({name!r},) to keep it")
        return self._tree.table(path)
