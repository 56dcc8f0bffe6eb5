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

from ..core import contract as C
from ..definitions.items import CellKey, Count


def atoms_of(masks: list[np.ndarray], n: int) -> np.ndarray:
    """Atom id per person (-1: in no count). Exact refinement: the atoms so far (ids in the
    high bits) and the next chunk of masks (one bit each in the low ones) make one int64 per
    person, and one sort of integers splits the atoms; a chunk is as wide as the ids leave room
    for. The persons are kept in the order of their atoms, so each sort meets runs already in
    order (a stable sort, timsort, gains from that)."""
    ids = np.zeros(n, dtype=np.int64)
    n_ids = 1
    order = np.arange(n)
    start = 0
    while start < len(masks):
        chunk = 63 - max(n_ids - 1, 1).bit_length()
        pair = ids << chunk
        for j, m in enumerate(masks[start:start + chunk]):
            pair |= m.astype(np.int64) << j
        ordered = pair[order]
        step = np.argsort(ordered, kind="stable")
        order, ordered = order[step], ordered[step]
        new = np.zeros(n, dtype=np.int64)
        if n:
            np.cumsum(ordered[1:] != ordered[:-1], out=new[1:])
        ids = np.empty(n, dtype=np.int64)
        ids[order] = new
        n_ids = int(new[-1]) + 1 if n else 0
        start += chunk
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
        # classes first: counts of the same persons are one unknown (by their packed masks)
        seen: dict[bytes, int] = {}
        keys: list[list[CellKey]] = []
        masks: list[np.ndarray] = []
        for c in counts:
            cl = seen.setdefault(np.packbits(c.mask).tobytes(), len(seen))
            if cl == len(masks):
                masks.append(c.mask)
                keys.append([])
            keys[cl].append(c.key)
        n = len(masks[0]) if masks else 0
        atom = atoms_of(masks, n)
        n_atoms = int(atom.max()) + 1 if n and atom.max() >= 0 else 0
        sizes = np.bincount(atom[atom >= 0], minlength=n_atoms).astype(float)
        reps = np.full(n_atoms, -1, dtype=np.int64)
        persons = np.flatnonzero(atom >= 0)
        reps[atom[persons][::-1]] = persons[::-1]  # first person of each atom
        # atoms numbered in the order of their first person: the gathers below run forward
        rank = np.empty(n_atoms, dtype=np.int64)
        rank[np.argsort(reps)] = np.arange(n_atoms)
        atom[persons] = rank[atom[persons]]
        sizes = sizes[np.argsort(rank)]
        reps = np.sort(reps)
        indices, packed = [], []
        for m in masks:  # each class over the atoms, one at a time (no classes x atoms array)
            row = m[reps]
            indices.append(np.flatnonzero(row))
            packed.append(np.packbits(row))
        indptr = np.concatenate([[0], np.cumsum([len(i) for i in indices])]).astype(np.int64)
        incidence = sparse.csr_matrix(
            (np.ones(int(indptr[-1])), np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64), indptr),
            shape=(len(masks), n_atoms))
        bits = np.stack(packed) if packed else np.zeros((0, 0), dtype=np.uint8)
        values = np.asarray(incidence @ sizes).reshape(-1)
        return cls(wet, [sorted(k) for k in keys], incidence, sizes, values, bits, atom)

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
            members = np.array(members)
            for i in members:
                if values[i] <= 0:
                    continue
                for j in _supersets(bits, i, members[values[members] > values[i]]):
                    sets.append(bits[j] & ~bits[i])
                    vals.append(values[j] - values[i])
                    names.append(f"{labels[j]} min {labels[i]}")
        # a sum no cell prints but every reader adds up: disjoint counts along one row or one
        # column of an output (Tabel 3's overig over its three routes), and what it differs by
        # from a published count nested in it or around it at that date
        for m, v, name, d in self._margins():
            sets.append(m)
            vals.append(v)
            names.append(name)
            members = np.array(dates.get(d, []), dtype=np.int64)
            if not len(members):
                continue
            inside = members[~(bits[members] & ~m).any(axis=1) & (values[members] < v) & (values[members] > 0)]
            around = members[~(m & ~bits[members]).any(axis=1) & (values[members] > v)]
            for i in inside:
                sets.append(m & ~bits[i])
                vals.append(v - values[i])
                names.append(f"{name} min {labels[i]}")
            for j in around:
                sets.append(bits[j] & ~m)
                vals.append(values[j] - v)
                names.append(f"{labels[j]} min {name}")
        # one entry per distinct set of atoms
        unique: dict[bytes, int] = {}
        for k, m in enumerate(sets):
            unique.setdefault(m.tobytes(), k)
        keep = sorted(unique.values())
        sets = [sets[k] for k in keep]
        vals = np.array([vals[k] for k in keep], dtype=float)
        names = [names[k] for k in keep]
        out = [(m, v, t) for m, v, t in zip(sets, vals, names) if 0 < v < threshold]
        order = np.argsort(vals, kind="stable")
        sv = vals[order]
        ends = np.searchsorted(sv, sv + threshold, side="left")
        stacked = np.stack(sets) if sets else np.zeros((0, 0), dtype=np.uint8)
        for pos, i in enumerate(order):
            if vals[i] <= 0:
                continue
            window = order[pos + 1:ends[pos]]
            for j in _supersets(stacked, i, window[vals[window] > vals[i]]):
                out.append((sets[j] & ~sets[i], vals[j] - vals[i], f"{names[j]} min {names[i]}"))
        seen, result = set(), []
        for m, v, t in out:
            b = m.tobytes()
            if b not in seen:
                seen.add(b)
                result.append((atoms(m), float(v), t))
        return result


    def _margins(self) -> list[tuple[np.ndarray, float, str, str]]:
        """(packed atoms, value, description, date) of each row and column sum of one
        output at one date whose parts are disjoint published counts and that no class
        already is (a sum of overlapping counts is not a count of persons)."""
        lines: dict[tuple, list[int]] = {}
        for i, ks in enumerate(self.keys):
            for k in ks:
                if C.TOTAAL in (k.rij, k.kolom):
                    continue
                base = (k.tabel, k.datum, k.variant, k.eenheid)
                lines.setdefault(base + ("rij", k.rij), []).append(i)
                lines.setdefault(base + ("kolom", k.kolom), []).append(i)
        known = {b.tobytes() for b in self.bits}
        out = []
        for (tabel, datum, variant, eenheid, axis, name), members in sorted(lines.items()):
            members = sorted(set(members))
            if len(members) < 2:
                continue
            union = np.zeros_like(self.bits[0])
            for i in members:
                if (union & self.bits[i]).any():
                    break
                union |= self.bits[i]
            else:
                if union.tobytes() not in known:
                    unit = "" if eenheid == C.EENHEID_AANTAL else f" [{eenheid}]"
                    out.append((union, float(self.values[members].sum()),
                                f"{tabel} {datum} som van {axis} {name}{unit}", datum))
        return out


def _supersets(bits: np.ndarray, i: int, candidates: np.ndarray) -> np.ndarray:
    """The candidates (rows of packed sets) that contain set i, in their order."""
    if not len(candidates):
        return candidates
    return candidates[~(bits[i] & ~bits[candidates]).any(axis=1)]
