"""The pattern applied to what is shown: long-format frames and the run's record file."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from ..run_files import CELBEVEILIGING
from .. import registry
from .items import CellKey
from .pattern import Pattern, Reason

RECORD_FILE = CELBEVEILIGING  # in a run's tables/ (run_files)
RECORD_COLUMNS = ("tabel", "datum", "rij", "kolom", "eenheid", "variant", "status", "reden", "voor")
GETOOND, AFGESCHERMD = "getoond", "afgeschermd"


def row_keys(df: pd.DataFrame, params) -> list[CellKey]:
    """The key of every row of a long-format output computed at `params`."""
    variants = {t: registry.variant_of(t, params) for t in df["tabel"].unique()}
    return [registry.key_of(t, str(p), r, k, e, variants[t])
            for t, p, r, k, e in zip(df["tabel"], df["peildatum"], df["rij"], df["kolom"], df["eenheid"])]


def hidden_rows(pattern: Pattern, df: pd.DataFrame, params) -> np.ndarray:
    return np.array([pattern.hides(k) for k in row_keys(df, params)], dtype=bool)


def apply(pattern: Pattern | None, df: pd.DataFrame, params) -> pd.DataFrame:
    """The output with every hidden value emptied (NaN: an empty field in the CSV, 'x' in the
    report and the workbook); a value the pattern does not know is hidden too (fail-safe)."""
    if pattern is None or df.empty:
        return df
    out = df.copy()
    out["waarde"] = out["waarde"].astype(float)
    out.loc[hidden_rows(pattern, df, params), "waarde"] = np.nan
    return out


def reasons(pattern: Pattern, df: pd.DataFrame, params) -> list[str]:
    """Per row: why it is hidden ('' when shown), as the interface's `reden` column says it."""
    out = []
    for k in row_keys(df, params):
        r = pattern.reason(k)
        out.append("" if r is None else r.text())
    return out


def write_records(pattern: Pattern, folder: Path) -> Path:
    """Every number the pattern was computed for, shown or hidden, and why a hidden one is:
    the analyst's account of the protection (it holds no values)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECORD_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(RECORD_COLUMNS)
        for k in sorted(pattern.known):
            r = pattern.reasons.get(k)
            w.writerow([k.tabel, k.datum, k.rij, k.kolom, k.eenheid, k.variant,
                        AFGESCHERMD if r else GETOOND, r.kind if r else "", r.voor if r else ""])
    return path


def read_records(folder: Path, threshold: int) -> Pattern | None:
    """The pattern write_records wrote (None when there is no record file)."""
    path = Path(folder) / RECORD_FILE
    if not path.is_file():
        return None
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    known, found = [], {}
    for r in df.itertuples(index=False):
        k = CellKey(r.tabel, r.datum, r.rij, r.kolom, r.eenheid, r.variant)
        known.append(k)
        if r.status == AFGESCHERMD:
            found[k] = Reason(r.reden, r.voor)
    return Pattern(threshold, found, frozenset(known))


def secret(pattern: Pattern | None, tables: dict[str, pd.DataFrame], params) -> set[tuple[str, str, str, str, str]]:
    """The hidden cells of a run's outputs as (tabel, peildatum, rij, kolom, eenheid), as the
    layouts and the workbook mark them with 'x'. The peildatum is part of the key: the monthly
    series holds the same tables' cells at every month, and a cell hidden in one month is not
    hidden at P."""
    if pattern is None:
        return set()
    out = set()
    for name, df in tables.items():
        if df.empty:
            continue
        for hidden, r in zip(hidden_rows(pattern, df, params), df.itertuples()):
            if hidden:
                out.add((r.tabel, r.peildatum, r.rij, r.kolom, r.eenheid))
    return out


def group_counts(pattern: Pattern) -> dict[str, dict[str, int]]:
    """Hidden values per output and reason (the report's account of what was lost)."""
    out: dict[str, dict[str, int]] = {}
    for k, r in pattern.reasons.items():
        out.setdefault(k.tabel, {}).setdefault(r.kind, 0)
        out[k.tabel][r.kind] += 1
    return out


