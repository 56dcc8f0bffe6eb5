"""The machine-readable outputs (contract section 3): writing and reading them byte-stably.

Counts are written as integers and percentages with full precision (Python's shortest
repr that reads back to the same float), an undefined percentage (base zero) as an empty
field. The same frame always gives the same bytes, so two runs can be compared with `cmp`.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import contract as C


def format_waarde(eenheid: str, waarde: float) -> str:
    if waarde is None or (isinstance(waarde, float) and math.isnan(waarde)):
        return ""
    if eenheid == C.EENHEID_AANTAL:
        return str(int(round(waarde)))
    return repr(float(waarde))


def to_csv_text(df: pd.DataFrame, columns: tuple[str, ...] | None = None) -> str:
    """CSV text of a frame; 'waarde' columns get the contract's number format."""
    columns = tuple(columns or df.columns)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    records = df[list(columns)].itertuples(index=False, name=None)
    if "waarde" in columns and "eenheid" in columns:
        wi, ei = columns.index("waarde"), columns.index("eenheid")
        for rec in records:
            rec = list(rec)
            rec[wi] = format_waarde(rec[ei], rec[wi])
            writer.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v)) else v
                             for v in rec])
    else:
        for rec in records:
            writer.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v)) else v
                             for v in rec])
    return buf.getvalue()


def write_named(df: pd.DataFrame, name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    path.write_text(to_csv_text(df, C.OUTPUT_COLUMNS), encoding="utf-8")
    return path


def read_table(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"tabel": str, "peildatum": str, "rij": str, "kolom": str,
                                  "eenheid": str}, keep_default_na=False, na_values={"waarde": [""]})
    df["waarde"] = df["waarde"].astype(float)
    return df


def read_tables(folder: Path, names) -> dict[str, pd.DataFrame]:
    """The tables of `names` that the folder holds."""
    return {name: read_table(folder / f"{name}.csv") for name in names if (folder / f"{name}.csv").exists()}


def cell(df: pd.DataFrame, rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL,
         column: str = "waarde") -> float:
    """One value of a long-format table (NaN when the cell is absent or undefined).

    Compared as plain arrays: a run looks up thousands of cells (figures, sentences, the
    audit, the report), and pandas' filtering cost twelve times as much per lookup."""
    hit = np.flatnonzero(column_equals(df["rij"], rij) & column_equals(df["kolom"], kolom)
                         & column_equals(df["eenheid"], eenheid))
    return float(df[column].to_numpy()[hit[0]]) if len(hit) else math.nan


def column_equals(column: pd.Series, value: str) -> np.ndarray:
    """column == value as a plain boolean array; a missing label equals nothing (in a text
    column with missing values, numpy alone would stop at pandas' NA)."""
    if column.dtype == object:
        return column.to_numpy() == value
    return (column == value).to_numpy(dtype=bool, na_value=False)
