"""Celbeveiliging: small counts suppressed so that no one can be singled out.

Rules (stated the way CBS states its own; docs/celbeveiliging.md has the reasoning):

1. Primary suppression. Every count below the threshold N and above zero is suppressed
   (shown as 'x'). Zeros are shown: an empty cell identifies no one.
2. Secondary suppression. The outputs are linked by published sums, as the registry
   declares them (registry.py): a total and its cells (Tabel 3 rows, Tabel 5 rows, Tabel 6
   rows, the kerncijfers), the Tabel 5 columns and the Wi2013 kerncijfers (summed over
   cohorts they give ingeburgerd + vrijgesteld, ontheven, nog plichtig, totaal minus
   vervallen), and the cells that Tabel 2 shares with the Wi2021 kerncijfers. Whenever a suppressed cell could be worked out exactly from these sums,
   alone or in combination, one more cell of a sum it appears in is suppressed: the
   smallest non-zero count that is still shown (a total only when nothing else is left).
   Recoverability is tested exactly, by linear algebra over all sums at once, and the rule
   is repeated until no suppressed count can be recovered.
3. Percentages. A percentage is suppressed when its own count or any count of its base is
   suppressed (otherwise count x percentage gives the base, and the base minus the shown
   cells the suppressed one).

Not covered (said plainly in the report): protection intervals (how narrowly a suppressed
value can be bounded using non-negativity) and links with tables published elsewhere.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract as C
from . import registry

RECORD_FILE = "celbeveiliging.csv"
PRIMAIR, SECUNDAIR, AFGELEID = "primair", "secundair", "percentage_van_beveiligde_cel"

Key = tuple[str, str, str]  # (tabel, rij, kolom) of a count
PctKey = tuple[str, str, str, str]  # (tabel, rij, kolom, eenheid)


def _counts(tables: dict[str, pd.DataFrame]) -> dict[Key, float]:
    out = {}
    for name, df in tables.items():
        part = df[df["eenheid"] == C.EENHEID_AANTAL]
        for r in part.itertuples():
            out[(name, r.rij, r.kolom)] = float(r.waarde)
    return out


def relations(tables: dict[str, pd.DataFrame]) -> list[dict[Key, int]]:
    """Every published linear identity between counts, as {cell: coefficient} summing to 0
    (the sums the registry declares within and between tables)."""
    return [s.relation() for s in registry.all_sums(tables)]


def percentage_bases(tables: dict[str, pd.DataFrame]) -> dict[PctKey, list[Key]]:
    """For every percentage: the counts it is computed from (its own and its base's)."""
    deps: dict[PctKey, list[Key]] = {}
    for name, df in tables.items():
        deps.update(registry.percentage_bases(name, df))
    return deps


def _recoverable(secret: set[Key], rels: list[dict[Key, int]]) -> list[Key]:
    """Suppressed cells whose value follows exactly from the published sums."""
    unknown = sorted(secret)
    if not unknown:
        return []
    index = {k: i for i, k in enumerate(unknown)}
    rows = [[rel.get(k, 0) for k in unknown] for rel in rels if any(k in index for k in rel)]
    if not rows:
        return []
    a = np.array(rows, dtype=float)
    rank = np.linalg.matrix_rank(a)
    out = []
    for k, i in index.items():
        e = np.zeros((1, len(unknown)))
        e[0, i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append(k)
    return out


def pattern(tables: dict[str, pd.DataFrame], threshold: int) -> dict[tuple, str]:
    """The cells to suppress in a set of outputs, with the reason for each."""
    values = _counts(tables)
    rels = relations(tables)
    reason: dict[tuple, str] = {k: PRIMAIR for k, v in values.items() if 0 < v < threshold}
    order = {k: i for i, k in enumerate(values)}
    totals = {k for k in values if k[1] == "totaal" or k[2] == "totaal"}
    while True:
        exposed = _recoverable(set(reason), rels)
        if not exposed:
            break
        cell = exposed[0]
        candidates = {k for rel in rels if cell in rel for k in rel if k not in reason}
        if not candidates:
            break  # every cell of its sums is already suppressed; nothing left to add
        pick = min(candidates, key=lambda k: (k in totals, values[k] == 0, values[k], order[k]))
        reason[pick] = SECUNDAIR
    counts_secret = {k for k in reason}
    for pct, deps in percentage_bases(tables).items():
        if any(d in counts_secret for d in deps):
            reason[pct] = AFGELEID
    return reason


def apply(df: pd.DataFrame, reasons: dict[tuple, str]) -> pd.DataFrame:
    """The output with suppressed values emptied (NaN: written as an empty field)."""
    out = df.copy()
    mask = [((r.tabel, r.rij, r.kolom) in reasons if r.eenheid == C.EENHEID_AANTAL
             else (r.tabel, r.rij, r.kolom, r.eenheid) in reasons) for r in df.itertuples()]
    out.loc[np.asarray(mask, dtype=bool), "waarde"] = np.nan
    return out


def write_records(reasons: dict[tuple, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECORD_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["tabel", "rij", "kolom", "eenheid", "reden"])
        for key in sorted(reasons, key=lambda k: (k[0], k[1], k[2], k[3] if len(k) > 3 else "")):
            eenheid = key[3] if len(key) > 3 else C.EENHEID_AANTAL
            w.writerow([key[0], key[1], key[2], eenheid, reasons[key]])
    return path


def read_records(folder: Path) -> set[tuple[str, str, str, str]]:
    """Suppressed cells as (tabel, rij, kolom, eenheid); empty when nothing is protected."""
    path = Path(folder) / RECORD_FILE
    if not path.is_file():
        return set()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(r.tabel, r.rij, r.kolom, r.eenheid) for r in df.itertuples()}
