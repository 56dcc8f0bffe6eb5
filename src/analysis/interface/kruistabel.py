"""A cross-table of two variables of section 6 over a population at P, and its protection.

Every combination of values gets a row, zero cells included, in the variables' own order
(populations.py), so that two cross-tables at different peildata line up row by row.

Celbeveiliging (`celbeveiliging=N`, contract section 8) is the run's rule, applied jointly
with what a run at the same P publishes (publication/): the cross-table's cells, and the row
and column totals its percentages reveal, are counts of persons beside the run's; what the run
shows stays shown, what it hides stays hidden, and the cross-table's own cells are hidden
(primary below N, complementary chosen by optimisation) until no count below N can be
bounded below N from the run and this table together. A percentage is empty when its count
or its base is hidden. The column `reden` says why a count is hidden.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..definitions import populations as POP
from ..extract.model import Extract

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
        out = protect(out, extract, rij, kolom, populatie, p, elip_drempel_cent, int(celbeveiliging))
    return out


def name(rij: str, kolom: str, populatie: str) -> str:
    return f"kruistabel {rij} x {kolom} over {populatie}"


def published(extract: Extract, rij: str, kolom: str, populatie: str, p: dt.date,
              elip_drempel_cent: int | None = None):
    """The cross-table's counts with their persons: every cell, and the row and column
    totals and the grand total (revealed by the percentages), and the percentages as ratios."""
    from ..definitions.items import CellKey, Count, Ratio
    from ..definitions.registry import threshold_variant
    from ..core.params import Parameters
    law = POP.law_of(populatie)
    members = POP.mask(extract, populatie, p, elip_drempel_cent)
    vr = POP.variable(extract, rij, law, p)
    vk = POP.variable(extract, kolom, law, p)
    tabel, d = name(rij, kolom, populatie), p.isoformat()
    variant = threshold_variant(Parameters(peildatum=p, elip_drempel_cent=elip_drempel_cent)) \
        if populatie == "elip" and elip_drempel_cent is not None else ""

    def key(r, k, e="aantal"):
        return CellKey(tabel, d, r, k, e, variant)
    counts, ratios = [], []
    for i, r in enumerate(vr.values):
        counts.append(Count(key(r, "totaal"), law, members & (vr.codes == i)))
    for j, k in enumerate(vk.values):
        counts.append(Count(key("totaal", k), law, members & (vk.codes == j)))
    counts.append(Count(key("totaal", "totaal"), law, members.copy()))
    for i, r in enumerate(vr.values):
        for j, k in enumerate(vk.values):
            counts.append(Count(key(r, k), law, members & (vr.codes == i) & (vk.codes == j)))
            ratios.append(Ratio(key(r, k, "procent_rij"), (key(r, k), key(r, "totaal"))))
            ratios.append(Ratio(key(r, k, "procent_kolom"), (key(r, k), key("totaal", k))))
    return counts, ratios, key


def protect(table: pd.DataFrame, extract: Extract, rij: str, kolom: str, populatie: str, p: dt.date,
            elip_drempel_cent: int | None, threshold: int) -> pd.DataFrame:
    """The cross-table with hidden counts and percentages emptied (NaN) and a `reden`
    column, protected jointly with the run at P (publication.run.run_pattern)."""
    from ..core.params import Parameters
    from ..publication import run as publication_run
    params = Parameters(peildatum=p, celbeveiliging=threshold,
                        **({"elip_drempel_cent": elip_drempel_cent} if elip_drempel_cent is not None else {}))
    counts, ratios, key = published(extract, rij, kolom, populatie, p, elip_drempel_cent)
    pattern = publication_run.call_pattern(extract, params, counts, ratios)
    out = table.copy()
    out["aantal"] = out["aantal"].astype(float)
    why = []
    for i, (r, k) in enumerate(zip(table["rij"], table["kolom"])):
        reason = pattern.reason(key(r, k))
        if reason is not None:
            out.loc[i, "aantal"] = np.nan
        for unit in ("procent_rij", "procent_kolom"):
            if pattern.hides(key(r, k, unit)):
                out.loc[i, unit] = np.nan
        why.append("" if reason is None else reason.text())
    out["reden"] = why
    return out
