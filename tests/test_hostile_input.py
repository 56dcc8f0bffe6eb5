"""The hostile-input catalogue: every contract rule broken, and the ways files really break.

Each variant of a valid extract must give a non-zero exit, one message that names the file
(and the line and column where there is one) in words a policy analyst understands, no
traceback, and leave an existing --out untouched. The command line is called in-process
(`cli.main`), which is what `python -m analysis` runs; a few variants also go through a
real subprocess.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import cli
from builders import Extract, earlier_output, valid_extract

W21, W13, LEN, EX = "wi2021_personen.csv", "wi2013_personen.csv", "wi2013_leningen.csv", "wi2013_examens.csv"


def edit(directory: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def set_cell(directory: Path, name: str, row: int, column: str, value: str) -> None:
    """Change one field (row 0 = first data line) and rewrite the CSV in the contract form."""
    path = directory / name
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row, column] = value
    df.to_csv(path, index=False)


def drop_column(directory: Path, name: str, column: str) -> None:
    path = directory / name
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=[column]).to_csv(path, index=False)


def add_column(directory: Path, name: str, column: str, values: list[str]) -> None:
    path = directory / name
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df[column] = values[: len(df)] + [values[-1]] * (len(df) - len(values))
    df.to_csv(path, index=False)


def bsn_like(n: int = 111222333) -> str:
    """Nine digits that pass the elfproef, built rather than remembered."""
    base = str(n)[:8]
    for last in range(10):
        digits = [int(c) for c in base + str(last)]
        if (sum(d * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1])) % 11) == 0:
            return base + str(last)
    return bsn_like(n + 10)


def set_meta(directory: Path, **fields) -> None:
    path = directory / "extract.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(fields)
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def as_parquet(directory: Path, name: str, replace: dict[str, pa.Array] | None = None) -> Path:
    """Replace a CSV file by Parquet, its columns as text except those in `replace`."""
    df = pd.read_csv(directory / name, dtype=str, keep_default_na=False).replace("", None)
    arrays = {c: pa.array(df[c].tolist(), type=pa.string()) for c in df.columns}
    arrays.update(replace or {})
    (directory / name).unlink()
    target = directory / name.replace(".csv", ".parquet")
    pq.write_table(pa.table(arrays), target)
    return target


def parquet_dates(directory: Path, name: str, column: str, typ: pa.DataType, shift=None) -> None:
    """Store a date column as `typ` (timestamps in their unit), optionally shifted per row."""
    df = pd.read_csv(directory / name, dtype=str, keep_default_na=False)
    days = pa.array([dt.date.fromisoformat(v) if v else None for v in df[column]], pa.date32())
    if pa.types.is_timestamp(typ):
        per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}[typ.unit]
        ticks = np.asarray(days.cast(pa.int32()).fill_null(0), dtype=np.int64) * per_day
        if shift is not None:
            ticks = ticks + shift
        arr = pa.array(ticks, type=pa.int64(), mask=~np.asarray(days.is_valid())).cast(typ)
    else:
        arr = days.cast(typ)
    as_parquet(directory, name, {column: arr})


def invalid_utf8_strings(values: list[bytes]) -> pa.Array:
    """A string array whose bytes are not all UTF-8, as a broken writer would store it."""
    b = pa.array(values, type=pa.binary())
    return pa.Array.from_buffers(pa.string(), len(b), b.buffers())


def cr_in_the_middle(d: Path) -> None:
    data = (d / W21).read_bytes().replace(b"A1,asiel", b"A1,as\riel")
    (d / W21).write_bytes(data)


def header_with_quoted_newline(d: Path) -> None:
    text = (d / W21).read_text()
    (d / W21).write_text(text.replace("doelgroep", '"doel\ngroep"', 1))


def huge_field(d: Path) -> None:
    set_cell(d, W21, 1, "doelgroep", "vluchteling" + "x" * (10 << 20))


def fifo(d: Path, name: str) -> None:
    (d / name).unlink()
    os.mkfifo(d / name)


def device(d: Path, name: str) -> None:
    (d / name).unlink()
    (d / name).symlink_to("/dev/zero")


# (id, mutation, expected fragments of the message)
VARIANTS = [
    ("geen_extract_json", lambda d: (d / "extract.json").unlink(), ["extract.json", "ontbreekt"]),
    ("extract_json_kapot", lambda d: (d / "extract.json").write_text("{schema: 1"), ["extract.json", "geen geldige JSON"]),
    ("verkeerd_schema", lambda d: (d / "extract.json").write_text(json.dumps(
        {"schema": "inburgering-extract/2", "bron": "x", "synthetisch": True})), ["extract.json", "schema", "inburgering-extract/1"]),
    ("synthetisch_geen_bool", lambda d: (d / "extract.json").write_text(json.dumps(
        {"schema": "inburgering-extract/1", "bron": "x", "synthetisch": "ja"})), ["extract.json", "synthetisch"]),
    ("bestand_ontbreekt", lambda d: (d / EX).unlink(), [EX, "ontbreekt"]),
    ("csv_en_parquet", lambda d: pd.read_csv(d / LEN, dtype=str).to_parquet(d / "wi2013_leningen.parquet"),
     [LEN, "parquet", "niet duidelijk"]),
    ("kolom_ontbreekt", lambda d: drop_column(d, W21, "datum_pip"), [W21, "datum_pip", "ontbreekt", "regel 1"]),
    ("ongeldige_doelgroep", lambda d: set_cell(d, W21, 1, "doelgroep", "vluchteling"),
     [W21, "regel 3", "kolom B (doelgroep)", "vluchteling", "asiel, gezin, overig"]),
    ("verplicht_veld_leeg", lambda d: set_cell(d, W13, 0, "datum_plicht", ""),
     [W13, "regel 2", "kolom C (datum_plicht)", "leeg"]),
    ("dubbele_persoon_id", lambda d: set_cell(d, W13, 1, "persoon_id", "B1"),
     [W13, "regel 3", "kolom A (persoon_id)", "meer dan één keer"]),
    ("onleesbare_datum", lambda d: set_cell(d, W21, 0, "datum_plicht", "2023-13-01"),
     [W21, "regel 2", "kolom C (datum_plicht)", "2023-13-01", "JJJJ-MM-DD"]),
    ("onmogelijke_datum", lambda d: set_cell(d, W21, 0, "datum_lbt", "2023-02-30"),
     [W21, "regel 2", "kolom F (datum_lbt)", "2023-02-30"]),
    ("plicht_voor_wi2021", lambda d: set_cell(d, W21, 0, "datum_plicht", "2021-12-31"),
     [W21, "regel 2", "datum_plicht", "Wi2021", "2022-01-01"]),
    ("plicht_voor_wi2013", lambda d: set_cell(d, W13, 0, "datum_plicht", "2012-12-31"),
     [W13, "regel 2", "Wi2013", "2013-01-01"]),
    ("einde_voor_plicht", lambda d: set_cell(d, W13, 1, "datum_einde", "2014-01-01"),
     [W13, "regel 3", "kolom D (datum_einde)", "vóór datum_plicht"]),
    ("reden_zonder_einde", lambda d: set_cell(d, W21, 0, "reden_einde", "voldaan"),
     [W21, "regel 2", "kolom E (reden_einde)", "gevuld terwijl datum_einde leeg"]),
    ("einde_zonder_reden", lambda d: set_cell(d, W21, 1, "reden_einde", ""),
     [W21, "regel 3", "reden_einde", "leeg terwijl datum_einde gevuld"]),
    ("route_zonder_pip", lambda d: set_cell(d, W21, 0, "datum_pip", ""),
     [W21, "regel 2", "leerroute", "datum_pip leeg"]),
    ("lbt_zonder_uitslag", lambda d: set_cell(d, W21, 2, "uitslag_lbt", ""),
     [W21, "regel 4", "kolom G (uitslag_lbt)"]),
    ("aanbod_zonder_pip", lambda d: (set_cell(d, W21, 0, "datum_pip", ""), set_cell(d, W21, 0, "leerroute", "")),
     [W21, "regel 2", "kolom J (datum_aanbod)", "PIP"]),
    ("pip_na_einde", lambda d: (set_cell(d, W21, 1, "datum_pip", "2024-02-01"), set_cell(d, W21, 1, "leerroute", "b1")),
     [W21, "regel 3", "kolom H (datum_pip)", "na datum_einde"]),
    ("lbt_voor_plicht", lambda d: set_cell(d, W21, 0, "datum_lbt", "2022-01-15"),
     [W21, "regel 2", "datum_lbt", "vóór datum_plicht"]),
    ("onbekende_persoon_lening", lambda d: set_cell(d, LEN, 0, "persoon_id", "ZZ9"),
     [LEN, "regel 2", "kolom A (persoon_id)", "komt niet voor in wi2013_personen"]),
    ("onbekende_persoon_examen", lambda d: set_cell(d, EX, 1, "persoon_id", "ZZ9"),
     [EX, "regel 3", "komt niet voor"]),
    ("bedrag_nul", lambda d: set_cell(d, LEN, 0, "bedrag", "0.00"), [LEN, "regel 2", "kolom C (bedrag)", "groter dan 0"]),
    ("bedrag_tekst", lambda d: set_cell(d, LEN, 0, "bedrag", "veel"), [LEN, "regel 2", "bedrag", "geen geldig bedrag"]),
    ("bedrag_drie_decimalen", lambda d: set_cell(d, LEN, 0, "bedrag", "12.345"), [LEN, "regel 2", "twee decimalen"]),
    ("ongeldig_onderdeel", lambda d: set_cell(d, EX, 0, "onderdeel", "rekenen"), [EX, "regel 2", "kolom C (onderdeel)", "rekenen"]),
    ("ongeldige_uitslag", lambda d: set_cell(d, EX, 0, "uitslag", "voldoende"), [EX, "regel 2", "kolom D (uitslag)"]),
    ("leeg_bestand", lambda d: (d / LEN).write_bytes(b""), [LEN, "leeg"]),
    ("alleen_kopregel", lambda d: (d / W21).write_text((d / W21).read_text().splitlines()[0] + "\n"),
     [W21, "geen personen"]),
    ("afgebroken_laatste_regel", lambda d: (d / W13).write_text((d / W13).read_text().rstrip("\n")[:-12]),
     [W13, "regel 3", "afgebroken"]),
    ("afgebroken_zonder_aanhalingstekens", lambda d: (d / LEN).write_text(
        (d / LEN).read_text().replace('"', "").rstrip("\n").rsplit(",", 1)[0]),
     [LEN, "regel 2", "te weinig velden", "afgebroken"]),
    ("los_aanhalingsteken", lambda d: edit(d, W21, "A2,", '"A2,'), [W21, "regel 3", "aanhalingsteken"]),
    ("herhaalde_kopregel", lambda d: (d / EX).write_text((d / EX).read_text() + (d / EX).read_text()),
     [EX, "regel 4", "herhaalt de kopregel"]),
    ("dubbele_kolomnaam", lambda d: edit(d, W13, "analfabeet", "doelgroep"), [W13, "regel 1", "meer dan één keer", "doelgroep"]),
    ("geen_utf8", lambda d: (d / W13).write_bytes((d / W13).read_bytes().replace(b"B2", b"B\xe92")),
     [W13, "regel 3", "UTF-8", "Windows-1252"]),
    # issue 17: UTF-16 (Excel's 'Unicode-tekst') is said to be UTF-16, not Windows-1252
    ("utf16_le_met_bom", lambda d: (d / W13).write_bytes((d / W13).read_text().encode("utf-16")),
     [W13, "regel 1", "UTF-16", "Sla het op als UTF-8"]),
    ("utf16_be_met_bom", lambda d: (d / LEN).write_bytes(b"\xfe\xff" + (d / LEN).read_text().encode("utf-16-be")),
     [LEN, "regel 1", "UTF-16", "Sla het op als UTF-8"]),
    ("utf16_zonder_bom", lambda d: (d / EX).write_bytes((d / EX).read_text().encode("utf-16-le")),
     [EX, "regel 1", "UTF-16", "Sla het op als UTF-8"]),
    ("utf16_extract_json", lambda d: (d / "extract.json").write_bytes((d / "extract.json").read_text().encode("utf-16")),
     ["extract.json", "UTF-16", "Sla het op als UTF-8"]),
    ("bom", lambda d: (d / W21).write_bytes(b"\xef\xbb\xbf" + (d / W21).read_bytes()), [W21, "BOM", "--spreadsheet-nl"]),
    ("puntkomma_decimale_komma", lambda d: (d / LEN).write_text(
        (d / LEN).read_text().replace(",", ";").replace("9500.00", "9500,00")), [LEN, "puntkomma", "--spreadsheet-nl"]),
    ("datum_dd_mm_jjjj", lambda d: set_cell(d, EX, 0, "datum", "01-02-2017"),
     [EX, "regel 2", "kolom B (datum)", "DD-MM-JJJJ", "JJJJ-MM-DD"]),
    ("bsn_als_persoon_id", lambda d: (set_cell(d, W13, 0, "persoon_id", bsn_like()),
                                      set_cell(d, LEN, 0, "persoon_id", bsn_like()),
                                      set_cell(d, EX, 0, "persoon_id", bsn_like()),
                                      set_cell(d, EX, 1, "persoon_id", bsn_like())),
     [W13, "kolom A (persoon_id)", "burgerservicenummer", "pseudonimiseerd"]),
    ("bsn_in_extra_kolom", lambda d: add_column(d, W21, "bsn", [bsn_like(123456780)]),
     [W21, "kolom K (bsn)", "burgerservicenummer"]),
    # contract v1.1: stand_per
    ("stand_per_geen_datum", lambda d: set_meta(d, stand_per="1 mei 2024"),
     ["extract.json", "regel 5", "veld stand_per", "geen geldige datum", "JJJJ-MM-DD", "1 mei 2024"]),
    ("stand_per_getal", lambda d: set_meta(d, stand_per=20240501),
     ["extract.json", "veld stand_per", "geen geldige datum", "20240501"]),
    ("stand_per_onmogelijke_datum", lambda d: set_meta(d, stand_per="2024-02-30"),
     ["extract.json", "veld stand_per", "geen geldige datum"]),
    ("stand_per_null", lambda d: set_meta(d, stand_per=None), ["extract.json", "stand_per", "laat het veld weg"]),
    ("lening_na_stand_per", lambda d: set_meta(d, stand_per="2016-12-31"),
     [LEN, "regel 2", "kolom B (datum)", "na stand_per (2016-12-31)", "2017-01-01"]),
    ("examen_na_stand_per", lambda d: (set_meta(d, stand_per="2024-01-01"), set_cell(d, EX, 1, "datum", "2024-01-02")),
     [EX, "regel 3", "kolom B (datum)", "na stand_per"]),
    ("einde_na_stand_per", lambda d: set_meta(d, stand_per="2023-12-31"),
     [W21, "regel 3", "kolom D (datum_einde)", "na stand_per (2023-12-31)"]),
    # issue 13: silent wrong counts and files as real tools and real accidents make them
    ("bedrag_boven_grens", lambda d: set_cell(d, LEN, 0, "bedrag", "1000000.01"),
     [LEN, "regel 2", "kolom C (bedrag)", "groter dan 1.000.000,00 euro"]),
    ("bedrag_overloop", lambda d: set_cell(d, LEN, 0, "bedrag", "999999999999.99"),
     [LEN, "regel 2", "kolom C (bedrag)", "groter dan 1.000.000,00 euro"]),
    ("los_cr_midden_in_regel", cr_in_the_middle, [W21, "regel 2", "CR"]),
    ("kopregel_met_regeleinde", header_with_quoted_newline, [W21, "regel 1", "kopregel", "aanhalingsteken"]),
    ("diep_geneste_json", lambda d: (d / "extract.json").write_text("[" * 200_000 + "]" * 200_000),
     ["extract.json", "te diep genest"]),
    ("json_getal_van_5000_cijfers", lambda d: (d / "extract.json").write_text('{"schema": ' + "1" * 5000 + "}"),
     ["extract.json", "geen geldige JSON"]),
    ("fifo_als_gegevensbestand", lambda d: fifo(d, EX), [EX, "named pipe", "niet gelezen"]),
    ("fifo_als_extract_json", lambda d: fifo(d, "extract.json"), ["extract.json", "named pipe"]),
    ("apparaat_als_gegevensbestand", lambda d: device(d, LEN), [LEN, "apparaat"]),
    ("veld_van_10_mb", huge_field, [W21, "regel 3", "kolom B (doelgroep)", "'vluchtelingxxx", "…'"]),
    ("geen_utf8_in_parquet", lambda d: as_parquet(d, W13, {"analfabeet": invalid_utf8_strings([b"ja", b"n\xe9e"])}),
     ["wi2013_personen.parquet", "rij 2", "kolom F (analfabeet)", "UTF-8"]),
    ("geneste_kolom_parquet", lambda d: as_parquet(d, EX, {"onderdeel": pa.array([["knm"], ["lezen"]])}),
     ["wi2013_examens.parquet", "kolom C (onderdeel)", "Parquet-type list", "geen lijsten"]),
    ("struct_kolom_parquet", lambda d: as_parquet(d, LEN, {"bedrag": pa.array([{"euro": 9500, "cent": 0}])}),
     ["wi2013_leningen.parquet", "kolom C (bedrag)", "Parquet-type struct"]),
    ("tijdzone_parquet", lambda d: parquet_dates(d, W21, "datum_plicht", pa.timestamp("us", tz="Europe/Amsterdam")),
     ["wi2021_personen.parquet", "kolom C (datum_plicht)", "tijdzone (Europe/Amsterdam)", "date32"]),
    ("tijdstip_parquet", lambda d: parquet_dates(d, W21, "datum_plicht", pa.timestamp("ms"), shift=np.array([0, 3_600_000, 0])),
     ["wi2021_personen.parquet", "rij 2", "kolom C (datum_plicht)", "middernacht"]),
    ("tijdsduur_parquet", lambda d: as_parquet(d, EX, {"datum": pa.array([1, 2], pa.duration("s"))}),
     ["wi2013_examens.parquet", "kolom B (datum)", "Parquet-type duration"]),
    ("dubbele_kolom_parquet", lambda d: pq.write_table(pa.Table.from_arrays(
        [pa.array(["B1"]), pa.array(["B1"])], names=["persoon_id", "persoon_id"]), d / "wi2013_leningen.parquet")
        or (d / LEN).unlink(), ["wi2013_leningen.parquet", "meer dan één kolom", "persoon_id"]),
]


@pytest.fixture
def existing_out(tmp_path) -> Path:
    return earlier_output(tmp_path / "uit")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_catalogue_is_large_enough():
    assert len(VARIANTS) >= 30
    assert len({v[0] for v in VARIANTS}) == len(VARIANTS)


@pytest.mark.parametrize("name,mutate,expected", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_corrupt_variant_is_refused_clearly(name, mutate, expected, tmp_path, existing_out, capsys):
    extract = valid_extract(tmp_path / "extract")
    mutate(extract)
    before = snapshot(existing_out)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(existing_out),
                             "--derived", str(tmp_path / "derived")], capsys)
    assert code != 0
    assert "Traceback" not in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} missing in:\n{message[:5000]}"
    assert len(message) < 20_000  # never a whole input value echoed
    assert not re.search(r"(?<!\.)\.\.(?!\.)", message), "a sentence ends in two full stops"
    assert snapshot(existing_out) == before
    assert not list(existing_out.parent.glob(".uit.bouw-*"))
    # personal data never in a message
    for pid in ("A1", "A2", "B1", "B2"):
        assert f"'{pid}'" not in message


def test_path_that_does_not_exist(tmp_path, existing_out, capsys):
    code, message = run_cli(["run", "--extract", str(tmp_path / "nergens"), "--out", str(existing_out)], capsys)
    assert code != 0 and "bestaat niet" in message and "Traceback" not in message


def test_file_where_a_directory_is_expected(tmp_path, existing_out, capsys):
    f = tmp_path / "extract.csv"
    f.write_text("x")
    code, message = run_cli(["run", "--extract", str(f), "--out", str(existing_out)], capsys)
    assert code != 0 and "is een bestand" in message


def test_a_directory_where_a_file_is_expected(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    (extract / EX).unlink()
    (extract / EX).mkdir()
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0 and EX in message and "map" in message


def test_out_that_is_someone_elses_folder_is_not_overwritten(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    out = tmp_path / "documenten"
    out.mkdir()
    (out / "brief.docx").write_text("belangrijk")
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(out)], capsys)
    assert code != 0 and "geen eerdere uitvoer" in message
    assert (out / "brief.docx").read_text() == "belangrijk"


def test_all_violations_of_a_file_at_once(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    set_cell(extract, W21, 0, "doelgroep", "x")
    set_cell(extract, W21, 1, "datum_plicht", "gisteren")
    set_cell(extract, LEN, 0, "bedrag", "-5")
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0
    assert "3 problemen in 2 bestanden" in message
    assert "regel 2, kolom B (doelgroep)" in message and "regel 3, kolom C (datum_plicht)" in message


def test_many_bad_lines_are_summarised(tmp_path, capsys):
    x = Extract()
    for i in range(40):
        x.wi2021(persoon_id=f"P{i}", datum_plicht="2023-1-5")
    x.wi2013(persoon_id="Q1")
    extract = x.write(tmp_path / "extract")
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0
    assert "regel 2" in message and "40 in totaal" in message and "nog 35 andere" in message


def test_extra_columns_are_ignored_with_a_warning(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    add_column(extract, W13, "gemeente", ["Utrecht"])
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code == 0
    assert "onbekende kolommen genegeerd: gemeente" in message


def test_dutch_spreadsheet_accepted_when_asked(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    for name in (W21, W13, LEN, EX):
        df = pd.read_csv(extract / name, dtype=str, keep_default_na=False)
        for col in df.columns:
            if col.startswith("datum"):
                df[col] = [f"{v[8:10]}-{v[5:7]}-{v[0:4]}" if v else "" for v in df[col]]
        if "bedrag" in df:
            df["bedrag"] = df["bedrag"].str.replace(".", ",", regex=False)
        (extract / name).write_bytes(b"\xef\xbb\xbf" + df.to_csv(index=False, sep=";").encode("utf-8"))
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0
    code, message = run_cli(["validate", "--extract", str(extract), "--spreadsheet-nl"], capsys)
    assert code == 0, message
    from analysis.extract.validation import validate_extract
    nl = validate_extract(extract, spreadsheet_nl=True)
    plain = validate_extract(valid_extract(tmp_path / "plain"))
    for name in ("wi2021", "wi2013", "leningen", "examens"):
        pd.testing.assert_frame_equal(getattr(nl, name), getattr(plain, name))


def test_parquet_extract_is_read_like_csv(tmp_path):
    from analysis.extract.validation import validate_extract
    csv_dir = valid_extract(tmp_path / "csv")
    pq_dir = tmp_path / "pq"
    pq_dir.mkdir()
    shutil.copy(csv_dir / "extract.json", pq_dir / "extract.json")
    for name in (W21, W13, LEN, EX):
        df = pd.read_csv(csv_dir / name, dtype=str, keep_default_na=False).replace("", None)
        for col in df.columns:
            if col.startswith("datum"):
                df[col] = pd.to_datetime(df[col]).dt.date
        if "bedrag" in df:
            df["bedrag"] = df["bedrag"].astype(float)
        df.to_parquet(pq_dir / name.replace(".csv", ".parquet"), index=False)
    a, b = validate_extract(csv_dir), validate_extract(pq_dir)
    for name in ("wi2021", "wi2013", "leningen", "examens"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_parquet_errors_name_the_row(tmp_path, capsys):
    csv_dir = valid_extract(tmp_path / "csv")
    df = pd.read_csv(csv_dir / W21, dtype=str, keep_default_na=False).replace("", None)
    df.loc[2, "doelgroep"] = "onbekend"
    (csv_dir / W21).unlink()
    df.to_parquet(csv_dir / "wi2021_personen.parquet", index=False)
    code, message = run_cli(["validate", "--extract", str(csv_dir)], capsys)
    assert code != 0 and "wi2021_personen.parquet, rij 3, kolom B (doelgroep)" in message


def test_through_a_real_subprocess(tmp_path):
    extract = valid_extract(tmp_path / "extract")
    set_cell(extract, W21, 0, "doelgroep", "x")
    res = subprocess.run([sys.executable, "-m", "analysis", "validate", "--extract", str(extract)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "regel 2, kolom B (doelgroep)" in res.stderr


# ---- accepted where the contract allows it ---------------------------------------------

def typed_frames(extract: Path):
    from analysis.extract.validation import validate_extract
    x = validate_extract(extract)
    return {name: getattr(x, name) for name in ("wi2021", "wi2013", "leningen", "examens")}


def assert_same_extract(a: Path, b: Path) -> None:
    fa, fb = typed_frames(a), typed_frames(b)
    for name in fa:
        pd.testing.assert_frame_equal(fa[name], fb[name])


def all_dates_as(directory: Path, typ: pa.DataType) -> None:
    for name in (W21, W13, LEN, EX):
        df = pd.read_csv(directory / name, dtype=str, keep_default_na=False)
        arrays = {}
        for c in df.columns:
            values = [v or None for v in df[c]]
            if c.startswith("datum"):
                days = pa.array([dt.date.fromisoformat(v) if v else None for v in values], pa.date32())
                if pa.types.is_timestamp(typ):
                    arrays[c] = days.cast(pa.timestamp("s")).cast(typ)
                else:
                    arrays[c] = days.cast(typ)
            else:
                arrays[c] = pa.array(values, pa.string())
        (directory / name).unlink()
        pq.write_table(pa.table(arrays), directory / name.replace(".csv", ".parquet"))


@pytest.mark.parametrize("typ", [pa.timestamp("s"), pa.timestamp("ms"), pa.timestamp("us"),
                                 pa.timestamp("ns"), pa.date32(), pa.date64()], ids=str)
def test_parquet_dates_of_every_type_and_unit(typ, tmp_path):
    """Dates as real tools write them: date32/date64 and timestamps at midnight, any unit."""
    plain = valid_extract(tmp_path / "csv")
    typed = valid_extract(tmp_path / "pq")
    all_dates_as(typed, typ)
    assert_same_extract(plain, typed)


@pytest.mark.parametrize("kind", ["large_string", "dictionary", "string_view", "binary"])
def test_parquet_text_as_real_tools_store_it(kind, tmp_path):
    plain = valid_extract(tmp_path / "csv")
    typed = valid_extract(tmp_path / "pq")
    for name in (W21, W13, LEN, EX):
        df = pd.read_csv(typed / name, dtype=str, keep_default_na=False)
        arrays = {}
        for c in df.columns:
            arr = pa.array([v or None for v in df[c]], pa.string())
            arrays[c] = {"large_string": lambda a: a.cast(pa.large_string()),
                         "dictionary": lambda a: a.dictionary_encode(),
                         "string_view": lambda a: a.cast(pa.string_view()),
                         "binary": lambda a: a.cast(pa.binary())}[kind](arr)
        (typed / name).unlink()
        pq.write_table(pa.table(arrays), typed / name.replace(".csv", ".parquet"))
    assert_same_extract(plain, typed)


def test_header_only_loans_and_exams_without_final_newline(tmp_path, capsys):
    """Zero loan payments and zero exams are legal; a missing last line end is harmless."""
    extract = valid_extract(tmp_path / "x")
    for name in (LEN, EX):
        (extract / name).write_text((extract / name).read_text().splitlines()[0])
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code == 0, message
    frames = typed_frames(extract)
    assert len(frames["leningen"]) == 0 and len(frames["examens"]) == 0


def test_last_line_without_line_end_is_read(tmp_path):
    plain = valid_extract(tmp_path / "a")
    cut = valid_extract(tmp_path / "b")
    for name in (W21, W13, LEN, EX):
        (cut / name).write_bytes((cut / name).read_bytes().rstrip(b"\n"))
    assert_same_extract(plain, cut)


@pytest.mark.parametrize("newline", [b"\r", b"\r\n"], ids=["cr", "crlf"])
def test_cr_and_crlf_line_ends_are_read(newline, tmp_path):
    plain = valid_extract(tmp_path / "a")
    other = valid_extract(tmp_path / "b")
    for name in (W21, W13, LEN, EX):
        (other / name).write_bytes((other / name).read_bytes().replace(b"\n", newline))
    assert_same_extract(plain, other)


def test_line_numbers_stay_right_with_cr_line_ends(tmp_path, capsys):
    extract = valid_extract(tmp_path / "x")
    set_cell(extract, W21, 2, "doelgroep", "vluchteling")
    (extract / W21).write_bytes((extract / W21).read_bytes().replace(b"\n", b"\r"))
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0 and "regel 4, kolom B (doelgroep)" in message


def test_a_bad_field_count_does_not_hide_the_other_problems(tmp_path, capsys):
    """Every broken line is named, and the well-formed lines are still checked."""
    x = Extract()
    for i in range(8):
        x.wi2021(persoon_id=f"P{i}")
    x.wi2013(persoon_id="Q1")
    extract = x.write(tmp_path / "x")
    lines = (extract / W21).read_text().splitlines()
    lines[2] += ",extra"            # line 3: one field too many
    lines[4] = lines[4].rsplit(",", 2)[0]  # line 5: two fields too few
    lines[6] = lines[6].replace("asiel", "vluchteling")  # line 7: a content problem
    lines[7] = lines[7].rsplit(",", 2)[0]  # line 8: two too few again
    (extract / W21).write_text("\n".join(lines) + "\n")
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0
    assert "regel 3: te veel velden: 11 in plaats van 10" in message
    assert "regel 5: te weinig velden: 8 in plaats van 10 (ook op regels 8; 2 in totaal)" in message
    assert "regel 7, kolom B (doelgroep): ongeldige waarde" in message
    assert "3 problemen in 1 bestand" in message


def test_dropped_person_lines_give_no_false_unknown_person(tmp_path, capsys):
    extract = valid_extract(tmp_path / "x")
    lines = (extract / W13).read_text().splitlines()
    lines[1] += ",extra"  # the line of B1, who has a loan and exams
    (extract / W13).write_text("\n".join(lines) + "\n")
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0 and "te veel velden" in message and "komt niet voor" not in message


def test_a_field_over_20_mb_is_read(tmp_path, capsys):
    """Larger than the CSV reader's block: still read, and refused for its content only."""
    extract = valid_extract(tmp_path / "x")
    set_cell(extract, W13, 0, "analfabeet", "j" * (20 << 20))
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0 and "regel 2, kolom F (analfabeet)" in message and len(message) < 2000


def test_values_in_messages_are_shortened():
    from analysis.core.errors import MAX_VALUE_CHARS, Violation, shorten
    assert shorten("x" * 61) == "x" * 59 + "…" and len(shorten("x" * 10**6)) == MAX_VALUE_CHARS
    assert shorten("x" * 60) == "x" * 60
    v = Violation(file="f.csv", rule="r", column="k" * 500, example="v" * 10**6, lines=[2], count=1)
    assert len(v.describe()) < 200


# ---- a silent wrong count: loan sums --------------------------------------------------

def test_bedrag_bound_is_inclusive(tmp_path, capsys):
    from analysis.extract.validation import MAX_BEDRAG_CENT
    extract = valid_extract(tmp_path / "x")
    set_cell(extract, LEN, 0, "bedrag", f"{MAX_BEDRAG_CENT // 100}.00")
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code == 0, message
    assert typed_frames(extract)["leningen"]["bedrag_cent"].tolist() == [MAX_BEDRAG_CENT]


def test_loan_sums_are_exact_integers():
    """Float weights lose the last cent above 2**53 and wrap on the way back to int64."""
    from analysis.core import contract as C
    from analysis.extract.model import Extract as Typed, ExtractMeta
    from analysis.definitions.tables import loans_until_each
    persons = pd.DataFrame({"persoon_id": ["a", "b"]})
    big = 2**53
    loans = pd.DataFrame({"persoon_nr": np.array([0, 0, 1, 1, 1], dtype=np.int32),
                          "datum": pd.to_datetime(["2020-01-01"] * 5),
                          "bedrag_cent": np.array([big, 1, 2**62, 2**61, 2**61 - 1], dtype=np.int64)})
    x = Typed(wi2021=pd.DataFrame(), wi2013=persons, leningen=loans, examens=pd.DataFrame(),
              meta=ExtractMeta(schema=C.SCHEMA, bron="test", synthetisch=True, checksum=""))
    (before, zero), (on, sums) = loans_until_each(x, [dt.date(2020, 1, 1), dt.date(2019, 12, 31)])
    assert (before, on) == (dt.date(2019, 12, 31), dt.date(2020, 1, 1))  # in ascending order
    assert sums.dtype == np.int64
    assert sums.tolist() == [big + 1, 2**62 + 2**62 - 1]
    assert zero.tolist() == [0, 0]


def test_parquet_problems_on_several_rows_say_rijen(tmp_path, capsys):
    csv_dir = valid_extract(tmp_path / "csv")
    df = pd.read_csv(csv_dir / W21, dtype=str, keep_default_na=False).replace("", None)
    df["doelgroep"] = "onbekend"
    (csv_dir / W21).unlink()
    df.to_parquet(csv_dir / "wi2021_personen.parquet", index=False)
    code, message = run_cli(["validate", "--extract", str(csv_dir)], capsys)
    assert code != 0
    assert "rij 1, kolom B (doelgroep)" in message and "(ook op rijen 2, 3; 3 in totaal)" in message
    assert "rijs" not in message


def _dutch_loans(extract: Path, amounts: list[str]) -> None:
    """The loans file as a Dutch spreadsheet saves it: semicolons, decimal commas, BOM."""
    rows = [f"B1;01-01-2017;{a}" for a in amounts]
    (extract / LEN).write_bytes(b"\xef\xbb\xbf" + ("persoon_id;datum;bedrag\n" + "\n".join(rows) + "\n").encode())


def test_dutch_thousands_points_are_read_under_spreadsheet_nl(tmp_path, capsys):
    """10.000,00 (thousands point and decimal comma) is how a Dutch spreadsheet writes ten
    thousand euro; 1.000.000 can only be a million. Both are read as such (issue 17)."""
    from analysis.extract.validation import validate_extract
    extract = valid_extract(tmp_path / "extract")
    _dutch_loans(extract, ["10.000,00", "1.234,5", "1.000.000", "9500,00", "12,34", "7"])
    code, message = run_cli(["validate", "--extract", str(extract), "--spreadsheet-nl"], capsys)
    assert code == 0, message
    cents = validate_extract(extract, spreadsheet_nl=True).leningen["bedrag_cent"].tolist()
    assert cents == [1_000_000, 123_450, 100_000_000, 950_000, 1234, 700]
    code, message = run_cli(["validate", "--extract", str(extract)], capsys)
    assert code != 0 and "--spreadsheet-nl" in message  # not the contract's form: asked for, not guessed


@pytest.mark.parametrize("amount", ["10.000", "1.250", "12.500"])
def test_a_single_thousands_point_is_ambiguous_and_refused(amount, tmp_path, capsys):
    """10.000 in a Dutch file is ten thousand euro, in the contract's form ten euro: refused,
    with both readings, never guessed."""
    extract = valid_extract(tmp_path / "extract")
    _dutch_loans(extract, [amount])
    code, message = run_cli(["validate", "--extract", str(extract), "--spreadsheet-nl"], capsys)
    assert code != 0
    assert f"{LEN}, regel 2, kolom C (bedrag): bedrag is dubbelzinnig" in message and f"'{amount}'" in message
    assert "geen geldig bedrag" not in message
