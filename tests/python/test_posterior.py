"""Posterior files through leapsim.open_posterior: a file written with h5py by the documented
layout (docs/output-format.md, "Posterior files") reads back frame by frame against hand-computed
values; the same posterior written by the C++ writer reads back in h5py as it was written; a
results file, a truncated file, a foreign file and bad weights are refused naming the file."""

import h5py
import numpy as np
import pandas as pd
import pytest

import leapsim

from conftest import ROOT

NAMES = ["hte.apply_probability", "initial[2].count"]
TARGETS = ["hebei 2017 hte", "hebei 2018 tech-sme"]
# Hand-picked weights, one zero: the posterior predictive quantiles below are computed from them
# by hand.
WEIGHTS = np.array([0.02, 0.08, 0.3, 0.6, 0.0])
DRAWS = np.array([[0.1, 90.0], [0.2, 95.0], [0.3, 100.0], [0.4, 105.0], [0.5, 110.0]])
SUMMARIES = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]])


def write_posterior(path, weights=WEIGHTS, **root):
    """A posterior file by the documented layout, written with h5py alone."""
    with h5py.File(path, "w") as f:
        attrs = {"format": "leapsim-posterior", "version": np.int64(1), "method": "abc-smc",
                 "created_by": "h5py test", "calibration_file": "fit.yaml",
                 "calibration_text": "scenario: hebei-2016.yaml\n# 河北\n",
                 "data_text": "geography,year,metric,value\nhebei,2017,hte,3166\n",
                 "scenario_text": "name: 河北\n", "simulations": np.int64(1234), "stopped_by": "max_generations"}
        attrs.update(root)
        for key, value in attrs.items():
            f.attrs[key] = value
        f["draws"] = DRAWS
        f["draws"].attrs["names"] = NAMES
        f["weights"] = weights
        f["distances"] = np.array([0.5, 0.4, 0.3, 0.2, 0.1])
        f["summaries"] = SUMMARIES
        f["summaries"].attrs["names"] = TARGETS
        f["priors"] = np.array([(0.0, 1.0, 0.0, 1.0), (100.0, 10.0, -np.inf, np.inf)],
                               dtype=[("mean", "f8"), ("sd", "f8"), ("low", "f8"), ("high", "f8")])
        f["priors"].attrs["names"] = NAMES
        f["priors"].attrs["kinds"] = ["uniform", "normal"]
        f["targets"] = np.array([(3.0, 0.0, 0.1, 0.0), (25.0, 45.0, 0.05, 1.0)],
                                dtype=[("value", "f8"), ("high", "f8"), ("relative_tolerance", "f8"),
                                       ("absolute_tolerance", "f8")])
        f["targets"].attrs["names"] = TARGETS
        f["targets"].attrs["qualifiers"] = ["exact", "interval"]
        f["generations"] = np.array([(0, np.inf, 5, 5, 1.0, 5.0), (1, 2.5, 20, 40, 0.25, 2.25)],
                                    dtype=[("generation", "i8"), ("epsilon", "f8"), ("attempts", "i8"),
                                           ("simulations", "i8"), ("acceptance_rate", "f8"),
                                           ("effective_sample_size", "f8")])
        f["parameters"] = np.array([(0.338, 0.18, 0.4, 0.05, 0.95, 0.24, 1), (101.9, 94.0, 105.0, 83.6, 116.4, 0.34, 0)],
                                   dtype=[("mean", "f8"), ("low", "f8"), ("high", "f8"), ("prior_low", "f8"),
                                          ("prior_high", "f8"), ("width_ratio", "f8"), ("identified", "i8")])
        f["parameters"].attrs["names"] = NAMES
        settings = f.create_group("settings")
        for key, value in {"particles": np.int64(5), "seed": np.uint64(2**64 - 3), "initial_epsilon": np.inf,
                           "final_epsilon": 0.5, "max_generations": np.int64(2), "max_simulations": np.int64(10000),
                           "max_attempts_per_particle": np.int64(100), "schedule": "quantile",
                           "tolerance_quantile": 0.5, "ess_fraction": 0.5, "kernel": "twice_covariance",
                           "seeds": "per_generation", "replicates": np.int64(2),
                           "identified_width_ratio": 0.5}.items():
            settings.attrs[key] = value
    return path


def test_a_file_written_by_the_documented_layout_reads_frame_by_frame(tmp_path):
    post = leapsim.open_posterior(write_posterior(tmp_path / "fit.h5"))
    expected_draws = pd.DataFrame(DRAWS, columns=NAMES)
    expected_draws["weight"] = WEIGHTS
    expected_draws["distance"] = [0.5, 0.4, 0.3, 0.2, 0.1]
    pd.testing.assert_frame_equal(post.draws, expected_draws)
    pd.testing.assert_frame_equal(post.generations, pd.DataFrame({
        "generation": [0, 1], "epsilon": [np.inf, 2.5], "attempts": [5, 20], "simulations": [5, 40],
        "acceptance_rate": [1.0, 0.25], "effective_sample_size": [5.0, 2.25]}))
    pd.testing.assert_frame_equal(post.parameters, pd.DataFrame({
        "name": NAMES, "mean": [0.338, 101.9], "low": [0.18, 94.0], "high": [0.4, 105.0], "prior_low": [0.05, 83.6],
        "prior_high": [0.95, 116.4], "width_ratio": [0.24, 0.34], "identified": [True, False]}))
    pd.testing.assert_frame_equal(post.priors, pd.DataFrame({
        "name": NAMES, "kind": ["uniform", "normal"], "mean": [0.0, 100.0], "sd": [1.0, 10.0],
        "low": [0.0, -np.inf], "high": [1.0, np.inf]}))
    # Predictive mean sum w s: 0.02 + 0.16 + 0.9 + 2.4 = 3.48 for the first figure. Quantiles:
    # each summary sits at the middle of its weight, at 0.01, 0.06, 0.25 and 0.7 (the zero weight
    # takes no place); 5% lies 4/5 of the way from 0.01 to 0.06, so 1 + 0.8 x (2 - 1) = 1.8, and
    # 95% is past 0.7, so the largest summary of positive weight, 4.
    pd.testing.assert_frame_equal(post.figures, pd.DataFrame({
        "name": TARGETS, "qualifier": ["exact", "interval"], "value": [3.0, 25.0], "high": [0.0, 45.0],
        "relative_tolerance": [0.1, 0.05], "absolute_tolerance": [0.0, 1.0],
        "accepted_mean": [3.48, 34.8], "accepted_p05": [1.8, 18.0], "accepted_p95": [4.0, 40.0]}))
    assert post.seed == 2**64 - 3
    assert post.settings["kernel"] == "twice_covariance" and post.settings["initial_epsilon"] == np.inf
    assert post.settings["replicates"] == 2 and "threads" not in post.settings
    assert post.calibration_text == "scenario: hebei-2016.yaml\n# 河北\n"
    assert post.data_text.startswith("geography,year,metric,value\n") and post.scenario_text == "name: 河北\n"
    assert (post.calibration_file, post.method, post.stopped_by, post.simulations) == (
        "fit.yaml", "abc-smc", "max_generations", 1234)


def test_sample_draws_by_weight_and_never_a_zero_weight(tmp_path):
    post = leapsim.open_posterior(write_posterior(tmp_path / "fit.h5"))
    rows = post.sample(20000, seed=7)
    pd.testing.assert_frame_equal(rows, post.sample(20000, seed=7))
    assert list(rows.columns) == NAMES and 4 not in rows.index
    # Each particle's share of 20,000 draws has binomial sd at most sqrt(0.25 / 20000) = 0.0035;
    # 0.02 is more than 5 sd, so a correct draw fails this with probability below 1e-6 (and the
    # seed is fixed).
    shares = rows.index.value_counts(normalize=True).reindex(range(5), fill_value=0.0)
    assert np.abs(shares.to_numpy() - WEIGHTS).max() < 0.02
    # The documented rule, u by u: the first particle whose cumulative weight exceeds u x total.
    u = np.random.default_rng(3).random(50)
    picked = [next(i for i, c in enumerate(np.cumsum(WEIGHTS)) if c > x * WEIGHTS.sum()) for x in u]
    assert list(post.sample(50, seed=3).index) == picked
    with pytest.raises(TypeError):
        post.sample(-1, seed=1)


def test_the_cpp_writer_writes_what_h5py_reads_back(tmp_path):
    source = write_posterior(tmp_path / "fit.h5")
    tree = leapsim._core.read_posterior(str(source))
    written = tmp_path / "rewritten.h5"
    tree.save(str(written))  # through write_results, as write_posterior writes
    with h5py.File(source, "r") as a, h5py.File(written, "r") as b:
        assert dict(a.attrs) == dict(b.attrs)
        assert dict(a["settings"].attrs) == dict(b["settings"].attrs)
        assert b["settings"].attrs["seed"].dtype == np.uint64
        for name in ("draws", "weights", "distances", "summaries", "priors", "targets", "generations", "parameters"):
            assert np.array_equal(a[name][()], b[name][()]), name
            assert {k: list(v) for k, v in a[name].attrs.items()} == {k: list(v) for k, v in b[name].attrs.items()}
    pd.testing.assert_frame_equal(leapsim.open_posterior(written).draws, leapsim.open_posterior(source).draws)


def test_a_results_file_is_refused_as_one(tmp_path):
    results = leapsim.run(leapsim.load(ROOT / "scenarios" / "small" / "tiny.yaml"), replications=2, progress=False)
    path = tmp_path / "results.h5"
    results.save(path)
    with pytest.raises(leapsim.ResultsError) as error:
        leapsim.open_posterior(path)
    assert str(error.value) == f"{path} is a results file, not a posterior file (format 'leapsim-results')"


def test_truncated_foreign_and_damaged_files_are_refused_naming_the_file(tmp_path):
    whole = write_posterior(tmp_path / "fit.h5").read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(leapsim.ResultsError, match=f"^{cut}: damaged or truncated"):
        leapsim.open_posterior(cut)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3.0)
    with pytest.raises(leapsim.ResultsError, match=f"^{foreign} is not a LeapSim posterior file"):
        leapsim.open_posterior(foreign)
    unnormalised = write_posterior(tmp_path / "weights.h5", weights=WEIGHTS * 2)
    with pytest.raises(leapsim.ResultsError, match=rf"^{unnormalised}: /weights: the weights sum to 2, not 1"):
        leapsim.open_posterior(unnormalised)
    newer = write_posterior(tmp_path / "newer.h5", version=np.int64(2))
    with pytest.raises(leapsim.ResultsError, match=f"^{newer}: /: version 2 is not known"):
        leapsim.open_posterior(newer)


def test_a_changed_base_runs_on_its_study_s_draws(tmp_path):
    """leapsim.run(scenario, draws_from=study): the Congtai base run on its study's Hebei draws gives
    the study's base bits (same seed and replications), its parameter table included; a changed
    base differs; without draws_from the base runs on its point values; a wrong type is refused."""
    study = leapsim.load(ROOT / "scenarios" / "congtai-2019.yaml")
    assert study.posterior_file.endswith("hebei-2016.posterior.h5") and study.runs_per_draw == 2
    whole = leapsim.run(study, replications=4, progress=False)
    alone = leapsim.run(study.base, replications=4, seed=study.seed, draws_from=study, progress=False)
    assert alone.has_posterior
    assert np.array_equal(alone.metric("htes"), whole.metric("htes", "base"))
    assert alone.parameter_draws().equals(whole.parameter_draws())
    plain = leapsim.run(study.base, replications=4, seed=study.seed, progress=False)
    assert not plain.has_posterior and not np.array_equal(plain.metric("htes"), whole.metric("htes", "base"))
    richer = study.base.with_changes({"policy.hte_reward_new": 3.0e5})
    changed = leapsim.run(richer, replications=4, seed=study.seed, draws_from=study, progress=False)
    assert np.array_equal(changed.parameter_draws().to_numpy(), alone.parameter_draws().to_numpy())
    assert not np.array_equal(changed.metric("htes"), alone.metric("htes"))
    with pytest.raises(TypeError, match="draws_from must be a leapsim.Study"):
        leapsim.run(study.base, replications=1, draws_from="congtai-2019.yaml")
    with pytest.raises(TypeError, match="goes with a Scenario"):
        leapsim.run(study, replications=1, draws_from=study)
