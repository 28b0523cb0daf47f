"""`leapsim report`, `leapsim export` and the plot of `leapsim backtest --plot`, run by the leapsim command as `python3 -m leapsim.cli`.

The C++ command checks the flags and passes them on unchanged; this module is also usable on its
own. Exit codes as the leapsim command's: 0 success, 1 an error reported as `leapsim: error: ...`,
2 a bad flag (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import leapsim

from . import terms

# The Debian package that provides each optional module the commands need.
_DEBIAN = {"jinja2": "python3-jinja2", "openpyxl": "python3-openpyxl", "matplotlib": "python3-matplotlib"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leapsim")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("report", "write the HTML report page"), ("export", "write an .xlsx or .csv file")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("results", help="results file (HDF5)")
        command.add_argument("-o", "--output", required=True, help="the file to write")
        command.add_argument("--lang", choices=terms.LANGUAGES, default=terms.DEFAULT_LANGUAGE)
        command.add_argument("--force", action="store_true", help="replace the output file if it exists")
        if name == "report":
            command.add_argument("--sensitivity", help="a sensitivity file of the same study (leapsim sensitivity -o)")
            command.add_argument("--backtest", help="a back-test table (leapsim backtest -o TABLE.csv)")
    plot = commands.add_parser("backtest-plot", help="draw a back-test table (CSV) as a PNG")
    plot.add_argument("table", help="back-test table (CSV, from leapsim backtest -o)")
    plot.add_argument("-o", "--output", required=True, help="the PNG to write")
    plot.add_argument("--lang", choices=terms.LANGUAGES, default=terms.DEFAULT_LANGUAGE)
    plot.add_argument("--force", action="store_true", help="replace the output file if it exists")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Runs one command; returns its exit code."""
    options = _parser().parse_args(argv)
    try:
        if options.command == "report":
            leapsim.report(options.results, options.output, options.lang, options.force, options.sensitivity,
                           options.backtest)
        elif options.command == "backtest-plot":
            leapsim.backtest_plot(options.table, options.output, options.lang, options.force)
        else:
            leapsim.export(options.results, options.output, options.lang, options.force)
    except ModuleNotFoundError as e:
        package = _DEBIAN.get((e.name or "").split(".")[0])
        if package is None:
            raise
        sys.stderr.write(f"leapsim: error: {options.command} needs the Python module {e.name}, which is not "
                         f"installed: install the Debian package {package} (scripts/install-deps.sh does)\n")
        return 1
    except leapsim.Error as e:
        sys.stderr.write(f"leapsim: error: {e}\n")
        return 1
    except OSError as e:
        sys.stderr.write(f"leapsim: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
