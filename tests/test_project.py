"""The project's own rules: pins in sync, notebooks thin and without outputs, published
figures only in data/reference, every notebook in the runner's list."""
from __future__ import annotations

import re
import tomllib

import nbformat
import pytest

from analysis.core import paths
from analysis.audit import reference
from analysis.publication import plan

ROOT = paths.project_root()


def pins_pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return dict(d.split("==") for d in deps)


def test_environment_yml_has_the_same_pins_as_pyproject():
    text = (ROOT / "environment.yml").read_text()
    pins = dict(re.findall(r"^\s*-\s*([A-Za-z0-9_.\-]+)==([^\s]+)\s*$", text, re.M))
    assert pins == pins_pyproject()
    assert "python=3.11" in text


def test_every_dependency_is_pinned_exactly_and_locked():
    for dep in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        assert "==" in dep, dep
    lock = dict(line.split("==") for line in (ROOT / "requirements.lock").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    lock = {k.lower().replace("_", "-"): v for k, v in lock.items()}
    for name, version in pins_pyproject().items():
        assert lock.get(name.lower()) == version, name


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "stored outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0], "first code cell must be the tagged parameters cell"
    body = "\n".join(c.source for c in code[1:])
    assert "import pandas" not in body and "groupby" not in body, "computation belongs in src/analysis"
    # a run's notebook narrates in a few calls; the researcher's starting point (not run) shows
    # four questions asked of the interface, each answered in a sentence that also says what
    # celbeveiliging withholds
    assert len(body.splitlines()) <= (30 if path.name in plan.NOT_RUN else 20)


def test_every_run_notebook_takes_every_run_parameter():
    """The runner passes Parameters.notebook_values() to every notebook: each is a variable of the
    parameters cell (None: the default) and reaches open_session, min_at_risk included."""
    from analysis.core.params import Parameters
    names = list(Parameters().notebook_values())
    assert "min_at_risk" in names
    for source in sorted(plan.sources()):
        nb = nbformat.read(ROOT / "notebooks" / source, as_version=4)
        cells = [c.source for c in nb.cells if c.cell_type == "code"]
        for name in names:
            assert re.search(rf"^{name} = None\b", cells[0], re.M), (source, name)
            assert f"{name}={name}" in "\n".join(cells[1:]), (source, name)


OWN = ROOT / "notebooks" / "eigen"  # a researcher's own notebooks: no rule of the project applies


def own_notebook(path) -> bool:
    return OWN in path.parents


def test_runner_knows_every_notebook():
    on_disk = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk - set(plan.NOT_RUN) == plan.sources()


PUBLISHED_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[._]\d{3})+|\d+)(?![\w]|[.,]\d)")


def number_literals(line: str) -> list[tuple[str, int]]:
    """Whole numbers in a line, also written with thousands separators (12.345, 12_345)."""
    return [(m, int(m.replace(".", "").replace("_", ""))) for m in PUBLISHED_NUMBER.findall(line)]


def test_number_literals_sees_every_way_of_writing_a_count():
    assert [v for _, v in number_literals("x = 12345; y = 12.345 en 12_345, 987")] == [12345] * 3 + [987]
    assert number_literals("0.0517 3.14 v2 x_1") == []


def test_published_figures_appear_only_in_the_reference_data():
    """No count of the letter as a literal in code or tests (they are read from data/reference):
    not plain, not with a thousands dot or underscore, and not below 1000. Counts below 100 are
    left out: they cannot be told apart from ordinary constants."""
    figures = reference.load_figures()
    published = {int(v) for v in figures[figures["eenheid"] == "aantal"]["waarde"] if v >= 100}
    offenders = []
    for folder in ("src", "tests", "notebooks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".ipynb", ".toml") or not path.is_file() or own_notebook(path):
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for text, v in number_literals(line):
                    if v in published and not (2013 <= v <= 2030):
                        offenders.append(f"{path.relative_to(ROOT)}:{n}: {text}")
    assert offenders == []


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme and "make report" in readme


def test_the_readme_points_only_at_files_a_clone_has():
    """Every document the README names is in the repository (it once linked
    ../shared/spec/CONTRACT.md, which lies outside any clone)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w./-]+\.md)`", text)) | set(re.findall(r"\]\(([^)#\s]+)\)", text))
    assert "docs/contract.md" in named
    for name in sorted(named):
        if re.match(r"^[a-z]+:", name):
            continue  # a web address
        path = (ROOT / name).resolve()
        assert ROOT.resolve() in path.parents and path.exists(), name


def test_a_run_imports_papermill_and_nbconvert_without_compiling_grammars():
    """The runner's process imports papermill (-> nbformat -> jsonschema) and nbconvert before
    its first kernel can start. jsonschema from 4.24 imports rfc3987-syntax when installed,
    which builds some 35 Earley parsers with lark at import: 1,6 s of a run's wall time on a
    2-core machine, for IRI checks no notebook schema uses. pyproject holds jsonschema below
    4.24 for it; this fails when a bump or a new dependency brings the import back."""
    import subprocess
    import sys
    code = ("import sys, papermill, nbconvert, nbformat; "
            "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
