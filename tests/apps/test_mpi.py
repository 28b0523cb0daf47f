"""`leapsim run` under Open MPI's mpirun (docs/distributed.md): real rank processes. The results
file holds the same data bit for bit for 1 and 2 ranks and for a threaded single process; sweeps
too; a bad file is reported once; a rank that dies takes the job down and leaves no file."""

import os
import pathlib
import re
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from results_files import assert_same_results

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY_SWEEP = ROOT / "scenarios" / "small" / "tiny-sweep.yaml"
HEBEI = ROOT / "scenarios" / "hebei-2016.yaml"  # about 1 s per replication and scenario
MPIRUN = shutil.which("mpirun") or "/usr/bin/mpirun"
# Tests may run as root in containers; a 2-core machine has fewer slots than some runs ask for.
MPIRUN_FLAGS = ["--allow-run-as-root", "--oversubscribe"]


def binary():
    build = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
    return str(build / "apps" / "leapsim" / "leapsim")


def mpi_command(ranks, *args):
    return [MPIRUN, *MPIRUN_FLAGS, "-np", str(ranks), binary(), *map(str, args)]


def mpirun(ranks, *args, check=True, timeout=300):
    proc = subprocess.run(mpi_command(ranks, *args), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"mpirun -np {ranks} leapsim {' '.join(map(str, args))} exited "
                             f"{proc.returncode}:\n{proc.stderr}")
    return proc


def unlike_ranks(out, *args):
    """Two ranks, one with 1 thread and one with 3 (mpirun's colon form: one command per rank)."""
    command = [MPIRUN, *MPIRUN_FLAGS, "-np", "1", binary(), *map(str, args), "-j", "1",
               ":", "-np", "1", binary(), *map(str, args), "-j", "3"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module", autouse=True)
def mpi_build():
    if not os.path.exists(MPIRUN):
        pytest.fail("mpirun is missing: make deps installs openmpi-bin")
    probe = subprocess.run(mpi_command(1, "--version"), capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr


def test_one_and_two_ranks_and_threads_give_the_same_file(leapsim, tmp_path):
    runs = {
        "threads": lambda out: leapsim("run", TINY_STUDY, "-r", 30, "-j", 2, "-q", "-o", out),
        "np1": lambda out: mpirun(1, "run", TINY_STUDY, "-r", 30, "-j", 1, "-q", "-o", out),
        "np2": lambda out: mpirun(2, "run", TINY_STUDY, "-r", 30, "-j", 1, "-q", "-o", out),
        "np2-threads": lambda out: mpirun(2, "run", TINY_STUDY, "-r", 30, "-j", 2, "-q", "-o", out),
        # Ranks started with different thread counts (as -j 0 on unlike hosts): the order of the
        # work items depends on it, so the ranks must agree on rank 0's.
        "np2-unlike": lambda out: unlike_ranks(out, "run", TINY_STUDY, "-r", 30, "-q", "-o", out),
    }
    reports = {}
    for name, run in runs.items():
        reports[name] = run(tmp_path / f"{name}.h5").stdout
    for name in runs:
        found = assert_same_results(tmp_path / "threads.h5", tmp_path / f"{name}.h5")
        assert sum(1 for d in found if "/metrics/" in d) > 0
        assert reports[name] == reports["threads"], name  # the printed report too
    with h5py.File(tmp_path / "np2.h5", "r") as f, h5py.File(tmp_path / "threads.h5", "r") as g:
        assert f.attrs["ranks"] == 2 and g.attrs["ranks"] == 1
        assert list(f.attrs["hosts"]) == list(g.attrs["hosts"])  # one machine


def test_recorded_events_and_firms_cross_ranks_unchanged(leapsim, tmp_path):
    args = ["run", TINY_STUDY, "-r", 8, "-q", "--record", "events,firms", "--record-replications", 3]
    leapsim(*args, "-j", 2, "-o", tmp_path / "threads.h5")
    mpirun(2, *args, "-j", 1, "-o", tmp_path / "np2.h5")
    found = assert_same_results(tmp_path / "threads.h5", tmp_path / "np2.h5")
    assert any("events" in name for name in found) and any("firms" in name for name in found)


def test_a_sweep_runs_the_same_under_mpirun(leapsim, tmp_path):
    leapsim("run", TINY_SWEEP, "-q", "-o", tmp_path / "alone.h5")
    mpirun(2, "run", TINY_SWEEP, "-q", "-o", tmp_path / "np2.h5")
    assert_same_results(tmp_path / "alone.h5", tmp_path / "np2.h5")
    with h5py.File(tmp_path / "np2.h5", "r") as f:
        assert len(f.attrs["scenarios"]) == 1 + 3 * 2  # the base and every point of the grid


def test_posterior_draws_are_the_same_under_mpirun(leapsim, tmp_path):
    """Every rank draws replication r's particle from (seed, r) alone: the same draws and bits."""
    from test_calibrate import write_calibration
    from test_posterior_forecast import write_study
    leapsim("calibrate", write_calibration(tmp_path), "-o", tmp_path / "post.h5", "-q")
    study = write_study(tmp_path, runs_per_draw=2, replications=10)
    leapsim("run", study, "-j", 2, "-q", "-o", tmp_path / "threads.h5")
    mpirun(2, "run", study, "-j", 1, "-q", "-o", tmp_path / "np2.h5")
    found = assert_same_results(tmp_path / "threads.h5", tmp_path / "np2.h5")
    assert "parameter_draws/values" in found and "scenarios/base/variance_decomposition/htes" in found


def test_progress_and_report_come_from_rank_0_only(tmp_path):
    proc = mpirun(2, "run", TINY_STUDY, "-r", 10, "-o", tmp_path / "out.h5")
    assert proc.stdout.count("== Probability of meeting each target") == 1
    assert proc.stderr.count("done:") == 1 and proc.stderr.count("wrote ") == 1


def test_a_bad_file_is_reported_once_by_every_rank_agreeing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY_STUDY.read_text().replace("replications:", "replicatoins:", 1))
    proc = mpirun(2, "run", bad, "-q", "-o", tmp_path / "out.h5", check=False)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "replicatoins" in line]  # as `validate` prints it
    assert len(errors) == 1 and errors[0].startswith(f"{bad}:") and "replications" in errors[0], proc.stderr
    assert not (tmp_path / "out.h5").exists()


def test_an_existing_output_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out.h5"
    out.write_bytes(b"previous")
    proc = mpirun(2, "run", TINY_STUDY, "-q", "-o", out, check=False)
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert out.read_bytes() == b"previous"


def rank_pids(mpirun_pid, ranks, timeout=30):
    """{rank: pid} of the leapsim processes mpirun started, read from their environments."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = {}
        for entry in pathlib.Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) != mpirun_pid:
                    continue
                env = (entry / "environ").read_bytes().split(b"\0")
            except (OSError, ValueError, IndexError):
                continue
            for item in env:
                if item.startswith(b"OMPI_COMM_WORLD_RANK="):
                    found[int(item.split(b"=", 1)[1])] = int(entry.name)
        if len(found) == ranks:
            return found
        time.sleep(0.05)
    raise AssertionError(f"mpirun did not start {ranks} ranks")


@pytest.mark.parametrize("victim", [1, 0], ids=["worker-rank", "rank-0"])
def test_a_rank_that_dies_takes_the_job_down_and_writes_nothing(tmp_path, victim):
    out = tmp_path / "out.h5"
    proc = subprocess.Popen(mpi_command(2, "run", HEBEI, "-r", 40, "-j", 1, "-o", out),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pids = rank_pids(proc.pid, 2)
        time.sleep(2.0)  # well inside the simulation (about 40 s of work per rank)
        assert proc.poll() is None, "the run ended before the kill"
        os.kill(pids[victim], signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0
    assert re.search(rf"rank {victim}\b.*(signal 9|Killed)", stderr, re.S | re.I), stderr
    assert "== Probability" not in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output and no partial file


def interrupt_two_ranks(*args):
    """Starts `mpirun -np 2 leapsim ARGS`, sends mpirun SIGINT 2 s after both ranks are up and
    returns (exit code, stderr)."""
    proc = subprocess.Popen(mpi_command(2, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rank_pids(proc.pid, 2)
        time.sleep(2.0)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stderr


def test_sigint_to_mpirun_stops_every_rank_and_writes_nothing(tmp_path):
    code, stderr = interrupt_two_ranks("run", HEBEI, "-r", 40, "-j", 1, "-o", tmp_path / "out.h5")
    assert code != 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_calibrate_under_mpirun_gives_the_bits_of_one_process(leapsim, tmp_path):
    import h5py
    import numpy as np
    from test_calibrate import write_calibration
    cal = write_calibration(tmp_path)
    plain, ranked = tmp_path / "plain.h5", tmp_path / "ranked.h5"
    leapsim("calibrate", cal, "-o", plain, "-q", "-j", 1)
    proc = mpirun(2, "calibrate", cal, "-o", ranked, "-j", 1)
    assert proc.stdout.count("Calibrating") == 1 and proc.stdout.count("posterior written") == 1  # rank 0 only
    with h5py.File(plain, "r") as a, h5py.File(ranked, "r") as b:
        for name in ("draws", "weights", "distances", "summaries", "predictive"):
            assert np.array_equal(a[name][()], b[name][()]), name
    # A bad file is told once, and nothing is written.
    bad = tmp_path / "bad.yaml"
    bad.write_text(cal.read_text(encoding="utf-8").replace("priors:", "prior:"), encoding="utf-8")
    proc = mpirun(2, "calibrate", bad, "-o", tmp_path / "bad.h5", check=False)
    assert proc.returncode != 0
    assert proc.stderr.count('unknown key "prior"') == 1, proc.stderr
    assert not (tmp_path / "bad.h5").exists()


def test_sigint_to_mpirun_stops_a_calibration_and_writes_nothing(tmp_path):
    from test_calibrate import write_calibration
    cal = write_calibration(tmp_path, particles=400, budget=10**7,
                            method=", final_tolerance: 0, max_generations: 60")
    out = tmp_path / "posterior.h5"
    code, stderr = interrupt_two_ranks("calibrate", cal, "-o", out, "-j", 1)
    assert code != 0, stderr
    assert not out.exists() and not list(tmp_path.glob(".*"))


SENSITIVITY_INPUTS = ("sensitivity:\n  trajectories: 3\n  replications: 3\n  inputs:\n"
                      "    - {path: policy.budget, low: 1.0e11, high: 1.0e12}\n"
                      "    - {path: \"initial[1].count\", low: 6, high: 30}\n")


def test_a_sensitivity_analysis_runs_the_same_under_mpirun(leapsim, tmp_path):
    """Its design points spread over the ranks (docs/sensitivity.md): the file of two unlike ranks
    holds the bits of one threaded process, and only rank 0 prints."""
    inputs = tmp_path / "inputs.yaml"
    inputs.write_text(SENSITIVITY_INPUTS)
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    leapsim("sensitivity", TINY_STUDY, "--inputs", inputs, "-o", one, "-q", "-j", 2)
    proc = unlike_ranks(two, "sensitivity", TINY_STUDY, "--inputs", inputs, "-o", two)
    assert proc.stdout.count("Sensitivity of") == 1 and proc.stdout.count("written to") == 1, proc.stdout
    from test_sensitivity import datasets
    a, b = datasets(one), datasets(two)
    assert a.keys() == b.keys() and "design/outputs" in a
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    bad = tmp_path / "bad.yaml"
    bad.write_text(SENSITIVITY_INPUTS.replace("policy.budget", "policy.budgte"))
    proc = mpirun(2, "sensitivity", TINY_STUDY, "--inputs", bad, "-o", tmp_path / "bad.h5", "-q", check=False)
    assert proc.returncode == 1 and proc.stderr.count("policy.budgte") == 1, proc.stderr
    assert not (tmp_path / "bad.h5").exists()
