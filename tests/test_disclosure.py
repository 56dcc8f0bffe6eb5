"""Celbeveiliging over everything a run publishes (issue 13 item 1), end to end.

One hand-built extract holds a small count behind every disclosure path found with
`--celbeveiliging 5` before the pattern covered the whole publication:

* the overlap of Tabel 2's populations at P and Q is 3 persons (statistiek.csv published
  `n_beide`);
* in the ELIP group at 1 April 2024 cohort 2020 has 3 persons and cohort 2021 has 20: Tabel 6
  hides the 3, but the composition analysis published the size of cohorts 2020-2021 together
  (23), and 23 - 20 = 3;
* 3 Wi2013 plichtigen became ingeburgerd between 1 October 2023 and 1 May 2024 (46 and 43
  still plichtig, both shown): claim C26 (the decrease) computed that 3 and printed it, with
  its arithmetic;
* a cell is hidden in one output and shown in another when two outputs show the same count
  (the run's tables and the audit's tables at the letter's dates).

The run goes through the command line; every file it writes is checked for the specific
values that must not appear (a generic scan for small numbers gives false hits).
"""
from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.definitions import outputs, registry
from analysis.audit import verification_file
from builders import Extract

N = 5
ELIP_DATE = "2024-04-01"  # the contract's last ELIP peildatum up to the default P


def crafted(tmp_path: Path) -> Path:
    x = Extract()
    # Wi2021: 3 plichtig at Q and P, 7 only at Q (ended 2024-01-01), 17 only at P
    for i in range(27):
        start = "2022-06-01" if i < 10 else "2023-09-01"
        kw = {"doelgroep": "asiel", "datum_plicht": start}
        if 3 <= i < 10:
            kw.update(datum_einde="2024-01-01", reden_einde="vervallen")
        if i >= 10 and i < 20:
            kw.update(datum_pip="2023-10-01", leerroute="b1")
        x.wi2021(**kw)
    x.wi2021(doelgroep="gezin", datum_plicht="2024-06-01")  # the extract's horizon after P
    # Wi2013, ELIP at 2024-04-01: cohort 2016 10 persons, 2020 3, 2021 20, all with a loan
    for year, n, analf in (("2016", 10, ["ja"] * 5 + ["nee"] * 5), ("2020", 3, ["ja", "nee", "nee"]),
                           ("2021", 20, ["ja"] * 9 + ["nee"] * 11)):
        for i in range(n):
            pid = x.wi2013(doelgroep="asiel", datum_plicht=f"{year}-03-01", analfabeet=analf[i])
            x.lening(pid, "2023-01-01", "9600.00")
    # 3 more plichtig on 2023-10-01, ingeburgerd on 2024-01-01 (no loan: not in the ELIP group)
    for _ in range(3):
        x.wi2013(doelgroep="gezin", datum_plicht="2018-03-01", datum_einde="2024-01-01",
                 reden_einde="ingeburgerd", analfabeet="nee")
    for _ in range(10):  # cohort 2020 outside the ELIP group: Tabel 5's row 2020 is not small
        x.wi2013(doelgroep="gezin", datum_plicht="2020-03-01", analfabeet="nee")
    for _ in range(6):  # ingeburgerd long before: no small count in the kerncijfers at P
        x.wi2013(doelgroep="gezin", datum_plicht="2018-03-01", datum_einde="2019-01-01",
                 reden_einde="ingeburgerd", analfabeet="nee")
    return x.write(tmp_path / "onthullend")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("beveiligd")
    out = tmp / "uit"
    code = cli.main(["run", "--extract", str(crafted(tmp)), "--out", str(out), "--celbeveiliging", str(N),
                     "--derived", str(tmp / "d")])
    assert code == 0
    return out


def texts(out: Path) -> dict[str, str]:
    """Every text a reader gets: CSVs, the page, the notebooks as HTML, the workbook's sheets."""
    found = {str(p.relative_to(out)): p.read_text(encoding="utf-8")
             for p in out.rglob("*") if p.suffix in (".csv", ".html", ".json", ".log")}
    with zipfile.ZipFile(out / "tabellen.xlsx") as z:
        found.update({f"tabellen.xlsx:{n}": z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")})
    return found


def stat(out: Path, analyse: str, kenmerk: str, toets: str, grootheid: str) -> float:
    st = pd.read_csv(out / "statistiek.csv", keep_default_na=False, na_values={"waarde": [""]},
                     dtype={"kenmerk": str})
    hit = st[(st["analyse"] == analyse) & (st["kenmerk"] == kenmerk) & (st["toets"] == toets)
             & (st["grootheid"] == grootheid)]
    return float(hit["waarde"].iloc[0]) if len(hit) else math.nan


def test_the_overlap_of_the_populations_is_not_published(run):
    t2 = outputs.read_table(run / "tables" / "tabel2.csv")
    shown = t2[(t2["eenheid"] == "aantal")].set_index(["rij", "kolom"])["waarde"]
    assert shown[("inburgeringsplichtig", "2024-05-01")] == 20
    # Q's 10 is hidden: the 7 who ended by P are plichtig_geworden - nog_plichtig at P (both
    # shown), they are exactly those only at Q, so 10 - 7 would give the overlap of 3
    assert math.isnan(shown[("inburgeringsplichtig", "2023-05-01")])
    assert math.isnan(stat(run, "pip_verandering", "", "overlap", "n_beide"))
    assert math.isnan(stat(run, "pip_verandering", "", "overlap", "aandeel_beide"))  # 3 / 20 gives it too
    # the change in the share needs Q's count, hidden: the analysis is left out, not half shown
    assert math.isnan(stat(run, "pip_verandering", "", "aandeel_peildatum", "schatting"))


def test_the_elip_composition_does_not_give_away_a_hidden_cohort(run):
    t6 = outputs.read_table(run / "tables" / "tabel6.csv")
    row = t6[(t6["rij"] == ELIP_DATE) & (t6["eenheid"] == "aantal")].set_index("kolom")["waarde"]
    assert math.isnan(row["2020"])  # 3 persons
    for k in ("analfabeet", "meer_dan_drie_examens"):
        n = stat(run, "elip_samenstelling", k, "aantallen", "n_2020_2021")
        unknown = stat(run, "elip_samenstelling", k, "aantallen", "onbekend_2020_2021")
        # cohort 2020 = n + unknown - cohort 2021: never all three shown
        assert math.isnan(n) or math.isnan(unknown) or math.isnan(row["2021"]), k
    # the sentence of the statistics may say n = 23 only while cohort 2021 (20) is hidden
    if any("n = 23" in text for text in texts(run).values()):
        assert math.isnan(row["2021"])


def test_the_independent_checker_bounds_no_count_below_the_threshold(run, capsys):
    assert cli.main(["controleer", "--out", str(run), "--celbeveiliging", str(N)]) == 0, capsys.readouterr().out


def test_the_record_says_why_each_value_is_hidden(run):
    rec = pd.read_csv(run / "tables" / "celbeveiliging.csv", dtype=str, keep_default_na=False)
    hidden = rec[rec["status"] == "afgeschermd"]
    assert set(hidden["reden"]) <= {"primair", "secundair", "afgeleid", "blok"}
    assert (hidden.loc[hidden["reden"] != "primair", "voor"] != "").all()
    overlap = hidden[(hidden["tabel"] == "pip_verandering")]
    assert list(overlap["reden"]) == ["primair"]
    q = hidden[(hidden["tabel"] == "tabel2") & (hidden["rij"] == "inburgeringsplichtig")]
    assert list(q["reden"]) == ["secundair"] and "pip_verandering" in q["voor"].iloc[0]


def test_claims_show_no_computed_count_below_the_threshold(run):
    cl = pd.read_csv(run / "claims.csv", dtype=str, keep_default_na=False).set_index("id")
    c26 = cl.loc["C26"]
    assert c26["status"] == "niet_toetsbaar" and c26["berekend"] == ""
    assert "afgeschermd door celbeveiliging" in c26["toelichting"] and "= 3" not in c26["toelichting"]
    # the monthly series shows both months around the 3: at most one of 46 and 43 is shown
    series = outputs.read_table(run / "tables" / "tijdreeks_kerncijfers.csv")
    plichtig = series[(series["tabel"] == "kerncijfers_wi2013") & (series["rij"] == "nog_plichtig")
                      & (series["eenheid"] == "aantal")].set_index("peildatum")["waarde"]
    assert plichtig[["2023-12-01", "2024-01-01"]].isna().any()
    for name, text in texts(run).items():
        assert "46 - 43" not in text, name  # the arithmetic of C26 (46 on 1 October 2023), wherever shown


def test_a_count_is_hidden_everywhere_or_nowhere(run):
    """The audit's tables at the letter's dates and the run's tables show the same counts at
    2024-05-01 (this run's P): one pattern, so a count hidden in one is hidden in the other."""
    run_cells = {}
    for name in registry.OUTPUTS:
        df = outputs.read_table(run / "tables" / f"{name}.csv")
        spec = registry.spec(name)
        for r in df[df["eenheid"] == "aantal"].itertuples():
            run_cells[(name, r.rij, r.kolom, spec.measured_on(r.rij, r.kolom, r.peildatum))] = r.waarde
    ver = verification_file.read(run / "verificatie.csv")
    ver = ver[(ver["eenheid"] == "aantal") & ~ver["toelichting"].str.startswith("de brief spreekt")]
    compared = 0
    for r in ver.itertuples():
        key = (r.tabel, r.rij, r.kolom, r.peildatum)
        if key in run_cells:
            compared += 1
            assert math.isnan(run_cells[key]) == math.isnan(r.gereproduceerd), key
    assert compared > 10


# ---- issue 16's crafted extracts, through the whole run's publication ------------------------

def _crafted_cohorts(x):
    """Wi2013 cohorts of 1 to 9 persons (2014 ... 2022), each with one ended."""
    for k, year in enumerate(range(2014, 2023), start=1):
        for i in range(k):
            end = {"datum_einde": f"{year + 1}-02-01", "reden_einde": "ingeburgerd"} if i == 0 else {}
            x.wi2013(datum_plicht=f"{year}-03-01", **end)


def _crafted_nobody_ended(x):
    """Nobody ended: Tabel 3's small total is kerncijfers met_pip minus the routes shown."""
    for i in range(23):
        pip = {"datum_pip": "2023-03-01", "leerroute": "b1" if i < 12 else "z" if i < 22 else "onderwijs"}
        x.wi2021(datum_plicht="2022-06-01", **pip)


def _crafted_cohort_of_twelve(x):
    """A cohort of 12: 11 ingeburgerd and 1 ontheven (the interface leak of issue 16)."""
    for i in range(12):
        reden = "ingeburgerd" if i < 11 else "ontheven"
        x.wi2013(datum_plicht="2018-01-01", datum_einde="2018-10-28" if i < 11 else "2019-05-16",
                 reden_einde=reden)


def _crafted_linked_elip(x):
    """ELIP cohorts linked over dates: 3 and 20 persons, loans passing the threshold at
    different dates."""
    for year, n in (("2020", 3), ("2021", 20)):
        for i in range(n):
            pid = x.wi2013(datum_plicht=f"{year}-03-01")
            x.lening(pid, "2022-01-01" if i % 2 else "2023-06-01", "9600.00")


@pytest.mark.parametrize("make", [_crafted_cohorts, _crafted_nobody_ended, _crafted_cohort_of_twelve,
                                  _crafted_linked_elip])
def test_the_crafted_extracts_give_no_small_count_away(make, tmp_path):
    from reader import findings

    from analysis.publication import run as publication_run
    from analysis.core.params import Parameters
    x = Extract()
    make(x)
    extract = x.load(tmp_path)
    params = Parameters(celbeveiliging=10)
    pub = publication_run.run_publication(extract, params)
    pattern = publication_run.run_pattern(extract, params)
    assert pattern.reasons  # each holds a small count
    assert findings(list(pub.counts.values()), pattern.hides, 10) == []
