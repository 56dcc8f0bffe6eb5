"""The reader's unknowns: the finest partition of persons that the published counts make.

Two persons who are in exactly the same published counts are indistinguishable to any reader
of the publication, so a reader's unknowns are the sizes of these groups ("atoms"), and every
published count is the sum of the atoms it contains. With atoms >= 0 this is the complete
linear description of what the publication says about the data: every identity between
published counts that holds in the data (a total and its parts, the same persons in two
outputs, a month's series and the run at that month, nested populations, differences over
dates) is a consequence of it, declared or not. Contract section 8 asks exactly this reader.

Counts with identical memberships are one "class": one unknown published twice (at_risk under
several outcomes, Tabel 2's Q column and the kerncijfers at Q). A class is shown or hidden
as a whole.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .items import CellKey, Count



def atoms_of(masks: list[np.ndarray], n: int) -> np.ndarray:
    """Atom id per person (-1: in no count). Exact refinement: the atoms so far and the next
    chunk of masks, packed as bits, make one int64 per person (ids in the high bits), and one
    sort of integers splits the atoms; chunks are as wide as the ids leave room for."""
    ids = np.zeros(n, dtype=np.int64)
    id_bits = max(int(n).bit_length(), 1)
    chunk = 63 - id_bits
    for start in range(0, len(masks), chunk):
        pair = ids << chunk
        for j, m in enumerate(masks[start:start + chunk]):
            pair[m] |= np.int64(1) << j
        _, ids = np.unique(pair, return_inverse=True)
        ids = ids.reshape(-1).astype(np.int64)
    covered = np.zeros(n, dtype=bool)
    for m in masks:
        covered |= m
    out = np.full(n, -1, dtype=np.int64)
    if covered.any():
        _, out[covered] = np.unique(ids[covered], return_inverse=True)
    return out


@dataclass
class Space:
    """One law's published counts over its atoms.

    `incidence` (classes x atoms, CSR, 0/1): which atoms each class holds; `sizes`: persons
    per atom; `values`: each class's count; `keys[i]`: the keys of class i (sorted)."""

    wet: str
    keys: list[list[CellKey]]
    incidence: sparse.csr_matrix
    sizes: np.ndarray
    values: np.ndarray
    bits: np.ndarray  # the incidence packed (np.packbits, classes x ceil(atoms / 8)): fast set tests
    atom_of: np.ndarray  # per person of the law: its atom (-1: in no published count)

    @classmethod
    def build(cls, wet: str, counts: list[Count]) -> "Space":
        masks = [c.mask for c in counts]
        n = len(masks[0]) if masks else 0
        atom = atoms_of(masks, n)
        n_atoms = int(atom.max()) + 1 if n and atom.max() >= 0 else 0
        sizes = np.bincount(atom[atom >= 0], minlength=n_atoms).astype(float)
        reps = np.full(n_atoms, -1, dtype=np.int64)
        persons = np.flatnonzero(atom >= 0)
        reps[atom[persons][::-1]] = persons[::-1]  # first person of each atom
        rows = np.stack([m[reps] for m in masks]) if masks else np.zeros((0, 0), dtype=bool)
        # classes: distinct rows (by their packed bytes; a dict, not a sort of long rows)
        packed = np.packbits(rows, axis=1) if n_atoms else np.zeros((len(masks), 0), dtype=np.uint8)
        seen: dict[bytes, int] = {}
        inverse = np.array([seen.setdefault(r.tobytes(), len(seen)) for r in packed], dtype=np.int64)
        first = np.zeros(len(seen), dtype=np.int64)  # classes in order of first appearance
        first[inverse[::-1]] = np.arange(len(inverse))[::-1]
        keys: list[list[CellKey]] = [[] for _ in seen]
        for c, cl in zip(counts, inverse):
            keys[cl].append(c.key)
        r, a = np.nonzero(rows[first])
        incidence = sparse.csr_matrix((np.ones(len(r)), (r, a)), shape=(len(first), n_atoms))
        values = np.asarray(incidence @ sizes).reshape(-1)
        return cls(wet, [sorted(k) for k in keys], incidence, sizes, values, packed[first], atom)

    def class_of(self) -> dict[CellKey, int]:
        return {k: i for i, ks in enumerate(self.keys) for k in ks}

    def targets(self, threshold: int) -> list[tuple[np.ndarray, float, str]]:
        """The counts a reader can name that must not be shown to be below N, as (atoms,
        value, description): every published count below N; every difference of two nested
        published counts of one date (an ended plicht = plichtig geworden minus nog plichtig,
        a complement); and every difference of two nested sets of those (a month's inflow,
        the plichten that ended between two months, what one threshold adds) below N.
        Differences that are not nested are not counts of persons."""
        bits = self.bits
        n_atoms = len(self.sizes)

        def atoms(b: np.ndarray) -> np.ndarray:
            return np.flatnonzero(np.unpackbits(b, count=n_atoms))
        values = self.values
        labels = [ks[0].text() for ks in self.keys]
        sets, vals, names = list(bits), list(values), list(labels)
        dates: dict[str, list[int]] = {}
        for i, ks in enumerate(self.keys):
            for d in {k.datum for k in ks}:
                dates.setdefault(d, []).append(i)
        for members in dates.values():
            for i in members:
                if values[i] <= 0:
                    continue
                for j in members:
                    if values[j] > values[i] and not (bits[i] & ~bits[j]).any():
                        sets.append(bits[j] & ~bits[i])
                        vals.append(values[j] - values[i])
                        names.append(f"{labels[j]} min {labels[i]}")
        # one entry per distinct set of atoms
        unique: dict[bytes, int] = {}
        for k, m in enumerate(sets):
            unique.setdefault(m.tobytes(), k)
        keep = sorted(unique.values())
        sets = [sets[k] for k in keep]
        vals = np.array([vals[k] for k in keep], dtype=float)
        names = [names[k] for k in keep]
        out = [(atoms(m), v, t) for m, v, t in zip(sets, vals, names) if 0 < v < threshold]
        order = np.argsort(vals, kind="stable")
        sv = vals[order]
        for pos, i in enumerate(order):
            if vals[i] <= 0:
                continue
            hi = np.searchsorted(sv, vals[i] + threshold, side="left")
            for j in order[pos + 1:hi]:
                if vals[j] > vals[i] and not (sets[i] & ~sets[j]).any():
                    out.append((atoms(sets[j] & ~sets[i]), vals[j] - vals[i], f"{names[j]} min {names[i]}"))
        seen, result = set(), []
        for a, v, t in out:
            b = a.tobytes()
            if b not in seen:
                seen.add(b)
                result.append((a, float(v), t))
        return result
