"""The runner on fixture notebooks (tests/notebooks/), as papermill's own tests do: the plan is
an argument (`RunConfig.schedule`), so scheduling, parameters and failures are tested on two
small notebooks instead of copies of the production ones edited by cell number."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from analysis.core.errors import NotebookError
from analysis.core.params import Parameters
from analysis.core.run_files import RunFolder
from analysis.publication.plan import Job
from analysis.running.runner import RunConfig, run
from builders import earlier_output, valid_extract

FIXTURES = Path(__file__).parent / "notebooks"
pytestmark = pytest.mark.slow  # each notebook starts a kernel


def _tree(folder: Path) -> list[tuple[Path, bytes]]:
    return sorted((p.relative_to(folder), p.read_bytes() if p.is_file() else b"") for p in folder.rglob("*"))


def test_the_schedule_runs_each_notebook_after_what_it_needs_with_its_own_parameters(tmp_path):
    schedule = (Job("02_b.ipynb", "schrijft.ipynb", {"naam": "b"}, needs=("01_a.ipynb",)),
                Job("01_a.ipynb", "schrijft.ipynb", {"naam": "a"}),
                Job("03_c.ipynb", "schrijft.ipynb", {"naam": "c"}, needs=("02_b.ipynb",)))
    out = tmp_path / "uit"
    lines: list[str] = []
    pages = []  # the pages are made once, after every notebook, in the build folder

    def record(folder: Path, prov: dict) -> None:
        pages.append((folder, sorted(p.name for p in RunFolder(folder).notebooks.glob("*.ipynb"))))
    run(RunConfig(extract=valid_extract(tmp_path / "extract"), out=out, params=Parameters(), jobs=3,
                  notebooks_dir=FIXTURES, derived_root=tmp_path / "d", log=lines.append, schedule=schedule,
                  pages=record))
    assert len(pages) == 1 and pages[0][0] != out and pages[0][1] == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]
    # b waits for a although it comes first and three kernels are free; c waits for b
    assert (out / "volgorde.txt").read_text(encoding="utf-8") == "a\nb\nc\n"
    folder = RunFolder(out)
    assert sorted(p.name for p in folder.notebooks.glob("*.ipynb")) == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]
    executed = nbformat.read(folder.notebooks / "02_b.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'naam = "b"' in injected[0].source
    assert f'uitvoer = "{out.resolve()}"' in injected[0].source  # the final folder, not the build folder
    assert any("3/3 03_c.ipynb klaar" in line for line in lines)
    assert "02_b.ipynb na 01_a.ipynb" in folder.run_log.read_text(encoding="utf-8")


def test_relative_folders_reach_the_notebooks_as_absolute_paths(tmp_path, monkeypatch):
    """An analyst runs from the project folder with `--derived data/derived`; a researcher
    later re-executes the executed notebook in JupyterLab, whose working directory is the
    notebook's folder. A relative `derived` in its parameters cell then pointed nowhere."""
    monkeypatch.chdir(tmp_path)
    valid_extract(tmp_path / "extract")
    run(RunConfig(extract=Path("extract"), out=Path("uit"), params=Parameters(), notebooks_dir=FIXTURES,
                  derived_root=Path("d"), log=lambda *_: None, pages=lambda folder, prov: None,
                  schedule=(Job("01_a.ipynb", "schrijft.ipynb", {"naam": "a"}),)))
    folder = RunFolder(tmp_path / "uit")
    recorded = folder.read_parameters()
    assert Path(recorded["derived"]).is_absolute() and Path(recorded["derived"]).parent == (tmp_path / "d").resolve()
    executed = nbformat.read(folder.notebooks / "01_a.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f'derived = "{recorded["derived"]}"' in injected.source


def test_a_failing_notebook_names_notebook_cell_and_error_and_leaves_out_untouched(tmp_path):
    schedule = (Job("01_a.ipynb", "schrijft.ipynb", {"naam": "a"}),
                Job("02_fout.ipynb", "faalt.ipynb", {"naam": "b"}, needs=("01_a.ipynb",)))
    out = earlier_output(tmp_path / "uit")
    before = _tree(out)
    with pytest.raises(NotebookError) as info:
        run(RunConfig(extract=valid_extract(tmp_path / "extract"), out=out, params=Parameters(),
                      notebooks_dir=FIXTURES, derived_root=tmp_path / "d", log=lambda *_: None,
                      schedule=schedule))
    msg = info.value.user_message()
    # the cell by its execution count (papermill's injected parameters count too) and its first line
    assert "02_fout.ipynb" in msg and 'cel 3 ("raise RuntimeError(' in msg and "RuntimeError: kapot met opzet: b" in msg, msg
    assert _tree(out) == before
    assert not list(tmp_path.glob(".uit.*"))  # no build folder, no lock left behind


@pytest.mark.skipif(__import__("os").name != "posix", reason="Unix sockets only where there are Unix sockets")
def test_kernels_talk_over_sockets_of_their_own(tmp_path):
    """Three kernels starting at once raced for TCP ports ('Address already in use', and a
    notebook failed with 'Kernel died before replying to kernel_info'): each kernel now has
    Unix sockets named after it alone."""
    from analysis.running.kernels import quiet_kernel_manager
    cls = quiet_kernel_manager(tmp_path / "kernels.log")
    a, b = cls(kernel_name="python3"), cls(kernel_name="python3")
    assert a.transport == b.transport == "ipc" and a.ip != b.ip


@pytest.mark.parametrize("started_by_the_run", [True, False])
def test_a_runs_kernel_freezes_what_survives_each_cell_and_no_other_kernel_does(tmp_path, monkeypatch, started_by_the_run):
    """The collector walked the kernel's whole heap (IPython, pandas, matplotlib) at every
    full collection: a run's kernels freeze what survives each cell
    (running/kernel_heap.py). A kernel started otherwise (JupyterLab) is left alone."""
    import os
    import sys

    import papermill as pm

    from analysis.running.kernels import quiet_kernel_manager
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import gc\nkept = [[] for _ in range(1000)]\nbefore = gc.get_freeze_count()"),
                nbformat.v4.new_code_cell("print(gc.get_freeze_count() - before, any(o is kept for o in gc.get_objects()))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "k.ipynb")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    manager = {"kernel_manager_class": quiet_kernel_manager(tmp_path / "kernels.log")} if started_by_the_run else {}
    pm.execute_notebook(str(tmp_path / "k.ipynb"), str(tmp_path / "uit.ipynb"), kernel_name="python3",
                        progress_bar=False, **manager)
    printed = nbformat.read(tmp_path / "uit.ipynb", as_version=4).cells[1].outputs[0].text.split()
    frozen, still_watched = int(printed[0]), printed[1] == "True"
    if started_by_the_run:  # everything alive after the first cell, `kept` with it, is frozen
        assert frozen >= 1000 and not still_watched
    else:
        assert frozen == 0 and still_watched


def test_a_runs_kernel_ended_at_once_leaves_no_socket_or_connection_file_behind(tmp_path, monkeypatch):
    """A run's kernels are killed after their last cell rather than asked to clean up
    (kernels.papermill_options says why). Killing must not leak what a kernel is reached by:
    its Unix sockets in the temporary folder and its connection file in Jupyter's runtime
    folder, one set per notebook, for every run on a researcher's machine."""
    import os
    import shutil
    import sys
    import tempfile

    import papermill as pm

    from analysis.running.kernels import papermill_options
    sockets = Path(tempfile.mkdtemp(prefix="k"))  # a socket's path has at most about 100 bytes
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sockets))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('klaar')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "k.ipynb")
    options = papermill_options(tmp_path / "kernels.log")
    assert options["shutdown_kernel"] == "immediate"
    try:
        pm.execute_notebook(str(tmp_path / "k.ipynb"), str(tmp_path / "uit.ipynb"), **options)
        left = sorted(p.name for p in sockets.iterdir()), sorted(p.name for p in runtime.iterdir())
    finally:
        shutil.rmtree(sockets)
    assert nbformat.read(tmp_path / "uit.ipynb", as_version=4).cells[0].outputs[0].text == "klaar\n"
    assert left == ([], [])


def test_a_kernel_runs_where_the_temporary_folder_is_too_deep_for_a_unix_socket(tmp_path, monkeypatch):
    """A socket's path holds at most 103 bytes (macOS): under a deeper temporary folder no
    Unix socket could be made and the notebook failed before its first cell (ZMQError 'File
    name too long'). There the kernel talks over TCP instead, and the notebook runs."""
    import os
    import sys
    import tempfile

    import papermill as pm

    from analysis.running.kernels import SOCKET_PATH_MAX, papermill_options, quiet_kernel_manager
    deep = tmp_path / ("t" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    assert len(str(deep)) + len("/analysis-kernel-") + 32 + 2 > SOCKET_PATH_MAX
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    assert quiet_kernel_manager(tmp_path / "kernels.log")(kernel_name="python3").transport == "tcp"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('klaar')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "k.ipynb")
    pm.execute_notebook(str(tmp_path / "k.ipynb"), str(tmp_path / "uit.ipynb"), **papermill_options(tmp_path / "kernels.log"))
    assert nbformat.read(tmp_path / "uit.ipynb", as_version=4).cells[0].outputs[0].text == "klaar\n"
