"""The pattern applied to what is shown: the keys of long-format frames, hidden rows, reasons."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..definitions import registry
from ..definitions.items import CellKey
from .record import Pattern


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
