"""The letter's rounding rule, and the verification logic on small hand-made cases."""
from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import reference, verification
from analysis.params import Parameters
from analysis.dutch import getal
from analysis.rounding import half_up, largest_remainder, letter_rounding

FIG = reference.load_figures()


def test_half_up_rounds_halves_away_from_zero():
    assert half_up(0.5) == 1 and half_up(2.5) == 3 and half_up(2.675, 2) == 2.68
    assert math.isnan(half_up(float("nan")))


def test_largest_remainder_examples():
    assert largest_remainder([68.779, 28.598, 2.623]) == [69, 28, 3]  # plain rounding: 101
    assert largest_remainder([14.44, 0.431, 85.129]) == [15, 0, 85]  # plain rounding: 99
    assert largest_remainder([50.0, 50.0]) == [50, 50]


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=6))
@settings(max_examples=300, deadline=None)
def test_largest_remainder_adds_up_and_stays_within_one(counts):
    total = sum(counts)
    if total == 0:
        return
    shares = [100 * c / total for c in counts]
    rounded = largest_remainder(shares)
    assert sum(rounded) == 100
    assert all(abs(r - s) < 1 for r, s in zip(rounded, shares))


def test_the_rule_reproduces_every_printed_tabel5_percentage_from_the_printed_counts():
    """Largest remainder reproduces all 36 percentages of Tabel 5; plain rounding does not."""
    t5 = FIG[FIG["output"] == "tabel5"]
    plain_misses = 0
    for year in sorted(set(t5["rij"])):
        counts = [reference.lookup(FIG, "tabel5", year, k, "2024-05-01")["waarde"]
                  for k in ("voldaan", "ontheven", "nog_plichtig")]
        printed = [reference.lookup(FIG, "tabel5", year, k, "2024-05-01", "procent")["waarde"]
                   for k in ("voldaan", "ontheven", "nog_plichtig")]
        shares = [100 * c / sum(counts) for c in counts]
        assert largest_remainder(shares) == printed, year
        plain_misses += [half_up(s) for s in shares] != printed
    assert plain_misses == 2  # cohorts 2016 and 2023


def test_the_rule_reproduces_the_doelgroep_shares_and_the_wi2013_decimals():
    k = "kerncijfers_wi2021"
    counts = [reference.lookup(FIG, k, f"nog_plichtig_{g}", "totaal", "2024-05-01")["waarde"]
              for g in ("asiel", "gezin", "overig")]
    printed = [reference.lookup(FIG, k, f"nog_plichtig_{g}", "totaal", "2024-05-01", "procent")["waarde"]
               for g in ("asiel", "gezin", "overig")]
    shares = [100 * c / sum(counts) for c in counts]
    assert largest_remainder(shares) == printed
    assert half_up(shares[0]) != printed[0]  # 67.49 -> 67 with plain rounding; the letter has 68
    k13 = "kerncijfers_wi2013"
    total = reference.lookup(FIG, k13, "totaal", "totaal", "2024-05-01")["waarde"]
    statuses = ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")
    shares = [100 * reference.lookup(FIG, k13, s, "totaal", "2024-05-01")["waarde"] / total for s in statuses]
    printed = [reference.lookup(FIG, k13, s, "totaal", "2024-05-01", "procent")["waarde"] for s in statuses]
    assert [half_up(s, 1) for s in shares] == printed
    assert largest_remainder(shares, 1) != printed  # so not largest remainder here


def test_letter_rounding_groups_by_table():
    df = pd.DataFrame({"tabel": "tabel5", "peildatum": "2024-05-01", "rij": ["2016"] * 3,
                       "kolom": ["voldaan", "ontheven", "nog_plichtig"], "eenheid": "procent",
                       "waarde": [68.779, 28.598, 2.623]})
    assert letter_rounding(df).tolist() == [69, 28, 3]


# ---- verification on small hand-made cases ---------------------------------------------

def ref_rows(rows):
    base = {"peildatum": "2024-05-01", "precisie": "exact", "zoals_gedrukt": "", "regel": 1,
            "vindplaats": "test", "toelichting": ""}
    return pd.DataFrame([base | r for r in rows])


def run_table(name, rows):
    cols = ["tabel", "peildatum", "rij", "kolom", "eenheid", "waarde"]
    return pd.DataFrame([{"tabel": name, "peildatum": "2024-05-01"} | r for r in rows], columns=cols)


def test_verification_statuses():
    cols = [str(y) for y in range(2013, 2022)] + ["2022+"]
    fig = ref_rows([
        *({"output": "tabel6", "rij": "2024-04-01", "kolom": k, "peildatum": "2024-04-01", "eenheid": "aantal",
           "waarde": {"2013": 7, "2014": 40}.get(k, 0)} for k in cols),
        {"output": "tabel6", "rij": "2024-04-01", "kolom": "totaal", "peildatum": "2024-04-01", "eenheid": "aantal", "waarde": 50},
        {"output": "tabel2", "rij": "inburgeringsplichtig", "kolom": "2023-05-01", "peildatum": "2023-05-01",
         "eenheid": "aantal", "waarde": 24300, "precisie": "afgerond_honderdtallen"},
        {"output": "tabel2", "rij": "met_pip", "kolom": "2023-05-01", "peildatum": "2023-05-01",
         "eenheid": "aantal", "waarde": 10500, "precisie": "afgerond_honderdtallen"},
        {"output": "tabel2", "rij": "met_pip", "kolom": "2023-05-01", "peildatum": "2023-05-01",
         "eenheid": "procent", "waarde": 43, "precisie": "heel_procent"},
    ])
    t6 = run_table("tabel6", [{"rij": "2024-04-01", "kolom": k, "eenheid": "aantal",
                               "waarde": {"2013": 7, "2014": 41}.get(k, 0)} for k in cols]
                   + [{"rij": "2024-04-01", "kolom": "totaal", "eenheid": "aantal", "waarde": 48}])
    t2 = run_table("tabel2", [
        {"rij": "inburgeringsplichtig", "kolom": "2023-05-01", "eenheid": "aantal", "waarde": 24321},
        {"rij": "met_pip", "kolom": "2023-05-01", "eenheid": "aantal", "waarde": 10462},
        {"rij": "met_pip", "kolom": "2023-05-01", "eenheid": "procent", "waarde": 100 * 10462 / 24321}])
    v = verification.verify({("tabel6", "2024-04-01"): t6, ("tabel2", "2024-05-01"): t2}, figures=fig)
    status = {(r.tabel, r.rij, r.kolom, r.eenheid): r.status for r in v.itertuples()}
    assert status[("tabel6", "2024-04-01", "2013", "aantal")] == "gelijk"
    assert status[("tabel6", "2024-04-01", "2014", "aantal")] == "afwijking"
    # printed total 50 is not 7 + 40: the letter contradicts itself, whatever the data say
    assert status[("tabel6", "2024-04-01", "totaal", "aantal")] == "inconsistent_in_brief"
    note = v[(v.tabel == "tabel6") & (v.kolom == "totaal")]["toelichting"].iloc[0]
    assert "7 + 40" in note and "= 47" in note
    assert status[("tabel2", "inburgeringsplichtig", "2023-05-01", "aantal")] == "afgerond_gelijk"
    assert status[("tabel2", "met_pip", "2023-05-01", "procent")] == "afgerond_gelijk"
    assert verification.summary(v).startswith("Verificatie: 14 cijfers")


def test_a_percentage_no_rounding_of_the_printed_counts_gives():
    fig = ref_rows([
        {"output": "tabel4", "rij": "asiel_met_pip", "kolom": "2024-05-01", "eenheid": "aantal", "waarde": 200},
        {"output": "tabel4", "rij": "met_aanbod", "kolom": "2024-05-01", "eenheid": "aantal", "waarde": 100},
        {"output": "tabel4", "rij": "met_aanbod", "kolom": "2024-05-01", "eenheid": "procent", "waarde": 60}])
    broken = verification.letter_inconsistencies(fig)
    assert ("tabel4", "met_aanbod", "2024-05-01", "procent", "2024-05-01") in broken
    assert "100 / 200 = 50,00%" in broken[("tabel4", "met_aanbod", "2024-05-01", "procent", "2024-05-01")]


def test_a_figure_after_the_horizon_is_not_comparable_and_still_counted():
    fig = ref_rows([{"output": "tabel1", "rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": 1}])
    t1 = run_table("tabel1", [{"rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": 0}])
    horizon = pd.Timestamp("2020-01-01").date()
    for stand_per, words in ((horizon, "stand_per"), (None, "laatste gebeurtenis")):
        v = verification.verify({("tabel1", "2024-05-01"): t1}, figures=fig, horizon=horizon, stand_per=stand_per)
        assert len(v) == 1 and v["status"].iloc[0] == "niet_vergelijkbaar"  # not afwijking (0 against 1)
        assert "1 januari 2020" in v["toelichting"].iloc[0] and words in v["toelichting"].iloc[0]
        assert "1 niet vergelijkbaar" in verification.summary(v)
        assert sum(verification.not_comparable_reasons(v).values()) == 1
    # on or before the horizon the same cell is compared, and deviates
    v = verification.verify({("tabel1", "2024-05-01"): t1}, figures=fig, horizon=pd.Timestamp("2024-05-01").date())
    assert v["status"].iloc[0] == "afwijking"


def test_a_protected_cell_is_not_comparable_with_the_reason():
    fig = ref_rows([{"output": "tabel1", "rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": 1}])
    t1 = run_table("tabel1", [{"rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": float("nan")}])
    v = verification.verify({("tabel1", "2024-05-01"): t1}, figures=fig)
    assert v["status"].iloc[0] == "niet_vergelijkbaar" and "celbeveiliging" in v["toelichting"].iloc[0]


def test_the_letter_itself_has_exactly_one_inconsistency():
    broken = verification.letter_inconsistencies(FIG)
    key = ("tabel6", "2023-07-01", "totaal", "aantal", "2023-07-01")
    assert list(broken) == [key]
    cells = FIG[(FIG["output"] == "tabel6") & (FIG["rij"] == "2023-07-01") & (FIG["kolom"] != "totaal")]
    assert f"= {getal(cells['waarde'].sum())}" in broken[key]
