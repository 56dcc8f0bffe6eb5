"""Derived data: converted once, found again by checksum, never half-written."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.extract import derived, validation
from analysis.core.errors import ExtractError
from builders import valid_extract


def test_second_derivation_reuses_the_cache(tmp_path, monkeypatch):
    extract = valid_extract(tmp_path / "x")
    first = derived.derive(extract, tmp_path / "d")
    calls = []
    monkeypatch.setattr(validation, "validate_extract", lambda *a, **k: calls.append(a))
    second = derived.derive(extract, tmp_path / "d")
    assert first == second and calls == []


def test_a_changed_byte_gives_a_new_key(tmp_path):
    extract = valid_extract(tmp_path / "x")
    first = derived.derive(extract, tmp_path / "d")
    path = extract / "wi2013_leningen.csv"
    path.write_text(path.read_text().replace("9500.00", "9500.01"))
    second = derived.derive(extract, tmp_path / "d")
    assert first != second
    assert derived.load(second).leningen["bedrag_cent"].tolist() == [950001]


def test_reading_options_are_part_of_the_key(tmp_path):
    extract = valid_extract(tmp_path / "x")
    assert derived.derive(extract, tmp_path / "d") != derived.derive(extract, tmp_path / "d", spreadsheet_nl=True)


def test_herkomst_records_sources_and_counts(tmp_path):
    extract = valid_extract(tmp_path / "x")
    folder = derived.derive(extract, tmp_path / "d")
    info = json.loads((folder / "herkomst.json").read_text())
    assert set(info["bestanden"]) == {"extract.json", "wi2021_personen.csv", "wi2013_personen.csv",
                                      "wi2013_leningen.csv", "wi2013_examens.csv"}
    assert info["rijen"] == {"wi2021": 3, "wi2013": 2, "leningen": 1, "examens": 2}
    assert folder.name == info["checksum"][:16]


def test_incomplete_cache_is_rebuilt(tmp_path):
    extract = valid_extract(tmp_path / "x")
    folder = derived.derive(extract, tmp_path / "d")
    (folder / f"examens{derived.SUFFIX}").unlink()
    again = derived.derive(extract, tmp_path / "d")
    assert again == folder and (folder / f"examens{derived.SUFFIX}").is_file()


def test_failed_validation_writes_nothing(tmp_path):
    extract = valid_extract(tmp_path / "x")
    (extract / "wi2021_personen.csv").write_text("persoon_id\n")
    with pytest.raises(ExtractError):
        derived.derive(extract, tmp_path / "d")
    assert not (tmp_path / "d").exists() or list((tmp_path / "d").iterdir()) == []


def test_typed_round_trip(tmp_path):
    extract = valid_extract(tmp_path / "x")
    direct = validation.validate_extract(extract)
    loaded = derived.load(derived.derive(extract, tmp_path / "d"))
    for name in ("wi2021", "wi2013", "leningen", "examens"):
        pd.testing.assert_frame_equal(getattr(direct, name), getattr(loaded, name))


def test_a_copy_another_process_finished_meanwhile_is_kept(tmp_path, monkeypatch):
    """Two processes deriving the same extract at once (two test workers, two runs): the one
    that finishes second keeps the first one's complete copy instead of removing it from
    under a reader, and leaves no temporary folder."""
    extract = valid_extract(tmp_path / "x")
    target = derived.derive(extract, tmp_path / "d")
    (target / "gelezen-door-een-ander-proces").write_text("")
    real, calls = derived._complete, []

    def not_yet(folder, key):  # the checks before conversion: the other process is not done yet
        calls.append(folder)
        return False if len(calls) <= 2 else real(folder, key)
    monkeypatch.setattr(derived, "_complete", not_yet)
    assert derived.derive(extract, tmp_path / "d") == target
    assert len(calls) == 3 and (target / "gelezen-door-een-ander-proces").exists()
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [target.name]
