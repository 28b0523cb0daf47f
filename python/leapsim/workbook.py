"""The results as a workbook (xlsx) or a CSV file, with headers in Chinese or English.

    results.to_excel("congtai.xlsx", lang="zh")     # or: leapsim export RESULTS.h5 -o congtai.xlsx

Sheets: the yearly summary of every metric (one row per scenario, year and metric), target
probabilities, comparisons with the base; when the results file has cost books, Costs (the mean
yuan over replications per scenario, year, payer and item) and Cost-effectiveness (each package
against the base for every payer and the headline metrics in the last year); an About sheet with
how the results were made (and, for a file without cost books, that it has none). Values are the
results file's own, unscaled (money in yuan), each row with its unit. A CSV file holds the yearly summary,
in UTF-8 with a byte-order mark so that Excel reads the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import math
import os
from typing import List, Sequence, Union

import numpy as np

from . import terms
from ._core import UsageError
from ._files import check_destination, write_atomically
from .results import Results

__all__ = ["to_excel", "to_csv", "export", "summary_rows", "target_rows", "comparison_rows", "cost_rows",
           "cost_effectiveness_rows"]

_SUMMARY_COLUMNS = ("mean", "sd", "p05", "p50", "p95")
_COMPARISON_COLUMNS = ("mean_difference", "ci95_low", "ci95_high", "variance_base", "variance_alternative",
                       "variance_difference", "variance_reduction")
_TARGET_COLUMNS = ("probability", "wilson95_low", "wilson95_high", "replications_met")


def _cell(value):
    """A value a spreadsheet can hold: floats as they are, infinities and NaN as the text inf, -inf, nan."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def summary_rows(results: Results, lang: str) -> List[list]:
    """The yearly summary sheet: a header, then one row per scenario, year and metric."""
    t = lambda key: terms.text(key, lang)  # noqa: E731
    rows = [[t("scenario"), t("year"), t("metric_code"), t("metric"), t("unit")] + [t(c) for c in _SUMMARY_COLUMNS]]
    for metric in results.metric_names:
        table = results.summary(metric)
        for (scenario, year), stats in table.iterrows():
            rows.append([scenario, int(year), metric, terms.metric_name(metric, lang),
                         terms.unit_name(terms.metric_unit(metric), lang)]
                        + [float(stats[c]) for c in _SUMMARY_COLUMNS])
    return rows


def target_rows(results: Results, lang: str) -> List[list]:
    """The target sheet: a header, then one row per target and scenario."""
    t = lambda key: terms.text(key, lang)  # noqa: E731
    rows = [[t("target"), t("metric_code"), t("metric"), t("year"), t("comparison"), t("threshold"), t("unit"),
             t("scenario"), f"{t('probability')} {t('share')}", t("wilson95_low"), t("wilson95_high"),
             t("replications_met")]]
    for r in results.targets().itertuples():
        rows.append([r.label, r.metric, terms.metric_name(r.metric, lang), int(r.year), r.comparison,
                     float(r.threshold), terms.unit_name(terms.metric_unit(r.metric), lang), r.scenario]
                    + [float(getattr(r, c)) for c in _TARGET_COLUMNS])
    return rows


def comparison_rows(results: Results, lang: str) -> List[list]:
    """The comparison sheet: a header, then one row per alternative, year and metric."""
    t = lambda key: terms.text(key, lang)  # noqa: E731
    rows = [[t("alternative"), t("year"), t("metric_code"), t("metric"), t("unit")]
            + [t(c) for c in _COMPARISON_COLUMNS]]
    for metric in results.metric_names:
        for (alternative, year), values in results.compare(metric=metric).iterrows():
            rows.append([alternative, int(year), metric, terms.metric_name(metric, lang),
                         terms.unit_name(terms.metric_unit(metric), lang)]
                        + [float(values[c]) for c in _COMPARISON_COLUMNS])
    return rows


def cost_rows(results: Results, lang: str) -> List[list]:
    """The cost sheet: a header, then one row per scenario, year, payer and item with the mean yuan
    over the replications."""
    t = lambda key: terms.text(key, lang)  # noqa: E731
    rows = [[t("scenario"), t("year"), t("payer"), t("metric_code"), t("item"), t("unit"), t("mean")]]
    means = results.costs().groupby(["scenario", "year", "payer", "item"], sort=False)["yuan"].mean()
    for (scenario, year, payer, item), value in means.items():
        rows.append([scenario, int(year), t(f"payer_{payer}"), item, terms.metric_name(item, lang),
                     terms.unit_name("yuan", lang), float(value)])
    return rows


COST_EFFECT_METRICS = ("htes", "tech_smes", "invention_patents")
"""The effects the cost-effectiveness sheet prices: HTEs, tech SMEs and invention patents."""

_COST_EFFECT_COLUMNS = ("extra", "extra_low", "extra_high", "extra_cost", "extra_cost_low", "extra_cost_high",
                        "cost_per_unit", "low", "high", "bounded", "per_million", "effect_uncertain", "dominated",
                        "dominated_by", "on_frontier")


def cost_effectiveness_rows(results: Results, lang: str) -> List[list]:
    """The cost-effectiveness sheet: a header, then one row per payer, metric and package in the
    last year (Results.cost_effectiveness's columns, money in yuan)."""
    t = lambda key: terms.text(key, lang)  # noqa: E731
    rows = [[t("payer"), t("metric_code"), t("metric"), t("year"), t("alternative")]
            + [t(f"ce_col_{c}") for c in _COST_EFFECT_COLUMNS]]
    for payer in results.PAYERS:
        for metric in COST_EFFECT_METRICS:
            table = results.cost_effectiveness(metric, payer=payer)
            for row in table.itertuples(index=False):
                values = [getattr(row, c) for c in _COST_EFFECT_COLUMNS]
                rows.append([t(f"payer_{payer}"), metric, terms.metric_name(metric, lang), table.attrs["year"],
                             row.scenario] + [v if isinstance(v, str) else
                                              bool(v) if isinstance(v, (bool, np.bool_)) else float(v)
                                              for v in values])
    return rows


def _about_rows(results: Results, lang: str) -> List[list]:
    from .html_report import ABSENT_KEYS, absent_line, provenance_rows
    rows = [list(pair) for pair in provenance_rows(results, lang)]
    rows += [[terms.text(key, lang), absent_line(results, key, lang) or ""] for key in ABSENT_KEYS
             if absent_line(results, key, lang)]
    rows += [[terms.text("unit", lang), terms.text("about_units", lang)],
             ["inf", terms.text("about_nonfinite", lang)]]
    return rows


def _sheet(book, title: str, rows: Sequence[list], header: bool = True) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    if header and rows:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    for i, column in enumerate(zip(*rows) if rows else [], start=1):
        width = max(len(str(v)) * (2 if any(ord(c) > 0x2E80 for c in str(v)) else 1) for v in column[:200])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def to_excel(results: Results, path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE,
             force: bool = False) -> str:
    """Writes the workbook (see the module's description) atomically; returns the path."""
    import openpyxl
    terms.check_language(lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, terms.text("sheet_summary", lang), summary_rows(results, lang))
    _sheet(book, terms.text("sheet_targets", lang), target_rows(results, lang))
    _sheet(book, terms.text("sheet_comparisons", lang), comparison_rows(results, lang))
    if results.has_costs:
        _sheet(book, terms.text("sheet_costs", lang), cost_rows(results, lang))
        if len(results.scenarios) > 1:
            _sheet(book, terms.text("sheet_cost_effectiveness", lang), cost_effectiveness_rows(results, lang))
    _sheet(book, terms.text("sheet_about", lang), _about_rows(results, lang), header=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(path, buffer.getvalue(), force)


def to_csv(results: Results, path: Union[str, os.PathLike], lang: str = terms.DEFAULT_LANGUAGE,
           force: bool = False) -> str:
    """Writes the yearly summary as CSV in UTF-8 with a byte-order mark, atomically; returns the path."""
    terms.check_language(lang)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([[_cell(v) for v in row] for row in summary_rows(results, lang)])
    return write_atomically(path, text.getvalue().encode("utf-8-sig"), force)


def export(results: Union[Results, str, os.PathLike], path: Union[str, os.PathLike],
           lang: str = terms.DEFAULT_LANGUAGE, force: bool = False) -> str:
    """Writes a workbook (.xlsx) or a CSV file (.csv), chosen by path's extension; returns the path."""
    check_destination(path, force)
    if not isinstance(results, Results):
        from .api import open as open_results
        results = open_results(results)
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if extension == ".xlsx":
        return to_excel(results, path, lang, force)
    if extension == ".csv":
        return to_csv(results, path, lang, force)
    raise UsageError(f"cannot export to {os.fspath(path)}: the name must end in .xlsx or .csv")
