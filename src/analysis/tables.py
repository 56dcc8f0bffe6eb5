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

from . import contract as C
from .model import Extract


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


def loans_until_each(extract: Extract, dates) -> Iterator[tuple[dt.date, np.ndarray]]:
    """For each date in ascending order: the sum of loan payments (cents) per Wi2013 person
    dated on or before it.

    The payments are sorted by date once and added slice by slice, so a monthly series over
    eleven years reads the loans once rather than once a month. Integer sums, exact:
    validation bounds a payment (validation.MAX_BEDRAG_CENT), so int64 cannot overflow below
    ~92 billion payments. Float weights would silently lose cents above 2**53.
    """
    loans = extract.leningen
    order = np.argsort(loans["datum"].to_numpy(), kind="stable")
    when = loans["datum"].to_numpy()[order]
    who = loans["persoon_nr"].to_numpy()[order]
    cents = loans["bedrag_cent"].to_numpy()[order].astype(np.int64)
    sums = np.zeros(len(extract.wi2013), dtype=np.int64)
    done = 0
    for d in sorted(dates):
        upto = int(np.searchsorted(when, _np_date(d), side="right"))  # NaT sorts last: never counted
        np.add.at(sums, who[done:upto], cents[done:upto])
        done = max(done, upto)
        yield d, sums.copy()


def loans_until(extract: Extract, d: dt.date) -> np.ndarray:
    """Sum of loan payments (cents) per Wi2013 person, dated on or before d."""
    return next(loans_until_each(extract, (d,)))[1]


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
    codes = ex["persoon_nr"].to_numpy()[mask].astype(np.int64) * len(C.ONDERDELEN) + \
        ex["onderdeel"].cat.codes.to_numpy()[mask]
    persons = np.unique(codes) // len(C.ONDERDELEN)
    return np.bincount(persons, minlength=len(extract.wi2013))


# ---- the counts of each output ---------------------------------------------------------
# Each function returns the count cells of one output as (rij, kolom, count), in the order
# the letter shows them. The registry (registry.py) adds the percentages from its declared
# bases and writes the long format; nothing here knows about percentages or rounding.

Counts = list[tuple[str, str, int]]


def wi2021_plichtig_met_pip(wi2021: pd.DataFrame, d: dt.date) -> np.ndarray:
    """Plichtig at d with a PIP dated on or before d (Tabel 2's second row)."""
    return plichtig_at(wi2021, d) & on_or_before(wi2021["datum_pip"], d)


def asiel_plichtig_met_pip(wi2021: pd.DataFrame, d: dt.date) -> np.ndarray:
    """Tabel 4's population at d: asiel, plichtig at d, with a PIP on or before d."""
    return (wi2021["doelgroep"] == "asiel").to_numpy() & wi2021_plichtig_met_pip(wi2021, d)


def kerncijfers_wi2021(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    geworden = on_or_before(wi2021["datum_plicht"], p)
    plichtig = plichtig_at(wi2021, p)
    doelgroep = wi2021["doelgroep"]  # categorical with the contract's codes (validation)
    per_code = np.bincount(doelgroep.cat.codes.to_numpy()[plichtig], minlength=len(doelgroep.cat.categories))
    cats = list(doelgroep.cat.categories)
    rows = [("plichtig_geworden", C.TOTAAL, int(geworden.sum())),
            ("nog_plichtig", C.TOTAAL, int(plichtig.sum()))]
    rows += [(f"nog_plichtig_{g}", C.TOTAAL, int(per_code[cats.index(g)])) for g in C.DOELGROEPEN]
    rows.append(("met_pip", C.TOTAAL, int(wi2021_plichtig_met_pip(wi2021, p).sum())))
    return rows


def tabel1(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    """LBT outcome x route group, for everyone with both an LBT and a PIP on or before P."""
    both = on_or_before(wi2021["datum_lbt"], p) & on_or_before(wi2021["datum_pip"], p)
    uitslag = wi2021["uitslag_lbt"].to_numpy()[both]
    groep = wi2021["leerroute"].astype(object).map(C.ROUTEGROEP).to_numpy()[both]
    return [(u, g, int(((uitslag == u) & (groep == g)).sum()))
            for u in C.UITSLAG_LBT for g in C.ROUTEGROEPEN]


def tabel2(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Counts:
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        rows += [("inburgeringsplichtig", d.isoformat(), int(plichtig_at(wi2021, d).sum())),
                 ("met_pip", d.isoformat(), int(wi2021_plichtig_met_pip(wi2021, d).sum()))]
    return rows


def tabel3(wi2021: pd.DataFrame, p: dt.date) -> Counts:
    """Leerroute x doelgroep over the whole inflow with a PIP on or before P."""
    pip = on_or_before(wi2021["datum_pip"], p)
    route = wi2021["leerroute"].to_numpy()[pip]
    dg = wi2021["doelgroep"].to_numpy()[pip]
    rows = []
    for r in C.LEERROUTES:
        cells = [int(((route == r) & (dg == g)).sum()) for g in C.DOELGROEPEN]
        rows += [(r, g, n) for g, n in zip(C.DOELGROEPEN, cells)] + [(r, C.TOTAAL, sum(cells))]
    return rows


def tabel4(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> Counts:
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        base = asiel_plichtig_met_pip(wi2021, d)
        aanbod = base & on_or_before(wi2021["datum_aanbod"], d)
        rows += [("asiel_met_pip", d.isoformat(), int(base.sum())),
                 ("met_aanbod", d.isoformat(), int(aanbod.sum()))]
    return rows


# ---- Wi2013 ---------------------------------------------------------------------------

def kerncijfers_wi2013(wi2013: pd.DataFrame, p: dt.date) -> Counts:
    status = status_codes(wi2013, p)
    reden = list(wi2013["reden_einde"].cat.categories)
    rows = [(C.TOTAAL, C.TOTAAL, int((status != NOT_STARTED).sum()))]
    for s in C.KERNCIJFERS_WI2013_RIJEN[1:]:
        code = NOG_PLICHTIG if s == "nog_plichtig" else reden.index(s)
        rows.append((s, C.TOTAAL, int((status == code).sum())))
    return rows


# Tabel 5's columns: which statuses each counts (vervallen is left out of the table).
TABEL5_STATUS = {"voldaan": ("ingeburgerd", "vrijgesteld"), "ontheven": ("ontheven",),
                 "nog_plichtig": ("nog_plichtig",)}


def tabel5(wi2013: pd.DataFrame, p: dt.date) -> Counts:
    """Per cohort: voldaan (ingeburgerd + vrijgesteld), ontheven, nog plichtig; vervallen left out."""
    status = status_codes(wi2013, p)
    started = status != NOT_STARTED
    rows: Counts = []
    if not started.any():
        return rows
    reden = list(wi2013["reden_einde"].cat.categories)
    years = cohort(wi2013)
    first = int(years[started].min())
    n_years = p.year - first + 1
    index = np.where(started, years - first, 0)
    codes = {k: [NOG_PLICHTIG if s == "nog_plichtig" else reden.index(s) for s in v]
             for k, v in TABEL5_STATUS.items()}
    per_year = {k: np.bincount(index[np.isin(status, c) & started], minlength=n_years) for k, c in codes.items()}
    for i, year in enumerate(range(first, p.year + 1)):
        cells = {k: int(per_year[k][i]) for k in TABEL5_STATUS}
        rows += [(str(year), k, v) for k, v in cells.items()]
        rows.append((str(year), C.TOTAAL, sum(cells.values())))
    return rows


def elip_column_index(years: np.ndarray) -> np.ndarray:
    """Position of each cohort year among the Tabel 6 cohort columns (2022 and later pooled)."""
    return np.clip(years - C.WI2013_START.year, 0, len(C.ELIP_COHORTEN))


def elip_column(years: np.ndarray) -> np.ndarray:
    """Tabel 6 column of each cohort year: the year itself up to 2021, then '2022+'."""
    return np.array(C.TABEL6_KOLOMMEN[:-1])[elip_column_index(years)]


def tabel6(extract: Extract, elip_peildata: tuple[dt.date, ...], drempel_cent: int) -> Counts:
    column = elip_column_index(cohort(extract.wi2013))
    rows: Counts = []
    for d, elip in elip_each(extract, elip_peildata, drempel_cent):
        counts = np.bincount(column[elip], minlength=len(C.TABEL6_KOLOMMEN) - 1)
        rows += [(d.isoformat(), k, int(n)) for k, n in zip(C.TABEL6_KOLOMMEN[:-1], counts)]
        rows.append((d.isoformat(), C.TOTAAL, int(counts.sum())))
    return rows
