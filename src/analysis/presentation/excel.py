"""tabellen.xlsx: one sheet per output, formatted for policy users.

Counts are numbers (so that a user can add them up) shown with thousands separators;
percentages are the letter's rounded values as numbers with a % format; a protected cell
is the text 'x'. The first sheet says what the workbook is and where it comes from. The
file's timestamps are fixed, so the same run writes the same bytes.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import contract as C
from ..rounding import decimals_for, with_letter_rounding
from .. import dutch
from . import letter_tables

SHEETS = {"kerncijfers_wi2021": "Kerncijfers Wi2021", "tabel1": "Tabel 1", "tabel2": "Tabel 2",
          "tabel3": "Tabel 3", "tabel4": "Tabel 4", "kerncijfers_wi2013": "Kerncijfers Wi2013",
          "tabel5": "Tabel 5", "tabel6": "Tabel 6"}
BOLD = Font(bold=True)
HEADER = PatternFill("solid", fgColor="F0F4F8")
WARN = PatternFill("solid", fgColor="FFF3CD")
FIXED_TIME = dt.datetime(2024, 6, 24)


def _label(name: str, key: str) -> str:
    """A column key as a reader knows it: Dutch labels, dates as '1 mei 2024'."""
    return letter_tables.kolom_label(name, key)


def _long_sheet(ws, name: str, df: pd.DataFrame, secret: set, peildatum: str) -> None:
    ws.append([letter_tables.title(name, peildatum)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    d = with_letter_rounding(df)
    rows = list(dict.fromkeys(d["rij"]))
    cols = list(dict.fromkeys(d["kolom"]))
    units = list(dict.fromkeys(d["eenheid"]))
    header = ["", *[_label(name, c) + ("" if u == C.EENHEID_AANTAL else f" ({u.replace('_', ' ')})")
                    for u in units for c in cols]]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER
    pct_format = "0.0%" if decimals_for(name) == 1 else "0%"
    lookup = {(r.rij, r.kolom, r.eenheid): r.afgerond for r in d.itertuples()}
    for rij in rows:
        label = letter_tables.rij_label(name, rij).strip()
        values = [label]
        formats = [None]
        for u in units:
            for c in cols:
                key = (rij, c, u)
                if key not in lookup:
                    values.append(None)
                    formats.append(None)
                    continue
                hidden = (name, rij, c, u) in secret
                v = lookup[key]
                if hidden:
                    values.append("x")
                    formats.append(None)
                elif v is None or (isinstance(v, float) and math.isnan(v)):
                    values.append("-" if u != C.EENHEID_AANTAL else None)
                    formats.append(None)
                elif u == C.EENHEID_AANTAL:
                    values.append(int(v))
                    formats.append("#,##0")
                else:
                    values.append(float(v) / 100)
                    formats.append(pct_format)
        ws.append(values)
        for cell, fmt in zip(ws[ws.max_row], formats):
            if fmt:
                cell.number_format = fmt
            elif cell.column > 1:
                cell.alignment = Alignment(horizontal="right")
    ws.append([])
    ws.append(["Percentages afgerond zoals de brief: verdelingen met de grootste-restmethode, losse "
               "aandelen half naar boven. 'x' = afgeschermd (celbeveiliging), '-' = niet te berekenen."])
    ws.column_dimensions["A"].width = 36
    for i in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.freeze_panes = "B4"


def _frame_sheet(ws, title: str, df: pd.DataFrame) -> None:
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    ws.append(list(df.columns))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER
    for rec in df.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) else v for v in rec])
    for i, c in enumerate(df.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 60 if c in ("toelichting", "citaat") else 18
    ws.freeze_panes = "A4"


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], secret: set, verification: pd.DataFrame,
                   claims: pd.DataFrame, statistics: pd.DataFrame, prov: dict, params: dict) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Toelichting"
    ws.append(["Tabellen van de uitvoeringsbrief inburgering (24 juni 2024), opnieuw berekend"])
    ws["A1"].font = Font(bold=True, size=13)
    if prov["extract"]["synthetisch"]:
        ws.append(["SYNTHETISCHE GEGEVENS: gemaakt door de generator van de suite; zegt niets over echte personen."])
        ws["A2"].font, ws["A2"].fill = BOLD, WARN
    else:
        ws.append([f"Extract: {prov['extract']['bron']}"])
    ws.append([])
    for k, v in (("Peildatum", params["peildatum"]), ("Vergelijkingspeildatum", params["vorige_peildatum"]),
                 ("ELIP-peildata", params["elip_peildata"]), ("ELIP-drempel (euro)", params["elip_drempel"]),
                 ("Celbeveiliging", params.get("celbeveiliging", 0)),
                 ("Checksum extract (SHA-256)", prov["extract"]["checksum_sha256"]),
                 ("Code", f"{prov['suite']}, commit {prov['code']['commit']}"),
                 ("Pakketten", json.dumps(prov["pakketten"], ensure_ascii=False))):
        ws.append([k, str(v)])
        ws.cell(ws.max_row, 1).font = BOLD
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    for name, title in SHEETS.items():
        if name in tables:
            _long_sheet(wb.create_sheet(title), name, tables[name], secret, params["peildatum"])
    _frame_sheet(wb.create_sheet("Verificatie"), "Verificatie tegen de brief", verification)
    _frame_sheet(wb.create_sheet("Claims"), "Uitspraken in de tekst (claims)", claims)
    _frame_sheet(wb.create_sheet("Statistiek"), "Statistiek (volledige precisie)", statistics)
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
