"""An independent reader of a protected publication (contract section 8), for tests.

It knows each published count's persons (as the suite's Count masks give them) and which
counts the pattern shows, and nothing of how the pattern was chosen: it builds its own
partition of persons (a dict of membership tuples, not space.py's packed refinement), and for
every count below N, every sum of disjoint counts along one row or column of an output (what
a reader adds up, printed or not), and every difference of two nested ones below N, solves the largest
value consistent with the shown counts and atoms >= 0 (scipy's HiGHS). A finding is a count c
with 0 < c < N whose largest consistent value is below N.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def findings(counts, hides, n: int) -> list[tuple[str, float, float]]:
    """[(what, true value, largest consistent value)] for every violation of the rule."""
    out = []
    by_law: dict[str, list] = {}
    for c in counts:
        by_law.setdefault(c.wet, []).append(c)
    for law_counts in by_law.values():
        out += _law(law_counts, hides, n)
    return out


def _law(counts, hides, n):
    masks = np.stack([c.mask for c in counts])
    signature: dict[tuple, int] = {}
    atom = np.empty(masks.shape[1], dtype=int)
    for person in range(masks.shape[1]):
        atom[person] = signature.setdefault(tuple(masks[:, person]), len(signature))
    size = np.bincount(atom, minlength=len(signature)).astype(float)
    inc = np.zeros((len(counts), len(signature)))
    for person in range(masks.shape[1]):
        inc[:, atom[person]] = masks[:, person]
    inside = [tuple(bool(x) for x in sig) for sig in signature]  # membership per atom
    inc = np.array(inside, dtype=float).T if inside else inc
    values = inc @ size
    shown = np.array([not hides(c.key) for c in counts])
    empty_atom = ~np.array([any(sig) for sig in signature]) if signature else np.zeros(0, bool)

    def largest(goal):
        bounds = [(0, 0) if e else (0, None) for e in empty_atom]
        res = linprog(-goal, A_eq=inc[shown] if shown.any() else None, b_eq=values[shown] if shown.any() else None,
                      bounds=bounds, method="highs")
        return -res.fun if res.status == 0 else float("inf")

    goals, names = [inc[i] for i in range(len(counts))], [c.key.text() for c in counts]
    goals_values = list(values)
    # what a reader adds up without a cell printing it: along one row or one column of an
    # output at one date, counts of disjoint persons (their sum is a count of persons too)
    lines: dict[tuple, list[int]] = {}
    for i, c in enumerate(counts):
        k = c.key
        if "totaal" not in (k.rij, k.kolom):
            lines.setdefault((k.tabel, k.datum, k.variant, k.eenheid, "rij", k.rij), []).append(i)
            lines.setdefault((k.tabel, k.datum, k.variant, k.eenheid, "kolom", k.kolom), []).append(i)
    for line, members in lines.items():
        if len(members) > 1 and (inc[members].sum(axis=0) <= 1).all():
            goals.append(inc[members].sum(axis=0))
            goals_values.append(float(values[members].sum()))
            names.append(f"som {line}")
    out = []
    seen = set()
    for i in range(len(counts), len(goals)):  # a sum below N, as a cell would be
        if 0 < goals_values[i] < n and goals[i].tobytes() not in seen:
            seen.add(goals[i].tobytes())
            hi = largest(goals[i])
            if hi < n - 1e-6:
                out.append((names[i], goals_values[i], hi))
    for i, c in enumerate(counts):
        if 0 < values[i] < n and inc[i].tobytes() not in seen:
            seen.add(inc[i].tobytes())
            hi = largest(inc[i])
            if hi < n - 1e-6:
                out.append((c.key.text(), values[i], hi))
    for i in range(len(goals)):
        for j in range(len(goals)):
            d = goals_values[j] - goals_values[i]
            if 0 < d < n and np.all(goals[i] <= goals[j]):
                goal = goals[j] - goals[i]
                if goal.tobytes() in seen:
                    continue
                seen.add(goal.tobytes())
                hi = largest(goal)
                if hi < n - 1e-6:
                    out.append((f"{names[j]} min {names[i]}", d, hi))
    return out
