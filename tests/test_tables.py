"""The contract's definitions on hand-built extracts whose answers were worked out by hand.

Every edge the definitions create has a person: events dated exactly on P and Q, a plicht
that starts after P, a plicht that ends on P, a leerbaarheidstoets after P with a PIP on P,
the loan threshold reached exactly on an ELIP peildatum, a payment one day after an ELIP
peildatum, a plicht that ends exactly on an ELIP peildatum, gezinsmigranten with large
loans (never ELIP), cohorts with no one in them (rows of zeros), vervallen (left out of
Tabel 5).
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from analysis.definitions import registry
from analysis.definitions import tables as T
from analysis.core.params import Parameters, one_year_before, parse_parameters
from analysis.core.errors import UsageError
from builders import Extract

P = dt.date(2024, 5, 1)
Q = dt.date(2023, 5, 1)


def table(name, ext, **params):
    """One output at P through the registry (counts and the declared percentages)."""
    return registry.compute(name, ext, Parameters(peildatum=P, **params))


def values(df, eenheid="aantal"):
    part = df[df["eenheid"] == eenheid]
    return {(r.rij, r.kolom): r.waarde for r in part.itertuples()}


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    x = Extract()
    # --- Wi2021 ---------------------------------------------------------------------
    x.wi2021(persoon_id="A", doelgroep="asiel", datum_plicht="2022-02-01", datum_lbt="2022-03-01",
             uitslag_lbt="haalbaar", datum_pip="2022-04-01", leerroute="b1", datum_aanbod="2022-05-01")
    x.wi2021(persoon_id="B", doelgroep="asiel", datum_plicht="2024-05-01")  # starts on P
    x.wi2021(persoon_id="C", doelgroep="gezin", datum_plicht="2024-05-02")  # starts after P
    x.wi2021(persoon_id="D", doelgroep="asiel", datum_plicht="2022-06-01", datum_einde="2024-05-01",
             reden_einde="vervallen", datum_lbt="2023-04-01", uitslag_lbt="niet_haalbaar",
             datum_pip="2023-05-01", leerroute="z", datum_aanbod="2023-05-02")  # ends on P, PIP on Q
    x.wi2021(persoon_id="E", doelgroep="overig", datum_plicht="2023-01-01", datum_lbt="2024-05-02",
             uitslag_lbt="haalbaar", datum_pip="2024-05-01", leerroute="onderwijs")  # PIP on P, LBT after P
    x.wi2021(persoon_id="F", doelgroep="gezin", datum_plicht="2023-03-01", datum_einde="2023-04-01",
             reden_einde="voldaan", datum_lbt="2023-03-10", uitslag_lbt="niet_haalbaar",
             datum_pip="2023-03-15", leerroute="b1")  # ended before Q
    # --- Wi2013 ---------------------------------------------------------------------
    g = x.wi2013(persoon_id="G", doelgroep="asiel", datum_plicht="2016-03-01", analfabeet="ja")
    x.lening(g, "2017-01-01", "5000.00")
    x.lening(g, "2022-05-01", "4500.00")  # threshold reached exactly, on the first ELIP date
    x.examen(g, "2017-02-01", "knm")
    x.examen(g, "2018-02-01", "knm")  # passed twice: one part
    x.examen(g, "2019-02-01", "lezen", "gezakt")
    x.examen(g, "2024-04-02", "luisteren")  # after the last ELIP date
    h = x.wi2013(persoon_id="H", doelgroep="asiel", datum_plicht="2017-06-01")
    x.lening(h, "2018-01-01", "9499.99")  # one cent short
    i = x.wi2013(persoon_id="I", doelgroep="gezin", datum_plicht="2018-01-01")
    x.lening(i, "2019-01-01", "10000.00")  # gezin: never ELIP
    j = x.wi2013(persoon_id="J", doelgroep="asiel", datum_plicht="2019-02-01", datum_einde="2024-04-01",
                 reden_einde="ontheven")  # ends exactly on the last ELIP date
    x.lening(j, "2020-01-01", "9000.00")
    x.lening(j, "2022-10-16", "500.00")  # one day after the second ELIP date
    k = x.wi2013(persoon_id="K", doelgroep="asiel", datum_plicht="2021-07-01", analfabeet="nee")
    x.lening(k, "2021-09-01", "9600")
    lp = x.wi2013(persoon_id="L", doelgroep="asiel", datum_plicht="2023-02-01")
    x.lening(lp, "2023-06-01", "9500.00")
    m = x.wi2013(persoon_id="M", doelgroep="asiel", datum_plicht="2014-05-01", datum_einde="2019-01-01",
                 reden_einde="ingeburgerd")
    x.lening(m, "2015-01-01", "10000.00")
    x.wi2013(persoon_id="N", doelgroep="overig", datum_plicht="2013-01-01", datum_einde="2020-01-01",
             reden_einde="vrijgesteld")
    x.wi2013(persoon_id="O", doelgroep="gezin", datum_plicht="2024-01-15")
    x.wi2013(persoon_id="Pp", doelgroep="asiel", datum_plicht="2024-06-01")  # after P
    x.wi2013(persoon_id="R", doelgroep="asiel", datum_plicht="2015-01-01", datum_einde="2021-06-01",
             reden_einde="vervallen")
    return x.load(tmp_path_factory.mktemp("tiny"))


def test_kerncijfers_wi2021(ext):
    df = table("kerncijfers_wi2021", ext)
    assert values(df) == {("plichtig_geworden", "totaal"): 5, ("nog_plichtig", "totaal"): 3,
                          ("nog_plichtig_asiel", "totaal"): 2, ("nog_plichtig_gezin", "totaal"): 0,
                          ("nog_plichtig_overig", "totaal"): 1, ("met_pip", "totaal"): 2}
    pct = values(df, "procent")
    assert pct[("nog_plichtig", "totaal")] == pytest.approx(60)
    assert pct[("nog_plichtig_asiel", "totaal")] == pytest.approx(200 / 3)
    assert pct[("met_pip", "totaal")] == pytest.approx(200 / 3)


def test_tabel1(ext):
    df = table("tabel1", ext)
    assert values(df) == {("haalbaar", "b1_onderwijsroute"): 1, ("haalbaar", "z_route"): 0,
                          ("niet_haalbaar", "b1_onderwijsroute"): 1, ("niet_haalbaar", "z_route"): 1}
    col, row = values(df, "procent_kolom"), values(df, "procent_rij")
    assert col[("haalbaar", "b1_onderwijsroute")] == 50 and col[("niet_haalbaar", "z_route")] == 100
    assert row[("niet_haalbaar", "b1_onderwijsroute")] == 50 and row[("haalbaar", "z_route")] == 0


def test_tabel2_and_tabel4_at_p_and_q(ext):
    t2 = values(table("tabel2", ext, vorige_peildatum=Q))
    assert t2 == {("inburgeringsplichtig", "2024-05-01"): 3, ("met_pip", "2024-05-01"): 2,
                  ("inburgeringsplichtig", "2023-05-01"): 3, ("met_pip", "2023-05-01"): 2}
    t4 = table("tabel4", ext, vorige_peildatum=Q)
    assert values(t4) == {("asiel_met_pip", "2024-05-01"): 1, ("met_aanbod", "2024-05-01"): 1,
                          ("asiel_met_pip", "2023-05-01"): 2, ("met_aanbod", "2023-05-01"): 1}
    assert values(t4, "procent")[("met_aanbod", "2023-05-01")] == 50
    assert list(dict.fromkeys(t4["kolom"])) == ["2024-05-01", "2023-05-01"]


def test_tabel3_whole_inflow(ext):
    df = table("tabel3", ext)
    n = values(df)
    assert n[("b1", "asiel")] == 1 and n[("b1", "gezin")] == 1 and n[("b1", "totaal")] == 2
    assert n[("onderwijs", "overig")] == 1 and n[("z", "asiel")] == 1 and n[("z", "totaal")] == 1
    pct = values(df, "procent")
    assert pct[("b1", "totaal")] == 50 and pct[("onderwijs", "totaal")] == 25
    assert pct[("b1", "overig")] == 0 and pct[("onderwijs", "overig")] == 100


def test_kerncijfers_wi2013(ext):
    df = table("kerncijfers_wi2013", ext)
    assert values(df) == {("totaal", "totaal"): 10, ("ingeburgerd", "totaal"): 1, ("ontheven", "totaal"): 1,
                          ("vrijgesteld", "totaal"): 1, ("vervallen", "totaal"): 1,
                          ("nog_plichtig", "totaal"): 6}
    assert values(df, "procent")[("nog_plichtig", "totaal")] == 60


def test_tabel5_rows_of_zeros_and_no_vervallen(ext):
    df = table("tabel5", ext)
    n = values(df)
    assert list(dict.fromkeys(df["rij"])) == [str(y) for y in range(2013, 2025)]
    assert n[("2013", "voldaan")] == 1 and n[("2014", "voldaan")] == 1  # vrijgesteld, ingeburgerd
    for empty in ("2015", "2020", "2022"):  # 2015 only has a vervallen person
        assert [n[(empty, k)] for k in ("voldaan", "ontheven", "nog_plichtig", "totaal")] == [0, 0, 0, 0]
        assert math.isnan(values(df, "procent")[(empty, "voldaan")])
    assert n[("2019", "ontheven")] == 1 and n[("2024", "nog_plichtig")] == 1
    assert sum(n[(str(y), "totaal")] for y in range(2013, 2025)) == 9  # 10 minus the vervallen one


def test_tabel6_elip(ext):
    df = table("tabel6", ext, elip_drempel_cent=950000)
    n = values(df)
    assert [n[(d, "totaal")] for d in ("2022-05-01", "2022-10-15", "2023-07-01", "2023-11-01", "2024-04-01")] \
        == [2, 2, 4, 4, 3]
    assert n[("2022-05-01", "2016")] == 1 and n[("2022-05-01", "2021")] == 1
    assert n[("2023-07-01", "2019")] == 1 and n[("2024-04-01", "2019")] == 0  # J ends on that date
    assert n[("2023-07-01", "2022+")] == 1
    assert n[("2022-05-01", "2018")] == 0  # gezin with 10.000 euro of loans
    assert n[("2022-05-01", "2017")] == 0  # one cent short


def test_the_monitors_elip_series_is_tabel6s_total_column(ext):
    """The monthly series computes Tabel 6's Totaal alone (tabel6_totals); it must be the same
    column, cell for cell and person for person, as the whole table's."""
    dates = (dt.date(2022, 5, 1), dt.date(2022, 10, 15), dt.date(2023, 7, 1), dt.date(2024, 4, 1))
    whole = [(r, k, m) for r, k, m in T.tabel6_cells(ext, dates, 950000) if k == "totaal"]
    alone = T.tabel6_totals(ext, dates, 950000)
    assert [(r, k) for r, k, _ in alone] == [(r, k) for r, k, _ in whole]
    assert all((a == w).all() for (_, _, a), (_, _, w) in zip(alone, whole))
    assert [int(m.sum()) for _, _, m in alone] == [2, 2, 4, 3]


def test_the_loans_are_put_in_date_order_once_per_extract(ext, monkeypatch):
    """Tabel 6 at fourteen dates in the audit, at thirty in a monthly series: each sorted half
    a million loans again until the order was kept with the extract (Extract.once)."""
    from analysis.extract.model import Extract as Typed
    fresh = Typed(ext.wi2021, ext.wi2013, ext.leningen, ext.examens, ext.meta)
    sorts = []
    real = T._loans_by_date
    monkeypatch.setattr(T, "_loans_by_date", lambda e: sorts.append(e) or real(e))
    first = values(table("tabel6", fresh, elip_drempel_cent=950000))
    again = values(table("tabel6", fresh, elip_drempel_cent=949999))
    assert len(sorts) == 1
    assert first == values(table("tabel6", ext, elip_drempel_cent=950000))
    assert again[("2022-05-01", "2017")] == 1  # the threshold still moves the boundary


def test_threshold_parameter_moves_the_boundary(ext):
    n = values(table("tabel6", ext, elip_peildata=(dt.date(2022, 5, 1),), elip_drempel_cent=949999))
    assert n[("2022-05-01", "2017")] == 1  # 9499.99 now reaches it


def test_exams_passed_counts_distinct_parts_on_or_before(ext):
    passed = T.exams_passed_at(ext, dt.date(2024, 4, 1))
    g = int(np.flatnonzero(ext.wi2013["persoon_id"] == "G")[0])
    assert passed[g] == 1  # knm twice, lezen failed, luisteren after the date
    assert T.exams_passed_at(ext, dt.date(2024, 4, 2))[g] == 2


def test_status_before_the_plicht_started_is_undefined(ext):
    s = T.status_codes(ext.wi2013, P)
    assert (s[(ext.wi2013["persoon_id"] == "Pp").to_numpy()] == T.NOT_STARTED).all()


def test_parameters():
    assert one_year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert Parameters(peildatum=dt.date(2022, 12, 1)).elip == (dt.date(2022, 5, 1), dt.date(2022, 10, 15))
    with pytest.raises(UsageError, match="vorige-peildatum"):
        parse_parameters("2024-05-01", "2024-06-01")
    with pytest.raises(UsageError, match="na de peildatum"):
        parse_parameters("2024-05-01", elip_peildata="2024-06-01")
    with pytest.raises(UsageError, match="geen datum"):
        parse_parameters("1-5-2024")
    assert parse_parameters(elip_drempel="9499,99").elip_drempel_cent == 949999


def test_compute_all_gives_every_output_in_the_contract_shape(ext):
    from analysis.core import contract as C
    params = Parameters()
    res = registry.compute_all(ext, params)
    assert list(res) == list(registry.OUTPUTS)
    direct = {"kerncijfers_wi2021": T.kerncijfers_wi2021(ext.wi2021, P), "tabel1": T.tabel1(ext.wi2021, P),
              "tabel2": T.tabel2(ext.wi2021, P, Q), "tabel3": T.tabel3(ext.wi2021, P),
              "tabel4": T.tabel4(ext.wi2021, P, Q), "kerncijfers_wi2013": T.kerncijfers_wi2013(ext.wi2013, P),
              "tabel5": T.tabel5(ext.wi2013, P),
              "tabel6": T.tabel6(ext, params.elip, params.elip_drempel_cent)}
    assert set(direct) >= set(registry.PRINTED_OUTPUTS)  # a table of the suite's own may have its own test
    for name, df in res.items():
        assert list(df.columns) == list(C.OUTPUT_COLUMNS), name
        assert (df["tabel"] == name).all() and (df["peildatum"] == P.isoformat()).all(), name
        assert df["waarde"].dtype == float, name
        counts = df[df["eenheid"] == C.EENHEID_AANTAL]
        if name in direct:
            assert list(zip(counts["rij"], counts["kolom"], counts["waarde"])) == \
                [(r, k, float(n)) for r, k, n in direct[name]], name
    with pytest.raises(KeyError):
        registry.compute("tabel9", ext, params)


def test_every_percentage_is_its_count_over_its_base(ext):
    """Shares recomputed from the counts of the same output (0 of 0: undefined)."""
    res = registry.compute_all(ext, Parameters())

    def share(x, n):
        return 100 * x / n if n else math.nan
    t2, t5 = values(res["tabel2"]), values(res["tabel5"])
    for (rij, kolom), v in values(res["tabel2"], "procent").items():
        assert v == pytest.approx(share(t2[(rij, kolom)], t2[("inburgeringsplichtig", kolom)]), nan_ok=True)
    for (rij, kolom), v in values(res["tabel5"], "procent").items():
        assert v == pytest.approx(share(t5[(rij, kolom)], t5[(rij, "totaal")]), nan_ok=True)
    t4 = values(res["tabel4"])
    for (rij, kolom), v in values(res["tabel4"], "procent").items():
        assert v == pytest.approx(share(t4[(rij, kolom)], t4[("asiel_met_pip", kolom)]), nan_ok=True)
