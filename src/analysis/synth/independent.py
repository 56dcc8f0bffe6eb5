"""The generator's own rounding and column rules, deliberately independent of the suite's.

The synthetic back-test asks: does the suite's table and rounding code reproduce the
letter from an extract built to the letter? If the generator built that extract with the
same code (`analysis.definitions.rounding`, `analysis.definitions.tables`), a bug there would be built into the
extract too, and the back-test would only show that the code agrees with itself. So the
generator reads the letter's rules (half-up percentages, largest-remainder distributions,
Tabel 6's pooled cohort column) from the contract and the letter and implements them here
a second time, in a different way: exact fractions instead of decimals of floats, counts
instead of shares. A test keeps every module of `analysis.synth` from importing
`analysis.definitions.tables` or `analysis.definitions.rounding`.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..core import contract as C


def exact(x) -> Fraction:
    """A number as an exact fraction; a float is taken as the decimal it is written as
    (0.35 in aannames.toml means 35/100, not the binary float nearest to it)."""
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(x)


def round_half_up(x) -> int:
    """Nearest integer, halves away from zero, on the exact value."""
    f = exact(x)
    sign = -1 if f < 0 else 1
    f = abs(f)
    whole = f.numerator // f.denominator
    return sign * (whole + (1 if f - whole >= Fraction(1, 2) else 0))


def percent_half_up(part: int, base: int) -> int:
    """100 * part / base rounded half up, as the letter prints a single percentage."""
    return round_half_up(Fraction(100 * int(part), int(base)))


def percents_largest_remainder(counts: list[int]) -> list[int]:
    """Whole percentages of a distribution that add up to 100 (Hamilton's method).

    Each share is rounded down; the points still missing go to the largest remainders,
    ties to the earlier category. Works on the counts, so no share is ever a float.
    """
    total = sum(int(c) for c in counts)
    if total == 0:
        return [0 for _ in counts]
    shares = [Fraction(100 * int(c), total) for c in counts]
    floors = [s.numerator // s.denominator for s in shares]
    missing = 100 - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def elip_column(years: np.ndarray) -> np.ndarray:
    """Tabel 6 column of each cohort year: the year itself, pooled from ELIP_POOL_VANAF on."""
    years = np.asarray(years)
    pooled = years >= C.ELIP_POOL_VANAF
    return np.where(pooled, C.ELIP_LAATSTE_KOLOM, years.astype(str))
