"""The `leapsim demo` command: its forecast against the closed form, determinism, bad flags."""

import math
import re

ROW = re.compile(r"^(\d{4})\s+([\d.]+)\s+(\d+) - (\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$")


def table(stdout):
    """Parses the demo's yearly rows into {year: (mean, lo, hi, closed_form)}."""
    rows = {}
    for line in stdout.splitlines():
        m = ROW.match(line.strip())
        if m:
            rows[int(m[1])] = tuple(float(m[i]) for i in (2, 3, 4, 5))
    return rows


def test_demo_forecast_matches_the_closed_form(leapsim):
    replications = 1000
    rows = table(leapsim("demo", "-r", replications, "-j", 2).stdout)
    assert sorted(rows) == list(range(2019, 2026))
    exit_rate = math.log(2) / 10.7
    for year, (mean, lo, hi, closed) in rows.items():
        t = year - 2018
        q = math.exp(-exit_rate * t)
        # The demo's own closed-form column must be the formula, not a copy of the mean.
        assert closed == round(667 * q + 150 / exit_rate * (1 - q), 1)
        # Var N(t) = N0 q (1 - q) + (lambda / mu)(1 - q); allow 4 standard errors of the mean.
        se = math.sqrt((667 * q * (1 - q) + 150 / exit_rate * (1 - q)) / replications)
        assert abs(mean - closed) < 4 * se + 0.05, (year, mean, closed)
        assert lo <= mean <= hi


def test_demo_is_the_same_for_any_thread_count(leapsim):
    one = leapsim("demo", "-r", 300, "-j", 1, "--seed", 5).stdout
    two = leapsim("demo", "-r", 300, "-j", 2, "--seed", 5).stdout
    assert table(one) == table(two)
    assert table(one) != table(leapsim("demo", "-r", 300, "--seed", 6).stdout)


def test_bad_flags_fail_with_a_message(leapsim):
    proc = leapsim("demo", "-r", 0, check=False)
    assert proc.returncode != 0
    assert "replications" in proc.stderr
    proc = leapsim("nonsense", check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip()
