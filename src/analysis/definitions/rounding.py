"""How the letter rounds its percentages: the one rounding rule of the suite.

Worked out from the letter itself (docs/afronding.md has the arithmetic), not assumed:

* Shares that together make up a whole (the columns of Tabel 1, the rows of Tabel 5, the
  columns of Tabel 3, the doelgroepen of the Wi2021 kerncijfers) are rounded to whole
  percents with the largest-remainder method, so that they add up to 100. Plain rounding
  cannot explain the letter: for two cohorts of Tabel 5 half-up rounding gives 101 and 99,
  and for the doelgroepen it gives the wrong asiel share (docs/afronding.md has the figures).
  Largest remainder gives every printed figure.
* A single share (with PIP, with aanbod, still plichtig) is rounded half-up to a whole
  percent.
* The Wi2013 kerncijfers are printed with one decimal, half-up, without forcing a sum of
  100 (56,8 + 18,3 + 3,0 + 5,2 + 16,6 = 99,9; largest remainder would have given 16,7).

Which shares form a whole, and the decimals, are declared per table in registry.py.
Presentation is the only place that rounds; the CSVs keep full precision.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ..core import contract as C
from .registry import SPECS

def half_up(x: float, decimals: int = 0) -> float:
    """Round half away from zero on the decimal value (0.5 -> 1, 2.675 -> 2.68)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return math.nan
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def largest_remainder(values: list[float], decimals: int = 0, total: float = 100.0) -> list[float]:
    """Round shares so that they add up to `total` (Hamilton's method).

    Each share is rounded down; the units still missing go to the shares with the largest
    remainders (ties: the earlier share). Undefined shares (NaN) stay NaN. If the shares do
    not add up to `total` themselves (a zero base), every share is rounded half-up.
    """
    if not values or any(v is None or math.isnan(v) for v in values):
        return [half_up(v, decimals) if v is not None else math.nan for v in values]
    scale = 10 ** decimals
    scaled = [Decimal(repr(float(v))) * scale for v in values]
    floors = [int(s.to_integral_value(rounding="ROUND_FLOOR")) for s in scaled]
    missing = int(round(total * scale)) - sum(floors)
    if missing < 0 or missing > len(values) or abs(sum(values) - total) > 1e-6:
        return [half_up(v, decimals) for v in values]
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return [f / scale for f in floors]


def decimals_for(tabel: str) -> int:
    """Decimals the letter prints this table's percentages with (declared in the registry)."""
    return SPECS[tabel].decimals if tabel in SPECS else 0


def with_letter_rounding(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a long-format output with the letter's rounding in column 'afgerond'."""
    out = df.copy()
    out["afgerond"] = letter_rounding(df)
    return out


def letter_rounding(df: pd.DataFrame) -> pd.Series:
    """Every percentage of a long-format output rounded as the letter rounds it.

    Returns a Series aligned with `df` (counts are passed through unchanged).
    """
    out = df["waarde"].astype(float).copy()
    if df.empty:
        return out
    tabel = df["tabel"].iloc[0]
    decimals = decimals_for(tabel)
    rules = SPECS[tabel].rounding_groups if tabel in SPECS else {}
    groups: dict[tuple, list] = {}
    for idx, row in df.iterrows():
        if row["eenheid"] == C.EENHEID_AANTAL:
            continue
        key_fn = rules.get(row["eenheid"])
        key = key_fn(row["rij"], row["kolom"]) if key_fn else None
        if key is None:
            out[idx] = half_up(row["waarde"], decimals)
        else:
            groups.setdefault((row["eenheid"], key), []).append(idx)
    for idxs in groups.values():
        rounded = largest_remainder([float(df.at[i, "waarde"]) for i in idxs], decimals)
        for i, v in zip(idxs, rounded):
            out[i] = v
    return out
