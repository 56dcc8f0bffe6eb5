"""The synthetic extract: deterministic, contract-conform, and reproducing the letter.

Back-test: every reference figure is reproduced (counts exactly, percentages as the letter
rounds, rounded counts within their rounding), the only mismatch being where the letter
contradicts itself. Targets come from the reference data: change one there, regenerate,
and the suite reproduces the changed figure.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest

from analysis import contract as C
from analysis import paths, reference, tables, verification
from analysis.outputs import cell
from analysis.params import Parameters
from analysis.statistics import analyses
from analysis.synth.generate import generate, load_assumptions, manifest
from analysis.validation import validate_extract


@pytest.fixture(scope="module")
def run_tables(synthetic):
    return tables.compute_all(synthetic, Parameters())


def test_backtest_every_printed_figure(synthetic, run_tables):
    v = verification.verify(run_tables, Parameters(), synthetic)
    counts = verification.counts(v)
    assert len(v) == len(reference.load_figures())  # every figure of the letter is checked
    assert counts["afwijking"] == 0, v[v.status == "afwijking"].to_string()
    broken = v[v.status == "inconsistent_in_brief"]
    assert broken[["tabel", "rij", "kolom"]].values.tolist() == [["tabel6", "2023-07-01", "totaal"]]
    exact = v[(v.eenheid == "aantal") & (v.precisie == "exact")]
    assert (exact.status.isin(["gelijk", "inconsistent_in_brief"])).all()


def test_earlier_peildata_of_the_text(synthetic):
    fig = reference.load_figures()
    nog = fig[(fig.output == "kerncijfers_wi2013") & (fig.rij == "nog_plichtig") & (fig.peildatum != "2024-05-01")]
    assert len(nog) == 2
    for r in nog.itertuples():
        k = tables.kerncijfers_wi2013(synthetic.wi2013, dt.date.fromisoformat(r.peildatum))
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
    from analysis.validation import looks_like_bsn
    import pyarrow as pa
    assert not looks_like_bsn(pa.array(synthetic.wi2013["persoon_id"].head(1000))).any()


def test_no_difference_planted_by_default(synthetic):
    st = analyses.compute(synthetic, Parameters(), tables.compute_all(synthetic, Parameters()))
    for k in analyses.KENMERKEN:
        assert analyses.value(st, "elip_samenstelling", k, "chi2", "p_holm") > 0.01


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
    res = tables.compute_all(ext, Parameters())
    new = reference.load_figures(path)
    for (o, r, k, e) in changes:
        want = reference.lookup(new, o, r, k, "2024-05-01" if o != "tabel6" else r, e)["waarde"]
        assert cell(res[o], r, k, e) == want
    v = verification.verify(res, Parameters(), ext, figures=new)
    assert verification.counts(v)["afwijking"] == 0, v[v.status == "afwijking"].to_string()


@pytest.mark.slow
def test_planted_difference_is_found(tmp_path):
    out = generate(tmp_path / "geplant", geplant_verschil=0.10)
    ext = validate_extract(out)
    st = analyses.compute(ext, Parameters(), tables.compute_all(ext, Parameters()))
    for k in analyses.KENMERKEN:
        d = analyses.value(st, "elip_samenstelling", k, "verschil", "schatting")
        assert d > 0.04, (k, d)
        assert analyses.value(st, "elip_samenstelling", k, "chi2", "p_holm") < 0.05
    # the letter's tables are untouched by the planted difference
    v = verification.verify(tables.compute_all(ext, Parameters()), Parameters(), ext)
    assert verification.counts(v)["afwijking"] == 0
