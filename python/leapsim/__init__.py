"""LeapSim: forecasts of a region's technology firms under innovation policy.

Load a study or scenario file, run it, and read the results::

    import leapsim
    study = leapsim.load("scenarios/congtai-2019.yaml")
    results = leapsim.run(study, replications=200)
    results.summary("htes")                    # mean, sd and quantiles per scenario and year
    results.compare(metric="htes", year=2025)  # alternatives against the base, paired
    results.targets()                          # probability of meeting each target
    results.save("congtai.h5")                 # the documented HDF5 layout
    leapsim.open("congtai.h5")                 # also files written by `leapsim run -o`
    leapsim.calibrate("fit.yaml", "fit.h5")   # a posterior by ABC-SMC (docs/calibration.md)
    leapsim.open_posterior("fit.h5")           # a calibration's weighted draws and diagnostics
    leapsim.report(results, "congtai.html")    # the page for the district leader (lang="zh" or "en")
    results.to_excel("congtai.xlsx")           # the workbook
    leapsim.scenario_keys(lang="zh")           # every scenario key with its unit, default and help
    leapsim.backtest_plot("bt.csv", "bt.png")  # a back-test table (leapsim backtest -o) as a PNG
    leapsim.sensitivity(study, "inputs.yaml")  # which assumptions drive the answer (docs/sensitivity.md)
"""

from ._core import (Cancelled, Error, ResultsError, Scenario, ScenarioError, SimulationError, Study, Target,
                    UsageError, __version__, check_file)
from .api import from_dict, load, open, run
from .results import Results
from .posterior import Posterior, calibrate, open_posterior
from . import plot  # leapsim.plot: matplotlib charts of Results; matplotlib is needed only to draw
from . import terms
from .html_report import report
from .workbook import export
from .backtest_plot import backtest_plot, read_backtest_table
from .keys import scenario_keys
from .sensitivity import Sensitivity, open_sensitivity, sensitivity

__all__ = ["load", "from_dict", "run", "open", "open_posterior", "calibrate", "Posterior", "check_file", "report", "export", "backtest_plot", "read_backtest_table", "scenario_keys", "sensitivity", "open_sensitivity", "Sensitivity", "Results", "Study", "Scenario", "Target", "Error", "UsageError",
           "ScenarioError", "SimulationError", "ResultsError", "Cancelled", "__version__"]
