"""Numbers and dates the way a Dutch reader (and the letter) writes them.

A base module: the audit writes its explanations with it and presentation its tables, so it
sits below both (docs/architecture.md)."""
from __future__ import annotations

import datetime as dt
import math

MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


def is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def getal(x, decimals: int = 0) -> str:
    """12345 -> '12.345'; 56.8 (1 decimal) -> '56,8'."""
    if is_missing(x):
        return ""
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def procent(x, decimals: int = 0) -> str:
    """An already rounded percentage: 63.0 -> '63%', 56.8 -> '56,8%', 3.0 (1 dec.) -> '3,0%'."""
    if is_missing(x):
        return ""
    return getal(x, decimals) + "%"


def datum(d: dt.date | str) -> str:
    """2024-05-01 -> '1 mei 2024'."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def datum_kort(d: dt.date | str) -> str:
    """2024-05-01 -> '1-5-2024', as the letter heads Tabel 6."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day}-{d.month}-{d.year}"
