"""Loading, running and opening: the package's entry points."""

from __future__ import annotations

import os
import sys
from typing import Callable, Optional, Union

from . import _core
from .results import Results

PathLike = Union[str, os.PathLike]


def load(path: PathLike) -> Union[_core.Study, _core.Scenario]:
    """Reads a study file (base, alternatives, targets) or a scenario file.

    Raises ScenarioError, with .file, .line and .column of the first problem and .diagnostics
    listing every one, when the file is invalid.
    """
    path = os.fspath(path)
    return _core.load_study(path) if _core.is_study_file(path) else _core.load_scenario(path)


def from_dict(data: dict, name: str = "<dict>") -> Union[_core.Study, _core.Scenario]:
    """Builds a study (a dict with a "study" key) or a scenario from a dict shaped like a file.

    It is validated exactly like a file: JSON is YAML, so the dict is written as JSON text and read
    by the same reader; errors name `name` with the line and column of that text (one key per
    line). Relative paths (extends, base) resolve against the current folder.
    """
    import json
    text = json.dumps(data, indent=1, ensure_ascii=False)
    display = os.path.join(os.getcwd(), name)
    return _core.load_study_text(text, display) if "study" in data else _core.load_scenario_text(text, display)


def _progress_printer(stream=None) -> Callable[[int, int], None]:
    """A progress callback: a tqdm bar (python3-tqdm), which a notebook shows redrawn in place under the
    cell, or one line redrawn in place when tqdm is missing."""
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    stream = stream or sys.stderr
    bar = None

    def report(done: int, total: int) -> None:
        nonlocal bar
        if tqdm is not None:
            if bar is None:
                bar = tqdm(total=total, unit="run", desc="leapsim", file=stream, dynamic_ncols=True)
            bar.update(done - bar.n)
            if done == total:
                bar.close()
            return
        stream.write(f"\rleapsim: {done}/{total} runs ({100 * done // total}%)")
        if done == total:
            stream.write("\n")
        stream.flush()
    return report


def run(study: Union[_core.Study, _core.Scenario], replications: Optional[int] = None, *, threads: int = 0,
        seed: Optional[int] = None, progress: Union[bool, Callable[[int, int], None]] = True,
        record: tuple = (), record_replications: int = 1) -> Results:
    """Runs a study (every scenario) or a single scenario in this process and returns its Results.

    replications and seed default to the study's (200 and 20190614 for a bare scenario); threads=0
    uses every core. The GIL is released while the simulation runs. progress=True shows a progress
    bar on stderr (tqdm; in a notebook, under the cell), counting runs (scenarios x replications); a callable receives (runs done, runs in total), False prints nothing. record may hold
    "events" and "firms" to keep the firm event log and year-end snapshots of the first
    record_replications replications. Replication r of every scenario shares its random streams,
    and the result never depends on the thread count.
    """
    if isinstance(study, _core.Scenario):
        study = _core.study_of(study, replications or 200, 20190614 if seed is None else seed)
    reps = study.replications if replications is None else replications
    callback = _progress_printer() if progress is True else (progress or None)
    unknown = set(record) - {"events", "firms"}
    if unknown:
        raise UsageError(f"record: unknown {sorted(unknown)}; expected 'events' and/or 'firms'")
    tree = _core.run_study(study, reps, study.seed if seed is None else seed, threads, callback,
                           "events" in record, "firms" in record, record_replications)
    return Results(tree)


def open(path: PathLike) -> Results:  # noqa: A001 - leapsim.open mirrors h5py.File / xarray.open_dataset
    """Reads a results file written by `leapsim run -o` or Results.save."""
    return Results(_core.open_results(os.fspath(path)))


from ._core import UsageError  # noqa: E402  (used above; imported last to keep the public names first)
