"""statistiek.csv as a reader reads it: its columns, the names of the tests it reports,
reading it back and looking one value up.

Kept apart from the analyses that write it (analyses.py), so that the interpretation, the
report and the workbook need none of the statistical machinery.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..definitions.outputs import column_equals

COLUMNS = ("analyse", "kenmerk", "toets", "grootheid", "waarde")
# the toets names say which test gave the p-value (docs/statistiek.md, "Exact where the
# asymptotic test is wrong"): the score TOST or, with small expected counts, the exact one;
# McNemar always as the mid-p test
TOST, TOST_EXACT = "tost", "tost_exact"
MCNEMAR = "mcnemar_midp"


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"analyse": str, "kenmerk": str, "toets": str, "grootheid": str},
                       keep_default_na=False, na_values={"waarde": [""]})


def value(df: pd.DataFrame, analyse: str, kenmerk: str, toets: str, grootheid: str) -> float:
    """One value (NaN when absent). Compared as plain arrays, as outputs.cell does: the
    interpretation and the report look up about a hundred values, at 1,5 ms each through
    pandas' filtering."""
    hit = np.flatnonzero(column_equals(df["analyse"], analyse) & column_equals(df["kenmerk"], kenmerk)
                         & column_equals(df["toets"], toets) & column_equals(df["grootheid"], grootheid))
    return float(df["waarde"].to_numpy()[hit[0]]) if len(hit) else math.nan
