"""The counts the statistics publish beyond the tables, and how they link to table cells.

Kept apart from the methods (no scipy): celbeveiliging needs these counts in every notebook
of a run with --celbeveiliging, and most notebooks compute no statistic.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import contract as C
from .. import tables as T
from ..model import Extract
from ..params import Parameters

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


def _composition_cell(date: str, kenmerk: str, groep: str, uitkomst: str) -> tuple:
    return ("elip_samenstelling", date, f"{kenmerk}:{groep}", uitkomst)


def _composition_counts(data: pd.DataFrame, k: str) -> dict[tuple[str, str], int]:
    """(groep or cohort column, ja/nee/onbekend) -> number of persons."""
    out = {}
    y = data[k]
    for g, in_group in GROEPEN.items():
        sel = data["groep_2020_2021"].to_numpy() == in_group
        for u, v in UITKOMST.items():
            out[(g, u)] = int((sel & (y == v).to_numpy()).sum())
        out[(g, "onbekend")] = int((sel & y.isna().to_numpy()).sum())
    for c in C.TABEL6_KOLOMMEN[:-1]:
        sel = data["kolom"].to_numpy() == c
        for u, v in UITKOMST.items():
            out[(f"cohort {c}", u)] = int((sel & (y == v).to_numpy()).sum())
        out[(f"cohort {c}", "onbekend")] = int((sel & y.isna().to_numpy()).sum())
    return out


def _composition_blocks(date: str, k: str, data: pd.DataFrame) -> tuple[set, set]:
    group = {_composition_cell(date, k, g, u) for g in GROEPEN for u in (*UITKOMST, "onbekend")}
    cohorts = {_composition_cell(date, k, f"cohort {c}", u) for c in C.TABEL6_KOLOMMEN[:-1]
               for u in (*UITKOMST, "onbekend")}
    return group, cohorts


def disclosed(extract: Extract, params: Parameters, elip_peildatum: dt.date | None = None,
              tag: str = ""):
    """The counts statistiek.csv publishes beyond the tables, with their relations to the
    table cells (for suppression.Publication): the ELIP composition's ja/nee/onbekend per
    group and per cohort (together the Tabel 6 cohort cells at that date), and the overlap
    of Tabel 2's and Tabel 4's populations at P and Q (with the two complements, implied
    by the table cells, as counts that are not shown)."""
    from ..suppression import Extra
    ex = Extra()
    d = elip_peildatum or (params.elip[-1] if params.elip else None)
    if d is not None:
        data = composition_data(extract, d, params.elip_drempel_cent)
        date = d.isoformat() + tag
        for k in KENMERKEN:
            counts = _composition_counts(data, k)
            for (g, u), n in counts.items():
                ex.shown[_composition_cell(date, k, g, u)] = n
            group, cohorts = _composition_blocks(date, k, data)
            ex.blocks += [group, cohorts]
            cols = C.TABEL6_KOLOMMEN[:-1]
            for g, in_group in GROEPEN.items():
                members = [c for c in cols if (c in GROEP) == in_group]
                rel = {_composition_cell(date, k, g, u): 1 for u in (*UITKOMST, "onbekend")}
                rel.update({("tabel6", d.isoformat(), c): -1 for c in members})
                ex.relations.append(rel)
                for u in (*UITKOMST, "onbekend"):
                    rel = {_composition_cell(date, k, g, u): 1}
                    rel.update({_composition_cell(date, k, f"cohort {c}", u): -1 for c in members})
                    ex.relations.append(rel)
            for c in cols:
                rel = {_composition_cell(date, k, f"cohort {c}", u): 1 for u in (*UITKOMST, "onbekend")}
                rel[("tabel6", d.isoformat(), c)] = -1
                ex.relations.append(rel)
    p, q = params.peildatum, params.q
    for analyse, table, row, asiel in (("pip_verandering", "tabel2", "inburgeringsplichtig", False),
                                       ("aanbod_verandering", "tabel4", "asiel_met_pip", True)):
        both, n_p = overlap(extract, p, q, asiel)
        n_q = overlap(extract, q, p, asiel)[1]
        shown = overlap_cell(analyse, p, q, tag)
        only_p, only_q = shown[:3] + ("alleen_peildatum",), shown[:3] + ("alleen_vorige_peildatum",)
        ex.shown[shown] = both
        ex.latent.update({only_p: n_p - both, only_q: n_q - both})
        ex.relations += [{shown: 1, only_p: 1, (table, row, p.isoformat()): -1},
                         {shown: 1, only_q: 1, (table, row, q.isoformat()): -1}]
    return ex


def overlap_cell(analyse: str, p: dt.date, q: dt.date, tag: str = "") -> tuple:
    return (analyse, p.isoformat() + tag, f"overlap met {q.isoformat()}", "beide")
