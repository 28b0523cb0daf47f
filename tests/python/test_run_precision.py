"""leapsim.run(precision=...): adaptive replications from Python, the same as the command line."""

import pathlib

import h5py
import numpy as np
import pytest

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"


def test_precision_stops_as_the_command_line_does(cli, tmp_path):
    study = leapsim.load(TINY_STUDY)
    results = leapsim.run(study, 10, precision="htes:2021:0.4", max_replications=160, threads=2, progress=False)
    a = results.adaptive
    assert a["stopped_by"] == "precision" and list(a["precision"]) == ["htes:2021:0.4"]
    used = int(a["replications_used"])
    assert results.attrs["replications"] == used and results.metric("htes").shape[0] == used
    out = tmp_path / "cli.h5"
    cli("run", TINY_STUDY, "-r", 10, "--precision", "htes:2021:0.4", "--max-replications", 160, "-j", 1, "-q",
        "-o", out)
    with h5py.File(out, "r") as f:
        assert f["adaptive"].attrs["replications_used"] == used
        assert np.array_equal(f["adaptive/looks"][()], np.asarray(results._tree.array("adaptive/looks")))
        for scenario in results.scenarios:
            assert np.array_equal(f[f"scenarios/{scenario}/metrics/htes"][:], results.metric("htes", scenario))
    # A progress callback hears the work items of every batch so far, ending at the replications used.
    seen = []
    leapsim.run(study, 10, precision=["htes:2021:0.4"], max_replications=160, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (used * len(results.scenarios),) * 2
    assert leapsim.run(study, 10, progress=False).adaptive is None  # a fixed run has no adaptive record


def test_bad_precisions_are_refused_before_any_run():
    study = leapsim.load(TINY_STUDY)
    with pytest.raises(leapsim.UsageError, match="year 2030 is outside the study"):
        leapsim.run(study, precision="htes:2030:1", progress=False)
    with pytest.raises(leapsim.UsageError, match="max_replications needs precision"):
        leapsim.run(study, max_replications=40, progress=False)
    with pytest.raises(TypeError, match="precision must be a text"):
        leapsim.run(study, precision=1.0, progress=False)
    with pytest.raises(TypeError, match="each precision must be a text"):
        leapsim.run(study, precision=[("htes", 2021, 1)], progress=False)


def test_the_progress_bar_follows_the_batches(capsys):
    study = leapsim.load(TINY_STUDY)
    results = leapsim.run(study, 10, precision="htes:2021:0.4", max_replications=160, progress=True)
    runs = int(results.adaptive["replications_used"]) * len(results.scenarios)
    err = capsys.readouterr().err
    assert f"{runs}/{runs}" in err  # the last batch's bar ends at every run made
    assert f"{10 * len(results.scenarios)}/{10 * len(results.scenarios)}" in err  # the first batch's too
