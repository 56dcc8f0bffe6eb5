"""tabellen.xlsx: one sheet per output, formatted for policy users.

Counts are numbers (so that a user can add them up) shown with thousands separators;
percentages are the letter's rounded values as numbers with a % format; a protected cell
is the text 'x'. The first sheet says what the workbook is and where it comes from. The
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

from .. import contract as C
from ..rounding import decimals_for, with_letter_rounding
from .. import dutch, registry
from ..extract_kind import Description
from ..monitor import EENHEID_DAGEN
from . import letter_tables, safe_text, summaries

SHEETS = {name: letter_tables.short_title(name) for name in registry.LETTER_OUTPUTS}
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
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2 if ws.title in SHEETS.values() else 1)
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
    _header(ws, ["", *[letter_tables.kolom_label(name, c) + ("" if u == C.EENHEID_AANTAL else f" ({dutch.label(u)})") for u, c in columns]])
    pct_format = "0.0%" if decimals_for(name) == 1 else "0%"
    for rij in rows:
        label = letter_tables.rij_label(name, rij).strip()
        values = [label]
        formats = [None]
        for u, c in columns:
            key = (rij, c, u)
            if key not in lookup:
                values.append(None)
                formats.append(None)
                continue
            v = lookup[key]
            if (name, rij, c, u) in secret:
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


WHOLE = (C.EENHEID_AANTAL, EENHEID_DAGEN)  # units written as whole numbers; the others are percentages


def _monitor_frame(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A monitor output in its long format (one row per cell and measure), in Dutch words:
    counts and days as numbers, percentages as fractions with a % format, full precision."""
    own = registry.spec(name)

    def spec_of(tabel: str):
        return registry.spec(tabel) if tabel in registry.SPECS else own
    units = list(df["eenheid"])
    frame = pd.DataFrame({
        "Peildatum": [dutch.datum(d) for d in df["peildatum"]],
        "Tabel": [registry.spec(t).titel if t in registry.SPECS else t for t in df["tabel"]],
        "Rij": [spec_of(t).rij_label(r).strip() for t, r in zip(df["tabel"], df["rij"])],
        "Kolom": [spec_of(t).kolom_label(k) for t, k in zip(df["tabel"], df["kolom"])],
        "Maat": [spec_of(t).eenheid_label(u) if u in spec_of(t).eenheid_labels else dutch.label(u)
                 for t, u in zip(df["tabel"], units)],
        "Waarde": [None if dutch.is_missing(v) else (int(v) if u in WHOLE else v / 100)
                   for v, u in zip(df["waarde"], units)]})
    return frame, {"Waarde": [COUNT_FORMAT if u in WHOLE else "0.0%" for u in units]}


def _statistics_frame(st: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"Analyse": st["analyse"].map(dutch.label),
                        "Kenmerk": ["" if dutch.is_missing(k) or k == "" else dutch.label(k) for k in st["kenmerk"]],
                        "Toets of maat": st["toets"].map(dutch.label),
                        "Grootheid": st["grootheid"].map(dutch.label),
                        "Waarde": st["waarde"]})
    return out


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], secret: set, verification: pd.DataFrame,
                   claims: pd.DataFrame, statistics: pd.DataFrame, prov: dict, params: dict) -> Path:
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
    for name, title in SHEETS.items():
        if name in tables:
            _long_sheet(wb.create_sheet(title), name, tables[name], secret, params["peildatum"])
    for name in registry.MONITOR_OUTPUTS:
        if name in tables:
            frame, fmts = _monitor_frame(name, tables[name])
            _frame_sheet(wb.create_sheet(registry.spec(name).titel), letter_tables.title(name, params["peildatum"]),
                         frame, {"Tabel": 20, "Rij": 32, "Kolom": 18, "Maat": 14}, fmts)
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
