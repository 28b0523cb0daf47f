"""`leapsim backtest CALIBRATION.yaml --cutoff YEAR`: the table printed and written as CSV (read
back with the csv module and leapsim.read_backtest_table), the same table on one and two threads,
the PNG a real PNG of sensible size, the forecast from the priors when nothing can be fitted,
clear errors with nothing written, an existing file kept, and SIGINT with nothing written."""

import csv
import pathlib
import shutil
import struct

import pytest

from conftest import ROOT
from interrupting import interrupted

TINY = ROOT / "scenarios" / "small" / "tiny.yaml"


def write_calibration(folder, particles=30, budget=300):
    """The tiny district fitted to two figures of 2020 and scored on three later ones."""
    shutil.copy(TINY, folder / "tiny.yaml")
    path = folder / "fit.yaml"
    path.write_text(
        "calibration:\n"
        "  name: tiny back-test\n"
        "  scenario: tiny.yaml\n"
        "  up_to: 2022\n"
        "  figures:\n"
        "    - {metric: tech_smes, year: 2020, value: 14, tolerance: 0.2}\n"
        "    - {metric: htes, year: 2020, value: 4, tolerance: 0.5}\n"
        "    - {metric: tech_smes, year: 2021, value: 10, qualifier: more_than}\n"
        "    - {metric: tech_smes, year: 2022, value: 16}\n"
        "    - {metric: htes, year: 2022, value: 5}\n"
        "  priors:\n"
        "    tech_sme.register_probability: {uniform: [0.05, 1]}\n"
        "    initial.2.count: {uniform: [20, 60]}\n"
        f"  method: {{particles: {particles}, seed: 5, max_simulations: {budget}, max_generations: 3}}\n",
        encoding="utf-8")
    return path


def png_size(path):
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_backtest_prints_writes_and_plots_the_table(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    table, plot = tmp_path / "table.csv", tmp_path / "plot.png"
    proc = leapsim("backtest", cal, "--cutoff", 2020, "--members", 40, "-j", 2, "-q", "-o", table, "--plot", plot,
                   "--lang", "en")
    assert "2 figures fitted, 3 later figures scored, 40 members" in proc.stdout
    assert "Posterior predictive check" in proc.stdout
    assert "Summary over the 2 figures that are not bounds" in proc.stdout
    assert "Bounds: 1 of 1 inside their 90% band." in proc.stdout or "Bounds: 0 of 1" in proc.stdout
    with open(table, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["metric"], r["year"], r["qualifier"], float(r["observed"])) for r in rows] == [
        ("tech_smes", "2021", "more_than", 10.0), ("tech_smes", "2022", "exact", 16.0), ("htes", "2022", "exact", 5.0)]
    for r in rows:
        assert int(r["members"]) + int(r["invalid_members"]) == 40
        low90, low50, median, high50, high90 = (float(r[k]) for k in ("low_90", "low_50", "median", "high_50",
                                                                       "high_90"))
        assert low90 <= low50 <= median <= high50 <= high90
        y = float(r["observed"])
        if r["qualifier"] == "exact":
            assert (r["inside_90"] == "true") == (low90 <= y <= high90)
            assert (r["inside_50"] == "true") == (low50 <= y <= high50)
            assert float(r["interval_score_90"]) >= high90 - low90  # the width, plus any penalty
            assert float(r["relative_error"]) == pytest.approx(abs(median - y) / y)
        else:  # a bound: inside when the band reaches past it; no interval score
            assert (r["inside_90"] == "true") == (high90 >= y) and r["crps"] == ""
    import leapsim as lp
    read = lp.read_backtest_table(table)
    assert [r["observed"] for r in read] == [10.0, 16.0, 5.0] and isinstance(read[0]["inside_90"], bool)
    width, height = png_size(plot)
    assert width >= 600 and height >= 300 and plot.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.yaml", "plot.png", "table.csv", "tiny.yaml"]
    # The report page takes the table: each figure against its forecast, and the coverage.
    results, page = tmp_path / "tiny.h5", tmp_path / "page.html"
    leapsim("run", ROOT / "scenarios" / "small" / "tiny-study.yaml", "-r", 2, "-q", "-o", results)
    leapsim("report", results, "-o", page, "--lang", "en", "--backtest", table)
    text = page.read_text(encoding="utf-8")
    inside = sum(r["inside_90"] == "true" for r in rows)
    assert "Back-test: forecasts made before the figures were known" in text
    assert f"scored on the figures after it: {inside} of 3 fell inside their 90% band" in text
    for r in rows:
        assert f"{float(r['median']):,.0f} [{float(r['low_90']):,.0f}, {float(r['high_90']):,.0f}]" in text
    for p in (results, page):
        p.unlink()
    # The same table on one thread: the ensemble is keyed by (seed, member), not by thread.
    again = tmp_path / "again.csv"
    leapsim("backtest", cal, "--cutoff", 2020, "--members", 40, "-j", 1, "-q", "-o", again)
    assert again.read_text(encoding="utf-8") == table.read_text(encoding="utf-8")


def test_nothing_to_fit_forecasts_from_the_priors_and_a_plot_alone_leaves_no_table(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    plot = tmp_path / "prior.png"
    proc = leapsim("backtest", cal, "--cutoff", 2019, "--members", 20, "-q", "--plot", plot)
    assert "No figure up to 2019 to fit: the forecast draws its parameters from the priors." in proc.stdout
    assert "5 later figures scored" in proc.stdout
    png_size(plot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.yaml", "prior.png", "tiny.yaml"]


def test_errors_are_clear_and_write_nothing(leapsim, tmp_path):
    cal = write_calibration(tmp_path)
    table, plot = tmp_path / "table.csv", tmp_path / "plot.png"
    proc = leapsim("backtest", cal, "--cutoff", 2022, "-o", table, "--plot", plot, check=False)
    assert proc.returncode == 1
    assert (f"backtest: {cal} has no observed figure after the cut-off 2022 inside the scenario's horizon "
            "2019-2022: nothing to score; choose an earlier --cutoff") in proc.stderr
    proc = leapsim("backtest", cal, "-o", table, check=False)
    assert proc.returncode == 2 and "--cutoff is required" in proc.stderr
    proc = leapsim("backtest", TINY, "--cutoff", 2020, "-o", table, check=False)
    assert proc.returncode == 1 and "is not a calibration file" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.yaml", "tiny.yaml"]
    # An existing file is kept without --force, before any simulation.
    table.write_text("not ours", encoding="utf-8")
    proc = leapsim("backtest", cal, "--cutoff", 2020, "-o", table, "-q", check=False)
    assert proc.returncode == 1 and "exists; use --force to replace it" in proc.stderr
    assert "Generations" not in proc.stdout and table.read_text(encoding="utf-8") == "not ours"
    leapsim("backtest", cal, "--cutoff", 2020, "--members", 10, "-o", table, "-q", "--force")
    assert table.read_text(encoding="utf-8").startswith("figure,geography,year,metric,at,qualifier,observed")


def test_sigint_stops_a_backtest_and_writes_nothing(tmp_path):
    cal = write_calibration(tmp_path)
    table, plot = tmp_path / "table.csv", tmp_path / "plot.png"
    code, out, err = interrupted("backtest", cal, "--cutoff", "2020", "--members", "1000000", "-o", table,
                                 "--plot", plot)
    assert code == 130, err
    assert "nothing was written" in err
    assert "Posterior predictive check" in out and "Forecasts of" not in out  # stopped while forecasting
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.yaml", "tiny.yaml"]
