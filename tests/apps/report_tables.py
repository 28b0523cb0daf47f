"""Parsing of the printed `leapsim run` report, shared by the CLI tests."""

import re


def forecast_rows(stdout, scenario):
    """The yearly rows of one scenario's forecast table: {year: ['mean [p05, p95]' cells]}."""
    rows, inside = {}, False
    for line in stdout.splitlines():
        if line.startswith("== "):
            inside = line.startswith(f"== {scenario}:")
            continue
        m = re.match(r"^(\d{4})\s+(.*)$", line)
        if inside and m:
            rows[int(m[1])] = re.findall(r"[-+\d.]+ \[[-+\d.]+, [-+\d.]+\]", m[2])
    return rows
