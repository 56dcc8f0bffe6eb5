"""`python -m analysis controleer` (contract sections 4 and 8): the reader's attack on a run folder.

The hand-built folders hold a few long-format CSVs whose answers are worked out by hand in each
test; the end-to-end tests run the suite on a small hand-built extract through the command line,
then reveal one complementary cell in a copy of the protected folder.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.publication import controleer
from builders import Extract

HEADER = "tabel,peildatum,rij,kolom,eenheid,waarde\n"
P = "2024-05-01"


def folder(tmp_path: Path, files: dict[str, list[str]]) -> Path:
    """A run folder with tables/<name>.csv made of the given data lines."""
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    for name, lines in files.items():
        (out / "tables" / f"{name}.csv").write_text(HEADER + "".join(line + "\n" for line in lines),
                                                     encoding="utf-8")
    return out


def tabel6_row(cells: dict[str, str], d: str = "2024-04-01") -> list[str]:
    return [f"tabel6,{P},{d},{k},aantal,{v}" for k, v in cells.items()]


def run_check(out: Path, n: int, capsys) -> tuple[int, list[str]]:
    code = cli.main(["controleer", "--out", str(out), "--celbeveiliging", str(n)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines() + captured.err.splitlines()


# ---- hand-built folders -----------------------------------------------------------------

def test_a_total_and_one_of_two_parts_shown_gives_the_other_part(tmp_path, capsys):
    # totaal 20 = 17 + x: x is exactly 3
    out = folder(tmp_path, {"tabel6": tabel6_row({"2013": "17", "2014": "", "totaal": "20"})})
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert "  tabel6 2024-04-01 / 2014: ligt tussen 3 en 3 (afgeschermd, te begrenzen)" in lines
    assert lines[-1] == "controleer: 2 getoonde en 1 afgeschermde aantallen; 1 aantal is onder 5 te begrenzen"


def test_non_negativity_bounds_two_hidden_parts(tmp_path, capsys):
    # 24 = a + b + 20 with a = 3, b = 1 hidden: each lies in [0, 4]; N = 5
    out = folder(tmp_path, {"tabel6": tabel6_row({"2013": "", "2014": "", "2015": "20", "totaal": "24"})})
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert "  tabel6 2024-04-01 / 2013: ligt tussen 0 en 4 (afgeschermd, mogelijk 0 of klein)" in lines
    assert "  tabel6 2024-04-01 / 2014: ligt tussen 0 en 4 (afgeschermd, mogelijk 0 of klein)" in lines
    # and the complement totaal - 2015 = a + b = 4 follows from shown counts alone
    assert "  tabel6 2024-04-01 / totaal min 2015: ligt tussen 4 en 4 " \
           "(af te leiden uit getoonde aantallen)" in lines


def test_a_properly_protected_row_passes(tmp_path, capsys):
    # 45 = 3 + 12 + 30 with 3 (primary) and 12 (complementary) hidden: both lie in [0, 15]
    out = folder(tmp_path, {"tabel6": tabel6_row({"2013": "", "2014": "", "2015": "30", "totaal": "45"})})
    code, lines = run_check(out, 5, capsys)
    assert code == 0
    assert lines == ["controleer: 2 getoonde en 2 afgeschermde aantallen, geen aantal onder 5 te begrenzen"]


def test_the_difference_of_two_shown_months_is_a_count(tmp_path, capsys):
    months = [f"kerncijfers_wi2021,{m},plichtig_geworden,totaal,aantal,{v}"
              for m, v in (("2023-01-01", "40"), ("2023-02-01", "43"), ("2023-03-01", "60"))]
    out = folder(tmp_path, {"tijdreeks_kerncijfers": months})
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert ("  kerncijfers_wi2021 plichtig_geworden: toename van 2023-01-01 tot 2023-02-01: ligt tussen 3 en 3 "
            "(af te leiden uit getoonde aantallen)") in lines
    assert not any("2023-02-01 tot 2023-03-01" in line for line in lines)  # 17: not small


def test_a_month_of_the_series_is_the_table_at_that_date(tmp_path, capsys):
    """The kerncijfers at P and the series' month P are one count: hidden in one, shown in the other."""
    out = folder(tmp_path, {
        "kerncijfers_wi2021": [f"kerncijfers_wi2021,{P},plichtig_geworden,totaal,aantal,"],
        "tijdreeks_kerncijfers": [f"kerncijfers_wi2021,{P},plichtig_geworden,totaal,aantal,3"]})
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert f"  kerncijfers_wi2021 plichtig_geworden / totaal op {P}: ligt tussen 3 en 3 (getoond)" in lines


def test_a_percentage_with_its_base_reveals_its_count(tmp_path, capsys):
    # Tabel 2 at Q: 3 of 40 have a PIP (7.5%); the count is hidden, the share and base are not
    q = "2023-05-01"
    out = folder(tmp_path, {"tabel2": [f"tabel2,{P},inburgeringsplichtig,{q},aantal,40",
                                       f"tabel2,{P},met_pip,{q},aantal,",
                                       f"tabel2,{P},met_pip,{q},procent,7.5"]})
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert f"  kerncijfers_wi2021 met_pip / totaal op {q}: ligt tussen 3 en 3 (afgeschermd, te begrenzen)" in lines
    # rounded to one decimal, 7.5 means 7.45 .. 7.55 percent of 40: 2.98 .. 3.02, still exactly 3


def test_zero_may_be_shown_and_a_known_zero_is_no_finding(tmp_path, capsys):
    out = folder(tmp_path, {"tabel6": tabel6_row({"2013": "0", "2014": "", "2015": "30", "totaal": "30"})})
    code, lines = run_check(out, 5, capsys)
    assert code == 0, lines


@pytest.mark.parametrize("make, expected", [
    (lambda t: t / "nergens", "bestaat niet"),
    (lambda t: t, "tables"),
    (lambda t: folder(t, {"tabel6": ["tabel6,2024-05-01,2024-04-01,2013,aantal,veel"]}),
     "tabel6.csv, regel 2, kolom waarde"),
])
def test_a_folder_that_is_not_a_run_is_refused_cleanly(tmp_path, capsys, make, expected):
    out = make(tmp_path)
    code, lines = run_check(out, 5, capsys)
    assert code == 2
    assert expected in "\n".join(lines) and "Traceback" not in "\n".join(lines)


def test_a_csv_without_the_long_format_is_named(tmp_path, capsys):
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "tabel3.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    code, lines = run_check(out, 5, capsys)
    assert code == 2
    assert "tabel3.csv" in lines[0] and "tabel" in lines[0]


def test_the_threshold_must_be_a_threshold(tmp_path, capsys):
    out = folder(tmp_path, {"tabel6": tabel6_row({"2013": "17", "totaal": "17"})})
    for n in ("1", "tien"):
        code, lines = run_check(out, n, capsys)
        assert code == 2 and "--celbeveiliging" in lines[0]


# ---- end to end ---------------------------------------------------------------------------

N = 5


def small_extract(directory: Path) -> Path:
    """Tabel 3 has one small cell (onderwijs / overig = 2), everything else is large."""
    x = Extract()
    routes = {("b1", "asiel"): 20, ("b1", "gezin"): 15, ("b1", "overig"): 12,
              ("onderwijs", "asiel"): 10, ("onderwijs", "gezin"): 8, ("onderwijs", "overig"): 2,
              ("z", "asiel"): 9, ("z", "gezin"): 7, ("z", "overig"): 6}
    for (route, groep), n in routes.items():
        for _ in range(n):
            x.wi2021(doelgroep=groep, datum_plicht="2023-01-01", datum_pip="2023-03-01", leerroute=route)
    for i in range(30):
        kw = {"datum_einde": "2019-06-01", "reden_einde": "ingeburgerd"} if i < 12 else {}
        x.wi2013(doelgroep="gezin", datum_plicht="2016-03-01", **kw)
    return x.write(directory)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("controleer")
    extract = small_extract(tmp / "extract")
    out = {}
    for name, n in (("beveiligd", N), ("open", 0)):
        out[name] = tmp / name
        code = cli.main(["run", "--extract", str(extract), "--out", str(out[name]), "--celbeveiliging", str(n),
                         "--derived", str(tmp / "derived")])
        assert code == 0
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_a_protected_run_passes(runs, capsys):
    code, lines = run_check(runs["beveiligd"], N, capsys)
    assert code == 0, "\n".join(lines)


@pytest.mark.slow
def test_the_protected_tables_themselves_pass(runs, capsys):
    """Whatever the time series does, no finding may concern the letter's tables."""
    code, lines = run_check(runs["beveiligd"], N, capsys)
    found = [line for line in lines if line.startswith("  ")]
    assert not [line for line in found if line.lstrip().startswith(("tabel", "statistiek"))], found
    assert lines[-1].startswith("controleer: ") and "afgeschermde aantallen" in lines[-1]


@pytest.mark.slow
def test_revealing_a_complementary_cell_is_caught(runs, tmp_path, capsys):
    protected = runs["beveiligd"]
    pattern = _rows(protected / "tables" / "celbeveiliging.csv")
    primary = [(r["rij"], r["kolom"]) for r in pattern if r["tabel"] == "tabel3" and r["eenheid"] == "aantal"
               and r["reden"] == "primair"]
    assert primary == [("onderwijs", "overig")]  # the one small count of the extract
    # a complementary cell in the primary's row: with it shown, the row total gives the 2 away
    partner = [r["kolom"] for r in pattern if r["tabel"] == "tabel3" and r["eenheid"] == "aantal"
               and r["rij"] == "onderwijs" and r["status"] == "afgeschermd" and r["reden"] != "primair"]
    assert partner, pattern
    true = {(r["rij"], r["kolom"]): r["waarde"] for r in _rows(runs["open"] / "tables" / "tabel3.csv")
            if r["eenheid"] == "aantal"}
    revealed = tmp_path / "onthuld"
    shutil.copytree(protected, revealed)
    path = revealed / "tables" / "tabel3.csv"
    rows = _rows(path)
    for r in rows:
        if r["eenheid"] == "aantal" and r["rij"] == "onderwijs" and r["kolom"] in partner:
            assert r["waarde"] == ""
            r["waarde"] = true[("onderwijs", r["kolom"])]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)

    before = set(run_check(protected, N, capsys)[1])
    code, lines = run_check(revealed, N, capsys)
    assert code == 1
    new = [line for line in lines if line.startswith("  ") and line not in before]
    assert f"  tabel3 onderwijs / overig op {P}: ligt tussen 2 en 2 (afgeschermd, te begrenzen)" in new, new


def test_the_checker_reads_no_extract_and_no_suppression_code():
    source = Path(controleer.__file__).read_text(encoding="utf-8")
    for name in ("pattern", "space", "record", "protect", "items", "run", "registry", "definitions", "extract",
                 "extract_io", "validation", "model"):
        assert f"import {name}" not in source and f".{name} import" not in source, name
    assert "persoon" + "_id" not in source


def test_the_statistics_overlap_gives_its_complements(tmp_path, capsys):
    """statistiek.csv publishes how many of Tabel 2's population at P were also in it at Q:
    30 at Q, 27 in both, so 3 left between Q and P."""
    q = "2023-05-01"
    out = folder(tmp_path, {"tabel2": [f"tabel2,{P},inburgeringsplichtig,{P},aantal,40",
                                       f"tabel2,{P},met_pip,{P},aantal,20",
                                       f"tabel2,{P},inburgeringsplichtig,{q},aantal,30",
                                       f"tabel2,{P},met_pip,{q},aantal,10"]})
    (out / "statistiek.csv").write_text("analyse,kenmerk,toets,grootheid,waarde\n"
                                        "pip_verandering,,overlap,n_beide,27.0\n", encoding="utf-8")
    code, lines = run_check(out, 5, capsys)
    assert code == 1
    assert [line for line in lines if line.startswith("  ")] == [
        f"  statistiek pip_verandering: populatie op {q} min n_beide (alleen op {q}): ligt tussen 3 en 3 "
        "(af te leiden uit getoonde aantallen)"]
