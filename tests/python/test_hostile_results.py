"""Hostile results files: each is a real HDF5 file built with h5py from a valid one, and each must
end in one clear error naming the file, the object and what is wrong, in leapsim.open and in the
`leapsim info` and `leapsim compare` commands alike, without a crash, a hang or a large allocation."""

import os
import pathlib
import re
import resource
import shutil
import subprocess

import h5py
import numpy as np
import pytest

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
LEAPSIM = BUILD / "apps" / "leapsim" / "leapsim"
# A reader that tried to allocate what a hostile file declares would fail under this limit (with
# std::bad_alloc, exit 3) instead of refusing the file (exit 1).
MEMORY_LIMIT = 1 << 30


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    """A valid results file of the tiny study (4 scenarios, 2019-2022, 2 targets, 3 replications)."""
    path = tmp_path_factory.mktemp("valid") / "tiny.h5"
    leapsim.run(leapsim.load(TINY_STUDY), replications=3, threads=1, progress=False).save(path)
    return path


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def command(*args):
    return subprocess.run([str(LEAPSIM), *map(str, args)], capture_output=True, text=True, timeout=60,
                          preexec_fn=_limited)


def set_values(f, path, index, value):
    data = f[path][()]
    data[index] = value
    f[path][...] = data


def replace(f, path, data, **options):
    del f[path]
    f.create_dataset(path, data=data, **options)


def cycle(f):
    f["scenarios/base/loop"] = f["scenarios/base"]  # a hard link: the group contains itself


def huge(f):
    del f["scenarios/base/metrics/htes"]
    f.create_dataset("scenarios/base/metrics/htes", shape=(2**40, 7), chunks=(1024, 7), dtype="f8")


def misshapen_comparison(f):
    replace(f, "comparisons/coaching/htes", np.zeros((4, 6)))


def misshapen_targets(f):
    replace(f, "targets/probability", np.zeros((1, 4)))


def short_target_list(f):
    f["targets"].attrs["metric"] = ["htes"]


def no_study_name(f):
    del f.attrs["study_name"]


def nan_comparison(f):
    set_values(f, "comparisons/coaching/htes", (3, slice(0, 3)), np.nan)


def inf_metric(f):
    set_values(f, "scenarios/coaching/metrics/htes", (0, 0), np.inf)


def absurd_probability(f):
    set_values(f, "targets/probability", (0, 1), 5.0)


def negative_replications(f):
    f.attrs["replications"] = np.int64(-3)


def text_replications(f):
    f.attrs["replications"] = "many"


def years_out_of_order(f):
    set_values(f, "years", 2, 1e300)


def text_dataset(f):
    replace(f, "scenarios/base/metrics/htes", np.array([["x"] * 4] * 3, dtype=h5py.string_dtype()))


def soft_link(f):
    f["scenarios/base/link"] = h5py.SoftLink("/scenarios")


def external_link(f):
    f["scenarios/base/link"] = h5py.ExternalLink("/etc/passwd", "/")


def external_storage(f, tmp_path):
    del f["scenarios/base/metrics/htes"]
    outside = tmp_path / "outside.bin"
    outside.write_bytes(bytes(96))
    f.create_dataset("scenarios/base/metrics/htes", shape=(3, 4), dtype="f8", external=[(str(outside), 0, 96)])


def bad_utf8(f):
    f.attrs.create("study_name", b"Tiny \xff\xfe", dtype=h5py.string_dtype("utf-8"))


def future_version(f):
    f.attrs["format_version"] = np.int64(2)


def ghost_scenario(f):
    f.attrs["scenarios"] = ["base", "bigger-reward", "coaching", "ghost"]
    f["targets"].attrs["scenarios"] = ["base", "bigger-reward", "coaching", "ghost"]


# case: (how the file is damaged, what the error must say)
CASES = {
    "cycle": (cycle, r"/scenarios/base/loop: is a second link to an object already read"),
    "huge": (huge, r"/scenarios/base/metrics/htes: declares 1099511627776 x 7 values \(61\.6 TB\) but stores only 0"),
    "misshapen_comparison": (misshapen_comparison, r"/comparisons/coaching/htes: shape 4 x 6, expected 4 x 7"),
    "misshapen_targets": (misshapen_targets, r"/targets/probability: shape 1 x 4, expected 2 x 4 \(targets x scenarios\)"),
    "short_target_list": (short_target_list, r"/targets: attribute 'metric' has 1 entries, expected 2"),
    "no_study_name": (no_study_name, r"/: has no attribute 'study_name' \(text\)"),
    "nan_comparison": (nan_comparison, r"/comparisons/coaching/htes: value \[3, 0\] is nan; expected a finite"),
    "inf_metric": (inf_metric, r"/scenarios/coaching/metrics/htes: value \[0, 0\] is inf; expected a finite number"),
    "absurd_probability": (absurd_probability, r"/targets/probability: value \[0, 1\] is 5; expected a probability"),
    "negative_replications": (negative_replications, r"/: replications is -3; expected at least 1"),
    "text_replications": (text_replications, r"/: attribute 'replications' is text, expected an int64"),
    "years_out_of_order": (years_out_of_order, r"/years: value \[2\] is 1e\+300; expected first_year, first_year \+ 1"),
    "text_dataset": (text_dataset, r"/scenarios/base/metrics/htes: holds text, not numbers"),
    "soft_link": (soft_link, r"/scenarios/base/link: is a soft link"),
    "external_link": (external_link, r"/scenarios/base/link: is an external link"),
    "external_storage": (external_storage, r"/scenarios/base/metrics/htes: keeps its values in other files"),
    "bad_utf8": (bad_utf8, r"attribute 'study_name' of /: holds text that is not valid UTF-8"),
    "future_version": (future_version, r"/: format_version is 2; this leapsim reads version 1"),
    "ghost_scenario": (ghost_scenario, r"/scenarios/ghost: missing group"),
}


@pytest.fixture(params=sorted(CASES))
def hostile(request, valid, tmp_path):
    damage, message = CASES[request.param]
    path = tmp_path / f"{request.param}.h5"
    shutil.copyfile(valid, path)
    with h5py.File(path, "r+") as f:
        if damage is external_storage:
            damage(f, tmp_path)
        else:
            damage(f)
    return path, message


def test_the_valid_file_opens_everywhere(valid):
    results = leapsim.open(valid)
    assert repr(results).startswith("<leapsim.Results 'Tiny study': 4 scenarios x 3 replications, 2019-2022")
    assert command("info", valid).returncode == 0
    assert command("compare", valid, "--base", "coaching").returncode == 0


def test_leapsim_open_names_the_object_and_the_problem(hostile):
    path, message = hostile
    with pytest.raises(leapsim.ResultsError, match=rf"^{re.escape(str(path))}: {message}"):
        leapsim.open(path)


@pytest.mark.parametrize("args", [("info",), ("compare",)])
def test_the_commands_refuse_it_with_the_same_message(hostile, args):
    path, message = hostile
    proc = command(*args, path)
    assert proc.returncode == 1, proc.stderr
    assert re.match(rf"leapsim: error: {re.escape(str(path))}: {message}", proc.stderr), proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stdout == ""


def test_the_huge_file_is_small_and_refused_before_allocating(tmp_path, valid):
    path = tmp_path / "huge.h5"
    shutil.copyfile(valid, path)
    with h5py.File(path, "r+") as f:
        huge(f)
    assert path.stat().st_size < valid.stat().st_size + 100_000  # 61.6 TB declared in a few KB
    proc = command("info", path)  # under MEMORY_LIMIT: an attempt to allocate would end in exit 3
    assert proc.returncode == 1 and "declares" in proc.stderr, proc.stderr


def test_fixed_length_text_written_by_h5py_reads_as_text(tmp_path, valid):
    path = tmp_path / "bytes.h5"
    shutil.copyfile(valid, path)
    with h5py.File(path, "r+") as f:
        f.attrs["study_name"] = np.bytes_("Tiny study, renamed")  # h5py writes bytes as fixed-length ASCII
    assert leapsim.open(path).attrs["study_name"] == "Tiny study, renamed"


def test_an_event_kind_outside_kind_names_is_refused(tmp_path):
    path = tmp_path / "events.h5"
    leapsim.run(leapsim.load(TINY_STUDY), replications=1, threads=1, progress=False, record="events").save(path)
    with h5py.File(path, "r+") as f:
        events = f["scenarios/base/events"][()]
        events["kind"][0] = 99
        f["scenarios/base/events"][...] = events
    with pytest.raises(leapsim.ResultsError, match=r"/scenarios/base/events: row 0: kind 99 is not an index"):
        leapsim.open(path)


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "io" / "data").glob("*.h5")), ids=lambda p: p.stem)
def test_files_that_crash_hdf5_itself_end_in_one_error(path):
    """Inputs the fuzzer found on which HDF5 1.10 has memory errors (tests/io/data/README.md)."""
    with pytest.raises(leapsim.ResultsError, match=rf"^{re.escape(str(path))}: "):
        leapsim.open(path)
    for args in (("info",), ("compare",)):
        proc = command(*args, path)
        assert proc.returncode == 1 and proc.stderr.startswith(f"leapsim: error: {path}: "), proc.stderr
        assert len(proc.stderr.splitlines()) == 1, proc.stderr
