"""statistiek.csv as a reader reads it: its columns, the names of the tests it reports,
reading it back and looking one value up.

Kept apart from the analyses that write it (analyses.py), so that the interpretation, the
report and the workbook need none of the statistical machinery.
"""
from __future__ import annotations

import math

import pandas as pd

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
    hit = df[(df["analyse"] == analyse) & (df["kenmerk"] == kenmerk) & (df["toets"] == toets)
             & (df["grootheid"] == grootheid)]
    return float(hit["waarde"].iloc[0]) if len(hit) else math.nan
