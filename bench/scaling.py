#!/usr/bin/python3
"""Whole-program figures for docs/performance.md that Google Benchmark cannot take: the speed-up of
2 MPI ranks over 1 on the 200-replication Congtai study, and one replication of the national
scenario (wall time, events/s, peak memory). Each run is a real `leapsim run` (under mpirun for
the MPI figures); times are wall-clock of the whole command, start-up and file writing included.

    bench/scaling.py [speedup] [national] [--repeat N] [--build build/release]
"""

import argparse
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[1]
MPIRUN = [shutil.which("mpirun") or "/usr/bin/mpirun", "--allow-run-as-root", "--oversubscribe"]


def timed(command):
    """(wall seconds, peak resident bytes of the child processes so far) of one command."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def events_per_second(path):
    with h5py.File(path, "r") as f:
        return f.attrs["events"] / f.attrs["run_seconds"], f.attrs["run_seconds"]


def speedup(leapsim, repeat, folder):
    study = ROOT / "scenarios" / "congtai-2019.yaml"
    run = [leapsim, "run", str(study), "-r", "200", "-j", "1", "-q"]
    runs = {
        "1 rank, 1 thread": MPIRUN + ["-np", "1"] + run,
        "2 ranks, 1 thread each": MPIRUN + ["-np", "2"] + run,
        "1 process, 2 threads (no MPI)": [leapsim, "run", str(study), "-r", "200", "-j", "2", "-q"],
    }
    medians = {}
    print(f"Congtai study, 5 scenarios x 200 replications; median of {repeat} runs")
    for name, command in runs.items():
        out = folder / "speedup.h5"
        times, inside = [], []
        for _ in range(repeat):
            seconds, _ = timed(command + ["-o", str(out), "--force"])
            times.append(seconds)
            inside.append(events_per_second(out)[1])
        medians[name] = statistics.median(times)
        print(f"  {name:32s} {medians[name]:6.2f} s wall   {statistics.median(inside):6.2f} s simulating")
    one, two = medians["1 rank, 1 thread"], medians["2 ranks, 1 thread each"]
    print(f"  speed-up of 2 ranks over 1: x{one / two:.2f} (wall clock, mpirun start-up included)")


def national(leapsim, folder):
    study = ROOT / "scenarios" / "china-2019.yaml"
    out = folder / "china.h5"
    seconds, peak = timed([leapsim, "run", str(study), "-r", "1", "-j", "1", "-q", "-o", str(out), "--force"])
    rate, simulating = events_per_second(out)
    with h5py.File(out, "r") as f:
        firms = f["scenarios"][f.attrs["scenarios"][0]]["metrics"]["firms_alive"][0]
    print(f"National scenario, one replication per scenario, one thread: {seconds:.1f} s wall, "
          f"{simulating:.1f} s simulating, {rate / 1e6:.2f} M events/s, peak memory {peak / 2**30:.2f} GiB, "
          f"firms alive {firms[0]:,.0f} (first year) to {firms[-1]:,.0f} (last)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", nargs="*", help="speedup, national (default: both)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", default=str(ROOT / "build" / "release"))
    args = parser.parse_args()
    args.figures = args.figures or ["speedup", "national"]
    for figure in args.figures:
        if figure not in ("speedup", "national"):
            parser.error(f"unknown figure {figure!r}: choose speedup or national")
    leapsim = str(pathlib.Path(args.build) / "apps" / "leapsim" / "leapsim")
    with tempfile.TemporaryDirectory() as folder:
        if "speedup" in args.figures:
            speedup(leapsim, args.repeat, pathlib.Path(folder))
        if "national" in args.figures:
            national(leapsim, pathlib.Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
