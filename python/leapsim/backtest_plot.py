"""The plot of a back-test: each later observed figure against its forecast's 50% and 90% bands.

Reads the table `leapsim backtest ... -o TABLE.csv` writes (docs/calibration.md, "Back-tests"),
one panel per metric, the figures along the date they stand at, and writes a PNG atomically::

    leapsim.backtest_plot("hebei-2013.csv", "hebei-2013.png", lang="en")
"""

from __future__ import annotations

import csv
import io
import os
from typing import Dict, List, Union

from . import terms
from ._core import UsageError
from ._files import check_destination, write_atomically

__all__ = ["read_backtest_table", "backtest_plot"]

_NUMBERS = ("year", "at", "observed", "median", "low_50", "high_50", "low_90", "high_90", "interval_score_50",
            "interval_score_90", "crps", "relative_error")
_COLUMNS = ("figure", "geography", "metric", "qualifier", "members", "invalid_members", "inside_50",
            "inside_90") + _NUMBERS


def read_backtest_table(path: Union[str, os.PathLike]) -> List[Dict[str, object]]:
    """The rows of a back-test table: numbers as float (NaN for a score a bound does not have),
    inside_50 and inside_90 as bool, members as int. Raises UsageError for a file that is not one."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise UsageError(f"{os.fspath(path)}: not a back-test table (no column {', '.join(missing)})")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                out: Dict[str, object] = dict(row)
                for key in _NUMBERS:
                    out[key] = float(row[key]) if row[key] != "" else float("nan")
                out["members"] = int(row["members"])
                out["invalid_members"] = int(row["invalid_members"])
                out["inside_50"] = row["inside_50"] == "true"
                out["inside_90"] = row["inside_90"] == "true"
            except ValueError as e:
                raise UsageError(f"{os.fspath(path)}:{line}: {e}") from None
            rows.append(out)
    if not rows:
        raise UsageError(f"{os.fspath(path)}: a back-test table with no figure")
    return rows


def _bound_marker(qualifier: str) -> str:
    words = set(qualifier.split(";"))
    return "^" if "more_than" in words else "v" if "less_than" in words else "o"


def _date_label(row: Dict[str, object]) -> str:
    """Where a figure stands: its year for a year-end (or whole-year) figure, year-month otherwise
    (`at` counts time as the scenario format does: 2018.0 is the end of 2017)."""
    year, fraction = int(row["year"]), float(row["at"]) - float(row["year"])
    return str(year) if fraction > 0.999 else f"{year}-{min(12, int(fraction * 12) + 1):02d}"


def backtest_plot(table: Union[str, os.PathLike], path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE,
                  force: bool = False) -> str:
    """Draws the table's figures against their forecast bands into a PNG at path; returns path.
    A "more than" figure is drawn as an upward triangle. Atomic: complete or absent; an existing
    file is replaced only with force."""
    terms.check_language(lang)
    check_destination(path, force)
    rows = read_backtest_table(table)
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from .plot import cjk_font
    cjk_font()
    metrics = list(dict.fromkeys(str(r["metric"]) for r in rows))
    figure = Figure(figsize=(5.5 * len(metrics), 4.2), dpi=100, layout="constrained")
    axes = figure.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics):
        mine = [r for r in rows if r["metric"] == metric]
        mine.sort(key=lambda r: r["at"])
        for x, r in enumerate(mine):
            ax.vlines(x, r["low_90"], r["high_90"], color="#9ecae1", linewidth=14,
                      label=terms.text("backtest_band_90", lang) if x == 0 else None)
            ax.vlines(x, r["low_50"], r["high_50"], color="#3182bd", linewidth=14,
                      label=terms.text("backtest_band_50", lang) if x == 0 else None)
            ax.hlines(r["median"], x - 0.15, x + 0.15, color="black", linewidth=1.5,
                      label=terms.text("p50", lang) if x == 0 else None)
            ax.scatter([x], [r["observed"]], marker=_bound_marker(str(r["qualifier"])), color="#d62728", zorder=3,
                       label=terms.text("backtest_observed", lang) if x == 0 else None)
        name = terms.metric_name(metric, lang) if metric in terms.metric_names() else metric
        ax.set_title(name, fontsize="medium")
        ax.set_xticks(range(len(mine)), [_date_label(r) for r in mine])
        ax.set_xlim(-0.6, len(mine) - 0.4)
        ax.set_xlabel(terms.text("backtest_date", lang))
        ax.set_ylabel(terms.unit_name(terms.metric_unit(metric), lang) if metric in terms.metric_names() else "")
        ax.grid(alpha=0.3)
    # One legend for every panel, below them, so that it hides no band.
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize="small", frameon=False)
    figure.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))
    figure.suptitle(terms.text("backtest_title", lang), fontsize="medium")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return write_atomically(path, buffer.getvalue(), force)
