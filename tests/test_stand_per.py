"""Contract v1.1: `stand_per` in extract.json, and the extract's horizon.

The horizon is stand_per when extract.json gives it, else the latest event date over every
date column of every file. Each date column is tested on its own: a horizon that ignored
one column (say the exam dates) would let a run past the data go unnoticed.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from analysis.core import contract as C
from analysis.extract import derived
from analysis.core import paths
from analysis.core.errors import ExtractError
from analysis.extract.validation import validate_extract
from builders import Extract

LATE = "2024-03-15"  # later than every other date of `base`


def base() -> Extract:
    x = Extract()
    x.wi2021(persoon_id="A1", datum_plicht="2022-03-01")
    x.wi2013(persoon_id="B1", datum_plicht="2016-03-01")
    return x


def with_late(stem: str, column: str, date: str = LATE) -> Extract:
    """An extract whose only date as late as `date` is in file `stem`, column `column`."""
    x = base()
    if stem == "wi2021_personen":
        extra = {"datum_plicht": "2022-06-01"}
        needs = {"datum_einde": {"reden_einde": "voldaan"}, "datum_lbt": {"uitslag_lbt": "haalbaar"},
                 "datum_pip": {"leerroute": "b1"},
                 "datum_aanbod": {"datum_pip": "2022-07-01", "leerroute": "b1"}}
        extra.update(needs.get(column, {}))
        extra[column] = date
        x.wi2021(**extra)
    elif stem == "wi2013_personen":
        extra = {"datum_plicht": "2016-06-01", column: date}
        if column == "datum_einde":
            extra["reden_einde"] = "ingeburgerd"
        x.wi2013(**extra)
    elif stem == "wi2013_leningen":
        x.lening("B1", date, "100.00")
    else:
        x.examen("B1", date, "knm")
    return x


DATE_COLUMNS = [(spec.stem, col.name) for spec in C.FILES for col in spec.columns if col.kind == "date"]


def set_stand_per(directory: Path, value) -> Path:
    path = directory / C.EXTRACT_JSON
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["stand_per"] = value
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return directory


def test_every_date_column_of_the_contract_text_is_covered():
    """The date columns the tests below walk through (contract.py's) are those docs/contract.md
    types as dates, file by file: a date column the code's contract forgot would escape both
    the horizon and these tests."""
    text = (paths.project_root() / "docs" / "contract.md").read_text(encoding="utf-8")
    section = text.split("## 2.")[0]
    in_text = []
    for part in re.split(r"^### `", section, flags=re.M)[1:]:
        stem = part.split(".csv`")[0]
        in_text += [(stem, col) for col in re.findall(r"^\| ([a-z_]+) \| date \|", part, re.M)]
        in_text += [(stem, col) for col in re.findall(r"`([a-z_]+)` \(date\)", part)]
    assert sorted(in_text) == sorted(DATE_COLUMNS) and len(in_text) > 4


@pytest.mark.parametrize("stem,column", DATE_COLUMNS, ids=[f"{s}.{c}" for s, c in DATE_COLUMNS])
def test_horizon_without_stand_per_is_the_latest_event_of_any_column(stem, column, tmp_path):
    x = with_late(stem, column).load(tmp_path / "x")
    assert x.meta.stand_per is None
    assert x.meta.horizon == dt.date.fromisoformat(LATE)


@pytest.mark.parametrize("stem,column", DATE_COLUMNS, ids=[f"{s}.{c}" for s, c in DATE_COLUMNS])
def test_an_event_after_stand_per_is_refused_in_any_column(stem, column, tmp_path):
    extract = set_stand_per(with_late(stem, column).write(tmp_path / "x"), "2024-03-14")
    with pytest.raises(ExtractError) as err:
        validate_extract(extract)
    message = err.value.user_message()
    spec = C.FILES_BY_STEM[stem]
    letter = chr(ord("A") + spec.column_names.index(column))
    line = 3 if spec.is_persons else 2  # the persons files start with the base person
    assert f"{stem}.csv, regel {line}, kolom {letter} ({column}): datum ligt na stand_per (2024-03-14)" in message
    assert "1 probleem" in message


@pytest.mark.parametrize("stem,column", DATE_COLUMNS, ids=[f"{s}.{c}" for s, c in DATE_COLUMNS])
def test_an_event_on_stand_per_is_accepted(stem, column, tmp_path):
    extract = set_stand_per(with_late(stem, column).write(tmp_path / "x"), LATE)
    x = validate_extract(extract)
    assert x.meta.stand_per == x.meta.horizon == dt.date.fromisoformat(LATE)


def test_horizon_is_stand_per_even_when_events_stop_earlier(tmp_path):
    extract = set_stand_per(base().write(tmp_path / "x"), "2024-05-01")
    x = validate_extract(extract)
    assert x.meta.stand_per == x.meta.horizon == dt.date(2024, 5, 1)


def test_stand_per_in_parquet_extract(tmp_path):
    extract = set_stand_per(with_late("wi2013_examens", "datum").write(tmp_path / "x", fmt="parquet"),
                            "2024-01-01")
    with pytest.raises(ExtractError) as err:
        validate_extract(extract)
    assert "wi2013_examens.parquet, rij 1, kolom B (datum): datum ligt na stand_per" in err.value.user_message()


@pytest.mark.parametrize("value", ["2024-5-1", "01-05-2024", "2024-02-30", "1899-12-31", 20240501, True,
                                   None, ["2024-05-01"], "2024-05-01T00:00"])
def test_stand_per_that_is_not_a_date_is_refused(value, tmp_path):
    extract = set_stand_per(base().write(tmp_path / "x"), value)
    with pytest.raises(ExtractError) as err:
        validate_extract(extract)
    message = err.value.user_message()
    assert "extract.json, regel 5, veld stand_per:" in message
    assert ("geen geldige datum" in message) or ("buiten 1900-2100" in message)


def test_horizon_survives_the_cache(tmp_path):
    with_stand = set_stand_per(base().write(tmp_path / "a"), "2024-05-01")
    without = with_late("wi2013_examens", "datum").write(tmp_path / "b")
    for extract, stand_per, horizon in ((with_stand, "2024-05-01", "2024-05-01"), (without, None, LATE)):
        folder = derived.derive(extract, tmp_path / "d")
        info = json.loads((folder / "herkomst.json").read_text())
        assert info["stand_per"] == stand_per and info["horizon"] == horizon
        meta = derived.load(folder).meta
        assert meta.stand_per == (None if stand_per is None else dt.date.fromisoformat(stand_per))
        assert meta.horizon == dt.date.fromisoformat(horizon)


def test_a_cache_without_horizon_is_made_again(tmp_path):
    extract = base().write(tmp_path / "x")
    folder = derived.derive(extract, tmp_path / "d")
    path = folder / "herkomst.json"
    info = json.loads(path.read_text())
    del info["horizon"], info["stand_per"]
    path.write_text(json.dumps(info))
    assert derived.derive(extract, tmp_path / "d") == folder
    assert derived.load(folder).meta.horizon == dt.date(2022, 3, 1)


# ---- validate prints the horizon (contract v1.2 section 4) -------------------------------------

def test_validate_prints_stand_per_as_the_horizon(tmp_path, capsys):
    from analysis import cli
    extract = set_stand_per(base().write(tmp_path / "x"), "2024-05-01")
    assert cli.main(["validate", "--extract", str(extract)]) == 0
    out = capsys.readouterr().out
    assert "Horizon: 1 mei 2024 (stand_per in extract.json)." in out and "Waarschuwing" not in out


def test_validate_prints_the_latest_event_and_warns_when_it_lies_in_the_future(tmp_path, capsys):
    """An extract with events years ahead used to pass without a word."""
    from analysis import cli
    future = dt.date(dt.date.today().year + 8, 3, 1)
    extract = with_late("wi2013_examens", "datum", future.isoformat()).write(tmp_path / "x")
    assert cli.main(["validate", "--extract", str(extract)]) == 0
    out = capsys.readouterr().out
    from analysis.core.dutch import datum
    assert f"Horizon: {datum(future)} (de laatste gebeurtenis in het extract; extract.json geeft geen stand_per)." in out
    assert "Waarschuwing: de horizon ligt na vandaag" in out and "gebeurtenissen in de toekomst" in out
