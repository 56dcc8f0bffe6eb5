"""The researcher's starting points: notebooks/verkenning.ipynb, the README's worked examples
("Verkennen vanuit Python"), and notebooks/eigen/, which the project's rules leave alone.

The notebook and the README run on the shipped synthetic extract with the derived cache in a
temporary folder, and must leave the repository as it was.
"""
from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import uuid

import nbformat
import pytest

from analysis.core import paths
from analysis.publication import plan
from analysis.audit import reference

ROOT = paths.project_root()
NOTEBOOK = ROOT / "notebooks" / "verkenning.ipynb"
SECTION = "## Verkennen vanuit Python"


def repository_state() -> tuple[str, list[str]]:
    """What git sees (tracked and untracked, ignored left out) and what notebooks/ and
    reports/ hold (an executed copy or a report would land there)."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    listed = sorted(str(p.relative_to(ROOT)) for folder in ("notebooks", "reports")
                    for p in (ROOT / folder).rglob("*") if "__pycache__" not in p.parts
                    and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("_eigen_test_"))
    return status, listed


def test_verkenning_is_not_run_by_a_run():
    assert NOTEBOOK.name in plan.NOT_RUN and NOTEBOOK.name not in plan.sources()


ANSWERS = {  # the start of each question's one-sentence answer, in Dutch dates and numbers
    0: (r"Op 1 januari 2024 hadden \d{1,3}(\.\d{3})* Wi2021", "Getoetst in 2023: ", "ELIP-groep: ",
        r"Mediane duur tot PIP \(dagen\): asiel \d"),
    # as its own comment advises before sharing: every cell still runs, and says what is withheld
    10: (r"Op 1 januari 2024 hadden (\d{1,3}(\.\d{3})*|een afgeschermd aantal) Wi2021", "ELIP-groep: ",
         r"Aandeel met PIP na 365 dagen: asiel (\d+%|afgeschermd)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("celbeveiliging", sorted(ANSWERS))
def test_verkenning_runs_on_the_shipped_extract_and_writes_nothing(synthetic_extract, tmp_path, monkeypatch,
                                                                    celbeveiliging):
    import papermill as pm

    from analysis.running.kernels import interpreter_first_on_path

    monkeypatch.setenv("ANALYSIS_DERIVED", str(tmp_path / "cache"))
    interpreter_first_on_path()
    before = repository_state()
    out = tmp_path / "verkenning.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False, log_output=False,
                        cwd=str(tmp_path), parameters={"celbeveiliging": celbeveiliging})
    assert repository_state() == before
    assert any((tmp_path / "cache").iterdir())  # the derived cache went where it was told
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][1:]
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code)
    text = "\n".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
    # each of the four questions prints its one-sentence answer
    for answer in ANSWERS[celbeveiliging]:
        assert re.search(answer, text), (answer, text)
    shown = "\n".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for c in code for o in c.outputs)
    assert "persoon_id" not in shown
    figures = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(figures) == 2  # the ELIP series and the durations


# ---- the README's worked examples -------------------------------------------------------------

def readme_examples() -> list[tuple[str, str | None]]:
    """(python code, the text block after it or None) for each python block of the section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end > 0 else None]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    out = []
    for i, (lang, body) in enumerate(blocks):
        if lang == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) and blocks[i + 1][0] == "text" else None
            out.append((body, after[1] if after else None))
    return out


def test_the_readme_section_has_a_worked_example_for_each_question():
    examples = readme_examples()
    code = "\n".join(c for c, _ in examples)
    assert len(examples) >= 5 and all(shown is not None for _, shown in examples)
    for call in ("open_extract(", "stand_per", ".tabel(", ".kruistabel(", ".duur(", ".mediaan(", "dagen=",
                 "uitkomsten="):
        assert call in code, call
    section = (ROOT / "README.md").read_text(encoding="utf-8").split(SECTION)[1].split("\n## ")[0]
    assert "min_at_risk=" in section  # the interface parameter is documented where the interface is


@pytest.mark.slow
def test_the_readme_examples_run_and_print_what_the_readme_shows(synthetic_extract, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DERIVED", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    before = repository_state()
    namespace: dict = {}
    for code, shown in readme_examples():
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own examples
        got = [line.rstrip() for line in printed.getvalue().strip().splitlines()]
        assert got == [line.rstrip() for line in shown.strip().splitlines()], code
    assert repository_state() == before


# ---- notebooks/eigen: the researcher's own -----------------------------------------------------

def test_a_notebook_in_eigen_does_not_make_the_project_rules_fail():
    """A notebook there that breaks every rule (outputs, no parameters cell, pandas, groupby,
    a published count, another kernel): the rule tests still pass, and the runner does not
    know it."""
    figures = reference.load_figures()
    count = int(next(v for v in figures[figures["eenheid"] == "aantal"]["waarde"] if 1000 <= v < 2013 or v > 2030))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import pandas as pd\n" + "\n".join(f"x{i} = {count}" for i in range(30))
                                     + "\npd.DataFrame().groupby")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", text="persoon_id 1\n")]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "iets-anders", "display_name": "x", "language": "python"}
    own = ROOT / "notebooks" / "eigen" / f"_eigen_test_{uuid.uuid4().hex}.ipynb"
    nbformat.write(nb, own)
    try:
        res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "tests/test_project.py",
                              "tests/test_packaging.py::test_make_lab_registers_the_kernel_the_notebooks_name"],
                             cwd=ROOT, capture_output=True, text=True)
        assert res.returncode == 0, res.stdout[-3000:]
        assert own.name not in plan.sources() and own.name not in plan.NOT_RUN
        ignored = subprocess.run(["git", "check-ignore", "-q", str(own)], cwd=ROOT)
        assert ignored.returncode == 0, "git must ignore a researcher's own notebook"
    finally:
        own.unlink()


def test_eigen_readme_is_committed_and_the_wheel_leaves_eigen_out():
    assert (ROOT / "notebooks" / "eigen" / "README.md").is_file()
    tracked = subprocess.run(["git", "check-ignore", "-q", "notebooks/eigen/README.md"], cwd=ROOT)
    assert tracked.returncode == 1  # not ignored
    assert "prune notebooks/eigen" in (ROOT / "MANIFEST.in").read_text()
    assert '"eigen"' in (ROOT / "setup.py").read_text()
