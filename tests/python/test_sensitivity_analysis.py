"""leapsim.sensitivity: frames of the indices, the command line's numbers, located errors, and the
Morris and Sobol plots."""

import h5py
import numpy as np
import pytest

import leapsim
from conftest import ROOT

TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
# The budget (1e12 yuan, never exhausted) cannot change a count; the initial tech SMEs must.
INPUTS = [{"path": "policy.budget", "low": 1e11, "high": 1e12}, ("initial[1].count", 6, 30)]


@pytest.fixture(scope="module")
def morris():
    return leapsim.sensitivity(leapsim.load(TINY_STUDY), INPUTS, trajectories=3, replications=3, threads=2)


def test_frames_hold_the_indices(morris):
    assert morris.method == "morris" and list(morris.inputs.index) == ["policy.budget", "initial[1].count"]
    assert {"output", "input", "mu", "mu_star", "sigma", "noise_floor", "distinguishable"} <= set(morris.indices)
    budget = morris.indices[morris.indices["input"] == "policy.budget"]
    # Common random numbers: exact zeros; a cost per extra HTE is NaN where a package adds none.
    ratios = budget["output"].map(morris.outputs["kind"]) == "cost_per_unit"
    assert (budget.loc[~ratios, "mu_star"] == 0).all() and not budget["distinguishable"].any()
    assert ((budget.loc[ratios, "mu_star"] == 0) | budget.loc[ratios, "mu_star"].isna()).all() and ratios.any()
    ranked = morris.ranked("tech_smes_2019")
    assert ranked.index[0] == "initial[1].count" and ranked["mu"].iloc[0] > 15 and ranked["distinguishable"].iloc[0]
    assert morris.outputs.loc["tech_smes_2019", "kind"] == "metric"
    assert morris.ranking_flips["policy.budget"] == 0 and 0 <= morris.ranking_changed <= 1
    # The alternatives by the county's cost per extra unit: every alternative once, the base not ranked.
    assert sorted(morris.cost_nominal_ranking) == sorted(morris.packages[1:])
    assert morris.cost_ranking_flips["policy.budget"] == 0 and 0 <= morris.cost_ranking_changed <= 1
    assert morris.nominal_ranking[0] in morris.packages


def test_the_command_line_gives_the_same_numbers(morris, cli, tmp_path):
    inputs = tmp_path / "inputs.yaml"
    inputs.write_text("sensitivity:\n  trajectories: 3\n  replications: 3\n  inputs:\n"
                      "    - {path: policy.budget, low: 1.0e11, high: 1.0e12}\n"
                      "    - {path: \"initial[1].count\", low: 6, high: 30}\n")
    out = tmp_path / "cli.h5"
    cli("sensitivity", TINY_STUDY, "--inputs", inputs, "-o", out, "-q", "-j", 1)
    with h5py.File(out, "r") as f:
        assert np.array_equal(f["design/outputs"][()], morris._tree.array("design/outputs"), equal_nan=True)
        assert np.array_equal(f["sensitivity/htes_2021/mu_star"][()],
                              morris.indices.set_index(["output", "input"]).loc["htes_2021", "mu_star"].to_numpy())
    again = leapsim.open_sensitivity(out)
    assert again.method == "morris" and again.indices.equals(morris.indices)


def test_bad_inputs_raise_located_errors():
    with pytest.raises(leapsim.ScenarioError, match=r"low \(9\) must be below high \(3\)"):
        leapsim.sensitivity(leapsim.load(TINY_STUDY), [("entry.base_rate", 9, 3)])
    with pytest.raises(TypeError, match="unknown setting"):
        leapsim.sensitivity(leapsim.load(TINY_STUDY), INPUTS, trajectory=3)


def test_plots(morris, tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    leapsim.plot.cjk_font()  # before the figure, whose title and label texts take the font family then
    fig, (left, right) = plt.subplots(1, 2)
    ax = leapsim.plot.morris(morris, "tech_smes_2019", ax=left, lang="zh")
    offsets = ax.collections[0].get_offsets()
    ranked = morris.ranked("tech_smes_2019")
    assert np.allclose(offsets, ranked[["mu_star", "sigma"]].to_numpy())
    sobol = leapsim.sensitivity(leapsim.load(TINY_STUDY), INPUTS, method="sobol", samples=4, bootstrap=20,
                                replications=2)
    assert {"S1", "S1_low", "ST", "ST_high"} <= set(sobol.indices)
    ax = leapsim.plot.sobol(sobol, "tech_smes_2019", ax=right, lang="zh")
    from matplotlib.container import BarContainer
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    ranked = sobol.ranked("tech_smes_2019")
    assert len(bars) == 2 and [b.get_height() for b in bars[1]] == pytest.approx(list(ranked["ST"]))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns: the Chinese labels must draw
        fig.savefig(tmp_path / "sensitivity.png")
    assert (tmp_path / "sensitivity.png").stat().st_size > 0
    plt.close(fig)
