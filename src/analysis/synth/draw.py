"""Random draws that give the same bits on every machine.

The shipped extract must be byte-for-byte reproducible, on any CPU. NumPy's integer
streams are, but distributions that go through log/exp (binomial, gamma, normal) may differ
in the last bit between math libraries. So the generator uses only integer draws, uniform
floats compared with fixed probabilities, and exact integer arithmetic.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pyarrow as pa

EPOCH = dt.date(1970, 1, 1)
NONE = -1  # "no such event" in the generators' integer columns


class GeneratorError(ValueError):
    """The targets cannot all be met (say which, and why)."""


def day(d: dt.date) -> int:
    return (d - EPOCH).days


def uniform_days(rng: np.random.Generator, lo, hi) -> np.ndarray:
    """A uniform day in [lo, hi] (arrays allowed); hi < lo is a bug upstream."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if np.any(hi < lo):
        raise GeneratorError("leeg datumvenster in de generator")
    return rng.integers(lo, hi + 1)


def allocate(total: int, weights) -> np.ndarray:
    """Split `total` in whole parts proportional to `weights`, exactly (largest remainder)."""
    weights = [Fraction(w).limit_denominator(10**9) for w in weights]
    s = sum(weights)
    if total < 0:
        raise GeneratorError(f"negatief aantal te verdelen ({total})")
    if s == 0:
        if total:
            raise GeneratorError("niets om over te verdelen")
        return np.zeros(len(weights), dtype=np.int64)
    exact = [total * w / s for w in weights]
    floors = [int(e) for e in exact]
    rest = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return np.asarray(floors, dtype=np.int64)


def categorical(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """n draws of category index with the given weights (uniform floats vs a fixed cdf)."""
    w = np.asarray(weights, dtype=float)
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(n), side="right")


def bernoulli(rng: np.random.Generator, n: int, p) -> np.ndarray:
    return rng.random(n) < np.asarray(p, dtype=float)


def choose(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    """k distinct elements of pool, uniformly."""
    if k > len(pool):
        raise GeneratorError(f"{k} personen nodig, maar slechts {len(pool)} beschikbaar")
    if k == 0:
        return pool[:0]
    return pool[rng.permutation(len(pool))[:k]]


def choose_stratified(rng: np.random.Generator, pool: np.ndarray, strata: np.ndarray, k: int,
                      weight_of: dict) -> np.ndarray:
    """k distinct elements of pool, spread over strata in proportion to size x weight.

    The split over strata is exact (largest remainder on fractions), the draw within a
    stratum uniform: a weighted sample without any floating-point rounding.
    """
    if k > len(pool):
        raise GeneratorError(f"{k} personen nodig, maar slechts {len(pool)} beschikbaar")
    keys = sorted(set(strata.tolist()))
    sizes = np.array([(strata == s).sum() for s in keys])
    want = allocate(k, [int(n) * Fraction(weight_of.get(s, 1)).limit_denominator(1000) for s, n in zip(keys, sizes)])
    # a stratum cannot give more than it has: move the excess to strata with room
    excess = int(np.maximum(want - sizes, 0).sum())
    want = np.minimum(want, sizes)
    while excess:
        room = np.flatnonzero(want < sizes)
        take = room[np.argmax((sizes - want)[room])]
        step = min(excess, int(sizes[take] - want[take]))
        want[take] += step
        excess -= step
    chosen = [choose(rng, pool[strata == s], int(n)) for s, n in zip(keys, want)]
    return np.concatenate(chosen) if chosen else pool[:0]


def date_column(values: np.ndarray) -> pa.Array:
    """Day numbers as an Arrow date column, NONE as empty."""
    return pa.array(values.astype(np.int32), mask=values == NONE).cast(pa.date32())


def code_column(values: np.ndarray, codes: tuple[str, ...]) -> pa.Array:
    """Code positions as an Arrow text column, NONE as empty."""
    lookup = np.array(codes, dtype=object)
    return pa.array(lookup[np.maximum(values, 0)], mask=values == NONE, type=pa.string())
