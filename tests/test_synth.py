"""The synthetic extract: deterministic, contract-conform, and reproducing the letter.

Back-test: every reference figure is reproduced (counts exactly, percentages as the letter
rounds, rounded counts within their rounding), the only difference being where the letter
contradicts itself. Targets come from the reference data: change one there, regenerate,
and the suite reproduces the changed figure.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest

from analysis.core import contract as C
from analysis.audit import verification_file
from analysis.core import paths
from analysis.audit import reference, verification
from analysis.definitions import registry
from analysis.definitions.outputs import cell
from analysis.core.params import Parameters
from analysis.statistics import analyses
from analysis.statistics import results as stats_results
from analysis.synth.generate import generate, load_assumptions, manifest
from analysis.extract.validation import validate_extract


@pytest.fixture(scope="module")
def run_tables(synthetic):
    return registry.compute_all(synthetic, Parameters())


def test_backtest_every_printed_figure(synthetic):
    v = verification.verify(verification.audit_tables(synthetic))
    counts = verification_file.counts(v)
    assert len(v) == len(reference.load_figures())  # every figure of the letter is checked
    # the only difference is where the letter contradicts itself: no extract can give both the
    # printed cells and the printed total (a difference first, contract v1.2)
    differing = v[v.status == "afwijking"]
    assert verification_file.also_inconsistent(differing).all(), differing.to_string()
    assert differing[["tabel", "rij", "kolom"]].values.tolist() == [["tabel6", "2023-07-01", "totaal"]]
    assert counts["inconsistent_in_brief"] == 0
    exact = v[(v.eenheid == "aantal") & (v.precisie == "exact")]
    assert (exact.status.isin(["gelijk"]) | verification_file.also_inconsistent(exact)).all()


def test_earlier_peildata_of_the_text(synthetic):
    fig = reference.load_figures()
    nog = fig[(fig.output == "kerncijfers_wi2013") & (fig.rij == "nog_plichtig") & (fig.peildatum != "2024-05-01")]
    assert len(nog) == 2
    for r in nog.itertuples():
        k = registry.compute("kerncijfers_wi2013", synthetic, Parameters(peildatum=dt.date.fromisoformat(r.peildatum)))
        assert cell(k, "nog_plichtig", "totaal") == r.waarde


def test_rounded_figures_are_not_simply_copied(run_tables):
    """Where the letter rounds, the generator picks a true count inside the rounding, and not
    the printed figure itself: a generator that copies the printed counts fails here. (The
    generator is deterministic, so no count lands on the printed figure by chance between
    runs.)"""
    fig = reference.load_figures()
    rounded = fig[(fig["eenheid"] == "aantal") & fig["precisie"].str.startswith("afgerond")]
    assert len(rounded) >= 4  # Tabel 2 and Tabel 4 at Q
    for r in rounded.itertuples():
        value = cell(run_tables[r.output], r.rij, r.kolom)
        lo, hi = reference.count_interval(r.waarde, r.precisie)
        assert lo <= value <= hi, (r.output, r.rij, r.kolom, value)
        assert value != r.waarde, (r.output, r.rij, r.kolom)


def test_extract_is_marked_synthetic_and_records_its_making(synthetic_extract):
    meta = json.loads((synthetic_extract / "extract.json").read_text())
    assert meta["synthetisch"] is True and meta["schema"] == C.SCHEMA
    assert meta["generator"]["seed"] == load_assumptions()["algemeen"]["seed"]
    assert "Geen gegevens van echte personen" in meta["bron"]


def test_identifiers_never_look_like_bsn(synthetic):
    from analysis.extract.validation import looks_like_bsn
    import pyarrow as pa
    assert not looks_like_bsn(pa.array(synthetic.wi2013["persoon_id"].head(1000))).any()


def test_no_difference_planted_by_default(synthetic):
    st = analyses.compute(synthetic, Parameters(), registry.compute_all(synthetic, Parameters()))
    for k in analyses.KENMERKEN:
        assert stats_results.value(st, "elip_samenstelling", k, "chi2", "p_holm") > 0.01


@pytest.mark.slow
def test_generation_is_byte_for_byte_deterministic(tmp_path):
    out = generate(tmp_path / "opnieuw")
    assert manifest(out) == paths.synthetic_manifest().read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_changed_reference_figure_is_reproduced(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    shutil.copytree(paths.reference_dir(), ref)
    path = ref / reference.FIGURES_FILE
    fig = pd.read_csv(path, dtype=str, keep_default_na=False)
    changes = {("tabel1", "haalbaar", "z_route", "aantal"): 1,  # one more Z-route despite 'haalbaar'
               ("tabel6", "2022-05-01", "2016", "aantal"): 10}  # ten more ELIP in cohort 2016
    for (o, r, k, e), delta in changes.items():
        sel = (fig.output == o) & (fig.rij == r) & (fig.kolom == k) & (fig.eenheid == e)
        fig.loc[sel, "waarde"] = [str(int(v) + delta) for v in fig.loc[sel, "waarde"]]
    fig.to_csv(path, index=False)
    monkeypatch.setenv("ANALYSIS_REFERENCE", str(ref))
    out = generate(tmp_path / "extract", reference=path)
    ext = validate_extract(out)
    res = registry.compute_all(ext, Parameters())
    new = reference.load_figures(path)
    for (o, r, k, e) in changes:
        want = reference.lookup(new, o, r, k, "2024-05-01" if o != "tabel6" else r, e)["waarde"]
        assert cell(res[o], r, k, e) == want
    v = verification.verify(verification.audit_tables(ext, figures=new), figures=new)
    differing = v[v.status == "afwijking"]  # only where the letter contradicts itself
    assert verification_file.also_inconsistent(differing).all(), differing.to_string()


@pytest.mark.slow
def test_planted_difference_is_found(tmp_path):
    out = generate(tmp_path / "geplant", geplant_verschil=0.10)
    ext = validate_extract(out)
    st = analyses.compute(ext, Parameters(), registry.compute_all(ext, Parameters()))
    for k in analyses.KENMERKEN:
        d = stats_results.value(st, "elip_samenstelling", k, "verschil", "schatting")
        assert d > 0.04, (k, d)
        assert stats_results.value(st, "elip_samenstelling", k, "chi2", "p_holm") < 0.05
    # the letter's tables are untouched by the planted difference
    v = verification.verify(verification.audit_tables(ext))
    differing = v[v.status == "afwijking"]  # only where the letter contradicts itself
    assert len(differing) == 1 and verification_file.also_inconsistent(differing).all(), differing.to_string()


# ---- the generator is independent of the code it is checked against --------------------

SUITE_CODE_UNDER_TEST = ("analysis.definitions.tables", "analysis.definitions.rounding")


def _imports(path, package: str) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved)."""
    import ast
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # from .. import tables
    return found


def test_generator_imports_neither_tables_nor_rounding():
    """A generator built with the suite's own table or rounding code would only show, in the
    back-test, that this code agrees with itself."""
    from pathlib import Path
    import analysis.synth.generate
    folder = Path(analysis.synth.generate.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert len(modules) >= 5
    for path in modules:
        bad = {m for m in _imports(path, "analysis.synth") for banned in SUITE_CODE_UNDER_TEST
               if m == banned or m.startswith(banned + ".")}
        assert not bad, f"{path.name} imports {bad}"


def test_import_scan_sees_relative_imports():
    from pathlib import Path
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "m.py"
        p.write_text("from ..definitions.tables import x\nfrom ..definitions import rounding\nimport analysis.definitions.tables\n")
        assert {"analysis.definitions.tables.x", "analysis.definitions.rounding", "analysis.definitions.tables"} <= _imports(p, "analysis.synth")


def test_generator_does_not_load_tables_or_rounding_at_all():
    """Not even indirectly, through another module it imports."""
    import subprocess
    import sys
    code = ("import sys, analysis.synth.generate; "
            f"print(sorted(m for m in sys.modules if m in {SUITE_CODE_UNDER_TEST!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_independent_rounding_worked_by_hand():
    from fractions import Fraction
    from analysis.synth.independent import exact, percent_half_up, percents_largest_remainder, round_half_up
    assert [percent_half_up(p, b) for p, b in ((1, 8), (3, 8), (1, 200), (1, 3), (0, 7), (7, 7))] == \
        [13, 38, 1, 33, 0, 100]
    assert round_half_up(Fraction(-5, 2)) == -3 and round_half_up(Fraction(5, 2)) == 3
    # the decimal as written: 0.145 is 14.5 percent (the binary float is a hair below)
    assert exact(0.145) == Fraction(145, 1000) and round_half_up(100 * exact(0.145)) == 15
    # 1/3 each: 33.33 -> 33 33 33, one point missing, to the earliest of the tied remainders
    assert percents_largest_remainder([1, 1, 1]) == [34, 33, 33]
    # 1/8, 3/8, 4/8 = 12.5, 37.5, 50: one point missing, the tie goes to the earlier
    assert percents_largest_remainder([1, 3, 4]) == [13, 37, 50]
    # 2/7, 2/7, 3/7 = 28.57, 28.57, 42.86 -> 28 28 42 +2: to the .86 and the first .57
    assert percents_largest_remainder([2, 2, 3]) == [29, 28, 43]
    assert percents_largest_remainder([0, 0]) == [0, 0]


def test_independent_elip_column():
    import numpy as np
    from analysis.synth.independent import elip_column
    assert elip_column(np.array([2013, 2021, 2022, 2030])).tolist() == ["2013", "2021", "2022+", "2022+"]


# ---- stand_per (contract v1.1) ---------------------------------------------------------

def test_synthetic_extract_stands_per_the_letters_peildatum(synthetic_extract, synthetic):
    meta = json.loads((synthetic_extract / "extract.json").read_text())
    assert meta["stand_per"] == C.DEFAULT_PEILDATUM.isoformat()
    assert synthetic.meta.stand_per == synthetic.meta.horizon == C.DEFAULT_PEILDATUM
    # and no event after it, looked up in the frames themselves
    latest = max(frame[c].max() for frame in (synthetic.wi2021, synthetic.wi2013, synthetic.leningen,
                                             synthetic.examens)
                 for c in frame.columns if c.startswith("datum"))
    assert latest.date() <= C.DEFAULT_PEILDATUM


def test_generator_refuses_an_event_after_stand_per():
    import pyarrow as pa
    from analysis.synth.draw import GeneratorError
    from analysis.synth.generate import check_stand_per
    ok = {"t": pa.table({"datum": pa.array([dt.date(2024, 5, 1)], pa.date32())})}
    check_stand_per(ok, dt.date(2024, 5, 1))
    late = {"t": pa.table({"datum": pa.array([None, dt.date(2024, 5, 2)], pa.date32())})}
    with pytest.raises(GeneratorError, match="t.datum"):
        check_stand_per(late, dt.date(2024, 5, 1))
