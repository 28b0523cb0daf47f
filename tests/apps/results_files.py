"""Reading results files for comparisons between runs, shared by the CLI tests."""

import h5py
import numpy as np

# Root attributes that may differ between two runs of the same inputs (provenance and timings).
RUN_DEPENDENT = {"created", "command_line", "run_seconds", "ranks", "hosts"}


def datasets(path):
    """Every dataset of a file as {path: (dtype, shape, bytes, attributes)}."""
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                found[name] = (data.dtype.str, data.shape, data.tobytes(),
                               {k: np.asarray(v).tolist() for k, v in obj.attrs.items()})
        f.visititems(visit)
    return found


def assert_same_results(one, two):
    """Two results files hold the same data bit for bit: every dataset (dtype, shape, bytes and
    attributes) and every attribute of the root and the scenarios except provenance."""
    a, b = datasets(one), datasets(two)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name
    with h5py.File(one, "r") as f, h5py.File(two, "r") as g:
        assert set(f.attrs) == set(g.attrs)
        for key in set(f.attrs) - RUN_DEPENDENT:
            assert np.asarray(f.attrs[key]).tolist() == np.asarray(g.attrs[key]).tolist(), key
        for s in f["scenarios"]:
            fa, ga = f[f"scenarios/{s}"].attrs, g[f"scenarios/{s}"].attrs
            assert set(fa) == set(ga), s
            for key in fa:
                assert np.asarray(fa[key]).tolist() == np.asarray(ga[key]).tolist(), (s, key)
    return a
