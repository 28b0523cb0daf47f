"""Results.costs and Results.cost_effectiveness on a real run: the books add up to the payer totals,
the extra effect is compare()'s, a package that changes nothing is flagged, the page and the
workbook hold the sections with the file's values; a file from before the cost books gives the
page, the workbook and the printed report without them, saying why."""

import pathlib

import h5py
import numpy as np
import openpyxl
import pytest

import leapsim
import leapsim.html_report
from older_layout import drop_metrics

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"
PAYER_TOTALS = {"county": "county_cost", "province": "province_cost", "tax": "tax_expenditure"}
# Items of the cost books that files written before them already held.
OLDER_ITEMS = {"rd_subsidies_paid", "patent_subsidies_paid", "talent_paid"}

# The tiny district with a package that repeats the base's own reward (changes nothing) and two
# that change what the county pays and what it gets.
STUDY = {
    "study": {"name": "Cost-effectiveness test", "replications": 12, "seed": 16},
    "base": str(TINY),
    "alternatives": [
        {"name": "same-reward", "overrides": {"policy": {"hte_reward_new": 1.0e5}}},
        {"name": "coaching", "overrides": {"policy": {"coaching_capacity": 5}}},
        {"name": "bigger-reward", "overrides": {"policy": {"hte_reward_new": 3.0e5, "hte_reward_renewal": 1.0e5}}},
    ],
}


@pytest.fixture(scope="module")
def results():
    return leapsim.run(leapsim.from_dict(STUDY), threads=2, progress=False)


@pytest.fixture(scope="module")
def old_file(results, tmp_path_factory):
    """The run saved in the layout a version before the cost books wrote."""
    path = tmp_path_factory.mktemp("old") / "old.h5"
    results.save(path)
    added = set(results._tree.attributes("scenarios/base")["cost_items"]) - OLDER_ITEMS
    added |= {*PAYER_TOTALS.values(), "public_cost"}
    with h5py.File(path, "a") as f:
        for scenario in results.scenarios:
            for attribute in ("cost_items", "cost_payers"):
                del f[f"scenarios/{scenario}"].attrs[attribute]
    drop_metrics(path, results.scenarios, added)
    return path


def test_the_books_add_up_to_each_payers_total_every_replication_and_year(results):
    books = results.costs()
    assert list(books.columns) == ["scenario", "replication", "year", "payer", "item", "yuan"]
    assert set(books["payer"]) <= set(PAYER_TOTALS)
    sums = books.groupby(["scenario", "payer", "replication", "year"])["yuan"].sum()
    for scenario in results.scenarios:
        public = np.zeros_like(results.metric("public_cost", scenario))
        for payer, metric in PAYER_TOTALS.items():
            total = results.metric(metric, scenario)
            if payer in sums.loc[scenario].index.get_level_values("payer"):
                booked = sums.loc[(scenario, payer)].to_numpy().reshape(total.shape)
            else:
                booked = np.zeros_like(total)
            np.testing.assert_allclose(booked, total, rtol=1e-12, atol=1e-6)
            public += total
        np.testing.assert_allclose(public, results.metric("public_cost", scenario), rtol=1e-12, atol=1e-6)
    # The county's rewards are paid out of its fund: the base pays some.
    assert books.loc[books["scenario"] == "base", "yuan"].sum() > 0


@pytest.mark.parametrize("payer", leapsim.Results.PAYERS)
def test_extras_are_the_paired_differences(results, payer):
    year = int(results.years[-2])
    table = results.cost_effectiveness("htes", year=year, payer=payer).set_index("scenario")
    compared = results.compare(metric="htes", year=year)
    np.testing.assert_allclose(table["extra"], compared.loc[table.index, "mean_difference"], rtol=1e-12)
    np.testing.assert_allclose(table["extra_low"], compared.loc[table.index, "ci95_low"], rtol=1e-12)
    metric = {"public": "public_cost", **PAYER_TOTALS}[payer]
    upto = int(np.searchsorted(results.years, year)) + 1
    base = results.metric(metric, "base")[:, :upto].sum(axis=1)
    for scenario in table.index:
        extra_cost = (results.metric(metric, scenario)[:, :upto].sum(axis=1) - base).mean()
        assert table.loc[scenario, "extra_cost"] == pytest.approx(extra_cost, rel=1e-12, abs=1e-6)
        if table.loc[scenario, "extra"] != 0:
            assert table.loc[scenario, "cost_per_unit"] == pytest.approx(extra_cost / table.loc[scenario, "extra"])


def test_a_package_that_changes_nothing_is_flagged_and_a_bigger_reward_costs_the_county_more(results):
    table = results.cost_effectiveness().set_index("scenario")
    same = table.loc["same-reward"]
    assert same["extra"] == 0 and same["extra_cost"] == 0
    assert same["effect_uncertain"] and not same["bounded"] and not same["on_frontier"]
    assert table.loc["bigger-reward", "extra_cost"] > 0
    frontier = table.attrs["frontier"]
    assert frontier["scenario"].iloc[0] == "base"
    assert list(frontier["extra_cost"]) == sorted(frontier["extra_cost"])
    assert set(frontier["scenario"][1:]) == set(table.index[table["on_frontier"]])
    assert not (table["dominated"] & table["on_frontier"]).any()


def test_unknown_payer_is_refused_naming_the_payers(results):
    with pytest.raises(leapsim.UsageError, match="the payers are county, province, tax, public"):
        results.cost_effectiveness(payer="city")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_has_the_costs_and_cost_effectiveness_sections(results, lang):
    page = leapsim.html_report._Page(results, lang)
    costs = leapsim.html_report.costs(page)
    assert costs.template == "note_table"
    plan = leapsim.html_report.plan_period_costs(results)
    county = plan.xs("county", level="payer").sum()
    total = page.t("payer_total", payer=page.t("payer_county"))
    row = next(r for r in costs.data["rows"] if r[1] == total)
    assert row[2:] == [page.number(v, "subsidies_paid") for v in county[results.scenarios]]
    section = leapsim.html_report.cost_effectiveness(page)
    assert section.template == "table_chart" and section.data["svg"].startswith("<svg")
    assert page.t("frontier_line", steps="").rstrip(".。") in section.data["note"]
    text = leapsim.html_report.render(results, lang)
    for key in ("costs", "cost_effectiveness"):
        assert f'<section id="{key}">' in text
    if results.cost_effectiveness()["dominated"].any():
        assert ("被占优" if lang == "zh" else "dominated by") in text


def test_the_workbook_holds_the_costs_and_cost_effectiveness_sheets_with_the_files_values(results, tmp_path):
    path = results.to_excel(tmp_path / "costs.xlsx", lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    costs = list(book["Costs"].values)
    assert costs[0] == ("scenario", "year", "payer", "metric code", "item", "unit", "mean")
    means = results.costs().groupby(["scenario", "year", "item"])["yuan"].mean()
    assert len(costs) - 1 == len(means)
    for scenario, year, _, item, _, _, value in costs[1:]:
        assert value == pytest.approx(means[(scenario, year, item)], rel=1e-12, abs=1e-9)
    rows = list(book["Cost-effectiveness"].values)
    header = rows[0]
    ce = results.cost_effectiveness("htes", payer="county").set_index("scenario")
    county = [r for r in rows[1:] if r[0] == "county" and r[1] == "htes"]
    assert {r[4] for r in county} == set(ce.index)
    for r in county:
        for column in ("extra", "extra_cost", "per_million"):
            value = r[header.index(leapsim.terms.text(f"ce_col_{column}", "en"))]
            value = float(value) if isinstance(value, str) else value  # "inf", "nan" are written as text
            assert value == pytest.approx(ce.loc[r[4], column], nan_ok=True)


def test_a_file_from_before_the_cost_books_gives_everything_but_them(old_file, tmp_path, cli):
    old = leapsim.open(old_file)
    with pytest.raises(leapsim.ResultsError, match="predates them"):
        old.costs()
    with pytest.raises(leapsim.ResultsError, match="before the cost books"):
        old.cost_effectiveness()
    text = leapsim.html_report.render(old, "en")
    assert "holds no cost books" in text and "holds no cost books a cost-effectiveness needs" in text
    book = openpyxl.load_workbook(old.to_excel(tmp_path / "old.xlsx", lang="en"), read_only=True)
    assert "Costs" not in book.sheetnames and "Cost-effectiveness" not in book.sheetnames
    assert any("holds no cost books" in str(cell) for row in book["About"].values for cell in row)
    printed = cli("compare", old_file).stdout
    assert "not by cost per extra HTE: the results file was written before the cost books" in printed
    assert "M yuan paid" in printed


def test_the_printed_report_ranks_by_cost_per_extra_hte_and_shows_the_frontier(results, tmp_path, cli):
    path = tmp_path / "new.h5"
    results.save(path)
    printed = cli("compare", path).stdout
    assert "Ranking by cost per extra HTE to the county" in printed and "Efficiency frontier" in printed
    assert "written before the cost books" not in printed
    chinese = cli("compare", path, "--lang", "zh").stdout
    assert "每增加一家高新技术企业的县级财政成本" in chinese and "效率前沿" in chinese


def test_a_gain_the_replications_do_not_resolve_is_printed_not_bounded(tmp_path, cli):
    # At 3 replications the tiny district's packages gain HTEs on average but with intervals that
    # hold zero: Fieller gives no bounded interval, and the report says so in words.
    few = leapsim.run(leapsim.from_dict(STUDY), replications=3, progress=False)
    table = few.cost_effectiveness().set_index("scenario")
    unresolved = table[(table["extra"] > 0) & ~table["bounded"]]
    assert not unresolved.empty and unresolved["effect_uncertain"].all()
    assert unresolved["low"].isna().all() and unresolved["high"].isna().all()
    path = tmp_path / "few.h5"
    few.save(path)
    printed = cli("compare", path).stdout.splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("== Ranking by cost per extra HTE"))
    for name in unresolved.index:
        line = next(line for line in printed[start:] if line[4:].startswith(name + " "))
        assert "not bounded (the extra HTEs may be zero)" in line, line
    page = leapsim.html_report.cost_effectiveness(leapsim.html_report._Page(few, "en"))
    assert any("(not bounded)" in row[3] for row in page.data["rows"])
