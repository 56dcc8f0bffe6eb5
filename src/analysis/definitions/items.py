"""What is published, as typed keys, and which persons each published count counts.

Every number an output shows is one row of the long format (contract section 3): table,
date, rij, kolom, eenheid. `CellKey` names it once, wherever it is shown: the same count in
two outputs (Tabel 2's Q column and Tabel 2 at Q, a month of the time series and a run at that
month) has one key, because its date is the date the count speaks of. A count computed with
another ELIP threshold than the run's is another count: `variant` says so (never a tag in the
date string).

A `Count` carries the persons it counts, as a boolean mask over the rows of one law's person
table (`extract.wi2021` or `extract.wi2013`). With the masks, every identity between published
counts that holds in the data (sums, the same persons counted twice, differences over dates,
nested populations) is implied by construction: no identity is kept by hand (docs/celbeveiliging.md).
A `Ratio` is any other published number (a percentage, an estimate, an interval bound, a
median): it is shown only when every count it rests on or reveals is shown (contract section 8:
"a percentage or estimate whose base is published ... publishes that count").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import contract as C

WI2021, WI2013 = "wi2021", "wi2013"  # the laws, named as the extract's person tables are


@dataclass(frozen=True, order=True)
class CellKey:
    """One published number: a row of the long format, dated by the date it speaks of."""

    tabel: str
    datum: str  # ISO date the number speaks of (registry.TableSpec.measured_on)
    rij: str
    kolom: str
    eenheid: str = C.EENHEID_AANTAL
    variant: str = ""  # "" for the run's own definitions; e.g. "drempel 950000" otherwise

    def text(self) -> str:
        """For messages and the record file's `voor` column: tabel datum rij/kolom [eenheid]."""
        unit = "" if self.eenheid == C.EENHEID_AANTAL else f" [{self.eenheid}]"
        variant = f" ({self.variant})" if self.variant else ""
        return f"{self.tabel} {self.datum} {self.rij}/{self.kolom}{unit}{variant}"


@dataclass(frozen=True, eq=False)
class Count:
    """A published count (or a count a published number reveals) and the persons it counts."""

    key: CellKey
    wet: str  # WI2021 or WI2013: `mask` runs over extract.<wet>
    mask: np.ndarray  # bool, one entry per person of that law

    @property
    def value(self) -> int:
        return int(np.count_nonzero(self.mask))


@dataclass(frozen=True)
class Ratio:
    """A published number that is not a count; shown only when all of `counts` are shown."""

    key: CellKey
    counts: tuple[CellKey, ...]
