"""Posterior files: the weighted draws of a calibration and what it fitted, as pandas tables.

The file is read and checked by the C++ reader (docs/output-format.md, "Posterior files"); this
module only shapes what it holds for analysts::

    post = leapsim.open_posterior("hebei.posterior.h5")
    post.parameters      # posterior mean, 90% interval, prior interval, identified or not
    post.figures         # each fitted figure against its posterior predictive mean and 90% band
    post.sample(200, seed=1)

    post = leapsim.calibrate("scenarios/hebei-2016.calibration.yaml", "hebei.posterior.h5")
"""

from __future__ import annotations

import os
from typing import Dict, List, Union

import numpy as np
import pandas as pd

from . import _core

PathLike = Union[str, "os.PathLike[str]"]


class Posterior:
    """A calibration's weighted particles with its priors, figures, diagnostics and inputs."""

    def __init__(self, tree: _core.ResultsTree, path: str):
        self._tree = tree
        self.path = path
        self.attrs: dict = tree.attributes("")
        self.settings: Dict[str, object] = dict(tree.attributes("settings"))
        """The method's settings (particles, seed, tolerances, kernel, ...), as stored."""
        self.seed: int = int(self.settings["seed"])
        self.method: str = self.attrs["method"]
        self.calibration_file: str = self.attrs["calibration_file"]
        self.calibration_text: str = self.attrs["calibration_text"]
        self.data_text: str = self.attrs["data_text"]
        self.scenario_text: str = self.attrs["scenario_text"]
        self.created_by: str = self.attrs["created_by"]
        self.stopped_by: str = self.attrs["stopped_by"]
        self.simulations: int = int(self.attrs["simulations"])

    def __repr__(self) -> str:
        return (f"<leapsim.Posterior '{self.path}': {len(self.weights)} particles x {len(self.names)} parameters, "
                f"{len(self.target_names)} figures, {len(self.generations)} generations>")

    # -- arrays --------------------------------------------------------------------------------
    @property
    def names(self) -> List[str]:
        """The parameter paths, in the order of the draws' columns."""
        return list(self._tree.dataset_attributes("draws")["names"])

    @property
    def target_names(self) -> List[str]:
        """The fitted figures' names, in the order of the summaries' columns."""
        return list(self._tree.dataset_attributes("targets")["names"])

    @property
    def weights(self) -> np.ndarray:
        """The particles' weights (sum 1), read-only."""
        return self._tree.array("weights")

    # -- tables --------------------------------------------------------------------------------
    @property
    def draws(self) -> pd.DataFrame:
        """One row per particle: a column per parameter, then `weight` and `distance`."""
        frame = pd.DataFrame(np.array(self._tree.array("draws")), columns=self.names)
        frame["weight"] = np.array(self.weights)
        frame["distance"] = np.array(self._tree.array("distances"))
        return frame

    @property
    def summaries(self) -> pd.DataFrame:
        """One row per particle: its simulated summary of each fitted figure."""
        return pd.DataFrame(np.array(self._tree.array("summaries")), columns=self.target_names)

    @property
    def generations(self) -> pd.DataFrame:
        """One row per generation: epsilon, attempts, simulations, acceptance rate, ESS."""
        return pd.DataFrame({k: np.array(v) for k, v in self._tree.table("generations").items()})

    @property
    def parameters(self) -> pd.DataFrame:
        """One row per parameter: mean, low, high (5% and 95%), prior_low, prior_high, width_ratio, identified."""
        frame = pd.DataFrame({k: np.array(v) for k, v in self._tree.table("parameters").items()})
        frame["identified"] = frame["identified"].astype(bool)
        frame.insert(0, "name", self.names)
        return frame

    @property
    def priors(self) -> pd.DataFrame:
        """One row per parameter: name, kind (uniform, log_uniform, normal), mean, sd, low, high."""
        frame = pd.DataFrame({k: np.array(v) for k, v in self._tree.table("priors").items()})
        frame.insert(0, "kind", list(self._tree.dataset_attributes("priors")["kinds"]))
        frame.insert(0, "name", self.names)
        return frame

    @property
    def figures(self) -> pd.DataFrame:
        """One row per fitted figure: what was observed and how it was read, then the weighted
        mean and 5% and 95% quantiles (the engine's weighted quantile) of the posterior
        predictive check (each particle re-simulated with a fresh seed, `/predictive`) and of
        the accepted summaries (`/summaries`, which lie within tolerance by construction)."""
        targets = self._tree.table("targets")
        frame = pd.DataFrame({"name": self.target_names,
                              "qualifier": list(self._tree.dataset_attributes("targets")["qualifiers"])})
        for column in ("value", "high", "relative_tolerance", "absolute_tolerance"):
            frame[column] = np.array(targets[column])
        weights = np.array(self.weights)
        sources = [("predictive", "predictive")] if self._has_array("predictive") else []
        for dataset, prefix in sources + [("summaries", "accepted")]:
            means, lows, highs = [], [], []
            for column in np.array(self._tree.array(dataset)).T:
                # A missing figure (NaN) is possible only in a generation of infinite tolerance.
                finite = np.isfinite(column)
                values, kept = column[finite], weights[finite]
                if kept.sum() > 0:
                    means.append(float(np.dot(values, kept) / kept.sum()))
                    lows.append(_core.weighted_quantile(values, kept, 0.05))
                    highs.append(_core.weighted_quantile(values, kept, 0.95))
                else:
                    means.append(np.nan)
                    lows.append(np.nan)
                    highs.append(np.nan)
            frame[f"{prefix}_mean"] = means
            frame[f"{prefix}_p05"] = lows
            frame[f"{prefix}_p95"] = highs
        return frame

    def _has_array(self, name: str) -> bool:
        return name in self._tree.datasets()

    # -- drawing -------------------------------------------------------------------------------
    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """n parameter rows drawn with replacement by weight, as a forecast draws them: a uniform
        u in [0, 1) (numpy's default_rng(seed)) picks the first particle whose cumulative weight
        exceeds u times the total (abc::draw_particle). The index is the particle's."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"sample: n must be a whole number of 0 or more, not {n!r}")
        weights = np.array(self.weights)
        cumulative = np.cumsum(weights)
        u = np.random.default_rng(seed).random(int(n))
        picked = np.searchsorted(cumulative, u * cumulative[-1], side="right")
        last_positive = int(np.flatnonzero(weights > 0)[-1])
        picked = np.minimum(picked, last_positive)
        draws = pd.DataFrame(np.array(self._tree.array("draws")), columns=self.names)
        return draws.iloc[picked]


def open_posterior(path: PathLike) -> Posterior:
    """Reads a posterior file (written by `leapsim calibrate -o`); raises leapsim.ResultsError
    naming the file and what is wrong for a damaged, foreign or results file."""
    shown = os.fspath(path)
    return Posterior(_core.read_posterior(shown), shown)


def calibrate(calibration: PathLike, output: PathLike | None = None, *, seed: int | None = None,
              threads: int = 0, cutoff: int | None = None, force: bool = False) -> Posterior:
    """Runs a calibration file by ABC-SMC as `leapsim calibrate` does (docs/calibration.md) and
    returns its posterior: `.draws` (a frame, one column per parameter plus weight and distance),
    `.generations`, `.parameters` and `.figures` are the diagnostics, `.left_out` the observed
    rows not fitted and why. `seed` replaces the file's method.seed, `cutoff` its up_to (a
    back-test's fit). With `output` the posterior is also written there (atomically; an existing
    file is replaced only with force=True, and only if it is a posterior file). Ctrl-C stops
    the run within a second or so and raises KeyboardInterrupt; nothing is written."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise TypeError(f"calibrate: seed must be a whole number of 0 or more, not {seed!r}")
    tree, left_out = _core.calibrate(os.fspath(calibration), seed, int(threads), cutoff)
    shown = os.fspath(output) if output is not None else os.fspath(calibration)
    if output is not None:
        _core.write_posterior(tree, os.fspath(output), bool(force))
    posterior = Posterior(tree, shown)
    posterior.left_out = pd.DataFrame(left_out, columns=["geography", "year", "metric", "value", "reason"])
    return posterior
