"""leapsim.plot: what each chart draws is the package's own numbers (summary, compare, targets)."""

import pathlib
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

import leapsim  # noqa: E402
import leapsim.plot  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


@pytest.fixture(scope="module")
def results():
    return leapsim.run(leapsim.load(TINY_STUDY), replications=10, progress=False)


@pytest.fixture(autouse=True)
def no_show_and_close(monkeypatch):
    """Fails a test whose chart calls plt.show(), and closes its figures afterwards."""
    def show(*args, **kwargs):
        raise AssertionError("leapsim.plot must not call plt.show()")

    monkeypatch.setattr(plt, "show", show)
    yield
    plt.close("all")


def band_limits(collection, x):
    """The lowest and highest y of a filled band at x."""
    vertices = np.concatenate([path.vertices for path in collection.get_paths()])
    ys = vertices[np.isclose(vertices[:, 0], x), 1]
    return ys.min(), ys.max()


def test_fan_draws_the_median_and_the_90_percent_band_of_every_scenario(results):
    fig, (other, ax) = plt.subplots(1, 2)
    assert leapsim.plot.fan(results, "htes", ax=ax) is ax
    assert not other.lines and not other.collections  # drew only where it was told
    assert len(ax.lines) == len(results.scenarios) == 4
    assert len(ax.collections) == 2 * len(results.scenarios)  # a 90% and a 50% band each
    assert [line.get_label() for line in ax.lines] == results.scenarios
    assert [t.get_text() for t in ax.get_legend().get_texts()] == results.scenarios
    summary = results.summary("htes")
    for s, scenario in enumerate(results.scenarios):
        line = ax.lines[s]
        assert np.array_equal(line.get_xdata(), results.years)
        assert np.allclose(line.get_ydata(), summary.loc[scenario, "p50"].to_numpy())
        wide, middle = ax.collections[2 * s], ax.collections[2 * s + 1]
        for y, year in enumerate(results.years):
            assert np.allclose(band_limits(wide, year), summary.loc[(scenario, year), ["p05", "p95"]].to_numpy())
            quartiles = np.quantile(results.metric("htes", scenario)[:, y], [0.25, 0.75])
            assert np.allclose(band_limits(middle, year), quartiles)
        assert matplotlib.colors.same_color(wide.get_facecolor()[0][:3], line.get_color())
    assert ax.get_xlabel() == "year"
    assert ax.get_ylabel() == f"htes ({results.unit('htes')})" == "htes (firms)"


def test_fan_draws_a_subset_and_several_results_into_one_axes(results):
    ax = leapsim.plot.fan(results, "rd_spend", scenarios=["coaching"])
    assert ax is plt.gca()  # ax=None: the current Axes
    assert len(ax.lines) == 1 and len(ax.collections) == 2
    assert np.allclose(ax.lines[0].get_ydata(), results.summary("rd_spend").loc["coaching", "p50"].to_numpy())
    assert ax.get_ylabel() == "rd_spend (yuan)"
    leapsim.plot.fan(results, "rd_spend", scenarios=["base"], ax=ax, labels={"base": "the base again"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["coaching", "the base again"]
    assert ax.lines[0].get_color() != ax.lines[1].get_color()
    with pytest.raises(leapsim.UsageError, match="no scenario"):
        leapsim.plot.fan(results, "htes", scenarios=["nonexistent"], ax=ax)


def test_differences_draw_the_paired_means_and_their_95_percent_intervals(results):
    _, ax = plt.subplots()
    assert leapsim.plot.differences(results, "htes", ax=ax) is ax  # the last year by default
    table = results.compare(metric="htes", year=2022)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index) == results.scenarios[1:]
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    point, _, (segments,) = bars.lines
    assert np.allclose(point.get_xdata(), table["mean_difference"].to_numpy())
    ends = np.array([[segment[0][0], segment[1][0]] for segment in segments.get_segments()])
    assert np.allclose(np.sort(ends, axis=1), table[["ci95_low", "ci95_high"]].to_numpy())
    assert "2022" in ax.get_xlabel() and "base" in ax.get_xlabel() and "(firms)" in ax.get_xlabel()
    assert ax.yaxis_inverted() and list(point.get_ydata()) == [0, 1, 2]  # the first alternative on top


def test_differences_against_another_base_and_year(results):
    ax = leapsim.plot.differences(results, "tech_smes", year=2020, base="coaching")
    table = results.compare(base="coaching", metric="tech_smes", year=2020)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["base", "bigger-reward", "more-entry"]
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert np.allclose(bars.lines[0].get_xdata(), table["mean_difference"].to_numpy())
    d = results.metric("tech_smes", "base")[:, 1] - results.metric("tech_smes", "coaching")[:, 1]
    assert np.isclose(bars.lines[0].get_xdata()[0], d.mean())
    assert "2020" in ax.get_xlabel() and "coaching" in ax.get_xlabel()
    with pytest.raises(ValueError, match="2030"):
        leapsim.plot.differences(results, "htes", year=2030)


def test_target_probabilities_draw_grouped_bars_with_wilson_intervals(results):
    _, ax = plt.subplots()
    assert leapsim.plot.target_probabilities(results, ax=ax) is ax
    table = results.targets()
    labels = list(dict.fromkeys(table.label))
    assert len(labels) == 2
    groups = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [g.get_label() for g in groups] == results.scenarios
    assert sum(len(g.patches) for g in groups) == len(ax.patches) == len(labels) * len(results.scenarios)
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == labels
    for group, scenario in zip(groups, results.scenarios):
        rows = table[table.scenario == scenario]
        assert np.allclose([bar.get_height() for bar in group.patches], rows.probability)
        (segments,) = group.errorbar.lines[2]
        ends = np.array([[s[0][1], s[1][1]] for s in segments.get_segments()])
        assert np.allclose(np.sort(ends, axis=1), rows[["wilson95_low", "wilson95_high"]].to_numpy())
    centres = [[bar.get_x() + bar.get_width() / 2 for bar in g.patches] for g in groups]
    assert np.all(np.diff(np.array(centres), axis=0) > 0)  # scenarios side by side within each target
    assert ax.get_ylim() == (0, 1.05) and "probability" in ax.get_ylabel()


def test_one_replication_draws_no_infinite_intervals():
    one = leapsim.run(leapsim.load(TINY_STUDY), replications=1, progress=False)
    assert np.isinf(one.compare(metric="htes", year=2022)["ci95_high"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "converting a masked element to nan" from matplotlib
        ax = leapsim.plot.differences(one, "htes")
        leapsim.plot.fan(one, "htes", ax=plt.subplots()[1])
        leapsim.plot.target_probabilities(one, ax=plt.subplots()[1])
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert not bars.has_xerr and len(bars.lines[0].get_xdata()) == 3


def test_charts_that_need_what_the_results_lack_say_so():
    single = leapsim.run(leapsim.load(TINY), replications=2, progress=False)
    with pytest.raises(ValueError, match="single scenario"):
        leapsim.plot.differences(single, "htes")
    with pytest.raises(ValueError, match="no targets"):
        leapsim.plot.target_probabilities(single)
    ax = leapsim.plot.fan(single, "htes")
    assert len(ax.lines) == 1
