"""The extract's horizon (contract v1.1 section 1): refusal past stand_per, a warning without it."""
from __future__ import annotations

import datetime as dt

import pytest

from analysis.extract import horizon
from analysis.core.errors import UsageError
from analysis.core.params import Parameters
from builders import Extract


@pytest.fixture
def ext(tmp_path):
    x = Extract()
    x.wi2021(persoon_id="A", doelgroep="asiel", datum_plicht="2022-02-01", datum_pip="2023-06-30", leerroute="b1")
    g = x.wi2013(persoon_id="G", doelgroep="asiel", datum_plicht="2016-03-01")
    x.lening(g, "2024-02-29", "5000.00")  # the latest event of the extract
    return x.load(x.write(tmp_path / "x"))


def test_without_stand_per_the_horizon_is_the_latest_event(ext):
    ext.meta.stand_per = None
    ext.meta.horizon = None
    assert horizon.of(ext).date == dt.date(2024, 2, 29)


def test_without_stand_per_a_late_peildatum_warns_and_names_the_latest_event(ext):
    ext.meta.stand_per = None
    ext.meta.horizon = dt.date(2024, 2, 29)
    said = []
    horizon.check(ext, Parameters(peildatum=dt.date(2024, 5, 1)), warn=said.append)
    assert len(said) == 1 and "29 februari 2024" in said[0] and "peildatum 1 mei 2024" in said[0]
    said.clear()
    horizon.check(ext, Parameters(peildatum=dt.date(2024, 2, 29)), warn=said.append)
    assert said == []  # P on the horizon: complete


def test_a_date_past_stand_per_is_refused_naming_the_horizon(ext):
    ext.meta.stand_per = ext.meta.horizon = dt.date(2024, 5, 1)
    with pytest.raises(UsageError) as info:
        horizon.check(ext, Parameters(peildatum=dt.date(2024, 11, 1)), warn=pytest.fail)
    msg = info.value.user_message()
    assert "1 mei 2024" in msg and "1 november 2024" in msg and "stand_per" in msg


def test_an_elip_peildatum_past_stand_per_is_refused_too(ext):
    ext.meta.stand_per = ext.meta.horizon = dt.date(2023, 12, 31)
    params = Parameters(peildatum=dt.date(2023, 12, 31), elip_peildata=(dt.date(2024, 4, 1),))
    with pytest.raises(UsageError, match="ELIP-peildatum 1 april 2024"):
        horizon.check(ext, params, warn=pytest.fail)


def test_p_on_stand_per_is_allowed(ext):
    ext.meta.stand_per = ext.meta.horizon = dt.date(2024, 5, 1)
    horizon.check(ext, Parameters(), warn=pytest.fail)


def test_the_shipped_extract_declares_the_letters_peildatum(synthetic):
    assert horizon.of(synthetic).stand_per == Parameters().peildatum


@pytest.mark.slow
def test_a_run_after_stand_per_is_refused_and_writes_nothing(synthetic_extract, shared_dir, tmp_path, capsys):
    from analysis import cli
    out = tmp_path / "uit"
    code = cli.main(["run", "--extract", str(synthetic_extract), "--peildatum", "2024-11-01", "--out", str(out),
                     "--derived", str(shared_dir / "derived")])
    err = capsys.readouterr().err
    assert code == 2 and "1 mei 2024" in err and "1 november 2024" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".uit*"))
