#!/usr/bin/python3
"""Adaptive replications on the Congtai study (docs/performance.md, "Adaptive replications"):
`leapsim run scenarios/congtai-2019.yaml --precision htes:2025:1`, from the study's first batch
and from a small one, against fixed counts.

Printed: for each adaptive run the replications it used, why it stopped, its looks and its wall
time; then, from a fixed run of --fixed replications (default 1000, the count the issue says is set
by hand for tight differences), the widest standard deviation of the 2025 HTE differences, the
smallest fixed count whose plain 95% t-interval would be at most +-1 with that deviation (known
only after the fact: a planner fixing the count beforehand does not have it), the count whose
interval at the adaptive run's per-look confidence would be, and the saving of each adaptive run
against the hand-set count.

    bench/adaptive_replications.py [--fixed 1000] [--small-batch 20] [--threads 2] [--build build/release]
"""

import argparse
import pathlib
import subprocess
import tempfile
import time

import h5py
import numpy as np
from scipy import stats

ROOT = pathlib.Path(__file__).resolve().parents[1]
STUDY = ROOT / "scenarios" / "congtai-2019.yaml"
PRECISION = "htes:2025:1"
HALF_WIDTH = 1.0


def run(binary, out, *flags):
    start = time.perf_counter()
    subprocess.run([str(binary), "run", str(STUDY), "-q", "-o", str(out), "--force", *map(str, flags)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def widest_sd(path, metric="htes", year=2025):
    """The widest standard deviation over the alternatives of (alternative - base) in the year."""
    with h5py.File(path, "r") as f:
        row = int(year - f.attrs["first_year"])
        names = list(f.attrs["scenarios"])
        base = f[f"scenarios/{names[0]}/metrics/{metric}"][:, row]
        return max(np.std(f[f"scenarios/{n}/metrics/{metric}"][:, row] - base, ddof=1) for n in names[1:])


def count_for(sd, confidence):
    """The smallest n whose t-interval at this confidence has a half-width of at most HALF_WIDTH."""
    n = 2
    while stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / np.sqrt(n) > HALF_WIDTH:
        n += 1
    return n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixed", type=int, default=1000)
    parser.add_argument("--small-batch", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--build", default=str(ROOT / "build" / "release"))
    args = parser.parse_args()
    binary = pathlib.Path(args.build) / "apps" / "leapsim" / "leapsim"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        adaptive = {}
        for label, flags in (("study's first batch", []), (f"first batch {args.small_batch}", ["-r", args.small_batch])):
            out = tmp / f"adaptive-{len(adaptive)}.h5"
            seconds = run(binary, out, "--precision", PRECISION, "-j", args.threads, *flags)
            with h5py.File(out, "r") as f:
                a = dict(f["adaptive"].attrs)
                looks = f["adaptive/looks"][()]
            adaptive[label] = (a, looks, seconds)
        fixed_out = tmp / "fixed.h5"
        fixed_seconds = run(binary, fixed_out, "-r", args.fixed, "-j", args.threads)
        sd = widest_sd(fixed_out)
    print(f"Congtai study, --precision {PRECISION}, {args.threads} threads")
    for label, (a, looks, seconds) in adaptive.items():
        steps = ", ".join(f"{int(n)}: +-{w:.3f}" for n, w in looks[:, :2])
        print(f"  adaptive ({label}): {int(a['replications_used'])} replications, stopped_by {a['stopped_by']}, "
              f"{len(a['planned_looks'])} looks planned at {100 * a['confidence_per_look']:.2f}% each "
              f"(looks made {steps}); {seconds:.1f} s")
    print(f"  fixed {args.fixed} replications: {fixed_seconds:.1f} s; widest sd of the 2025 HTE differences "
          f"{sd:.2f}")
    needed = count_for(sd, 0.95)
    print(f"  fixed count for +-{HALF_WIDTH:g} at plain 95% (known only afterwards): {needed}")
    if needed > args.fixed:  # then no saving against the hand-set count is meaningful
        reached = stats.t.ppf(0.975, args.fixed - 1) * sd / np.sqrt(args.fixed)
        print(f"  the {args.fixed} set by hand do not reach +-{HALF_WIDTH:g}: their widest 95% half-width is "
              f"+-{reached:.2f}")
    for label, (a, _, _) in adaptive.items():
        used = int(a["replications_used"])
        print(f"  fixed count for +-{HALF_WIDTH:g} at {100 * a['confidence_per_look']:.2f}% (adaptive, {label}): "
              f"{count_for(sd, a['confidence_per_look'])}; saving of {used} against {args.fixed} set by hand: "
              f"{100 * (1 - used / args.fixed):.0f}%" + ("" if a["stopped_by"] == "precision" else
                                                          " (but it stopped at its cap, short of the precision)"))


if __name__ == "__main__":
    main()
