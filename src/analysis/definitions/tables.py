"""The contract's definitions (section 2): who is counted at a peildatum, and the counts.

This is the only place the populations and counts live. The predicates (plichtig at a date,
status at a date, ELIP at a date, ...) are shared by the tables, the statistics and the
exploration interface; the count functions return the count cells of each output, which the
registry (registry.py) turns into the long format of contract section 3 with its
percentages.

The rule that runs through all of it: an event counts at P when its date is on or before
P. A missing date is an event that has not happened, so it never counts.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator
import numpy as np
import pandas as pd

from ..core import contract as C
from ..extract.model import Extract


def _np_date(d: dt.date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "s")


def on_or_before(dates: pd.Series, d: dt.date) -> np.ndarray:
    """The event happened on or before d (a missing date never has)."""
    return (dates.to_numpy() <= _np_date(d))


def plichtig_at(persons: pd.DataFrame, d: dt.date) -> np.ndarray:
    """datum_plicht <= d and (no datum_einde or datum_einde > d)."""
    return on_or_before(persons["datum_plicht"], d) & ~on_or_before(persons["datum_einde"], d)


NOT_STARTED, NOG_PLICHTIG = -1, 99


def status_codes(persons: pd.DataFrame, d: dt.date) -> np.ndarray:
    """Status at d as integers: the reden_einde category code if the plicht ended on or
    before d, NOG_PLICHTIG if it did not, NOT_STARTED if it had not begun."""
    started = on_or_before(persons["datum_plicht"], d)
    ended = on_or_before(persons["datum_einde"], d)
    codes = persons["reden_einde"].cat.codes.to_numpy().astype(np.int16)
    return np.where(started, np.where(ended, codes, NOG_PLICHTIG), NOT_STARTED)


def cohort(persons: pd.DataFrame) -> np.ndarray:
    return persons["datum_plicht"].dt.year.to_numpy()


def _loans_by_date(extract: Extract) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loan payments in date order: date, person (row of wi2013), cents."""
    loans = extract.leningen
    order = np.argsort(loans["datum"].to_numpy(), kind="stable")
    return (loans["datum"].to_numpy()[order], loans["persoon_nr"].to_numpy()[order],
            loans["bedrag_cent"].to_numpy()[order].astype(np.int64))


def loans_until_each(extract: Extract, dates) -> Iterator[tuple[dt.date, np.ndarray]]:
    """For each date in ascending order: the sum of loan payments (cents) per Wi2013 person
    dated on or before it.

    The payments are sorted by date once per extract (Extract.once) and added slice by
    slice, so a monthly series over eleven years reads the loans once rather than once a
    month. Integer sums, exact: validation bounds a payment (validation.MAX_BEDRAG_CENT), so
    int64 cannot overflow below ~92 billion payments. Float weights would silently lose cents
    above 2**53.
    """
    when, who, cents = extract.once("leningen_op_datum", _loans_by_date)
    sums = np.zeros(len(extract.wi2013), dtype=np.int64)
    done = 0
    for d in sorted(dates):
        upto = int(np.searchsorted(when, _np_date(d), side="right"))  # NaT sorts last: never counted
        np.add.at(sums, who[done:upto], cents[done:upto])
        done = max(done, upto)
        yield d, sums.copy()


def elip_each(extract: Extract, dates, drempel_cent: int) -> Iterator[tuple[dt.date, np.ndarray]]:
    """ELIP at each date (ascending): asiel, plichtig at the date, loans on or before it at
    least the threshold."""
    p = extract.wi2013
    asiel = (p["doelgroep"] == "asiel").to_numpy()
    for d, sums in loans_until_each(extract, dates):
        yield d, asiel & plichtig_at(p, d) & (sums >= drempel_cent)


def elip_at(extract: Extract, d: dt.date, drempel_cent: int) -> np.ndarray:
    """ELIP at d (see elip_each)."""
    return next(elip_each(extract, (d,), drempel_cent))[1]


def exams_passed_at(extract: Extract, d: dt.date) -> np.ndarray:
    """Distinct exam parts passed on or before d, per Wi2013 person."""
    ex = extract.examens
    mask = ex["geslaagd"].to_numpy() & on_or_before(ex["datum"], d)
    parts = len(C.ONDERDELEN)
    passed = np.zeros(len(extract.wi2013) * parts, dtype=bool)  # person x part: passed by d
    passed[ex["persoon_nr"].to_numpy()[mask].astype(np.int64) * parts + ex["onderdeel"].cat.codes.to_numpy()[mask]] = True
    return passed.reshape(-1, parts).sum(axis=1)


# ---- the counts of each output ---------------------------------------------------------
# Each `*_cells` function returns the count cells of one output as (rij, kolom, mask), in the
# order the letter shows them: the mask marks the persons (rows of the law's person table)
# the cell counts. The count is the mask's sum (`counts`); the masks are what disclosure
# control works on (publication/), so that every identity between published counts is
# implied by who is counted, not kept by hand. The registry (registry.py) adds the
# percentages from its declared bases; nothing here knows about percentages or rounding.

Counts = list[tuple[str, str, int]]
Cells = list[tuple[str, str, np.ndarray]]


def counts(cells: Cells) -> Counts:
    """The counts of cells: the number of persons in each mask."""
    return [(r, k, int(np.count_nonzero(m))) for r, k, m in cells]


def wi2021_plichtig_met_pip(wi2021: pd.DataFrame, d: dt.date) -> np.ndarray:
    """Plichtig at d with a PIP dated on or before d (Tabel 2's second row)."""
    return plichtig_at(wi2021, d) & on_or_before(wi2021["datum_pip"], d)


def asiel_plichtig_met_pip(wi2021: pd.DataFrame, d: dt.date) -> np.ndarray:
    """Tabel 4's population at d: asiel, plichtig at d, with a PIP on or before d."""
    return (wi2021["doelgroep"] == "asiel").to_numpy() & wi2021_plichtig_met_pip(wi2021, d)


def kerncijfers_wi2021_cells(wi2021: pd.DataFrame, p: dt.date) -> Cells:
    plichtig = plichtig_at(wi2021, p)
    # compared as the categorical it is (by its codes): as Python strings, a monthly series
    # spent most of its Wi2021 months making and comparing the same objects
    rows = [("plichtig_geworden", C.TOTAAL, on_or_before(wi2021["datum_plicht"], p)),
            ("nog_plichtig", C.TOTAAL, plichtig)]
    rows += [(f"nog_plichtig_{g}", C.TOTAAL, plichtig & (wi2021["doelgroep"] == g).to_numpy()) for g in C.DOELGROEPEN]
    rows.append(("met_pip", C.TOTAAL, wi2021_plichtig_met_pip(wi2021, p)))
    return rows


def tabel1_cells(wi2021: pd.DataFrame, p: dt.date) -> Cells:
    """LBT outcome x route group, for everyone with both an LBT and a PIP on or before P."""
    both = on_or_before(wi2021["datum_lbt"], p) & on_or_before(wi2021["datum_pip"], p)
    uitslag = wi2021["uitslag_lbt"].to_numpy()
    groep = wi2021["leerroute"].astype(object).map(C.ROUTEGROEP).to_numpy()
    return [(u, g, both & (uitslag == u) & (groep == g)) for u in C.UITSLAG_LBT for g in C.ROUTEGROEPEN]


def tabel2_cells(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Cells:
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        rows += [("inburgeringsplichtig", d.isoformat(), plichtig_at(wi2021, d)),
                 ("met_pip", d.isoformat(), wi2021_plichtig_met_pip(wi2021, d))]
    return rows


def tabel3_cells(wi2021: pd.DataFrame, p: dt.date) -> Cells:
    """Leerroute x doelgroep over the whole inflow with a PIP on or before P."""
    pip = on_or_before(wi2021["datum_pip"], p)
    route = wi2021["leerroute"].to_numpy()
    dg = wi2021["doelgroep"].to_numpy()
    rows = []
    for r in C.LEERROUTES:
        in_route = pip & (route == r)
        rows += [(r, g, in_route & (dg == g)) for g in C.DOELGROEPEN] + [(r, C.TOTAAL, in_route)]
    return rows


def tabel4_cells(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Cells:
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        base = asiel_plichtig_met_pip(wi2021, d)
        rows += [("asiel_met_pip", d.isoformat(), base),
                 ("met_aanbod", d.isoformat(), base & on_or_before(wi2021["datum_aanbod"], d))]
    return rows


# ---- Wi2013 ---------------------------------------------------------------------------

def _status_index(wi2013: pd.DataFrame, status: str) -> int:
    return NOG_PLICHTIG if status == "nog_plichtig" else list(wi2013["reden_einde"].cat.categories).index(status)


def kerncijfers_wi2013_cells(wi2013: pd.DataFrame, p: dt.date) -> Cells:
    status = status_codes(wi2013, p)
    rows = [(C.TOTAAL, C.TOTAAL, status != NOT_STARTED)]
    rows += [(s, C.TOTAAL, status == _status_index(wi2013, s)) for s in C.KERNCIJFERS_WI2013_RIJEN[1:]]
    return rows


# Tabel 5's columns: which statuses each counts (vervallen is left out of the table).
TABEL5_STATUS = {"voldaan": ("ingeburgerd", "vrijgesteld"), "ontheven": ("ontheven",),
                 "nog_plichtig": ("nog_plichtig",)}


def tabel5_cells(wi2013: pd.DataFrame, p: dt.date) -> Cells:
    """Per cohort: voldaan (ingeburgerd + vrijgesteld), ontheven, nog plichtig; vervallen left out."""
    status = status_codes(wi2013, p)
    started = status != NOT_STARTED
    rows: Cells = []
    if not started.any():
        return rows
    years = cohort(wi2013)
    columns = {k: np.isin(status, [_status_index(wi2013, s) for s in v]) for k, v in TABEL5_STATUS.items()}
    for year in range(int(years[started].min()), p.year + 1):
        in_year = started & (years == year)
        cells = {k: in_year & m for k, m in columns.items()}
        rows += [(str(year), k, m) for k, m in cells.items()]
        rows.append((str(year), C.TOTAAL, np.logical_or.reduce(list(cells.values()))))
    return rows


def elip_column_index(years: np.ndarray) -> np.ndarray:
    """Position of each cohort year among the Tabel 6 cohort columns (2022 and later pooled)."""
    return np.clip(years - C.WI2013_START.year, 0, len(C.ELIP_COHORTEN))


def elip_column(years: np.ndarray) -> np.ndarray:
    """Tabel 6 column of each cohort year: the year itself up to 2021, then '2022+'."""
    return np.array(C.TABEL6_KOLOMMEN[:-1])[elip_column_index(years)]


def tabel6_totals(extract: Extract, dates, drempel_cent: int) -> Cells:
    """Tabel 6's Totaal column alone, the ELIP group at each date (ascending): what the
    monitor's monthly series shows of Tabel 6, without the cohort columns it does not show."""
    return [(d.isoformat(), C.TOTAAL, elip) for d, elip in elip_each(extract, dates, drempel_cent)]


def tabel6_cells(extract: Extract, elip_peildata: tuple[dt.date, ...], drempel_cent: int) -> Cells:
    column = elip_column_index(cohort(extract.wi2013))
    in_column = [column == i for i in range(len(C.TABEL6_KOLOMMEN) - 1)]  # once, not per date
    rows: Cells = []
    for d, totaal, elip in tabel6_totals(extract, elip_peildata, drempel_cent):
        rows += [(d, k, elip & in_column[i]) for i, k in enumerate(C.TABEL6_KOLOMMEN[:-1])]
        rows.append((d, totaal, elip))
    return rows


# The counts of each output, as the letter prints them (the masks' sums).

def kerncijfers_wi2021(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    return counts(kerncijfers_wi2021_cells(wi2021, p))


def tabel1(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    return counts(tabel1_cells(wi2021, p))


def tabel2(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Counts:
    return counts(tabel2_cells(wi2021, p, q))


def tabel3(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    return counts(tabel3_cells(wi2021, p))


def tabel4(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Counts:
    return counts(tabel4_cells(wi2021, p, q))


def kerncijfers_wi2013(wi2013: pd.DataFrame, p: dt.date) -> Counts:
    return counts(kerncijfers_wi2013_cells(wi2013, p))


def tabel5(wi2013: pd.DataFrame, p: dt.date) -> Counts:
    return counts(tabel5_cells(wi2013, p))


def tabel6(extract: Extract, elip_peildata: tuple[dt.date, ...], drempel_cent: int) -> Counts:
    return counts(tabel6_cells(extract, elip_peildata, drempel_cent))
