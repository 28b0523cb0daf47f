"""Sensitivity analysis of a study (docs/sensitivity.md): which scenario numbers drive its
forecasts and its ranking of packages, by Morris screening or Sobol indices::

    import leapsim
    study = leapsim.load("scenarios/congtai-2019.yaml")
    s = leapsim.sensitivity(study, inputs=[{"path": "hte.renew_probability", "low": 0.6, "high": 0.95},
                                           {"path": "entry.base_rate", "low": 60, "high": 150}],
                            trajectories=10, replications=50)
    s.indices            # one row per output and input: mu, mu_star, sigma (or S1, ST and intervals)
    s.ranked("htes_2025")  # the inputs of one output, the strongest first
    s.ranking_flips      # per input: the share of its moves that change the ranking of packages
    s.save("congtai-morris.h5")  # the file `leapsim sensitivity -o` writes

The same library calls as `leapsim sensitivity`, so the same inputs, seed and replications give
the same numbers.
"""

from __future__ import annotations

import json
import os
from typing import Callable, Iterable, Mapping, Optional, Union

import numpy as np
import pandas as pd

from . import _core

PathLike = Union[str, os.PathLike]

_SETTINGS = ("trajectories", "levels", "samples", "bootstrap", "metrics", "years", "decision")


class Sensitivity:
    """A finished sensitivity analysis, as its file holds it.

    Attributes:
        method: "morris" or "sobol".
        inputs: frame indexed by input path: low, high, nominal (the study's own value).
        outputs: frame indexed by output name: kind (metric, target, difference, extra_cost,
            cost_per_unit: NaN at a point where the package adds nothing), metric, year, scenario, label, nominal (at the study as written), noise_sd (between single
            replications there) and noise_floor (an index at or below it is not told from zero).
        indices: one row per output and input: output, input, then mu, mu_star, sigma (Morris) or
            S1, S1_low, S1_high, ST, ST_low, ST_high (Sobol, 95% bootstrap intervals), noise_floor
            and distinguishable (the index above the floor).
        packages: the base and the alternatives; nominal_ranking: them best first at the study as
            written, by the paired difference named in `decision`.
        ranking_changed: the share of design points whose ranking differs from the nominal one.
        ranking_flips: per input, the share of its moves that change the ranking.
        cost_nominal_ranking, cost_ranking_changed, cost_ranking_flips: the same for the
            alternatives ranked by the county's cost per extra unit of the decision (cheapest first).
        attrs: the file's root attributes (seed, replications, runs, seconds, ...).
    """

    def __init__(self, tree, source: str):
        self._tree = tree
        self.source = source
        self.attrs = dict(tree.attributes(""))
        self.method = str(self.attrs["method"])
        names = list(tree.attributes("inputs")["names"])
        self.inputs = pd.DataFrame({key: np.array(tree.array(f"inputs/{key}")) for key in ("low", "high", "nominal")},
                                   index=pd.Index(names, name="input"))
        rows, frames = [], []
        keys = ("mu", "mu_star", "sigma") if self.method == "morris" else ("S1", "S1_low", "S1_high", "ST", "ST_low",
                                                                          "ST_high")
        for output in tree.groups("sensitivity"):
            a = tree.attributes(f"sensitivity/{output}")
            rows.append({"output": output, **{k: a[k] for k in ("kind", "metric", "year", "scenario", "label",
                                                                  "nominal", "noise_sd", "noise_floor")}})
            frame = pd.DataFrame({k: np.array(tree.array(f"sensitivity/{output}/{k}")) for k in keys})
            frame.insert(0, "input", names)
            frame.insert(0, "output", output)
            frame["noise_floor"] = a["noise_floor"]
            frame["distinguishable"] = np.array(tree.array(f"sensitivity/{output}/distinguishable")) > 0
            frames.append(frame)
        self.outputs = pd.DataFrame(rows).set_index("output")
        self.indices = pd.concat(frames, ignore_index=True)
        decision = tree.attributes("decision")
        self.decision = str(decision["decision"])
        self.higher_is_better = bool(decision["higher_is_better"])
        self.packages = list(decision["packages"])
        self.nominal_ranking = [self.packages[int(i)] for i in tree.array("decision/nominal_ranking")]
        self.ranking_changed = float(decision["ranking_changed"])
        self.ranking_flips = pd.Series(np.array(tree.array("decision/ranking_flips")), index=self.inputs.index,
                                       name="ranking_flips")
        # By the county's cost per extra unit (files written before the cost books lack it).
        by_cost = "cost_nominal_ranking" in tree.datasets("decision")
        self.cost_nominal_ranking = ([self.packages[int(i)] for i in tree.array("decision/cost_nominal_ranking")]
                                     if by_cost else [])
        self.cost_ranking_changed = float(decision["cost_ranking_changed"]) if by_cost else float("nan")
        self.cost_ranking_flips = pd.Series(np.array(tree.array("decision/cost_ranking_flips")) if by_cost else
                                            np.full(len(self.inputs), np.nan), index=self.inputs.index,
                                            name="cost_ranking_flips")

    def ranked(self, output: str) -> pd.DataFrame:
        """The inputs of one output, strongest first (by mu_star, or by ST for Sobol), indexed by input."""
        if output not in self.outputs.index:
            raise KeyError(f"no output {output!r}; the outputs are {', '.join(self.outputs.index)}")
        key = "mu_star" if self.method == "morris" else "ST"
        table = self.indices[self.indices["output"] == output].drop(columns="output").set_index("input")
        return table.sort_values(key, ascending=False, kind="stable")

    def save(self, path: PathLike, force: bool = False) -> None:
        """Writes the sensitivity file (docs/output-format.md) atomically; refuses an existing file unless force."""
        self._tree.save(os.fspath(path), bool(force))

    def __repr__(self) -> str:
        return (f"<leapsim.Sensitivity {self.method}: {len(self.inputs)} inputs, {len(self.outputs)} outputs, "
                f"{int(self.attrs['replications'])} replications a point, from {self.source}>")


def _settings_text(inputs, settings: Mapping) -> str:
    """A sensitivity file's text (JSON, which is YAML) from a list of inputs and settings."""
    listed = []
    for item in inputs:
        if isinstance(item, Mapping):
            listed.append(dict(item))
        elif isinstance(item, (tuple, list)) and len(item) == 3:
            listed.append({"path": item[0], "low": item[1], "high": item[2]})
        else:
            raise TypeError(f"sensitivity: each input is {{'path': P, 'low': L, 'high': H}} or (path, low, high), "
                            f"not {item!r}")
    unknown = sorted(set(settings) - set(_SETTINGS))
    if unknown:
        raise TypeError(f"sensitivity: unknown setting {', '.join(unknown)}; expected one of {', '.join(_SETTINGS)}")
    body = {"inputs": listed, **{k: v for k, v in settings.items() if v is not None}}
    return json.dumps({"sensitivity": body}, indent=2, default=lambda v: v.item() if hasattr(v, "item") else str(v))


def sensitivity(study: "_core.Study", inputs: Union[PathLike, Iterable], *, method: Optional[str] = None,
                replications: Optional[int] = None, seed: Optional[int] = None, threads: int = 0,
                progress: Union[bool, Callable[[int, int], None]] = False, output: Optional[PathLike] = None,
                **settings) -> Sensitivity:
    """Runs a sensitivity analysis of a study as `leapsim sensitivity` does (docs/sensitivity.md).

    inputs is a sensitivity file (its path) or a list of {"path", "low", "high"} mappings (or
    (path, low, high) tuples), with the file's other keys as keyword arguments (trajectories,
    levels, samples, bootstrap, metrics, years, decision={"metric": ..., "year": ...}). method
    ("morris" or "sobol"), replications and seed replace the file's. The GIL is released while it
    runs and Ctrl-C stops it (KeyboardInterrupt). progress=True prints runs done on stderr; a
    callable receives (runs done, runs in total). With output, the file is also written there
    (atomically, never replacing a file). Bad inputs raise ScenarioError with the place of each
    problem.
    """
    if not isinstance(study, _core.Study):
        raise TypeError(f"sensitivity: study must be a leapsim.Study (from leapsim.load), not {type(study).__name__}")
    if isinstance(inputs, (str, os.PathLike)):
        if settings:
            raise TypeError("sensitivity: settings come from the file when inputs is a file; leave out "
                            + ", ".join(sorted(settings)))
        name = os.fspath(inputs)
        with open(name, encoding="utf-8") as f:
            text = f.read()
    else:
        name, text = "<leapsim.sensitivity inputs>", _settings_text(inputs, settings)
    callback = None
    if progress is True:
        import sys
        callback = lambda done, total: print(f"\rsensitivity: {done}/{total} runs", end="", file=sys.stderr)  # noqa: E731
    elif callable(progress):
        callback = progress
    tree = _core.sensitivity(study, text, name, method, seed, replications, int(threads), callback)
    if progress is True:
        import sys
        print(file=sys.stderr)  # ends the redrawn line
    if output is not None:
        tree.save(os.fspath(output), False)
    return Sensitivity(tree, os.fspath(output) if output is not None else study.source)


def open_sensitivity(path: PathLike) -> Sensitivity:
    """Reads a sensitivity file written by `leapsim sensitivity -o` or Sensitivity.save."""
    return Sensitivity(_core.open_sensitivity(os.fspath(path)), os.fspath(path))
