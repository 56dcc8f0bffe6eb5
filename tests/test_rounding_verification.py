"""The letter's rounding rule, and the verification logic on small hand-made cases."""
from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.audit import reference, verification
from analysis.audit import verification_file
from analysis.core.dutch import getal
from analysis.definitions.rounding import half_up, largest_remainder, letter_rounding, with_letter_rounding

FIG = reference.load_figures()


def test_half_up_rounds_halves_away_from_zero():
    assert half_up(0.5) == 1 and half_up(2.5) == 3 and half_up(2.675, 2) == 2.68
    assert math.isnan(half_up(float("nan")))


def test_largest_remainder_examples():
    assert largest_remainder([68.779, 28.598, 2.623]) == [69, 28, 3]  # plain rounding: 101
    assert largest_remainder([14.44, 0.431, 85.129]) == [15, 0, 85]  # plain rounding: 99
    assert largest_remainder([50.0, 50.0]) == [50, 50]


def test_largest_remainder_at_one_decimal_and_its_fallbacks():
    # floors 33,3 + 33,3 + 33,3 = 99,9: one tenth to the largest remainder (0,04)
    assert largest_remainder([33.33, 33.33, 33.34], 1) == [33.3, 33.3, 33.4]
    # shares that do not make up 100: each rounded half-up, at the asked precision
    assert largest_remainder([50.5, 50.0]) == [51, 50]
    assert largest_remainder([50.55, 50.0], 1) == [50.6, 50.0]
    # an undefined share: the others half-up, the undefined one stays undefined
    out = largest_remainder([None, 40.5, 59.5])
    assert math.isnan(out[0]) and out[1:] == [41, 60]
    out = largest_remainder([40.55, float("nan"), 59.45], 1)
    assert out[0] == 40.6 and math.isnan(out[1]) and out[2] == 59.5


def test_with_letter_rounding_adds_a_column_and_leaves_the_values():
    df = pd.DataFrame({"tabel": "tabel5", "peildatum": "2024-05-01", "rij": ["2016"] * 3,
                       "kolom": ["voldaan", "ontheven", "nog_plichtig"], "eenheid": "procent",
                       "waarde": [68.779, 28.598, 2.623]})
    out = with_letter_rounding(df)
    assert out["afgerond"].tolist() == [69, 28, 3]
    assert out["waarde"].tolist() == [68.779, 28.598, 2.623] and "afgerond" not in df


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


def long_frame(tabel, cells):
    """A hand-built long-format output: cells = [(rij, kolom, eenheid, waarde), ...]."""
    return pd.DataFrame([{"tabel": tabel, "peildatum": "2024-05-01", "rij": r, "kolom": k, "eenheid": e,
                          "waarde": v} for r, k, e, v in cells])


def rounded(tabel, cells):
    df = long_frame(tabel, cells)
    return dict(zip(zip(df["rij"], df["kolom"], df["eenheid"]), letter_rounding(df).tolist()))


# Each group below is built so that three rules give three different answers: the letter's
# (largest remainder within the group), plain half-up rounding, and largest remainder over
# a wrong group. Every expected figure is worked out by hand in the comment beside it.

def test_tabel1_column_percentages_add_up_per_column():
    out = rounded("tabel1", [
        ("haalbaar", "b1_onderwijsroute", "aantal", 101),
        ("haalbaar", "b1_onderwijsroute", "procent_kolom", 50.5),
        ("niet_haalbaar", "b1_onderwijsroute", "procent_kolom", 49.5),
        ("haalbaar", "z_route", "procent_kolom", 12.5),
        ("niet_haalbaar", "z_route", "procent_kolom", 87.5)])
    # b1: floors 50 + 49 = 99, one point to the first of two equal remainders: 51 / 49
    # (half-up: 51 / 50 = 101); z: floors 12 + 87, one point to the first: 13 / 87 (half-up 88)
    assert out[("haalbaar", "b1_onderwijsroute", "procent_kolom")] == 51
    assert out[("niet_haalbaar", "b1_onderwijsroute", "procent_kolom")] == 49
    assert out[("haalbaar", "z_route", "procent_kolom")] == 13
    assert out[("niet_haalbaar", "z_route", "procent_kolom")] == 87
    assert out[("haalbaar", "b1_onderwijsroute", "aantal")] == 101  # counts pass through


def test_tabel1_row_percentages_add_up_per_row():
    out = rounded("tabel1", [
        ("haalbaar", "b1_onderwijsroute", "procent_rij", 62.5),
        ("haalbaar", "z_route", "procent_rij", 37.5),
        ("niet_haalbaar", "b1_onderwijsroute", "procent_rij", 20.5),
        ("niet_haalbaar", "z_route", "procent_rij", 79.5)])
    # haalbaar: floors 62 + 37 = 99 -> 63 / 37 (half-up 63 / 38); niet_haalbaar: 21 / 79 (half-up 80).
    # Grouped by column instead (62,5 + 20,5 = 83): no sum of 100, so half-up: 38 and 80.
    assert [out[(r, k, "procent_rij")] for r in ("haalbaar", "niet_haalbaar")
            for k in ("b1_onderwijsroute", "z_route")] == [63, 37, 21, 79]


def test_tabel3_percentages_add_up_per_column():
    cells = []
    for route, (asiel, gezin, overig, totaal) in {"b1": (33.5, 10.4, 50.0, 40.0),
                                                   "onderwijs": (33.5, 20.3, 25.0, 30.0),
                                                   "z": (33.0, 69.3, 25.0, 30.0)}.items():
        for kolom, v in zip(("asiel", "gezin", "overig", "totaal"), (asiel, gezin, overig, totaal)):
            cells.append((route, kolom, "procent", v))
    out = rounded("tabel3", cells)
    # asiel: floors 33 + 33 + 33 = 99, one point to the first 0,5: 34 / 33 / 33 (half-up 34 / 34 / 33)
    assert [out[(r, "asiel", "procent")] for r in ("b1", "onderwijs", "z")] == [34, 33, 33]
    # gezin: floors 10 + 20 + 69 = 99, one point to the largest remainder 0,4: 11 / 20 / 69 (half-up 10)
    assert [out[(r, "gezin", "procent")] for r in ("b1", "onderwijs", "z")] == [11, 20, 69]
    assert [out[(r, "overig", "procent")] for r in ("b1", "onderwijs", "z")] == [50, 25, 25]


def test_tabel5_percentages_add_up_per_row():
    out = rounded("tabel5", [
        ("2016", "voldaan", "procent", 68.779), ("2016", "ontheven", "procent", 28.598),
        ("2016", "nog_plichtig", "procent", 2.623),
        ("2017", "voldaan", "procent", 14.44), ("2017", "ontheven", "procent", 0.43),
        ("2017", "nog_plichtig", "procent", 85.13)])
    # 2016: floors 68 + 28 + 2 = 98, two points to 0,779 and 0,623: 69 / 28 / 3 (half-up 69 / 29 / 3)
    # 2017: floors 14 + 0 + 85 = 99, one point to 0,44: 15 / 0 / 85 (half-up 14 / 0 / 85)
    assert [out[("2016", k, "procent")] for k in ("voldaan", "ontheven", "nog_plichtig")] == [69, 28, 3]
    assert [out[("2017", k, "procent")] for k in ("voldaan", "ontheven", "nog_plichtig")] == [15, 0, 85]


def test_kerncijfers_wi2021_doelgroep_shares_add_up_and_single_shares_round_half_up():
    out = rounded("kerncijfers_wi2021", [
        ("nog_plichtig", "totaal", "procent", 2.5),
        ("nog_plichtig_asiel", "totaal", "procent", 55.46),
        ("nog_plichtig_gezin", "totaal", "procent", 40.47),
        ("nog_plichtig_overig", "totaal", "procent", 4.07),
        ("met_pip", "totaal", "procent", 64.5)])
    # doelgroepen: floors 55 + 40 + 4 = 99, one point to the largest remainder 0,47: 55 / 41 / 4
    # (half-up 55 / 40 / 4 = 99); single shares half-up: 2,5 -> 3 and 64,5 -> 65
    assert [out[(f"nog_plichtig_{g}", "totaal", "procent")] for g in ("asiel", "gezin", "overig")] == [55, 41, 4]
    assert out[("nog_plichtig", "totaal", "procent")] == 3
    assert out[("met_pip", "totaal", "procent")] == 65


def test_kerncijfers_wi2013_one_decimal_half_up_not_forced_to_100():
    rows = ("ingeburgerd", "ontheven", "vrijgesteld", "nog_plichtig")
    out = rounded("kerncijfers_wi2013", [(r, "totaal", "procent", v)
                                         for r, v in zip(rows, (40.25, 30.35, 9.15, 20.25))])
    # half-up to one decimal: 40,3 / 30,4 / 9,2 / 20,3 = 100,2; largest remainder would give
    # 40,3 / 30,4 / 9,1 / 20,2; whole percents would give 40 / 30 / 9 / 20
    assert [out[(r, "totaal", "procent")] for r in rows] == [40.3, 30.4, 9.2, 20.3]


def test_single_shares_of_tabel2_and_tabel4_round_half_up():
    assert rounded("tabel2", [("met_pip", "2023-05-01", "procent", 42.5)])[
        ("met_pip", "2023-05-01", "procent")] == 43
    out = rounded("tabel4", [("met_aanbod", "2024-05-01", "procent", 64.5),
                             ("met_aanbod", "2023-05-01", "procent", 35.5)])
    # alone, each rounded half-up: 65 and 36 (together to 100 they would have been 65 / 35)
    assert out[("met_aanbod", "2024-05-01", "procent")] == 65
    assert out[("met_aanbod", "2023-05-01", "procent")] == 36


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
    # printed total 50 is not 7 + 40, and the data give 48: a difference first (contract v1.2)
    assert status[("tabel6", "2024-04-01", "totaal", "aantal")] == "afwijking"
    note = v[(v.tabel == "tabel6") & (v.kolom == "totaal")]["toelichting"].iloc[0]
    assert "7 + 40" in note and "= 47" in note
    assert status[("tabel2", "inburgeringsplichtig", "2023-05-01", "aantal")] == "afgerond_gelijk"
    assert status[("tabel2", "met_pip", "2023-05-01", "procent")] == "afgerond_gelijk"
    assert verification_file.summary(v).startswith("Verificatie: 14 cijfers")


def test_a_figure_that_differs_is_afwijking_also_where_the_letter_contradicts_itself():
    """Contract v1.2: a printed figure that differs from the extract is a difference, whatever
    else is wrong with it; toelichting gives both reasons, the summary counts it among the
    differences. Where the data agree with the printed figure, it stays the letter's own
    inconsistency."""
    cols = [str(y) for y in range(2013, 2022)] + ["2022+"]
    fig = ref_rows([
        *({"output": "tabel6", "rij": "2024-04-01", "kolom": k, "peildatum": "2024-04-01", "eenheid": "aantal",
           "waarde": {"2013": 7, "2014": 40}.get(k, 0)} for k in cols),
        {"output": "tabel6", "rij": "2024-04-01", "kolom": "totaal", "peildatum": "2024-04-01", "eenheid": "aantal",
         "waarde": 50}])

    def verified(total: int):
        t6 = run_table("tabel6", [{"rij": "2024-04-01", "kolom": k, "eenheid": "aantal",
                                   "waarde": {"2013": 7, "2014": 40}.get(k, 0)} for k in cols]
                       + [{"rij": "2024-04-01", "kolom": "totaal", "eenheid": "aantal", "waarde": total}])
        v = verification.verify({("tabel6", "2024-04-01"): t6}, figures=fig)
        return v[v.kolom == "totaal"].iloc[0], v

    row, v = verified(47)  # the data: the sum of the cells, not the printed 50
    assert row.status == "afwijking"
    assert row.toelichting.startswith("verschil met de brief -3; " + verification_file.ALSO_LETTER)
    assert "7 + 40" in row.toelichting and "= 47" in row.toelichting
    assert verification_file.reasons(row.toelichting).count(";") == 1  # both reasons, not the letter's page
    assert verification_file.counts(v)["afwijking"] == 1 and verification_file.counts(v)["inconsistent_in_brief"] == 0
    assert "1 afwijking (waarvan 1 waar de brief zichzelf ook tegenspreekt)" in verification_file.summary(v)
    row, v = verified(50)  # the data agree with the printed total: only the letter is inconsistent
    assert row.status == "inconsistent_in_brief" and verification_file.ALSO_LETTER not in row.toelichting
    assert "1 inconsistent in de brief, 0 afwijkingen." in verification_file.summary(v)


def test_letter_cases_name_a_difference_where_the_letter_also_contradicts_itself(tmp_path):
    """The lines under a run's summary: every place where the letter contradicts itself, also
    where that figure counts as a difference."""
    cols = [str(y) for y in range(2013, 2022)] + ["2022+"]
    fig = ref_rows([
        *({"output": "tabel6", "rij": "2024-04-01", "kolom": k, "peildatum": "2024-04-01", "eenheid": "aantal",
           "waarde": {"2013": 7}.get(k, 0)} for k in cols),
        {"output": "tabel6", "rij": "2024-04-01", "kolom": "totaal", "peildatum": "2024-04-01", "eenheid": "aantal",
         "waarde": 9}])
    t6 = run_table("tabel6", [{"rij": "2024-04-01", "kolom": k, "eenheid": "aantal",
                               "waarde": {"2013": 7, "totaal": 7}.get(k, 0)} for k in cols + ["totaal"]])
    path = verification.write(verification.verify({("tabel6", "2024-04-01"): t6}, figures=fig), tmp_path / "v.csv")
    assert verification_file.letter_cases(path) == [
        "Tabel 6, 1 april 2024, Totaal: gedrukt totaal 9 is niet de som van de gedrukte cohorten: "
        "7 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 = 7 (en dit extract wijkt af: verschil met de brief -2)"]


def test_a_percentage_no_rounding_of_the_printed_counts_gives():
    fig = ref_rows([
        {"output": "tabel4", "rij": "asiel_met_pip", "kolom": "2024-05-01", "eenheid": "aantal", "waarde": 200},
        {"output": "tabel4", "rij": "met_aanbod", "kolom": "2024-05-01", "eenheid": "aantal", "waarde": 100},
        {"output": "tabel4", "rij": "met_aanbod", "kolom": "2024-05-01", "eenheid": "procent", "waarde": 60}])
    broken = verification.letter_inconsistencies(fig)
    assert ("tabel4", "met_aanbod", "2024-05-01", "procent", "2024-05-01") in broken
    assert "100 / 200 = 50,00%" in broken[("tabel4", "met_aanbod", "2024-05-01", "procent", "2024-05-01")]


def test_a_letter_contradiction_beside_a_hidden_value_says_whose_value_is_hidden():
    """It read 'gedrukt totaal ... is niet de som ... . afgeschermd door celbeveiliging', as
    if the letter's total were hidden; it is this extract's value."""
    fig = ref_rows([{"output": "tabel3", "rij": "b1", "kolom": k, "eenheid": "aantal", "waarde": v}
                    for k, v in (("asiel", 10), ("gezin", 20), ("overig", 30), ("totaal", 70))])
    t3 = run_table("tabel3", [{"rij": "b1", "kolom": k, "eenheid": "aantal", "waarde": v}
                              for k, v in (("asiel", 10.0), ("gezin", 20.0), ("overig", 30.0), ("totaal", float("nan")))])
    v = verification.verify({("tabel3", "2024-05-01"): t3}, figures=fig).set_index("kolom")
    assert v.loc["totaal", "status"] == "inconsistent_in_brief"
    assert ". Dit extract: afgeschermd door celbeveiliging" in v.loc["totaal", "toelichting"]


def test_a_figure_after_the_horizon_is_not_comparable_and_still_counted():
    fig = ref_rows([{"output": "tabel1", "rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": 1}])
    t1 = run_table("tabel1", [{"rij": "haalbaar", "kolom": "z_route", "eenheid": "aantal", "waarde": 0}])
    horizon = pd.Timestamp("2020-01-01").date()
    for stand_per, words in ((horizon, "stand_per"), (None, "laatste gebeurtenis")):
        v = verification.verify({("tabel1", "2024-05-01"): t1}, figures=fig, horizon=horizon, stand_per=stand_per)
        assert len(v) == 1 and v["status"].iloc[0] == "niet_vergelijkbaar"  # not afwijking (0 against 1)
        assert "1 januari 2020" in v["toelichting"].iloc[0] and words in v["toelichting"].iloc[0]
        assert "1 niet vergelijkbaar" in verification_file.summary(v)
        assert sum(verification_file.not_comparable_reasons(v).values()) == 1
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


def test_a_cell_is_named_as_a_reader_finds_it_in_the_letter():
    assert verification_file.cell_name("tabel6", "2023-07-01", "totaal", "2023-07-01") == "Tabel 6, 1 juli 2023, Totaal"
    assert verification_file.cell_name("tabel3", "onderwijs", "gezin", "2024-05-01") == \
        "Tabel 3, 1 mei 2024, Onderwijsroute, Gezin"
    assert verification_file.cell_name("kerncijfers_wi2013", "nog_plichtig", "totaal", "2023-05-01") == \
        "Kerncijfers Wi2013, 1 mei 2023, Nog inburgeringsplichtig"
