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

Celbeveiliging: the outputs are computed unprotected here; a run (and the interface) hides
values with the one pattern of publication/ over everything it publishes. `published` says
what each output publishes in terms of persons: the monthly series are the kerncijfers tables
at each month (the same keys as a run at that month), an at_risk is the count of the group
still followed that day, and a share or interval publishes the counts it rests on: the
group's size, the number still followed, and the number with that outcome by that day
(contract section 8: "a percentage or estimate whose base is published ... publishes that
count"). The figures' extra series (Tabel 4's share with an aanbod and Tabel 6's ELIP count
per month) and the group sizes the sentences name are published too, and protected by the
same pattern (`protect`, a callable the session passes).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..core import contract as C
from ..core.params import Parameters
from ..extract.model import Extract
from . import populations as POP
from . import registry
from . import survival as S
from . import tables as T
from .items import CellKey, Count, Ratio
from .outputs import cell

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


def _months(extract: Extract, p: dt.date) -> list[tuple[str, dt.date]]:
    """(kerncijfers table, month) of the series, Wi2021 first, each law from its first month."""
    out = []
    for name, df in (("kerncijfers_wi2021", extract.wi2021), ("kerncijfers_wi2013", extract.wi2013)):
        first = _first_plicht(df, p)
        if first is not None:
            out += [(name, d) for d in month_starts(first, p)]
    return out


def tijdreeks_kerncijfers(extract: Extract, p: dt.date) -> pd.DataFrame:
    parts = [registry.compute(name, extract, Parameters(peildatum=d)) for name, d in _months(extract, p)]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["peildatum"], kind="stable", ignore_index=True)
    return _long(out, TIJDREEKS, keep_tabel=True)


def _long(df: pd.DataFrame, tabel: str, keep_tabel: bool = False) -> pd.DataFrame:
    out = df.copy()
    if not keep_tabel:
        out.insert(0, "tabel", tabel)
    out["waarde"] = out["waarde"].astype(float)
    return out[list(C.OUTPUT_COLUMNS)].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "waarde" else object) for c in C.OUTPUT_COLUMNS})


def _read(extract: Extract, name: str, p: dt.date, dagen: tuple[int, ...], min_at_risk: int | None) -> pd.DataFrame:
    """The curves of output `name` read at the asked days through survival.duur (the one
    reader, so that the interface's `duur(..., dagen=...)` gives the same numbers)."""
    gebeurtenis, populatie, groep = CURVES[name]
    return S.duur(extract, gebeurtenis, populatie, p, groep=groep, dagen=dagen, min_at_risk=min_at_risk)


def _cells(row: pd.Series, suffix: str = "") -> list[tuple[str, float]]:
    """One read row as the output's cells, in the order a reader reads them: the share and its
    interval in percent (the scale of the estimate), then the number still followed."""
    return [(f"procent{suffix}", 100.0 * row["cumulatieve_incidentie"]), (f"ci_laag{suffix}", 100.0 * row["ci_laag"]),
            (f"ci_hoog{suffix}", 100.0 * row["ci_hoog"]), (f"at_risk{suffix}", float(row["at_risk"]))]


COHORT_DAGEN = tuple(j * DAGEN_PER_JAAR for j in COHORT_JAREN)
# what each output reads off the curves: (gebeurtenis, populatie, groep)
CURVES = {COHORT_UITKOMST: ("einde", "wi2013_opgelegd", "cohort"),
          DUUR_TOT_PIP: (S.PIP, "wi2021_plichtig_geworden", "doelgroep")}


def _cohort_years(rows: pd.DataFrame) -> list[str]:
    """The cohorts of the output: from the earliest that holds someone up to P's year."""
    size = rows[rows["dagen"] == 0].groupby("groep", sort=False)["at_risk"].first()
    started = [y for y, n in size.items() if n != 0]
    return [y for y in size.index if started and int(y) >= int(started[0])]


def cohort_uitkomst_wi2013(extract: Extract, p: dt.date, min_at_risk: int | None = None) -> pd.DataFrame:
    dagen = COHORT_DAGEN
    rows = _read(extract, COHORT_UITKOMST, p, (0, *dagen), min_at_risk)
    years = _cohort_years(rows)
    if not years:
        return _empty()
    at = rows.set_index(["groep", "uitkomst", "dagen"])
    out = []
    for y in years:
        for r in C.REDEN_EINDE_WI2013:
            for j, day in zip(COHORT_JAREN, dagen):
                out += [(y, r, eenheid, value) for eenheid, value in _cells(at.loc[(y, r, day)], f"_{j}j")]
    return _frame(COHORT_UITKOMST, p, out)


def duur_tot_pip_wi2021(extract: Extract, p: dt.date, min_at_risk: int | None = None) -> pd.DataFrame:
    rows = _read(extract, DUUR_TOT_PIP, p, PIP_DAGEN, min_at_risk)
    at = rows.set_index(["groep", "uitkomst", "dagen"])
    medians = _medians(extract, p, min_at_risk).set_index("groep")
    out = []
    for g in C.DOELGROEPEN:
        for day in PIP_DAGEN:
            out += [(g, f"{day}d", eenheid, value) for eenheid, value in _cells(at.loc[(g, S.PIP, day)])]
        m = medians.loc[g] if g in medians.index else None
        for eenheid, col in MEDIAAN_KOLOMMEN:
            out.append((g, MEDIAAN, eenheid, np.nan if m is None else float(m[col])))
    return _frame(DUUR_TOT_PIP, p, out)


MEDIAAN_KOLOMMEN = ((EENHEID_DAGEN, "mediaan"), (CI_LAAG_DAGEN, "mediaan_laag"), (CI_HOOG_DAGEN, "mediaan_hoog"))


def _medians(extract: Extract, p: dt.date, min_at_risk: int | None) -> pd.DataFrame:
    """survival.mediaan on the curves of a PIP per doelgroep, read only where the follow-up
    rule lets a curve stand (a median or bound that would lie further is empty, as one after
    an emptied row is)."""
    gebeurtenis, populatie, groep = CURVES[DUUR_TOT_PIP]
    curves = S.duur(extract, gebeurtenis, populatie, p, groep=groep)
    curves = S.follow_up(curves, Parameters.min_at_risk if min_at_risk is None else min_at_risk)
    return S.mediaan(curves[curves["uitkomst"] == S.PIP])


def _frame(tabel: str, p: dt.date, rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["rij", "kolom", "eenheid", "waarde"])
    df.insert(0, "peildatum", p.isoformat())
    df.insert(0, "tabel", tabel)
    df["waarde"] = df["waarde"].astype(float)
    return df


def compute(name: str, extract: Extract, p: dt.date, min_at_risk: int | None = None) -> pd.DataFrame:
    """One monitor output by name, unprotected (min_at_risk: None is Parameters' default;
    the time series does not read curves and ignores it)."""
    if name == TIJDREEKS:
        return tijdreeks_kerncijfers(extract, p)
    fn = {COHORT_UITKOMST: cohort_uitkomst_wi2013, DUUR_TOT_PIP: duur_tot_pip_wi2021}[name]
    return fn(extract, p, min_at_risk)


# ---- what the monitor publishes, in persons (contract section 8) ------------------------

# the count a share or median reveals beside at_risk and the group's size: those with the
# outcome by that day; not an output row of its own, so its key has an eenheid of its own
MET_UITKOMST = S.MET_UITKOMST


def published(name: str, extract: Extract, params: Parameters) -> tuple[list[Count], list[Ratio]]:
    """What one monitor output (with its figure and sentences) publishes: each count with the
    persons it counts and each share, interval or median with the counts it rests on.

    * the series: the kerncijfers tables at every month (their keys are a run's at that
      month), and the figure's Tabel 4 share with an aanbod and Tabel 6's ELIP count per month;
    * a curve output: per group its size (the sentences name it) and at each published day
      the number still followed (at_risk); each share and its interval rest on those two and
      on the number with that outcome by that day, a median and its bounds on the group's size
      and the number with a PIP by that day. A value the follow-up rule empties publishes
      nothing.
    """
    if name == TIJDREEKS:
        return _series_published(extract, params)
    return _curves_published(name, extract, params)


def _series_published(extract: Extract, params: Parameters) -> tuple[list[Count], list[Ratio]]:
    counts, ratios = [], []
    months = _months(extract, params.peildatum)
    for name, d in months:
        c, r = registry.published(name, extract, Parameters(peildatum=d))
        counts += c
        ratios += r
    for name, d in months:
        if name == "kerncijfers_wi2021":
            c, r = registry.publish_cells("tabel4", d.isoformat(), _aanbod_cells(extract, d))
            counts += c
            ratios += r
    c, r = registry.publish_cells("tabel6", params.peildatum.isoformat(), _elip_totals(extract, params, months),
                                  registry.variant_of("tabel6", params))
    return counts + c, ratios + r


_STEM = {"cumulatieve_incidentie": "procent", S.GEVOLGD: "at_risk", "ci_laag": "ci_laag", "ci_hoog": "ci_hoog",
         S.MET_UITKOMST: MET_UITKOMST}


def _curves_published(name: str, extract: Extract, params: Parameters) -> tuple[list[Count], list[Ratio]]:
    """survival.published on the rows the output shows, keyed as the output's rows are (a
    group's size: rij the group, kolom totaal), and the medians."""
    gebeurtenis, populatie, groep = CURVES[name]
    p = params.peildatum
    P = p.isoformat()
    if name == COHORT_UITKOMST:
        rows = _read(extract, name, p, COHORT_DAGEN, params.min_at_risk)
        rows = rows[rows["groep"].isin(_cohort_years(_read(extract, name, p, (0,), 1)))]
    else:
        rows = _read(extract, name, p, PIP_DAGEN, params.min_at_risk)
        rows = rows[rows["uitkomst"] == S.PIP]

    def key(g: str, uitkomst: str | None, dag: int | None, wat: str) -> CellKey:
        if wat == S.OMVANG:
            return registry.key_of(name, P, g, C.TOTAAL)
        if name == COHORT_UITKOMST:
            return registry.key_of(name, P, g, uitkomst, f"{_STEM[wat]}_{dag // DAGEN_PER_JAAR}j")
        return registry.key_of(name, P, g, f"{dag}d", _STEM[wat])
    counts, ratios = S.published(extract, rows, gebeurtenis, populatie, p, groep, key)
    if name == DUUR_TOT_PIP:
        c, r = _medians_published(extract, params, key)
        counts += c
        ratios += r
    return counts, ratios


def _medians_published(extract: Extract, params: Parameters, key) -> tuple[list[Count], list[Ratio]]:
    """A median (or bound) on day m publishes how many of the group had a PIP by day m."""
    gebeurtenis, populatie, groep = CURVES[DUUR_TOT_PIP]
    p = params.peildatum
    law = POP.law_of(populatie)
    members = POP.mask(extract, populatie, p)
    days, code, labels = S.outcomes(extract, gebeurtenis, law, p)
    var = POP.variable(extract, groep, law, p)
    counts, ratios = [], []
    for m in _medians(extract, p, params.min_at_risk).itertuples(index=False):
        gm = members & (var.codes == var.values.index(m.groep))
        for eenheid, col in MEDIAAN_KOLOMMEN:
            day = getattr(m, col)
            if np.isnan(day):
                continue
            own = registry.key_of(DUUR_TOT_PIP, p.isoformat(), m.groep, MEDIAAN, eenheid)
            events = registry.key_of(DUUR_TOT_PIP, p.isoformat(), m.groep, MEDIAAN, f"{MET_UITKOMST}_{eenheid}")
            counts.append(Count(events, law, gm & (code == labels.index(S.PIP) + 1) & (days <= day)))
            ratios.append(Ratio(own, (events, key(m.groep, None, None, S.OMVANG))))
    return counts, ratios


@dataclass(frozen=True)
class FigureData:
    """What the figure of cohort_uitkomst_wi2013 or duur_tot_pip_wi2021 and its sentence read:
    the output as written, each group's size (`group_sizes`), the run's min_at_risk (the
    sentence names it), and for the time to PIP the curves behind it (`pip_curves`)."""

    table: pd.DataFrame
    sizes: dict[str, float]
    min_at_risk: int
    curves: pd.DataFrame | None = None


Protect = Callable[[pd.DataFrame], pd.DataFrame]  # a run's pattern applied to a long frame


def _unprotected(df: pd.DataFrame) -> pd.DataFrame:
    return df


def figure_data(extract: Extract, name: str, params: Parameters, table: pd.DataFrame,
                protect: Protect = _unprotected) -> FigureData:
    curves = pip_curves(extract, params) if name == DUUR_TOT_PIP else None
    return FigureData(table, group_sizes(extract, name, params, protect), params.min_at_risk, curves)


def group_sizes(extract: Extract, name: str, params: Parameters, protect: Protect = _unprotected
                ) -> dict[str, float]:
    """How many persons each cohort (cohort_uitkomst_wi2013) or doelgroep (duur_tot_pip_wi2021)
    holds: the number followed on day 0 (NaN where the pattern hides it). The sentences say
    "nog 1.234 van de 18.026 gevolgd" with it, so it is published (key: rij the group, kolom
    totaal)."""
    rows = _read(extract, name, params.peildatum, (0,), 1)
    sizes = rows.groupby("groep", sort=False)["at_risk"].first()
    frame = registry.long_frame(name, params.peildatum, [(g, C.TOTAAL, C.EENHEID_AANTAL, float(n))
                                                         for g, n in sizes.items()])
    frame = protect(frame)
    return dict(zip(frame["rij"], frame["waarde"].astype(float)))


# ---- what the monitor's figures show beside the three outputs ---------------------------

PLICHTIG_WI2021, PLICHTIG_WI2013 = "plichtig_wi2021", "plichtig_wi2013"
PROCENT_PIP, PROCENT_AANBOD, ELIP = "procent_pip", "procent_aanbod", "elip"
REEKSEN = (PLICHTIG_WI2021, PLICHTIG_WI2013, PROCENT_PIP, PROCENT_AANBOD, ELIP)


def _aanbod_cells(extract: Extract, d: dt.date):
    """Tabel 4's counts at one date (its first pair of cells, at (d, d))."""
    return T.tabel4_cells(extract.wi2021, d, d)[:2]


def _elip_totals(extract: Extract, params: Parameters, months: list[tuple[str, dt.date]]) -> T.Cells:
    """Tabel 6's total at every month of the Wi2013 series, at the run's ELIP threshold: the
    series shows this one column of Tabel 6, so it computes and publishes no other."""
    wi2013 = [d for name, d in months if name == "kerncijfers_wi2013"]
    return T.tabel6_totals(extract, wi2013, params.elip_drempel_cent)


def maandreeksen(extract: Extract, params: Parameters, tijdreeks: pd.DataFrame | None = None,
                 protect: Protect = _unprotected) -> pd.DataFrame:
    """One row per month of tijdreeks_kerncijfers (index: the month's first day, ISO), with
    the plichtigen of both laws and the share of Wi2021 plichtigen with a PIP taken from it,
    and beside them Tabel 4's share with an aanbod and Tabel 6's ELIP count on the same days.

    `tijdreeks`: the series as shown (protected by the caller); the two extra series are the
    letter tables' own counts (through the registry, at the run's ELIP threshold), protected
    here by `protect`. NaN where a law's series has not started or a value is hidden.
    """
    p = params.peildatum
    if tijdreeks is None:
        tijdreeks = protect(tijdreeks_kerncijfers(extract, p))
    months = sorted(set(tijdreeks["peildatum"]))
    out = pd.DataFrame(np.nan, index=pd.Index(months, name="peildatum"), columns=list(REEKSEN))
    for col, (tabel, rij, eenheid) in {PLICHTIG_WI2021: ("kerncijfers_wi2021", "nog_plichtig", C.EENHEID_AANTAL),
                                       PLICHTIG_WI2013: ("kerncijfers_wi2013", "nog_plichtig", C.EENHEID_AANTAL),
                                       PROCENT_PIP: ("kerncijfers_wi2021", "met_pip", C.EENHEID_PROCENT)}.items():
        hit = tijdreeks[(tijdreeks["tabel"] == tabel) & (tijdreeks["rij"] == rij) & (tijdreeks["eenheid"] == eenheid)]
        out.loc[hit["peildatum"].to_numpy(), col] = hit["waarde"].to_numpy()
    series = _months(extract, p)
    for name, d in series:
        if name == "kerncijfers_wi2021":
            out.loc[d.isoformat(), PROCENT_AANBOD] = _aanbod_share(extract, d, protect)
    totals = T.counts(_elip_totals(extract, params, series))
    if totals:
        elip = protect(registry.frame_of_counts("tabel6", p, totals))
        out.loc[elip["rij"].to_numpy(), ELIP] = elip["waarde"].to_numpy()
    return out


def _aanbod_share(extract: Extract, d: dt.date, protect: Protect) -> float:
    """Tabel 4's percentage at one date: its counts at (d, d), the first pair, as a table."""
    counts = T.counts(_aanbod_cells(extract, d))
    df = protect(registry.frame_of_counts("tabel4", d, counts))
    return cell(df, "met_aanbod", d.isoformat(), C.EENHEID_PROCENT)


def pip_curves(extract: Extract, params: Parameters) -> pd.DataFrame:
    """The curves behind duur_tot_pip_wi2021 with their 95% intervals (survival.duur), the
    outcome PIP only, per doelgroep, empty where fewer than min_at_risk are still followed (the
    figure shows no more than the table). With celbeveiliging no curve: a curve shows the
    count of every day with a PIP, so the figure shows the published shares only."""
    gebeurtenis, populatie, groep = CURVES[DUUR_TOT_PIP]
    curves = S.follow_up(S.duur(extract, gebeurtenis, populatie, params.peildatum, groep=groep), params.min_at_risk)
    if params.celbeveiliging:
        curves = curves.iloc[:0]
    return curves[curves["uitkomst"] == S.PIP].reset_index(drop=True)
