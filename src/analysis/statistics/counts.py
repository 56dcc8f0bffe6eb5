"""The counts the statistics publish beyond the tables, and how they link to table cells.

Kept apart from the methods (no scipy): celbeveiliging needs these counts in every notebook
of a run with --celbeveiliging, and most notebooks compute no statistic.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..core import contract as C
from ..core.params import Parameters
from ..definitions import tables as T
from ..extract.model import Extract

GROEP = ("2020", "2021")  # the cohorts the letter singles out
KENMERKEN = ("analfabeet", "meer_dan_drie_examens")


def composition_data(extract: Extract, d: dt.date, drempel_cent: int) -> pd.DataFrame:
    """One row per person in the ELIP group at d: cohort column, group, characteristics."""
    elip = T.elip_at(extract, d, drempel_cent)
    p = extract.wi2013[elip]
    years = p["datum_plicht"].dt.year.to_numpy()
    passed = T.exams_passed_at(extract, d)[elip]
    analf = p["analfabeet"].astype(object).to_numpy()
    return pd.DataFrame({
        "kolom": T.elip_column(years),
        "groep_2020_2021": np.isin(T.elip_column(years), GROEP),
        "analfabeet": np.where(analf == "ja", 1.0, np.where(analf == "nee", 0.0, np.nan)),
        "meer_dan_drie_examens": (passed > 3).astype(float),
    })


def overlap(extract: Extract, p: dt.date, q: dt.date, asiel_with_pip: bool) -> tuple[int, int]:
    """Persons in the population at both dates, and the size of the population at P."""
    w = extract.wi2021
    at = T.asiel_plichtig_met_pip if asiel_with_pip else T.plichtig_at  # Tabel 4's and Tabel 2's population
    pp, qq = at(w, p), at(w, q)
    return int((pp & qq).sum()), int(pp.sum())


COHORT_ROWS = ("chi2_cohorten", "residu_cohort")  # computed from the counts per cohort
GROEPEN = {"2020_2021": True, "overig": False}
UITKOMST = {"ja": 1.0, "nee": 0.0}
SAMENSTELLING = "elip_samenstelling"


def composition_key(d: dt.date, kenmerk: str, groep: str, uitkomst: str, params: Parameters):
    """The key of one count of the ELIP composition (it depends on the ELIP threshold)."""
    from ..definitions.items import CellKey
    from ..definitions.registry import threshold_variant
    return CellKey(SAMENSTELLING, d.isoformat(), f"{kenmerk}:{groep}", uitkomst, variant=threshold_variant(params))


def _composition_masks(extract: Extract, d: dt.date, params: Parameters, kenmerk: str):
    """(groep or 'cohort <kolom>', ja/nee/onbekend) -> persons (Wi2013 rows), per group
    and per Tabel 6 cohort column, as composition_data classifies them."""
    elip = T.elip_at(extract, d, params.elip_drempel_cent)
    column = T.elip_column(T.cohort(extract.wi2013))
    if kenmerk == "analfabeet":
        analf = extract.wi2013["analfabeet"].astype(object).to_numpy()
        value = {"ja": analf == "ja", "nee": analf == "nee"}
    else:
        more = T.exams_passed_at(extract, d) > 3
        value = {"ja": more, "nee": ~more}
    value["onbekend"] = ~(value["ja"] | value["nee"])
    in_group = np.isin(column, GROEP)
    out = {}
    for g, flag in GROEPEN.items():
        for u, m in value.items():
            out[(g, u)] = elip & (in_group == flag) & m
    for c in C.TABEL6_KOLOMMEN[:-1]:
        for u, m in value.items():
            out[(f"cohort {c}", u)] = elip & (column == c) & m
    return out


def composition_blocks(d: dt.date, kenmerk: str, params: Parameters) -> tuple[set, set]:
    """The group counts (2x2 tests, shares, power, TOST) and the cohort counts (chi-square
    over cohorts, residuals): each set is used whole by its statistics, so shown whole or not."""
    group = {composition_key(d, kenmerk, g, u, params) for g in GROEPEN for u in (*UITKOMST, "onbekend")}
    cohorts = {composition_key(d, kenmerk, f"cohort {c}", u, params) for c in C.TABEL6_KOLOMMEN[:-1]
               for u in (*UITKOMST, "onbekend")}
    return group, cohorts


def overlap_key(analyse: str, p: dt.date, q: dt.date):
    from ..definitions.items import CellKey
    return CellKey(analyse, p.isoformat(), f"overlap met {q.isoformat()}", "beide")


OVERLAPS = (("pip_verandering", False), ("aanbod_verandering", True))  # Tabel 2's and Tabel 4's population


def published(extract: Extract, params: Parameters, elip_peildatum: dt.date | None = None):
    """The counts statistiek.csv publishes beyond the tables, with the persons each counts
    (publication.items): the ELIP composition's ja/nee/onbekend per group and per cohort at
    the ELIP peildatum, and the overlap of Tabel 2's and Tabel 4's populations at P and Q.
    Their links with the tables (a composition cohort sums to its Tabel 6 cell, the overlap
    and its complements to Tabel 2's cells) follow from the persons. Returns (counts, blocks)."""
    from ..definitions.items import WI2013, WI2021, Count
    counts, blocks = [], []
    d = elip_peildatum or (params.elip[-1] if params.elip else None)
    if d is not None:
        for k in KENMERKEN:
            for (g, u), m in _composition_masks(extract, d, params, k).items():
                counts.append(Count(composition_key(d, k, g, u, params), WI2013, m))
            blocks += list(composition_blocks(d, k, params))
    w = extract.wi2021
    p, q = params.peildatum, params.q
    for analyse, asiel in OVERLAPS:
        at = T.asiel_plichtig_met_pip if asiel else T.plichtig_at
        counts.append(Count(overlap_key(analyse, p, q), WI2021, at(w, p) & at(w, q)))
    return counts, blocks
