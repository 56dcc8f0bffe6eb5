"""Primary and complementary suppression by optimisation, over everything published.

The rule (contract section 8): for every count c with 0 < c < N that a published number shows
or that follows from published numbers, the largest value consistent with the publication
(atoms >= 0, every shown count fixed: space.py) is at least N.

What is checked ("targets"): every published count below N (primary: hidden), and every
difference of two nested published counts below N (a month's inflow, a complement, what a
threshold adds; section 8 names these). A difference that is not nested is not a count of
persons, and the difference of a count and a sum of others is a nested difference of the
classes involved or a sum of atoms that is not itself published: the targets are the
counts a reader can name, as tau-ARGUS's and sdcTable's are the cells of the tables.

How complementary cells are chosen (the "witness" method, a form of the attacker problems of
Fischetti and Salazar 2001 and of the modular approach of tau-ARGUS/sdcTable, solved one
target at a time): for a target t that no witness yet protects, one linear programme finds
a change d of the atoms (atoms stay >= 0) that raises t to at least N while changing as few
and as small shown counts as possible (minimise sum of w_c |change of class c|, w_c growing
with the count, so totals come last; counts already hidden are free). The shown counts that
change are hidden: then x + d is consistent with the publication and has t >= N, so the
reader's maximum of t is at least N: a certificate ("witness"), not a heuristic check.
Hiding more only enlarges the reader's feasible set, so every earlier witness stays valid,
and a new witness often protects later targets as well (checked for all at once). Zero
counts are never hidden (they identify no one), and a block (counts that one statistic uses
together) is hidden whole.

Each LP runs on a neighbourhood of the target: its own atoms and the atoms most alike to them
(sharing the most published counts); any change restricted to a neighbourhood is a valid
witness, so this limits cost, never safety (docs/celbeveiliging.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from ..definitions.items import CellKey, Count, Ratio
from .record import AFGELEID, BLOK, PRIMAIR, SECUNDAIR, Pattern, Reason, Witnesses
from .space import Space

NEIGHBOURHOOD = 400  # atoms beside the target's own in a repair LP
DENSE_ATOMS = 4000  # an LP over at most this many atoms builds its matrix densely
MAIN_COST = 3.0  # cost factor of a count in the run's own tables at P (docs/celbeveiliging.md, "Kosten")
_EPS = 1e-6


@dataclass
class Target:
    law: int  # index into the spaces
    atoms: np.ndarray  # atom indices of the count
    value: float
    text: str


@dataclass
class Publication:
    """Everything one run (or one interface call, with the run it repeats) publishes."""

    counts: dict[CellKey, Count] = field(default_factory=dict)
    ratios: dict[CellKey, Ratio] = field(default_factory=dict)
    blocks: list[frozenset[CellKey]] = field(default_factory=list)
    main: set[CellKey] = field(default_factory=set)  # the run's own tables at P: hidden last

    def add(self, counts: list[Count] = (), ratios: list[Ratio] = (), blocks=(), main: bool = False) -> None:
        """`main`: these counts are the run's own tables at P, which cost MAIN_COST times as
        much to hide as a count only the monitor, the statistics or the audit publish."""
        for c in counts:
            old = self.counts.get(c.key)
            if old is None:
                self.counts[c.key] = c
            elif old.wet != c.wet or not np.array_equal(old.mask, c.mask):
                raise ValueError(f"celbeveiliging: {c.key.text()} telt twee verschillende groepen personen")
        for r in ratios:
            self.ratios.setdefault(r.key, r)
        self.blocks += [frozenset(b) for b in blocks]
        if main:
            self.main |= {c.key for c in counts}

    def pattern(self, threshold: int, given: "Pattern | None" = None) -> "Pattern":
        return solve(self, threshold, given)


def _weights(values: np.ndarray, main: np.ndarray) -> np.ndarray:
    """Cost of changing a shown count by one: grows with the count, so that the smallest
    counts are hidden first and totals last; at least 1, so that fewer cells win; MAIN_COST
    times as much for a count of the run's own tables at P (what the report is about), so
    that a count only the monitor or the audit shows is hidden first (tau-ARGUS's cell costs)."""
    return (1.0 + np.log1p(values)) * np.where(main, MAIN_COST, 1.0)


class _Law:
    """One law's space with its hidden classes and its witnesses."""

    def __init__(self, space: Space, threshold: int, main: frozenset[CellKey] = frozenset()):
        self.space = space
        self.n = threshold
        self.n_atoms = len(space.sizes)
        self.hidden = np.zeros(len(space.values), dtype=bool)
        self.fixed = np.zeros(len(space.values), dtype=bool)  # shown elsewhere already: never hidden
        self.weights = _weights(space.values, np.array([any(k in main for k in ks) for ks in space.keys], dtype=bool))
        self.witnesses: list[np.ndarray] = []
        self.voor: list[str] = []  # the target each witness was made for
        # each class's atoms, a class of more than half the atoms written as its complement
        # (`flipped`): a third fewer entries for the neighbourhood's sums
        inc = space.incidence
        self.flipped = np.diff(inc.indptr) * 2 > self.n_atoms
        rows = []
        for cl in range(inc.shape[0]):
            own = inc.indices[inc.indptr[cl]:inc.indptr[cl + 1]]
            if self.flipped[cl]:
                rest = np.ones(self.n_atoms, dtype=bool)
                rest[own] = False
                own = np.flatnonzero(rest)
            rows.append(own.astype(np.intp))
        self.lean_ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.intp)
        self.lean_idx = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
        self.shown_per_atom = np.asarray(inc.sum(axis=0)).reshape(-1).astype(np.float32)

    def block(self, atoms: np.ndarray) -> np.ndarray:
        """Classes x atoms, 0/1, dense: which of these atoms each class holds (from the
        packed incidence)."""
        byte = self.space.bits[:, atoms >> 3]
        return (byte >> (7 - (atoms & 7)).astype(np.uint8)) & 1

    def hide(self, cl: int) -> None:
        self.hidden[cl] = True
        row = slice(self.space.incidence.indptr[cl], self.space.incidence.indptr[cl + 1])
        self.shown_per_atom[self.space.incidence.indices[row]] -= 1

    def protected(self, t: Target) -> bool:
        return any(w[t.atoms].sum() >= self.n - _EPS for w in self.witnesses)

    def neighbourhood(self, t: Target) -> np.ndarray:
        """The target's atoms and the NEIGHBOURHOOD atoms that share the most shown counts
        with them (minus the counts they do not share)."""
        own = np.zeros(self.n_atoms, dtype=bool)
        own[t.atoms] = True
        touching = self.block(t.atoms).any(axis=1) & ~self.hidden
        # shared shown counts minus the shown counts not shared: 2 * shared - all shown, where
        # shared = the touching classes holding the atom (a flipped class: 1 - [not in it])
        shared = (self._holding(touching & ~self.flipped) - self._holding(touching & self.flipped)
                  + float(np.count_nonzero(touching & self.flipped)))
        score = 2.0 * shared - self.shown_per_atom
        score[own] = -np.inf
        score[self.space.sizes <= 0] = -np.inf
        k = min(NEIGHBOURHOOD, int(np.isfinite(score).sum()))
        best = np.argpartition(-score, k - 1)[:k] if k else np.array([], dtype=int)
        best = best[np.lexsort((best, -score[best]))]  # deterministic: by score, then atom
        return np.concatenate([t.atoms, np.sort(best)])

    def _holding(self, classes: np.ndarray) -> np.ndarray:
        """Per atom, how many of these classes' stored rows hold it."""
        cls = np.flatnonzero(classes)
        if not len(cls):
            return np.zeros(self.n_atoms, dtype=np.float32)
        ptr = self.lean_ptr
        return np.bincount(np.concatenate([self.lean_idx[ptr[c]:ptr[c + 1]] for c in cls]),
                           minlength=self.n_atoms).astype(np.float32)

    def repair(self, t: Target) -> tuple[np.ndarray, np.ndarray] | None:
        """The witness (atoms) and the classes it makes hidden: one LP on the target's
        neighbourhood, and when that has no solution (counts already published elsewhere may
        not change) one over all atoms; None when even that has none (possible only beside
        counts that are fixed: without them, adding persons to the target is always a witness)."""
        res = self._lp(t, self.neighbourhood(t))
        if res is None:
            res = self._lp(t, np.concatenate([t.atoms, np.setdiff1d(np.arange(self.n_atoms), t.atoms)]))
        if res is None:
            if not self.fixed.any():
                raise RuntimeError(f"celbeveiliging: geen oplossing voor {t.text}")
            return None
        atoms, touch, change_of_class, x = res
        d = np.zeros(self.n_atoms)
        d[atoms] = x
        change = np.zeros(len(self.hidden))
        change[touch] = np.abs(change_of_class)  # classes outside the atoms used do not change
        newly = np.flatnonzero((change > _EPS) & ~self.hidden)
        return self.space.sizes + d, newly

    def _lp(self, t: Target, atoms: np.ndarray):
        """Minimise the weighted change of shown classes (fixed ones may not change) such
        that the target reaches N, over `atoms`; None when infeasible.

        The atoms of a neighbourhood lie in nearly the same classes, so the class-by-atom
        matrix is nearly all ones; written as a common column b (each class's majority) plus
        sparse deviations, with S the total change, the same LP has a few per cent of the
        nonzeros: change of class c = b_c S + sum_j (a_cj - b_c) d_j."""
        if len(atoms) <= DENSE_ATOMS:  # a neighbourhood: its columns as one small dense block
            block = self.block(atoms)  # classes x S
            touch = np.flatnonzero(block.any(axis=1) & ~self.hidden)
            a_sub = block[touch].astype(float)
            base = a_sub.sum(axis=1) * 2 > len(atoms)
            r, c = np.nonzero(a_sub != base[:, None])
            v = a_sub[r, c] - base[r]
        else:  # all atoms (the fallback): sparse
            sub = self.space.incidence.tocsc()[:, atoms].tocsr()  # classes x S
            touch = np.flatnonzero((np.diff(sub.indptr) > 0) & ~self.hidden)
            a_sub = sub[touch].astype(float)
            base = np.diff(a_sub.indptr) * 2 > len(atoms)
            r, c, v = _deviations(a_sub, base)
        m, s = len(touch), len(atoms)
        # variables: d (s), S (1), u+ (m), u- (m); rows: the m class changes, then S = sum d
        rows = np.concatenate([r, np.flatnonzero(base), np.arange(m), np.arange(m), np.full(s + 1, m)])
        cols = np.concatenate([c, np.full(int(base.sum()), s), s + 1 + np.arange(m), s + 1 + m + np.arange(m),
                               np.arange(s + 1)])
        vals = np.concatenate([v, np.ones(int(base.sum())), -np.ones(m), np.ones(m),
                               np.ones(s), [-1.0]])
        a_eq = sparse.csc_matrix((vals, (rows, cols)), shape=(m + 1, s + 1 + 2 * m))
        in_t = np.isin(atoms, t.atoms).astype(float)
        a_ub = sparse.csr_matrix(np.concatenate([-in_t, np.zeros(1 + 2 * m)])[None, :])
        b_ub = np.array([-(self.n - t.value)])
        w = self.weights[touch]
        cost = np.concatenate([np.full(s, 1e-6), [0.0], w, w])  # a tiny cost keeps the change small
        free = np.column_stack([np.zeros(m), np.where(self.fixed[touch], 0.0, np.inf)])
        bounds = np.vstack([np.column_stack([-self.space.sizes[atoms], np.full(s, np.inf)]),
                            [[-np.inf, np.inf]], free, free])
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.zeros(m + 1), bounds=bounds,
                      method="highs", options={"presolve": False})
        if res.status == 2:  # infeasible
            return None
        if res.status != 0:
            raise RuntimeError(f"celbeveiliging: geen oplossing voor {t.text} ({res.message})")
        return atoms, touch, a_sub @ res.x[:s], res.x[:s]


def _deviations(a: sparse.csr_matrix, base: np.ndarray):
    """The nonzeros of a - base (as a column) of a 0/1 matrix: a row's own entries where its
    base is 0, and -1 where a row whose base is 1 has no entry."""
    s = a.shape[1]
    rows, cols, vals = [], [], []
    for i in range(a.shape[0]):
        own = a.indices[a.indptr[i]:a.indptr[i + 1]]
        if base[i]:
            missing = np.ones(s, dtype=bool)
            missing[own] = False
            own = np.flatnonzero(missing)
        rows.append(np.full(len(own), i))
        cols.append(own)
        vals.append(np.full(len(own), -1.0 if base[i] else 1.0))
    if not rows:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def solve(pub: Publication, threshold: int, given: Pattern | None = None) -> Pattern:
    """The pattern of a publication at threshold N (contract section 8).

    `given`: a pattern already published (a run's) for some of these counts: what it hides
    stays hidden, what it shows stays shown (it cannot be taken back), and only the other
    counts may be hidden to protect the new ones (an interface call beside the run)."""
    reasons: dict[CellKey, Reason] = {}
    laws: list[_Law] = []
    for wet in sorted({c.wet for c in pub.counts.values()}):
        counts = [c for c in pub.counts.values() if c.wet == wet]
        laws.append(_Law(Space.build(wet, counts), threshold, frozenset(pub.main)))

    def hide(law: _Law, cl: int, reason: Reason) -> bool:
        if law.hidden[cl] or law.space.values[cl] == 0:  # a zero identifies no one: always shown
            return False
        if law.fixed[cl]:
            raise RuntimeError(f"celbeveiliging: {law.space.keys[cl][0].text()} is al gepubliceerd")
        law.hide(cl)
        for k in law.space.keys[cl]:
            reasons.setdefault(k, reason)
        return True

    where = [law.space.class_of() for law in laws]
    if given is not None:
        for law, index in zip(laws, where):
            for k, cl in index.items():
                if k in given.known:
                    r = given.reasons.get(k)
                    if r is None:
                        law.fixed[cl] = True
                    elif r.kind != BLOK:
                        hide(law, cl, r)
        for law in laws:
            if law.space.wet in given.witnesses:
                _carry(law, given.witnesses[law.space.wet], hide)

    def close_blocks() -> None:
        """A block with a hidden count is not shown at all: its other counts are left out of
        the statistics' output (key by key; their classes stay as they are)."""
        for b in pub.blocks:
            hit = sorted(k for k in b if k in reasons and reasons[k].kind != BLOK)
            if hit:
                for k in sorted(b):
                    reasons.setdefault(k, Reason(BLOK, hit[0].text()))

    targets: list[tuple[_Law, Target]] = []
    for law in laws:
        sp = law.space
        for cl, v in enumerate(sp.values):
            if 0 < v < threshold:
                hide(law, cl, Reason(PRIMAIR))
        targets += [(law, Target(0, atoms, v, text)) for atoms, v, text in sp.targets(threshold)]
    # smallest first: a witness for a small count moves the most, and protects most others too
    targets.sort(key=lambda lt: lt[1].value)
    closed: set[int] = set()  # laws whose own counts are all hidden (see below)
    for law, t in targets:
        if id(law) in closed or law.protected(t):
            continue
        repaired = law.repair(t)
        if repaired is None:
            # Beside a published run, no change that keeps the run's shown counts can make this
            # target safe: the call then shows none of its own counts of this law, which leaves
            # only what the run shows, certified by the run's pattern (fail-safe, never a guess).
            for cl in np.flatnonzero(~law.fixed):
                hide(law, cl, Reason(SECUNDAIR, f"{t.text} (naast de run niet te beschermen)"))
            closed.add(id(law))
            continue
        witness, newly = repaired
        law.witnesses.append(witness)
        law.voor.append(t.text)
        for cl in newly:
            hide(law, cl, Reason(SECUNDAIR, t.text))
    close_blocks()
    for key, r in pub.ratios.items():
        missing = [k for k in r.counts if k not in pub.counts]
        hidden = [k for k in r.counts if k in reasons]  # (a ratio of a block count: left out too)
        if missing or hidden:
            reasons[key] = Reason(AFGELEID, (hidden or missing)[0].text())
    return Pattern(threshold, reasons, frozenset(pub.counts) | frozenset(pub.ratios),
                   {law.space.wet: Witnesses(law.space.atom_of, law.space.sizes, tuple(law.witnesses),
                                             tuple(law.voor)) for law in laws})


def _carry(law: _Law, given: Witnesses, hide) -> None:
    """The given pattern's witnesses, carried into this finer space: a witness's new size of
    a given atom is shared over its parts in proportion (so every given count keeps the value
    the witness gave it, and sizes stay >= 0); a count of the call that the witness changes is
    hidden, and then the witness holds here too. Its targets need no LP of their own."""
    sp = law.space
    persons = np.flatnonzero(sp.atom_of >= 0)
    reps = np.full(len(sp.sizes), -1, dtype=np.int64)
    reps[sp.atom_of[persons][::-1]] = persons[::-1]
    outer = given.atom_of[reps]
    inside = outer >= 0
    share = np.where(inside, sp.sizes / np.where(inside, given.sizes[np.maximum(outer, 0)], 1.0), 1.0)
    for w, voor in zip(given.atoms, given.voor):
        new = np.where(inside, w[np.maximum(outer, 0)] * share, sp.sizes)
        change = np.abs(sp.incidence @ new - sp.values)
        for cl in np.flatnonzero((change > _EPS) & ~law.hidden):
            hide(law, cl, Reason(SECUNDAIR, voor))
        law.witnesses.append(new)
        law.voor.append(voor)


def bounds(pub: Publication, pattern: Pattern, key: CellKey) -> tuple[float, float]:
    """The reader's smallest and largest value of one count (LP over all atoms of its law),
    for tests and explanations; slow on a national extract."""
    c = pub.counts[key]
    counts = [x for x in pub.counts.values() if x.wet == c.wet]
    sp = Space.build(c.wet, counts)
    where = sp.class_of()
    shown = np.array([not any(pattern.hides(k) for k in ks) for ks in sp.keys])
    a = sp.incidence[np.flatnonzero(shown)]
    goal = sp.incidence[where[key]].toarray().reshape(-1)
    out = []
    for sign in (1, -1):
        res = linprog(sign * goal, A_eq=a, b_eq=sp.values[shown], bounds=(0, None), method="highs")
        out.append(sign * res.fun)
    return out[0], out[1]
