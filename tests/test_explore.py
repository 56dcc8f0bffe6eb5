"""The exploration interface (contract section 6) on a tiny extract worked out by hand.

Persons at the edges: a plicht that starts on P and one that starts after it, a plicht
that ends on P, a PIP on P with a leerbaarheidstoets after P, loans exactly at and one cent
below the ELIP threshold, an exam passed twice, a failed one, one passed after P.
"""
from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.definitions import compute
from analysis.core import contract as C
from analysis.interface import kruistabel as K
from analysis.definitions import registry
from analysis.core.errors import UsageError
from analysis.interface.explore import Verkenning
from analysis.core.params import Parameters, parse_parameters
from analysis.interface.session import Session
from builders import Extract

P = dt.date(2024, 5, 1)


def build() -> Extract:
    x = Extract()
    x.wi2021(persoon_id="A", doelgroep="asiel", datum_plicht="2022-02-01", datum_lbt="2022-03-01",
             uitslag_lbt="haalbaar", datum_pip="2022-04-01", leerroute="b1", datum_aanbod="2022-05-01")
    x.wi2021(persoon_id="B", doelgroep="asiel", datum_plicht="2024-05-01")  # starts on P
    x.wi2021(persoon_id="C", doelgroep="gezin", datum_plicht="2024-05-02")  # after P
    x.wi2021(persoon_id="D", doelgroep="asiel", datum_plicht="2022-06-01", datum_einde="2024-05-01",
             reden_einde="vervallen", datum_lbt="2023-04-01", uitslag_lbt="niet_haalbaar",
             datum_pip="2023-05-01", leerroute="z", datum_aanbod="2023-05-02")  # ends on P
    x.wi2021(persoon_id="E", doelgroep="overig", datum_plicht="2023-01-01", datum_lbt="2024-05-02",
             uitslag_lbt="haalbaar", datum_pip="2024-05-01", leerroute="onderwijs")  # PIP on P, LBT after
    x.wi2021(persoon_id="F", doelgroep="gezin", datum_plicht="2023-03-01", datum_einde="2023-04-01",
             reden_einde="voldaan", datum_lbt="2023-03-10", uitslag_lbt="niet_haalbaar",
             datum_pip="2023-03-15", leerroute="b1")
    g = x.wi2013(persoon_id="G", doelgroep="asiel", datum_plicht="2016-03-01", analfabeet="ja")
    x.lening(g, "2017-01-01", "5000.00")
    x.lening(g, "2022-05-01", "4500.00")
    x.examen(g, "2017-02-01", "knm")
    x.examen(g, "2018-02-01", "knm")  # the same part twice
    x.examen(g, "2019-02-01", "lezen", "gezakt")
    x.examen(g, "2024-04-02", "luisteren")
    x.examen(g, "2024-05-02", "spreken")  # after P
    h = x.wi2013(persoon_id="H", doelgroep="asiel", datum_plicht="2017-06-01")
    x.lening(h, "2018-01-01", "9499.99")  # one cent short
    i = x.wi2013(persoon_id="I", doelgroep="gezin", datum_plicht="2018-01-01")
    x.lening(i, "2019-01-01", "10000.00")  # gezin: never ELIP
    x.wi2013(persoon_id="J", doelgroep="asiel", datum_plicht="2019-02-01", datum_einde="2024-04-01",
             reden_einde="ontheven")
    x.wi2013(persoon_id="M", doelgroep="asiel", datum_plicht="2014-05-01", datum_einde="2019-01-01",
             reden_einde="ingeburgerd", analfabeet="nee")
    x.wi2013(persoon_id="O", doelgroep="gezin", datum_plicht="2024-01-15")
    x.wi2013(persoon_id="Pp", doelgroep="asiel", datum_plicht="2024-06-01")  # after P
    return x


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    return build().load(tmp_path_factory.mktemp("verkenning"))


@pytest.fixture(scope="module")
def x(ext):
    return Verkenning(ext)


def cells(df, col="aantal"):
    return {(r.rij, r.kolom): getattr(r, col) for r in df.itertuples()}


# ---- kruistabel -----------------------------------------------------------------------------

def test_doelgroep_by_leerroute_with_zero_cells_and_percentages(x):
    df = x.kruistabel("doelgroep", "leerroute", "wi2021_plichtig_geworden", P)
    assert list(df.columns) == ["rij", "kolom", "aantal", "procent_rij", "procent_kolom"]
    assert list(zip(df["rij"], df["kolom"])) == [(d, r) for d in C.DOELGROEPEN for r in (*C.LEERROUTES, "geen")]
    n = cells(df)
    assert n == {("asiel", "b1"): 1, ("asiel", "onderwijs"): 0, ("asiel", "z"): 1, ("asiel", "geen"): 1,
                 ("gezin", "b1"): 1, ("gezin", "onderwijs"): 0, ("gezin", "z"): 0, ("gezin", "geen"): 0,
                 ("overig", "b1"): 0, ("overig", "onderwijs"): 1, ("overig", "z"): 0, ("overig", "geen"): 0}
    rij, kol = cells(df, "procent_rij"), cells(df, "procent_kolom")
    assert rij[("asiel", "b1")] == pytest.approx(100 / 3) and kol[("asiel", "b1")] == 50
    assert math.isnan(kol[("asiel", "onderwijs")]) is False and kol[("gezin", "onderwijs")] == 0
    assert math.isnan(kol[("gezin", "geen")]) is False
    assert df["aantal"].dtype == np.int64


def test_percentage_with_an_empty_base_is_nan(x):
    df = x.kruistabel("status", "aanbod", "wi2021_plichtig", P)  # A, B, E: all plichtig
    n = cells(df)
    assert n[("plichtig", "ja")] == 1 and n[("plichtig", "nee")] == 2 and sum(n.values()) == 3
    assert math.isnan(cells(df, "procent_rij")[("voldaan", "ja")])
    assert cells(df, "procent_kolom")[("voldaan", "ja")] == 0


def test_uitslag_after_p_is_geen_and_met_pip_population(x):
    n = cells(x.kruistabel("doelgroep", "uitslag_lbt", "wi2021_met_pip", "2024-05-01"))
    assert n[("asiel", "haalbaar")] == 1 and n[("overig", "geen")] == 1 and sum(n.values()) == 2


def test_wi2013_cohort_by_examens_and_analfabeet(x):
    df = x.kruistabel("cohort", "examens_gehaald", "wi2013_opgelegd", dt.date(2024, 5, 1))
    assert list(dict.fromkeys(df["rij"])) == [str(y) for y in range(2013, 2025)]
    assert list(dict.fromkeys(df["kolom"])) == [str(k) for k in range(7)]
    n = cells(df)
    assert n[("2016", "2")] == 1  # knm twice and luisteren; lezen failed; spreken after P
    assert n[("2013", "0")] == 0 and sum(n.values()) == 6
    a = cells(x.kruistabel("doelgroep", "analfabeet", "wi2013_plichtig", P))
    assert a == {("asiel", "ja"): 1, ("asiel", "nee"): 0, ("asiel", "onbekend"): 1, ("gezin", "ja"): 0,
                 ("gezin", "nee"): 0, ("gezin", "onbekend"): 2, ("overig", "ja"): 0, ("overig", "nee"): 0,
                 ("overig", "onbekend"): 0}
    s = cells(x.kruistabel("status", "doelgroep", "wi2013_opgelegd", P))
    assert s[("ontheven", "asiel")] == 1 and s[("ingeburgerd", "asiel")] == 1 and s[("plichtig", "gezin")] == 2


def test_elip_default_and_given_threshold(x):
    n = cells(x.kruistabel("cohort", "doelgroep", "elip", P))
    assert n[("2016", "asiel")] == 1 and sum(n.values()) == 1
    n = cells(x.kruistabel("cohort", "doelgroep", "elip", P, elip_drempel="9499,99"))
    assert n[("2017", "asiel")] == 1 and sum(n.values()) == 2


@pytest.mark.parametrize("populatie,before,start", [
    ("wi2021_plichtig", "2021-06-01", "2022-01-01"), ("wi2021_met_pip", "2021-12-31", "2022-01-01"),
    ("wi2013_opgelegd", "2012-06-01", "2013-01-01"), ("elip", "2012-12-31", "2013-01-01")])
def test_both_laws_alike_before_their_start(x, populatie, before, start):
    """One rule for both laws (docs/keuzes.md): a question about a population at a date
    before its law began is refused, naming the law's start and the date as given; on the
    first day of the law it is answered (and counts nobody here)."""
    law = "Wi2021" if populatie.startswith("wi2021") else "Wi2013"
    for call in (lambda d: x.kruistabel("doelgroep", "status", populatie, d),
                 lambda d: x.duur("einde", populatie, d)):
        with pytest.raises(UsageError, match=f"peildatum {before} ligt vóór de start van de {law} "
                                             f"\\({start}\\): populatie {populatie} bestaat dan nog niet"):
            call(before)
        assert call(start) is not None
    assert x.kruistabel("doelgroep", "status", populatie, start)["aantal"].sum() == 0


def test_tabel_before_a_laws_start_is_what_the_run_writes(x, ext):
    """`tabel` gives what a run at that P writes, and a run shows both laws: the Wi2021's
    tables in 2021 count nobody."""
    p = dt.date(2021, 6, 1)
    df = x.tabel("kerncijfers_wi2021", p)
    pd.testing.assert_frame_equal(df, compute.output("kerncijfers_wi2021", ext, Parameters(peildatum=p)))
    assert (df[df["eenheid"] == "aantal"]["waarde"] == 0).all()


def test_jaar_lbt_extension_answers_which_leerroute_those_tested_in_a_year_got(x):
    """A tested 2022 (b1); D and F tested 2023 (z, b1); E tested after P (geen; onderwijs);
    B never tested. At 31 March 2023 D's test (1 April) has not happened yet."""
    df = x.kruistabel("jaar_lbt", "leerroute", "wi2021_plichtig_geworden", P)
    assert list(dict.fromkeys(df["rij"])) == ["2022", "2023", "2024", "geen"]
    n = {k: v for k, v in cells(df).items() if v}
    assert n == {("2022", "b1"): 1, ("2023", "b1"): 1, ("2023", "z"): 1, ("geen", "onderwijs"): 1,
                 ("geen", "geen"): 1}
    assert cells(df, "procent_rij")[("2023", "z")] == 50
    n = {k: v for k, v in cells(x.kruistabel("jaar_lbt", "leerroute", "wi2021_plichtig_geworden",
                                             "2023-03-31")).items() if v}
    assert n == {("2022", "b1"): 1, ("2023", "b1"): 1, ("geen", "geen"): 2}
    with pytest.raises(UsageError, match="'jaar_lbt' bestaat niet voor de Wi2013"):
        x.kruistabel("jaar_lbt", "cohort", "wi2013_opgelegd", P)


# ---- tabel ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", registry.OUTPUTS)
def test_tabel_is_the_registry_computation(x, ext, name):
    pd.testing.assert_frame_equal(x.tabel(name, "2024-05-01"), compute.output(name, ext, Parameters(peildatum=P)))


def test_tabel_passes_the_run_options(x, ext):
    opties = dict(vorige_peildatum="2023-10-01", elip_peildata="2022-05-01,2023-07-01", elip_drempel="9499.99")
    params = parse_parameters("2024-05-01", **opties)
    for name in ("tabel2", "tabel6"):
        pd.testing.assert_frame_equal(x.tabel(name, P, **opties), compute.output(name, ext, params))


@pytest.mark.parametrize("name", registry.OUTPUTS + registry.MONITOR_OUTPUTS)
def test_tabel_with_celbeveiliging_is_what_the_run_writes(ext, name, tmp_path):
    session = Session(extract=ext, params=Parameters(peildatum=P, celbeveiliging=2), out=tmp_path)
    got = Verkenning(ext, celbeveiliging=2).tabel(name, P)
    pd.testing.assert_frame_equal(got.drop(columns="reden"), session._protected(name))
    # each hidden value says why, a shown one says nothing
    assert got.loc[got["reden"] != "", "waarde"].isna().all()
    assert (got.loc[got["waarde"].notna(), "reden"] == "").all()
    assert not any(tmp_path.iterdir())  # nothing written


# ---- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda x: x.kruistabel("doelgroep", "cohort", "iedereen", P), "Onbekende populatie 'iedereen'. Kies uit: wi2021"),
    (lambda x: x.kruistabel("analfabeet", "cohort", "wi2021_plichtig", P),
     "'analfabeet' bestaat niet voor de Wi2021 .*Mogelijk: doelgroep, cohort, status, uitslag_lbt, leerroute, aanbod"),
    (lambda x: x.kruistabel("doelgroep", "leerroute", "elip", P),
     "'leerroute' bestaat niet voor de Wi2013 .*Mogelijk: doelgroep, cohort, status, analfabeet, examens_gehaald"),
    (lambda x: x.kruistabel("leeftijd", "cohort", "wi2013_opgelegd", P), "'leeftijd' is onbekend"),
    (lambda x: x.kruistabel("doelgroep", "cohort", "wi2021_plichtig", "1-5-2024"), "geen datum"),
    (lambda x: x.kruistabel("doelgroep", "cohort", "elip", P, elip_drempel="veel"), "geen bedrag"),
    (lambda x: x.tabel("tabel9", P), "Onbekende tabel 'tabel9'. Kies uit: kerncijfers_wi2021"),
    (lambda x: x.tabel("tabel2", P, vorige="2023-05-01"), "Onbekende optie.*vorige_peildatum"),
    (lambda x: x.tabel("tabel2", P, vorige_peildatum="2024-06-01"), "ligt niet vóór"),
    (lambda x: x.duur("pip", "elip", P), "alleen in de Wi2021"),
    (lambda x: x.duur("pip", "wi2021_plichtig", None), "Geef een peildatum op"),
    (lambda x: x.duur("start", "wi2021_plichtig", P), "Onbekende gebeurtenis 'start'. Kies uit: pip, einde"),
    (lambda x: x.duur("einde", "iedereen", P), "Onbekende populatie 'iedereen'. Kies uit: wi2021"),
    (lambda x: x.duur("einde", "wi2013_opgelegd", P, groep="leerroute"),
     "'leerroute' bestaat niet voor de Wi2013 .*Mogelijk: doelgroep, cohort"),
    (lambda x: x.duur("pip", "wi2021_plichtig", P, groep="leeftijd"), "'leeftijd' is onbekend .*Mogelijk: doelgroep"),
    (lambda x: x.kruistabel("doelgroep", "leeftijd", "wi2021_plichtig", P), "'leeftijd' is onbekend .*Mogelijk"),
    (lambda x: x.tabel(None, P), "Onbekende tabel 'None'. Kies uit"),
    (lambda x: x.mediaan(x.kruistabel("doelgroep", "cohort", "wi2021_plichtig", P)), "resultaat van duur"),
])
def test_refusals_name_the_valid_choices(x, call, message):
    with pytest.raises(UsageError, match=message):
        call(x)


def test_celbeveiliging_must_be_a_whole_number(ext):
    for bad in (-1, 2.5, "veel"):
        with pytest.raises(UsageError, match="celbeveiliging"):
            Verkenning(ext, celbeveiliging=bad)


@pytest.mark.parametrize("bad,message", [("10", "geen geheel getal|moet een geheel getal zijn"),
                                         (True, "moet een geheel getal zijn"), (False, "moet een geheel getal zijn"),
                                         (10.0, "moet een geheel getal zijn"), (None, "moet een geheel getal zijn"),
                                         (1, "2 of meer"), (np.int64(1), "2 of meer")])
def test_celbeveiliging_is_refused_unless_zero_or_at_least_two(ext, tmp_path, monkeypatch, bad, message):
    """Text and booleans are refused, not converted (True would be 1); contract section 8:
    N >= 2, and 0 means none. open_extract refuses before it derives anything."""
    with pytest.raises(UsageError, match=message) as info:
        Verkenning(ext, celbeveiliging=bad)
    assert "0 (geen afscherming)" in str(info.value) or "0 voor geen afscherming" in str(info.value)
    monkeypatch.setenv("ANALYSIS_DERIVED", str(tmp_path / "cache"))
    with pytest.raises(UsageError, match=message):
        analysis.open_extract(build().write(tmp_path / "x"), celbeveiliging=bad)
    assert not (tmp_path / "cache").exists()


def test_celbeveiliging_accepts_whole_numbers_as_python_holds_them(ext):
    assert [Verkenning(ext, celbeveiliging=n).celbeveiliging for n in (0, 2, np.int64(5))] == [0, 2, 5]


def test_open_extract_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UsageError, match="bestaat niet"):
        analysis.open_extract(tmp_path / "nergens")


# ---- horizon --------------------------------------------------------------------------------

def test_stand_per_is_the_latest_event_without_meta(x):
    assert x.stand_per == dt.date(2024, 6, 1)  # Pp's datum_plicht: later than every other date


def test_peildatum_after_the_horizon(ext):
    x = Verkenning(ext)
    with pytest.warns(UserWarning, match="1 juni 2024"):
        x.kruistabel("doelgroep", "cohort", "wi2021_plichtig", "2024-07-01")
    # an extract whose metadata states stand_per (contract v1.1)
    import copy
    stated_ext = copy.copy(ext)
    stated_ext.meta = copy.copy(ext.meta)
    stated_ext.meta.stand_per = stated_ext.meta.horizon = dt.date(2024, 6, 15)
    stated = Verkenning(stated_ext)
    assert stated.stand_per == dt.date(2024, 6, 15)
    with pytest.raises(UsageError, match="15 juni 2024"):
        stated._peildatum("2024-07-01")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert stated._peildatum("2024-06-15") == dt.date(2024, 6, 15)


# ---- open_extract ---------------------------------------------------------------------------

def test_open_extract_writes_only_the_derived_cache(tmp_path, monkeypatch, ext):
    folder = build().write(tmp_path / "extract")
    monkeypatch.setenv("ANALYSIS_DERIVED", str(tmp_path / "cache"))
    before = set((tmp_path / "extract").iterdir())
    opened = analysis.open_extract(folder, celbeveiliging=0)
    pd.testing.assert_frame_equal(opened.tabel("tabel3", dt.date(2024, 5, 1)),
                                  compute.output("tabel3", ext, Parameters(peildatum=P)))
    assert set((tmp_path / "extract").iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "extract"]


def test_import_analysis_stays_cheap():
    import subprocess
    import sys
    code = ("import sys, analysis; heavy = [m for m in ('pandas', 'lifelines', 'analysis.interface.explore') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- celbeveiliging -------------------------------------------------------------------------

def table(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([(r, k, n, np.nan, np.nan) for (r, k), n in counts.items()], columns=list(K.COLUMNS))


def test_kruistabel_protection_leaves_no_count_below_n_to_an_independent_reader(ext):
    """The cross-table's cells and the margins its percentages reveal, beside what the run at
    that P publishes: the reader of tests/reader.py bounds none of them below N."""
    from analysis.publication import run as publication_run
    from reader import findings
    v = Verkenning(ext, celbeveiliging=3)
    df = v.kruistabel("doelgroep", "leerroute", "wi2021_plichtig_geworden", P)
    counts, _, key = K.published(v.extract, "doelgroep", "leerroute", "wi2021_plichtig_geworden",
                                 P)
    run = publication_run.run_publication(v.extract, Parameters(peildatum=P, celbeveiliging=3))
    run_pattern = publication_run.run_pattern(v.extract, Parameters(peildatum=P, celbeveiliging=3))
    hidden_cells = {key(r.rij, r.kolom) for r in df.itertuples() if math.isnan(r.aantal)}
    margins = [c.key for c in counts if "totaal" in (c.key.rij, c.key.kolom)]

    def hides(k):
        if k.tabel == key("a", "b").tabel:  # a margin is shown when a percentage on it is
            return k in hidden_cells if k not in margins else _margin_hidden(df, k)
        return run_pattern.hides(k)
    wi2021 = [c for c in run.counts.values() if c.wet == "wi2021"]
    assert findings(wi2021 + counts, hides, 3) == []
    assert (df.loc[df["aantal"].isna(), "reden"] != "").all() and (df.loc[df["aantal"].notna(), "reden"] == "").all()


def _margin_hidden(df, k) -> bool:
    if k.rij == "totaal" and k.kolom == "totaal":
        return df["procent_rij"].isna().all() and df["procent_kolom"].isna().all()
    if k.kolom == "totaal":
        return df.loc[df["rij"] == k.rij, "procent_rij"].isna().all()
    return df.loc[df["kolom"] == k.kolom, "procent_kolom"].isna().all()


def test_kruistabel_protection_empties_counts_and_the_percentages_resting_on_them(x, ext):
    plain = x.kruistabel("doelgroep", "leerroute", "wi2021_plichtig_geworden", P)
    df = Verkenning(ext, celbeveiliging=2).kruistabel("doelgroep", "leerroute", "wi2021_plichtig_geworden", P)
    assert df["aantal"].dtype == float
    hidden = df["aantal"].isna()
    assert (hidden[plain["aantal"] == 1]).all()  # every count below 2 (and above 0)
    assert not hidden[plain["aantal"] == 0].any()  # a zero identifies no one
    for col in ("procent_rij", "procent_kolom"):
        assert df.loc[hidden, col].isna().all()  # a percentage of a hidden count would give it away
        shown = df[col].notna()
        pd.testing.assert_series_equal(df.loc[shown, col], plain.loc[shown, col])
    assert (df.loc[hidden, "reden"] != "").all() and (df.loc[~hidden, "reden"] == "").all()


def test_duur_with_celbeveiliging_reads_at_days_only(ext):
    with pytest.raises(UsageError, match="alleen op gekozen dagen.*dagen=\\[91, 182, 365, 730\\]"):
        Verkenning(ext, celbeveiliging=2).duur("einde", "wi2013_opgelegd", P)


def test_duur_with_celbeveiliging_does_not_give_the_competing_outcome_away(tmp_path):
    """Issue 16: a cohort of 12, 11 ingeburgerd on day 300 and 1 ontheven on day 500. On day 300
    all 12 are still followed and 11/12 are ingeburgerd: shown together they give the one
    ontheven away (12 - 11), so at N = 10 one of the two is hidden, with its reason; the one
    followed on day 500 is hidden too."""
    x = Extract()
    start = dt.date(2018, 1, 1)
    for i in range(12):
        end, reden = (start + dt.timedelta(days=300), "ingeburgerd") if i < 11 else \
            (start + dt.timedelta(days=500), "ontheven")
        x.wi2013(datum_plicht=start.isoformat(), datum_einde=end.isoformat(), reden_einde=reden)
    v = Verkenning(x.load(tmp_path), celbeveiliging=10, min_at_risk=1)
    plain = Verkenning(v.extract, min_at_risk=1).duur("einde", "wi2013_opgelegd", P, groep="cohort", dagen=[300, 500])
    df = v.duur("einde", "wi2013_opgelegd", P, groep="cohort", dagen=[300, 500])
    at = (df["groep"] == "2018") & (df["dagen"] == 300) & (df["uitkomst"] == "ingeburgerd")
    assert plain.loc[at, "cumulatieve_incidentie"].iloc[0] == pytest.approx(11 / 12)
    assert plain.loc[at, "at_risk"].iloc[0] == 12
    row = df[at].iloc[0]
    assert math.isnan(row["cumulatieve_incidentie"]) or math.isnan(row["at_risk"])
    assert row["reden"] != ""
    late = df[(df["groep"] == "2018") & (df["dagen"] == 500)]
    assert late["at_risk"].isna().all() and (late["reden"] != "").all()


def test_tabel_gives_the_monitor_outputs_too(x, ext):
    from analysis.definitions import monitor
    for name in monitor.OUTPUTS:
        pd.testing.assert_frame_equal(x.tabel(name, P), monitor.compute(name, ext, P))


# ---- contract 1.2: min_at_risk, duur at given days, merged outcomes ------------------------------

def test_min_at_risk_is_an_interface_parameter_with_the_runs_default(ext, tmp_path):
    from analysis.definitions import monitor
    assert Verkenning(ext).min_at_risk == Parameters.min_at_risk == Parameters().min_at_risk
    one = Verkenning(ext, min_at_risk=1)
    assert "min_at_risk 1" in repr(one)
    for name in (monitor.COHORT_UITKOMST, monitor.DUUR_TOT_PIP):
        pd.testing.assert_frame_equal(one.tabel(name, P), monitor.compute(name, ext, P, min_at_risk=1))
    with_default, with_one = (v.tabel(monitor.COHORT_UITKOMST, P) for v in (Verkenning(ext), one))
    assert with_default["waarde"].isna().sum() > with_one["waarde"].isna().sum()
    for bad in (0, -2, 2.5, "20", True, None.__class__):
        with pytest.raises(UsageError, match="min_at_risk .*geheel getal van 1 of meer"):
            Verkenning(ext, min_at_risk=bad)
    with pytest.raises(UsageError, match="min_at_risk 0"):  # refused before the folder is even looked at
        analysis.open_extract(tmp_path / "nergens", min_at_risk=0)


def test_duur_at_days_within_a_cohort_equals_the_monitor(ext):
    """One reader (contract 1.2 section 6): duur(..., dagen=[365, ...]) within a cohort is
    cohort_uitkomst_wi2013, and at 91 ... 730 days per doelgroep duur_tot_pip_wi2021."""
    from analysis.definitions import monitor
    v = Verkenning(ext, min_at_risk=1)
    for name, gebeurtenis, populatie, groep, dagen, suffix in (
            (monitor.COHORT_UITKOMST, "einde", "wi2013_opgelegd", "cohort",
             [j * monitor.DAGEN_PER_JAAR for j in monitor.COHORT_JAREN], lambda d: f"_{d // monitor.DAGEN_PER_JAAR}j"),
            (monitor.DUUR_TOT_PIP, "pip", "wi2021_plichtig_geworden", "doelgroep", list(monitor.PIP_DAGEN),
             lambda d: "")):
        table = {(r.rij, r.kolom, r.eenheid): r.waarde for r in v.tabel(name, P).itertuples()}
        d = v.duur(gebeurtenis, populatie, P, groep=groep, dagen=dagen)
        compared = 0
        for r in d.itertuples():
            kolom = r.uitkomst if name == monitor.COHORT_UITKOMST else f"{r.dagen}d"
            if (r.groep, kolom, "procent" + suffix(r.dagen)) not in table or r.uitkomst == "einde_zonder_pip":
                continue  # cohorts before the first plicht and einde_zonder_pip are not in the monitor
            for col, eenheid, scale in (("cumulatieve_incidentie", "procent", 100), ("ci_laag", "ci_laag", 100),
                                        ("ci_hoog", "ci_hoog", 100), ("at_risk", "at_risk", 1)):
                want, got = table[(r.groep, kolom, eenheid + suffix(r.dagen))], scale * getattr(r, col)
                assert got == pytest.approx(want, abs=1e-12) or (math.isnan(got) and math.isnan(want))
            compared += 1
        assert compared >= 12 and d["cumulatieve_incidentie"].notna().sum() >= 4


def test_duur_merged_outcomes_at_a_day_and_their_protection(ext):
    """Everyone of the Wi2013 at day 2000: G, H, I still followed (3); M ingeburgerd on day 1706 and J
    ontheven on day 1886 are the only outcomes, O censored on day 107. Merged they are one way out:
    Kaplan-Meier 1 - (4/5)(3/4) = 2/5. With celbeveiliging 2 each reason alone (one person) is hidden;
    the merged outcome (two persons) is shown unless, with the size and at_risk, it gives O away
    (6 - 3 - 2 = 1): then it says why it is hidden."""
    ask = dict(dagen=[2000], uitkomsten={"weg": ["ingeburgerd", "ontheven"]})
    df = Verkenning(ext, min_at_risk=1).duur("einde", "wi2013_opgelegd", P, **ask)
    assert df["uitkomst"].tolist() == ["weg", "vrijgesteld", "vervallen"] and (df["at_risk"] == 3).all()
    assert df["cumulatieve_incidentie"].tolist() == pytest.approx([2 / 5, 0, 0])
    shown = Verkenning(ext, celbeveiliging=2, min_at_risk=1).duur("einde", "wi2013_opgelegd", P, **ask)
    first = shown.iloc[0]
    assert first["cumulatieve_incidentie"] == pytest.approx(2 / 5) or first["reden"].startswith("afgeleid")
    assert shown["at_risk"].isna().all() or (shown["at_risk"] == 3).all()
    apart = Verkenning(ext, celbeveiliging=2, min_at_risk=1).duur("einde", "wi2013_opgelegd", P, dagen=[2000])
    for reden in ("ingeburgerd", "ontheven"):
        row = apart[apart["uitkomst"] == reden].iloc[0]
        assert row[["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].isna().all()
    with pytest.raises(UsageError, match="Onbekende uitkomst 'voldaan'.*Kies uit: ingeburgerd, vrijgesteld"):
        Verkenning(ext).duur("einde", "wi2013_opgelegd", P, uitkomsten={"x": ["voldaan"]})


@pytest.mark.slow
def test_duur_at_days_equals_the_monitor_on_the_synthetic_extract(synthetic):
    """The same on the national-size extract with the default min_at_risk: cohorts whose five-year
    share is withheld are those with fewer than that many still followed."""
    from analysis.definitions import monitor
    v = Verkenning(synthetic)
    p = v.stand_per
    dagen = [j * monitor.DAGEN_PER_JAAR for j in monitor.COHORT_JAREN]
    d = v.duur("einde", "wi2013_opgelegd", p, groep="cohort", dagen=dagen)
    t = {(r.rij, r.kolom, r.eenheid): r.waarde for r in v.tabel(monitor.COHORT_UITKOMST, p).itertuples()}
    for r in d[d["groep"].isin({k[0] for k in t})].itertuples():
        j = r.dagen // monitor.DAGEN_PER_JAAR
        want = t[(r.groep, r.uitkomst, f"procent_{j}j")]
        assert 100 * r.cumulatieve_incidentie == pytest.approx(want, abs=1e-12) or (
            math.isnan(want) and math.isnan(r.cumulatieve_incidentie))
        assert t[(r.groep, r.uitkomst, f"at_risk_{j}j")] == r.at_risk
        assert math.isnan(want) == (r.at_risk < Parameters.min_at_risk)
