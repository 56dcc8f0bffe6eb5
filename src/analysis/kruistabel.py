"""A cross-table of two variables of section 6 over a population at P, and its protection.

Every combination of values gets a row, zero cells included, in the variables' own order
(populations.py), so that two cross-tables at different peildata line up row by row.

Celbeveiliging (`celbeveiliging=N`) follows the rules of suppression.py for the tables:
1. a count with 0 < n < N is suppressed (primary);
2. the table is protected as if its row totals and column totals were published beside
   it: they can be had from another cross-table (any variable crossed with one that has a
   single value in the population) or from the tables, so they must be assumed known. A
   suppressed count that follows exactly from the shown counts and these margins (tested
   by suppression's linear-algebra check) makes one more count of its row or column
   suppressed (secondary): the smallest non-zero one still shown, repeated until no
   suppressed count follows (a greedy choice, as in suppression.py: safe, but it may
   suppress more than an optimal pattern would). Where every count of a
   sum is suppressed and the cell still follows (a table with one row or one column, whose
   cells are the margins), nothing more can be done within this table; the cell stays
   empty here, and its value is as public as the margin it equals.
3. a percentage is suppressed when its own count, or any count of its base (its row for
   procent_rij, its column for procent_kolom), is suppressed.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import populations as POP
from . import suppression
from .model import Extract

COLUMNS = ("rij", "kolom", "aantal", "procent_rij", "procent_kolom")

Cell = tuple[str, str, str]


def kruistabel(extract: Extract, rij: str, kolom: str, populatie: str, p: dt.date,
               elip_drempel_cent: int | None = None, celbeveiliging: int = 0) -> pd.DataFrame:
    """Counts and row and column percentages (0-100, full precision; NaN where the base is 0)."""
    law = POP.law_of(populatie)
    POP.check_variable(rij, law, populatie)
    POP.check_variable(kolom, law, populatie)
    members = POP.mask(extract, populatie, p, elip_drempel_cent)
    vr = POP.variable(extract, rij, law, p)
    vk = POP.variable(extract, kolom, law, p)
    nr, nk = len(vr.values), len(vk.values)
    flat = vr.codes[members] * nk + vk.codes[members]
    counts = np.bincount(flat, minlength=nr * nk).reshape(nr, nk).astype(float)
    row_tot = counts.sum(axis=1, keepdims=True)
    col_tot = counts.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct_rij = np.where(row_tot > 0, 100.0 * counts / row_tot, np.nan)
        pct_kol = np.where(col_tot > 0, 100.0 * counts / col_tot, np.nan)
    out = pd.DataFrame({
        "rij": np.repeat(np.array(vr.values, dtype=object), nk),
        "kolom": np.tile(np.array(vk.values, dtype=object), nr),
        "aantal": counts.ravel().astype(np.int64),
        "procent_rij": pct_rij.ravel(),
        "procent_kolom": pct_kol.ravel(),
    }, columns=list(COLUMNS))
    if celbeveiliging:
        out = protect(out, int(celbeveiliging))
    return out


def secret_cells(table: pd.DataFrame, threshold: int) -> set[Cell]:
    """The counts to suppress: primary below the threshold, then secondary until none follows
    from the shown counts and the row and column totals."""
    values: dict[Cell, float] = {("cel", r.rij, r.kolom): float(r.aantal) for r in table.itertuples()}
    order = {k: i for i, k in enumerate(values)}
    rels: list[dict[Cell, int]] = []
    for r in dict.fromkeys(table["rij"]):
        rels.append({**{k: 1 for k in values if k[1] == r}, ("rijtotaal", r, ""): -1})
    for c in dict.fromkeys(table["kolom"]):
        rels.append({**{k: 1 for k in values if k[2] == c}, ("kolomtotaal", "", c): -1})
    secret = {k for k, v in values.items() if 0 < v < threshold}
    while True:
        exposed = suppression._recoverable(secret, rels)
        if not exposed:
            break
        candidates: set[Cell] = set()
        for cell in exposed:  # the first exposed cell that still has a shown neighbour in a sum
            candidates = {k for rel in rels if cell in rel for k in rel if k in values and k not in secret}
            if candidates:
                break
        if not candidates:
            break  # every cell of their sums is suppressed already (see the module's rule 2)
        secret.add(min(candidates, key=lambda k: (values[k] == 0, values[k], order[k])))
    return {k for k in secret if k[0] == "cel"}


def protect(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The cross-table with suppressed counts and percentages emptied (NaN)."""
    secret = secret_cells(table, threshold)
    hidden = np.array([("cel", r, k) in secret for r, k in zip(table["rij"], table["kolom"])], dtype=bool)
    out = table.copy()
    out["aantal"] = out["aantal"].astype(float)
    rows_hit = set(out.loc[hidden, "rij"])
    cols_hit = set(out.loc[hidden, "kolom"])
    out.loc[hidden, "aantal"] = np.nan
    out.loc[out["rij"].isin(rows_hit), "procent_rij"] = np.nan
    out.loc[out["kolom"].isin(cols_hit), "procent_kolom"] = np.nan
    return out
