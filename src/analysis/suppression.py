"""Celbeveiliging: small counts suppressed so that no one can be singled out.

Rules (stated the way CBS states its own; docs/celbeveiliging.md has the reasoning):

1. Primary suppression. Every count below the threshold N and above zero is suppressed
   (shown as 'x'). Zeros are shown: an empty cell identifies no one.
2. Secondary suppression. The outputs are linked by published sums, as the registry
   declares them (registry.py): a total and its cells (Tabel 3 rows, Tabel 5 rows, Tabel 6
   rows, the kerncijfers), the Tabel 5 columns and the Wi2013 kerncijfers (summed over
   cohorts they give ingeburgerd + vrijgesteld, ontheven, nog plichtig, totaal minus
   vervallen), and the cells that Tabel 2 shares with the Wi2021 kerncijfers. Whenever a suppressed cell could be worked out exactly from these sums,
   alone or in combination, one more cell of a sum it appears in is suppressed: the
   smallest non-zero count that is still shown (a total only when nothing else is left).
   Recoverability is tested exactly, by linear algebra over all sums at once, and the rule
   is repeated until no suppressed count can be recovered.
3. Percentages. A percentage is suppressed when its own count or any count of its base is
   suppressed (otherwise count x percentage gives the base, and the base minus the shown
   cells the suppressed one).

Not covered (said plainly in the report): protection intervals (how narrowly a suppressed
value can be bounded using non-negativity) and links with tables published elsewhere.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import contract as C
from . import registry

RECORD_FILE = "celbeveiliging.csv"  # the run's tables at P
PATTERN_FILE = "celbeveiliging_volledig.csv"  # every output, each count at the date it speaks of
PRIMAIR, SECUNDAIR, AFGELEID = "primair", "secundair", "percentage_van_beveiligde_cel"

Key = tuple[str, str, str]  # (tabel, rij, kolom) of a count
PctKey = tuple[str, str, str, str]  # (tabel, rij, kolom, eenheid)


def relations(tables: dict[str, pd.DataFrame]) -> list[dict[Key, int]]:
    """Every published linear identity between counts, as {cell: coefficient} summing to 0
    (the sums the registry declares within and between tables)."""
    return [s.relation() for s in registry.all_sums(tables)]


def percentage_bases(tables: dict[str, pd.DataFrame]) -> dict[PctKey, list[Key]]:
    """For every percentage: the counts it is computed from (its own and its base's)."""
    deps: dict[PctKey, list[Key]] = {}
    for name, df in tables.items():
        deps.update(registry.percentage_bases(name, df))
    return deps


def _recoverable(secret: set, rels: list[dict]) -> list:
    """Suppressed cells whose value follows exactly from the published sums.

    A cell is recoverable when its unit vector lies in the row space of the sums restricted
    to the suppressed cells, i.e. when it is orthogonal to that matrix's null space: one
    singular value decomposition for all cells at once.
    """
    unknown = sorted(secret)
    if not unknown:
        return []
    index = {k: i for i, k in enumerate(unknown)}
    rows = [[rel.get(k, 0) for k in unknown] for rel in rels if any(k in index for k in rel)]
    if not rows:
        return []
    a = np.array(rows, dtype=float)
    _, s, vt = np.linalg.svd(a)
    tol = max(a.shape) * np.finfo(float).eps * (s[0] if len(s) else 0.0)
    null = vt[int((s > tol).sum()):]  # rows spanning the null space
    if not len(null):
        return list(unknown)
    pinned = np.abs(null).max(axis=0) <= 1e-9
    return [k for k, i in index.items() if pinned[i]]


def _pick(candidates, values, order):
    """The secondary cell: the smallest non-zero count still shown, a total only when
    nothing else is left."""
    def is_total(k):
        return "totaal" in k[-2:]
    return min(candidates, key=lambda k: (is_total(k), values[k] == 0, values[k], order[k]))


def _solve(values: dict, latent: dict, rels: list[dict], blocks: list[frozenset],
           threshold: int) -> dict:
    """Primary and secondary suppression over one set of linked counts.

    `values` are the published counts, `latent` counts that are not published but follow
    from published ones (a complement such as 'at P but not at Q'): they are unknown to a
    reader and must stay so when they are small. A block is published whole or not at all.
    """
    reason = {k: PRIMAIR for k, v in values.items() if 0 < v < threshold}
    sensitive = {k for k, v in latent.items() if 0 < v < threshold}
    order = {k: i for i, k in enumerate(values)}
    rels = [r for r in rels if r]
    while True:
        for b in blocks:
            if any(k in reason for k in b):
                for k in b:
                    reason.setdefault(k, SECUNDAIR)
        unknown = set(reason) | set(latent)
        exposed = [k for k in _recoverable(unknown, rels) if k in reason or k in sensitive]
        if not exposed:
            break
        cell = exposed[0]
        candidates = {k for rel in rels if cell in rel for k in rel if k not in unknown}
        if not candidates:  # its own sums are all hidden: widen to every sum with a hidden cell
            candidates = {k for rel in rels if any(c in unknown for c in rel) for k in rel if k not in unknown}
        if not candidates:
            break
        reason[_pick(candidates, values, order)] = SECUNDAIR
    return reason


def pattern(tables: dict[str, pd.DataFrame], threshold: int) -> dict[tuple, str]:
    """The cells to suppress in one set of outputs computed together, with the reason for
    each, keyed (tabel, rij, kolom) and (tabel, rij, kolom, eenheid)."""
    pub = Publication()
    pub.add(tables)
    return pub.reasons_for(tables, pub.pattern(threshold))


# ---- everything a run publishes, as one set of linked counts --------------------------

Cell = tuple[str, str, str, str]  # (tabel, datum, rij, kolom): a count, at the date it speaks of


def dated(name: str, peildatum: str, rij: str, kolom: str, tag: str = "") -> Cell:
    """The one key of a count wherever it is shown: the same cell at the same date in two
    computations (the run at P, the audit at the letter's dates, Tabel 2's Q column and
    Tabel 2 at Q) is one cell. `tag` separates counts computed with another ELIP threshold."""
    spec = registry.SPECS.get(name)
    d = spec.measured_on(rij, kolom, peildatum) if spec else peildatum
    return (name, d + tag, rij, kolom)


@dataclass
class Extra:
    """Counts published outside the tables (the statistics), declared by their producer.

    `shown`: counts printed, each needing primary suppression; `latent`: counts not printed
    but implied by printed ones (they must not be recoverable when small); `relations`:
    linear identities {cell: coefficient} summing to zero, where a cell is a `Cell` or the
    (tabel, rij, kolom) of a table added together with this Extra; `blocks`: sets of cells
    shown together or not at all (a statistic computed from them all)."""

    shown: dict = field(default_factory=dict)
    latent: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    blocks: list = field(default_factory=list)


class Publication:
    """Every count an output shows, keyed once, with every identity that links them."""

    def __init__(self):
        self.values: dict[Cell, float] = {}
        self.latent: dict[Cell, float] = {}
        self.relations: list[dict] = []
        self.blocks: list[frozenset] = []
        self.pcts: dict[tuple, list[Cell]] = {}
        self._frames: dict[tuple[str, str], dict[str, list]] = {}

    def add(self, tables: dict[str, pd.DataFrame], tag: str = "", extra: Extra | None = None) -> None:
        """One set of tables computed with one set of parameters (and what the statistics
        computed from them publish)."""
        local: dict[tuple, Cell] = {}
        for name, df in tables.items():
            if df.empty:
                continue
            p = str(df["peildatum"].iloc[0])
            for r in df[df["eenheid"] == C.EENHEID_AANTAL].itertuples():
                key = dated(name, p, r.rij, r.kolom, tag)
                local[(name, r.rij, r.kolom)] = key
                self._value(self.values, key, float(r.waarde))
                base = key[1][: len(key[1]) - len(tag)] if tag else key[1]
                self._frames.setdefault((base, tag), {}).setdefault(name, []).append(
                    {"tabel": name, "peildatum": base, "rij": r.rij, "kolom": r.kolom,
                     "eenheid": C.EENHEID_AANTAL, "waarde": r.waarde})
            if name in registry.SPECS:
                for (n, rij, kolom, eenheid), deps in registry.percentage_bases(name, df).items():
                    own = dated(n, p, rij, kolom, tag)
                    self.pcts[own + (eenheid,)] = [dated(n, p, d[1], d[2], tag) for d in deps]
        if extra is not None:
            for k, v in extra.shown.items():
                self._value(self.values, k, float(v))
            for k, v in extra.latent.items():
                self._value(self.latent, k, float(v))
            for rel in extra.relations:
                if all(len(k) == 4 or k in local for k in rel):
                    self.relations.append({(local[k] if len(k) == 3 else k): c for k, c in rel.items()})
            self.blocks += [frozenset(b) for b in extra.blocks]

    @staticmethod
    def _value(store: dict, key, v: float) -> None:
        if key in store and store[key] != v:
            raise ValueError(f"celbeveiliging: {key} heeft twee waarden ({store[key]} en {v})")
        store[key] = v

    def _sums(self) -> list[dict]:
        """The registry's sums and links, at every date, over all tables that speak of it."""
        out, seen = [], set()
        for (base, tag), frames in self._frames.items():
            dfs = {n: pd.DataFrame(rows).drop_duplicates(["rij", "kolom"]) for n, rows in frames.items()}
            for s in registry.all_sums(dfs):
                rel = {(k[0], base + tag, k[1], k[2]): c for k, c in s.relation().items()}
                key = frozenset(rel.items())
                if key not in seen:
                    seen.add(key)
                    out.append(rel)
        # the same count at another ELIP threshold: equal, or nested (the difference is a
        # count of its own, not published)
        plain = {k: v for k, v in self.values.items() if "@" not in k[1]}
        for k, v in list(self.values.items()):
            if "@" not in k[1]:
                continue
            twin = (k[0], k[1].split("@")[0], k[2], k[3])
            if twin not in plain:
                continue
            if plain[twin] == v:
                out.append({k: 1, twin: -1})
            else:
                hi, lo = (twin, k) if plain[twin] > v else (k, twin)
                diff = ("verschil_drempel", k[1], f"{k[0]}:{k[2]}", k[3])
                self.latent[diff] = abs(plain[twin] - v)
                out.append({hi: 1, lo: -1, diff: -1})
        return out

    def pattern(self, threshold: int) -> dict[tuple, str]:
        """Suppressed cells (Cell, or Cell + eenheid for a percentage) -> reason."""
        rels = self._sums() + self.relations
        reason = _solve(self.values, self.latent, rels, self.blocks, threshold)
        for pct, deps in self.pcts.items():
            if any(d in reason for d in deps):
                reason[pct] = AFGELEID
        return reason

    def protect(self, df: pd.DataFrame, reasons: dict, tag: str = "") -> pd.DataFrame:
        """A table with every suppressed value emptied, and every value that is not part of
        the publication the pattern was computed for (never shown unchecked)."""
        return protect(df, reasons, tag, known=(self.values, self.pcts))

    @staticmethod
    def reasons_for(tables: dict[str, pd.DataFrame], reasons: dict, tag: str = "") -> dict[tuple, str]:
        """The pattern as the run's record file and `apply` key it: (tabel, rij, kolom[, eenheid])."""
        out = {}
        for name, df in tables.items():
            for r in df.itertuples():
                key = dated(name, str(r.peildatum), r.rij, r.kolom, tag)
                if r.eenheid == C.EENHEID_AANTAL and key in reasons:
                    out[(name, r.rij, r.kolom)] = reasons[key]
                elif r.eenheid != C.EENHEID_AANTAL and key + (r.eenheid,) in reasons:
                    out[(name, r.rij, r.kolom, r.eenheid)] = reasons[key + (r.eenheid,)]
        return out


def protect(df: pd.DataFrame, reasons: dict, tag: str = "", known: tuple | None = None) -> pd.DataFrame:
    """A table with every value emptied whose dated key the pattern suppresses (and, with
    `known` = (counts, percentages), every value outside the publication)."""
    def hidden(r) -> bool:
        key = dated(r.tabel, str(r.peildatum), r.rij, r.kolom, tag)
        if r.eenheid != C.EENHEID_AANTAL:
            key = key + (r.eenheid,)
        return key in reasons or (known is not None and key not in known[r.eenheid != C.EENHEID_AANTAL])
    out = df.copy()
    out.loc[np.asarray([hidden(r) for r in df.itertuples()], dtype=bool), "waarde"] = np.nan
    return out


def write_pattern(reasons: dict[tuple, str], folder: Path) -> Path:
    """Every suppressed value of every output: tabel (or analysis), the date it speaks of,
    rij, kolom, eenheid, reason."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PATTERN_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["tabel", "datum", "rij", "kolom", "eenheid", "reden"])
        for key in sorted(reasons, key=lambda k: (*k[:4], k[4] if len(k) > 4 else "")):
            w.writerow([*key[:4], key[4] if len(key) > 4 else C.EENHEID_AANTAL, reasons[key]])
    return path


def read_pattern(folder: Path) -> dict[tuple, str] | None:
    """The pattern `write_pattern` wrote, keyed as `Publication.pattern` keys it; None when
    there is none."""
    path = Path(folder) / PATTERN_FILE
    if not path.is_file():
        return None
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {((r.tabel, r.datum, r.rij, r.kolom) if r.eenheid == C.EENHEID_AANTAL
             else (r.tabel, r.datum, r.rij, r.kolom, r.eenheid)): r.reden for r in df.itertuples()}


def apply(df: pd.DataFrame, reasons: dict[tuple, str]) -> pd.DataFrame:
    """The output with suppressed values emptied (NaN: written as an empty field)."""
    out = df.copy()
    mask = [((r.tabel, r.rij, r.kolom) in reasons if r.eenheid == C.EENHEID_AANTAL
             else (r.tabel, r.rij, r.kolom, r.eenheid) in reasons) for r in df.itertuples()]
    out.loc[np.asarray(mask, dtype=bool), "waarde"] = np.nan
    return out


def write_records(reasons: dict[tuple, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RECORD_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["tabel", "rij", "kolom", "eenheid", "reden"])
        for key in sorted(reasons, key=lambda k: (k[0], k[1], k[2], k[3] if len(k) > 3 else "")):
            eenheid = key[3] if len(key) > 3 else C.EENHEID_AANTAL
            w.writerow([key[0], key[1], key[2], eenheid, reasons[key]])
    return path


def read_records(folder: Path) -> set[tuple[str, str, str, str]]:
    """Suppressed cells as (tabel, rij, kolom, eenheid); empty when nothing is protected."""
    path = Path(folder) / RECORD_FILE
    if not path.is_file():
        return set()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(r.tabel, r.rij, r.kolom, r.eenheid) for r in df.itertuples()}
