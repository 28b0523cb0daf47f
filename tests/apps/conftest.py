"""Shared fixtures for tests that drive the leapsim command line."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def leapsim():
    """Returns a function that runs the built leapsim binary and returns the completed process."""
    build = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
    binary = build / "apps" / "leapsim" / "leapsim"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build first (make build)")

    def run(*args, check=True):
        proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError(f"leapsim {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
        return proc

    return run


def interrupted(*args, after=2.0, within=10.0):
    """Runs the built leapsim with `args`, sends SIGINT after `after` seconds and returns
    (exit code, stdout, stderr); fails the test if it has not stopped `within` seconds later."""
    import signal
    import time
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
