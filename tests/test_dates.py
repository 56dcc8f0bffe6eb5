"""The fast date reader against Python's own calendar."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.extract.validation import _iso_fixed


def python_says(text: str):
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return (d - dt.date(1970, 1, 1)).days if d.isoformat() == text else None


def check(values):
    days, good = _iso_fixed(pa.array(values))
    for v, d, g in zip(values, days, good):
        expected = python_says(v)
        assert g == (expected is not None), v
        if g:
            assert d == expected, v


def test_calendar_edges():
    check(["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2023-13-01", "2023-00-10",
           "2023-04-31", "2023-04-30", "1970-01-01", "1969-12-31", "2099-12-31", "2023/01/01",
           "2023-01-0a", "0000-01-01", "9999-12-31", "2023-12-00"])


@given(st.text(alphabet="0123456789-/ x", min_size=10, max_size=10))
@settings(max_examples=500, deadline=None)
def test_random_ten_character_strings(text):
    check([text])


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_every_real_date(d):
    check([d.isoformat()])


# ---- peildata as the caller holds them (contract section 6; issue 17 items 3 and 6) ----------

import json  # noqa: E402
import math  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import cli
from analysis.definitions import compute
from analysis.extract import horizon  # noqa: E402
from analysis.core.errors import UsageError  # noqa: E402
from analysis.interface.explore import Verkenning  # noqa: E402
from analysis.core.params import Parameters, parse_date, parse_parameters  # noqa: E402
from builders import Extract, valid_extract  # noqa: E402

P = dt.date(2024, 5, 1)


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    x = Extract()
    x.wi2021(persoon_id="A1", doelgroep="asiel", datum_plicht="2022-03-01", datum_pip="2022-06-01", leerroute="b1")
    x.wi2021(persoon_id="A2", doelgroep="gezin", datum_plicht="2023-02-01", datum_einde="2024-01-01",
             reden_einde="vervallen")
    b = x.wi2013(persoon_id="B1", doelgroep="asiel", datum_plicht="2013-02-01")
    x.lening(b, "2013-03-01", "9500.00")
    x.examen(b, "2024-05-01", "knm")  # the horizon: P
    x.wi2013(persoon_id="B2", doelgroep="gezin", datum_plicht="2013-03-01", datum_einde="2013-05-01",
             reden_einde="ingeburgerd")
    return x.load(x.write(tmp_path_factory.mktemp("datums")))


@pytest.fixture(scope="module")
def x(ext):
    return Verkenning(ext)


SAME_DAY = [P.isoformat(), P, dt.datetime(2024, 5, 1), pd.Timestamp("2024-05-01"), np.datetime64("2024-05-01"),
            pd.Timestamp("2024-05-01", tz="Europe/Amsterdam")]


def _calls(x):
    return {"tabel": lambda d: x.tabel("tabel2", d),
            "kruistabel": lambda d: x.kruistabel("doelgroep", "status", "wi2021_plichtig_geworden", d),
            "duur": lambda d: x.duur("einde", "wi2013_opgelegd", d)}


@pytest.mark.parametrize("value", SAME_DAY, ids=lambda v: type(v).__name__ + ("+tz" if getattr(v, "tz", None) else ""))
def test_every_method_accepts_every_kind_of_date(x, value):
    for method, call in _calls(x).items():
        pd.testing.assert_frame_equal(call(value), call(P.isoformat()), obj=method)


def test_the_run_options_accept_them_too(x, ext):
    opties = dict(vorige_peildatum=pd.Timestamp("2023-10-01"),
                  elip_peildata=[dt.datetime(2022, 5, 1), np.datetime64("2023-07-01")])
    expected = parse_parameters("2024-05-01", "2023-10-01", "2022-05-01,2023-07-01")
    for name in ("tabel2", "tabel6"):
        pd.testing.assert_frame_equal(x.tabel(name, pd.Timestamp(P), **opties), compute.output(name, ext, expected))


NOT_A_DAY = [(dt.datetime(2024, 5, 1, 14, 30), "heeft een tijdstip"),
             (pd.Timestamp("2024-05-01 00:00:00.000001"), "heeft een tijdstip"),
             (None, "Geef een peildatum op"), (pd.NaT, "Geef een peildatum op"),
             (float("nan"), "Geef een peildatum op"), (np.datetime64("NaT"), "Geef een peildatum op"),
             (pd.NA, "Geef een peildatum op"), (20240501, "is geen datum")]


@pytest.mark.parametrize("value,message", NOT_A_DAY, ids=lambda v: repr(v)[:30])
def test_a_time_of_day_or_a_missing_date_is_refused_by_the_arguments_name(x, value, message):
    for method, call in _calls(x).items():
        with pytest.raises(UsageError, match=message) as info:
            call(value)
        assert "peildatum" in str(info.value) and "--" not in str(info.value), method


@pytest.mark.parametrize("opties,name", [
    (dict(vorige_peildatum=pd.NaT), "vorige_peildatum"),
    (dict(vorige_peildatum=dt.datetime(2023, 5, 1, 9)), "vorige_peildatum"),
    (dict(vorige_peildatum="2024-06-01"), "vorige_peildatum"),
    (dict(elip_peildata=[pd.Timestamp("2023-07-01 12:00")]), "elip_peildata"),
    (dict(elip_peildata="2024-06-01"), "elip_peildata"),
    (dict(elip_drempel="veel"), "elip_drempel"),
    (dict(elip_drempel="9500.005"), "elip_drempel"),
])
def test_tabel_names_its_own_options_not_the_command_lines(x, opties, name):
    with pytest.raises(UsageError, match=name) as info:
        x.tabel("tabel6" if "elip_peildata" in opties else "tabel2", P, **opties)
    assert "--" not in str(info.value)


def test_the_same_dates_on_the_command_line_name_the_options(tmp_path, capsys):
    code = cli.main(["run", "--peildatum", "2024-05-01T14:30", "--out", str(tmp_path / "uit"),
                     "--derived", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 2 and "--peildatum '2024-05-01T14:30' is geen datum" in err
    assert list(tmp_path.iterdir()) == []


def test_one_parser_for_the_notebooks_naming_their_parameters(ext, tmp_path):
    from analysis.extract import derived
    from analysis.interface.session import open_session
    folder = derived.derive(valid_extract(tmp_path / "x"), tmp_path / "d")
    with pytest.raises(UsageError, match="^vorige_peildatum 2024-06-01 ligt niet vóór peildatum 2024-05-01"):
        open_session(derived_dir=str(folder), peildatum="2024-05-01", vorige_peildatum="2024-06-01")


# ---- the horizon in the interface: the method's own words ------------------------------------

def stated(ext, day: dt.date):
    import copy
    e = copy.copy(ext)
    e.meta = copy.copy(ext.meta)
    e.meta.stand_per = e.meta.horizon = day
    return Verkenning(e)


def test_kruistabel_and_duur_past_stand_per_name_only_their_peildatum(ext):
    v = stated(ext, dt.date(2024, 1, 1))
    for call in (lambda: v.kruistabel("doelgroep", "status", "wi2021_plichtig", "2024-05-01"),
                 lambda: v.duur("einde", "wi2013_opgelegd", "2024-05-01")):
        with pytest.raises(UsageError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith("De peildatum 1 mei 2024 ligt na de stand van het extract (1 januari 2024")
        assert "vergelijkingspeildatum" not in msg


def test_tabel_past_stand_per_names_its_options(ext):
    v = stated(ext, dt.date(2023, 12, 31))
    with pytest.raises(UsageError) as info:
        v.tabel("tabel6", "2024-05-01", elip_peildata=["2022-05-01", "2024-04-01"], vorige_peildatum="2024-01-15")
    assert str(info.value).startswith("De peildatum 1 mei 2024, vorige_peildatum 15 januari 2024 en elip_peildata "
                                      "1 april 2024 liggen na de stand van het extract (31 december 2023")


# ---- a run's refusal names the user's own dates ----------------------------------------------

def test_a_refusal_never_lists_default_dates_the_user_did_not_give(ext):
    """With the extract drawn on 1 October 2023, the default run (P 1 May 2024) is refused for
    P alone; the default ELIP peildata of November 2023 and April 2024 were never typed."""
    e = stated(ext, dt.date(2023, 10, 1)).extract
    with pytest.raises(UsageError) as info:
        horizon.check(e, Parameters(), warn=pytest.fail)
    msg = str(info.value)
    assert msg.startswith("De peildatum 1 mei 2024 ligt na de stand") and "ELIP" not in msg
    given = Parameters(peildatum=P, elip_peildata=(dt.date(2023, 7, 1), dt.date(2023, 11, 1), dt.date(2024, 4, 1)))
    with pytest.raises(UsageError) as info:
        horizon.check(e, given, warn=pytest.fail)
    assert str(info.value).startswith("De peildatum 1 mei 2024 en ELIP-peildata 1 november 2023 en 1 april 2024 "
                                      "liggen na de stand")
    one = Parameters(peildatum=dt.date(2023, 10, 1), vorige_peildatum=dt.date(2022, 10, 1),
                     elip_peildata=(dt.date(2023, 7, 1),))
    horizon.check(e, one, warn=pytest.fail)  # all on or before the horizon


def test_the_warning_without_stand_per_names_the_users_dates_too(ext):
    e = stated(ext, dt.date(2023, 10, 1)).extract
    e.meta.stand_per = None
    said = []
    horizon.check(e, Parameters(), warn=said.append)
    assert len(said) == 1 and said[0].startswith("de peildatum 1 mei 2024 ligt na de laatste gebeurtenis")


def test_a_run_past_stand_per_is_refused_before_anything_is_written(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    meta = json.loads((extract / "extract.json").read_text())
    (extract / "extract.json").write_text(json.dumps(meta | {"stand_per": "2024-01-31"}))
    code = cli.main(["run", "--extract", str(extract), "--peildatum", "2024-05-01", "--out", str(tmp_path / "uit"),
                     "--derived", str(tmp_path / "afgeleid")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("De peildatum 1 mei 2024 ligt na de stand van het extract (31 januari 2024")
    assert "ELIP" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract"]  # no derived copy, no --out


# ---- early in a law's life -------------------------------------------------------------------

def test_a_default_comparison_date_before_2013_counts_nothing(x, ext):
    """P in 2013: Q (P minus one year) lies before the Wi2013 and counts nobody; a Q typed
    before 2013 is still refused, unless it is that default."""
    df = x.tabel("tabel2", "2013-06-01")
    assert set(df["kolom"]) == {"2013-06-01", "2012-06-01"}
    assert (df[df["eenheid"] == "aantal"]["waarde"] == 0).all()
    wi13 = x.tabel("kerncijfers_wi2013", "2013-06-01").set_index(["rij", "eenheid"])["waarde"]
    assert wi13[("totaal", "aantal")] == 2 and wi13[("nog_plichtig", "aantal")] == 1
    assert parse_parameters("2013-06-01", "2012-06-01").q == dt.date(2012, 6, 1)
    with pytest.raises(UsageError, match="--vorige-peildatum 2012-07-01 valt buiten de periode"):
        parse_parameters("2013-06-01", "2012-07-01")
    with pytest.raises(UsageError, match="^vorige_peildatum 2012-07-01 valt buiten de periode"):
        x.tabel("tabel2", "2013-06-01", vorige_peildatum="2012-07-01")


def test_parse_date_is_the_one_reader():
    assert parse_date(" 2024-05-01 ", "x") == P
    assert parse_date("2012-06-01", "x", earliest=None) == dt.date(2012, 6, 1)
    with pytest.raises(UsageError, match="^x 2101-01-01 valt buiten"):
        parse_date("2101-01-01", "x", earliest=None)


def test_a_horizon_warning_points_at_the_callers_line(ext):
    v = Verkenning(ext)
    for call in (lambda: v.kruistabel("doelgroep", "status", "wi2021_plichtig", "2024-06-01"),
                 lambda: v.tabel("tabel3", "2024-06-01")):
        with pytest.warns(UserWarning, match="peildatum 1 juni 2024") as record:
            call()
        assert record[0].filename == __file__


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_a_run_early_in_the_wi2013_end_to_end(tmp_path, capsys):
    """P in 2013 (issue 17): the default Q falls in 2012 and counts nothing, no default ELIP
    peildatum has come yet, the Wi2021 has not started; the whole run, notebooks and report,
    goes through, and records the folder it ends up in."""
    x = Extract()
    b = x.wi2013(persoon_id="B1", doelgroep="asiel", datum_plicht="2013-02-01")
    x.lening(b, "2013-03-01", "9500.00")
    x.wi2013(persoon_id="B2", doelgroep="gezin", datum_plicht="2013-03-01", datum_einde="2013-05-01",
             reden_einde="ingeburgerd")
    x.wi2021(persoon_id="A1", datum_plicht="2022-03-01")
    extract = x.write(tmp_path / "extract")
    out = tmp_path / "rapport"
    code = cli.main(["run", "--extract", str(extract), "--peildatum", "2013-06-01", "--out", str(out),
                     "--derived", str(tmp_path / "afgeleid"), "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    from analysis.definitions import outputs
    t2 = outputs.read_table(out / "tables" / "tabel2.csv")
    assert set(t2["kolom"]) == {"2013-06-01", "2012-06-01"}
    assert (t2[t2["eenheid"] == "aantal"]["waarde"] == 0).all()
    k13 = outputs.read_table(out / "tables" / "kerncijfers_wi2013.csv").set_index(["rij", "eenheid"])["waarde"]
    assert k13[("totaal", "aantal")] == 2 and k13[("ingeburgerd", "aantal")] == 1
    assert outputs.read_table(out / "tables" / "tabel6.csv").empty  # the first ELIP peildatum is in 2022
    assert (out / "index.html").is_file() and (out / "tabellen.xlsx").is_file()
    params = json.loads((out / "parameters.json").read_text())
    assert params["uitvoer"] == str(out) and params["vorige_peildatum"] == "2012-06-01"
    leftovers = [p for p in out.rglob("*") if p.is_file() and b".rapport.bouw-" in p.read_bytes()]
    assert leftovers == []  # no file names the build folder, which is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afgeleid", "extract", "rapport"]
