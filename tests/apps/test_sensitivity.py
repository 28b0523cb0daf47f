"""`leapsim sensitivity`: the results file read back by h5py, the same bits on one and two
threads, located errors with nothing written, and SIGINT leaving nothing behind."""

import os
import subprocess

import h5py
import numpy as np

from conftest import ROOT
from interrupting import interrupted

TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
INPUTS = """sensitivity:
  trajectories: 3
  samples: 6
  replications: 3
  inputs:
    - {path: hte.apply_probability, low: 0.2, high: 0.9}
    - {path: "initial[1].count", low: 6, high: 30}
"""


def write_inputs(folder, text=INPUTS):
    path = folder / "inputs.yaml"
    path.write_text(text)
    return path


def datasets(path):
    """Every dataset of a file by name, as arrays."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def test_morris_file_holds_indices_per_output(leapsim, tmp_path):
    out = tmp_path / "morris.h5"
    proc = leapsim("sensitivity", TINY_STUDY, "--inputs", write_inputs(tmp_path), "-o", out, "-q")
    assert "Inputs ranked by mu_star" in proc.stdout and "noise floor" in proc.stdout
    assert "Does the decision change?" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "leapsim-sensitivity" and f.attrs["method"] == "morris"
        assert list(f["inputs"].attrs["names"]) == ["hte.apply_probability", "initial[1].count"]
        assert f["design/points"].shape == (9, 2)  # 3 trajectories of 2 + 1 points
        g = f["sensitivity/tech_smes_2019"]
        assert g.attrs["kind"] == "metric" and g.attrs["year"] == 2019
        for name in ("mu", "mu_star", "sigma", "distinguishable"):
            assert g[name].shape == (2,)
        # 24 more tech SMEs at the start: tens more registered at the end of the first year.
        assert g["mu"][1] > 15 and g["distinguishable"][1] == 1
        assert "sensitivity/diff_coaching_htes_2021/mu_star" in f
        assert "sensitivity/target_1/mu_star" in f
        assert 0 <= f["decision"].attrs["ranking_changed"] <= 1
        assert f["decision/ranking_flips"].shape == (2,)


def test_same_bits_on_one_and_two_threads(leapsim, tmp_path):
    inputs = write_inputs(tmp_path)
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    for out, threads in ((one, 1), (two, 2)):
        leapsim("sensitivity", TINY_STUDY, "--inputs", inputs, "--method", "sobol", "-o", out, "-j", threads, "-q")
    a, b = datasets(one), datasets(two)
    assert a.keys() == b.keys() and "sensitivity/htes_2021/ST_low" in a
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name


def test_bad_inputs_are_located_and_nothing_is_written(leapsim, tmp_path):
    for line, expected in (
        ("    - {path: hte.apply_probabilty, low: 0.2, high: 0.9}", ":3:14: error: sensitivity.inputs[0].path: "
                                                                  "parameter 'hte.apply_probabilty'"),
        ("    - {path: entry.base_rate, low: 9, high: 3}", ":3:36: error: sensitivity.inputs[0]: low (9) must be "
                                                          "below high (3)"),
    ):
        inputs = write_inputs(tmp_path, "sensitivity:\n  inputs:\n" + line + "\n")
        out = tmp_path / "out.h5"
        proc = leapsim("sensitivity", TINY_STUDY, "--inputs", inputs, "-o", out, check=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith(f"{inputs}{expected}"), proc.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs.yaml"]


def test_an_existing_output_is_refused_before_any_run(leapsim, tmp_path):
    out = tmp_path / "out.h5"
    out.write_text("not ours")
    proc = leapsim("sensitivity", TINY_STUDY, "--inputs", write_inputs(tmp_path), "-o", out, check=False)
    assert proc.returncode != 0 and "Sensitivity of" not in proc.stdout
    assert out.read_text() == "not ours"


def test_sigint_writes_nothing(tmp_path):
    out = tmp_path / "out.h5"
    code, _, err = interrupted("sensitivity", ROOT / "scenarios" / "congtai-2019.yaml", "--inputs",
                               ROOT / "bench" / "congtai-2019.sensitivity.yaml", "-o", out, after=1.5)
    assert code == 130, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_report_page_takes_a_sensitivity_file(leapsim, tmp_path):
    sens, results, page = tmp_path / "sens.h5", tmp_path / "tiny.h5", tmp_path / "page.html"
    leapsim("sensitivity", TINY_STUDY, "--inputs", write_inputs(tmp_path), "-o", sens, "-q")
    leapsim("run", TINY_STUDY, "-r", 3, "-q", "-o", results)
    leapsim("report", results, "-o", page, "--lang", "en", "--sensitivity", sens)
    text = page.read_text(encoding="utf-8")
    assert "Strongest inputs (mu_star)" in text and "initial[1].count" in text
    assert "made from another study file" not in text
    missing = leapsim("report", results, "-o", tmp_path / "other.html", "--sensitivity", tmp_path / "none.h5",
                      check=False)
    assert missing.returncode == 2 and "none.h5" in missing.stderr and not (tmp_path / "other.html").exists()


def test_an_input_can_take_its_range_from_a_posterior(leapsim, tmp_path):
    import leapsim as lp
    from test_calibrate import write_calibration
    leapsim("calibrate", write_calibration(tmp_path), "-o", tmp_path / "post.h5", "-q")
    fitted = lp.open_posterior(tmp_path / "post.h5").parameters.set_index("name")
    inputs = write_inputs(tmp_path, "sensitivity:\n  trajectories: 2\n  replications: 2\n  inputs:\n"
                                    "    - {path: tech_sme.register_probability, posterior: post.h5}\n"
                                    "    - {path: \"initial[1].count\", low: 6, high: 30}\n")
    out = tmp_path / "sens.h5"
    leapsim("sensitivity", TINY_STUDY, "--inputs", inputs, "-o", out, "-q")
    with h5py.File(out, "r") as f:  # the posterior's own 5% and 95%, as its parameters table gives them
        assert f["inputs/low"][0] == fitted.loc["tech_sme.register_probability", "low"]
        assert f["inputs/high"][0] == fitted.loc["tech_sme.register_probability", "high"]
        assert list(f["inputs/low"][1:]) == [6.0]
    bad = write_inputs(tmp_path, "sensitivity:\n  inputs:\n    - {path: hte.apply_probability, posterior: post.h5}\n")
    proc = leapsim("sensitivity", TINY_STUDY, "--inputs", bad, "-o", tmp_path / "bad.h5", "-q", check=False)
    assert proc.returncode != 0 and f"{bad}:3:7: error: " in proc.stderr and "has no parameter" in proc.stderr
    assert "it holds: tech_sme.register_probability, initial[2].count" in proc.stderr
    assert not (tmp_path / "bad.h5").exists()
    both = write_inputs(tmp_path, "sensitivity:\n  inputs:\n"
                                  "    - {path: hte.apply_probability, posterior: post.h5, low: 0.1}\n")
    proc = leapsim("sensitivity", TINY_STUDY, "--inputs", both, "-o", tmp_path / "both.h5", "-q", check=False)
    assert proc.returncode != 0 and "give either low and high or a posterior" in proc.stderr
