"""Raw data is never changed (issue 10 item 6): the synthetic extract under data/raw is made
once, checked against the committed manifest on every use, and never regenerated over or
deleted; an existing folder that differs is an error that says what to do.

ANALYSIS_ROOT points the working folders (data/raw) at a temporary folder; the manifest is
the one the project ships, read, not copied into the tests.
"""
from __future__ import annotations

import pytest

from analysis import cli
from analysis.core import paths
from analysis.core.errors import UsageError
from analysis.synth.generate import ensure_default, generate, manifest


def snapshot(folder):
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<map>")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    return tmp_path


def shipped_names() -> list[str]:
    return [line.split("  ", 1)[1] for line in paths.synthetic_manifest().read_text().splitlines() if line]


def stale_default(root) -> tuple:
    """A data/raw/synthetisch whose files carry the manifest's names but other bytes."""
    target = paths.default_extract()
    assert target.parent == root / "data" / "raw"
    target.mkdir(parents=True)
    for name in shipped_names():
        (target / name).write_text("een oudere versie\n")
    return target, snapshot(target)


def test_a_default_folder_that_differs_from_the_manifest_is_an_error_not_regenerated(root):
    target, before = stale_default(root)
    with pytest.raises(UsageError) as info:
        ensure_default(log=lambda *_: None)
    msg = info.value.user_message()
    assert "synthetisch.sha256" in msg and "verplaats" in msg and "--extract" in msg
    assert snapshot(target) == before


@pytest.mark.slow
def test_the_default_is_made_once_and_an_extra_file_makes_it_differ(root):
    made = []
    target = ensure_default(log=made.append)
    assert len(made) == 1 and manifest(target) == paths.synthetic_manifest().read_text()
    stamp = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    assert ensure_default(log=made.append) == target and len(made) == 1  # not made again
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == stamp
    (target / "notitie.txt").write_text("van mij")
    with pytest.raises(UsageError):
        ensure_default(log=made.append)
    assert (target / "notitie.txt").read_text() == "van mij"


def test_run_and_synth_refuse_a_stale_default_folder(root, capsys):
    target, before = stale_default(root)
    code = cli.main(["run", "--out", str(root / "uit"), "--derived", str(root / "d")])
    assert code == 2 and "synthetisch.sha256" in capsys.readouterr().err
    code = cli.main(["synth"])
    assert code == 2 and "nooit overschreven" in capsys.readouterr().err
    assert snapshot(target) == before
    assert not (root / "uit").exists() and not (root / "d").exists()


def test_synth_with_other_settings_needs_its_own_folder(root, capsys):
    for extra in (["--seed", "3"], ["--geplant-verschil", "0.05"], ["--parquet"]):
        assert cli.main(["synth", *extra]) == 2
        assert "--out" in capsys.readouterr().err
    assert not (root / "data").exists()


def test_a_missing_manifest_is_an_error(root, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "synthetic_manifest", lambda: tmp_path / "weg.sha256")
    with pytest.raises(UsageError, match="ontbreekt"):
        ensure_default(log=lambda *_: None)
    assert not paths.default_extract().exists()


@pytest.mark.slow
def test_a_generated_extract_that_differs_from_the_manifest_is_not_put_in_place(root, monkeypatch, tmp_path):
    other = tmp_path / "ander.sha256"
    other.write_text("0" * 64 + "  extract.json\n")
    monkeypatch.setattr(paths, "synthetic_manifest", lambda: other)
    with pytest.raises(UsageError, match="wijkt af"):
        ensure_default(log=lambda *_: None)
    assert list((root / "data" / "raw").iterdir()) == []


@pytest.mark.slow
def test_synth_into_an_existing_folder(tmp_path, capsys):
    """The same bytes already there: nothing to do. Anything else: refused, untouched."""
    out = tmp_path / "extract"
    assert cli.main(["synth", "--out", str(out)]) == 0
    first = snapshot(out)
    assert cli.main(["synth", "--out", str(out)]) == 0
    assert snapshot(out) == first
    capsys.readouterr()
    assert cli.main(["synth", "--out", str(out), "--seed", "3"]) == 2
    assert "nooit overschreven" in capsys.readouterr().err
    assert snapshot(out) == first
    (out / "notitie.txt").write_text("van mij")
    with pytest.raises(UsageError):
        generate(out)
    assert (out / "notitie.txt").read_text() == "van mij"
    assert [p.name for p in tmp_path.iterdir()] == ["extract"]  # no temporary folders left
