"""The monitor outputs of contract section 7, in the long format of section 3.

* `tijdreeks_kerncijfers`: the key figures of both laws on the first day of every month,
  computed through the table registry, as the tables are, so a
  month's figures equal a run at that date. Each law's series starts at the first month
  in which one of its plichten started (a Wi2021 series from 2013 would be zeros only).
* `cohort_uitkomst_wi2013`: per cohort, the cumulative incidence of each way the Wi2013
  plicht ended, 1 ... 5 years after datum_plicht (survival.duur("einde") within the cohort),
  each with its 95% interval (`ci_laag_kj`, `ci_hoog_kj`) and the number still followed
  (`at_risk_kj`).
* `duur_tot_pip_wi2021`: per doelgroep, the cumulative incidence of a PIP at 91, 182, 365
  and 730 days with interval and at_risk, and the median time to a PIP with its interval in
  days (`ci_laag_dagen`, `ci_hoog_dagen`, as survival.mediaan gives it).

The shares are read off the curves by survival.duur(..., dagen=...), the reader the
interface uses too, so `duur("einde", "wi2013_opgelegd", P, groep="cohort", dagen=[365, ...])`
gives these numbers. Contract section 7 (v1.2): a share at day d stands only where at least
`min_at_risk` persons of the group (its default in Parameters) are still followed at
d (exit day >= d); otherwise the estimate and interval are empty and at_risk says why. "The
cohort has been followed that long" is not enough: a cohort of three whose last member was
censored at day 517 has no value at two years, whatever P is. The median is the first day on
which the cumulative incidence reaches 50%, on the part of the curve the same rule lets
stand; empty where it does not get there.

Celbeveiliging (`celbeveiliging=N`): the time series is protected month by month with the
rules and sums of suppression.py (the two kerncijfers of a month are one set of linked
tables); a cumulative incidence is emptied when it rests on fewer than N persons: fewer
than N still followed that day (so also in a group of fewer than N), or 1 to N - 1 with that
outcome by that day; its interval goes with it, and at_risk from 1 to N - 1 is emptied.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import contract as C
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
CI_LAAG_DAGEN, CI_HOOG_DAGEN = "ci_laag_dagen", "ci_hoog_dagen"  # the median's interval, in days


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


def _read(extract: Extract, gebeurtenis: str, populatie: str, p: dt.date, groep: str, dagen: tuple[int, ...],
          celbeveiliging: int, min_at_risk: int | None) -> pd.DataFrame:
    """The curves read at the asked days through survival.duur (the one reader, so that the
    interface's `duur(..., dagen=...)` gives the same numbers), protected by the monitor's
    rule: with celbeveiliging N, an estimate is emptied when fewer than N were still followed
    that day (so also in a group of fewer than N) or when 1 to N - 1 had that outcome by then
    (a zero identifies no one); its interval goes with it, and at_risk is emptied from 1 to N - 1."""
    rows = S.duur(extract, gebeurtenis, populatie, p, groep=groep, dagen=dagen, min_at_risk=min_at_risk)
    if not celbeveiliging:
        return rows
    events = S.events_so_far(extract, rows, gebeurtenis, populatie, p, groep).to_numpy()
    at_risk = rows["at_risk"].to_numpy()
    small = (at_risk < celbeveiliging) | ((events > 0) & (events < celbeveiliging))
    rows.loc[small, ["cumulatieve_incidentie", "ci_laag", "ci_hoog"]] = np.nan
    rows["at_risk"] = rows["at_risk"].astype(float)
    rows.loc[(at_risk > 0) & (at_risk < celbeveiliging), "at_risk"] = np.nan
    return rows


def _cells(row: pd.Series, suffix: str = "") -> list[tuple[str, float]]:
    """One read row as the output's cells, in the order a reader reads them: the share and its
    interval in percent (the scale of the estimate), then the number still followed."""
    return [(f"procent{suffix}", 100.0 * row["cumulatieve_incidentie"]), (f"ci_laag{suffix}", 100.0 * row["ci_laag"]),
            (f"ci_hoog{suffix}", 100.0 * row["ci_hoog"]), (f"at_risk{suffix}", float(row["at_risk"]))]


def cohort_uitkomst_wi2013(extract: Extract, p: dt.date, celbeveiliging: int = 0,
                           min_at_risk: int | None = None) -> pd.DataFrame:
    dagen = tuple(j * DAGEN_PER_JAAR for j in COHORT_JAREN)
    rows = _read(extract, "einde", "wi2013_opgelegd", p, "cohort", (0, *dagen), celbeveiliging, min_at_risk)
    size = rows[rows["dagen"] == 0].groupby("groep", sort=False)["at_risk"].first()
    started = [y for y, n in size.items() if n != 0]  # NaN (protected) is someone
    if not started:
        return _empty()
    years = [y for y in size.index if int(y) >= int(started[0])]  # from the earliest cohort up to P's year
    at = rows.set_index(["groep", "uitkomst", "dagen"])
    out = []
    for y in years:
        for r in C.REDEN_EINDE_WI2013:
            for j, day in zip(COHORT_JAREN, dagen):
                out += [(y, r, eenheid, value) for eenheid, value in _cells(at.loc[(y, r, day)], f"_{j}j")]
    return _frame(COHORT_UITKOMST, p, out)


def duur_tot_pip_wi2021(extract: Extract, p: dt.date, celbeveiliging: int = 0,
                        min_at_risk: int | None = None) -> pd.DataFrame:
    populatie, groep = "wi2021_plichtig_geworden", "doelgroep"
    rows = _read(extract, S.PIP, populatie, p, groep, PIP_DAGEN, celbeveiliging, min_at_risk)
    at = rows.set_index(["groep", "uitkomst", "dagen"])
    medians = _medians(extract, p, celbeveiliging, min_at_risk).set_index("groep")
    out = []
    for g in C.DOELGROEPEN:
        for day in PIP_DAGEN:
            out += [(g, f"{day}d", eenheid, value) for eenheid, value in _cells(at.loc[(g, S.PIP, day)])]
        m = medians.loc[g] if g in medians.index else None
        for eenheid, col in ((EENHEID_DAGEN, "mediaan"), (CI_LAAG_DAGEN, "mediaan_laag"),
                             (CI_HOOG_DAGEN, "mediaan_hoog")):
            out.append((g, MEDIAAN, eenheid, np.nan if m is None else float(m[col])))
    return _frame(DUUR_TOT_PIP, p, out)


def _medians(extract: Extract, p: dt.date, celbeveiliging: int, min_at_risk: int | None) -> pd.DataFrame:
    """survival.mediaan on the curves of a PIP per doelgroep, read only where the follow-up
    rule lets a curve stand (a median or bound that would lie further is empty, as one after
    an emptied row is). With celbeveiliging N, the median and each bound are emptied when
    fewer than N of the group had a PIP by that day, and the bounds go with the median."""
    populatie, groep = "wi2021_plichtig_geworden", "doelgroep"
    curves = S.duur(extract, S.PIP, populatie, p, groep=groep)
    curves = S.follow_up(curves, Parameters.min_at_risk if min_at_risk is None else min_at_risk)
    med = S.mediaan(curves[curves["uitkomst"] == S.PIP])
    if not celbeveiliging or med.empty:
        return med
    size = S.duur(extract, S.PIP, populatie, p, groep=groep, dagen=[0], min_at_risk=1)
    size = size[size["uitkomst"] == S.PIP].set_index("groep")["at_risk"]
    for col in ("mediaan", "mediaan_laag", "mediaan_hoog"):
        probe = med[["groep", "uitkomst"]].assign(dagen=med[col].fillna(0).astype(np.int64))
        events = S.events_so_far(extract, probe, S.PIP, populatie, p, groep).to_numpy()
        small = (events < celbeveiliging) | (med["groep"].map(size).to_numpy() < celbeveiliging)
        med.loc[small, col] = np.nan
    med.loc[med["mediaan"].isna(), ["mediaan_laag", "mediaan_hoog"]] = np.nan
    return med


def _frame(tabel: str, p: dt.date, rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["rij", "kolom", "eenheid", "waarde"])
    df.insert(0, "peildatum", p.isoformat())
    df.insert(0, "tabel", tabel)
    df["waarde"] = df["waarde"].astype(float)
    return df


def compute(name: str, extract: Extract, p: dt.date, celbeveiliging: int = 0,
            min_at_risk: int | None = None) -> pd.DataFrame:
    """One monitor output by name (min_at_risk: None is Parameters' default; the time
    series does not read curves and ignores it)."""
    if name == TIJDREEKS:
        return tijdreeks_kerncijfers(extract, p, celbeveiliging)
    fn = {COHORT_UITKOMST: cohort_uitkomst_wi2013, DUUR_TOT_PIP: duur_tot_pip_wi2021}[name]
    return fn(extract, p, celbeveiliging, min_at_risk)


@dataclass(frozen=True)
class FigureData:
    """What the figure of cohort_uitkomst_wi2013 or duur_tot_pip_wi2021 and its sentence read:
    the output as written, each group's size (`group_sizes`), the run's min_at_risk (the
    sentence names it), and for the time to PIP the curves behind it (`pip_curves`)."""

    table: pd.DataFrame
    sizes: dict[str, float]
    min_at_risk: int
    curves: pd.DataFrame | None = None


def figure_data(extract: Extract, name: str, params: Parameters, table: pd.DataFrame) -> FigureData:
    curves = pip_curves(extract, params) if name == DUUR_TOT_PIP else None
    return FigureData(table, group_sizes(extract, name, params), params.min_at_risk, curves)


def group_sizes(extract: Extract, name: str, params: Parameters) -> dict[str, float]:
    """How many persons each cohort (cohort_uitkomst_wi2013) or doelgroep (duur_tot_pip_wi2021)
    holds: the number followed on day 0, read as the outputs' at_risk (NaN where protected).
    The sentences say "nog 1.234 van de 18.026 gevolgd" with it."""
    gebeurtenis, populatie, groep = {COHORT_UITKOMST: ("einde", "wi2013_opgelegd", "cohort"),
                                     DUUR_TOT_PIP: (S.PIP, "wi2021_plichtig_geworden", "doelgroep")}[name]
    rows = _read(extract, gebeurtenis, populatie, params.peildatum, groep, (0,), params.celbeveiliging, 1)
    return rows.groupby("groep", sort=False)["at_risk"].first().astype(float).to_dict()


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
    outcome PIP only, per doelgroep, empty where fewer than min_at_risk are still followed (the
    figure shows no more than the table); with celbeveiliging protected as explore's duur is."""
    p, threshold = params.peildatum, params.celbeveiliging
    populatie, groep = "wi2021_plichtig_geworden", "doelgroep"
    curves = S.follow_up(S.duur(extract, S.PIP, populatie, p, groep=groep), params.min_at_risk)
    if threshold and len(curves):
        events = S.events_so_far(extract, curves, S.PIP, populatie, p, groep)
        curves = S.protect(curves, threshold, events)
    return curves[curves["uitkomst"] == S.PIP].reset_index(drop=True)
