"""The notebooks: each runs top to bottom without an error, and each is committed stripped."""

import ast
import pathlib
import time

import nbformat
import pytest
from nbclient import NotebookClient

import leapsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["01-quickstart.ipynb", "02-compare-policies.ipynb", "03-calibrate.ipynb"]


def every_notebook_in_the_repository():
    skip = {".git", "build", ".ipynb_checkpoints", "node_modules"}
    return sorted(path for path in ROOT.rglob("*.ipynb") if not skip & set(path.relative_to(ROOT).parts))


def first_code_cell(notebook):
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


def test_the_notebooks_are_there():
    assert sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("path", every_notebook_in_the_repository(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_stripped_and_set_their_replications_first(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4 and notebook.metadata.kernelspec.name == "leapsim"
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: strip them"
            assert cell.execution_count is None, f"cell {index} has an execution count: strip it"
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    tree = ast.parse(first_code_cell(notebook).source)
    assigned = {target.id for node in tree.body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    assert "REPLICATIONS" in assigned, "the first code cell must set REPLICATIONS"
    assert tree.body and isinstance(tree.body[0], ast.Assign) and tree.body[0].targets[0].id == "REPLICATIONS"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_top_to_bottom(name, monkeypatch):
    # The kernel "leapsim" (registered by `make python-env`) runs .venv/bin/python, which finds the
    # build's package through a .pth file: no PYTHONPATH. No debugger warnings about frozen modules.
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="leapsim",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    seconds = time.perf_counter() - start
    print(f"{name}: {seconds:.1f} s")

    # The first cell imported the same leapsim as this process and found the repository from notebooks/.
    first = first_code_cell(notebook)
    text = "".join(output.get("text", "") for output in first.outputs if output.output_type == "stream")
    assert f"leapsim {leapsim.__version__} from {pathlib.Path(leapsim.__file__).resolve().parent}" in text, text
    assert f"repository: {ROOT};" in text, text
    assert not any(output.output_type == "error" for cell in notebook.cells for output in cell.get("outputs", []))
    assert seconds < 120, f"{name} took {seconds:.0f} s: keep REPLICATIONS small"
