"""tabellen.xlsx: one sheet per output, formatted for policy users.

Counts are numbers (so that a user can add them up) shown with thousands separators;
percentages are the letter's rounded values as numbers with a % format; a protected cell
is the text 'x'. The monitor's outputs are tables as the report's figures read them (months
by kerncijfer; a block per reden van einde with the cohorts by year; doelgroep by day), each
share beside its interval and the number still followed, at full precision. The first sheet says what the workbook is and where it comes from. The
file's timestamps are fixed, so the same run writes the same bytes.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core import contract as C
from ..core import dutch
from ..core.extract_kind import Description
from ..definitions import registry
from ..definitions.monitor import CI_HOOG_DAGEN, CI_LAAG_DAGEN, COHORT_JAREN, COHORT_UITKOMST, DUUR_TOT_PIP, EENHEID_DAGEN, MEDIAAN, TIJDREEKS
from ..definitions.rounding import decimals_for, with_letter_rounding
from . import labels, letter_tables, safe_text, summaries
from .run_folder import RunResults

def _sheets() -> dict[str, str]:
    """A sheet per table at P, named by the table's short title (read from the registry on use)."""
    return {name: labels.short_title(name) for name in registry.LETTER_OUTPUTS}
BOLD = Font(bold=True)
HEADER = PatternFill("solid", fgColor="F0F4F8")
WARN = PatternFill("solid", fgColor="FFF3CD")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ROW = 3  # title, empty row, header
FIXED_TIME = dt.datetime(2024, 6, 24)
COUNT_FORMAT = "#,##0"
_DUTCH_NUMBER = re.compile(r"^(-?\d{1,3}(?:\.\d{3})*(?:,\d+)?)(%?)$")


def _label(key: str) -> str:
    """A row or column key as a reader knows it: Dutch labels, dates as '1 mei 2024'."""
    try:
        return dutch.datum(dt.date.fromisoformat(key))
    except ValueError:
        return dutch.label(key)


def _append(ws, values: list) -> tuple:
    """One row; a text a spreadsheet could read as a formula stays text (as if typed with a
    leading apostrophe), whatever its origin. Returns the row's cells: `ws[ws.max_row]`
    would give them too, but max_row and max_column scan every cell of the sheet, which is
    quadratic in a long sheet (the monitor's time series has thousands of rows)."""
    ws.append(values)
    row = ws._current_row
    cells = tuple(ws.cell(row, c) for c in range(1, len(values) + 1))
    for cell in cells:
        if safe_text.is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
    return cells


def _header(ws, values: list) -> None:
    for cell in _append(ws, values):
        cell.font, cell.fill = BOLD, HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")


def _title(ws, title: str) -> None:
    _append(ws, [title])
    ws["A1"].font = Font(bold=True, size=12)
    _append(ws, [])


def _print_setup(ws, last_row: int, filtered: bool = True) -> None:
    """Frozen header row, a filter on it, and pages that print landscape on A4, one page
    wide, with the header on every page."""
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2 if ws.title in _sheets().values() else 1)
    if filtered and last_row > HEADER_ROW:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ws.max_column)}{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _long_sheet(ws, name: str, df: pd.DataFrame, secret: set, peildatum: str) -> None:
    _title(ws, letter_tables.title(name, peildatum))
    d = with_letter_rounding(df)
    rows = list(dict.fromkeys(d["rij"]))
    lookup = {(r.rij, r.kolom, r.eenheid): r.afgerond for r in d.itertuples()}
    # only the (unit, column) pairs the output has: no empty columns
    columns = [(u, c) for u in dict.fromkeys(d["eenheid"]) for c in dict.fromkeys(d["kolom"])
               if any((r, c, u) in lookup for r in rows)]
    _header(ws, ["", *[labels.kolom_label(name, c) + ("" if u == C.EENHEID_AANTAL else f" ({dutch.label(u)})") for u, c in columns]])
    pct_format = "0.0%" if decimals_for(name) == 1 else "0%"
    for rij in rows:
        label = labels.rij_label(name, rij).strip()
        values = [label]
        formats = [None]
        for u, c in columns:
            key = (rij, c, u)
            if key not in lookup:
                values.append(None)
                formats.append(None)
                continue
            v = lookup[key]
            if (name, peildatum, rij, c, u) in secret:
                values.append(letter_tables.SECRET)
                formats.append(None)
            elif dutch.is_missing(v):
                values.append(letter_tables.MISSING_PCT if u != C.EENHEID_AANTAL else None)
                formats.append(None)
            elif u == C.EENHEID_AANTAL:
                values.append(int(v))
                formats.append(COUNT_FORMAT)
            else:
                values.append(float(v) / 100)
                formats.append(pct_format)
        for cell, fmt in zip(_append(ws, values), formats):
            if fmt:
                cell.number_format = fmt
            elif cell.column > 1:
                cell.alignment = Alignment(horizontal="right")
    last = ws.max_row
    _append(ws, [])
    _append(ws, ["Percentages afgerond zoals de brief: verdelingen met de grootste-restmethode, losse "
                 "aandelen half naar boven. 'x' = afgeschermd (celbeveiliging), '-' = niet te berekenen."])
    ws.column_dimensions["A"].width = 36
    for i in range(2, len(columns) + 2):
        ws.column_dimensions[get_column_letter(i)].width = 16
    _print_setup(ws, last)


def _number(text):
    """'12,34%' -> (0.1234, '0.00%'), '12.345' -> (12345, '#,##0'); other text as it is."""
    m = _DUTCH_NUMBER.match(text) if isinstance(text, str) else None
    if not m:
        return text, None
    digits = m.group(1).replace(".", "").replace(",", ".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits)
    if m.group(2):
        return value / 100, "0" + ("." + "0" * decimals if decimals else "") + "%"
    if decimals:
        return value, "0." + "0" * decimals
    return int(value), COUNT_FORMAT


def _frame_sheet(ws, title: str, df: pd.DataFrame, widths: dict[str, int], formats: dict | None = None) -> None:
    """A list as a sheet: Dutch header, long text wrapped in wide columns, numbers as numbers
    (`formats` gives a column's number format, or a list with one per row)."""
    _title(ws, title)
    _header(ws, list(df.columns))
    formats = formats or {}
    for i, rec in enumerate(df.itertuples(index=False)):
        for cell, col in zip(_append(ws, [None if dutch.is_missing(v) else v for v in rec]), df.columns):
            fmt = formats.get(col)
            fmt = fmt[i] if isinstance(fmt, list) else fmt
            if fmt and isinstance(cell.value, (int, float)):
                cell.number_format = fmt
            if widths.get(col, 14) >= 40:
                cell.alignment = WRAP
    last = ws.max_row
    for i, c in enumerate(df.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(c, 14)
    _print_setup(ws, last)


def _verification_frame(ver: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    table = summaries.verification_table(ver)
    if ver.empty:
        return table, {}
    order = ver.assign(_s=ver["status"].map(summaries.SEVERITY)).sort_values("_s", kind="stable")
    units = list(order["eenheid"])
    scale = [1 if u == C.EENHEID_AANTAL else 100 for u in units]
    table["Brief"] = [None if dutch.is_missing(v) else v / f for v, f in zip(order["gepubliceerd"], scale)]
    table["Deze run"] = [None if dutch.is_missing(v) else v / f for v, f in zip(order["gereproduceerd"], scale)]
    counts = [u == C.EENHEID_AANTAL for u in units]
    return table, {"Brief": [COUNT_FORMAT if c else "0.0%" for c in counts],
                   "Deze run": [COUNT_FORMAT if c else "0.00%" for c in counts]}


def _claims_frame(claims: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    table = summaries.claims_table(claims, full=True).rename(columns={"§": "Paragraaf"})
    fmts = {}
    for col in ("Brief", "Berekend"):
        parsed = [_number(v) for v in table[col]]
        table[col] = [v for v, _f in parsed]
        fmts[col] = [f for _v, f in parsed]
    return table, fmts


PCT_FORMAT = "0.0%"  # the monitor's shares: full precision underneath, one decimal shown


def _grid(ws, title: str, header: list[str], rows: list, notes: list[str], width: int = 13) -> None:
    """A monitor table: one header row, then rows of (value, number format) pairs; a row that
    is a plain string is a block title (bold, alone in the first column). Empty cells are
    None, so a sum in a spreadsheet skips them."""
    _title(ws, title)
    _header(ws, header)
    for row in rows:
        if isinstance(row, str):
            _append(ws, [row])[0].font = BOLD
            continue
        cells = _append(ws, [None if v is None or dutch.is_missing(v) else v for v, _f in row])
        for cell, (_v, fmt) in zip(cells, row):
            if fmt and isinstance(cell.value, (int, float)):
                cell.number_format = fmt
    last = ws.max_row
    _append(ws, [])
    for note in notes:
        _append(ws, [note])
    ws.column_dimensions["A"].width = 30
    for i in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _print_setup(ws, last)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)  # the row labels stay in view in a wide table


def _cell(df: pd.DataFrame) -> dict:
    return {(r.rij, r.kolom, r.eenheid): r.waarde for r in df.itertuples()}


def _share_cells(cell: dict, rij: str, kolom: str, suffix: str = "") -> list:
    """The share, its interval (fractions shown as percentages) and the number still followed."""
    def pct(eenheid):
        v = cell.get((rij, kolom, f"{eenheid}{suffix}"))
        return (None if v is None or dutch.is_missing(v) else v / 100, PCT_FORMAT)
    n = cell.get((rij, kolom, f"at_risk{suffix}"))
    return [pct("procent"), pct("ci_laag"), pct("ci_hoog"),
            (None if n is None or dutch.is_missing(n) else int(n), COUNT_FORMAT)]


def _min_at_risk(params: dict) -> int:
    """The run's min_at_risk; a parameters.json from before it existed had the default."""
    from ..core.params import Parameters
    return int(params.get("min_at_risk") or Parameters.min_at_risk)


def _empty_note(params: dict, wie: str) -> str:
    minimum = _min_at_risk(params)
    text = (f"Leeg: op die dag werden van {wie} minder dan {dutch.getal(minimum)} personen nog gevolgd (of "
            "niemand meer), zodat het aandeel niet meer op waargenomen personen rust; 'nog gevolgd' zegt hoeveel.")
    if int(params.get("celbeveiliging") or 0):
        text += " Of afgeschermd door celbeveiliging."
    return text


def _cohort_sheet(ws, df: pd.DataFrame, params: dict) -> None:
    """As the report's figure reads it: a block per reden van einde, a row per cohort, per
    duration the share with its interval and how many of the cohort were still followed."""
    spec = registry.spec(COHORT_UITKOMST)
    header = ["Cohort"]
    for j in COHORT_JAREN:
        header += [f"Na {j} jaar", f"{j} jaar: ondergrens", f"{j} jaar: bovengrens", f"{j} jaar: nog gevolgd"]
    cell, rows = _cell(df), []
    for reden in dict.fromkeys(df["kolom"]):
        rows.append(spec.kolom_label(reden))
        for y in dict.fromkeys(df["rij"]):
            row = [(int(y), "0")]
            for j in COHORT_JAREN:
                row += _share_cells(cell, y, reden, f"_{j}j")
            rows.append(row)
        rows.append([])
    notes = ["Deel van het cohort bij wie de Wi2013-plicht na zoveel jaar op die manier was geëindigd "
             "(cumulatieve incidentie, de andere redenen als concurrerende uitkomst), met het 95%-interval; "
             "'nog gevolgd' is het aantal van het cohort bij wie de plicht op die dag nog liep en dat dus nog "
             "werd waargenomen.", _empty_note(params, "het cohort")]
    _grid(ws, letter_tables.title(COHORT_UITKOMST, params["peildatum"]), header, rows[:-1], notes)


def _pip_sheet(ws, df: pd.DataFrame, params: dict) -> None:
    """Doelgroep by day, as the report's figure reads it: per day the share with a PIP, its
    interval and how many were still followed; then the median and its interval in days."""
    spec = registry.spec(DUUR_TOT_PIP)
    days = [k for k in dict.fromkeys(df["kolom"]) if k != MEDIAAN]
    header = ["Doelgroep"]
    for k in days:
        label = spec.kolom_label(k)
        short = label.removeprefix("Na ")
        header += [label, f"{short}: ondergrens", f"{short}: bovengrens", f"{short}: nog gevolgd"]
    header += ["Mediaan (dagen)", "Mediaan: ondergrens", "Mediaan: bovengrens"]
    cell, rows = _cell(df), []
    for g in dict.fromkeys(df["rij"]):
        row = [(spec.rij_label(g), None)]
        for k in days:
            row += _share_cells(cell, g, k)
        for eenheid in (EENHEID_DAGEN, CI_LAAG_DAGEN, CI_HOOG_DAGEN):
            v = cell.get((g, MEDIAAN, eenheid))
            row.append((None if v is None or dutch.is_missing(v) else int(v), COUNT_FORMAT))
        rows.append(row)
    notes = ["Deel van de doelgroep met een PIP zoveel dagen na de start van de plicht (cumulatieve "
             "incidentie, een einde van de plicht zonder PIP als concurrerende uitkomst), met het 95%-interval en "
             "het aantal dat op die dag nog gevolgd werd. Mediaan: de eerste dag waarop de helft een PIP had, "
             "met de dagen die het 95%-interval niet van de mediaan kan onderscheiden; leeg als de helft (of de "
             "grens) binnen de waargenomen looptijd niet bereikt is.", _empty_note(params, "de doelgroep")]
    _grid(ws, letter_tables.title(DUUR_TOT_PIP, params["peildatum"]), header, rows, notes, width=12)


def _series_sheet(ws, df: pd.DataFrame, params: dict) -> None:
    """A row per month, a column per kerncijfer of either law (count, and its share where the
    kerncijfers have one): the series a reader charts."""
    columns = []
    for tabel in [t for t in registry.LETTER_OUTPUTS if t in set(df["tabel"])]:  # the letter's order
        spec, part = registry.spec(tabel), df[df["tabel"] == tabel]
        law = spec.titel.removeprefix("Kerncijfers ")
        for rij in dict.fromkeys(part["rij"]):
            for eenheid in dict.fromkeys(part.loc[part["rij"] == rij, "eenheid"]):
                label = f"{law}: {spec.rij_label(rij).strip()}"
                columns.append((tabel, rij, eenheid, label if eenheid == C.EENHEID_AANTAL else f"{label} (%)"))
    cell = {(r.tabel, r.peildatum, r.rij, r.eenheid): r.waarde for r in df.itertuples()}
    rows = []
    for month in sorted(set(df["peildatum"])):
        row = [(dutch.datum(month), None)]
        for tabel, rij, eenheid, _label in columns:
            v = cell.get((tabel, month, rij, eenheid))
            if v is None or dutch.is_missing(v):
                row.append((None, None))
            elif eenheid == C.EENHEID_AANTAL:
                row.append((int(v), COUNT_FORMAT))
            else:
                row.append((v / 100, PCT_FORMAT))
        rows.append(row)
    notes = ["Op de eerste dag van elke maand, vanaf de eerste maand waarin onder die wet een plicht begon; "
             "een maand is gelijk aan een run op die datum. Leeg: die wet had nog niemand, of afgeschermd."]
    _grid(ws, letter_tables.title(TIJDREEKS, params["peildatum"]), ["Maand", *[c[3] for c in columns]], rows,
          notes, width=16)


MONITOR_SHEETS = {TIJDREEKS: _series_sheet, COHORT_UITKOMST: _cohort_sheet, DUUR_TOT_PIP: _pip_sheet}


def _statistics_frame(st: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"Analyse": st["analyse"].map(dutch.label),
                        "Kenmerk": ["" if dutch.is_missing(k) or k == "" else dutch.label(k) for k in st["kenmerk"]],
                        "Toets of maat": st["toets"].map(dutch.label),
                        "Grootheid": st["grootheid"].map(dutch.label),
                        "Waarde": st["waarde"]})
    return out


def write_workbook(path: Path, results: RunResults) -> Path:
    """tabellen.xlsx: the same numbers as the report (one RunResults), a sheet per table."""
    tables, secret, verification, claims, statistics, prov, params = (
        results.tables, results.secret, results.verification, results.claims, results.statistics,
        results.prov, results.params)
    wb = Workbook()
    ws = wb.active
    ws.title = "Toelichting"
    _append(ws, ["Tabellen van de uitvoeringsbrief inburgering (24 juni 2024), opnieuw berekend"])
    ws["A1"].font = Font(bold=True, size=13)
    kind = Description.of_herkomst(prov["extract"])
    _append(ws, [kind.banner(safe_text.shorten)])
    if kind.synthetic:
        ws["A2"].font, ws["A2"].fill = BOLD, WARN
    _append(ws, [])
    elip = params["elip_peildata"]
    elip = elip.split(",") if isinstance(elip, str) else list(elip)
    for k, v, fmt in (("Peildatum", dutch.datum(params["peildatum"]), None),
                      ("Vergelijkingspeildatum", dutch.datum(params["vorige_peildatum"]), None),
                      ("ELIP-peildata", ", ".join(dutch.datum(x.strip()) for x in elip if x.strip()), None),
                      ("ELIP-drempel (euro)", float(params["elip_drempel"]), "#,##0.00"),
                      ("Celbeveiliging (kleinste getoonde aantal)", int(params.get("celbeveiliging", 0) or 0), "0"),
                      ("Monitor: minimum aantal nog gevolgd", _min_at_risk(params), "0"),
                      ("Checksum extract (SHA-256)", prov["extract"]["checksum_sha256"], None),
                      ("Code", f"{prov['suite']}, commit {prov['code']['commit']}", None),
                      ("Pakketten", ", ".join(f"{p} {v}" for p, v in prov["pakketten"].items()), None)):
        _append(ws, [k, v])
        ws.cell(ws.max_row, 1).font = BOLD
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if fmt:
            ws.cell(ws.max_row, 2).number_format = fmt
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 90
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    for name, title in _sheets().items():
        if name in tables:
            _long_sheet(wb.create_sheet(title), name, tables[name], secret, params["peildatum"])
    for name in registry.MONITOR_OUTPUTS:
        if name in tables:
            MONITOR_SHEETS[name](wb.create_sheet(registry.spec(name).titel), tables[name], params)
    text = {"Toelichting": 70, "Lezing en berekening": 80, "Uitspraak": 50, "Kolom": 24, "Rij": 30, "Status": 22,
            "Tabel": 18, "Peildatum": 16}
    table, fmts = _verification_frame(verification)
    _frame_sheet(wb.create_sheet("Verificatie"), "Verificatie tegen de brief", table, text, fmts)
    table, fmts = _claims_frame(claims)
    _frame_sheet(wb.create_sheet("Claims"), "Uitspraken in de tekst (claims). Berekend uit 'de brief zelf': "
                 "alleen getoetst aan de eigen cijfers van de brief, los van dit extract", table,
                 {"Id": 6, "Paragraaf": 10, "Berekend uit": 16, **text}, fmts)
    _frame_sheet(wb.create_sheet("Statistiek"), "Statistiek (volledige precisie)", _statistics_frame(statistics),
                 {"Analyse": 44, "Kenmerk": 30, "Toets of maat": 32, "Grootheid": 32, "Waarde": 16},
                 {"Waarde": "0.000###"})
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "analysis"
    wb.save(path)
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """openpyxl stamps zip entries with the current time; rewrite them with a fixed one."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "docProps/core.xml":  # openpyxl writes the save time here
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
