"""The contract's definitions (section 2): every output at a peildatum, as tidy frames.

This is the only place the definitions live. Each function takes typed frames and dates
and returns the long format of contract section 3 (`tabel, peildatum, rij, kolom, eenheid,
waarde`), with full-precision percentages: rounding is presentation.

The rule that runs through all of it: an event counts at P when its date is on or before
P. A missing date is an event that has not happened, so it never counts.
"""
from __future__ import annotations

import datetime as dt
import numpy as np
import pandas as pd

from . import contract as C
from .model import Extract
from .params import Parameters


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


def loans_until(extract: Extract, d: dt.date) -> np.ndarray:
    """Sum of loan payments (cents) per Wi2013 person, dated on or before d."""
    loans = extract.leningen
    mask = on_or_before(loans["datum"], d)
    # Integer sums, exact: validation bounds a payment (validation.MAX_BEDRAG_CENT), so
    # int64 cannot overflow below ~92 billion payments. Float weights would silently lose
    # cents above 2**53 and wrap on the cast back.
    sums = np.zeros(len(extract.wi2013), dtype=np.int64)
    np.add.at(sums, loans["persoon_nr"].to_numpy()[mask],
              loans["bedrag_cent"].to_numpy()[mask].astype(np.int64))
    return sums


def elip_at(extract: Extract, d: dt.date, drempel_cent: int) -> np.ndarray:
    """ELIP at d: asiel, plichtig at d, loans on or before d at least the threshold."""
    p = extract.wi2013
    return ((p["doelgroep"] == "asiel").to_numpy() & plichtig_at(p, d)
            & (loans_until(extract, d) >= drempel_cent))


def exams_passed_at(extract: Extract, d: dt.date) -> np.ndarray:
    """Distinct exam parts passed on or before d, per Wi2013 person."""
    ex = extract.examens
    mask = ex["geslaagd"].to_numpy() & on_or_before(ex["datum"], d)
    codes = ex["persoon_nr"].to_numpy()[mask].astype(np.int64) * len(C.ONDERDELEN) + \
        ex["onderdeel"].cat.codes.to_numpy()[mask]
    persons = np.unique(codes) // len(C.ONDERDELEN)
    return np.bincount(persons, minlength=len(extract.wi2013))


# ---- long format ----------------------------------------------------------------------

def _pct(part: float, base: float) -> float:
    return 100.0 * part / base if base else np.nan


def _frame(tabel: str, p: dt.date, rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["rij", "kolom", "eenheid", "waarde"])
    df.insert(0, "peildatum", p.isoformat())
    df.insert(0, "tabel", tabel)
    df["waarde"] = df["waarde"].astype(float)
    return df


# ---- Wi2021 ---------------------------------------------------------------------------

def kerncijfers_wi2021(wi2021: pd.DataFrame, p: dt.date) -> pd.DataFrame:
    geworden = on_or_before(wi2021["datum_plicht"], p)
    plichtig = plichtig_at(wi2021, p)
    pip = plichtig & on_or_before(wi2021["datum_pip"], p)
    dg = wi2021["doelgroep"].to_numpy()
    n_plichtig = int(plichtig.sum())
    rows = [("plichtig_geworden", C.TOTAAL, C.EENHEID_AANTAL, int(geworden.sum())),
            ("nog_plichtig", C.TOTAAL, C.EENHEID_AANTAL, n_plichtig)]
    for g in C.DOELGROEPEN:
        rows.append((f"nog_plichtig_{g}", C.TOTAAL, C.EENHEID_AANTAL, int((plichtig & (dg == g)).sum())))
    rows.append(("met_pip", C.TOTAAL, C.EENHEID_AANTAL, int(pip.sum())))
    # Shares as the letter states them: still plichtig of all who became plichtig; the
    # doelgroepen and those with a PIP of all still plichtig.
    rows.append(("nog_plichtig", C.TOTAAL, C.EENHEID_PROCENT, _pct(n_plichtig, geworden.sum())))
    for g in C.DOELGROEPEN:
        rows.append((f"nog_plichtig_{g}", C.TOTAAL, C.EENHEID_PROCENT,
                     _pct((plichtig & (dg == g)).sum(), n_plichtig)))
    rows.append(("met_pip", C.TOTAAL, C.EENHEID_PROCENT, _pct(pip.sum(), n_plichtig)))
    return _frame("kerncijfers_wi2021", p, rows)


def tabel1(wi2021: pd.DataFrame, p: dt.date) -> pd.DataFrame:
    """LBT outcome x route group, for everyone with both an LBT and a PIP on or before P."""
    both = on_or_before(wi2021["datum_lbt"], p) & on_or_before(wi2021["datum_pip"], p)
    uitslag = wi2021["uitslag_lbt"].to_numpy()[both]
    groep = wi2021["leerroute"].astype(object).map(C.ROUTEGROEP).to_numpy()[both]
    counts = {(u, g): int(((uitslag == u) & (groep == g)).sum())
              for u in C.UITSLAG_LBT for g in C.ROUTEGROEPEN}
    rows = []
    for u in C.UITSLAG_LBT:
        for g in C.ROUTEGROEPEN:
            rows.append((u, g, C.EENHEID_AANTAL, counts[(u, g)]))
    for u in C.UITSLAG_LBT:
        for g in C.ROUTEGROEPEN:
            col_total = sum(counts[(x, g)] for x in C.UITSLAG_LBT)
            row_total = sum(counts[(u, y)] for y in C.ROUTEGROEPEN)
            rows.append((u, g, C.EENHEID_PROCENT_KOLOM, _pct(counts[(u, g)], col_total)))
            rows.append((u, g, C.EENHEID_PROCENT_RIJ, _pct(counts[(u, g)], row_total)))
    return _frame("tabel1", p, rows)


def tabel2(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> pd.DataFrame:
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        plichtig = plichtig_at(wi2021, d)
        pip = plichtig & on_or_before(wi2021["datum_pip"], d)
        rows += [("inburgeringsplichtig", d.isoformat(), C.EENHEID_AANTAL, int(plichtig.sum())),
                 ("met_pip", d.isoformat(), C.EENHEID_AANTAL, int(pip.sum())),
                 ("met_pip", d.isoformat(), C.EENHEID_PROCENT, _pct(pip.sum(), plichtig.sum()))]
    return _frame("tabel2", p, rows)


def tabel3(wi2021: pd.DataFrame, p: dt.date) -> pd.DataFrame:
    """Leerroute x doelgroep over the whole inflow with a PIP on or before P."""
    pip = on_or_before(wi2021["datum_pip"], p)
    route = wi2021["leerroute"].to_numpy()[pip]
    dg = wi2021["doelgroep"].to_numpy()[pip]
    counts = {(r, g): int(((route == r) & (dg == g)).sum()) for r in C.LEERROUTES for g in C.DOELGROEPEN}
    for r in C.LEERROUTES:
        counts[(r, C.TOTAAL)] = sum(counts[(r, g)] for g in C.DOELGROEPEN)
    col_totals = {g: sum(counts[(r, g)] for r in C.LEERROUTES) for g in C.TABEL3_KOLOMMEN}
    rows = [(r, g, C.EENHEID_AANTAL, counts[(r, g)]) for r in C.LEERROUTES for g in C.TABEL3_KOLOMMEN]
    rows += [(r, g, C.EENHEID_PROCENT, _pct(counts[(r, g)], col_totals[g]))
             for r in C.LEERROUTES for g in C.TABEL3_KOLOMMEN]
    return _frame("tabel3", p, rows)


def tabel4(wi2021: pd.DataFrame, p: dt.date, q: dt.date) -> pd.DataFrame:
    asiel = (wi2021["doelgroep"] == "asiel").to_numpy()
    rows = []
    for d in (p, q):  # the letter prints the current peildatum first
        base = asiel & plichtig_at(wi2021, d) & on_or_before(wi2021["datum_pip"], d)
        aanbod = base & on_or_before(wi2021["datum_aanbod"], d)
        rows += [("asiel_met_pip", d.isoformat(), C.EENHEID_AANTAL, int(base.sum())),
                 ("met_aanbod", d.isoformat(), C.EENHEID_AANTAL, int(aanbod.sum())),
                 ("met_aanbod", d.isoformat(), C.EENHEID_PROCENT, _pct(aanbod.sum(), base.sum()))]
    return _frame("tabel4", p, rows)


# ---- Wi2013 ---------------------------------------------------------------------------

def kerncijfers_wi2013(wi2013: pd.DataFrame, p: dt.date) -> pd.DataFrame:
    status = status_codes(wi2013, p)
    reden = list(wi2013["reden_einde"].cat.categories)
    total = int((status != NOT_STARTED).sum())
    counts = {s: int((status == (NOG_PLICHTIG if s == "nog_plichtig" else reden.index(s))).sum())
              for s in C.KERNCIJFERS_WI2013_RIJEN[1:]}
    rows = [("totaal", C.TOTAAL, C.EENHEID_AANTAL, total)]
    rows += [(s, C.TOTAAL, C.EENHEID_AANTAL, counts[s]) for s in counts]
    rows += [(s, C.TOTAAL, C.EENHEID_PROCENT, _pct(counts[s], total)) for s in counts]
    return _frame("kerncijfers_wi2013", p, rows)


def tabel5(wi2013: pd.DataFrame, p: dt.date) -> pd.DataFrame:
    """Per cohort: voldaan (ingeburgerd + vrijgesteld), ontheven, nog plichtig; vervallen left out."""
    status = status_codes(wi2013, p)
    started = status != NOT_STARTED
    rows = []
    if started.any():
        reden = list(wi2013["reden_einde"].cat.categories)
        years = cohort(wi2013)
        first = int(years[started].min())
        n_years = p.year - first + 1
        index = np.where(started, years - first, 0)
        groups = {"voldaan": np.isin(status, [reden.index("ingeburgerd"), reden.index("vrijgesteld")]),
                  "ontheven": status == reden.index("ontheven"),
                  "nog_plichtig": status == NOG_PLICHTIG}
        per_year = {k: np.bincount(index[m & started], minlength=n_years) for k, m in groups.items()}
        for i, year in enumerate(range(first, p.year + 1)):
            cells = {k: int(per_year[k][i]) for k in groups}
            total = sum(cells.values())
            rows += [(str(year), k, C.EENHEID_AANTAL, v) for k, v in cells.items()]
            rows.append((str(year), C.TOTAAL, C.EENHEID_AANTAL, total))
            rows += [(str(year), k, C.EENHEID_PROCENT, _pct(v, total)) for k, v in cells.items()]
    return _frame("tabel5", p, rows)


def elip_column_index(years: np.ndarray) -> np.ndarray:
    """Position of each cohort year among the Tabel 6 cohort columns (2022 and later pooled)."""
    return np.clip(years - C.WI2013_START.year, 0, len(C.ELIP_COHORTEN))


def elip_column(years: np.ndarray) -> np.ndarray:
    """Tabel 6 column of each cohort year: the year itself up to 2021, then '2022+'."""
    return np.array(C.TABEL6_KOLOMMEN[:-1])[elip_column_index(years)]


def tabel6(extract: Extract, p: dt.date, elip_peildata: tuple[dt.date, ...], drempel_cent: int) -> pd.DataFrame:
    column = elip_column_index(cohort(extract.wi2013))
    rows = []
    for d in sorted(elip_peildata):
        counts = np.bincount(column[elip_at(extract, d, drempel_cent)], minlength=len(C.TABEL6_KOLOMMEN) - 1)
        for k, n in zip(C.TABEL6_KOLOMMEN[:-1], counts):
            rows.append((d.isoformat(), k, C.EENHEID_AANTAL, int(n)))
        rows.append((d.isoformat(), C.TOTAAL, C.EENHEID_AANTAL, int(counts.sum())))
    return _frame("tabel6", p, rows)


# ---- all of them ----------------------------------------------------------------------

def compute(name: str, extract: Extract, params: Parameters) -> pd.DataFrame:
    """One output of the contract by name."""
    p, q = params.peildatum, params.q
    if name == "kerncijfers_wi2021":
        return kerncijfers_wi2021(extract.wi2021, p)
    if name == "tabel1":
        return tabel1(extract.wi2021, p)
    if name == "tabel2":
        return tabel2(extract.wi2021, p, q)
    if name == "tabel3":
        return tabel3(extract.wi2021, p)
    if name == "tabel4":
        return tabel4(extract.wi2021, p, q)
    if name == "kerncijfers_wi2013":
        return kerncijfers_wi2013(extract.wi2013, p)
    if name == "tabel5":
        return tabel5(extract.wi2013, p)
    if name == "tabel6":
        return tabel6(extract, p, params.elip, params.elip_drempel_cent)
    raise KeyError(name)


def compute_all(extract: Extract, params: Parameters) -> dict[str, pd.DataFrame]:
    return {name: compute(name, extract, params) for name in C.OUTPUTS}
