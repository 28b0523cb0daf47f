"""Scenario.with_changes with schedules and dated steps, and a sweep of a study file run from Python."""

import pathlib
import shutil

import pytest

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


def reward_steps(scenario):
    """policy.hte_reward_new's steps as the resolved YAML writes them."""
    lines = scenario.resolved_yaml.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("hte_reward_new:"))
    if lines[at].strip() != "hte_reward_new:":
        return [lines[at].split(":", 1)[1].strip()]
    steps = []
    for line in lines[at + 1:]:
        if not line.strip().startswith("- {"):
            break
        steps.append(line.strip()[2:])
    return steps


def test_a_dated_step_is_put_into_the_schedule_and_a_list_replaces_it():
    tiny = leapsim.load(TINY)
    assert reward_steps(tiny) == ["100000"]
    stepped = tiny.with_changes({"policy.hte_reward_new": {"from": "2020-01-01", "value": 150000}})
    assert reward_steps(stepped) == ["{value: 100000}", "{from: 2020-01-01, value: 150000}"]
    whole = tiny.with_changes({"policy.hte_reward_new": [{"value": 0}, {"from": 2021, "value": 50000}],
                               "entry.base_rate": 3})
    assert reward_steps(whole) == ["{value: 0}", "{from: 2021-01-01, value: 50000}"]
    assert "base_rate: 3" in whole.resolved_yaml
    # The changed scenario runs: the reward paid from 2020 on shows in the money paid.
    base = leapsim.run(tiny, 4, progress=False).metric("hte_rewards_paid")
    more = leapsim.run(stepped, 4, progress=False).metric("hte_rewards_paid")
    assert (more[:, 0] == base[:, 0]).all()  # 2019: the step is not in force yet, same streams


def test_bad_schedule_changes_say_what_is_wrong():
    tiny = leapsim.load(TINY)
    with pytest.raises(TypeError, match="a schedule step must be a dict"):
        tiny.with_changes({"policy.hte_reward_new": [1, 2]})
    with pytest.raises(TypeError, match="a dated step needs a 'from' date"):
        tiny.with_changes({"policy.hte_reward_new": {"value": 1}})
    with pytest.raises(TypeError, match="expected a number, a list of steps"):
        tiny.with_changes({"policy.hte_reward_new": "lots"})
    with pytest.raises(leapsim.UsageError, match="names no schedule"):
        tiny.with_changes({"policy.nonesuch": {"from": "2020-01-01", "value": 1}})
    with pytest.raises(leapsim.UsageError, match="needs from: a date"):
        tiny.with_changes({"policy.hte_reward_new": {"from": "soon", "value": 1}})
    with pytest.raises(leapsim.ScenarioError, match="outside the horizon 2019-2022"):
        tiny.with_changes({"policy.hte_reward_new": {"from": "2040-01-01", "value": 1}})


def test_a_sweep_of_a_study_file_with_a_dated_axis_runs(tmp_path):
    for name in ("tiny.yaml", "tiny-study.yaml"):
        shutil.copy(ROOT / "scenarios" / "small" / name, tmp_path / name)
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("study: {name: reward from 2020, replications: 4}\nbase: tiny-study.yaml\nsweep:\n"
                     "  - {lever: policy.hte_reward_new, from: 2020-01-01, values: [0, 300000]}\n")
    results = leapsim.run(leapsim.load(sweep), progress=False)
    assert results.scenarios == ["base", "sweep hte_reward_new@2020-01-01=0",
                                 "sweep hte_reward_new@2020-01-01=300000"]
    assert len(results.targets()) == 2 * 3  # the study's two targets, in each scenario
    paid = {s: results.metric("hte_rewards_paid", s) for s in results.scenarios}
    assert (paid["sweep hte_reward_new@2020-01-01=0"][:, 1:] == 0).all()  # nothing paid from 2020
