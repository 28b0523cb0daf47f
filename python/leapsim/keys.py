"""Every scenario key as the schema declares it: type, unit, default with its source, range, help."""

from . import _core

_HELP = {"en": "help", "zh": "help_zh"}


def scenario_keys(lang="en"):
    """A pandas frame of every scenario key: section, key, type, unit, default, range, help.

    ``lang`` picks the language of the help column: "en" or "zh" (the same table as
    docs/scenario-format.md, generated from the parameter schema).
    """
    import pandas as pd

    if lang not in _HELP:
        raise ValueError(f"lang must be one of {sorted(_HELP)}, got {lang!r}")
    rows = _core.scenario_keys()
    frame = pd.DataFrame(rows, columns=["section", "key", "type", "unit", "default", "range", "help", "help_zh"])
    frame["help"] = frame[_HELP[lang]]
    return frame.drop(columns=["help_zh"])
