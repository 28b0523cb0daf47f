"""`leapsim run --precision`: adaptive replications. The run stops at the first planned look where
every asked-for interval (at the per-look confidence 1 - 0.05 / looks) is narrow enough, which is
recomputed here from the per-replication metrics the file holds; what it keeps is bit for bit a
fixed run of the replications it used, on any thread count; bad flags exit 2 and write nothing."""

import pathlib
import shutil

import h5py
import numpy as np
import pytest
from scipy import stats

from results_files import RUN_DEPENDENT, datasets

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TARGET = "illustrative: 5 HTEs in 2021"  # a target of tiny-study.yaml


def adaptive_attrs(path):
    with h5py.File(path, "r") as f:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in f["adaptive"].attrs.items()}


def paired_half_width(path, metric, year, n, confidence):
    """The widest half-width over the alternatives of the paired t-interval of metric in year,
    from the first n replications in the file (scipy's t quantile, not leapsim's)."""
    with h5py.File(path, "r") as f:
        row = int(year - f.attrs["first_year"])
        names = list(f.attrs["scenarios"])
        base = f[f"scenarios/{names[0]}/metrics/{metric}"][:n, row]
        widest = 0.0
        for name in names[1:]:
            d = f[f"scenarios/{name}/metrics/{metric}"][:n, row] - base
            half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * d.std(ddof=1) / np.sqrt(n)
            widest = max(widest, half)
    return widest


def test_stops_at_the_first_look_where_the_difference_is_narrow_enough(leapsim, tmp_path):
    out = tmp_path / "adaptive.h5"
    proc = leapsim("run", TINY_STUDY, "-r", 10, "--precision", "htes:2021:0.4", "--max-replications", 160,
                   "-j", 2, "-o", out)
    a = adaptive_attrs(out)
    assert a["stopped_by"] == "precision" and a["met"] == [1]
    assert a["planned_looks"] == [10, 20, 40, 80, 160]
    assert a["confidence_per_look"] == pytest.approx(1 - 0.05 / 5)
    used = a["replications_used"]
    assert 10 < used < 160  # neither the first batch nor the cap: the rule is exercised
    with h5py.File(out, "r") as f:
        assert f.attrs["replications"] == used
        assert f["scenarios/base/metrics/htes"].shape[0] == used
        looks = f["adaptive/looks"][()]
    assert list(looks[:, 0]) == [n for n in a["planned_looks"] if n <= used]
    # The stopping rule recomputed independently: narrow enough at the stop, not at the look
    # before. Tolerance 1e-9 relative: the same formula in double precision, two t quantiles.
    conf = a["confidence_per_look"]
    at_stop = paired_half_width(out, "htes", 2021, used, conf)
    before = paired_half_width(out, "htes", 2021, used // 2, conf)
    assert at_stop == pytest.approx(a["half_width_reached"][0], rel=1e-9) and at_stop <= 0.4 < before
    assert looks[-2, 1] == pytest.approx(before, rel=1e-9)
    # Every look is told on stderr, and the report says why the run stopped.
    assert proc.stderr.count("look at ") == len(looks)
    assert f"stopped at {used} replications, when every precision asked for was reached" in proc.stdout


def test_the_result_is_a_fixed_run_of_the_replications_used_on_any_thread_count(leapsim, tmp_path):
    args = ["run", TINY_STUDY, "-r", 10, "--precision", "htes:2021:0.4", "--precision", f"target:{TARGET}:0.12",
            "--max-replications", 160, "-q"]
    leapsim(*args, "-j", 1, "-o", tmp_path / "j1.h5")
    leapsim(*args, "-j", 2, "-o", tmp_path / "j2.h5")
    used = adaptive_attrs(tmp_path / "j1.h5")["replications_used"]
    leapsim("run", TINY_STUDY, "-r", used, "-j", 2, "-q", "-o", tmp_path / "fixed.h5")
    one, two, fixed = (datasets(tmp_path / f"{n}.h5") for n in ("j1", "j2", "fixed"))
    assert one == two  # -j 1 and -j 2: the same bits, the adaptive record included
    assert {k: v for k, v in one.items() if not k.startswith("adaptive/")} == fixed
    with h5py.File(tmp_path / "j1.h5", "r") as f, h5py.File(tmp_path / "fixed.h5", "r") as g:
        assert set(f.attrs) == set(g.attrs)
        for key in set(f.attrs) - RUN_DEPENDENT:
            assert np.asarray(f.attrs[key]).tolist() == np.asarray(g.attrs[key]).tolist(), key
    assert adaptive_attrs(tmp_path / "j1.h5") == adaptive_attrs(tmp_path / "j2.h5")


def test_a_target_probability_that_cannot_be_reached_stops_at_the_cap(leapsim, tmp_path):
    out = tmp_path / "capped.h5"
    proc = leapsim("run", TINY_STUDY, "-r", 10, "--precision", f"target:{TARGET}:0.01", "--max-replications", 30,
                   "-q", "-o", out, "--lang", "zh")
    a = adaptive_attrs(out)
    assert a["stopped_by"] == "max_replications" and a["replications_used"] == 30 and a["met"] == [0]
    assert a["planned_looks"] == [10, 20, 30]
    assert a["half_width_reached"][0] > 0.01
    assert "达到上限 30 次模拟后停止" in proc.stdout and "未达到" in proc.stdout


def write_study_without_alternatives(folder):
    shutil.copy(ROOT / "scenarios" / "small" / "tiny.yaml", folder / "tiny.yaml")
    study = folder / "alone.yaml"
    study.write_text("study: {name: alone, replications: 10}\nbase: tiny.yaml\n"
                     "targets:\n  - {label: five, metric: htes, year: 2021, comparison: '>=', threshold: 5}\n")
    return study


@pytest.mark.parametrize("flags, message", [
    (["--precision", "hte:2025:1"], "unknown metric 'hte'"),
    (["--precision", "htes:2030:1"], "year 2030 is outside the study (2019-2022)"),
    (["--precision", "htes:2021:0"], "the half-width must be a positive number, got '0'"),
    (["--precision", "htes:2021:-1"], "the half-width must be a positive number"),
    (["--precision", "htes:2021"], "expected METRIC:YEAR:HALFWIDTH"),
    (["--precision", "target:nonesuch:0.05"], "the study has no target labelled 'nonesuch'"),
    (["--precision", f"target:{TARGET}:0.7"], "a probability's half-width must be below 0.5"),
    (["--precision", "htes:2021:1", "--max-replications", 5], "--max-replications 5 is below the first batch of 20"),
    (["--max-replications", 50], "--max-replications needs --precision"),
])
def test_bad_flags_exit_2_and_write_nothing(leapsim, tmp_path, flags, message):
    out = tmp_path / "never.h5"
    proc = leapsim("run", TINY_STUDY, *flags, "-q", "-o", out, check=False)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and proc.stderr.startswith("leapsim: error: ")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_paired_difference_needs_alternatives_a_target_does_not(leapsim, tmp_path):
    study = write_study_without_alternatives(tmp_path)
    out = tmp_path / "alone.h5"
    proc = leapsim("run", study, "--precision", "htes:2021:1", "-q", "-o", out, check=False)
    assert proc.returncode == 2 and "a paired difference needs alternatives, and the study has none" in proc.stderr
    assert not out.exists()
    leapsim("run", study, "--precision", "target:five:0.2", "-q", "-o", out)
    a = adaptive_attrs(out)
    assert a["met"] == [int(a["half_width_reached"][0] <= 0.2)]
    assert a["stopped_by"] == ("precision" if a["met"] == [1] else "max_replications")


def test_two_mpi_ranks_stop_where_one_process_does(leapsim, tmp_path):
    """Rank 0 judges each batch and every rank follows: the same looks, replications and bits."""
    from test_mpi import mpirun, unlike_ranks
    args = ["run", TINY_STUDY, "-r", 10, "--precision", "htes:2021:0.4", "--max-replications", 160, "-q"]
    alone = leapsim(*args, "-j", 2, "-o", tmp_path / "alone.h5").stdout
    assert mpirun(2, *args, "-j", 1, "-o", tmp_path / "np2.h5").stdout == alone
    unlike_ranks(tmp_path / "unlike.h5", *args, "-o", tmp_path / "unlike.h5")
    assert datasets(tmp_path / "np2.h5") == datasets(tmp_path / "alone.h5") == datasets(tmp_path / "unlike.h5")
    assert adaptive_attrs(tmp_path / "np2.h5") == adaptive_attrs(tmp_path / "alone.h5")


def test_sigint_stops_an_adaptive_run_between_or_within_batches_and_writes_nothing(tmp_path):
    from interrupting import interrupted
    out = tmp_path / "never.h5"
    code, stdout, stderr = interrupted("run", TINY_STUDY, "-r", 10, "--precision", "htes:2021:0.0001",
                                       "--max-replications", 100000, "-j", 2, "-o", out, after=1.5)
    assert code == 130, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("leapsim: interrupted: stopped after ") and "of at most 100000 replications" in last
    assert stderr.count("look at ") >= 1  # batches were judged before the signal
    assert stdout == "" and list(tmp_path.iterdir()) == []
