"""What a person reads: extract text kept as data, Dutch words instead of keys and ISO dates,
the glossary and its links, the limitations, and a workbook made for policy users.

The unit tests build their inputs by hand; the tests marked slow inspect the national run
(conftest.full_run).
"""
from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from analysis.core import dutch
from analysis.presentation import excel, glossary, notebook_page, report, safe_text

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CODE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9+]+)+\b")
FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv|parquet|json|ipynb|html|xlsx|svg|png)\b")


# --- extract text is data ---------------------------------------------------------------------

def test_shorten_cuts_long_text_with_an_ellipsis_and_flattens_lines():
    assert safe_text.shorten("a" * 500) == "a" * 199 + "…"
    assert len(safe_text.shorten("a" * 201)) == 200
    assert safe_text.shorten("a" * 200) == "a" * 200
    assert safe_text.shorten("regel 1\nregel 2\r\n# kop") == "regel 1 regel 2 # kop"


def test_html_escape_leaves_no_markup():
    out = safe_text.for_html("<script>alert(1)</script><img src=x onerror='y'>")
    assert "<" not in out and ">" not in out and "'" not in out
    assert out.startswith("&lt;script&gt;")


def test_markdown_escape_survives_the_notebook_renderer():
    """nbconvert's own Markdown renderer (the one that writes the notebooks' HTML) makes no
    element of the text: no script, image, link or heading."""
    from nbconvert.filters.markdown import markdown2html
    hostile = ("<script>document.title='x'</script><img src=x onerror=y> [klik](javascript:alert(1)) "
               "![p](x.png) *schuin* `code` \n# kop")
    rendered = markdown2html("> Extract: " + safe_text.for_markdown(hostile))
    for tag in ("<script", "<img", "<a ", "<em", "<code", "<h1"):
        assert tag not in rendered, tag
    assert "&lt;script&gt;" in rendered and "[klik](javascript:alert(1))" in rendered


@pytest.mark.parametrize("bron", ["[klik](https://kwaad.example/x)", "![beeld](https://kwaad.example/a.png)",
                                  "zie https://kwaad.example/x", "<https://kwaad.example>", "www.kwaad.example",
                                  "[a]: https://kwaad.example", "mail naar iemand@kwaad.example"])
def test_a_link_in_extract_text_is_no_link_in_the_notebooks_html(bron, tmp_path):
    """Every notebook shows the extract's `bron` (the banner, and the overview): rendered by
    the exporter the runner uses, no link or image comes of it, also not from a bare URL,
    which renderers turn into a link by themselves (issue 17)."""
    import json as json_mod

    import nbformat

    from analysis.core.params import Parameters
    from analysis.presentation import summaries
    from analysis.interface.session import Session
    from analysis.extract.validation import validate_extract
    from builders import valid_extract
    extract = valid_extract(tmp_path / "x")
    meta = json_mod.loads((extract / "extract.json").read_text())
    (extract / "extract.json").write_text(json_mod.dumps(meta | {"bron": bron, "synthetisch": False}))
    session = Session(extract=validate_extract(extract), params=Parameters(), out=None)
    nb = nbformat.v4.new_notebook()
    for shown in (session.banner(), summaries.overview(session)):
        cell = nbformat.v4.new_code_cell("s.banner()")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": shown.data, "text/plain": ""})]
        nb.cells.append(cell)
    nbformat.write(nb, tmp_path / "n.ipynb")
    page = notebook_page.write(tmp_path / "n.ipynb").read_text(encoding="utf-8")
    assert page.count("kwaad") >= 2  # shown in both (the overview repeats it beside the banner) ...
    assert not re.search(r"""(href|src)=["'][^"']*kwaad""", page) and "<img" not in page  # ... as text


@pytest.mark.parametrize("text,formula", [("=1+1", True), ("+31 6", True), ("-2+3", True), ("@SUM(A1)", True),
                                          ("\t=x", True), ("-", False), ("x", False), ("tekst = 1", False),
                                          (5, False)])
def test_formula_like(text, formula):
    assert safe_text.is_formula_like(text) is formula


def test_workbook_keeps_a_formula_like_text_as_text(tmp_path):
    wb = Workbook()
    excel._append(wb.active, ["=HYPERLINK(\"x\")", "-1+2", "@A1", "gewoon", "-"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    row = next(load_workbook(path).active.iter_rows())
    assert [c.value for c in row] == ["=HYPERLINK(\"x\")", "-1+2", "@A1", "gewoon", "-"]
    assert [c.data_type for c in row] == ["s"] * 5
    assert [bool(c.quotePrefix) for c in row] == [True, True, True, False, False]


def test_monitor_sheets_are_tables_as_the_report_reads_them(tmp_path):
    """Contract 1.2 section 7 in the workbook: a block per reden van einde with the cohorts by year,
    doelgroep by day, months by kerncijfer; each share (a number with a % format) beside its
    interval and the number still followed (a whole number); empty where the share is withheld."""
    import datetime as dt

    from analysis.definitions import monitor as M
    from builders import Extract
    x = Extract()
    x.wi2013(persoon_id="c1", datum_plicht="2022-01-01", datum_einde="2022-01-21", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="c2", datum_plicht="2022-12-01")
    x.wi2013(persoon_id="c3", datum_plicht="2022-01-01", datum_einde="2022-04-11", reden_einde="vervallen")
    x.wi2021(persoon_id="g1", doelgroep="gezin", datum_plicht="2022-01-01", datum_pip="2022-01-11", leerroute="b1")
    x.wi2021(persoon_id="g2", doelgroep="gezin", datum_plicht="2023-12-01")
    ext, p = x.load(tmp_path / "x"), dt.date(2024, 5, 1)
    params = {"peildatum": p.isoformat(), "min_at_risk": 1, "celbeveiliging": 0}
    wb = Workbook()
    sheets = {}
    for name in M.OUTPUTS:
        sheets[name] = wb.create_sheet(name[:30])
        excel.MONITOR_SHEETS[name](sheets[name], M.compute(name, ext, p, min_at_risk=1), params)
    ws = sheets[M.COHORT_UITKOMST]
    header = [c.value for c in ws[excel.HEADER_ROW]]
    assert header[:5] == ["Cohort", "Na 1 jaar", "1 jaar: ondergrens", "1 jaar: bovengrens", "1 jaar: nog gevolgd"]
    assert len(header) == 1 + 4 * len(M.COHORT_JAREN) and header[-1] == "5 jaar: nog gevolgd"
    first = [r[0].value for r in ws.iter_rows(min_row=excel.HEADER_ROW + 1)]
    titles = [v for v in first if isinstance(v, str)]
    assert titles[:4] == ["Ingeburgerd", "Vrijgesteld", "Ontheven", "Vervallen"]  # then the notes
    assert first[:6] == ["Ingeburgerd", 2022, 2023, 2024, None, "Vrijgesteld"]  # up to P's year, a blank row
    row = next(r for r in ws.iter_rows(min_row=excel.HEADER_ROW + 1) if r[0].value == 2022)  # ingeburgerd
    assert row[1].value == pytest.approx(1 / 3) and row[1].number_format == "0.0%"
    assert 0 < row[2].value < 1 / 3 < row[3].value < 1
    assert row[4].value == 1 and isinstance(row[4].value, int) and row[4].number_format == "#,##0"
    assert [c.value for c in row[5:9]] == [None, None, None, 0]  # two years: nobody followed any more
    assert ws.freeze_panes == f"B{excel.HEADER_ROW + 1}"
    ws = sheets[M.DUUR_TOT_PIP]
    header = [c.value for c in ws[excel.HEADER_ROW]]
    assert header[:5] == ["Doelgroep", "Na 91 dagen", "91 dagen: ondergrens", "91 dagen: bovengrens",
                          "91 dagen: nog gevolgd"]
    assert header[-3:] == ["Mediaan (dagen)", "Mediaan: ondergrens", "Mediaan: bovengrens"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=excel.HEADER_ROW + 1, max_row=excel.HEADER_ROW + 3)}
    assert list(rows) == ["Asielstatushouders", "Gezinsmigranten", "Overige migranten"]
    gezin = rows["Gezinsmigranten"]
    assert gezin[1].value == pytest.approx(0.5) and gezin[4].value == 1 and gezin[-3].value == 10
    assert gezin[5].value is None and gezin[8].value == 0  # 182 days: the other person left on day 152
    ws = sheets[M.TIJDREEKS]
    header = [c.value for c in ws[excel.HEADER_ROW]]
    assert header[:3] == ["Maand", "Wi2021: Inburgeringsplichtig geworden", "Wi2021: Nog inburgeringsplichtig"]
    assert "Wi2013: Totaal opgelegd" in header and "Wi2021: Nog inburgeringsplichtig met PIP (%)" in header
    assert ws.cell(excel.HEADER_ROW + 1, 1).value == "1 januari 2022"
    for sheet in sheets.values():
        for r in sheet.iter_rows():
            for c in r:
                assert not (isinstance(c.value, str) and (ISO.search(c.value) or CODE.search(c.value))), c.value


def test_definition_box_escapes_and_names_every_part():
    box = report.definition_box("Tabel <1>", "Personen met <b>plicht</b>", "aantal & procent",
                                "§3.2", "analysis.definitions.tables:tabel1", "02_tabel1.ipynb")
    assert box.startswith("<aside class='definitie'>")
    assert "<b>" not in box and "&lt;b&gt;plicht&lt;/b&gt;" in box and "Tabel &lt;1&gt;" in box
    for label in ("Populatie", "Cellen", "Contract", "Code", "Notebook"):
        assert f"<dt>{label}</dt>" in box
    assert ".definitie{" in report.CSS


# --- Dutch words ------------------------------------------------------------------------------

def test_labels_are_dutch_words():
    assert dutch.label("2024-05-01") == "1 mei 2024"
    assert dutch.label("afgerond_gelijk") == "afgerond gelijk"
    from analysis.definitions import registry
    from analysis.presentation import labels
    assert labels.output_label("kerncijfers_wi2021") == "Kerncijfers Wi2021"
    assert labels.cell_label("kerncijfers_wi2021", "nog_plichtig_asiel", "rij") == "waarvan asielstatushouder"
    assert not set(registry.SPECS) & set(dutch.LABELS)  # an output's words live in its declaration
    assert dutch.label("onbekende_sleutel") == "onbekende sleutel"
    for key, word in dutch.LABELS.items():
        assert not CODE.search(word) and not ISO.search(word), key


def test_free_text_gets_dutch_dates_and_words():
    assert dutch.leesbaar("datum_plicht op of voor 2024-05-01; grootste_rest") == \
        "datum inburgeringsplicht op of voor 1 mei 2024; grootste rest"


def test_verification_table_shows_no_keys():
    from analysis.presentation import summaries
    ver = pd.DataFrame({"tabel": ["tabel6"], "rij": ["2023-07-01"], "kolom": ["nog_plichtig"],
                        "peildatum": ["2023-07-01"], "gepubliceerd": [5.0], "gereproduceerd": [5.2],
                        "status": ["afgerond_gelijk"], "toelichting": ["brief, peildatum 2023-07-01"],
                        "eenheid": ["procent_kolom"], "precisie": ["afgerond"]})
    row = summaries.verification_table(ver).iloc[0].to_dict()
    assert row == {"Tabel": "Tabel 6", "Rij": "1 juli 2023", "Kolom": "nog inburgeringsplichtig (% van kolom)",
                   "Peildatum": "1 juli 2023", "Brief": "5,0%", "Deze run": "5,20%", "Status": "afgerond gelijk",
                   "Toelichting": "brief, peildatum 1 juli 2023"}


# --- glossary ---------------------------------------------------------------------------------

def test_glossary_links_the_first_use_of_each_term_in_a_text():
    text = "Niet **significant** (TOST p = 0,08; TOST nogmaals) en Cramér's V; <b>kappa</b>."
    out = glossary.linked(text, bold=True)
    assert out.count("href='#begrip-tost'") == 1
    assert "<strong><a class='begrip' href='#begrip-significant'>significant</a></strong>" in out
    assert "<a class='begrip' href='#begrip-cramer'>Cramér&#x27;s V</a>" in out
    assert "&lt;b&gt;" in out and "<b>" not in out  # the text is text


def test_glossary_links_a_term_once_over_the_cells_of_one_table():
    seen: set[str] = set()
    first, second = glossary.linked("TOST", seen), glossary.linked("TOST en kappa", seen)
    assert "href='#begrip-tost'" in first and "href='#begrip-tost'" not in second
    assert "href='#begrip-kappa'" in second


def test_glossary_has_one_anchor_per_term_and_the_page_explains_each():
    anchors = [a for a, *_ in glossary.TERMS]
    assert len(anchors) == len(set(anchors))
    section = report._render_block("begrippen", glossary=[(a, t, x) for a, t, x, _w in glossary.TERMS])
    for a in anchors:
        assert f"id='{a}'" in section
    for word in ("Holm", "TOST", "equivalentie", "McNemar", "Cochran-Armitage", "gecorrigeerd residu", "kappa",
                 "Cramér's V", "betrouwbaarheidsinterval", "p-waarde", "onderscheidend vermogen", "MDE"):
        assert any(word.lower() in term.lower() for _a, term, _t, _w in glossary.TERMS), word


# --- the national run's page ------------------------------------------------------------------

class _Text(HTMLParser):
    """The text a reader sees (no style, no script), per section id."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def section(page: str, anchor: str) -> str:
    """One section of the page: from its heading to the next section's."""
    start = page.index(f"<h2 id='{anchor}'>")
    end = page.find("<h2 ", start + 1)
    return page[start:end if end >= 0 else len(page)]


def visible_text(page: str) -> str:
    p = _Text()
    p.feed(page)
    return " ".join(p.parts)


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_page_shows_no_keys_and_no_iso_dates(full_run):
    text = FILE_NAME.sub(" ", visible_text((full_run / "index.html").read_text(encoding="utf-8")))
    assert ISO.findall(text) == []
    assert CODE.findall(text) == []


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_page_explains_terms_and_limits(full_run):
    page = (full_run / "index.html").read_text(encoding="utf-8")
    stats = visible_text(section(page, "statistiek"))
    used = [a for a, _t, _x, words in glossary.TERMS if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", stats)
                                                            for w in words)]
    assert len(used) >= 10
    for anchor in used:
        assert f"id='{anchor}'" in page and f"href='#{anchor}'" in page, anchor
    limits = visible_text(section(page, "beperkingen"))
    for phrase in ("Synthetische gegevens", "niet dat de tabellen goed berekend zijn", "met de hand",
                   "Celbeveiliging", "Doorlooptijden"):
        assert phrase in limits, phrase
    assert "<nav" in page and "@media print{" in page and "nav,.geen-print" in page


# --- the national run's workbook --------------------------------------------------------------

LONG = ("Kerncijfers Wi2021", "Tabel 1", "Tabel 2", "Tabel 3", "Tabel 4", "Kerncijfers Wi2013", "Tabel 5",
        "Tabel 6", "Verificatie", "Claims", "Statistiek", "Kerncijfers per maand", "Uitkomst per cohort Wi2013",
        "Tijd tot PIP Wi2021")


@pytest.fixture(scope="module")
def workbook(full_run):
    return load_workbook(full_run / "tabellen.xlsx")


def _header(ws):
    return [c.value for c in ws[excel.HEADER_ROW]]


def _data(ws):
    last = ws.auto_filter.ref.split(":")[1]
    return list(ws.iter_rows(min_row=excel.HEADER_ROW + 1, max_row=int(re.sub(r"\D", "", last))))


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
@pytest.mark.parametrize("sheet", LONG)
def test_sheet_filters_freezes_and_prints_landscape_on_one_page_width(workbook, sheet):
    ws = workbook[sheet]
    assert ws.auto_filter.ref.startswith(f"A{excel.HEADER_ROW}:")
    assert ws.freeze_panes in (f"A{excel.HEADER_ROW + 1}", f"B{excel.HEADER_ROW + 1}")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == f"${excel.HEADER_ROW}:${excel.HEADER_ROW}"


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
@pytest.mark.parametrize("sheet", LONG)
def test_sheet_has_dutch_headers_and_no_empty_column(workbook, sheet):
    ws = workbook[sheet]
    header = _header(ws)
    rows = _data(ws)
    for i, title in enumerate(header):
        if i or sheet in ("Verificatie", "Claims", "Statistiek"):
            assert isinstance(title, str) and title and not CODE.search(title) and not ISO.search(title), title
        assert any(r[i].value not in (None, "") for r in rows), (sheet, title)


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_workbook_text_has_no_keys_or_iso_dates(workbook):
    for ws in workbook:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.coordinate != "B12":  # B12: package names
                    assert not ISO.search(c.value) and not CODE.search(c.value), (ws.title, c.coordinate, c.value)
    assert workbook["Toelichting"]["A12"].value == "Pakketten"


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_workbook_numbers_are_numbers(workbook, full_run):
    params = json.loads((full_run / "parameters.json").read_text())
    values = {r[0].value: r[1] for r in workbook["Toelichting"].iter_rows(min_row=4) if r[0].value}
    drempel = values["ELIP-drempel (euro)"]
    assert isinstance(drempel.value, (int, float)) and drempel.value == params["elip_drempel"]
    assert isinstance(values["Celbeveiliging (kleinste getoonde aantal)"].value, int)
    assert values["Monitor: minimum aantal nog gevolgd"].value == params["min_at_risk"]
    number = re.compile(r"^-?[\d.,]+%?$")
    for sheet in LONG[:8] + LONG[-3:]:
        for row in _data(workbook[sheet]):
            for c in row[1:]:
                assert not (isinstance(c.value, str) and number.match(c.value)), (sheet, c.coordinate, c.value)
    for sheet, columns in (("Verificatie", ("Brief", "Deze run")), ("Claims", ("Brief", "Berekend")),
                           ("Statistiek", ("Waarde",))):
        ws = workbook[sheet]
        for col in columns:
            i = _header(ws).index(col)
            cells = [r[i] for r in _data(ws)]
            assert not any(isinstance(c.value, str) and number.match(c.value) for c in cells), (sheet, col)
            assert any(isinstance(c.value, (int, float)) for c in cells), (sheet, col)
    ver = workbook["Verificatie"]
    brief = _header(ver).index("Brief")
    pct = [r[brief] for r in _data(ver) if isinstance(r[brief].value, float) and r[brief].value < 1]
    assert pct and all(c.number_format.endswith("%") for c in pct)


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_workbook_wraps_long_text_in_wide_columns(workbook):
    for sheet, col in (("Verificatie", "Toelichting"), ("Claims", "Uitspraak"), ("Claims", "Lezing en berekening")):
        ws = workbook[sheet]
        i = _header(ws).index(col)
        letter = ws.cell(excel.HEADER_ROW, i + 1).column_letter
        assert ws.column_dimensions[letter].width >= 40
        assert all(r[i].alignment.wrap_text for r in _data(ws)), (sheet, col)


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_workbook_of_a_hostile_extract(full_run, tmp_path):
    """A `bron` that starts like a formula and runs on: shortened, stored as text, no formula
    anywhere in the file."""
    from analysis.presentation import run_folder
    prov = json.loads((full_run / "herkomst.json").read_text())
    prov["extract"]["synthetisch"] = False
    prov["extract"]["bron"] = "=HYPERLINK(\"http://x\",\"klik\")" + " lang" * 200
    path = tmp_path / "t.xlsx"
    excel.write_workbook(path, run_folder.read(full_run, prov))
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    cell = load_workbook(path)["Toelichting"]["A2"].value
    shortened = safe_text.shorten(prov["extract"]["bron"])
    assert cell.startswith("Extract: " + shortened + ". ") and shortened.endswith("…") and len(shortened) == 200


@pytest.mark.slow  # the national-size extract and the monitor's series
def test_a_session_opened_by_hand_shows_its_figures_as_images(synthetic, monkeypatch):
    """In JupyterLab nothing is written (no run folder) and pyplot is never imported, so a
    matplotlib Figure would show as the text '<Figure size ...>': the session shows PNGs."""
    from IPython import display as ipd

    from analysis.core.params import Parameters
    from analysis.interface.session import Session
    shown = []
    monkeypatch.setattr(ipd, "display", lambda *objs, **kw: shown.extend(objs))
    s = Session(extract=synthetic, params=Parameters(), out=None)
    image = s.figure("tabel3", s.table("tabel3"))
    assert isinstance(image, ipd.Image) and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    s.monitor_figure("duur_tot_pip_wi2021")
    assert [type(o) for o in shown] == [ipd.Image] and shown[0].data[:4] == b"\x89PNG"


def test_a_cell_hidden_in_one_month_of_the_series_is_shown_at_p_in_the_page_and_the_workbook():
    """The monthly series holds the kerncijfers at every month under the same table name: a
    cell the pattern hides in April is not hidden in the table at P (the report once showed
    'x' at P for every cell hidden in any month, although the CSV printed it)."""
    from analysis.definitions import registry
    from analysis.core.params import Parameters
    from analysis.publication import protect
    from analysis.publication.record import PRIMAIR, Pattern, Reason
    from analysis.presentation import letter_tables
    params = Parameters()
    p, april = params.peildatum.isoformat(), "2024-04-01"
    rows = [("plichtig_geworden", 120.0), ("nog_plichtig", 100.0), ("nog_plichtig_asiel", 60.0),
            ("nog_plichtig_gezin", 35.0), ("nog_plichtig_overig", 5.0), ("met_pip", 70.0)]

    def frame(date):
        return pd.DataFrame([{"tabel": "kerncijfers_wi2021", "peildatum": date, "rij": r, "kolom": "totaal",
                              "eenheid": "aantal", "waarde": v} for r, v in rows])
    tables = {"kerncijfers_wi2021": frame(p), "tijdreeks_kerncijfers": frame(april)}
    keys = [k for df in tables.values() for k in protect.row_keys(df, params)]
    hidden = registry.key_of("kerncijfers_wi2021", april, "nog_plichtig_overig", "totaal")
    pattern = Pattern(10, {hidden: Reason(PRIMAIR)}, frozenset(keys))
    secret = protect.secret(pattern, tables, params)
    assert secret == {("kerncijfers_wi2021", april, "nog_plichtig_overig", "totaal", "aantal")}
    shown = letter_tables.layout("kerncijfers_wi2021", tables["kerncijfers_wi2021"], secret)
    assert letter_tables.SECRET not in shown.to_string()
    from openpyxl import Workbook
    ws = Workbook().active
    excel._long_sheet(ws, "kerncijfers_wi2021", tables["kerncijfers_wi2021"], secret, p)
    assert letter_tables.SECRET not in [c.value for row in ws.iter_rows() for c in row]


def _hidden(df: pd.DataFrame) -> set:
    """The tests' frames are protected frames: every empty value in them is one the pattern hid."""
    return {(r.tabel, r.peildatum, r.rij, r.kolom, r.eenheid) for r in df[df["waarde"].isna()].itertuples()}


def test_a_sentence_calls_a_share_of_nobody_empty_not_hidden():
    """An unprotected run of a small extract said Tabel 4's share was 'een afgeschermd deel' on
    a date when nobody was in its group: a share of nobody is empty in the table ('-'), as a
    hidden one is, but nothing was hidden. A hidden share is still called hidden."""
    from analysis.presentation import texts
    nan = float("nan")
    rows = [("asiel_met_pip", "2023-06-01", "aantal", 75.0), ("met_aanbod", "2023-06-01", "aantal", 36.0),
            ("met_aanbod", "2023-06-01", "procent", 48.0), ("asiel_met_pip", "2022-06-01", "aantal", 0.0),
            ("met_aanbod", "2022-06-01", "aantal", 0.0), ("met_aanbod", "2022-06-01", "procent", nan)]
    df = pd.DataFrame(rows, columns=["rij", "kolom", "eenheid", "waarde"]).assign(tabel="tabel4", peildatum="2023-06-01")
    said = texts.sentences("tabel4", df, "2023-06-01", set())
    assert said == "Het aandeel met een aanbod: 48% op 1 juni 2023, tegen geen deel (de groep is leeg) op 1 juni 2022.", said
    assert "een afgeschermd deel op 1 juni 2022" in texts.sentences("tabel4", df, "2023-06-01", _hidden(df))


def test_a_sentence_says_a_hidden_value_in_words():
    """A protected run read 'Over de hele instroom met een PIP volgt x de B1-route': an 'x' is
    the tables' sign, explained in their legend, not a word of a sentence."""
    import re

    from analysis.presentation import texts
    rows = [{"rij": r, "kolom": k, "eenheid": e, "waarde": v}
            for r in ("b1", "onderwijs", "z") for k in ("asiel", "gezin", "overig", "totaal")
            for e, v in (("aantal", 30.0), ("procent", float("nan") if k == "totaal" else 100 / 3))]
    df = pd.DataFrame(rows).assign(tabel="tabel3", peildatum="2024-05-01")
    said = texts.sentences("tabel3", df, "2024-05-01", _hidden(df))
    assert "een afgeschermd deel de B1-route" in said and not re.search(r"\bx\b", said), said


def test_a_sentence_with_a_hidden_base_stays_grammatical_and_shows_what_is_shown():
    """A small extract's report read 'Van de een afgeschermd aantal personen met een
    Wi2013-plicht is ... nog plichtig (17)' and 'een afgeschermd aantal (een afgeschermd deel)
    zijn dat op de peildatum nog': a hidden total reads as such, a count whose share is hidden
    stands alone, and a share never stands beside a hidden count."""
    from analysis.presentation import texts
    nan = float("nan")
    k13 = [("totaal", nan, nan), ("ingeburgerd", nan, nan), ("nog_plichtig", 17.0, nan)]
    rows = [{"rij": r, "kolom": "totaal", "eenheid": e, "waarde": v}
            for r, n, pct in k13 for e, v in (("aantal", n), ("procent", pct))]
    df = pd.DataFrame(rows).assign(tabel="kerncijfers_wi2013", peildatum="2024-05-01")
    said = texts.sentences("kerncijfers_wi2013", df, "2024-05-01", _hidden(df))
    assert said == ("Van het afgeschermde aantal personen met een Wi2013-plicht is een afgeschermd deel "
                    "ingeburgerd en 17 nog plichtig."), said
    k21 = [("plichtig_geworden", 45.0, nan), ("nog_plichtig", nan, nan), ("nog_plichtig_asiel", nan, nan),
           ("met_pip", 21.0, nan)]
    rows = [{"rij": r, "kolom": "totaal", "eenheid": e, "waarde": v}
            for r, n, pct in k21 for e, v in (("aantal", n), ("procent", pct))]
    df = pd.DataFrame(rows).assign(tabel="kerncijfers_wi2021", peildatum="2024-05-01")
    said = texts.sentences("kerncijfers_wi2021", df, "2024-05-01", _hidden(df))
    assert "; een afgeschermd aantal zijn dat op de peildatum nog." in said and "(een afgeschermd" not in said, said


@pytest.mark.parametrize("cohorts, says", [
    ({"2021": (100, 200), "2022": (None, 50)}, "De meeste nog plichtigen komen uit cohort 2021 (100, 50%"),
    ({"2021": (100, 200), "2022": (None, 150)}, "niet te zeggen"),  # the hidden 2022 could hold up to 150
    ({"2021": (0, 200), "2022": (None, 150)}, "niet te zeggen"),
    ({"2021": (0, 200), "2022": (0, 150)}, "Niemand uit deze cohorten is nog plichtig"),
])
def test_the_tabel5_sentence_names_the_largest_cohort_only_when_the_shown_table_proves_it(cohorts, says):
    """A protected run of a small extract once said 'De meeste nog plichtigen komen uit cohort
    2022 (0, x van dat cohort)': the largest shown count, not the largest count."""
    from analysis.presentation import texts
    rows = []
    for y, (n, total) in cohorts.items():
        n = float("nan") if n is None else float(n)
        rows += [{"rij": y, "kolom": "nog_plichtig", "eenheid": "aantal", "waarde": n},
                 {"rij": y, "kolom": "totaal", "eenheid": "aantal", "waarde": float(total)},
                 {"rij": y, "kolom": "nog_plichtig", "eenheid": "procent", "waarde": 100 * n / total}]
    df = pd.DataFrame(rows).assign(tabel="tabel5", peildatum="2024-05-01")
    assert says in texts.sentences("tabel5", df, "2024-05-01", _hidden(df))
