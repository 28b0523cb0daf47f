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

