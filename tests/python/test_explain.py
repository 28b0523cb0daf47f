"""Results.explain: the paired difference of a metric split by mechanism adds up to compare()'s
difference for every scenario, metric and year; a package that changes nothing explains to zero
in every row; the report page says each package's breakdown in words; a file written before the
mechanism counters still compares and says it cannot be explained."""

import pathlib
import shutil

import numpy as np
import pytest

import leapsim
import leapsim.html_report
from older_layout import drop_metrics

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"
NEW_COUNTERS = ("hte_exits", "hte_rejected", "hte_renewal_rejected", "hte_new_entrants", "tech_sme_renewed")

# A small study: the tiny district with a package that repeats the base's own reward (changes
# nothing), and packages that move certifications, renewals and entry.
STUDY = f"""study:
  name: Explain test
  replications: 12
  seed: 16
base: {TINY}
alternatives:
  - name: same-reward
    overrides: {{policy: {{hte_reward_new: 1.0e5}}}}
  - name: coaching
    overrides: {{policy: {{coaching_capacity: 5}}}}
  - name: bigger-reward
    overrides: {{policy: {{hte_reward_new: 3.0e5, hte_reward_renewal: 1.0e5}}}}
  - name: more-entry
    overrides: {{entry: {{base_rate: 12}}}}
"""


def mechanisms_text(results, lang):
    """The page's mechanisms section as its reader sees it (the section alone: the whole page, charts
    included, is rendered by tests/apps/test_report_commands.py)."""
    section = leapsim.html_report.mechanisms(leapsim.html_report._Page(results, lang))
    lines = [section.data["note"]]
    for paragraph in section.data.get("paragraphs", []):
        lines += [paragraph["head"], *paragraph["parts"]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "study.yaml"
    path.write_text(STUDY, encoding="utf-8")
    return leapsim.run(leapsim.load(path, allow_outside=True), threads=2, progress=False)


def close(a, b):
    """Equal to rounding: the parts are sums of the same doubles in another order (counts are exact
    integers; money sums of about 10^8 yuan keep some 15 significant digits)."""
    return abs(a - b) <= 1e-9 * (1.0 + abs(b))


def test_parts_add_up_to_the_difference_for_every_scenario_metric_and_year(results):
    checked = 0
    for scenario in results.scenarios[1:]:
        for metric in results.metric_names:
            compared = results.compare(metric=metric)
            for year in results.years:
                rows = results.explain(scenario, metric, int(year))
                assert list(rows.columns[:4]) == ["mechanism", "mean", "low", "high"]
                difference = compared.loc[(scenario, year), "mean_difference"]
                top = rows[rows["parent"] == ""]
                assert close(top["mean"].sum(), difference), (scenario, metric, year, rows)
                for (parent, _), split in rows[rows["parent"] != ""].groupby(["parent", "split"]):
                    whole = rows.loc[rows["key"] == parent, "mean"].item()
                    assert close(split["mean"].sum(), whole), (scenario, metric, year, parent)
                assert (rows["low"] <= rows["mean"] + 1e-9).all() and (rows["mean"] <= rows["high"] + 1e-9).all()
                checked += 1
    assert checked == 4 * len(results.metric_names) * len(results.years)


def test_a_metric_without_a_split_is_its_own_row_with_compares_interval(results):
    rows = results.explain("coaching", "rd_spend", 2022)
    compared = results.compare(metric="rd_spend", year=2022).loc["coaching"]
    assert list(rows["key"]) == ["total"]
    assert rows["mean"].item() == compared["mean_difference"]
    assert (rows["low"].item(), rows["high"].item()) == (compared["ci95_low"], compared["ci95_high"])


def test_a_package_that_changes_nothing_explains_to_zero_in_every_row(results):
    for metric in results.metric_names:
        for year in results.years:
            rows = results.explain("same-reward", metric, int(year))
            assert (rows[["mean", "low", "high"]].to_numpy() == 0.0).all(), (metric, year, rows)


def test_the_hte_breakdown_names_each_flow_and_moves_where_the_package_acts(results):
    rows = results.explain("coaching", "htes").set_index("key")
    assert list(rows.index[rows["parent"] == ""]) == ["starting_certificates", "new_certifications",
                                                       "lapses_avoided", "exits_avoided"]
    # The scenarios share their initial firms, so the starting certificates never differ.
    assert (rows.loc["starting_certificates", ["mean", "low", "high"]] == 0.0).all()
    # Coaching passes applications that would fail: some flow of its breakdown moves.
    assert (rows.loc[rows["parent"] == "", "mean"].abs() > 0).any()
    entry = results.explain("more-entry", "firms_alive").set_index("key")
    assert entry.loc["extra_entries", "mean"] > 0  # 12 entrants a year instead of the base's rate


def test_unknown_names_and_years_are_refused(results):
    with pytest.raises(leapsim.UsageError, match="no scenario 'nope'"):
        results.explain("nope", "htes")
    with pytest.raises(leapsim.UsageError, match="no metric 'nope'"):
        results.explain("coaching", "nope")
    with pytest.raises(leapsim.UsageError, match="no year 2030"):
        results.explain("coaching", "htes", 2030)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_says_each_breakdown_in_words(results, lang):
    text = mechanisms_text(results, lang)
    rows = results.explain("coaching", "htes")
    mean = results.compare(metric="htes", year=2022).loc["coaching", "mean_difference"]
    if lang == "en":
        assert f'"coaching" changes high-tech enterprises with a valid certificate on 31 December in 2022 by ' \
               f'{mean:+.1f}' in text
        assert '"same-reward" leaves' in text
        assert "holds no mechanism" not in text and "flow counters a mechanism breakdown needs" not in text
        words = rows.loc[(rows["parent"] == "") & (rows["mean"].abs() >= 0.05), "mechanism"]
    else:
        assert f"“coaching”使 2022 年年末有效高新技术企业数比基准方案变化 {mean:+.1f}" in text
        words = rows.loc[(rows["parent"] == "") & (rows["mean"].abs() >= 0.05), "mechanism_zh"]
    for word in words:
        assert word in text


def test_a_file_from_before_the_counters_still_compares_and_says_it_cannot_explain(results, tmp_path):
    path = tmp_path / "old.h5"
    results.save(path)
    drop_metrics(path, results.scenarios, NEW_COUNTERS)  # the layout an earlier version wrote
    old = leapsim.open(path)
    against = old.compare(base="coaching", metric="htes", year=2022)
    assert np.isclose(against.loc["base", "mean_difference"],
                      -results.compare(metric="htes", year=2022).loc["coaching", "mean_difference"])
    with pytest.raises(leapsim.ResultsError, match="before the mechanism counters"):
        old.explain("coaching", "htes")
    assert "flow counters a mechanism breakdown needs" in mechanisms_text(old, "en")
    shutil.rmtree(tmp_path)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    path = tmp_path_factory.mktemp("divergence") / "study.yaml"
    path.write_text(STUDY, encoding="utf-8")
    return leapsim.run(leapsim.load(path, allow_outside=True), replications=3, threads=2, progress=False,
                       record="events", record_replications=3)


def test_firm_histories_of_a_package_that_changes_nothing_never_part(recorded):
    parted = recorded.divergence("same-reward")
    assert parted.empty and parted.attrs["firms"] > 0


def test_coaching_first_parts_a_firm_history_at_an_hte_application_or_decision(recorded):
    parted = recorded.divergence("coaching")
    assert 0 < len(parted) < parted.attrs["firms"]
    # Coaching acts only where a firm applies (a coached firm applies whatever its draw) and at the
    # round (the coached pass probability): the first parting of each replication is one of those.
    first = parted.loc[parted.groupby("replication")["time"].idxmin()]
    assert set(first["process"]) <= {"hte_applied", "hte_certified", "hte_rejected", "hte_renewed"}, first
    assert (parted["year"] == np.floor(parted["time"])).all() and parted["year"].between(2019, 2022).all()
    assert set(parted["side"]) <= {"base", "coaching", "base/coaching"}


def test_the_page_says_where_recorded_histories_part(recorded):
    text = mechanisms_text(recorded, "en")
    parted = recorded.divergence("coaching")
    assert f'{len(parted)} of the {parted.attrs["firms"]} firm histories of "coaching" part from the base\'s' in text
    assert 'all ' + str(recorded.divergence("same-reward").attrs["firms"]) + \
        ' firm histories of "same-reward" are the base\'s' in text
    assert "在记录了事件的模拟中" in mechanisms_text(recorded, "zh")


def test_against_another_base_the_parts_add_up_to_that_comparison(results):
    compared = results.compare(base="coaching", metric="htes", year=2022)
    for scenario in ("base", "more-entry"):
        rows = results.explain(scenario, "htes", 2022, base="coaching")
        assert close(rows.loc[rows["parent"] == "", "mean"].sum(), compared.loc[scenario, "mean_difference"])
