"""Seed corpora for the fuzzers: every scenario and study file of the tree (scenarios/ and the test
fixtures), and results files written by `leapsim run` on fuzz/seed-study.yaml (plain, and with the
event log and firm snapshots recorded): a small study, so each file is 120-160 KB, and written by
LeapSim itself, whose object headers carry checksums (a file rewritten by h5py or h5repack has
none, and mutating it mostly finds memory errors inside HDF5 1.10; see docs/architecture.md).

    python3 fuzz/make_seeds.py --leapsim build/release/apps/leapsim/leapsim --out build/fuzz/seeds
"""

import argparse
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIO_FILES = ["scenarios/**/*.yaml", "tests/**/*.yaml", "fuzz/*.yaml"]
SEED_STUDY = ROOT / "fuzz" / "seed-study.yaml"
RESULTS_RUNS = {  # file name: extra arguments of `leapsim run fuzz/seed-study.yaml`
    "seed-r2.h5": [],
    "seed-r1-recorded.h5": ["-r", "1", "--record", "events,firms"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leapsim", required=True, type=pathlib.Path, help="the leapsim command (release build)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="folder of the corpora, one per fuzzer")
    args = parser.parse_args()
    scenarios = args.out / "scenario_fuzzer"
    results = args.out / "results_fuzzer"
    for folder in (scenarios, results):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for pattern in SCENARIO_FILES:
        for path in sorted(ROOT.glob(pattern)):
            shutil.copyfile(path, scenarios / "_".join(path.relative_to(ROOT).parts))
    for name, extra in RESULTS_RUNS.items():
        subprocess.run([str(args.leapsim), "run", str(SEED_STUDY), "-q", "-j", "1", "-o", str(results / name), *extra],
                       check=True, stdout=subprocess.DEVNULL)
    print(f"fuzz seeds: {len(list(scenarios.iterdir()))} scenario files, {len(list(results.iterdir()))} results files "
          f"in {args.out}")


if __name__ == "__main__":
    main()
