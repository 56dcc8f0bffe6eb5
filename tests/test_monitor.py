"""The monitor outputs (contract section 7) on a tiny extract worked out by hand."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analysis import contract as C
from analysis import monitor as M
from analysis import registry, tables
from analysis.params import Parameters
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
        pd.testing.assert_frame_equal(got, registry.compute("kerncijfers_wi2021", ext, Parameters(peildatum=d)))
        got = k13[k13["peildatum"] == month].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, registry.compute("kerncijfers_wi2013", ext, Parameters(peildatum=d)))


def test_month_starts():
    assert M.month_starts(dt.date(2023, 11, 20), dt.date(2024, 2, 15)) == [
        dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert M.month_starts(dt.date(2024, 3, 1), dt.date(2024, 2, 29)) == []


def test_cohort_uitkomst_by_hand(ext):
    df = M.cohort_uitkomst_wi2013(ext, P)
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
    # 2023: followed 366 days from 2023-05-01: one year shown, the rest empty; one way out (KM)
    assert v[("2023", "vrijgesteld", "procent_1j")] == pytest.approx(50)
    assert v[("2023", "ingeburgerd", "procent_1j")] == 0
    assert all(math.isnan(v[("2023", r, f"procent_{j}j")]) for r in C.REDEN_EINDE_WI2013 for j in (2, 3, 4, 5))
    # cohorts without anyone: empty throughout
    assert all(math.isnan(w) for (rij, _, _), w in v.items() if rij in ("2017", "2020", "2024"))


def test_duur_tot_pip_by_hand(ext):
    df = M.duur_tot_pip_wi2021(ext, P)
    v = values(df)
    assert list(dict.fromkeys(df["rij"])) == list(C.DOELGROEPEN)
    assert list(dict.fromkeys(df["kolom"])) == ["91d", "182d", "365d", "730d", "mediaan"]
    # asiel: day 31 end without PIP (S 3/4); day 59 PIP 3/4 * 1/3; day 243 the last one at risk: + 1/2
    assert v[("asiel", "91d", "procent")] == pytest.approx(25)
    assert v[("asiel", "182d", "procent")] == pytest.approx(25)
    assert v[("asiel", "365d", "procent")] == pytest.approx(75)
    assert math.isnan(v[("asiel", "730d", "procent")])  # followed 486 days
    assert v[("asiel", "mediaan", "dagen")] == 243
    assert all(math.isnan(w) for (rij, _, _), w in v.items() if rij == "gezin")
    assert v[("overig", "91d", "procent")] == 0  # followed 152 days, no PIP
    assert math.isnan(v[("overig", "182d", "procent")]) and math.isnan(v[("overig", "mediaan", "dagen")])


def test_monitor_with_celbeveiliging(ext):
    v = values(M.duur_tot_pip_wi2021(ext, P, celbeveiliging=2))
    assert math.isnan(v[("asiel", "91d", "procent")])  # one PIP by then
    assert v[("asiel", "365d", "procent")] == pytest.approx(75)  # two
    assert v[("asiel", "mediaan", "dagen")] == 243
    assert v[("overig", "91d", "procent")] == 0  # a zero identifies no one
    v = values(M.duur_tot_pip_wi2021(ext, P, celbeveiliging=3))
    assert math.isnan(v[("asiel", "365d", "procent")]) and math.isnan(v[("asiel", "mediaan", "dagen")])
    c = values(M.cohort_uitkomst_wi2013(ext, P, celbeveiliging=3))
    assert all(math.isnan(w) for (rij, _, _), w in c.items() if rij == "2023")  # two persons
    assert math.isnan(c[("2016", "ontheven", "procent_3j")])
    df = M.tijdreeks_kerncijfers(ext, P, celbeveiliging=2)
    may = df[(df["peildatum"] == "2023-05-01") & (df["tabel"] == "kerncijfers_wi2021")]
    cells = {(r.rij, r.eenheid): r.waarde for r in may.itertuples()}
    assert cells[("plichtig_geworden", "aantal")] == 3 and cells[("nog_plichtig", "aantal")] == 2
    assert math.isnan(cells[("met_pip", "aantal")])  # s1 alone
    assert cells[("nog_plichtig_gezin", "aantal")] == 0


def test_compute_by_name(ext):
    for name in M.OUTPUTS:
        pd.testing.assert_frame_equal(M.compute(name, ext, P), getattr(M, name)(ext, P))


def test_the_registry_declares_the_monitor_outputs():
    assert registry.MONITOR_OUTPUTS == M.OUTPUTS
    for name in M.OUTPUTS:
        assert registry.spec(name).monitor and registry.spec(name).notebook == registry.MONITOR_NOTEBOOK


def test_registry_compute_is_the_monitor_with_the_parameters_celbeveiliging(ext):
    for name in M.OUTPUTS:
        pd.testing.assert_frame_equal(registry.compute(name, ext, Parameters(peildatum=P, celbeveiliging=3)),
                                      M.compute(name, ext, P, celbeveiliging=3))


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
        t4 = registry.compute("tabel4", series_ext, Parameters(peildatum=d))
        hit = t4[(t4.rij == "met_aanbod") & (t4.kolom == month) & (t4.eenheid == "procent")]["waarde"].iloc[0]
        assert r.loc[month, M.PROCENT_AANBOD] == hit


def test_monthly_series_with_celbeveiliging(series_ext):
    r = M.maandreeksen(series_ext, Parameters(peildatum=Q, celbeveiliging=2))
    elip = r[M.ELIP].tolist()
    assert elip[0] == 0 and elip[3] == 2 and all(math.isnan(elip[i]) for i in (1, 2, 4, 5))
    assert r.loc["2023-03-01", M.PROCENT_AANBOD] == 0  # 0 of 2: a zero identifies no one
    assert math.isnan(r.loc["2023-04-01", M.PROCENT_AANBOD])  # 1 of 2
    assert math.isnan(r.loc["2023-03-01", M.PLICHTIG_WI2013])  # one person


def test_pip_curves_carry_intervals_and_are_protected(ext):
    c = M.pip_curves(ext, Parameters(peildatum=P))
    assert set(c["uitkomst"]) == {"pip"} and list(c["groep"]) == ["asiel", "asiel"]
    assert list(c["dagen"]) == [59, 243] and 0 < c["ci_laag"].iloc[0] < 0.25 < c["ci_hoog"].iloc[0]
    # day 243: the last ones at risk all have an outcome; the variance is the finite limit (issue 17,
    # survival.aalen_johansen), here 3/4 * 1/4 / 4 as for a binomial share of 4
    assert c["ci_laag"].iloc[1] < 0.75 < c["ci_hoog"].iloc[1] and not math.isnan(c["ci_laag"].iloc[1])
    shown = M.pip_curves(ext, Parameters(peildatum=P, celbeveiliging=2))
    assert math.isnan(shown["cumulatieve_incidentie"].iloc[0])  # one PIP by day 59


def test_monitor_figures_and_their_sentences(series_ext, ext, tmp_path):
    """A run's monitor notebook writes each figure with its sentence and description: Dutch
    words and dates, no keys."""
    import json
    import re

    from analysis.session import Session
    s = Session(extract=series_ext, params=Parameters(peildatum=Q), out=tmp_path)
    zin = s.monitor_figure(M.TIJDREEKS).data
    assert zin == ("Op 1 april 2023 waren 3 personen inburgeringsplichtig onder de Wi2021 en 1 onder de Wi2013; "
                   "van de Wi2021-plichtigen had 67% een PIP, van de asielstatushouders met een PIP had 50% een "
                   "aanbod, en de ELIP-groep telde 1 personen.")
    s = Session(extract=ext, params=Parameters(peildatum=P), out=tmp_path)
    zin = s.monitor_figure(M.DUUR_TOT_PIP).data
    # followed 152 days, the overige migranten have no value at a year; the interval at day 243 is
    # the finite limit where everyone left has an outcome (see above)
    assert zin == ("Een jaar na de start van de inburgeringsplicht had van de asielstatushouders 75% (95%-interval "
                   "13 tot 96%) een PIP; "
                   "de helft had een PIP na 243 dagen (asielstatushouders).")
    early = Session(extract=ext, params=Parameters(peildatum=dt.date(2023, 6, 1)), out=None)
    # at 1 June 2023: s4 not yet; day 31 an end without PIP (S 2/3); day 59 a PIP: 2/3 * 1/2
    zin = early.monitor_figure(M.DUUR_TOT_PIP).data  # followed 151 days: three months, with an interval
    assert zin.startswith("Drie maanden na de start van de inburgeringsplicht had van de asielstatushouders 33% "
                          "(95%-interval ") and zin.endswith("in geen doelgroep had de helft al een PIP.")
    zin = s.monitor_figure(M.COHORT_UITKOMST).data
    assert zin == ("Een jaar na de start van de inburgeringsplicht was 25% van cohort 2016 ingeburgerd, tegen "
                   "0% van cohort 2023, het laatste cohort dat zo lang gevolgd is.") or zin.startswith("Vijf jaar")
    for name in M.OUTPUTS:
        assert (tmp_path / "tables" / f"{name}.csv").is_file()
        for ext_ in ("png", "svg", "json"):
            assert (tmp_path / "figures" / f"{name}.{ext_}").is_file()
        text = json.loads((tmp_path / "figures" / f"{name}.json").read_text(encoding="utf-8"))
        for v in text.values():
            assert not re.search(r"\d{4}-\d{2}-\d{2}|\b[a-z0-9]+_[a-z0-9_]+\b", v), v
        assert len(text["alt"]) > 80
