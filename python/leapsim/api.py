"""Loading, running and opening: the package's entry points."""

from __future__ import annotations

import numbers
import os
import sys
from typing import Callable, Iterable, List, Optional, Union

from . import _core
from .results import Results

PathLike = Union[str, os.PathLike]


def load(path: PathLike, allow_outside: bool = False) -> Union[_core.Study, _core.Scenario]:
    """Reads a study file (base, alternatives, targets) or a scenario file.

    The files it names (extends, base) must lie in its folder or below, as on the command line,
    unless allow_outside=True. Raises ScenarioError, with .file, .line and .column of the first
    problem and .diagnostics listing every one, when the file is invalid.
    """
    path = os.fspath(path)
    allow = bool(allow_outside)
    return (_core.load_study(path, allow) if _core.is_study_file(path) else _core.load_scenario(path, allow))


def from_dict(data: dict, name: str = "<dict>") -> Union[_core.Study, _core.Scenario]:
    """Builds a study (a dict with a "study" key) or a scenario from a dict shaped like a file.

    It is validated exactly like a file: JSON is YAML, so the dict is written as JSON text and read
    by the same reader; errors name `name` with the line and column of that text (one key per
    line). Relative paths (extends, base) resolve against the current folder. numpy numbers are
    taken as numbers; data that is not a dict, or holds values that are not numbers, text, lists or
    dicts, raises TypeError.
    """
    import json
    if not isinstance(data, dict):
        raise TypeError(f"from_dict expects a dict shaped like a scenario or study file, not {_shown(data)}")
    if not isinstance(name, str):
        raise TypeError(f"from_dict: name must be text, not {_shown(name)}")
    try:
        text = json.dumps(data, indent=1, ensure_ascii=False, default=_plain)
    except ValueError as error:  # e.g. a dict that contains itself
        raise ValueError(f"from_dict: {error}") from None
    display = os.path.join(os.getcwd(), name)
    return _core.load_study_text(text, display) if "study" in data else _core.load_scenario_text(text, display)


def _shown(value) -> str:
    """A value and its type for messages, e.g. "'abc' (str)"."""
    text = repr(value)
    return f"{text[:60]}... ({type(value).__name__})" if len(text) > 60 else f"{text} ({type(value).__name__})"


def _plain(value):
    """JSON for numpy scalars and arrays (np.int64(5) -> 5) in from_dict; anything else is refused."""
    if hasattr(value, "tolist") and callable(value.tolist):
        return value.tolist()
    raise TypeError(f"from_dict: {_shown(value)} is not a number, text, list or dict")


def _whole(value, name: str, low: int, high: int) -> int:
    """value as an int in [low, high]; TypeError for a non-integer, UsageError for one out of range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, not {_shown(value)}")
    if not low <= int(value) <= high:
        raise UsageError(f"{name} must be between {low} and {high}, not {int(value)}")
    return int(value)


def _record_kinds(record: Union[str, Iterable[str]]) -> set:
    """What to record: "events", "firms", or a list of them (a single name is one item)."""
    items = (record,) if isinstance(record, str) else record
    try:
        items = list(items)
    except TypeError:
        raise TypeError(f"record must be 'events', 'firms' or a list of them, not {_shown(record)}") from None
    unknown = [item for item in items if item not in ("events", "firms")]
    if unknown:
        raise UsageError(f"record: unknown {', '.join(map(repr, unknown))}; expected 'events' and/or 'firms'")
    return set(items)


_UINT32 = 2**32 - 1
_MAX_THREADS = 1024


def _progress_printer(stream=None) -> Callable[[int, int], None]:
    """A progress callback: a tqdm bar (python3-tqdm), which a notebook shows redrawn in place under the
    cell, or one line redrawn in place when tqdm is missing. Each batch of an adaptive run (whose
    total grows at each look) gets a bar of its own, counting on from the runs before it."""
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
            if done == total:  # an adaptive run's next batch, if any, starts a bar of its own
                bar.close()
                bar = None
            return
        stream.write(f"\rleapsim: {done}/{total} runs ({100 * done // total}%)")
        if done == total:
            stream.write("\n")
        stream.flush()
    return report


def run(study: Union[_core.Study, _core.Scenario], replications: Optional[int] = None, *, threads: int = 0,
        seed: Optional[int] = None, progress: Union[bool, Callable[[int, int], None]] = True,
        record: Union[str, Iterable[str]] = (), record_replications: int = 1,
        precision: Union[str, Iterable[str]] = (), max_replications: Optional[int] = None,
        draws_from: Optional[_core.Study] = None) -> Results:
    """Runs a study (every scenario) or a single scenario in this process and returns its Results.

    replications and seed default to the study's (200 and 20190614 for a bare scenario); threads=0
    uses every core. The GIL is released while the simulation runs, and Ctrl-C (SIGINT) stops it
    within a fraction of a second, replications in flight included (KeyboardInterrupt, nothing
    returned). progress=True shows a
    progress bar on stderr (tqdm; in a notebook, under the cell), counting runs (scenarios x
    replications); a callable receives (runs done, runs in total), False prints nothing. record
    may be "events", "firms" or both in a list, to keep the firm event log and year-end snapshots
    of the first record_replications replications. Replication r of every scenario shares its
    random streams, and the result never depends on the thread count. A wrong type raises
    TypeError; a value out of range UsageError.

    precision ("htes:2025:1", "target:LABEL:0.05" or a list of them, as `leapsim run --precision`)
    runs adaptively: a first batch of `replications`, then batches doubling up to max_replications
    (default 16 first batches) until every asked-for 95% interval is that narrow (Bonferroni over
    the planned looks); Results.adaptive says where and why it stopped. The result is the same as
    a fixed run of the replications it used.

    draws_from (a Study, only with a Scenario) runs the scenario on that study's posterior draws
    (its posterior, runs_per_draw and posterior_parameters): study.base.with_changes(...) run with
    the study's seed and replications then differs from the study's base by the changes alone, as
    a sweep point does.
    """
    if not isinstance(study, (_core.Study, _core.Scenario)):
        raise TypeError(f"study must be a leapsim.Study or leapsim.Scenario (from leapsim.load or leapsim.from_dict), "
                        f"not {_shown(study)}")
    if replications is not None:
        replications = _whole(replications, "replications", 1, _UINT32)
    threads = _whole(threads, "threads", 0, _MAX_THREADS)
    if seed is not None:
        seed = _whole(seed, "seed", 0, 2**64 - 1)
    record_replications = _whole(record_replications, "record_replications", 0, _UINT32)
    kinds = _record_kinds(record)
    precisions = _precision_texts(precision)
    if max_replications is not None:
        max_replications = _whole(max_replications, "max_replications", 1, _UINT32)
    if not (isinstance(progress, bool) or progress is None or callable(progress)):
        raise TypeError(f"progress must be True, False or a callable(done, total), not {_shown(progress)}")
    if draws_from is not None and not isinstance(draws_from, _core.Study):
        raise TypeError(f"draws_from must be a leapsim.Study (from leapsim.load), not {_shown(draws_from)}")
    if draws_from is not None and not isinstance(study, _core.Scenario):
        raise TypeError("draws_from goes with a Scenario: a Study runs on its own posterior draws")
    if isinstance(study, _core.Scenario):
        study = _core.study_of(study, 200 if replications is None else replications, 20190614 if seed is None else seed,
                               draws_from)
    reps = study.replications if replications is None else replications
    callback = _progress_printer() if progress is True else (progress or None)
    tree = _core.run_study(study, reps, study.seed if seed is None else seed, threads, callback,
                           "events" in kinds, "firms" in kinds, record_replications, precisions, max_replications)
    return Results(tree)


def _precision_texts(precision: Union[str, Iterable[str]]) -> List[str]:
    """precision= as a list of texts: one text or an iterable of texts."""
    texts = [precision] if isinstance(precision, str) else precision
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(f"precision must be a text such as 'htes:2025:1' or a list of them, not {_shown(precision)}") from None
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"each precision must be a text such as 'htes:2025:1', not {_shown(text)}")
    return texts


def open(path: PathLike) -> Results:  # noqa: A001 - leapsim.open mirrors h5py.File / xarray.open_dataset
    """Reads a results file written by `leapsim run -o` or Results.save."""
    return Results(_core.open_results(os.fspath(path)))


from ._core import UsageError  # noqa: E402  (used above; imported last to keep the public names first)
