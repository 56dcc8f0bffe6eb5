"""An independent reader of a protected publication (contract section 8), for tests.

It knows each published count's persons (as the suite's Count masks give them) and which
counts the pattern shows, and nothing of how the pattern was chosen: it builds its own
partition of persons (a dict of membership tuples, not space.py's packed refinement), and for
every count below N, and every difference of two nested counts below N, solves the largest
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

    out = []
    seen = set()
    for i, c in enumerate(counts):
        if 0 < values[i] < n and inc[i].tobytes() not in seen:
            seen.add(inc[i].tobytes())
            hi = largest(inc[i])
            if hi < n - 1e-6:
                out.append((c.key.text(), values[i], hi))
    for i in range(len(counts)):
        for j in range(len(counts)):
            d = values[j] - values[i]
            if 0 < d < n and np.all(inc[i] <= inc[j]):
                goal = inc[j] - inc[i]
                if goal.tobytes() in seen:
                    continue
                seen.add(goal.tobytes())
                hi = largest(goal)
                if hi < n - 1e-6:
                    out.append((f"{counts[j].key.text()} min {counts[i].key.text()}", d, hi))
    return out
