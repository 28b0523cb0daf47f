"""Running the built leapsim and interrupting it, for the SIGINT tests of several commands. A
module of its own (not conftest.py): pytest imports tests/python's conftest under the same name
when both folders run together."""

import os
import pathlib
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def interrupted(*args, after=2.0, within=10.0):
    """Runs the built leapsim with `args`, sends SIGINT after `after` seconds and returns
    (exit code, stdout, stderr); fails the test if it has not stopped `within` seconds later."""
    build = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
    proc = subprocess.Popen([str(build / "apps" / "leapsim" / "leapsim"), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"leapsim {args[0]} did not stop within {within:g} s of SIGINT")
    return proc.returncode, out, err
