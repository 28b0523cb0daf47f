"""leapsim.run and leapsim.from_dict with bad arguments give plain messages naming the argument and
what was expected (never pybind11's "incompatible function arguments" list), and a real SIGINT
stops a run within a second whatever progress is."""

import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


@pytest.fixture(scope="module")
def study():
    return leapsim.load(TINY_STUDY)


@pytest.mark.parametrize("arguments, error, message", [
    ({"replications": "10"}, TypeError, "replications must be a whole number, not '10' (str)"),
    ({"replications": 2.5}, TypeError, "replications must be a whole number, not 2.5 (float)"),
    ({"replications": True}, TypeError, "replications must be a whole number, not True (bool)"),
    ({"replications": 0}, leapsim.UsageError, "replications must be between 1 and 4294967295, not 0"),
    ({"replications": -1}, leapsim.UsageError, "replications must be between 1 and 4294967295, not -1"),
    ({"threads": -1}, leapsim.UsageError, "threads must be between 0 and 1024, not -1"),
    ({"threads": "2"}, TypeError, "threads must be a whole number, not '2' (str)"),
    ({"threads": None}, TypeError, "threads must be a whole number, not None (NoneType)"),
    ({"seed": -5}, leapsim.UsageError, "seed must be between 0 and 18446744073709551615, not -5"),
    ({"seed": 2**64}, leapsim.UsageError, "seed must be between 0 and 18446744073709551615, not 18446744073709551616"),
    ({"seed": 1.5}, TypeError, "seed must be a whole number, not 1.5 (float)"),
    ({"record_replications": -1}, leapsim.UsageError, "record_replications must be between 0 and 4294967295"),
    ({"record": "evnts"}, leapsim.UsageError, "record: unknown 'evnts'; expected 'events' and/or 'firms'"),
    ({"record": ["events", "snapshots"]}, leapsim.UsageError, "record: unknown 'snapshots'; expected"),
    ({"record": 5}, TypeError, "record must be 'events', 'firms' or a list of them, not 5 (int)"),
    ({"progress": "yes"}, TypeError, "progress must be True, False or a callable(done, total), not 'yes' (str)"),
])
def test_bad_run_arguments_give_plain_messages(study, arguments, error, message):
    with pytest.raises(error) as raised:
        leapsim.run(study, **{"replications": 2, "progress": False, **arguments})
    assert str(raised.value).startswith(message), str(raised.value)
    assert "incompatible function arguments" not in str(raised.value)


def test_the_study_must_be_a_study_or_a_scenario():
    with pytest.raises(TypeError, match=r"^study must be a leapsim.Study or leapsim.Scenario .*, not 'x.yaml' \(str\)"):
        leapsim.run("x.yaml")


def test_numpy_integers_and_a_single_record_name_are_accepted(study):
    results = leapsim.run(study, replications=np.int64(2), threads=np.uint8(1), seed=np.uint64(7), progress=False,
                          record="events")
    assert results.attrs["replications"] == 2 and results.attrs["seed"] == 7
    assert len(results.events()) > 0  # "events" was taken as one item, not as the letters e, v, e, n, t, s
    scenario = leapsim.run(leapsim.load(TINY), replications=3, progress=False)
    assert scenario.attrs["replications"] == 3


@pytest.mark.parametrize("data, message", [
    (None, "from_dict expects a dict shaped like a scenario or study file, not None (NoneType)"),
    ([{"name": "x"}], "from_dict expects a dict shaped like a scenario or study file, not [{'name': 'x'}] (list)"),
    ("name: x", "from_dict expects a dict shaped like a scenario or study file, not 'name: x' (str)"),
    ({"name": "x", "entry": {"base_rate": object()}}, "from_dict: <object object at"),
])
def test_from_dict_says_what_it_expected(data, message):
    with pytest.raises(TypeError) as raised:
        leapsim.from_dict(data)
    assert str(raised.value).startswith(message), str(raised.value)


def test_from_dict_takes_numpy_numbers():
    scenario = leapsim.from_dict({"extends": str(TINY), "entry": {"base_rate": np.float64(7.5)}})
    assert "base_rate: 7.5" in scenario.resolved_yaml


# Runs the tiny study for far longer than the test waits (20,000 replications: tens of seconds),
# and says how the run ended. The child hears SIGINT even when started from a shell's background
# job, which starts it with SIGINT ignored.
CHILD = """
import signal
import sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import leapsim
study = leapsim.load(sys.argv[1])
progress = {"none": False, "line": True, "callback": lambda done, total: None}[sys.argv[2]]
print("running", flush=True)
try:
    leapsim.run(study, replications=20000, threads=2, progress=progress)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.parametrize("progress", ["none", "line", "callback"])
def test_sigint_stops_a_run_within_a_second(tmp_path, progress):
    package = pathlib.Path(leapsim.__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(TINY_STUDY), progress], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout.readline() == "running\n"
        time.sleep(1.0)  # into the simulation
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        ending = child.stdout.readline()
        elapsed = time.monotonic() - sent
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
    assert ending == "interrupted\n"
    # Replications of the tiny study take milliseconds, and the run checks for signals every 50 ms.
    assert elapsed < 1.0, f"KeyboardInterrupt {elapsed:.2f} s after SIGINT"
    assert list(tmp_path.iterdir()) == []  # nothing written
