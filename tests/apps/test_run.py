"""`leapsim run`, `validate` and `calibrate` on small shipped files: report contents, determinism,
errors with file, line and column."""

import pathlib
import re

from report_tables import forecast_rows

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"


def test_run_reports_every_scenario_target_and_comparison(leapsim):
    out = leapsim("run", TINY_STUDY, "-r", 20, "-j", 2, "--quiet").stdout
    for name in ("base", "bigger-reward", "coaching", "more-entry"):
        rows = forecast_rows(out, name)
        assert sorted(rows) == list(range(2019, 2023)), name
        for cells in rows.values():
            assert len(cells) == 5
            for cell in cells:  # mean inside its own 90% interval
                mean, lo, hi = map(float, re.findall(r"[-+\d.]+", cell))
                assert lo <= mean <= hi, cell
    assert "illustrative: 5 HTEs in 2021" in out
    assert re.search(r"Alternatives against base in 2022", out)
    assert re.search(r"^ 1\. ", out, re.M)


def test_run_is_the_same_for_any_thread_count(leapsim):
    one = leapsim("run", TINY_STUDY, "-r", 12, "-j", 1, "--quiet").stdout
    two = leapsim("run", TINY_STUDY, "-r", 12, "-j", 2, "--quiet").stdout
    assert one == two
    assert one != leapsim("run", TINY_STUDY, "-r", 12, "--seed", 99, "--quiet").stdout


def test_run_shows_progress_unless_quiet(leapsim):
    proc = leapsim("run", TINY_STUDY, "-r", 10)
    assert "running:" in proc.stderr and "done:" in proc.stderr
    assert leapsim("run", TINY_STUDY, "-r", 10, "--quiet").stderr == ""


def test_validate_accepts_every_shipped_file(leapsim):
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert len(files) >= 7
    proc = leapsim("validate", *files)
    assert proc.stdout.count(": ok") == len(files)


def test_validate_reports_file_line_column(leapsim, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nentry:\n  base_rat: 5\n  in_migration_rate: -1\n")
    proc = leapsim("validate", bad, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert any(l.startswith(f"{bad}:3:3: error:") and "base_rate" in l for l in lines), lines
    assert any(l.startswith(f"{bad}:4:22: error:") for l in lines), lines


def test_run_refuses_an_invalid_study(leapsim, tmp_path):
    bad = tmp_path / "study.yaml"
    bad.write_text("study: {name: x}\nbase: missing.yaml\n")
    proc = leapsim("run", bad, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{bad}:2:7: error: base scenario \"missing.yaml\" not found")  # as validate prints it


def test_calibrate_fits_a_reachable_figure_and_refuses_an_unreachable_one(leapsim):
    tiny = ROOT / "scenarios" / "small" / "tiny.yaml"
    out = leapsim("calibrate", tiny, "-r", 10, "--rounds", 1,
                  "--fit", "tech_sme.register_probability=tech_smes:2020:14").stdout
    m = re.search(r"tech_sme.register_probability\s+([\d.]+)\s+tech_smes 2020: observed 14, "
                  r"simulated mean ([\d.]+) \[([\d.]+), ([\d.]+)\] inside", out)
    assert m, out
    fitted, mean = float(m[1]), float(m[2])
    assert 0.0 < fitted < 1.0
    assert abs(mean - 14) < 0.5  # bisection on a mean that rises in steps of 1/10 firm
    proc = leapsim("calibrate", tiny, "-r", 10, "--fit", "hte.apply_probability=htes:2020:500", check=False)
    assert proc.returncode == 1
    assert "does not bracket 500" in proc.stderr
    proc = leapsim("calibrate", tiny, "--fit", "hte.no_such=htes:2020:5", check=False)
    assert proc.returncode == 1
    assert "hte.no_such" in proc.stderr
