"""The table registry: one declaration per output, read by everything else.

The decisive test adds a toy table with one declaration and one count function, and shows
that computation, percentages, rounding, celbeveiliging, the letter's arithmetic, the date each
cell speaks of, layout, figure and workbook all handle it without another line of code.
"""
from __future__ import annotations

import ast
import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.core import contract as C
from analysis.audit import verification_file
from analysis.audit import claims_file
from analysis.core import paths
from analysis.audit import reference, verification
from analysis.definitions import registry
from analysis.core.params import Parameters
from analysis.definitions.registry import Share, Sum, TableSpec
from analysis.definitions.rounding import letter_rounding

SRC = Path(analysis.__file__).parent


# ---- a toy table, declared once -------------------------------------------------------

def _persons(*idx):
    m = np.zeros(12, dtype=bool)
    m[list(idx)] = True
    return m


def _toy_cells(extract, params):
    """Cells that the test chooses: a 2 x 2 table with a total column over 12 persons
    (counts 1, 2 | 3 and 5, 4 | 9)."""
    return [("a", "x", _persons(0)), ("a", "y", _persons(1, 2)), ("a", C.TOTAAL, _persons(0, 1, 2)),
            ("b", "x", _persons(3, 4, 5, 6, 7)), ("b", "y", _persons(8, 9, 10, 11)),
            ("b", C.TOTAAL, _persons(*range(3, 12)))]


TOY = TableSpec(
    name="toy", titel="Tabel 9 Speelgoed", paragraaf="§9", contract="test", wet="Wi2021",
    populatie="Niemand.", cellen="Twee rijen, twee kolommen en een totaal.", notebook="99_toy.ipynb",
    cells=_toy_cells,
    shares=(Share(C.EENHEID_PROCENT, lambda r, k: k != C.TOTAAL, lambda r, k, rows, cols: [(r, C.TOTAAL)]),),
    rounding_groups={C.EENHEID_PROCENT: lambda r, k: r},
    sums=lambda rows, cols: [Sum((("toy", r, C.TOTAAL),), (("toy", r, "x"), ("toy", r, "y")), "cellen")
                             for r in rows],
    rij_labels={"a": "Rij A", "b": "Rij B"}, kolom_labels={"x": "Kolom X", "y": "Kolom Y"},
)


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(registry.SPECS, "toy", TOY)
    return registry.compute("toy", None, Parameters())


def test_a_new_table_is_computed_with_its_declared_percentages(toy):
    got = {(r.rij, r.kolom, r.eenheid): r.waarde for r in toy.itertuples()}
    assert list(toy.columns) == list(C.OUTPUT_COLUMNS)
    assert got[("a", "x", "aantal")] == 1 and got[("b", C.TOTAAL, "aantal")] == 9
    assert got[("a", "x", "procent")] == 100 / 3 and got[("b", "y", "procent")] == 400 / 9
    assert ("a", C.TOTAAL, "procent") not in got


def test_a_new_table_is_rounded_as_declared(toy):
    rounded = dict(zip(zip(toy.rij, toy.kolom, toy.eenheid), letter_rounding(toy)))
    # row b: 55,56 / 44,44 -> 56 / 44 (largest remainder, adds up to 100)
    assert rounded[("b", "x", "procent")] + rounded[("b", "y", "procent")] == 100
    assert (rounded[("a", "x", "procent")], rounded[("a", "y", "procent")]) == (33, 67)


def test_a_new_table_is_protected_through_the_persons_of_its_cells(toy):
    from analysis.publication.pattern import Publication
    from analysis.publication.record import PRIMAIR, SECUNDAIR
    pub = Publication()
    pub.add(*registry.published("toy", None, Parameters()))
    pattern = pub.pattern(2)
    key = lambda r, k, e="aantal": registry.key_of("toy", Parameters().peildatum.isoformat(), r, k, e)  # noqa: E731
    # 1 < 2 is primary; row a then has one more cell hidden so that 1 = 3 - 2 cannot be done
    assert pattern.reasons[key("a", "x")].kind == PRIMAIR
    assert pattern.reasons[key("a", "y")].kind == SECUNDAIR
    assert pattern.hides(key("a", "x", "procent"))  # a percentage of a protected count
    assert not any(k.rij == "b" for k in pattern.reasons)


def test_the_letters_arithmetic_uses_the_declared_sums(monkeypatch):
    monkeypatch.setitem(registry.SPECS, "toy", TOY)
    fig = pd.DataFrame([{"output": "toy", "rij": "a", "kolom": k, "peildatum": "2024-05-01", "eenheid": "aantal",
                         "waarde": v, "precisie": "exact"} for k, v in (("x", 1), ("y", 2), (C.TOTAAL, 4))])
    broken = verification.letter_inconsistencies(fig)
    assert list(broken) == [("toy", "a", C.TOTAAL, "aantal", "2024-05-01")]
    assert "1 + 2 = 3" in broken[("toy", "a", C.TOTAAL, "aantal", "2024-05-01")]


def test_a_new_table_has_a_layout_a_figure_a_workbook_sheet_and_a_definition(toy, tmp_path):
    from analysis.presentation import excel, figures, letter_tables
    layout = letter_tables.layout("toy", toy)
    assert list(layout.index) == ["Rij A", "Rij B"]
    assert ("Kolom X", "Aantal") in list(layout.columns)
    assert layout.loc["Rij A", ("Kolom X", "Aantal")] == "1"
    fig = figures.figure("toy", toy)
    assert fig.axes and fig.axes[0].get_title(loc="left") == TOY.titel
    assert letter_tables.definition("toy")["populatie"] == "Niemand."
    assert "Tabel 9 Speelgoed" in letter_tables.title("toy", "2024-05-01")
    from openpyxl import Workbook
    ws = Workbook().active
    excel._long_sheet(ws, "toy", toy, set(), "2024-05-01")
    assert any("Rij A" in str(c.value) for row in ws.iter_rows() for c in row)


def test_a_run_holding_a_new_table_gets_its_report_page_and_workbook_without_presentation_code(
        toy, monkeypatch, tmp_path):
    """Adding a table is its declaration and its count function: the report page and the
    workbook of a run that holds it are built with no presentation code of its own. Fast: a
    run folder written by hand (the files the notebooks write), not by running them."""
    import types

    from openpyxl import load_workbook

    from analysis.definitions import outputs
    from analysis.running import provenance
    from analysis.core.run_files import RunFolder
    from analysis.running.runner import build_pages
    from analysis.statistics import results as stats_results
    monkeypatch.setattr(registry, "LETTER_OUTPUTS", registry.LETTER_OUTPUTS + ("toy",))
    params = Parameters()
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    outputs.write_named(toy, "toy", run / "tables")
    for name, columns in (("verificatie.csv", verification_file.COLUMNS), ("claims.csv", claims_file.COLUMNS),
                          ("statistiek.csv", stats_results.COLUMNS)):
        (run / name).write_text(",".join(columns) + "\n", encoding="utf-8")
    RunFolder(run).write_parameters({"derived": "", "uitvoer": str(run), **params.notebook_values()})
    cfg = types.SimpleNamespace(horizon=None, params=params, spreadsheet_nl=False, warnings=[], timings={})
    info = {"synthetisch": True, "generator": None, "bron": "een toets", "checksum": "0" * 64, "bestanden": {}}
    build_pages(run, provenance.collect(info, cfg, dt.datetime.now(dt.timezone.utc), tmp_path))
    page = (run / "index.html").read_text(encoding="utf-8")
    for words in ("Tabel 9 Speelgoed", "Rij A", "Kolom Y", "Niemand.", "Twee rijen, twee kolommen en een totaal."):
        assert words in page, words
    assert "<p></p>" not in page
    book = load_workbook(run / "tabellen.xlsx")
    assert any("Rij A" in str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)


# ---- the declarations themselves ------------------------------------------------------

def test_the_registry_declares_exactly_the_contracts_outputs():
    text = (paths.project_root() / "docs" / "contract.md").read_text(encoding="utf-8")
    section3 = text.split("## 3.")[1].split("## 4.")[0]
    named = re.findall(r"^\| ([a-z0-9_]+) \|", section3, re.M)
    assert [n for n in named if n != "output"] == list(registry.LETTER_OUTPUTS) == list(registry.OUTPUTS)
    section7 = text.split("## 7.")[1].split("## 8.")[0]
    assert re.findall(r"^- `([a-z0-9_]+)`", section7, re.M) == list(registry.MONITOR_OUTPUTS)
    assert all(registry.spec(n).monitor for n in registry.MONITOR_OUTPUTS)
    assert not any(registry.spec(n).monitor for n in registry.LETTER_OUTPUTS)


def test_a_table_declares_its_cells_and_a_monitor_output_none():
    with pytest.raises(ValueError):
        TableSpec(name="x", titel="x", paragraaf="", contract="", wet="", populatie="", cellen="", notebook="")
    with pytest.raises(ValueError):
        TableSpec(name="x", titel="x", paragraaf="", contract="", wet="", populatie="", cellen="", notebook="",
                  cells=_toy_cells, monitor=True)


def test_a_monitor_output_by_name_is_the_monitors_frame_and_the_registry_refuses_it(monkeypatch):
    """compute.output returns monitor.compute's frame as it is (no percentages added), with
    the parameters' peildatum and min_at_risk, unprotected: the run's pattern is applied by
    whoever shows it. The registry computes only the letter's tables."""
    from analysis.definitions import compute, monitor
    seen = []
    monkeypatch.setattr(monitor, "compute", lambda name, x, p, m: seen.append((name, p, m)) or "frame")
    params = Parameters(peildatum=dt.date(2023, 2, 1), celbeveiliging=7, min_at_risk=3)
    assert compute.output("duur_tot_pip_wi2021", None, params) == "frame"
    assert seen == [("duur_tot_pip_wi2021", dt.date(2023, 2, 1), 3)]
    with pytest.raises(ValueError, match="monitoroutput"):
        registry.compute("duur_tot_pip_wi2021", None, params)


@pytest.mark.slow  # the national-size extract; the same on random extracts: test_properties
@pytest.mark.parametrize("name", registry.OUTPUTS)
def test_every_declared_percentage_has_a_base_inside_its_table(name, synthetic):
    df = registry.compute(name, synthetic, Parameters())
    counts = {(r.rij, r.kolom): r.waarde for r in df[df.eenheid == "aantal"].itertuples()}
    for key, deps in registry.percentage_bases(name, df).items():
        assert all(d[1:] in counts for d in deps), key
        row = df[(df.rij == key[1]) & (df.kolom == key[2]) & (df.eenheid == key[3])]["waarde"].iloc[0]
        base = sum(counts[d[1:]] for d in deps[1:])
        assert (math.isnan(row) and base == 0) or row == 100 * counts[deps[0][1:]] / base


@pytest.mark.slow  # the national-size extract; the same on random extracts: test_properties
@pytest.mark.parametrize("name", registry.OUTPUTS)
def test_every_declared_sum_holds_on_the_synthetic_extract(name, synthetic):
    df = registry.compute(name, synthetic, Parameters())
    value = {(name, r.rij, r.kolom): r.waarde for r in df[df.eenheid == "aantal"].itertuples()}
    for s in registry.sums_of(name, df):
        assert sum(value[k] for k in s.totaal) == sum(value[k] for k in s.delen), s


@pytest.mark.slow  # the national-size extract; the same on random extracts: test_properties
def test_the_links_between_tables_hold(synthetic):
    tables = registry.compute_all(synthetic, Parameters())
    value = {(n, r.rij, r.kolom): r.waarde for n, df in tables.items()
             for r in df[df.eenheid == "aantal"].itertuples()}
    links = [s for link in registry.LINKS for s in link(tables)]
    assert len(links) == 6
    for s in links:
        assert sum(value[k] for k in s.totaal) == sum(value[k] for k in s.delen), s


def test_each_cell_speaks_of_its_declared_date():
    assert registry.spec("tabel2").measured_on("met_pip", "2023-05-01", "2024-05-01") == "2023-05-01"
    assert registry.spec("tabel6").measured_on("2022-10-15", "2020", "2024-05-01") == "2022-10-15"
    assert registry.spec("tabel5").measured_on("2016", "voldaan", "2024-05-01") == "2024-05-01"


def test_every_table_notebook_name_is_unique_and_numbered():
    names = [registry.spec(n).notebook for n in registry.LETTER_OUTPUTS]
    monitor = {registry.spec(n).notebook for n in registry.MONITOR_OUTPUTS}
    assert len(set(names)) == len(names) and len(monitor) == 1 and not monitor & set(names)
    bad = [n for n in names + sorted(monitor) if not re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n)]
    assert not bad, f"notebook: twee cijfers, '_', kleine letters, cijfers en '_', '.ipynb' (zoals 12_tabel7_x.ipynb): {bad}"


# ---- layers ---------------------------------------------------------------------------

MODULES = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
           for p in SRC.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Modules of the package a module imports, anywhere in it (inside functions too: an
    import on use is still a dependency, and so is one under `if TYPE_CHECKING:`: a type
    named from a module above is a circle in the design even when Python never runs it).
    `from . import tables` depends on the module `tables`, not on the package's __init__."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = path.relative_to(SRC.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("analysis")):
            mod = (".".join(list(pkg[: len(pkg) - node.level + 1]) + ([node.module] if node.module else []))
                   if node.level else node.module)
            for a in node.names:
                found.add(f"{mod}.{a.name}" if f"{mod}.{a.name}" in MODULES else mod)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("analysis"))
    return {m for m in found if m in MODULES}


def test_no_import_cycles_between_modules():
    graph = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): _imports(p)
             for p in SRC.rglob("*.py")}
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt == node or nxt not in graph:
                continue
            if state.get(nxt) == 1:
                raise AssertionError("importcyclus: " + " -> ".join(stack + [node, nxt]))
            if not state.get(nxt):
                visit(nxt, stack + [node])
        state[node] = 2
    for n in graph:
        if not state.get(n):
            visit(n, [])


def _layers() -> tuple[dict[str, int], dict[str, set[str]]]:
    """A file's layer: one above the highest file it imports (0: imports none of the package)."""
    graph = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): _imports(p)
             for p in SRC.rglob("*.py")}
    layer: dict[str, int] = {}

    def of(node: str) -> int:
        if node not in layer:
            layer[node] = 1 + max((of(d) for d in graph[node] if d != node), default=-1)
        return layer[node]
    for n in graph:
        of(n)
    return layer, graph


def test_the_import_graph_is_shallow():
    """Fewer than 10 layers (issue 18): a file that needs the whole suite beneath it is a sign
    that a reader of results imports the machinery that computed them. The message names the
    deepest file and its chain, to see which import to cut."""
    layer, graph = _layers()
    chain = [max(layer, key=layer.get)]
    while layer[chain[-1]]:
        chain.append(max((d for d in graph[chain[-1]] if d != chain[-1]), key=layer.get))
    assert len(chain) < 10, f"{len(chain)} lagen: " + " -> ".join(chain)


def _allowed_layers() -> dict[str, set[str]]:
    """Each layer's package says in its docstring which layers it may import ("May import:
    core, extract."); the docstring is the declaration and this test holds the code to it."""
    out = {}
    for init in sorted(SRC.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        line = re.search(r"May import: ([^.]*)\.", doc)
        assert line, f"{init.parent.name}/__init__.py zegt niet wat het mag importeren"
        out[init.parent.name] = set() if line.group(1).startswith("nothing") else set(re.split(r",\s*", line.group(1)))
    return out


def test_each_layer_imports_only_what_its_package_says():
    allowed = _allowed_layers()
    assert {"core", "extract", "definitions", "audit", "publication", "presentation"} <= set(allowed)
    assert all(layers <= set(allowed) for layers in allowed.values())
    offenders = []
    for path in SRC.rglob("*.py"):
        own = path.relative_to(SRC).parts[0] if len(path.relative_to(SRC).parts) > 1 else None
        if own is None:
            continue  # the entry points (cli, __main__, the package's own __init__) may use anything
        for m in _imports(path):
            layer = m.split(".")[1] if m.count(".") >= 1 else "analysis"
            if layer != own and layer not in allowed[own]:
                offenders.append(f"{path.relative_to(SRC)} -> {m}")
    assert offenders == []


def test_defaults_have_one_home():
    """No default value of Parameters is typed anywhere else in the library."""
    offenders = []
    for p in SRC.rglob("*.py"):
        if p.name in ("params.py",):
            continue
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            seed = re.search(rf"(?<!\d){Parameters.seed}(?!\d)", line)
            marge = "marge" in line and re.search(rf"(?<![\d.]){re.escape(repr(Parameters.marge))}(?!\d)", line)
            at_risk = (("min_at_risk" in line or "gevolgd" in line)
                       and re.search(rf"(?<![\d.]){Parameters.min_at_risk}(?![\d.])", line))
            if seed or marge or at_risk:
                offenders.append(f"{p.name}:{n}: {line.strip()}")
    for p in (paths.notebooks_dir()).glob("*.ipynb"):
        text = p.read_text(encoding="utf-8")
        if re.search(r"peildatum = \"\d{4}-", text) or "elip_drempel = 9" in text:
            offenders.append(p.name)
    assert offenders == []


# ---- the audit at the letter's own dates (contract section 5) ---------------------------

@pytest.mark.slow
def test_the_audit_gives_the_same_statuses_at_every_peildatum(synthetic):
    from analysis.interface.session import Session
    seen = {}
    for p in ("2024-05-01", "2023-10-01", "2022-03-01"):
        s = Session(extract=synthetic, params=Parameters(peildatum=dt.date.fromisoformat(p)), out=None)
        v, c = s.verification(), s.claims()
        seen[p] = (v[["tabel", "rij", "kolom", "peildatum", "eenheid", "status"]].values.tolist(),
                   c[["id", "peildatum", "status", "berekend"]].values.tolist())
    first = seen["2024-05-01"]
    assert len(first[0]) == len(reference.load_figures())  # no figure silently drops out
    assert all(v == first for v in seen.values())
    # C07 speaks of 1 May 2024 and is computed there, also in a run at 1 March 2022
    c07 = [r for r in first[1] if r[0] == "C07"][0]
    assert c07[1] == "2024-05-01" and c07[2] == "bevestigd"


# `make mutants` runs these tests on a copy of src/ (under mutants/) whose mutated functions
# import mutmut's trampoline: there, and only there, that import is the tool's, not ours
_MUTATION_TOOL = {"mutmut"} if "mutants" in SRC.parts else set()


def test_the_library_imports_no_package_that_only_the_tests_need():
    """pyproject's dev extra (pytest, hypothesis, lifelines, ...) is not installed with the
    package: an import of one of them in src/ breaks `pip install analysis` for a user."""
    import tomllib
    project = tomllib.loads((SRC.parent.parent / "pyproject.toml").read_text())["project"]
    name = lambda dep: re.split(r"[=<>\[ ]", dep)[0].lower().replace("-", "_")  # noqa: E731
    test_only = {name(d) for d in project["optional-dependencies"]["dev"]} - {name(d) for d in project["dependencies"]}
    used = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used |= {(a.name.split(".")[0], path.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                used.add((node.module.split(".")[0], path.name))
    assert "lifelines" in test_only
    assert sorted(f"{f}: {m}" for m, f in used if m.lower() in test_only and m not in _MUTATION_TOOL) == []


def test_every_package_the_library_imports_is_a_declared_dependency():
    """A package the library imports but that only arrives with another one (markupsafe with
    jinja2, IPython with ipykernel) is not pinned by us: the next release of the other may drop it."""
    import importlib.metadata
    import sys
    import tomllib
    project = tomllib.loads((SRC.parent.parent / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[=<>\[ ]", d)[0].lower().replace("_", "-") for d in project["dependencies"]}
    imported = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    dists = importlib.metadata.packages_distributions()
    third_party = sorted(m for m in imported if m not in sys.stdlib_module_names and m != "analysis"
                         and m not in _MUTATION_TOOL)
    assert {"pandas", "jinja2", "markupsafe"} <= set(third_party)
    missing = [m for m in third_party
               if not {d.lower().replace("_", "-") for d in dists.get(m, [m])} & declared]
    assert missing == []


def test_the_scripts_make_bench_runs_import_what_exists():
    """bench.py measures in fresh interpreters from code held in strings, which no import
    scan and no other test reads: a module moved or renamed fails here, not at `make bench`."""
    import importlib
    import importlib.util

    from analysis.running import bench
    scripts = {k: v for k, v in vars(bench).items() if k.startswith("MEASURE_") and isinstance(v, str)}
    assert len(scripts) >= 3
    for name, code in scripts.items():
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
                module = importlib.import_module(node.module)
                for a in node.names:
                    assert hasattr(module, a.name) or importlib.util.find_spec(f"{node.module}.{a.name}"), \
                        f"{name}: from {node.module} import {a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("analysis"):
                        importlib.import_module(a.name)
    # and the floor's empty notebooks import, by name, what each suite notebook imports
    for name in {m for ms in (bench.TABLE_IMPORTS, *bench.FLOOR_IMPORTS.values()) for m in ms}:
        importlib.import_module(name)


def test_every_file_name_of_a_run_folder_has_one_home():
    """run_files.py names every file of a run folder; no other module types one of those
    names (a renamed file would otherwise be written under one name and read under another)."""
    from analysis.core import run_files as F
    names = {v for k, v in vars(F).items() if k.isupper() and isinstance(v, str) and "." in v}
    assert {"index.html", "verificatie.csv", "celbeveiliging.csv"} <= names
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "run_files.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in names:
                if re.search(rf"[\"'/]{re.escape(name)}[\"']", line):
                    offenders.append(f"{path.relative_to(SRC)}:{n}: {name}")
    assert offenders == []


def test_a_cell_is_found_in_text_columns_of_any_kind_and_a_missing_label_matches_nothing():
    """outputs.cell compares plain arrays for speed; a label column read as pandas text, with
    a missing value, must neither fail nor match."""
    import math

    import pandas as pd

    from analysis.definitions.outputs import cell
    df = pd.DataFrame({"rij": ["a", None, "b"], "kolom": ["x", "x", "x"], "eenheid": ["aantal"] * 3,
                       "waarde": [1.0, 2.0, 3.0]})
    for frame in (df, df.astype({"rij": "string", "kolom": "category"}), df.astype({"rij": "string[pyarrow]"})):
        assert cell(frame, "b", "x") == 3.0 and cell(frame, "a", "x") == 1.0
        assert math.isnan(cell(frame, "c", "x")) and math.isnan(cell(frame, "b", "x", "procent"))
    assert math.isnan(cell(df.iloc[:0], "a", "x"))
