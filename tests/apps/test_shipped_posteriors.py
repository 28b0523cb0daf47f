"""The posterior files shipped under scenarios/: each is the output of the calibration file beside it,
as that file reads now, and was fitted on observed figures up to 2018 only (the years after are what
forecasts are for)."""

import csv
import io
import pathlib

import h5py
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").rglob("*.posterior.h5"))
LAST_FITTED_YEAR = 2018


def calibration_beside(posterior: pathlib.Path) -> pathlib.Path:
    """X.posterior.h5 comes from X.calibration.yaml in the same folder."""
    return posterior.with_name(posterior.name.removesuffix(".posterior.h5") + ".calibration.yaml")


def test_the_shipped_posteriors_are_found():
    names = {p.name for p in SHIPPED}
    assert {"hebei-2016.posterior.h5", "china-2019.posterior.h5"} <= names


@pytest.mark.parametrize("posterior", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_posterior_is_its_calibration_files_output(posterior):
    calibration = calibration_beside(posterior)
    assert calibration.is_file(), f"{posterior} has no {calibration.name} beside it"
    with h5py.File(posterior, "r") as f:
        assert f.attrs["format"] == "leapsim-posterior"
        assert pathlib.Path(f.attrs["calibration_file"]) == calibration.relative_to(ROOT)
        # Edited after the fit? Then the posterior is stale: rerun the command in the file's header.
        assert f.attrs["calibration_text"] == calibration.read_text(encoding="utf-8")


@pytest.mark.parametrize("posterior", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_posterior_fits_published_figures_up_to_2018_only(posterior):
    with h5py.File(posterior, "r") as f:
        used = list(csv.DictReader(io.StringIO(f.attrs["data_text"])))
        targets = list(f["targets"].attrs["names"])
    published = (ROOT / "data" / "observed" / "observed.csv").read_text(encoding="utf-8")
    published_rows = list(csv.DictReader(io.StringIO(published)))
    assert used, f"{posterior} records no observed figure"
    assert len(targets) == len(used)
    for row in used:
        assert int(row["year"]) <= LAST_FITTED_YEAR, row
        assert row in published_rows, f"{row} is not a row of data/observed/observed.csv"
