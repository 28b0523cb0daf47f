"""Fixtures for the Python API tests: the package is imported from the build tree."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))


@pytest.fixture(scope="session")
def cli():
    """Runs the leapsim command line and returns the completed process."""
    binary = BUILD / "apps" / "leapsim" / "leapsim"

    def run(*args):
        return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, check=True)

    return run
