"""The claims audit's logic on small hand-made tables: a claim that holds, one that fails,
one that cannot be tested; and the safety of the expression language."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import claims, reference
from analysis.params import Parameters


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
    assert claims.ordered(df)["id"].tolist() == ["C2", "C3", "C1"]


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

    from analysis.params import Parameters
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

    from analysis.session import STATISTIEK, Session
    (tmp_path / STATISTIEK).write_text("analyse,kenmerk,toets,grootheid,waarde\nelip_groei,totaal,groei,verschil,7.0\n")
    letter = reference.letter_parameters()
    same = Session(extract=None, params=Parameters(), out=tmp_path)
    got = same._statistics_written_for(letter)
    assert got is not None and got["waarde"].tolist() == [7.0]
    other = Session(extract=None, params=dataclasses.replace(Parameters(), peildatum=letter.q), out=tmp_path)
    assert other._statistics_written_for(letter) is None
    interactive = Session(extract=None, params=Parameters(), out=None)
    assert interactive._statistics_written_for(letter) is None
