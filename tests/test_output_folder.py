"""Where a run writes: never into its input, never over someone's folder, one run per folder
at a time, nothing left behind by an interrupted or killed run (issue 13 item 3).

Refusals happen before the extract is read, so most tests here are fast; the tests with two
real processes and signals run the notebook suite on a tiny extract and are marked slow.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import __version__, cli
from analysis.running import provenance, runner
from builders import earlier_output, valid_extract


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<map>")
            for p in sorted(folder.rglob("*"))}


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def broken_extract(tmp_path: Path) -> Path:
    """An extract that validation refuses: a run on it stops right after the out checks."""
    extract = valid_extract(tmp_path / "kapot")
    (extract / "wi2013_examens.csv").unlink()
    return extract


# --- never into the input ----------------------------------------------------------------

def test_out_equal_to_the_extract_holding_a_herkomst_json_is_refused(tmp_path, capsys):
    """The case that replaced the extract with the report (exit 0) before."""
    extract = valid_extract(tmp_path / "extract")
    (extract / "herkomst.json").write_text(json.dumps({"bron": "leverancier"}))
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(extract),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2, message
    assert "het extract" in message and "eigen invoer" in message and "Traceback" not in message
    assert snapshot(extract) == before
    assert not (tmp_path / "d").exists() and not list(tmp_path.glob(".extract.*"))


def test_out_equal_to_the_extract_even_when_it_looks_like_an_earlier_output(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    earlier_output(extract)
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(extract),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "eigen invoer" in message
    assert snapshot(extract) == before


def test_out_inside_the_extract_is_refused(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(extract / "rapport"),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "eigen invoer" in message
    assert snapshot(extract) == before


def test_out_containing_the_extract_is_refused_even_if_it_is_an_earlier_output(tmp_path, capsys):
    out = earlier_output(tmp_path / "uit")
    extract = valid_extract(out / "extract")
    before = snapshot(out)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "bevat het extract" in message
    assert snapshot(out) == before


def test_out_through_a_symlink_to_the_extract_is_refused(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    earlier_output(extract)
    link = tmp_path / "koppeling"
    link.symlink_to(extract, target_is_directory=True)
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(link),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "eigen invoer" in message
    assert snapshot(extract) == before and link.is_symlink()


def test_out_equal_to_the_derived_folder_is_refused(tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    derived = tmp_path / "afgeleid"
    code, message = run_cli(["run", "--extract", str(extract), "--out", str(derived),
                             "--derived", str(derived)], capsys)
    assert code == 2 and "afgeleide gegevens" in message
    assert not derived.exists()


# --- an earlier output, recognised by more than its file name ----------------------------

def _no_marker(d):
    (d / "herkomst.json").write_text(json.dumps({"suite": "iets"}))


def _other_maker(d):
    (d / "herkomst.json").write_text(json.dumps({provenance.MAKER_FIELD: "ander-programma 2.0"}))


def _not_json(d):
    (d / "herkomst.json").write_text("{dit is geen json")


def _json_list(d):
    (d / "herkomst.json").write_text("[]")


def _no_index(d):
    (d / "index.html").unlink()


def _tables_a_file(d):
    import shutil
    shutil.rmtree(d / "tables")
    (d / "tables").write_text("x")


@pytest.mark.parametrize("spoil", [_no_marker, _other_maker, _not_json, _json_list, _no_index, _tables_a_file],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_folder_that_only_resembles_an_earlier_output_is_refused(spoil, tmp_path, capsys):
    out = earlier_output(tmp_path / "uit")
    spoil(out)
    before = snapshot(out)
    assert not provenance.is_earlier_output(out)
    code, message = run_cli(["run", "--extract", str(broken_extract(tmp_path)), "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "geen eerdere uitvoer van deze suite" in message
    assert snapshot(out) == before


def test_the_marker_is_what_provenance_writes(tmp_path):
    from types import SimpleNamespace

    from analysis.core.params import Parameters
    cfg = SimpleNamespace(params=Parameters(), spreadsheet_nl=False, timings={}, horizon=None, warnings=[])
    info = {"checksum": "0" * 64, "bron": "x", "synthetisch": True, "bestanden": []}
    out = tmp_path / "uit"
    out.mkdir()
    provenance.write(out, info, cfg, __import__("datetime").datetime.now(), tmp_path)
    (out / "index.html").write_text("")
    (out / "tables").mkdir()
    assert json.loads((out / "herkomst.json").read_text())[provenance.MAKER_FIELD] == f"analysis {__version__}"
    assert provenance.is_earlier_output(out)


# --- read-only parent, stale leftovers, interrupts ------------------------------------------

def _unwritable_parent(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        parent = tmp_path / "alleen-lezen"
        parent.mkdir()
        parent.chmod(0o555)
        return parent
    # root writes through file modes; sysfs refuses new files even to root
    if Path("/sys").is_dir() and not _can_create(Path("/sys")):
        return Path("/sys")
    pytest.skip("geen map gevonden waarin deze gebruiker niet kan schrijven")


def _can_create(folder: Path) -> bool:
    try:
        fd = os.open(folder / ".analysis-probe", os.O_CREAT | os.O_WRONLY)
    except OSError:
        return False
    os.close(fd)
    os.unlink(folder / ".analysis-probe")
    return True


@pytest.mark.parametrize("depth", ["parent", "grandparent"])
def test_a_read_only_output_parent_is_a_clean_refusal(depth, tmp_path, capsys):
    parent = _unwritable_parent(tmp_path)
    out = parent / "uit" if depth == "parent" else parent / "nieuw" / "uit"
    extract = valid_extract(tmp_path / "extract")
    try:
        code, message = run_cli(["run", "--extract", str(extract), "--out", str(out),
                                 "--derived", str(tmp_path / "d")], capsys)
    finally:
        if parent != Path("/sys"):
            parent.chmod(0o755)
    assert code == 2, message
    assert "kan niet worden geschreven" in message and "Interne fout" not in message
    assert not out.exists() and not (tmp_path / "d").exists()


def test_stale_builds_of_killed_runs_are_removed_by_the_next_run(tmp_path, capsys):
    out = earlier_output(tmp_path / "uit")
    stale = tmp_path / ".uit.bouw-abc123"
    (stale / "notebooks").mkdir(parents=True)
    (stale / "notebooks" / "half.ipynb").write_text("{}")
    old = tmp_path / ".uit.oud-4242"
    earlier_output(old, note="nog ouder")
    other = tmp_path / ".andere.bouw-xyz"  # another --out's build: not ours to remove
    other.mkdir()
    before = snapshot(out)
    code, message = run_cli(["run", "--extract", str(broken_extract(tmp_path)), "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "ontbreekt" in message  # the extract's error: the out checks passed
    assert not stale.exists() and not old.exists() and other.exists()
    assert snapshot(out) == before
    assert not (tmp_path / ".uit.lock").exists()


def test_a_run_killed_between_the_two_renames_gets_its_earlier_output_back(tmp_path, capsys):
    old = earlier_output(tmp_path / ".uit.oud-4242")
    before = snapshot(old)
    code, _ = run_cli(["run", "--extract", str(broken_extract(tmp_path)), "--out", str(tmp_path / "uit"),
                       "--derived", str(tmp_path / "d")], capsys)
    assert code == 2
    assert snapshot(tmp_path / "uit") == before and not old.exists()


def test_an_interrupted_run_removes_its_build_folder(tmp_path, capsys, monkeypatch):
    out = earlier_output(tmp_path / "uit")
    before = snapshot(out)
    seen = []

    def interrupted(jobs, nb_dir, build, *args):
        seen.append(build)
        (build / "notebooks" / "half.ipynb").write_text("{}")
        raise KeyboardInterrupt
    monkeypatch.setattr(runner, "_execute_all", interrupted)
    code, message = run_cli(["run", "--extract", str(valid_extract(tmp_path / "extract")), "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 130 and "Afgebroken" in message
    assert seen and not seen[0].exists()
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".uit.*"))


def test_a_second_run_into_a_locked_folder_is_refused_at_once(tmp_path, capsys):
    """The lock as another process holds it (the two-process test below runs real runs)."""
    out = earlier_output(tmp_path / "uit")
    before = snapshot(out)
    holder = subprocess.Popen([sys.executable, "-c",
                               "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('ok', flush=True); time.sleep(60)",
                               str(tmp_path / ".uit.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        t0 = time.monotonic()
        code, message = run_cli(["run", "--extract", str(valid_extract(tmp_path / "extract")), "--out", str(out),
                                 "--derived", str(tmp_path / "d")], capsys)
        assert time.monotonic() - t0 < 30  # refused at once, not after waiting
    finally:
        holder.kill()
        holder.wait()
    assert code == 2 and "Er loopt al een run" in message
    assert snapshot(out) == before and not (tmp_path / "d").exists()


def test_jobs_below_one_are_refused_by_the_library_too(tmp_path):
    from analysis.core.errors import UsageError
    from analysis.core.params import Parameters
    with pytest.raises(UsageError, match="--jobs -1"):
        runner.run(runner.RunConfig(extract=tmp_path, out=tmp_path / "uit", params=Parameters(), jobs=-1))


# --- two real runs, signals ----------------------------------------------------------------

def tiny(tmp_path: Path) -> Path:
    return valid_extract(tmp_path / "klein")


def start_run(extract: Path, out: Path, derived: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", "--extract", str(extract), "--out", str(out),
                             "--derived", str(derived), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def lock_is_held(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _start_time(pid: int) -> str | None:
    """A process's start time (field 22 of /proc/<pid>/stat): with the pid, its identity."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def children(pid: int) -> list[tuple[int, str]]:
    """Processes started by `pid` (its notebook kernels), found through /proc, each with its
    start time so that a pid reused by another process later is never mistaken for it."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((int(stat.parent.name), fields[19]))
    return found


def kill_all(proc: subprocess.Popen, sig: int) -> None:
    kids = children(proc.pid)
    proc.send_signal(sig)
    proc.wait(timeout=300)
    for kid, started in kids:  # the kernels this run started, and only those
        if _start_time(kid) != started:
            continue  # gone, and its pid perhaps reused by another test's process
        try:
            os.kill(kid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.slow
def test_two_processes_one_folder_and_sigterm_cleans_up(tmp_path):
    extract = tiny(tmp_path)
    out = earlier_output(tmp_path / "uit")
    before = snapshot(out)
    first = start_run(extract, out, tmp_path / "d")
    try:
        wait_for(lambda: list(tmp_path.glob(".uit.bouw-*")), first)
        assert lock_is_held(tmp_path / ".uit.lock")
        second = subprocess.run([sys.executable, "-m", "analysis", "run", "--extract", str(extract), "--out", str(out),
                                 "--derived", str(tmp_path / "d2")], capture_output=True, text=True, timeout=120)
        assert second.returncode == 2, second.stderr
        assert "Er loopt al een run" in second.stderr and "Traceback" not in second.stderr
        assert not (tmp_path / "d2").exists()
    finally:
        kill_all(first, signal.SIGTERM)
    _, err = first.communicate()
    assert first.returncode == 128 + signal.SIGTERM, err
    assert "Afgebroken" in err and "Traceback" not in err
    assert not list(tmp_path.glob(".uit.bouw-*")) and not (tmp_path / ".uit.lock").exists()
    assert snapshot(out) == before


@pytest.mark.slow
def test_a_killed_run_leaves_a_build_that_the_next_run_removes(tmp_path, capsys):
    extract = tiny(tmp_path)
    out = earlier_output(tmp_path / "uit")
    before = snapshot(out)
    first = start_run(extract, out, tmp_path / "d")
    try:
        wait_for(lambda: list(tmp_path.glob(".uit.bouw-*")), first)
    finally:
        kill_all(first, signal.SIGKILL)
    first.communicate()
    assert list(tmp_path.glob(".uit.bouw-*"))  # SIGKILL cannot be cleaned up after ...
    assert not lock_is_held(tmp_path / ".uit.lock")  # ... but its lock died with it
    code, message = run_cli(["run", "--extract", str(broken_extract(tmp_path)), "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2
    assert not list(tmp_path.glob(".uit.bouw-*"))  # ... and the next run removed it
    assert snapshot(out) == before


# --- no input folder written into: the derived folder, the notebooks, links (issue 17) -------

def stops_after_deriving(extract: Path) -> list[str]:
    """Arguments that make a run stop right after deriving (a peildatum past the stand_per
    this sets): should a check below ever be missed, the test still ends in seconds."""
    meta = json.loads((extract / "extract.json").read_text())
    (extract / "extract.json").write_text(json.dumps(meta | {"stand_per": "2024-01-31"}))
    return ["--peildatum", "2024-05-01"]


@pytest.mark.parametrize("where", ["gelijk", "erin", "via-koppeling", "via-puntpunt"])
def test_derived_folder_equal_to_or_inside_the_extract_is_refused(where, tmp_path, capsys):
    extract = valid_extract(tmp_path / "extract")
    late = stops_after_deriving(extract)
    (tmp_path / "koppeling").symlink_to(extract, target_is_directory=True)
    derived = {"gelijk": extract, "erin": extract / "afgeleid", "via-koppeling": tmp_path / "koppeling" / "afgeleid",
               "via-puntpunt": tmp_path / "elders" / ".." / "extract" / "cache"}[where]
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), *late, "--out", str(tmp_path / "uit"),
                             "--derived", str(derived)], capsys)
    assert code == 2, message
    assert "De map voor afgeleide gegevens" in message and "(--derived)" in message and "invoermap" in message
    assert snapshot(extract) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract", "koppeling"]


def test_derived_folder_from_the_environment_inside_the_extract_is_refused(tmp_path, capsys, monkeypatch):
    import analysis
    from analysis.core.errors import UsageError
    extract = valid_extract(tmp_path / "extract")
    late = stops_after_deriving(extract)
    monkeypatch.setenv("ANALYSIS_DERIVED", str(extract / "cache"))
    before = snapshot(extract)
    code, message = run_cli(["run", "--extract", str(extract), *late, "--out", str(tmp_path / "uit")], capsys)
    assert code == 2 and "ANALYSIS_DERIVED" in message, message
    with pytest.raises(UsageError, match="ANALYSIS_DERIVED"):
        analysis.open_extract(extract)
    assert snapshot(extract) == before and sorted(p.name for p in tmp_path.iterdir()) == ["extract"]


def test_an_extract_file_linking_into_the_output_folder_is_refused(tmp_path, capsys):
    """Replacing the earlier output would delete the file the extract's link points at."""
    out = earlier_output(tmp_path / "uit")
    extract = valid_extract(tmp_path / "extract")
    late = stops_after_deriving(extract)
    (extract / "wi2013_examens.csv").rename(out / "tables" / "examens.csv")
    (extract / "wi2013_examens.csv").symlink_to(out / "tables" / "examens.csv")
    before = snapshot(out)
    code, message = run_cli(["run", "--extract", str(extract), *late, "--out", str(out),
                             "--derived", str(tmp_path / "d")], capsys)
    assert code == 2, message
    assert "wi2013_examens.csv in het extract" in message and "verwijst naar" in message
    assert snapshot(out) == before and (extract / "wi2013_examens.csv").is_file()
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("relation", ["in", "om"])
def test_out_inside_or_around_the_notebooks_folder_is_refused(relation, tmp_path):
    from analysis.core.errors import UsageError
    from analysis.core.params import Parameters
    extract = valid_extract(tmp_path / "extract")
    notebooks = tmp_path / "notebooks" if relation == "in" else tmp_path / "uit" / "notebooks"
    notebooks.mkdir(parents=True)
    out = notebooks / "uit" if relation == "in" else tmp_path / "uit"
    before = snapshot(tmp_path)
    with pytest.raises(UsageError, match="de map met notebooks"):
        runner.run(runner.RunConfig(extract=extract, out=out, params=Parameters(), notebooks_dir=notebooks,
                                    derived_root=tmp_path / "d", log=lambda *_: None))
    assert snapshot(tmp_path) == before


# --- an --out that cannot be moved aside: refused before any work ---------------------------

def _mount(out: Path):
    if subprocess.run(["mount", "-t", "tmpfs", "none", str(out)], capture_output=True).returncode != 0:
        pytest.skip("deze gebruiker kan geen map koppelen (mount)")
    return lambda: subprocess.run(["umount", str(out)], check=True)


def _immutable(out: Path):
    if os.geteuid() != 0 or subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is hier niet mogelijk")
    return lambda: subprocess.run(["chattr", "-i", str(out)], check=True)


@pytest.mark.parametrize("make", [_mount, _immutable], ids=["koppelpunt", "niet-verplaatsbaar"])
def test_an_output_folder_that_cannot_be_moved_aside_is_refused_at_once(make, tmp_path, capsys):
    """It used to be found out when publishing, after the whole run (exit 70)."""
    out = tmp_path / "uit"
    out.mkdir()
    undo = make(out)
    try:
        code, message = run_cli(["run", "--extract", str(valid_extract(tmp_path / "extract")), "--out", str(out),
                                 "--derived", str(tmp_path / "d")], capsys)
        assert code == 2, message
        assert "--out" in message and ("koppelpunt" in message or "kan niet worden vervangen" in message)
        assert "Er is niets geschreven" in message
        assert not (tmp_path / "d").exists() and list(out.iterdir()) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["extract", "uit"]  # no lock, no build left
    finally:
        undo()


def test_a_refused_run_leaves_no_folders_made_for_its_output(tmp_path, capsys):
    """A new --out several folders deep, and an extract that is refused: the folders made to
    hold the lock beside --out are gone again, so nothing at all is written."""
    code, message = run_cli(["run", "--extract", str(broken_extract(tmp_path)),
                             "--out", str(tmp_path / "nieuw" / "diep" / "uit"), "--derived", str(tmp_path / "d")], capsys)
    assert code == 2 and "ontbreekt" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kapot"]
