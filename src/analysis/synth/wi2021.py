"""Synthetic Wi2021 persons that reproduce the letter's Wi2021 figures exactly.

The construction works backwards from the tables: first how many persons are in each
state at Q and at P (still plichtig or ended, with or without a PIP, with or without an
aanbod), exactly as the targets require, then dates drawn inside the windows those states
allow. Because every count is fixed before any date is drawn, the tables at P and Q come
out exactly, whatever the seed; the seed only moves dates around inside their windows and
decides who is who.

Windows (I = up to and including Q, J = after Q up to and including P):
  plichtig at P, started in I   PIP in I (counts at Q and P), in J, or none
  plichtig at P, started in J   PIP in J or none
  ended in I                    PIP (if any) before the end
  ended in J, started in I      PIP (if any) in I: these count at Q
  ended in J, started in J      PIP (if any) before the end
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..core import contract as C
from .draw import NONE, GeneratorError, allocate, bernoulli, categorical, choose, code_column, date_column, day, uniform_days
from .independent import exact, percent_half_up, percents_largest_remainder, round_half_up
from .targets import Wi2021Targets


def resolve_pair(rng: np.random.Generator, base: tuple[int, int], part: tuple[int, int],
                 pct: float | None) -> tuple[int, int]:
    """A (base, part) inside the printed rounding whose share rounds to the printed percent."""
    if base[0] == base[1] and part[0] == part[1]:
        return base[0], part[0]
    for _ in range(20000):
        b = int(rng.integers(base[0], base[1] + 1))
        p = int(rng.integers(part[0], part[1] + 1))
        if pct is None or percent_half_up(p, b) == pct:
            return b, p
    # No count inside the rounding gives the printed percent: the letter is inconsistent
    # here; take the printed counts and let the verification report it.
    return (base[0] + base[1] + 1) // 2, (part[0] + part[1] + 1) // 2


def route_counts(sizes: dict[str, int], targets: dict[tuple[str, str], float],
                 default: dict[str, float]) -> dict[tuple[str, str], int]:
    """Counts per (leerroute, doelgroep) whose column shares round (largest remainder) to the
    printed percents, also for the total column when the letter gives it."""
    counts: dict[tuple[str, str], int] = {}
    for g, n in sizes.items():
        weights = [targets.get((r, g), 100 * default[r]) for r in C.LEERROUTES]
        for r, c in zip(C.LEERROUTES, allocate(n, weights)):
            counts[(r, g)] = int(c)

    def ok_column(g: str, col: dict[str, int]) -> bool:
        n = sum(col.values())
        want = [targets.get((r, g)) for r in C.LEERROUTES]
        if n == 0 or any(w is None for w in want):
            return True
        return percents_largest_remainder([col[r] for r in C.LEERROUTES]) == want

    for g in sizes:
        if not ok_column(g, {r: counts[(r, g)] for r in C.LEERROUTES}):
            raise GeneratorError(f"Tabel 3, kolom {g}: geen aantallen die op de gedrukte "
                                 "percentages afronden")
    if not all((r, C.TOTAAL) in targets for r in C.LEERROUTES):
        return counts
    want = [targets[(r, C.TOTAAL)] for r in C.LEERROUTES]
    total = sum(sizes.values())
    for _ in range(100000):
        tot = {r: sum(counts[(r, g)] for g in sizes) for r in C.LEERROUTES}
        shares = [100 * tot[r] / total for r in C.LEERROUTES]
        if percents_largest_remainder([tot[r] for r in C.LEERROUTES]) == want:
            return counts
        diff = {r: s - w for r, s, w in zip(C.LEERROUTES, shares, want)}
        up = min(diff, key=diff.get)
        down = max(diff, key=diff.get)
        for g in sorted(sizes, key=lambda g: -sizes[g]):
            if counts[(down, g)] == 0:
                continue
            trial = {r: counts[(r, g)] for r in C.LEERROUTES}
            trial[up] += 1
            trial[down] -= 1
            if ok_column(g, trial):
                counts[(up, g)] += 1
                counts[(down, g)] -= 1
                break
        else:
            break
    raise GeneratorError("Tabel 3: de totaalkolom uit de tekst is niet te combineren met de "
                         "percentages per doelgroep")


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise GeneratorError(what)


def generate(rng: np.random.Generator, t: Wi2021Targets, a: dict) -> pa.Table:
    p, q, start = day(t.p), day(t.q), day(C.WI2021_START)
    groups = C.DOELGROEPEN
    x = np.array([t.plichtig[g] for g in groups])
    e_total = t.geworden - int(x.sum())
    _check(e_total >= 0, "Wi2021: meer personen nog plichtig dan er plichtig werden")
    e = allocate(e_total, x)
    pip_p = np.concatenate([[t.asiel_met_pip], allocate(t.met_pip - t.asiel_met_pip, x[1:])])
    plichtig_q, pip_q = resolve_pair(rng, t.plichtig_q, t.met_pip_q, t.pct_pip_q)
    asiel_pip_q, aanbod_q = resolve_pair(rng, t.asiel_met_pip_q, t.met_aanbod_q, t.pct_aanbod_q)

    e_i = allocate(round_half_up(int(e_total) * exact(a["eind_voor_q"])), e)
    e_j = e - e_i
    e_ji = allocate(round_half_up(int(e_j.sum()) * exact(a["eind_na_q_gestart_voor_q"])), e_j)
    e_jj = e_j - e_ji
    x_q = allocate(plichtig_q - int(e_ji.sum()), x)
    x_j = x - x_q
    _check((x_j >= 0).all(), "Wi2021: meer plichtigen op de vorige peildatum dan mogelijk")
    rate = a["beeindigd_met_pip"]
    pip_ei = allocate(round_half_up(int(e_i.sum()) * exact(rate)), e_i)
    pip_eji = allocate(round_half_up(int(e_ji.sum()) * exact(rate)), e_ji)
    pip_ejj = allocate(round_half_up(int(e_jj.sum()) * exact(rate)), e_jj)
    pip_q_x = np.concatenate([[asiel_pip_q - pip_eji[0]],
                              allocate(pip_q - asiel_pip_q - int(pip_eji[1:].sum()), x_q[1:])])
    _check(((pip_q_x >= 0) & (pip_q_x <= np.minimum(x_q, pip_p))).all(),
           "Wi2021: PIP's op de vorige peildatum passen niet bij de plichtigen")

    cols: dict[str, list[np.ndarray]] = {k: [] for k in
                                         ("dg", "plicht", "einde", "pip", "aanbod", "kind")}

    def block(g: int, n: int, plicht_lo: int, plicht_hi: int, kind: int) -> None:
        cols["dg"].append(np.full(n, g))
        cols["plicht"].append(uniform_days(rng, np.full(n, plicht_lo), np.full(n, plicht_hi)))
        for k in ("einde", "pip", "aanbod"):
            cols[k].append(np.full(n, NONE))
        cols["kind"].append(np.full(n, kind))

    # kinds: 0 plichtig/started I, 1 plichtig/started J, 2 ended I, 3 ended J/started I, 4 ended J/started J
    for g in range(3):
        block(g, int(x_q[g]), start, q, 0)
        block(g, int(x_j[g]), q + 1, p, 1)
        block(g, int(e_i[g]), start, q, 2)
        block(g, int(e_ji[g]), start, q, 3)
        block(g, int(e_jj[g]), q + 1, p, 4)
    dg, plicht, einde, pip, aanbod, kind = (np.concatenate(cols[k]) for k in
                                            ("dg", "plicht", "einde", "pip", "aanbod", "kind"))
    n = len(dg)

    # ends
    m = kind == 2
    einde[m] = uniform_days(rng, plicht[m], np.full(m.sum(), q))
    m = kind == 3
    einde[m] = uniform_days(rng, np.full(m.sum(), q + 1), np.full(m.sum(), p))
    m = kind == 4
    einde[m] = uniform_days(rng, plicht[m], np.full(m.sum(), p))

    # PIPs
    for g in range(3):
        idx = np.flatnonzero((dg == g) & (kind == 0))
        early = choose(rng, idx, int(pip_q_x[g]))
        pip[early] = uniform_days(rng, plicht[early], np.full(len(early), q))
        later_pool = np.flatnonzero((dg == g) & ((kind == 0) | (kind == 1)) & (pip == NONE))
        later = choose(rng, later_pool, int(pip_p[g] - pip_q_x[g]))
        pip[later] = uniform_days(rng, np.maximum(plicht[later], q + 1), np.full(len(later), p))
        for k, counts, hi_is_q in ((2, pip_ei, False), (3, pip_eji, True), (4, pip_ejj, False)):
            idx = choose(rng, np.flatnonzero((dg == g) & (kind == k)), int(counts[g]))
            hi = np.full(len(idx), q) if hi_is_q else einde[idx]
            pip[idx] = uniform_days(rng, plicht[idx], hi)

    # aanbod (asielstatushouders; gezinsmigranten arrange their own courses)
    with_pip_q_x = np.flatnonzero((dg == 0) & (kind == 0) & (pip != NONE) & (pip <= q))
    with_pip_eji = np.flatnonzero((dg == 0) & (kind == 3) & (pip != NONE))
    a_x, a_e = allocate(aanbod_q, [len(with_pip_q_x), len(with_pip_eji)])
    for pool, k in ((with_pip_q_x, a_x), (with_pip_eji, a_e)):
        idx = choose(rng, pool, int(k))
        aanbod[idx] = uniform_days(rng, pip[idx], np.full(len(idx), q))
    extra = t.met_aanbod - int(a_x)
    pool = np.flatnonzero((dg == 0) & ((kind == 0) | (kind == 1)) & (pip != NONE) & (aanbod == NONE))
    _check(0 <= extra <= len(pool), "Wi2021: aanbod op de peildatum past niet bij de asielstatushouders met PIP")
    idx = choose(rng, pool, extra)
    aanbod[idx] = uniform_days(rng, np.maximum(pip[idx], q + 1), np.full(len(idx), p))

    # routes: Tabel 3 per doelgroep over everyone with a PIP, then Tabel 1 within route groups
    has_pip = pip != NONE
    sizes = {g: int((has_pip & (dg == i)).sum()) for i, g in enumerate(groups)}
    counts = route_counts(sizes, t.tabel3, a["leerroute_standaard"])
    route = np.full(n, NONE)
    for i, g in enumerate(groups):
        idx = np.flatnonzero(has_pip & (dg == i))
        idx = idx[rng.permutation(len(idx))]
        cuts = np.cumsum([counts[(r, g)] for r in C.LEERROUTES])[:-1]
        for r_i, part in enumerate(np.split(idx, cuts)):
            route[part] = r_i
    lbt = np.full(n, NONE)
    uitslag = np.full(n, NONE)
    group_of = np.array([C.ROUTEGROEPEN.index(C.ROUTEGROEP[r]) for r in C.LEERROUTES])
    for gi, grp in enumerate(C.ROUTEGROEPEN):
        idx = np.flatnonzero(has_pip & (group_of[np.maximum(route, 0)] == gi))
        n_h, n_n = t.tabel1[("haalbaar", grp)], t.tabel1[("niet_haalbaar", grp)]
        _check(n_h + n_n <= len(idx), f"Tabel 1, {grp}: meer personen met toets dan met PIP in die route")
        idx = idx[rng.permutation(len(idx))]
        tested = idx[: n_h + n_n]
        uitslag[tested[:n_h]] = 0
        uitslag[tested[n_h:]] = 1
        lbt[tested] = uniform_days(rng, plicht[tested], pip[tested])
    untested = np.flatnonzero(~has_pip & bernoulli(rng, n, a["lbt_zonder_pip"]))
    hi = np.where(einde[untested] != NONE, einde[untested], p)
    lbt[untested] = uniform_days(rng, plicht[untested], hi)
    uitslag[untested] = np.where(bernoulli(rng, len(untested), a["haalbaar_zonder_pip"]), 0, 1)

    # reasons the plicht ended
    reden = np.full(n, NONE)
    ended = einde != NONE
    for mask, key in ((ended & has_pip, "reden_met_pip"), (ended & ~has_pip, "reden_zonder_pip")):
        names = list(a[key])
        idx = np.flatnonzero(mask)
        picks = categorical(rng, len(idx), [a[key][k] for k in names])
        reden[idx] = [C.REDEN_EINDE_WI2021.index(names[i]) for i in picks] if len(idx) else []

    order = rng.permutation(n)
    return _table(order, dg, plicht, einde, reden, lbt, uitslag, pip, route, aanbod)


def _table(order, dg, plicht, einde, reden, lbt, uitslag, pip, route, aanbod) -> pa.Table:
    n = len(order)
    ids = np.char.add("W21-", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    cols = {
        "persoon_id": pa.array(ids),
        "doelgroep": code_column(dg[order], C.DOELGROEPEN),
        "datum_plicht": date_column(plicht[order]),
        "datum_einde": date_column(einde[order]),
        "reden_einde": code_column(reden[order], C.REDEN_EINDE_WI2021),
        "datum_lbt": date_column(lbt[order]),
        "uitslag_lbt": code_column(uitslag[order], C.UITSLAG_LBT),
        "datum_pip": date_column(pip[order]),
        "leerroute": code_column(route[order], C.LEERROUTES),
        "datum_aanbod": date_column(aanbod[order]),
    }
    return pa.table(cols)
