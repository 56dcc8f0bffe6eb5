"""Which published numbers a pattern hides and why, and its record file.

The result of the protection, apart from how it was found (pattern.py): the writers apply it
(protect.py), the run folder keeps it as tables/celbeveiliging.csv, and the report reads it
back. Kept low in the layers so that reading a run folder needs none of the solver.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.run_files import CELBEVEILIGING
from ..definitions.items import CellKey

PRIMAIR, SECUNDAIR, AFGELEID = "primair", "secundair", "afgeleid"
# a count not shown because the statistic that uses it with others is not shown (a block);
# its class counts as public in the reader's LP (conservative), so another output may show it
BLOK = "blok"
RECORD_FILE = CELBEVEILIGING  # in a run's tables/ (run_files)
RECORD_COLUMNS = ("tabel", "datum", "rij", "kolom", "eenheid", "variant", "status", "reden", "voor")
GETOOND, AFGESCHERMD = "getoond", "afgeschermd"


@dataclass(frozen=True)
class Witnesses:
    """One law's witnesses: atom sizes consistent with the publication, each with a protected
    target at N or more (`atoms`: the new sizes; `atom_of`, `sizes`: the space they are over)."""

    atom_of: np.ndarray
    sizes: np.ndarray
    atoms: tuple[np.ndarray, ...]
    voor: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """Why a value is hidden: primary, complementary for which count (or difference), or
    derived (a percentage or estimate resting on a hidden count)."""

    kind: str
    voor: str = ""  # the count (or difference) this one protects, or the count a ratio rests on

    def text(self) -> str:
        """As the interface's `reden` column says it: 'secundair: tabel3 2024-05-01 ...'."""
        return f"{self.kind}: {self.voor}" if self.voor else self.kind


@dataclass
class Pattern:
    """The hidden values of a publication, each with its reason."""

    threshold: int
    reasons: dict[CellKey, Reason]
    known: frozenset[CellKey]  # every key the pattern was computed for
    # per law, the witnesses that certify it (Witnesses), for an interface call beside it;
    # a pattern read from a run's record file has none
    witnesses: dict[str, Witnesses] = field(default_factory=dict, compare=False, repr=False)

    def hides(self, key: CellKey) -> bool:
        """Hidden, or not part of the publication the pattern was computed for (fail-safe:
        a number nobody checked is never shown)."""
        return key in self.reasons or key not in self.known

    def reason(self, key: CellKey) -> Reason | None:
        if key in self.reasons:
            return self.reasons[key]
        return None if key in self.known else Reason(AFGELEID, "niet in de beveiligde publicatie")

    def counts_by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.reasons.values():
            out[r.kind] = out.get(r.kind, 0) + 1
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


def group_counts(pattern: Pattern) -> dict[str, dict[str, int]]:
    """Hidden values per output and reason (the report's account of what was lost)."""
    out: dict[str, dict[str, int]] = {}
    for k, r in pattern.reasons.items():
        out.setdefault(k.tabel, {}).setdefault(r.kind, 0)
        out[k.tabel][r.kind] += 1
    return out
