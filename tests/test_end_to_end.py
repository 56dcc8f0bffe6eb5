"""End to end: the command line and the notebooks on real extracts, the report it leaves,
the privacy of every output, identical reruns, a failing notebook, celbeveiliging.

The national-size run is made once per session (conftest.full_run) and inspected by many
tests; runs on tiny extracts cover what a national run cannot (a failing notebook,
celbeveiliging of small counts).
"""
from __future__ import annotations

import json
import html
import re
import shutil
import subprocess
import os
import sys
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.audit import claims_file, verification_file
from analysis import cli
from analysis.definitions import compute, outputs, registry
from analysis.core import contract as C, paths
from analysis.publication import plan
from analysis.running import provenance
from analysis.core.params import Parameters
from test_presentation import section as page_section  # noqa: E402
from builders import Extract

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]
ID = re.compile(rb"W(?:21|13)-\d{7}")


def test_run_writes_everything_the_contract_and_the_report_promise(full_run):
    for name in registry.OUTPUTS:
        df = outputs.read_table(full_run / "tables" / f"{name}.csv")
        assert list(df.columns) == list(C.OUTPUT_COLUMNS)
        assert set(df["peildatum"]) == {"2024-05-01"}
        assert (full_run / "figures" / f"{name}.png").is_file() and (full_run / "figures" / f"{name}.svg").is_file()
    for f in ("index.html", "tabellen.xlsx", "verificatie.csv", "claims.csv", "statistiek.csv", "herkomst.json",
              "run.log", "parameters.json"):
        assert (full_run / f).is_file(), f
    assert provenance.is_earlier_output(full_run)  # a later run into it may replace it
    for name in plan.targets():
        nb = nbformat.read(full_run / "notebooks" / name, as_version=4)
        assert nb.metadata["papermill"]["parameters"]["peildatum"] == "2024-05-01"
        assert (full_run / "notebooks" / f"{name}.html").is_file()


def test_every_figure_on_the_notebooks_pages_says_what_it_shows(full_run):
    """Every figure of a run on the notebooks' pages, each with the report's own alt text, none
    with nbconvert's "No description has been provided"."""
    import json

    from bs4 import BeautifulSoup

    from analysis.presentation import letter_tables, notebook_page
    alts = []
    for name in plan.targets():
        page = BeautifulSoup((full_run / "notebooks" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        alts += [img["alt"] for img in page.select("div.jp-RenderedImage img")]
    expected = ([letter_tables.figure_alt(n, "2024-05-01") for n in registry.LETTER_OUTPUTS]
                + [json.loads((full_run / "figures" / f"{n}.json").read_text(encoding="utf-8"))["alt"]
                   for n in registry.MONITOR_OUTPUTS])
    assert notebook_page.NO_ALT not in alts
    assert sorted(alts) == sorted(expected)


def test_run_writes_the_monitor_outputs_with_the_contracts_keys(full_run, synthetic):
    """Contract section 7: the three monitor CSVs, byte-equal to the library's, with their keys;
    their figures and readings; the report's Monitor section and the workbook's sheets."""
    import json

    from analysis.definitions import monitor
    for name in registry.MONITOR_OUTPUTS:
        text = (full_run / "tables" / f"{name}.csv").read_text()
        expected = compute.output(name, synthetic, Parameters())
        assert text == outputs.to_csv_text(expected, C.OUTPUT_COLUMNS), name
        for ext in ("png", "svg", "json"):
            assert (full_run / "figures" / f"{name}.{ext}").is_file()
    t = outputs.read_table(full_run / "tables" / "tijdreeks_kerncijfers.csv")
    assert set(t["tabel"]) == {"kerncijfers_wi2021", "kerncijfers_wi2013"}
    assert set(t["rij"]) == set(C.KERNCIJFERS_WI2021_RIJEN) | set(C.KERNCIJFERS_WI2013_RIJEN)
    assert t["peildatum"].max() == "2024-05-01" and (t["peildatum"].str[8:] == "01").all()
    c = outputs.read_table(full_run / "tables" / "cohort_uitkomst_wi2013.csv")
    assert set(c["kolom"]) == set(C.REDEN_EINDE_WI2013)
    assert set(c["eenheid"]) == {f"{e}_{j}j" for j in range(1, 6) for e in ("procent", "ci_laag", "ci_hoog", "at_risk")}
    assert c["rij"].iloc[-1] == "2024"
    # contract 1.2: a share only where at least min_at_risk are still followed, with its interval
    wide = c.assign(j=c["eenheid"].str[-2:], maat=c["eenheid"].str[:-3]).pivot_table(
        index=["rij", "kolom", "j"], columns="maat", values="waarde", aggfunc="first", dropna=False)
    shown = wide["procent"].notna()
    assert shown.any() and (~shown).any()
    assert (wide.loc[shown, "at_risk"] >= Parameters.min_at_risk).all()
    assert (wide.loc[~shown, "at_risk"] < Parameters.min_at_risk).all()
    assert ((wide.loc[shown, "ci_laag"] <= wide.loc[shown, "procent"])
            & (wide.loc[shown, "procent"] <= wide.loc[shown, "ci_hoog"])).all()
    d = outputs.read_table(full_run / "tables" / "duur_tot_pip_wi2021.csv")
    assert list(dict.fromkeys(d["rij"])) == list(C.DOELGROEPEN)
    assert list(dict.fromkeys(d["kolom"])) == ["91d", "182d", "365d", "730d", "mediaan"]
    assert set(d[d.kolom == "mediaan"]["eenheid"]) == {monitor.EENHEID_DAGEN, monitor.CI_LAAG_DAGEN,
                                                       monitor.CI_HOOG_DAGEN}
    assert set(d[d.kolom != "mediaan"]["eenheid"]) == {"procent", "ci_laag", "ci_hoog", "at_risk"}
    page = (full_run / "index.html").read_text(encoding="utf-8")
    section = page_section(page, "monitor")
    assert "href='#monitor'" in page and section.count("<img ") == 3 and section.count("class='definitie'") == 3
    assert f"nog ten minste {Parameters.min_at_risk} personen gevolgd" in section
    for name in registry.MONITOR_OUTPUTS:
        about = json.loads((full_run / "figures" / f"{name}.json").read_text(encoding="utf-8"))
        assert html.escape(about["zin"], quote=True) in section and html.escape(about["alt"], quote=True) in section
    from openpyxl import load_workbook
    wb = load_workbook(full_run / "tabellen.xlsx", read_only=True)
    for name in registry.MONITOR_OUTPUTS:
        assert wb[registry.spec(name).titel].max_row > 3
    about = json.loads((full_run / "figures" / "cohort_uitkomst_wi2013.json").read_text(encoding="utf-8"))
    assert re.search(r"\(95%-interval \d+ tot \d+%; nog [\d.]+ van de [\d.]+ gevolgd\) van cohort \d{4}", about["zin"])


def test_cli_tables_are_the_library_tables(full_run, synthetic):
    expected = registry.compute_all(synthetic, Parameters())
    for name, df in expected.items():
        assert (full_run / "tables" / f"{name}.csv").read_text() == outputs.to_csv_text(df, C.OUTPUT_COLUMNS)


def test_percentages_are_full_precision_and_empty_where_undefined(full_run, tmp_path):
    text = (full_run / "tables" / "tabel1.csv").read_text()
    assert re.search(r",procent_kolom,86\.6\d{5,}", text)
    # one person, haalbaar and B1: column z_route and row niet_haalbaar have base 0
    x = Extract()
    x.wi2021(datum_plicht="2022-06-01", datum_lbt="2022-07-01", uitslag_lbt="haalbaar",
             datum_pip="2022-08-01", leerroute="b1")
    t1 = registry.compute_all(x.load(tmp_path / "een"), Parameters())["tabel1"]
    path = outputs.write_named(t1, "tabel1", tmp_path / "uit")
    lines = path.read_text().splitlines()
    fields = {tuple(line.split(",")[2:5]): line.split(",")[5] for line in lines[1:]}
    for rij, kolom, eenheid in (("haalbaar", "z_route", "procent_kolom"),
                                ("niet_haalbaar", "z_route", "procent_kolom"),
                                ("niet_haalbaar", "b1_onderwijsroute", "procent_rij"),
                                ("niet_haalbaar", "z_route", "procent_rij")):
        assert fields[(rij, kolom, eenheid)] == "", (rij, kolom, eenheid)  # 0 of 0: empty, not 0 or nan
    assert fields[("haalbaar", "b1_onderwijsroute", "procent_kolom")] == "100.0"
    assert fields[("haalbaar", "z_route", "procent_rij")] == "0.0"
    assert fields[("haalbaar", "z_route", "aantal")] == "0"


def test_verification_one_deviation_where_the_letter_contradicts_itself(full_run):
    v = verification_file.read(full_run / "verificatie.csv")
    assert list(v.columns)[:8] == ["tabel", "rij", "kolom", "peildatum", "gepubliceerd", "gereproduceerd",
                                   "status", "toelichting"]
    # the generator follows the printed cells, so the printed total that is not their sum differs
    differing = v[v["status"] == "afwijking"]
    assert len(differing) == 1 and verification_file.also_inconsistent(differing).all()
    assert (v["status"] == "inconsistent_in_brief").sum() == 0
    log = (full_run / "run.log").read_text()
    assert "configuratie:" in log and "route:" in log and "tijden (s):" in log


def test_claims_on_every_run(full_run):
    df = claims_file.read(full_run / "claims.csv")
    assert list(df.columns) == list(claims_file.COLUMNS) and len(df) >= 20
    assert set(df["status"]) == {"bevestigd", "afwijkend", "niet_toetsbaar"}
    assert df["status"].tolist()[0] == "afwijkend"  # deviating first
    deviating = set(df[df.status == "afwijkend"]["id"])
    assert {"C02", "C03", "C05", "C15"} <= deviating


def test_report_page(full_run):
    page = (full_run / "index.html").read_text()
    assert "SYNTHETISCHE GEGEVENS" in page[:5000]  # prominently, at the top
    assert page.count("<table") >= 8 + 3
    assert page.count("data:image/png;base64,") == len(registry.LETTER_OUTPUTS) + len(registry.MONITOR_OUTPUTS)
    assert "http://" not in page and "https://" not in page  # nothing fetched from a network
    herkomst = json.loads((full_run / "herkomst.json").read_text())
    assert herkomst["extract"]["checksum_sha256"] in page
    assert herkomst["code"]["commit"] in page
    for pkg in ("pandas", "scipy", "papermill"):
        assert pkg in page
    assert "inconsistent in de brief" in page and "1 juli 2023" in page
    assert "Lezing en berekening" in page and "Statistiek" in page


def test_workbook(full_run):
    from openpyxl import load_workbook
    wb = load_workbook(full_run / "tabellen.xlsx")
    assert wb.sheetnames[0] == "Toelichting"
    assert {"Kerncijfers Wi2021", "Tabel 1", "Tabel 2", "Tabel 3", "Tabel 4", "Kerncijfers Wi2013", "Tabel 5",
            "Tabel 6", "Verificatie", "Claims", "Statistiek"} <= set(wb.sheetnames)
    assert "SYNTHETISCHE" in wb["Toelichting"]["A2"].value
    t1 = wb["Tabel 1"]
    numbers = [c for row in t1.iter_rows() for c in row if isinstance(c.value, int) and c.value > 100]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)


def test_no_personal_data_in_any_output(full_run, synthetic):
    """No persoon_id (nor anything shaped like one) in any file of the run."""
    ids = set(synthetic.wi2013["persoon_id"].head(50)) | set(synthetic.wi2021["persoon_id"].head(50))
    for path in full_run.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                blobs = [z.read(n) for n in z.namelist()]
        for blob in blobs:
            assert not ID.search(blob), path
            for pid in list(ids)[:20]:
                assert pid.encode() not in blob, path


def test_rerun_is_identical(full_run, second_run):
    def files(root, pattern):
        return sorted(p.relative_to(root) for p in root.glob(pattern))
    for pattern in ("tables/*.csv", "figures/*", "*.csv", "tabellen.xlsx"):
        assert files(full_run, pattern) == files(second_run, pattern)
        for rel in files(full_run, pattern):
            assert (full_run / rel).read_bytes() == (second_run / rel).read_bytes(), rel
    a = (full_run / "index.html").read_text().splitlines()
    b = (second_run / "index.html").read_text().splitlines()
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    assert len(a) == len(b) and len(diff) <= 1
    assert all("Gemaakt op" in x for x, _ in diff)


def tiny(tmp_path: Path) -> Path:
    x = Extract()
    for dg, route, uitslag in [("asiel", "b1", "haalbaar"), ("asiel", "z", "niet_haalbaar"),
                               ("gezin", "b1", "haalbaar"), ("overig", "onderwijs", "haalbaar")]:
        x.wi2021(doelgroep=dg, datum_plicht="2022-06-01", datum_lbt="2022-07-01", uitslag_lbt=uitslag,
                 datum_pip="2022-08-01", leerroute=route, datum_aanbod="2022-09-01" if dg == "asiel" else None)
    for i in range(12):
        b = x.wi2013(doelgroep="asiel", datum_plicht=f"{2016 + i % 6}-03-01", analfabeet="ja" if i % 3 else "nee")
        x.lening(b, "2021-01-01", "9600.00")
        x.examen(b, "2021-02-01", "knm")
    return x.write(tmp_path / "klein")


def test_celbeveiliging_in_every_output(tmp_path, capsys):
    extract = tiny(tmp_path)
    out = tmp_path / "beveiligd"
    code = cli.main(["run", "--extract", str(extract), "--out", str(out), "--celbeveiliging", "5",
                     "--derived", str(tmp_path / "d")])
    assert code == 0, capsys.readouterr().err
    record = pd.read_csv(out / "tables" / "celbeveiliging.csv", dtype=str, keep_default_na=False)
    hidden = record[record["status"] == "afgeschermd"]
    assert len(hidden) > 0 and "primair" in set(hidden["reden"])
    assert set(record["tabel"]) >= set(registry.OUTPUTS)  # every letter table is in the one pattern
    for name in registry.OUTPUTS:
        df = outputs.read_table(out / "tables" / f"{name}.csv")
        counts = df[df["eenheid"] == "aantal"]["waarde"].dropna()
        assert not ((counts > 0) & (counts < 5)).any(), name
    for name in ("cohort_uitkomst_wi2013", "duur_tot_pip_wi2021"):  # the monitor's new columns (contract 1.2)
        df = outputs.read_table(out / "tables" / f"{name}.csv")
        at_risk = df[df["eenheid"].str.startswith("at_risk")]["waarde"].dropna()
        assert len(at_risk) and not ((at_risk > 0) & (at_risk < 5)).any(), name
        cell = {(r.rij, r.kolom, r.eenheid): r.waarde for r in df.itertuples()}
        for (rij, kolom, eenheid), w in cell.items():
            if eenheid.startswith("procent") and pd.isna(w):
                assert pd.isna(cell[(rij, kolom, eenheid.replace("procent", "ci_laag"))])
                assert pd.isna(cell[(rij, kolom, eenheid.replace("procent", "ci_hoog"))])
    page = (out / "index.html").read_text()
    assert "Celbeveiliging" in page and ">x<" in page
    from openpyxl import load_workbook
    wb = load_workbook(out / "tabellen.xlsx")
    assert any(c.value == "x" for row in wb["Tabel 1"].iter_rows() for c in row)
    st = pd.read_csv(out / "statistiek.csv")
    comp = st[st["analyse"] == "elip_samenstelling"]
    assert comp["waarde"].isna().all()
    nb = nbformat.read(out / "notebooks" / "02_tabel1_leerbaarheidstoets.ipynb", as_version=4)
    shown = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if o.get("output_type") == "execute_result" and "text/plain" in o.get("data", {})]
    table = next(t for t in shown if "Haalbaar" in t)
    assert "x" in table and " 3 " not in table


def test_default_run_through_the_real_command(tmp_path):
    """`python -m analysis run` with only --out: the shipped extract, the letter's peildatum."""
    out = tmp_path / "standaard"
    res = subprocess.run([sys.executable, "-m", "analysis", "run", "--out", str(out),
                          "--derived", str(tmp_path / "d")], capture_output=True, text=True, timeout=900,
                         cwd=paths.project_root())
    assert res.returncode == 0, res.stderr
    assert "Verificatie: " in res.stdout and "1 afwijking (waarvan 1 waar de brief zichzelf ook tegenspreekt)" \
        in res.stdout
    assert "de brief spreekt zichzelf tegen: Tabel 6, 1 juli 2023, Totaal" in res.stdout
    assert f"Rapport: {out / 'index.html'}" in res.stdout
    assert "Traceback" not in res.stderr
    # the README shows these lines ("..." where it shortens one): they stay true
    readme = (paths.project_root() / "README.md").read_text(encoding="utf-8")
    block = readme.split("`make report` ends with", 1)[1].split("```")[1].strip("\n").splitlines()
    assert len(block) == 4 and block[-1].startswith("Rapport: ")
    for line in block[:-1]:
        assert re.search("^" + ".*".join(re.escape(part) for part in line.split("...")) + "$", res.stdout, re.M), line


def varied(tmp_path: Path) -> Path:
    """A small extract with a bit of everything, not tuned to any peildatum."""
    import random
    rnd = random.Random(7)
    x = Extract()
    for _ in range(60):
        plicht = f"2022-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        kw = {"doelgroep": rnd.choice(C.DOELGROEPEN), "datum_plicht": plicht}
        if rnd.random() < 0.7:
            kw.update(datum_lbt=f"2023-01-{rnd.randint(1, 28):02d}", uitslag_lbt=rnd.choice(C.UITSLAG_LBT))
        if rnd.random() < 0.6:
            kw.update(datum_pip=f"2023-0{rnd.randint(2, 9)}-{rnd.randint(1, 28):02d}", leerroute=rnd.choice(C.LEERROUTES))
            if rnd.random() < 0.5:
                kw.update(datum_aanbod="2023-10-01")
        if rnd.random() < 0.2:
            kw.update(datum_einde="2024-01-15", reden_einde=rnd.choice(C.REDEN_EINDE_WI2021))
        x.wi2021(**kw)
    for _ in range(80):
        pid = x.wi2013(doelgroep=rnd.choice(C.DOELGROEPEN), datum_plicht=f"{rnd.randint(2013, 2023)}-03-01",
                       analfabeet=rnd.choice(["ja", "nee", None]),
                       **({"datum_einde": "2023-12-01", "reden_einde": rnd.choice(C.REDEN_EINDE_WI2013)}
                          if rnd.random() < 0.3 else {}))
        for _ in range(rnd.randint(0, 3)):
            x.lening(pid, f"2023-0{rnd.randint(4, 9)}-15", f"{rnd.randint(500, 4000)}.{rnd.randint(0, 99):02d}")
        x.examen(pid, "2023-05-05", rnd.choice(C.ONDERDELEN), rnd.choice(C.UITSLAG_EXAMEN))
    return x.write(tmp_path / "gevarieerd")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_small_extract_through_the_notebooks_equals_the_library(tmp_path, fmt, capsys):
    """Another peildatum, comparison date, ELIP dates and threshold: the CLI's CSVs are the
    library's direct computation, cell by cell, for CSV and Parquet input alike."""
    extract = varied(tmp_path)
    if fmt == "parquet":
        for name in ("wi2021_personen", "wi2013_personen", "wi2013_leningen", "wi2013_examens"):
            df = pd.read_csv(extract / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)
            (extract / f"{name}.csv").unlink()
            df.to_parquet(extract / f"{name}.parquet", index=False)
    from analysis.audit import reference
    from analysis.core.params import parse_parameters
    from analysis.extract.validation import validate_extract
    out = tmp_path / "uit"
    args = ["run", "--extract", str(extract), "--out", str(out), "--peildatum", "2023-11-15",
            "--vorige-peildatum", "2022-12-31", "--elip-peildata", "2023-06-30,2023-01-01",
            "--elip-drempel", "5000", "--derived", str(tmp_path / "d"), "--min-at-risk", "3"]
    assert cli.main(args) == 0, capsys.readouterr().err
    # --min-at-risk reaches the notebooks: the monitor's CSVs are the library's at that minimum
    assert json.loads((out / "parameters.json").read_text())["min_at_risk"] == 3
    for name in registry.MONITOR_OUTPUTS:
        expected = compute.output(name, validate_extract(extract), parse_parameters("2023-11-15", min_at_risk="3"))
        assert (out / "tables" / f"{name}.csv").read_text() == outputs.to_csv_text(expected, C.OUTPUT_COLUMNS), name
    # every figure of the letter is audited at its own date; those after this extract's
    # horizon (its latest event: no stand_per) are niet_vergelijkbaar, none is dropped
    v = verification_file.read(out / "verificatie.csv")
    assert len(v) == len(reference.load_figures())
    h = validate_extract(extract).meta.horizon.isoformat()
    late = v["peildatum"] > h
    assert late.any() and (v.loc[late, "status"] == "niet_vergelijkbaar").all()
    assert (v.loc[~late, "status"] != "niet_vergelijkbaar").all()
    params = parse_parameters("2023-11-15", "2022-12-31", "2023-06-30,2023-01-01", "5000")
    expected = registry.compute_all(validate_extract(extract), params)
    for name, df in expected.items():
        assert (out / "tables" / f"{name}.csv").read_text() == outputs.to_csv_text(df, C.OUTPUT_COLUMNS), name
    t6 = outputs.read_table(out / "tables" / "tabel6.csv")
    assert list(dict.fromkeys(t6["rij"])) == ["2023-01-01", "2023-06-30"]


@pytest.mark.parametrize("name", ["tabel.ipynb", "10_verificatie_en_claims.ipynb", "monitor.ipynb"])
def test_notebooks_run_as_opened_in_jupyterlab(name, synthetic_extract, tmp_path, monkeypatch):
    """With the defaults of their parameters cell (as a user opens them), notebooks run on
    the shipped synthetic extract."""
    import papermill as pm
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + ":" + __import__("os").environ["PATH"])
    monkeypatch.setenv("ANALYSIS_DERIVED", str(tmp_path / "derived"))
    before = sorted(p.name for p in paths.reports_dir().iterdir())
    pm.execute_notebook(str(paths.notebooks_dir() / name), str(tmp_path / name), kernel_name="python3",
                        progress_bar=False, log_output=False)
    nb = nbformat.read(tmp_path / name, as_version=4)
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert sorted(p.name for p in paths.reports_dir().iterdir()) == before  # nothing written into the repository


def test_what_a_kernel_writes_on_its_stderr_goes_to_kernels_log_not_to_the_terminal(tmp_path, capfd, monkeypatch):
    """A kernel's own stderr (a tornado message at shutdown, a library warning) is no message
    of the run: it lands in kernels.log beside run.log."""
    import papermill as pm

    from analysis.running.kernels import quiet_kernel_manager
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os; os.write(2, b'kernel-stderr\\n')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "k.ipynb")
    log = tmp_path / "kernels.log"
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    pm.execute_notebook(str(tmp_path / "k.ipynb"), str(tmp_path / "uit.ipynb"), kernel_name="python3",
                        progress_bar=False, kernel_manager_class=quiet_kernel_manager(log))
    assert "kernel-stderr" in log.read_text()
    assert "kernel-stderr" not in capfd.readouterr().err


def test_the_run_records_its_final_folder_not_the_build(full_run):
    """parameters.json and every executed notebook say where the run's files are: the final
    --out, not the build folder that was renamed into place (issue 17)."""
    params = json.loads((full_run / "parameters.json").read_text())
    assert params["uitvoer"] == str(full_run)
    for name in plan.targets():
        meta = nbformat.read(full_run / "notebooks" / name, as_version=4).metadata["papermill"]
        assert meta["parameters"]["uitvoer"] == str(full_run) and meta["output_path"] == str(full_run / "notebooks" / name)
    assert not [p for p in full_run.rglob("*") if p.is_file() and b".bouw-" in p.read_bytes()]


def test_an_executed_notebook_run_again_by_hand_writes_nothing(full_run, tmp_path, monkeypatch):
    """Opened from reports/ in JupyterLab and run again, an executed notebook shows its results
    and writes nowhere: not into its run folder (which stays as the run left it), not beside
    it (it used to recreate the deleted build folder there), not into the working folder."""
    from nbclient import NotebookClient
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    monkeypatch.delenv("ANALYSIS_BOUWMAP", raising=False)
    monkeypatch.chdir(tmp_path)
    name = registry.spec("kerncijfers_wi2013").notebook
    nb = nbformat.read(full_run / "notebooks" / name, as_version=4)
    def beside_it():  # what a run into that folder may leave beside it (other tests share its parent)
        return sorted(p.name for p in full_run.parent.glob(f".{full_run.name}.*"))
    beside = beside_it()
    before = {p: p.stat().st_mtime_ns for p in full_run.rglob("*")}
    NotebookClient(nb, kernel_name="python3", timeout=300).execute()
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert {p: p.stat().st_mtime_ns for p in full_run.rglob("*")} == before
    assert beside_it() == beside
    assert list(tmp_path.iterdir()) == []
    shown = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Opnieuw uitgevoerd schrijft het niets weg" in shown


# ---- an extract the suite did not make, cut before the letter's dates (issue 17 items 4, 5) ---

CUT = "2023-10-01"


@pytest.fixture(scope="module")
def cut_run(synthetic_extract, tmp_path_factory):
    """The shipped synthetic extract as another team might hand it over: drawn on 1 October
    2023 (stand_per), described as their own synthetic extract (their `bron`, no generator
    block of ours). One run through the command line; its folder and what it printed."""
    import contextlib
    import io

    from builders import OTHER_BRON, cut_extract
    base = tmp_path_factory.mktemp("afgesneden")
    extract = cut_extract(synthetic_extract, base / "extract", CUT, meta={"bron": OTHER_BRON, "generator": None})
    out, printed = base / "uit", io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["run", "--extract", str(extract), "--out", str(out), "--peildatum", CUT,
                         "--derived", str(base / "d")])
    assert code == 0
    return out, printed.getvalue()


def _texts(folder: Path) -> dict[str, str]:
    """Every text a run wrote (workbook sheets included), by file."""
    out = {}
    for path in folder.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                out[path.name] = html.unescape(" ".join(z.read(n).decode("utf-8") for n in z.namelist()
                                                        if n.endswith(".xml")))
        elif path.is_file() and path.suffix in (".html", ".ipynb", ".json", ".csv", ".log"):
            out[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
    return out


def _workbook_strings(path: Path) -> str:
    from openpyxl import load_workbook
    return "\n".join(str(c.value) for ws in load_workbook(path) for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str))


def test_an_extract_made_elsewhere_is_described_as_such_everywhere(cut_run):
    """Case (b): synthetic, not made by this suite. No output says it imitates the letter;
    the banner, the limitations, the provenance, the workbook, the notebooks and the lines the
    run printed say what it is."""
    from analysis.core import extract_kind as K
    from test_extract_kind import assert_words_of, banner_sentences, sentences
    out, printed = cut_run
    assert json.loads((out / "herkomst.json").read_text())["extract"]["soort"] == K.ELDERS
    for text in _texts(out).values():
        assert_words_of(K.ELDERS, text)
    page = (out / "index.html").read_text(encoding="utf-8")
    limits = page_section(page, "beperkingen")
    assert_words_of(K.ELDERS, page, banner_sentences(K.ELDERS))
    assert_words_of(K.ELDERS, limits, {s for s in sentences(K.ELDERS) if s not in banner_sentences(K.ELDERS)
                                       and s not in (K.WORDS[K.ELDERS]["label"], K.WORDS[K.ELDERS]["bronregel"])})
    herkomst = page_section(page, "herkomst")
    assert K.WORDS[K.ELDERS]["label"] in herkomst and "&lt;X&gt;" in page and "<X>" not in page
    assert_words_of(K.ELDERS, _workbook_strings(out / "tabellen.xlsx"), banner_sentences(K.ELDERS))
    shown = " ".join(t for n, t in _texts(out).items() if n.startswith("notebooks/") and n.endswith(".html"))
    assert all(s in shown for s in banner_sentences(K.ELDERS))
    assert_words_of(K.ELDERS, printed, banner_sentences(K.ELDERS))


def test_real_data_are_described_as_such(cut_run, tmp_path):
    """Case (c): the same run's report and workbook, built from a herkomst that says the
    extract is real (synthetisch false): nothing synthetic, nothing of the suite's generator."""
    from analysis.core import extract_kind as K
    from analysis.running.runner import build_pages
    from builders import REAL_BRON
    from test_extract_kind import assert_words_of, banner_sentences
    out = tmp_path / "echt"
    shutil.copytree(cut_run[0], out)
    prov = json.loads((out / "herkomst.json").read_text())
    prov["extract"].update(synthetisch=False, bron=REAL_BRON, generator=None)
    build_pages(out, prov)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert_words_of(K.ECHT, page, banner_sentences(K.ECHT))
    assert "&lt;mei&gt;" in page and "<mei>" not in page
    book = _workbook_strings(out / "tabellen.xlsx")
    assert_words_of(K.ECHT, book, banner_sentences(K.ECHT))
    from test_presentation import visible_text
    for text in (visible_text(page), book):  # "synthetisch" only as "niet synthetisch"
        rest = text.lower().replace("niet synthetisch", "")
        assert "ynthetis" not in rest, rest[rest.find("ynthetis") - 200:][:400]


def test_the_suites_own_extract_is_described_as_built_back_from_the_letter(full_run):
    """Case (a), the shipped extract: its report, workbook and herkomst say that agreement
    with the letter proves little here."""
    from analysis.core import extract_kind as K
    from test_extract_kind import assert_words_of, banner_sentences
    page = (full_run / "index.html").read_text(encoding="utf-8")
    assert_words_of(K.SUITE, page, banner_sentences(K.SUITE) | {K.WORDS[K.SUITE]["label"]})
    assert_words_of(K.SUITE, _workbook_strings(full_run / "tabellen.xlsx"), banner_sentences(K.SUITE))
    assert json.loads((full_run / "herkomst.json").read_text())["extract"]["soort"] == K.SUITE


def test_the_audit_of_an_extract_cut_before_the_letters_dates(cut_run, full_run):
    """Contract v1.2 section 5 on an extract drawn on 1 October 2023: a claim on the data about
    a later date is not comparable; a claim on the letter's own figures keeps its verdict and
    is shown apart, its value headed as the letter's; a figure that differs from the extract is
    a difference also where the letter contradicts itself."""
    out, printed = cut_run
    text = (out / "claims.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,sectie,peildatum,citaat,gepubliceerd,berekend,status,bron,toelichting"
    cut, full = claims_file.read(out / "claims.csv"), claims_file.read(full_run / "claims.csv").set_index("id")
    assert set(cut["bron"]) == {"extract", "brief"}
    letter = cut[cut["bron"] == "brief"]
    assert len(letter) >= 4
    for r in letter.itertuples():  # the same verdict and value as on the whole extract
        assert (r.status, r.berekend) == (full.loc[r.id, "status"], full.loc[r.id, "berekend"]), r.id
    data = cut[cut["bron"] == "extract"]
    late = data["peildatum"] > CUT
    assert late.sum() >= 20
    assert (data.loc[late, "status"] == "niet_vergelijkbaar").all() and (data.loc[late, "berekend"] == "").all()
    assert (data.loc[~late & (data["peildatum"] != ""), "status"] != "niet_vergelijkbaar").all()
    # the report: claims on the letter's own figures in their own table, never under the extract's
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page_section(page, "claims") + page_section(page, "bijlage-claims")
    on_data, on_letter = section.split("<h3>Getoetst aan de eigen cijfers van de brief")
    assert "Deze run" not in section and "Uit de cijfers van de brief" in on_letter
    for r in letter.itertuples():
        assert f"<td class='tekst'>{r.id}</td>" in on_letter and f">{r.id}<" not in on_data
    assert html.escape(claims_file.summary(cut), quote=True) in section
    from openpyxl import load_workbook
    ws = load_workbook(out / "tabellen.xlsx")["Claims"]
    from analysis.presentation import excel, summaries
    head = [c.value for c in ws[excel.HEADER_ROW]]
    rows = {r[0].value: dict(zip(head, (c.value for c in r))) for r in ws.iter_rows(min_row=excel.HEADER_ROW + 1)
            if r[0].value}
    for r in letter.itertuples():
        assert rows[r.id]["Berekend uit"] == "de brief zelf"
        assert rows[r.id]["Status"] == summaries.LETTER_CLAIM_LABEL[r.status]
    assert {rows[i]["Berekend uit"] for i in data["id"]} == {"dit extract"}
    # verification: the Tabel 6 total of 1 July 2023 lies before the cut; it differs, and the
    # letter contradicts itself there too
    v = verification_file.read(out / "verificatie.csv")
    assert (v.loc[v["peildatum"] > CUT, "status"] == "niet_vergelijkbaar").all()
    both = v[verification_file.also_inconsistent(v)]
    assert both[["tabel", "rij", "kolom"]].values.tolist() == [["tabel6", "2023-07-01", "totaal"]]
    assert "verschil met de brief" in both["toelichting"].iloc[0]
    assert verification_file.summary(v) in printed and "(waarvan 1 waar de brief zichzelf ook tegenspreekt)" in printed
