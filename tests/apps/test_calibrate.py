"""`leapsim calibrate CALIBRATION.yaml -o POSTERIOR.h5`: the posterior file read by h5py and by
leapsim.open_posterior, the same bits on one and two threads, the quick mode's refusal of a
parameter given twice, located errors with nothing written, and SIGINT with nothing written."""

import shutil

import h5py
import numpy as np
import pytest

from conftest import ROOT
from interrupting import interrupted

TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


def write_calibration(folder, extra="", particles=40, budget=400, method=", max_generations: 4"):
    """A calibration of the tiny district to two figures of its own, in `folder`."""
    shutil.copy(TINY, folder / "tiny.yaml")
    path = folder / "fit.yaml"
    path.write_text(
        "calibration:\n"
        "  name: tiny fit\n"
        "  scenario: tiny.yaml\n"
        "  up_to: 2022\n"
        "  figures:\n"
        "    - {metric: tech_smes, year: 2021, value: 14, tolerance: 0.2}\n"
        "    - {metric: htes, year: 2021, value: 4, tolerance: 0.5}\n"
        "  priors:\n"
        "    tech_sme.register_probability: {uniform: [0.05, 1]}\n"
        "    initial.2.count: {uniform: [20, 60]}\n"
        f"  method: {{particles: {particles}, seed: 5, max_simulations: {budget}{method}}}\n" + extra,
        encoding="utf-8")
    return path


def test_calibrate_writes_a_posterior_that_h5py_and_python_read(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    out = tmp_path / "posterior.h5"
    proc = leapsim("calibrate", cal, "-o", out, "-j", 2, "-q")
    assert "Posterior predictive check" in proc.stdout and "tech_sme.register_probability" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "leapsim-posterior"
        draws = f["draws"][()]
        names = list(f["draws"].attrs["names"])
        assert names == ["tech_sme.register_probability", "initial[2].count"]
        assert draws.shape == (40, 2)
        assert np.all((draws[:, 0] >= 0.05) & (draws[:, 0] <= 1)) and np.all((draws[:, 1] >= 20) & (draws[:, 1] <= 60))
        assert abs(f["weights"][()].sum() - 1) < 1e-9
        assert f.attrs["calibration_text"] == cal.read_text(encoding="utf-8")
        assert f["settings"].attrs["seed"] == 5
    import leapsim as lp
    posterior = lp.open_posterior(out)
    assert list(posterior.draws.columns[:2]) == names
    assert len(posterior.figures) == 2
    # The same bits on one thread.
    again = tmp_path / "again.h5"
    leapsim("calibrate", cal, "-o", again, "-j", 1, "-q")
    with h5py.File(out, "r") as a, h5py.File(again, "r") as b:
        assert np.array_equal(a["draws"][()], b["draws"][()])
        assert np.array_equal(a["weights"][()], b["weights"][()])


def test_bad_calibrations_are_located_and_write_nothing(leapsim, tmp_path):
    cal = write_calibration(tmp_path, extra="")
    text = cal.read_text(encoding="utf-8").replace("initial.2.count: {uniform: [20, 60]}",
                                                   "initial.7.count: {uniform: [20, 60]}")
    cal.write_text(text, encoding="utf-8")
    out = tmp_path / "posterior.h5"
    proc = leapsim("calibrate", cal, "-o", out, check=False)
    assert proc.returncode != 0
    assert f"{cal}:10:5: error: parameter 'initial.7.count' has no element [7]: initial holds 3" in proc.stderr
    assert not out.exists() and list(tmp_path.glob(".*")) == []
    # Without -o; a scenario without --fit; a parameter fitted twice by bisection.
    proc = leapsim("calibrate", write_calibration(tmp_path), check=False)
    assert proc.returncode != 0 and "give -o POSTERIOR.h5" in proc.stderr
    proc = leapsim("calibrate", TINY, "-o", out, check=False)
    assert proc.returncode != 0 and "is not a calibration file" in proc.stderr
    proc = leapsim("calibrate", TINY, "--fit", "hte.apply_probability=htes:2020:4",
                   "--fit", "hte.apply_probability=htes:2021:5", check=False)
    assert proc.returncode != 0 and "is given twice" in proc.stderr
    assert not out.exists()


def test_an_existing_posterior_is_kept_without_force(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    out = tmp_path / "posterior.h5"
    out.write_text("not ours", encoding="utf-8")
    proc = leapsim("calibrate", cal, "-o", out, "-q", check=False)
    assert proc.returncode != 0 and "exists; use --force" in proc.stderr
    proc = leapsim("calibrate", cal, "-o", out, "-q", "--force", check=False)
    assert proc.returncode != 0 and "replaces only a LeapSim posterior file" in proc.stderr
    assert out.read_text(encoding="utf-8") == "not ours"


def test_sigint_stops_a_calibration_and_writes_nothing(tmp_path):
    cal = write_calibration(tmp_path, particles=400, budget=10**7,
                            method=", final_tolerance: 0, max_generations: 60")
    out = tmp_path / "posterior.h5"
    code, _, err = interrupted("calibrate", cal, "-o", out, after=1.5)
    assert code == 130, err
    assert not out.exists() and list(tmp_path.glob(".*")) == []


def test_python_calibrate_gives_the_command_lines_bits(leapsim, tmp_path):
    import leapsim as lp
    cal = write_calibration(tmp_path)
    by_cli = tmp_path / "cli.h5"
    leapsim("calibrate", cal, "-o", by_cli, "-q")
    by_python = tmp_path / "python.h5"
    posterior = lp.calibrate(cal, by_python, threads=2)
    with h5py.File(by_cli, "r") as a, h5py.File(by_python, "r") as b:
        for name in ("draws", "weights", "distances", "summaries", "predictive"):
            assert np.array_equal(a[name][()], b[name][()]), name
    assert list(posterior.draws.columns[:2]) == ["tech_sme.register_probability", "initial[2].count"]
    figures = posterior.figures
    assert {"predictive_mean", "predictive_p05", "predictive_p95", "accepted_mean"} <= set(figures.columns)
    assert (figures["predictive_p05"] <= figures["predictive_p95"]).all()
    assert list(posterior.left_out.columns) == ["geography", "year", "metric", "value", "reason"]
    with pytest.raises(lp.UsageError, match="exists; use --force"):
        lp.calibrate(cal, by_python)
    with pytest.raises(lp.ScenarioError) as bad:
        lp.calibrate(tmp_path / "tiny.yaml")  # a scenario is not a calibration file
    assert "calibration" in str(bad.value)


def test_validate_checks_calibration_files(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    assert leapsim("validate", cal).stdout == f"{cal}: ok (calibration)\n"
    cal.write_text(cal.read_text(encoding="utf-8").replace("uniform: [20, 60]", "uniform: [60, 20]"), encoding="utf-8")
    proc = leapsim("validate", cal, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{cal}:10:22: error: priors.initial[2].count: a uniform prior needs"), proc.stderr
