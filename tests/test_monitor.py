"""The monitor outputs (contract section 7) on a tiny extract worked out by hand."""
from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.definitions import compute
from analysis.core import contract as C
from analysis.definitions import monitor as M
from analysis.definitions import registry
from analysis.core.params import Parameters
from analysis.definitions.rounding import half_up
from builders import Extract

P = dt.date(2024, 5, 1)


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    x = Extract()
    # Wi2021, asiel: PIP on day 59 and day 243, an end without PIP on day 31, one censored at day 121
    x.wi2021(persoon_id="s1", doelgroep="asiel", datum_plicht="2023-01-01", datum_pip="2023-03-01", leerroute="b1")
    x.wi2021(persoon_id="s2", doelgroep="asiel", datum_plicht="2023-01-01", datum_pip="2023-09-01", leerroute="z")
    x.wi2021(persoon_id="s3", doelgroep="asiel", datum_plicht="2023-01-01", datum_einde="2023-02-01",
             reden_einde="vervallen")
    x.wi2021(persoon_id="s4", doelgroep="asiel", datum_plicht="2024-01-01")
    # overig: followed for 152 and 30 days, no PIP; gezin: no one
    x.wi2021(persoon_id="t1", doelgroep="overig", datum_plicht="2023-12-01")
    x.wi2021(persoon_id="t2", doelgroep="overig", datum_plicht="2024-04-01")
    # Wi2013 cohort 2016: vervallen on day 0, ingeburgerd on day 152, ontheven on day 731, one still plichtig
    x.wi2013(persoon_id="q1", datum_plicht="2016-01-01", datum_einde="2016-01-01", reden_einde="vervallen")
    x.wi2013(persoon_id="q2", datum_plicht="2016-01-01", datum_einde="2016-06-01", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="q3", datum_plicht="2016-01-01", datum_einde="2018-01-01", reden_einde="ontheven")
    x.wi2013(persoon_id="q4", datum_plicht="2016-03-01")
    # cohort 2023: followed for 366 days from its earliest plicht; vrijgesteld on day 61
    x.wi2013(persoon_id="r1", datum_plicht="2023-05-01", datum_einde="2023-07-01", reden_einde="vrijgesteld")
    x.wi2013(persoon_id="r2", datum_plicht="2023-07-01")
    return x.load(tmp_path_factory.mktemp("monitor"))


def values(df):
    return {(r.rij, r.kolom, r.eenheid): r.waarde for r in df.itertuples()}


def test_tijdreeks_months_and_values(ext):
    df = M.tijdreeks_kerncijfers(ext, P)
    assert list(df.columns) == list(C.OUTPUT_COLUMNS) and set(df["tabel"]) == {
        "kerncijfers_wi2021", "kerncijfers_wi2013"}
    k21 = df[df["tabel"] == "kerncijfers_wi2021"]
    k13 = df[df["tabel"] == "kerncijfers_wi2013"]
    months21 = list(dict.fromkeys(k21["peildatum"]))
    assert months21[0] == "2023-01-01" and months21[-1] == "2024-05-01" and len(months21) == 17
    months13 = list(dict.fromkeys(k13["peildatum"]))
    assert months13[0] == "2016-01-01" and months13[-1] == "2024-05-01" and len(months13) == 101
    feb = values(k21[k21["peildatum"] == "2023-02-01"].drop(columns="tabel"))
    assert feb[("plichtig_geworden", "totaal", "aantal")] == 3
    assert feb[("nog_plichtig", "totaal", "aantal")] == 2  # s3 ends on that day
    for month in ("2023-01-01", "2023-09-01", "2024-05-01"):
        d = dt.date.fromisoformat(month)
        got = k21[k21["peildatum"] == month].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, compute.output("kerncijfers_wi2021", ext, Parameters(peildatum=d)))
        got = k13[k13["peildatum"] == month].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, compute.output("kerncijfers_wi2013", ext, Parameters(peildatum=d)))


def test_month_starts():
    assert M.month_starts(dt.date(2023, 11, 20), dt.date(2024, 2, 15)) == [
        dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert M.month_starts(dt.date(2024, 3, 1), dt.date(2024, 2, 29)) == []


def test_cohort_uitkomst_by_hand(ext):
    """With min_at_risk 1, a share stands while anyone of the cohort is still followed."""
    df = M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1)
    assert list(df.columns) == list(C.OUTPUT_COLUMNS)
    assert list(dict.fromkeys(df["rij"])) == [str(y) for y in range(2016, 2025)]
    assert list(dict.fromkeys(df["kolom"])) == list(C.REDEN_EINDE_WI2013)
    v = values(df)
    # 2016: n = 4; day 0 vervallen (F 1/4, S 3/4); day 152 ingeburgerd (3/4 * 1/3); day 731 ontheven (1/2 * 1/2)
    assert v[("2016", "vervallen", "procent_1j")] == pytest.approx(25)
    assert v[("2016", "ingeburgerd", "procent_1j")] == pytest.approx(25)
    assert v[("2016", "ontheven", "procent_2j")] == 0  # day 731 is after 730
    assert v[("2016", "ontheven", "procent_3j")] == pytest.approx(25)
    assert v[("2016", "vrijgesteld", "procent_5j")] == 0
    # still followed (exit day >= d): q3 (day 731) and q4 (censored at day 2983) up to two years, then q4
    assert [v[("2016", "ingeburgerd", f"at_risk_{j}j")] for j in range(1, 6)] == [2, 2, 1, 1, 1]
    # 2023: r1 vrijgesteld on day 61, r2 censored at day 305: no one is followed at a year, so
    # nothing is shown although P lies 366 days after the cohort's first plicht
    assert all(math.isnan(v[("2023", r, f"procent_{j}j")]) for r in C.REDEN_EINDE_WI2013 for j in range(1, 6))
    assert v[("2023", "vrijgesteld", "at_risk_1j")] == 0
    # cohorts without anyone: no share, nobody followed
    assert all(math.isnan(w) for (rij, _, e), w in v.items() if rij in ("2017", "2020", "2024") and "at_risk" not in e)
    assert all(w == 0 for (rij, _, e), w in v.items() if rij in ("2017", "2020", "2024") and "at_risk" in e)


def test_duur_tot_pip_by_hand(ext):
    df = M.duur_tot_pip_wi2021(ext, P, min_at_risk=1)
    v = values(df)
    assert list(dict.fromkeys(df["rij"])) == list(C.DOELGROEPEN)
    assert list(dict.fromkeys(df["kolom"])) == ["91d", "182d", "365d", "730d", "mediaan"]
    # asiel: day 31 end without PIP (S 3/4); day 59 PIP 3/4 * 1/3; day 243 the last one at risk: + 1/2.
    # Still followed: s2 (day 243) and s4 (censored at day 121) at 91 days, s2 alone at 182, no one at 365
    assert v[("asiel", "91d", "procent")] == pytest.approx(25) and v[("asiel", "91d", "at_risk")] == 2
    assert v[("asiel", "182d", "procent")] == pytest.approx(25) and v[("asiel", "182d", "at_risk")] == 1
    assert math.isnan(v[("asiel", "365d", "procent")]) and v[("asiel", "365d", "at_risk")] == 0
    assert math.isnan(v[("asiel", "730d", "procent")])
    assert v[("asiel", "mediaan", "dagen")] == 243
    assert all(math.isnan(w) for (rij, _, e), w in v.items() if rij == "gezin" and e != "at_risk")
    assert v[("overig", "91d", "procent")] == 0  # t1 followed 152 days, no PIP
    assert math.isnan(v[("overig", "182d", "procent")]) and math.isnan(v[("overig", "mediaan", "dagen")])


def _published(name, ext, params):
    counts, ratios = M.published(name, ext, params)
    return {c.key: c for c in counts}, {r.key: r for r in ratios}


def test_what_the_curve_outputs_publish_by_hand(ext):
    """Each share publishes the group's size, the number still followed and the number with
    that outcome by that day (contract section 8); a median the number with a PIP by its day."""
    params = Parameters(peildatum=P, min_at_risk=1)
    counts, ratios = _published(M.DUUR_TOT_PIP, ext, params)
    value = {(k.rij, k.kolom, k.eenheid): c.value for k, c in counts.items()}
    assert value[("asiel", C.TOTAAL, "aantal")] == 4 and value[("overig", C.TOTAAL, "aantal")] == 2
    assert value[("asiel", "91d", "at_risk")] == 2 and value[("asiel", "91d", "met_uitkomst")] == 1  # s1, day 59
    assert value[("asiel", "182d", "at_risk")] == 1 and value[("asiel", "365d", "at_risk")] == 0
    assert ("asiel", "365d", "met_uitkomst") not in value  # its share is empty: it publishes nothing
    assert value[("asiel", "mediaan", "met_uitkomst_dagen")] == 2  # s1 and s2 by day 243
    share = ratios[registry.key_of(M.DUUR_TOT_PIP, P.isoformat(), "asiel", "91d", "procent")]
    assert {(k.kolom, k.eenheid) for k in share.counts} == {("91d", "met_uitkomst"), ("91d", "at_risk"),
                                                            (C.TOTAAL, "aantal")}
    counts, ratios = _published(M.COHORT_UITKOMST, ext, params)
    value = {(k.rij, k.kolom, k.eenheid): c.value for k, c in counts.items()}
    # cohort 2016: q2 ingeburgerd on day 152; q3 (day 731) and q4 (still plichtig) followed after a year
    assert value[("2016", C.TOTAAL, "aantal")] == 4
    assert value[("2016", "ingeburgerd", "at_risk_1j")] == 2
    assert value[("2016", "ingeburgerd", "met_uitkomst_1j")] == 1
    assert value[("2016", "ontheven", "met_uitkomst_3j")] == 1
    # every key names a row of the output, or the count behind one
    rows = set(zip(*(M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1)[c] for c in ("rij", "kolom", "eenheid"))))
    assert {(k.rij, k.kolom, k.eenheid) for k in ratios} <= rows


def test_the_series_publishes_the_kerncijfers_of_every_month(ext):
    counts, ratios = _published(M.TIJDREEKS, ext, Parameters(peildatum=P))
    may, _ = registry.published("kerncijfers_wi2021", ext, Parameters(peildatum=dt.date(2023, 5, 1)))
    for c in may:
        assert np.array_equal(counts[c.key].mask, c.mask)
    df = M.tijdreeks_kerncijfers(ext, P)
    keys = {registry.key_of(t, d, r, k, e) for t, d, r, k, e in
            zip(df["tabel"], df["peildatum"], df["rij"], df["kolom"], df["eenheid"])}
    assert keys <= set(counts) | set(ratios)  # every number of the series is modelled


def test_the_run_pattern_protects_the_monitor(ext):
    """The monitor outputs are protected by the run's one pattern: a share resting on one PIP,
    a single person still followed and a cohort of one are hidden, zeros are shown, and the
    independent reader bounds no count of the whole publication below N."""
    from analysis.publication import protect
    from analysis.publication import run as publication_run
    from reader import findings
    params = Parameters(peildatum=P, celbeveiliging=2, min_at_risk=1)
    pattern = publication_run.run_pattern(ext, params)
    v = values(protect.apply(pattern, M.duur_tot_pip_wi2021(ext, P, min_at_risk=1), params))
    assert math.isnan(v[("asiel", "91d", "procent")])  # one PIP by then
    assert math.isnan(v[("asiel", "91d", "ci_laag")]) and math.isnan(v[("asiel", "91d", "ci_hoog")])
    assert math.isnan(v[("asiel", "182d", "at_risk")])  # one still followed
    assert v[("overig", "182d", "at_risk")] == 0  # nobody: a zero identifies no one
    c = values(protect.apply(pattern, M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1), params))
    assert math.isnan(c[("2023", "vrijgesteld", "procent_1j")])  # cohort 2023: r1 alone
    series = protect.apply(pattern, M.tijdreeks_kerncijfers(ext, P), params)
    may = series[(series["peildatum"] == "2023-05-01") & (series["tabel"] == "kerncijfers_wi2021")]
    cells = {(r.rij, r.eenheid): r.waarde for r in may.itertuples()}
    assert math.isnan(cells[("met_pip", "aantal")])  # s1 alone
    assert cells[("nog_plichtig_gezin", "aantal")] == 0
    pub = publication_run.run_publication(ext, params)
    assert findings(pub.counts.values(), pattern.hides, 2) == []


def test_compute_by_name(ext):
    for name in M.OUTPUTS:
        pd.testing.assert_frame_equal(M.compute(name, ext, P), getattr(M, name)(ext, P))
    for name in (M.COHORT_UITKOMST, M.DUUR_TOT_PIP):
        pd.testing.assert_frame_equal(M.compute(name, ext, P, 1), getattr(M, name)(ext, P, min_at_risk=1))


def test_the_registry_declares_the_monitor_outputs():
    assert registry.MONITOR_OUTPUTS == M.OUTPUTS
    for name in M.OUTPUTS:
        assert registry.spec(name).monitor and registry.spec(name).notebook == registry.MONITOR_NOTEBOOK


def test_registry_compute_is_the_monitor_with_the_parameters(ext):
    for name in M.OUTPUTS:
        pd.testing.assert_frame_equal(compute.output(name, ext, Parameters(peildatum=P, min_at_risk=1)),
                                      M.compute(name, ext, P, min_at_risk=1))


# ---- the monthly series of the monitor's first figure --------------------------------------

Q = dt.date(2023, 4, 1)


@pytest.fixture(scope="module")
def series_ext(tmp_path_factory):
    x = Extract()
    # Wi2021: a1 PIP 15 Feb, aanbod 10 Mar; a2 PIP 1 Mar, no aanbod; g1 gezin, no PIP
    x.wi2021(persoon_id="a1", doelgroep="asiel", datum_plicht="2023-01-01", datum_pip="2023-02-15",
             leerroute="b1", datum_aanbod="2023-03-10")
    x.wi2021(persoon_id="a2", doelgroep="asiel", datum_plicht="2023-01-01", datum_pip="2023-03-01", leerroute="z")
    x.wi2021(persoon_id="g1", doelgroep="gezin", datum_plicht="2023-02-01")
    # Wi2013, asiel: e1 reaches 9500 euro on 1 Feb (5000 + 5000); e2 has 9500 on 1 Dec and ends 1 Mar
    e1 = x.wi2013(persoon_id="e1", doelgroep="asiel", datum_plicht="2022-11-01")
    x.lening(e1, "2022-12-05", "5000.00")
    x.lening(e1, "2023-02-01", "5000.00")
    e2 = x.wi2013(persoon_id="e2", doelgroep="asiel", datum_plicht="2022-11-01", datum_einde="2023-03-01",
                  reden_einde="ingeburgerd")
    x.lening(e2, "2022-12-01", "9500.00")
    return x.load(tmp_path_factory.mktemp("reeksen"))


def test_monthly_series_by_hand(series_ext):
    r = M.maandreeksen(series_ext, Parameters(peildatum=Q))
    assert list(r.index) == ["2022-11-01", "2022-12-01", "2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01"]
    def col(c):
        return [None if math.isnan(v) else v for v in r[c]]
    assert col(M.PLICHTIG_WI2013) == [2, 2, 2, 2, 1, 1]  # e2 ends on 1 March
    assert col(M.ELIP) == [0, 1, 1, 2, 1, 1]  # a payment counts on its own date
    assert col(M.PLICHTIG_WI2021) == [None, None, 2, 3, 3, 3]
    assert col(M.PROCENT_PIP) == [None, None, 0, 0, pytest.approx(200 / 3), pytest.approx(200 / 3)]
    # Tabel 4's population: none with a PIP before March (empty share), then 0 of 2, then 1 of 2
    assert col(M.PROCENT_AANBOD) == [None, None, None, None, 0, 50]


def test_monthly_series_use_the_letters_tables_at_each_date(series_ext):
    """ELIP and aanbod on a month equal Tabel 6 and Tabel 4 of a run at that date."""
    r = M.maandreeksen(series_ext, Parameters(peildatum=Q, elip_drempel_cent=1_000_000))
    assert r[M.ELIP].tolist() == [0, 0, 0, 1, 1, 1]  # threshold 10.000 euro: only e1, from 1 Feb
    for month in ("2023-03-01", "2023-04-01"):
        d = dt.date.fromisoformat(month)
        t4 = compute.output("tabel4", series_ext, Parameters(peildatum=d))
        hit = t4[(t4.rij == "met_aanbod") & (t4.kolom == month) & (t4.eenheid == "procent")]["waarde"].iloc[0]
        assert r.loc[month, M.PROCENT_AANBOD] == hit


def test_monthly_series_with_celbeveiliging(series_ext):
    """The figure's series are protected by the run's pattern, as a session passes it."""
    from analysis.publication import protect
    from analysis.publication import run as publication_run
    params = Parameters(peildatum=Q, celbeveiliging=2)
    pattern = publication_run.run_pattern(series_ext, params)
    r = M.maandreeksen(series_ext, params, protect=lambda df: protect.apply(pattern, df, params))
    elip = r[M.ELIP].tolist()
    assert elip[0] == 0 and all(math.isnan(elip[i]) for i in (1, 2, 4, 5))  # 0 shown, 1s hidden
    # 0 of 2 with an aanbod on 1 March: the 0 is shown (it identifies no one); the share goes
    # only with its base of 2, which the pattern hides for another count
    march = registry.key_of("tabel4", "2023-03-01", "met_aanbod", "2023-03-01")
    assert not pattern.hides(march)
    share = pattern.reason(registry.key_of("tabel4", "2023-03-01", "met_aanbod", "2023-03-01", "procent"))
    assert (r.loc["2023-03-01", M.PROCENT_AANBOD] == 0) == (share is None)
    assert share is None or share.voor.startswith("tabel4 2023-03-01 asiel_met_pip")
    assert math.isnan(r.loc["2023-04-01", M.PROCENT_AANBOD])  # 1 of 2
    assert math.isnan(r.loc["2023-03-01", M.PLICHTIG_WI2013])  # one person
    unprotected = M.maandreeksen(series_ext, params)
    assert unprotected.loc["2023-04-01", M.PROCENT_AANBOD] == 50


def test_pip_curves_carry_intervals_and_are_protected(ext):
    c = M.pip_curves(ext, Parameters(peildatum=P, min_at_risk=1))
    assert set(c["uitkomst"]) == {"pip"} and list(c["groep"]) == ["asiel", "asiel"]
    assert list(c["dagen"]) == [59, 243] and 0 < c["ci_laag"].iloc[0] < 0.25 < c["ci_hoog"].iloc[0]
    # day 243: the last ones at risk all have an outcome; the variance is the finite limit (issue 17,
    # survival.aalen_johansen), here 3/4 * 1/4 / 4 as for a binomial share of 4
    assert c["ci_laag"].iloc[1] < 0.75 < c["ci_hoog"].iloc[1] and not math.isnan(c["ci_laag"].iloc[1])
    # with celbeveiliging no curve (it would show every day's count): the published shares only
    assert M.pip_curves(ext, Parameters(peildatum=P, celbeveiliging=2, min_at_risk=1)).empty
    # the figure shows no more than the table: day 243 has one still followed
    two = M.pip_curves(ext, Parameters(peildatum=P, min_at_risk=2))
    assert two["cumulatieve_incidentie"].iloc[0] == pytest.approx(0.25)
    assert two.iloc[1][["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].isna().all() and two["at_risk"].iloc[1] == 1


def test_monitor_figures_and_their_sentences(series_ext, ext, tmp_path):
    """A run's monitor notebook writes each figure with its sentence and description: Dutch
    words and dates, no keys."""
    import json

    from analysis.interface.session import Session
    s = Session(extract=series_ext, params=Parameters(peildatum=Q), out=tmp_path)
    zin = s.monitor_figure(M.TIJDREEKS).data
    assert zin == ("Op 1 april 2023 waren 3 personen inburgeringsplichtig onder de Wi2021 en 1 onder de Wi2013; "
                   "van de Wi2021-plichtigen had 67% een PIP, van de asielstatushouders met een PIP had 50% een "
                   "aanbod, en de ELIP-groep telde 1 personen.")
    s = Session(extract=ext, params=Parameters(peildatum=P, min_at_risk=1), out=tmp_path)
    zin = s.monitor_figure(M.DUUR_TOT_PIP).data
    # at a year nobody is followed any more (s2 left on day 243, s4 is censored at day 121); at half a
    # year s2 alone, of the four asielstatushouders; the overige migranten (followed 152 and 30 days) have
    # no value at half a year
    m = re.fullmatch(r"Een half jaar na de start van de inburgeringsplicht had van de asielstatushouders 25% "
                     r"\(95%-interval (\d+) tot (\d+)%; nog 1 van de 4 gevolgd\) een PIP; de helft had een PIP na "
                     r"243 dagen \(asielstatushouders\)\.", zin)
    assert m, zin
    v = values(s.monitor_tables()[M.DUUR_TOT_PIP])
    assert [int(x) for x in m.groups()] == [half_up(v[("asiel", "182d", e)]) for e in ("ci_laag", "ci_hoog")]
    early = Session(extract=ext, params=Parameters(peildatum=dt.date(2023, 6, 1), min_at_risk=1), out=None)
    # at 1 June 2023: s4 not yet; day 31 an end without PIP (S 2/3); day 59 a PIP: 2/3 * 1/2; s2 followed
    zin = early.monitor_figure(M.DUUR_TOT_PIP).data  # 151 days: three months, with an interval
    assert zin.startswith("Drie maanden na de start van de inburgeringsplicht had van de asielstatushouders 33% "
                          "(95%-interval ") and zin.endswith("; nog 1 van de 3 gevolgd) een PIP; in geen doelgroep "
                                                             "had de helft al een PIP.")
    zin = s.monitor_figure(M.COHORT_UITKOMST).data
    # five years: q4 alone of cohort 2016 is followed; cohort 2023 has no one followed at a year
    assert re.fullmatch(r"Vijf jaar na de start van de inburgeringsplicht was 25% \(95%-interval \d+ tot \d+%; nog 1 "
                        r"van de 4 gevolgd\) van cohort 2016 ingeburgerd; van geen ander cohort werden na vijf jaar "
                        r"nog ten minste 1 persoon gevolgd\.", zin), zin
    default = Session(extract=ext, params=Parameters(peildatum=P), out=None)
    n = Parameters.min_at_risk
    assert default.monitor_figure(M.COHORT_UITKOMST).data == (
        f"Van geen cohort werden na een jaar nog ten minste {n} personen gevolgd; er is nog geen uitkomst te tonen.")
    assert default.monitor_figure(M.DUUR_TOT_PIP).data == (
        f"Van geen doelgroep werden na 91 dagen nog ten minste {n} personen gevolgd; er is nog geen tijd tot een "
        "PIP te tonen.")
    for name in M.OUTPUTS:
        assert (tmp_path / "tables" / f"{name}.csv").is_file()
        for ext_ in ("png", "svg", "json"):
            assert (tmp_path / "figures" / f"{name}.{ext_}").is_file()
        text = json.loads((tmp_path / "figures" / f"{name}.json").read_text(encoding="utf-8"))
        for v in text.values():
            assert not re.search(r"\d{4}-\d{2}-\d{2}|\b[a-z0-9]+_[a-z0-9_]+\b", v), v
        assert len(text["alt"]) > 80


# ---- contract 1.2: the follow-up rule, intervals and numbers at risk (issue 17) ----------------

@pytest.fixture(scope="module")
def thin(tmp_path_factory):
    """The two cases of issue 17, at P = 1 May 2024 (the rule before v1.2 showed a value for both):
    * Wi2013 cohort 2022, three persons: ingeburgerd on day 20, vervallen on day 100, and one whose
      plicht started on 1 December 2022, censored at P on day 517. P lies 851 days after the
      cohort's first plicht.
    * Wi2021 gezin: a PIP on day 10 (plicht from 1 January 2022), and one censored at P on day 152.
    """
    x = Extract()
    x.wi2013(persoon_id="c1", datum_plicht="2022-01-01", datum_einde="2022-01-21", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="c2", datum_plicht="2022-12-01")
    x.wi2013(persoon_id="c3", datum_plicht="2022-01-01", datum_einde="2022-04-11", reden_einde="vervallen")
    x.wi2021(persoon_id="g1", doelgroep="gezin", datum_plicht="2022-01-01", datum_pip="2022-01-11", leerroute="b1")
    x.wi2021(persoon_id="g2", doelgroep="gezin", datum_plicht="2023-12-01")
    return x.load(tmp_path_factory.mktemp("dun"))


def test_a_cohort_of_three_has_no_value_after_two_years(thin):
    """Nobody of the cohort is followed at day 730 (c2 leaves observation on day 517), so no share
    is published there, whatever min_at_risk; at a year c2 alone is still followed."""
    for n in (None, 1):
        v = values(M.cohort_uitkomst_wi2013(thin, P, min_at_risk=n))
        for j in (2, 3, 4, 5):
            assert all(math.isnan(v[("2022", r, f"{e}_{j}j")]) for r in C.REDEN_EINDE_WI2013
                       for e in ("procent", "ci_laag", "ci_hoog"))
            assert all(v[("2022", r, f"at_risk_{j}j")] == 0 for r in C.REDEN_EINDE_WI2013)
    v = values(M.cohort_uitkomst_wi2013(thin, P))  # the default: 20 still followed
    assert all(math.isnan(v[("2022", r, "procent_1j")]) for r in C.REDEN_EINDE_WI2013)
    assert v[("2022", "ingeburgerd", "at_risk_1j")] == 1  # why it is empty
    v = values(M.cohort_uitkomst_wi2013(thin, P, min_at_risk=1))
    # day 20: 3 at risk, one ingeburgerd (1/3); day 100: 2 at risk, one vervallen (2/3 * 1/2)
    assert v[("2022", "ingeburgerd", "procent_1j")] == pytest.approx(100 / 3)
    assert v[("2022", "vervallen", "procent_1j")] == pytest.approx(100 / 3)
    assert v[("2022", "ontheven", "procent_1j")] == 0 and v[("2022", "ontheven", "ci_hoog_1j")] == 0


def test_a_doelgroep_whose_other_person_is_censored_at_day_152_has_no_730_day_value(thin):
    for n in (None, 1):
        v = values(M.duur_tot_pip_wi2021(thin, P, min_at_risk=n))
        assert math.isnan(v[("gezin", "730d", "procent")]) and v[("gezin", "730d", "at_risk")] == 0
        assert math.isnan(v[("gezin", "182d", "procent")]) and v[("gezin", "182d", "at_risk")] == 0
    v = values(M.duur_tot_pip_wi2021(thin, P, min_at_risk=1))
    assert v[("gezin", "91d", "procent")] == pytest.approx(50) and v[("gezin", "91d", "at_risk")] == 1
    assert v[("gezin", "mediaan", "dagen")] == 10  # Kaplan-Meier: 1/2 on day 10, two followed then
    v = values(M.duur_tot_pip_wi2021(thin, P, min_at_risk=2))
    assert math.isnan(v[("gezin", "91d", "procent")]) and v[("gezin", "91d", "at_risk")] == 1
    assert v[("gezin", "mediaan", "dagen")] == 10


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """Cohort 2020 at P = 1 June 2021, around day 365: a1 ingeburgerd on day 364, a2 ingeburgerd on
    day 365, a3 ontheven on day 366, a4 censored at P on day 365, a5 censored at P on day 364."""
    x = Extract()
    x.wi2013(persoon_id="a1", datum_plicht="2020-01-01", datum_einde="2020-12-30", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="a2", datum_plicht="2020-01-01", datum_einde="2020-12-31", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="a3", datum_plicht="2020-01-01", datum_einde="2021-01-01", reden_einde="ontheven")
    x.wi2013(persoon_id="a4", datum_plicht="2020-06-01")
    x.wi2013(persoon_id="a5", datum_plicht="2020-06-02")
    return x.load(tmp_path_factory.mktemp("rand"))


EDGE_P = dt.date(2021, 6, 1)


def test_at_risk_counts_everyone_whose_exit_day_is_on_or_after_the_day(edge):
    """At day 365: a2 (outcome that day), a3 (day 366) and a4 (censored that day); not a1 and a5 (day
    364). F_ingeburgerd(365) = 1/5 (day 364, 5 at risk) + 4/5 * 1/3 (day 365, 3 at risk) = 7/15."""
    v = values(M.cohort_uitkomst_wi2013(edge, EDGE_P, min_at_risk=3))
    assert v[("2020", "ingeburgerd", "at_risk_1j")] == 3 and v[("2020", "ontheven", "at_risk_1j")] == 3
    assert v[("2020", "ingeburgerd", "procent_1j")] == pytest.approx(700 / 15)
    assert v[("2020", "ontheven", "procent_1j")] == 0  # day 366 comes after a year
    assert v[("2020", "ingeburgerd", "at_risk_2j")] == 0 and math.isnan(v[("2020", "ingeburgerd", "procent_2j")])
    # min_at_risk is the smallest number that is enough: 3 shows the year, 4 does not
    v = values(M.cohort_uitkomst_wi2013(edge, EDGE_P, min_at_risk=4))
    assert math.isnan(v[("2020", "ingeburgerd", "procent_1j")]) and v[("2020", "ingeburgerd", "at_risk_1j")] == 3


def test_intervals_are_survivals_curve_on_that_day(ext, edge):
    """Each interval is the pointwise interval of survival.duur's curve on the day read (the last
    day with that outcome up to it), in percent; an outcome not yet seen reads 0 with interval 0."""
    from analysis.definitions import survival as S
    for extract, p in ((ext, P), (edge, EDGE_P)):
        df = values(M.cohort_uitkomst_wi2013(extract, p, min_at_risk=1))
        curves = S.duur(extract, "einde", "wi2013_opgelegd", p, groep="cohort")
        checked = 0
        for (rij, kolom, eenheid), w in df.items():
            if not eenheid.startswith("procent_") or math.isnan(w):
                continue
            day = int(eenheid[len("procent_"):-1]) * M.DAGEN_PER_JAAR
            c = curves[(curves["groep"] == rij) & (curves["uitkomst"] == kolom) & (curves["dagen"] <= day)]
            want = c.iloc[-1][["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].to_numpy(float) if len(c) else [0, 0, 0]
            got = [w, df[(rij, kolom, eenheid.replace("procent", "ci_laag"))],
                   df[(rij, kolom, eenheid.replace("procent", "ci_hoog"))]]
            np.testing.assert_allclose(got, 100 * np.asarray(want, float), rtol=0, atol=1e-12, equal_nan=True)
            checked += 1
        assert checked >= 4


def test_duur_tot_pip_intervals_and_the_medians_interval_in_days(ext):
    from analysis.definitions import survival as S
    v = values(M.duur_tot_pip_wi2021(ext, P, min_at_risk=1))
    curve = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep")
    row = curve[(curve["groep"] == "asiel") & (curve["uitkomst"] == "pip")].iloc[0]  # day 59: read at 91 and 182
    for kolom in ("91d", "182d"):
        assert v[("asiel", kolom, "ci_laag")] == pytest.approx(100 * row["ci_laag"], abs=1e-12)
        assert v[("asiel", kolom, "ci_hoog")] == pytest.approx(100 * row["ci_hoog"], abs=1e-12)
        assert v[("asiel", kolom, "ci_laag")] < 25 < v[("asiel", kolom, "ci_hoog")]
    m = S.mediaan(S.follow_up(curve[curve["uitkomst"] == "pip"], 1)).set_index("groep").loc["asiel"]
    assert v[("asiel", "mediaan", "dagen")] == m["mediaan"] == 243
    for eenheid, col in ((M.CI_LAAG_DAGEN, "mediaan_laag"), (M.CI_HOOG_DAGEN, "mediaan_hoog")):
        assert v[("asiel", "mediaan", eenheid)] == m[col] or (math.isnan(m[col]) and math.isnan(v[("asiel", "mediaan", eenheid)]))
    assert v[("asiel", "mediaan", M.CI_LAAG_DAGEN)] == 59  # the upper bound passes 50% on day 59
    # with two still followed required, day 243 (one followed) no longer counts: no median
    assert math.isnan(values(M.duur_tot_pip_wi2021(ext, P, min_at_risk=2))[("asiel", "mediaan", "dagen")])


def test_every_share_has_its_interval_and_at_risk_beside_it(ext):
    """Contract 7 (v1.2): the eenheden beside each share, same rij and kolom; an empty share has an
    empty interval (nothing to be uncertain about), while at_risk stays (it says why)."""
    c = M.cohort_uitkomst_wi2013(ext, P)
    expected = [f"{e}_{j}j" for j in M.COHORT_JAREN for e in ("procent", "ci_laag", "ci_hoog", "at_risk")]
    for _, cell in c.groupby(["rij", "kolom"], sort=False):
        assert cell["eenheid"].tolist() == expected
    d = M.duur_tot_pip_wi2021(ext, P)
    for (rij, kolom), cell in d.groupby(["rij", "kolom"], sort=False):
        want = ["dagen", "ci_laag_dagen", "ci_hoog_dagen"] if kolom == "mediaan" else \
            ["procent", "ci_laag", "ci_hoog", "at_risk"]
        assert cell["eenheid"].tolist() == want
    for df in (c, d, M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1), M.duur_tot_pip_wi2021(ext, P, min_at_risk=1)):
        v = values(df)
        shares = [(k, w) for k, w in v.items() if k[2].startswith("procent")]
        assert any(math.isnan(w) for _, w in shares)
        for (rij, kolom, eenheid), w in shares:
            bounds = [v[(rij, kolom, eenheid.replace("procent", b))] for b in ("ci_laag", "ci_hoog")]
            assert all(math.isnan(b) for b in bounds) if math.isnan(w) else bounds[0] <= w <= bounds[1]
            n = v[(rij, kolom, eenheid.replace("procent", "at_risk"))]
            assert n >= 0 and n == int(n)


def test_the_monitor_reads_its_shares_through_duur_at_days(ext):
    """One reader: the cohort shares are survival.duur(..., dagen=...) within the cohort."""
    from analysis.definitions import survival as S
    c = values(M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1))
    dagen = [j * M.DAGEN_PER_JAAR for j in M.COHORT_JAREN]
    r = S.duur(ext, "einde", "wi2013_opgelegd", P, groep="cohort", dagen=dagen, min_at_risk=1)
    for row in r[r["groep"].isin(["2016", "2023"])].itertuples():
        j = row.dagen // M.DAGEN_PER_JAAR
        for col, eenheid, scale in (("cumulatieve_incidentie", "procent", 100), ("ci_laag", "ci_laag", 100),
                                    ("ci_hoog", "ci_hoog", 100), ("at_risk", "at_risk", 1)):
            got, want = c[(row.groep, row.uitkomst, f"{eenheid}_{j}j")], scale * getattr(row, col)
            assert got == pytest.approx(want, abs=1e-12) or (math.isnan(got) and math.isnan(want))


def test_the_cohort_figure_draws_a_band_per_duration_and_the_pip_figure_the_published_points(ext):
    from matplotlib.collections import PolyCollection

    from analysis.presentation import monitor_figures as F
    params = Parameters(peildatum=P, min_at_risk=1)
    data = M.figure_data(ext, M.COHORT_UITKOMST, params, M.cohort_uitkomst_wi2013(ext, P, min_at_risk=1))
    assert data.sizes["2016"] == 4 and data.sizes["2023"] == 2 and data.sizes["2017"] == 0
    fig = F.figure(M.COHORT_UITKOMST, data)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(C.REDEN_EINDE_WI2013)
    assert all(sum(isinstance(c, PolyCollection) for c in ax.collections) == len(M.COHORT_JAREN) for ax in panels)
    data = M.figure_data(ext, M.DUUR_TOT_PIP, params, M.duur_tot_pip_wi2021(ext, P, min_at_risk=1))
    ax = F.figure(M.DUUR_TOT_PIP, data).axes[0]
    points = [line for line in ax.lines if line.get_marker() == "s"]
    assert len(points) == 2  # asiel (91 and 182 days) and overig (91 days): the published shares
    assert sorted(points[0].get_xdata()) == [91, 182] and list(points[0].get_ydata()) == pytest.approx([25, 25])


def test_group_sizes_are_published_and_protected(ext):
    from analysis.publication import protect
    from analysis.publication import run as publication_run
    params = Parameters(peildatum=P, celbeveiliging=3)
    pattern = publication_run.run_pattern(ext, params)
    sizes = M.group_sizes(ext, M.DUUR_TOT_PIP, params, lambda df: protect.apply(pattern, df, params))
    assert math.isnan(sizes["overig"]) and sizes["gezin"] == 0  # 2 below 3 hidden; nobody shown
    asiel = pattern.reason(registry.key_of(M.DUUR_TOT_PIP, P.isoformat(), "asiel", C.TOTAAL))
    assert sizes["asiel"] == 4 if asiel is None else (math.isnan(sizes["asiel"]) and asiel.kind == "secundair")
    assert M.group_sizes(ext, M.DUUR_TOT_PIP, params)["overig"] == 2


@pytest.mark.parametrize("celbeveiliging", [0, 2])
def test_the_pip_figures_description_says_whether_it_draws_lines(ext, celbeveiliging):
    """The description of the time-to-PIP figure spoke of a step chart with a line per
    doelgroep also in a protected run, whose figure draws no line (monitor.pip_curves)."""
    from analysis.presentation import monitor_figures
    params = Parameters(peildatum=P, min_at_risk=1, celbeveiliging=celbeveiliging)
    data = M.figure_data(ext, M.DUUR_TOT_PIP, params, M.duur_tot_pip_wi2021(ext, P, min_at_risk=1))
    alt = monitor_figures.reading(M.DUUR_TOT_PIP, data)["alt"]
    assert alt.startswith("Trapgrafiek") == (not celbeveiliging), alt
    assert ("Lijnen over de hele looptijd ontbreken" in alt) == bool(celbeveiliging), alt


def test_the_series_description_says_where_its_numbers_are(series_ext):
    """It said all its numbers were in the CSV file and the workbook; the ELIP group and the
    share with an aanbod per month are in neither."""
    from analysis.presentation import monitor_figures
    reeksen = M.maandreeksen(series_ext, Parameters(peildatum=P))
    alt = monitor_figures.reading(M.TIJDREEKS, reeksen)["alt"]
    assert "De kerncijfers per maand staan in het CSV-bestand" in alt and "alleen in deze figuur" in alt, alt
