#!/usr/bin/python3
"""What posterior draws cost a forecast (docs/performance.md, "Forecasts with posterior draws"): the
Congtai study (5 scenarios, 2019-2025) run with fixed parameters and with each replication drawing
its parameters from a posterior, alternately, on the same threads. Two posteriors:

- "pinned": every particle within 1e-7 of the scenario's own values (a calibration whose priors are
  that narrow), so the simulated worlds are those of the fixed run and the difference is what the
  machinery costs (a draw a replication, each item's parameters copied, set and validated, the
  shared starts checked against the drawn parameters);
- "fitted": a posterior fitted to Congtai-like figures, whose worlds differ from the fixed run's
  (more or fewer firms, more or fewer events), so its time also moves with the parameters drawn.

The figures compared: the simulation's own time (the results file's run_seconds), the whole
command's wall time and its CPU time (user + system, steadier than wall time on a shared machine),
each as the median of the runs with its range and its change against the fixed run.

    bench/posterior_forecast.py [--replications 1000] [--repeat 3] [--build build/release]
"""

import argparse
import pathlib
import resource
import statistics
import subprocess
import tempfile
import time

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONGTAI = ROOT / "scenarios" / "congtai-2019.yaml"
APPLY, REGISTER = 0.362518, 0.339386  # the study's point values of hte.apply_probability, tech_sme.register_probability


def calibration(priors):
    return ("calibration:\n  name: bench\n  scenario: congtai.yaml\n  up_to: 2020\n  figures:\n"
            "    - {metric: htes, year: 2020, value: 45, tolerance: 0.3}\n"
            "    - {metric: tech_smes, year: 2020, value: 800, tolerance: 0.3}\n"
            f"  priors:\n{priors}"
            "  method: {particles: 100, seed: 2, max_simulations: 600, max_generations: 3}\n")


def with_posterior(text, posterior):
    return text.replace("  seed: 20190614", f"  seed: 20190614\n  posterior: {posterior}", 1)


def cpu_seconds():
    """User and system time of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(leapsim, study, replications, threads, out):
    """(simulation seconds, whole command's wall seconds, its CPU seconds, events) of one run."""
    started, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run([leapsim, "run", study, "-r", str(replications), "-j", str(threads), "-q", "-o", out,
                    "--force"], check=True, stdout=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    with h5py.File(out, "r") as f:
        return f.attrs["run_seconds"], wall, cpu, f.attrs["events"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--build", default=str(ROOT / "build" / "release"))
    args = parser.parse_args()
    leapsim = str(pathlib.Path(args.build) / "apps" / "leapsim" / "leapsim")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        text = CONGTAI.read_text(encoding="utf-8")
        # "fixed" is the study at its point values: without the Hebei draws it names.
        text = text.replace(text[text.index("  posterior: "):text.index("\nbase:")], "", 1)
        (folder / "congtai.yaml").write_text(text, encoding="utf-8")
        narrow = (f"    hte.apply_probability: {{uniform: [{APPLY - 1e-7}, {APPLY + 1e-7}]}}\n"
                  f"    tech_sme.register_probability: {{uniform: [{REGISTER - 1e-7}, {REGISTER + 1e-7}]}}\n")
        wide = ("    hte.apply_probability: {uniform: [0.3, 0.8]}\n"
                "    tech_sme.register_probability: {uniform: [0.4, 0.9]}\n")
        for name, priors in (("pinned", narrow), ("fitted", wide)):
            (folder / f"{name}.yaml").write_text(calibration(priors), encoding="utf-8")
            subprocess.run([leapsim, "calibrate", folder / f"{name}.yaml", "-o", folder / f"{name}.h5", "-q"],
                           check=True, stdout=subprocess.DEVNULL)
            (folder / f"study-{name}.yaml").write_text(with_posterior(text, f"{name}.h5"), encoding="utf-8")
        studies = {"fixed": folder / "congtai.yaml", "pinned": folder / "study-pinned.yaml",
                   "fitted": folder / "study-fitted.yaml"}
        times = {name: [] for name in studies}
        events = {}
        for _ in range(args.repeat):  # alternately, so a slow spell of the machine hits each alike
            for name, study in studies.items():
                simulated, wall, cpu, counted = run(leapsim, study, args.replications, args.threads,
                                                    folder / "out.h5")
                times[name].append((simulated, wall, cpu))
                events[name] = counted
        print(f"Congtai study, {args.replications} replications, -j {args.threads}, {args.repeat} runs each "
              "(median; min-max)")
        base = [statistics.median(run[i] for run in times["fixed"]) for i in range(3)]
        for name, runs in times.items():
            columns = []
            for i, what in enumerate(("simulation", "whole command", "CPU")):
                values = [run[i] for run in runs]
                median = statistics.median(values)
                columns.append(f"{what} {median:6.2f} s ({min(values):.2f}-{max(values):.2f}, "
                               f"{100 * (median / base[i] - 1):+5.1f}%)")
            print(f"  {name:7s} " + ", ".join(columns) + f", {events[name] / 1e6:.2f} M events")


if __name__ == "__main__":
    main()
