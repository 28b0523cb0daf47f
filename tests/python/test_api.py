"""The leapsim package: loading, running, results as numpy and pandas, files, exceptions."""

import pathlib
import threading

import h5py
import numpy as np
import pytest

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


@pytest.fixture(scope="module")
def results():
    return leapsim.run(leapsim.load(TINY_STUDY), replications=12, threads=2, progress=False)


def test_load_gives_studies_and_scenarios():
    study = leapsim.load(TINY_STUDY)
    assert isinstance(study, leapsim.Study)
    assert [a.name for a in study.alternatives] == ["bigger-reward", "coaching", "more-entry"]
    assert study.targets[0].metric == "htes" and study.targets[0].comparison == ">="
    assert study.targets[0].met(study.targets[0].threshold)
    scenario = leapsim.load(TINY)
    assert isinstance(scenario, leapsim.Scenario) and scenario.start_year == 2019


def test_with_changes_returns_a_new_validated_scenario():
    scenario = leapsim.load(TINY)
    richer = scenario.with_changes({"policy.hte_reward_new": 200000, "entry.base_rate": 12})
    assert "hte_reward_new: 200000" in richer.resolved_yaml.replace("2e+05", "200000")
    assert "hte_reward_new: 200000" not in scenario.resolved_yaml  # the original is unchanged
    with pytest.raises(leapsim.ScenarioError) as bad:
        scenario.with_changes({"hte.pass_probability": 1.5})
    assert "hte.pass_probability" in str(bad.value) and bad.value.line >= 1 and bad.value.column >= 1
    with pytest.raises(leapsim.UsageError, match="no_such"):
        scenario.with_changes({"hte.no_such": 1})


def test_scenario_errors_keep_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nentry:\n  base_rat: 5\n")
    with pytest.raises(leapsim.ScenarioError) as error:
        leapsim.load(bad)
    assert (error.value.file, error.value.line, error.value.column) == (str(bad), 3, 3)
    assert "base_rate" in error.value.diagnostics[0][3]
    assert isinstance(error.value, leapsim.UsageError) and isinstance(error.value, leapsim.Error)
    assert leapsim.check_file(bad)[0][:3] == (str(bad), 3, 3)
    with pytest.raises(leapsim.ResultsError, match="not an HDF5 file"):
        leapsim.open(bad)


def test_results_arrays_are_views_that_keep_their_owner(results):
    htes = results.metric("htes", "coaching")
    assert htes.shape == (12, 4) and not htes.flags.writeable
    assert htes.base is not None  # shares the results' memory
    copy = htes.copy()
    copy[:] = -1
    assert (results.metric("htes", "coaching") >= 0).all()  # a copy cannot change the results
    with pytest.raises(ValueError):
        htes[0, 0] = 1
    view = leapsim.run(leapsim.load(TINY_STUDY), replications=3, progress=False).metric("firms_alive")
    assert view.sum() > 0  # the Results object is gone; its view still holds the memory


def test_tables_match_the_arrays(results):
    tidy = results.to_dataframe(["htes"])
    assert len(tidy) == 4 * 12 * 4
    one = tidy[(tidy.scenario == "base") & (tidy.replication == 5)].value.to_numpy()
    assert (one == results.metric("htes")[5]).all()
    summary = results.summary("htes")
    assert np.isclose(summary.loc[("coaching", 2021), "mean"], results.metric("htes", "coaching")[:, 2].mean())
    compare = results.compare(metric="htes", year=2022)
    d = results.metric("htes", "coaching")[:, 3] - results.metric("htes")[:, 3]
    assert np.isclose(compare.loc["coaching", "mean_difference"], d.mean())
    against = results.compare(base="coaching", metric="htes", year=2022)
    assert np.isclose(against.loc["base", "mean_difference"], -d.mean())
    with pytest.raises(leapsim.UsageError, match="no year 2030"):
        results.compare(metric="htes", year=2030)
    targets = results.targets()
    assert set(targets.scenario) == set(results.scenarios) and targets.probability.between(0, 1).all()


def test_python_and_cli_give_the_same_bits(results, cli, tmp_path):
    out = tmp_path / "cli.h5"
    cli("run", TINY_STUDY, "-r", 12, "-j", 1, "-q", "-o", out)
    with h5py.File(out, "r") as f:
        for scenario in results.scenarios:
            for metric in results.metric_names:
                assert np.array_equal(f[f"scenarios/{scenario}/metrics/{metric}"][:], results.metric(metric, scenario))


def test_save_and_open_round_trip(results, tmp_path):
    path = tmp_path / "saved.h5"
    results.save(path)
    with pytest.raises(leapsim.UsageError, match="--force"):
        results.save(path)
    again = leapsim.open(path)
    assert again.scenarios == results.scenarios and again.attrs["seed"] == results.attrs["seed"]
    assert np.array_equal(again.metric("htes", "more-entry"), results.metric("htes", "more-entry"))
    assert again.summary("tech_smes").equals(results.summary("tech_smes"))


def test_run_a_scenario_with_progress_and_records():
    calls = []
    r = leapsim.run(leapsim.load(TINY), replications=4, progress=lambda done, total: calls.append((done, total)),
                    record=("events", "firms"), threads=2)
    assert calls[-1] == (4, 4) and len(calls) == 4
    assert r.scenarios == ["base"]
    events = r.events()
    assert set(events.replication) == {0} and "exited" in set(events.kind)
    assert len(r.firms()[r.firms().year == 2019]) == r.metric("firms_alive")[0, 0]
    with pytest.raises(leapsim.ResultsError, match="record"):
        leapsim.run(leapsim.load(TINY), replications=2, progress=False).events()


def test_the_gil_is_released_while_running():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    leapsim.run(leapsim.load(TINY_STUDY), replications=60, threads=1, progress=False)
    stop.set()
    thread.join()
    assert len(ticks) > 5  # the other thread kept running during the simulation


def test_a_failing_progress_callback_stops_the_run():
    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        leapsim.run(leapsim.load(TINY_STUDY), replications=50, progress=interrupt, threads=1)


def test_a_scenario_from_a_dict_is_validated_like_a_file():
    scenario = leapsim.from_dict({"extends": str(TINY), "policy": {"hte_reward_new": 250000}}, name="mine")
    assert isinstance(scenario, leapsim.Scenario) and "250000" in scenario.resolved_yaml.replace("2.5e+05", "250000")
    with pytest.raises(leapsim.ScenarioError) as error:
        leapsim.from_dict({"extends": str(TINY), "entry": {"base_rate": -1}}, name="mine")
    assert error.value.file.endswith("mine") and "entry.base_rate must be >= 0" in str(error.value)
    study = leapsim.from_dict({"study": {"name": "from Python", "replications": 3, "seed": 1},
                               "base": str(TINY), "alternatives": [{"name": "rich",
                                                                    "overrides": {"entry": {"base_rate": 30}}}]})
    assert isinstance(study, leapsim.Study) and study.alternatives[0].name == "rich"


def test_scenario_keys_are_the_schemas_in_both_languages():
    import leapsim

    en = leapsim.scenario_keys()
    zh = leapsim.scenario_keys(lang="zh")
    row = en[(en.section == "entry") & (en.key == "base_rate")].iloc[0]
    assert row["unit"] == "firms / year"
    assert row["range"] == ">= 0, at most 10000000"
    assert row["default"].startswith("60 (assumption")
    assert zh[(zh.section == "entry") & (zh.key == "base_rate")].iloc[0]["help"] == "每年基础新进入企业数"
    assert len(en) == len(zh) > 100
    assert (en["help"] != "").all() and (zh["help"] != "").all()
    with pytest.raises(ValueError, match="lang must be one of"):
        leapsim.scenario_keys(lang="fr")


def test_load_keeps_named_files_inside_the_folder_unless_allowed(tmp_path):
    import leapsim

    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.yaml").write_text("name: not for you\nentry: {base_rate: 7}\n")
    (inner / "mine.yaml").write_text("extends: ../secret.yaml\n")
    with pytest.raises(leapsim.ScenarioError, match="outside the folder") as error:
        leapsim.load(inner / "mine.yaml")
    assert "not for you" not in str(error.value)  # never quoted
    assert any("outside the folder" in d[3] for d in leapsim.check_file(inner / "mine.yaml"))
    assert leapsim.load(inner / "mine.yaml", allow_outside=True).name == "not for you"
    assert leapsim.check_file(inner / "mine.yaml", allow_outside=True) == []
