"""Sweeps that fit the study, from the command line: a study file as a sweep's base with a dated
axis (the shipped congtai-2019-reward-sweep.yaml), and a bad sweep reported whole."""

import pathlib
import shutil

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
SWEEP = ROOT / "scenarios" / "congtai-2019-reward-sweep.yaml"
CONGTAI = ROOT / "scenarios" / "congtai-2019.yaml"


def test_a_sweep_of_the_congtai_study_from_2020(leapsim, tmp_path):
    out = tmp_path / "sweep.h5"
    leapsim("run", SWEEP, "-r", 4, "-j", 2, "-q", "-o", out)
    leapsim("run", CONGTAI, "-r", 4, "-j", 2, "-q", "-o", tmp_path / "study.h5")
    with h5py.File(out, "r") as f, h5py.File(tmp_path / "study.h5", "r") as g:
        names = list(f.attrs["scenarios"])
        assert names == ["base"] + [f"sweep hte_reward_new@2020-01-01={v}" for v in
                                    (100000, 150000, 200000, 250000, 300000)]
        assert list(f["targets"].attrs["label"]) == list(g["targets"].attrs["label"])  # the study's targets
        for metric in ("htes", "tech_smes", "subsidies_paid"):
            base = f[f"scenarios/base/metrics/{metric}"][()]
            assert np.array_equal(base, g[f"scenarios/base/metrics/{metric}"][()])  # the study's base, same seed
            # The province's 100,000 from 2020 is what the base pays: the same bits.
            assert np.array_equal(f[f"scenarios/{names[1]}/metrics/{metric}"][()], base)
            # 2019 runs as the base does at every point (the step starts in 2020): common random numbers.
            for name in names[2:]:
                assert np.array_equal(f[f"scenarios/{name}/metrics/{metric}"][:, 0], base[:, 0]), name
        paid = [f[f"scenarios/{n}/metrics/hte_rewards_paid"][:, -1].mean() for n in names[1:]]
        assert paid == sorted(paid) and paid[-1] > paid[0]  # a bigger reward pays more in 2025


def test_every_bad_axis_of_a_sweep_is_reported_before_any_run(leapsim, tmp_path):
    for name in ("tiny.yaml", "tiny-study.yaml"):
        shutil.copy(ROOT / "scenarios" / "small" / name, tmp_path / name)
    bad = tmp_path / "bad.yaml"
    bad.write_text("study: {name: b}\nbase: tiny-study.yaml\nsweep:\n"
                   "  - {lever: policy.hte_reward_new, from: 2020-01-01, values: [0, 0.0]}\n"
                   "  - {lever: policy.nonesuch, values: [1]}\n"
                   "  - {lever: policy.outreach, from: 2040-01-01, values: [1]}\n")
    proc = leapsim("validate", bad, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert [line.split(": error: ")[0] for line in lines] == [f"{bad}:4:66", f"{bad}:5:13", f"{bad}:6:36"]
    run = leapsim("run", bad, "-o", tmp_path / "never.h5", check=False)
    assert run.returncode == 1 and run.stderr.strip().splitlines() == lines
    assert not (tmp_path / "never.h5").exists()
