"""The claims audit's logic on small hand-made tables: a claim that holds, one that fails,
one that cannot be tested; and the safety of the expression language."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.audit import claims, reference
from analysis.audit import claims_file
from analysis.core.params import Parameters


def table(name, rows):
    return pd.DataFrame([{"tabel": name, "peildatum": "2024-05-01", "eenheid": "aantal"} | r for r in rows],
                        columns=["tabel", "peildatum", "rij", "kolom", "eenheid", "waarde"])


@pytest.fixture
def ctx():
    t1 = table("tabel1", [{"rij": "haalbaar", "kolom": "b1_onderwijsroute", "waarde": 90},
                          {"rij": "haalbaar", "kolom": "z_route", "waarde": 10},
                          {"rij": "niet_haalbaar", "kolom": "b1_onderwijsroute", "waarde": float("nan")},
                          {"rij": "niet_haalbaar", "kolom": "z_route", "waarde": 30}])
    raw = t1.fillna(3)  # the same table before celbeveiliging emptied the cell
    return claims.Context(run_tables={"tabel1": t1}, params=Parameters(), raw_tables={"tabel1": raw})


def claim(**kw):
    base = {"id": "T1", "sectie": "2.1.4", "citaat": "c", "gepubliceerd": "90%", "lezing": "l", "eenheid": "procent"}
    return base | kw


def test_a_claim_that_holds(ctx):
    r = claims.evaluate_claim(claim(
        berekening="100 * cel('tabel1', 'haalbaar', 'b1_onderwijsroute') / (cel('tabel1', 'haalbaar', 'b1_onderwijsroute') + cel('tabel1', 'haalbaar', 'z_route'))",
        toets="afgerond(x) == 90"), ctx)
    assert r["status"] == "bevestigd" and r["berekend"] == "90%"
    assert "100 * 90 / (90 + 10) = 90" in r["toelichting"] and "Toets: afgerond(90) = 90" in r["toelichting"]


def test_a_claim_that_fails(ctx):
    r = claims.evaluate_claim(claim(berekening="cel('tabel1', 'haalbaar', 'z_route')", toets="x > 20"), ctx)
    assert r["status"] == "afwijkend" and "Toets: 10 > 20" in r["toelichting"]


def test_a_claim_that_cannot_be_tested(ctx):
    missing = claims.evaluate_claim(claim(berekening="cel('tabel1', 'niet_haalbaar', 'b1_onderwijsroute')",
                                          toets="x > 0"), ctx)
    assert missing["status"] == "niet_toetsbaar" and "afgeschermd door celbeveiliging" in missing["toelichting"]
    ctx.raw_tables = None  # no record of what was there: missing, not said to be protected
    missing = claims.evaluate_claim(claim(berekening="cel('tabel1', 'niet_haalbaar', 'b1_onderwijsroute')",
                                          toets="x > 0"), ctx)
    assert missing["status"] == "niet_toetsbaar" and "afgeschermd" not in missing["toelichting"]
    no_data = claims.evaluate_claim(claim(berekening="", reden="geen gegevens over gemeenten"), ctx)
    assert no_data["status"] == "niet_toetsbaar" and "gemeenten" in no_data["toelichting"]
    absent = claims.evaluate_claim(claim(berekening="cel('tabel9', 'a', 'b')", toets="x > 0"), ctx)
    assert absent["status"] == "niet_toetsbaar"


def test_helpers(ctx):
    ev = claims.Evaluator(ctx)
    assert ev.evaluate("grootste_rest([68.779, 28.598, 2.623])") == [69, 28, 3]
    assert ev.evaluate("strikt_dalend(3, 2, 1) and strikt_stijgend(1, 2, 3)") is True
    assert ev.evaluate("strikt_dalend(3, 3, 1)") is False
    assert ev.evaluate("peildatum") == "2024-05-01" and ev.evaluate("laatste_elip") == "2024-04-01"
    assert ev.evaluate("1 < 2 < 3") is True and ev.evaluate("1 < 3 < 2") is False


@pytest.mark.parametrize("expr", ["__import__('os')", "open('x')", "(1).__class__", "[x for x in (1, 2)]",
                                  "lambda: 1", "cel.__globals__", "2 ** 10"])
def test_nothing_but_the_language_runs(ctx, expr):
    with pytest.raises(ValueError):
        claims.Evaluator(ctx).evaluate(expr)


def test_deviating_claims_come_first():
    df = pd.DataFrame({"id": ["C1", "C2", "C3"], "sectie": "", "citaat": "", "gepubliceerd": "", "berekend": "",
                       "status": ["bevestigd", "afwijkend", "niet_toetsbaar"], "toelichting": ""})
    assert claims_file.ordered(df)["id"].tolist() == ["C2", "C3", "C1"]


def test_claims_against_the_letters_own_tables_need_no_run(ctx):
    printed = reference.lookup(reference.load_figures(), "tabel1", "haalbaar", "z_route", "2024-05-01")["waarde"]
    r = claims.evaluate_claim(claim(bron="brief", berekening="brief('tabel1', 'haalbaar', 'z_route')",
                                    toets=f"x == {int(printed)}", eenheid="aantal"), ctx)
    assert r["status"] == "bevestigd"


def test_a_computed_count_below_the_threshold_is_not_shown(ctx):
    """A difference of two shown cells can itself be a small count (10 - 10 + ... = 3)."""
    small = claim(berekening="cel('tabel1', 'niet_haalbaar', 'z_route') - 27", toets="x == 3", eenheid="aantal")
    ctx.celbeveiliging = 5
    r = claims.evaluate_claim(small, ctx)
    assert r["status"] == "niet_toetsbaar" and r["berekend"] == ""
    assert "afgeschermd door celbeveiliging" in r["toelichting"] and "27" not in r["toelichting"]
    ctx.celbeveiliging = 3  # at the threshold itself it is shown
    assert claims.evaluate_claim(small, ctx)["berekend"] == "3"
    ctx.celbeveiliging = 5  # a share is not a count
    assert claims.evaluate_claim(claim(berekening="1 + 1", toets="x == 2"), ctx)["berekend"] == "2%"


def test_a_cell_after_the_horizon_makes_the_claim_not_comparable():
    """A claim about 1 May 2023 that also reads a cell of 1 May 2024 (as 'stijgende lijn'
    does) cannot be judged on an extract drawn before 1 May 2024."""
    import datetime as dt

    from analysis.core.params import Parameters
    t2 = pd.DataFrame([{"tabel": "tabel2", "peildatum": "2024-05-01", "rij": "met_pip", "kolom": k,
                        "eenheid": "procent", "waarde": v} for k, v in (("2024-05-01", 42.0), ("2023-05-01", 43.0))])
    letter = Parameters(peildatum=dt.date(2024, 5, 1), vorige_peildatum=dt.date(2023, 5, 1))
    claim = {"id": "X", "sectie": "t", "peildatum": "2023-05-01", "citaat": "c", "lezing": "l",
             "berekening": "cel('tabel2', 'met_pip', vorige_peildatum, 'procent')",
             "toets": "afgerond(x) == 43 and cel('tabel2', 'met_pip', peildatum, 'procent') > x"}
    early = claims.Context(run_tables={"tabel2": t2}, params=letter, horizon=dt.date(2023, 10, 1),
                           stand_per=dt.date(2023, 10, 1))
    assert claims.evaluate_claim(claim, early)["status"] == "niet_vergelijkbaar"
    late = claims.Context(run_tables={"tabel2": t2}, params=letter, horizon=dt.date(2024, 5, 1))
    assert claims.evaluate_claim(claim, late)["status"] == "afwijkend"  # 42 is not above 43


def test_claims_quote_the_runs_statistics_only_when_they_were_made_at_the_letters_dates(tmp_path):
    """In a run at the letter's own dates the audit reads statistiek.csv instead of computing
    the statistics again; at any other P it must not (they speak of other dates)."""
    import dataclasses

    from analysis.core.run_files import STATISTIEK
    from analysis.interface.session import Session
    (tmp_path / STATISTIEK).write_text("analyse,kenmerk,toets,grootheid,waarde\nelip_groei,totaal,groei,verschil,7.0\n")
    letter = reference.letter_parameters()
    same = Session(extract=None, params=Parameters(), out=tmp_path)
    got = same._statistics_written_for(letter)
    assert got is not None and got["waarde"].tolist() == [7.0]
    other = Session(extract=None, params=dataclasses.replace(Parameters(), peildatum=letter.q), out=tmp_path)
    assert other._statistics_written_for(letter) is None
    interactive = Session(extract=None, params=Parameters(), out=None)
    assert interactive._statistics_written_for(letter) is None


# ---- the source of each claim (contract v1.2 section 5) ---------------------------------------

def test_claims_csv_has_the_contracts_columns_with_bron_after_status(ctx, tmp_path):
    assert claims_file.COLUMNS == ("id", "sectie", "peildatum", "citaat", "gepubliceerd", "berekend", "status", "bron",
                              "toelichting")
    on_extract = claim(berekening="cel('tabel1', 'haalbaar', 'z_route')", toets="x > 0", eenheid="aantal")
    on_letter = claim(id="T2", bron="brief", berekening="brief('tabel1', 'haalbaar', 'z_route')", toets="x > 0",
                      eenheid="aantal")
    df = claims.evaluate([on_extract, on_letter], ctx)
    assert df["bron"].tolist() == ["extract", "brief"]
    claims.write(df, tmp_path / "claims.csv")
    assert (tmp_path / "claims.csv").read_text().splitlines()[0] == ",".join(claims_file.COLUMNS)


def _toml(tmp_path, **kw):
    fields = {"id": "T1", "sectie": "1", "citaat": "c", "lezing": "l", "toets": "x > 0"} | kw
    path = tmp_path / "claims.toml"
    path.write_text("[[claim]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in fields.items()))
    return path


@pytest.mark.parametrize("bron,berekening", [
    ("brief", "cel('tabel1', 'haalbaar', 'z_route')"),  # says it needs no extract, but reads it
    ("brief", "brief('tabel1', 'haalbaar', 'z_route') + stat('a', 'b', 'c', 'd')"),
    ("extract", "brief('tabel1', 'haalbaar', 'z_route')"),  # counted as tested on the data, reads none
    ("run", "cel('tabel1', 'haalbaar', 'z_route')"),  # not a source the contract knows
])
def test_a_claims_source_must_be_true_of_what_it_reads(tmp_path, bron, berekening):
    with pytest.raises(ValueError, match="T1"):
        claims.load_claims(_toml(tmp_path, bron=bron, berekening=berekening))


def test_a_claim_whose_source_is_true_loads(tmp_path):
    for bron, berekening in (("extract", "cel('tabel1', 'haalbaar', 'z_route')"),
                             ("brief", "brief('tabel1', 'haalbaar', 'z_route')")):
        assert claims.source(claims.load_claims(_toml(tmp_path, bron=bron, berekening=berekening))[0]) == bron
    assert claims.source(claims.load_claims(_toml(tmp_path, berekening="cel('a', 'b', 'c')"))[0]) == "extract"


def test_the_shipped_claims_sources_are_true_of_what_they_read():
    loaded = claims.load_claims()
    assert {claims.source(c) for c in loaded} == set(claims_file.BRONNEN)


def test_a_letter_claim_keeps_its_verdict_at_any_horizon_and_on_any_extract(ctx):
    """A claim on the letter's own figures reads nothing of the extract: another extract, or
    one that ends before the date it speaks of, gives the same verdict and value."""
    import datetime as dt
    printed = reference.lookup(reference.load_figures(), "tabel1", "haalbaar", "z_route", "2024-05-01")["waarde"]
    c = claim(bron="brief", peildatum="2024-05-01", berekening="brief('tabel1', 'haalbaar', 'z_route')",
              toets=f"x == {int(printed)}", eenheid="aantal")
    full = claims.evaluate_claim(c, ctx)
    early = claims.Context(run_tables={}, params=Parameters(), horizon=dt.date(2020, 1, 1), stand_per=dt.date(2020, 1, 1))
    assert claims.evaluate_claim(c, early) == full
    assert full["status"] == "bevestigd" and full["bron"] == "brief"
    # an extract claim about the same date is not comparable on that early extract
    on_data = claims.evaluate_claim(claim(peildatum="2024-05-01", berekening="cel('tabel1', 'haalbaar', 'z_route')",
                                          toets="x > 0"), early)
    assert on_data["status"] == "niet_vergelijkbaar" and on_data["berekend"] == "" and on_data["bron"] == "extract"


def test_the_summary_never_counts_the_letters_own_arithmetic_as_confirmed_by_the_extract():
    df = pd.DataFrame({"id": ["C1", "C2", "C3", "C4", "C5"], "status": ["niet_vergelijkbaar", "bevestigd",
                       "bevestigd", "afwijkend", "niet_toetsbaar"],
                       "bron": ["extract", "extract", "brief", "brief", "extract"]})
    line = claims_file.summary(df)
    on_extract, on_letter = line.split("Getoetst aan dit extract: ")[1].split(" Alleen getoetst aan de eigen cijfers")
    assert on_extract.startswith("3 (1 bevestigd, 0 afwijkend, 1 niet toetsbaar, 1 niet vergelijkbaar)")
    assert "2 (1 kloppen binnen de brief, 1 tegenstrijdig in de brief)" in on_letter and "bevestigd" not in on_letter
    assert claims_file.ordered(df)["id"].tolist() == ["C1", "C5", "C2", "C4", "C3"]  # extract first, deviating first


def test_every_claim_speaks_of_the_latest_date_it_reads(synthetic):
    """`peildatum` is the date a claim speaks of: a sentence that compares two dates speaks of
    the later one (its conclusion is about then). Found by evaluating every claim with the
    lookups recorded: the date each cell speaks of, each cel_op date, the date of each
    printed figure read."""
    from analysis.definitions import registry

    letter = reference.letter_parameters()
    tables = registry.compute_all(synthetic, letter)
    figures = reference.load_figures()

    class Recording(claims.Context):
        def cel(self, tabel, rij, kolom, eenheid="aantal"):
            seen.add(registry.spec(tabel).measured_on(str(rij), str(kolom), self.params.peildatum.isoformat()))
            return super().cel(tabel, rij, kolom, eenheid)

        def cel_op(self, tabel, datum, rij, kolom, eenheid="aantal"):
            seen.add(datum)
            return super().cel_op(tabel, datum, rij, kolom, eenheid)

        def brief(self, tabel, rij, kolom, eenheid="aantal", peildatum=None):
            sel = figures[(figures["output"] == tabel) & (figures["rij"] == str(rij)) & (figures["kolom"] == str(kolom))
                          & (figures["eenheid"] == eenheid)]
            seen.add(peildatum or sel["peildatum"].iloc[0])
            return super().brief(tabel, rij, kolom, eenheid, peildatum)

    ctx = Recording(run_tables=tables, params=letter, extract=synthetic, figures=figures)
    checked = 0
    for c in claims.load_claims():
        if not c.get("berekening") or "stat(" in c["berekening"] + c["toets"]:
            continue  # no computation, or statistics (dated by their analysis, not by a cell)
        seen: set[str] = set()
        x = claims.Evaluator(ctx).evaluate(c["berekening"])
        claims.Evaluator(ctx, x).evaluate(c["toets"])
        assert c.get("peildatum") == max(seen), (c["id"], sorted(seen))
        checked += 1
    assert checked >= 25


def test_brief_reads_the_letters_figure_at_the_date_asked():
    """The letter prints nog_plichtig of the Wi2013 kerncijfers at three dates: brief() with a
    peildatum reads that date's figure, without one the first printed (checked against a
    pandas filter of the reference figures)."""
    fig = reference.load_figures()
    rows = fig[(fig["output"] == "kerncijfers_wi2013") & (fig["rij"] == "nog_plichtig") & (fig["kolom"] == "totaal")
               & (fig["eenheid"] == "aantal")]
    assert rows["waarde"].nunique() == len(rows) > 1
    ctx = claims.Context(run_tables={}, params=Parameters())
    for r in rows.itertuples():
        assert ctx.brief("kerncijfers_wi2013", "nog_plichtig", "totaal", "aantal", peildatum=r.peildatum) == r.waarde
    assert ctx.brief("kerncijfers_wi2013", "nog_plichtig", "totaal") == rows["waarde"].iloc[0]
    with pytest.raises(claims.Missing):
        ctx.brief("kerncijfers_wi2013", "nog_plichtig", "totaal", peildatum="1999-01-01")
