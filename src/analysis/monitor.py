"""The monitor outputs of contract section 7, in the long format of section 3.

* `tijdreeks_kerncijfers`: the key figures of both laws on the first day of every month,
  computed through the table registry, as the tables are, so a
  month's figures equal a run at that date. Each law's series starts at the first month
  in which one of its plichten started (a Wi2021 series from 2013 would be zeros only).
* `cohort_uitkomst_wi2013`: per cohort, the cumulative incidence of each way the Wi2013
  plicht ended, 1 ... 5 years after datum_plicht (survival.duur("einde") within the cohort).
* `duur_tot_pip_wi2021`: per doelgroep, the cumulative incidence of a PIP at 91, 182, 365
  and 730 days, and the median time to a PIP.

Where a duration lies beyond what the data can show, the cell is empty: a cumulative
incidence at d days is given only when d <= P minus the group's earliest datum_plicht
(contract section 7 says so for the cohorts; the same rule is applied to the doelgroepen of
duur_tot_pip_wi2021, where the contract is silent, because past the longest follow-up the
estimate is only the last value carried forward). The median is the first day on which the
cumulative incidence reaches 50%; empty where it does not within the data.

Celbeveiliging (`celbeveiliging=N`): the time series is protected month by month with the
rules and sums of suppression.py (the two kerncijfers of a month are one set of linked
tables); a cumulative incidence is emptied when it rests on fewer than N persons: fewer
than N in the group, or fewer than N with that outcome by that day.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import contract as C
from . import populations as POP
from . import registry, suppression
from . import survival as S
from . import tables as T
from .model import Extract
from .params import Parameters

TIJDREEKS = "tijdreeks_kerncijfers"
COHORT_UITKOMST = "cohort_uitkomst_wi2013"
DUUR_TOT_PIP = "duur_tot_pip_wi2021"
OUTPUTS = (TIJDREEKS, COHORT_UITKOMST, DUUR_TOT_PIP)

COHORT_JAREN = (1, 2, 3, 4, 5)
DAGEN_PER_JAAR = 365  # the contract counts a year as 365 days
PIP_DAGEN = (91, 182, 365, 730)
MEDIAAN = "mediaan"
EENHEID_DAGEN = "dagen"


def eenheid_jaar(jaar: int) -> str:
    return f"procent_{jaar}j"


def month_starts(first: dt.date, p: dt.date) -> list[dt.date]:
    """First days of the months from `first`'s month up to P (inclusive when P is one)."""
    out, d = [], first.replace(day=1)
    while d <= p:
        out.append(d)
        d = d.replace(year=d.year + 1, month=1) if d.month == 12 else d.replace(month=d.month + 1)
    return out


def _first_plicht(df: pd.DataFrame, p: dt.date) -> dt.date | None:
    started = df["datum_plicht"][T.on_or_before(df["datum_plicht"], p)]
    return None if started.empty else started.min().date()


def tijdreeks_kerncijfers(extract: Extract, p: dt.date, celbeveiliging: int = 0) -> pd.DataFrame:
    parts = []
    for name, df in (("kerncijfers_wi2021", extract.wi2021), ("kerncijfers_wi2013", extract.wi2013)):
        first = _first_plicht(df, p)
        if first is None:
            continue
        for d in month_starts(first, p):
            parts.append(registry.compute(name, extract, Parameters(peildatum=d)))
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["peildatum"], kind="stable", ignore_index=True)
    if celbeveiliging:
        out = pd.concat([_protect_month(g, celbeveiliging) for _, g in out.groupby("peildatum", sort=True)],
                        ignore_index=True)
    return _long(out, TIJDREEKS, keep_tabel=True)


def _protect_month(month: pd.DataFrame, threshold: int) -> pd.DataFrame:
    tables = {name: g for name, g in month.groupby("tabel", sort=False)}
    reasons = suppression.pattern(tables, threshold)
    return pd.concat([suppression.apply(g, reasons) for g in tables.values()], ignore_index=True)


def _long(df: pd.DataFrame, tabel: str, keep_tabel: bool = False) -> pd.DataFrame:
    out = df.copy()
    if not keep_tabel:
        out.insert(0, "tabel", tabel)
    out["waarde"] = out["waarde"].astype(float)
    return out[list(C.OUTPUT_COLUMNS)].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "waarde" else object) for c in C.OUTPUT_COLUMNS})


def _group_estimates(extract: Extract, gebeurtenis: str, populatie: str, p: dt.date, groep: str,
                     celbeveiliging: int) -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """duur(...) without intervals; per group its size and the follow-up in days (P minus the
    group's earliest datum_plicht)."""
    law = POP.law_of(populatie)
    members = POP.mask(extract, populatie, p)
    var = POP.variable(extract, groep, law, p)
    start = POP.persons(extract, law)["datum_plicht"]
    size, follow_up = {}, {}
    for i, v in enumerate(var.values):
        m = members & (var.codes == i)
        size[v] = int(m.sum())
        if size[v]:
            follow_up[v] = (p - start[m].min().date()).days
    curves = S.duur(extract, gebeurtenis, populatie, p, groep=groep, with_ci=False)
    if celbeveiliging and len(curves):
        events = S.events_so_far(extract, curves, gebeurtenis, populatie, p, groep)
        curves = curves.assign(_events=events.to_numpy())
    return curves, size, follow_up


class _Steps:
    """The curves of a duur result as step functions, looked up by (group, outcome)."""

    def __init__(self, curves: pd.DataFrame, threshold: int):
        self.threshold = threshold
        self.parts = {key: (g["dagen"].to_numpy(), g["cumulatieve_incidentie"].to_numpy(),
                            g["_events"].to_numpy() if threshold else None)
                      for key, g in curves.groupby(["groep", "uitkomst"], sort=False)}

    def value(self, group: str, outcome: str, day: int) -> float:
        """Cumulative incidence at `day` (0 before the first event); with celbeveiliging empty
        when fewer than the threshold (and more than none) had the outcome by then."""
        days, est, events = self.parts.get((group, outcome), (np.zeros(0, int), np.zeros(0), np.zeros(0, int)))
        i = int(np.searchsorted(days, day, side="right")) - 1
        if i < 0:
            return 0.0  # no one yet: a zero identifies no one
        if self.threshold and events[i] < self.threshold:
            return np.nan
        return float(est[i])

    def median(self, group: str, outcome: str) -> float:
        """First day on which the cumulative incidence reaches 0.5; NaN when it does not."""
        days, est, events = self.parts.get((group, outcome), (np.zeros(0, int), np.zeros(0), np.zeros(0, int)))
        day = S.first_day_reaching(days, est, 0.5)  # the rule of survival.mediaan
        if self.threshold and not np.isnan(day) and events[np.searchsorted(days, day)] < self.threshold:
            return np.nan
        return day


def cohort_uitkomst_wi2013(extract: Extract, p: dt.date, celbeveiliging: int = 0) -> pd.DataFrame:
    curves, size, follow_up = _group_estimates(extract, "einde", "wi2013_opgelegd", p, "cohort", celbeveiliging)
    started = [v for v, n in size.items() if n]
    if not started:
        return _empty()
    years = [v for v in size if int(v) >= int(started[0])]  # from the earliest cohort up to P's year
    steps, rows = _Steps(curves, celbeveiliging), []
    for y in years:
        for r in C.REDEN_EINDE_WI2013:
            for j in COHORT_JAREN:
                day = j * DAGEN_PER_JAAR
                value = np.nan
                if size[y] and day <= follow_up[y] and not (celbeveiliging and size[y] < celbeveiliging):
                    value = 100.0 * steps.value(y, r, day)
                rows.append((y, r, eenheid_jaar(j), value))
    return _frame(COHORT_UITKOMST, p, rows)


def duur_tot_pip_wi2021(extract: Extract, p: dt.date, celbeveiliging: int = 0) -> pd.DataFrame:
    curves, size, follow_up = _group_estimates(extract, "pip", "wi2021_plichtig_geworden", p, "doelgroep",
                                               celbeveiliging)
    steps, rows = _Steps(curves, celbeveiliging), []
    for g in C.DOELGROEPEN:
        shown = size[g] > 0 and not (celbeveiliging and size[g] < celbeveiliging)
        for day in PIP_DAGEN:
            value = 100.0 * steps.value(g, S.PIP, day) \
                if shown and day <= follow_up[g] else np.nan
            rows.append((g, f"{day}d", C.EENHEID_PROCENT, value))
        rows.append((g, MEDIAAN, EENHEID_DAGEN, steps.median(g, S.PIP) if shown else np.nan))
    return _frame(DUUR_TOT_PIP, p, rows)


def _frame(tabel: str, p: dt.date, rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["rij", "kolom", "eenheid", "waarde"])
    df.insert(0, "peildatum", p.isoformat())
    df.insert(0, "tabel", tabel)
    df["waarde"] = df["waarde"].astype(float)
    return df


def compute(name: str, extract: Extract, p: dt.date, celbeveiliging: int = 0) -> pd.DataFrame:
    """One monitor output by name."""
    fn = {TIJDREEKS: tijdreeks_kerncijfers, COHORT_UITKOMST: cohort_uitkomst_wi2013,
          DUUR_TOT_PIP: duur_tot_pip_wi2021}[name]
    return fn(extract, p, celbeveiliging)


# ---- what the monitor's figures show beside the three outputs ---------------------------

PLICHTIG_WI2021, PLICHTIG_WI2013 = "plichtig_wi2021", "plichtig_wi2013"
PROCENT_PIP, PROCENT_AANBOD, ELIP = "procent_pip", "procent_aanbod", "elip"
REEKSEN = (PLICHTIG_WI2021, PLICHTIG_WI2013, PROCENT_PIP, PROCENT_AANBOD, ELIP)


def maandreeksen(extract: Extract, params: Parameters, tijdreeks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per month of tijdreeks_kerncijfers (index: the month's first day, ISO), with
    the plichtigen of both laws and the share of Wi2021 plichtigen with a PIP taken from it,
    and beside them Tabel 4's share with an aanbod and Tabel 6's ELIP count on the same days.

    The two extra series are the letter tables' own counts (tables.tabel4, tables.tabel6
    through the registry, at the run's ELIP threshold) and are protected as those tables are,
    month by month. NaN where a law's series has not started or a value is protected.
    """
    p, threshold = params.peildatum, params.celbeveiliging
    if tijdreeks is None:
        tijdreeks = tijdreeks_kerncijfers(extract, p, threshold)
    months = sorted(set(tijdreeks["peildatum"]))
    out = pd.DataFrame(np.nan, index=pd.Index(months, name="peildatum"), columns=list(REEKSEN))
    for col, (tabel, rij, eenheid) in {PLICHTIG_WI2021: ("kerncijfers_wi2021", "nog_plichtig", C.EENHEID_AANTAL),
                                       PLICHTIG_WI2013: ("kerncijfers_wi2013", "nog_plichtig", C.EENHEID_AANTAL),
                                       PROCENT_PIP: ("kerncijfers_wi2021", "met_pip", C.EENHEID_PROCENT)}.items():
        hit = tijdreeks[(tijdreeks["tabel"] == tabel) & (tijdreeks["rij"] == rij) & (tijdreeks["eenheid"] == eenheid)]
        out.loc[hit["peildatum"].to_numpy(), col] = hit["waarde"].to_numpy()
    wi2021_months = tijdreeks.loc[tijdreeks["tabel"] == "kerncijfers_wi2021", "peildatum"].unique()
    for d in wi2021_months:
        out.loc[d, PROCENT_AANBOD] = _aanbod_share(extract, dt.date.fromisoformat(d), threshold)
    wi2013_months = tuple(dt.date.fromisoformat(d) for d in
                          tijdreeks.loc[tijdreeks["tabel"] == "kerncijfers_wi2013", "peildatum"].unique())
    if wi2013_months:
        elip = registry.compute("tabel6", extract, Parameters(peildatum=p, elip_peildata=wi2013_months,
                                                              elip_drempel_cent=params.elip_drempel_cent))
        if threshold:
            elip = suppression.apply(elip, suppression.pattern({"tabel6": elip}, threshold))
        total = elip[elip["kolom"] == C.TOTAAL]
        out.loc[total["rij"].to_numpy(), ELIP] = total["waarde"].to_numpy()
    return out


def _aanbod_share(extract: Extract, d: dt.date, threshold: int) -> float:
    """Tabel 4's percentage at one date: its counts at (d, d), the first pair, as a table."""
    counts = T.tabel4(extract.wi2021, d, d)[:2]
    df = registry.long_frame("tabel4", d, registry.with_shares(registry.spec("tabel4"), counts))
    if threshold:
        df = suppression.apply(df, suppression.pattern({"tabel4": df}, threshold))
    hit = df[(df["rij"] == "met_aanbod") & (df["eenheid"] == C.EENHEID_PROCENT)]
    return float(hit["waarde"].iloc[0])


def pip_curves(extract: Extract, params: Parameters) -> pd.DataFrame:
    """The curves behind duur_tot_pip_wi2021 with their 95% intervals (survival.duur), the
    outcome PIP only, per doelgroep; with celbeveiliging protected as explore's duur is."""
    p, threshold = params.peildatum, params.celbeveiliging
    populatie, groep = "wi2021_plichtig_geworden", "doelgroep"
    curves = S.duur(extract, S.PIP, populatie, p, groep=groep)
    if threshold and len(curves):
        events = S.events_so_far(extract, curves, S.PIP, populatie, p, groep)
        curves = S.protect(curves, threshold, events)
    return curves[curves["uitkomst"] == S.PIP].reset_index(drop=True)
