"""Seed corpora for the fuzzers: every scenario and study file of the tree (scenarios/ and the test
fixtures), and results files written by `leapsim run` on fuzz/seed-study.yaml (plain, and with the
event log and firm snapshots recorded): a small study, so each file is 120-160 KB. Each is kept
as LeapSim writes it, whose object headers carry checksums, so most mutations stop at HDF5's
checks, and as h5py rewrites it, whose headers have none: mutations then reach LeapSim's checks
with odd shapes, types and values, and also find memory errors inside HDF5 1.10 itself
(fuzz/run.sh tells those apart).

    python3 fuzz/make_seeds.py --leapsim build/release/apps/leapsim/leapsim --out build/fuzz/seeds
"""

import argparse
import pathlib
import shutil
import subprocess

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIO_FILES = ["scenarios/**/*.yaml", "tests/**/*.yaml", "fuzz/*.yaml"]
SEED_STUDY = ROOT / "fuzz" / "seed-study.yaml"
RESULTS_RUNS = {  # file name: extra arguments of `leapsim run fuzz/seed-study.yaml`
    "seed-r2.h5": [],
    "seed-r1-recorded.h5": ["-r", "1", "--record", "events,firms"],
}


def rewrite_with_h5py(source: pathlib.Path, target: pathlib.Path) -> None:
    """Writes every group, dataset and attribute of `source` again through h5py's defaults."""
    def copy(into: h5py.Group, group: h5py.Group) -> None:
        into.attrs.update(group.attrs)
        for name, member in group.items():
            if isinstance(member, h5py.Group):
                copy(into.create_group(name), member)
            else:
                into.create_dataset(name, data=member[()]).attrs.update(member.attrs)

    with h5py.File(source, "r") as original, h5py.File(target, "w") as rewritten:
        copy(rewritten, original)


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
        written = results / name
        # The seed study extends scenarios/small/tiny.yaml, outside its own folder.
        subprocess.run([str(args.leapsim), "run", str(SEED_STUDY), "--allow-outside", "-q", "-j", "1", "-o",
                        str(written), *extra], check=True, stdout=subprocess.DEVNULL)
        rewrite_with_h5py(written, written.with_name(written.stem + "-h5py.h5"))
    print(f"fuzz seeds: {len(list(scenarios.iterdir()))} scenario files, {len(list(results.iterdir()))} results files "
          f"in {args.out}")


if __name__ == "__main__":
    main()
