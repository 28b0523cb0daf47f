"""A saved results file rewritten into the layout an earlier version wrote: some metrics removed
from every scenario's metrics and summary groups and from every comparison."""

import h5py


def drop_metrics(path, scenarios, names):
    """Removes the metrics `names` from the file at `path`, for the scenarios listed (base first)."""
    with h5py.File(path, "a") as f:
        for scenario in scenarios:
            for group in ("metrics", "summary"):
                for name in names:
                    del f[f"scenarios/{scenario}/{group}/{name}"]
        for scenario in scenarios[1:]:
            for name in names:
                del f[f"comparisons/{scenario}/{name}"]
