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
