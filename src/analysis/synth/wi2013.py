"""Synthetic Wi2013 persons, loans and exams that reproduce Tabel 5, Tabel 6 and the
Wi2013 kerncijfers exactly, also at the earlier peildata the letter's text gives.

1. Persons per cohort with their status at P, in exactly the numbers of Tabel 5 and the
   kerncijfers (vrijgesteld and vervallen spread over the cohorts in proportion).
2. ELIP spells per Tabel 6 column: who crosses the loan threshold between which two ELIP
   peildata and when their plicht ends. An asielstatushouder is ELIP at E exactly when the
   crossing lies on or before E and the end after E, so the counts of Tabel 6 follow from
   the spells by construction; turnover between peildata is added on top of the net change.
3. End dates of everyone else whose plicht ended, spread over the periods between the
   peildata the text gives, so that the number still plichtig on each of those dates is
   the printed one.
4. Loans that never make anyone ELIP by accident: persons outside a spell either stay
   below the threshold or reach it only after the last ELIP peildatum before their end.
5. Exam histories that fit the outcome, and analfabetisme; both independent of cohort
   unless a known difference is planted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..core import contract as C
from .draw import NONE, GeneratorError, allocate, bernoulli, categorical, choose, choose_stratified, code_column, date_column, day, uniform_days
from .independent import elip_column
from .targets import Wi2013Targets

STATUS = ("ingeburgerd", "vrijgesteld", "ontheven", "vervallen", "nog_plichtig")
ING, VRIJ, ONT, VERV, NOG = range(5)


@dataclass
class Spell:
    column: str
    entry: int  # index of the first ELIP peildatum covered
    exit: int | None = None  # index x: plicht ends after E[x-1], on or before E[x] (x = m: before P)
    person: int = NONE


def _persons(rng, t: Wi2013Targets, a: dict):
    p = day(t.p)
    years = sorted(t.cohorten)
    voldaan = [t.cohorten[y]["voldaan"] for y in years]
    vrij = allocate(t.vrijgesteld, voldaan)
    totals = [sum(t.cohorten[y].values()) for y in years]
    verv = allocate(t.vervallen, totals)
    status, cohort, plicht, dg = [], [], [], []
    for i, y in enumerate(years):
        c = t.cohorten[y]
        counts = [c["voldaan"] - vrij[i], vrij[i], c["ontheven"], verv[i], c["nog_plichtig"]]
        if min(counts) < 0:
            raise GeneratorError(f"cohort {y}: meer vrijgestelden dan voldaan")
        n = sum(counts)
        status.append(np.repeat(np.arange(5), counts))
        cohort.append(np.full(n, y))
        lo = day(dt.date(y, 1, 1))
        hi = min(day(dt.date(y, 12, 31)), p)
        if hi < lo:
            raise GeneratorError(f"cohort {y} begint na de peildatum")
        plicht.append(uniform_days(rng, np.full(n, lo), np.full(n, hi)))
        share = a["asiel_aandeel"].get(str(y), 0.5)
        g = np.full(n, 1)
        asiel = choose(rng, np.arange(n), int(round(n * share)))
        g[asiel] = 0
        rest = np.flatnonzero(g == 1)
        overig = choose(rng, rest, int(round(len(rest) * a["overig_van_niet_asiel"])))
        g[overig] = 2
        dg.append(g)
    return (np.concatenate(status), np.concatenate(cohort), np.concatenate(plicht),
            np.concatenate(dg))


def _spells(rng, t: Wi2013Targets, a: dict, m: int, dates: list[dt.date]) -> list[Spell]:
    spells: list[Spell] = []
    for col in C.TABEL6_KOLOMMEN[:-1]:
        n = [t.elip[d][col] for d in dates]
        active: list[Spell] = []
        for i in range(m):
            prev = n[i - 1] if i else 0
            churn = int(a["elip_verloop"] * min(prev, n[i])) if i else 0
            n_exit, n_entry = max(0, prev - n[i]) + churn, max(0, n[i] - prev) + churn
            leaving = set(rng.permutation(len(active))[:n_exit].tolist())
            for j, s in enumerate(active):
                if j in leaving:
                    s.exit = i
            active = [s for j, s in enumerate(active) if j not in leaving]
            for _ in range(n_entry):
                s = Spell(column=col, entry=i)
                active.append(s)
                spells.append(s)
        n_after = int(a["elip_uitstroom_na_laatste"] * n[-1]) if dates[-1] < t.p else 0
        for j in rng.permutation(len(active))[:n_after]:
            active[j].exit = m
    return spells


def generate(rng: np.random.Generator, t: Wi2013Targets, a: dict, geplant: dict,
             drempel_cent: int) -> tuple[pa.Table, pa.Table, pa.Table]:
    p = day(t.p)
    status, cohort, plicht, dg = _persons(rng, t, a)
    n = len(status)
    einde = np.full(n, NONE)
    elip_dates = sorted(t.elip)
    if any(d > t.p for d in elip_dates):
        raise GeneratorError("ELIP-peildatum na de peildatum van de Wi2013-cijfers")
    e = np.array([day(d) for d in elip_dates], dtype=np.int64)
    m = len(e)
    lag = int(a["min_dagen_tot_volle_lening"])
    column = elip_column(cohort)

    # --- ELIP spells -----------------------------------------------------------------
    spells = _spells(rng, t, a, m, elip_dates)
    used = np.zeros(n, dtype=bool)
    reasons = list(a["elip_reden_einde"])
    reason_w = [a["elip_reden_einde"][r] for r in reasons]
    pools: dict[tuple[str, int], list[int]] = {}
    for col in C.TABEL6_KOLOMMEN[:-1]:
        for s_code in range(5):
            idx = np.flatnonzero((column == col) & (status == s_code) & (dg == 0))
            pools[(col, s_code)] = idx[rng.permutation(len(idx))].tolist()
    cross = np.full(n, NONE)
    for s in spells:
        bound = int(e[s.entry]) - lag
        if s.exit is None:
            order = [NOG]
        else:
            first = reasons[int(categorical(rng, 1, reason_w)[0])]
            order = [STATUS.index(first)] + [STATUS.index(r) for r in reasons if r != first]
        for s_code in order:
            pool = pools[(s.column, s_code)]
            k = next((j for j, person in enumerate(pool) if plicht[person] <= bound), None)
            if k is not None:
                s.person = pool.pop(k)
                break
        if s.person == NONE:
            raise GeneratorError(f"ELIP cohort {s.column}: te weinig asielstatushouders voor Tabel 6")
        used[s.person] = True
        lo = int(e[s.entry - 1]) + 1 if s.entry else 0
        cross[s.person] = uniform_days(rng, max(lo, int(plicht[s.person]) + lag), int(e[s.entry]))
        if s.exit is not None:
            hi = int(e[s.exit]) if s.exit < m else p
            einde[s.person] = uniform_days(rng, max(int(e[s.exit - 1]) + 1, int(cross[s.person]) + 1), hi)

    # --- end dates of everyone else that ended ----------------------------------------
    rest = np.flatnonzero(~used & (status != NOG))
    refs = sorted(d for d in t.nog_plichtig_op if d < t.p)
    bounds = [None] + [day(d) for d in refs] + [p]
    need = []
    prev_m = 0
    for d in refs:
        dd = day(d)
        target_ended = int((plicht <= dd).sum()) - t.nog_plichtig_op[d]
        m_d = target_ended - int(((einde != NONE) & (einde <= dd) & used).sum())
        need.append(m_d - prev_m)
        prev_m = m_d
    need.append(len(rest) - prev_m)
    if min(need) < 0:
        raise GeneratorError("Wi2013: het aantal nog plichtigen op een eerdere peildatum past niet "
                             "bij Tabel 5")
    weights = {int(k): v for k, v in a["recent_einde_gewicht"].items()}
    unassigned = rest
    for k in range(len(bounds) - 2, -1, -1):
        lo_b = bounds[k]
        if lo_b is None:
            chosen = unassigned
        else:
            forced = unassigned[plicht[unassigned] > lo_b]
            free = unassigned[plicht[unassigned] <= lo_b]
            if len(forced) > need[k]:
                raise GeneratorError("Wi2013: te veel personen die pas na een eerdere peildatum "
                                     "begonnen en al geëindigd zijn")
            chosen = np.concatenate([forced, choose_stratified(rng, free, cohort[free],
                                                               need[k] - len(forced), weights)])
        lo = plicht[chosen] if lo_b is None else np.maximum(plicht[chosen], lo_b + 1)
        einde[chosen] = uniform_days(rng, lo, np.full(len(chosen), bounds[k + 1]))
        unassigned = np.setdiff1d(unassigned, chosen, assume_unique=True)
    if len(unassigned):
        raise GeneratorError("Wi2013: niet iedereen kreeg een einddatum")

    loans = _loans(rng, a, status, dg, plicht, einde, cross, e, p, drempel_cent, used, lag)
    planted = _planted_group(spells, m, geplant)
    exams = _exams(rng, a, status, plicht, einde, p, planted, geplant, spells, m, e)
    analfabeet = _analfabeet(rng, a, dg, planted, geplant)

    reden = np.where(status == NOG, NONE, status)
    order = rng.permutation(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ids = np.char.add("W13-", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    persons = pa.table({
        "persoon_id": pa.array(ids),
        "doelgroep": code_column(dg[order], C.DOELGROEPEN),
        "datum_plicht": date_column(plicht[order]),
        "datum_einde": date_column(einde[order]),
        "reden_einde": code_column(reden[order], STATUS[:4]),
        "analfabeet": code_column(analfabeet[order], C.JA_NEE),
    })
    return persons, _events(ids, rank, loans, ("datum", "bedrag")), _events(ids, rank, exams, ("datum", "onderdeel", "uitslag"))


def _planted_group(spells: list[Spell], m: int, geplant: dict) -> np.ndarray:
    """Persons in the ELIP group at the last ELIP peildatum, in the planted cohorts."""
    cohorts = {str(c) for c in geplant.get("cohorten", [])}
    return np.array([s.person for s in spells
                     if (s.exit is None or s.exit >= m) and s.column in cohorts], dtype=np.int64)


def _split(rng, totals: np.ndarray, k: np.ndarray, kmax: int) -> np.ndarray:
    """Split each total (cents) into k positive parts: an n x kmax matrix, zeros beyond k."""
    w = rng.integers(1, 1001, size=(len(totals), kmax))
    w[np.arange(kmax)[None, :] >= k[:, None]] = 0
    parts = (totals[:, None] * w) // w.sum(axis=1, keepdims=True)
    parts[:, 0] += totals - parts.sum(axis=1)
    return parts


def _payments(rng, person, totals, k, first, last, kmax) -> dict[str, np.ndarray]:
    parts = _split(rng, totals, k, kmax)
    rows, cols = np.nonzero(parts > 0)
    return {"person": person[rows], "bedrag": parts[rows, cols],
            "datum": uniform_days(rng, first[rows], last[rows])}


def _loans(rng, a, status, dg, plicht, einde, cross, e, p, drempel, used, lag):
    n = len(status)
    kmax = int(a["max_betalingen"])
    maximum = int(a["max_lening_euro"]) * 100
    end = np.where(einde != NONE, np.minimum(einde, p), p)
    out = []
    # spells and full borrowers: payments before the crossing stay below the threshold
    full = cross != NONE
    ended_asiel = np.flatnonzero(~used & (dg == 0) & (status != NOG))
    prev_e = np.full(n, -(10**9))
    idx_e = np.searchsorted(e, einde[ended_asiel], side="left") - 1
    prev_e[ended_asiel] = np.where(idx_e >= 0, e[np.maximum(idx_e, 0)], -(10**9))
    lo = np.maximum(plicht + lag, prev_e + 1)
    can = np.zeros(n, dtype=bool)
    can[ended_asiel] = lo[ended_asiel] <= einde[ended_asiel] - 1
    pick = can & bernoulli(rng, n, a["volledig_geleend_beeindigd"])
    idx = np.flatnonzero(pick)
    cross[idx] = uniform_days(rng, lo[idx], einde[idx] - 1)
    full = cross != NONE
    idx = np.flatnonzero(full)
    exact = bernoulli(rng, len(idx), a["precies_drempel"])
    total = np.where(exact, drempel, rng.integers(drempel, maximum + 1, size=len(idx)))
    before = rng.integers(max(drempel - 300_000, 1), drempel, size=len(idx))
    k_before = rng.integers(1, kmax, size=len(idx))
    out.append(_payments(rng, idx, before, k_before, plicht[idx], cross[idx] - 1, kmax))
    out.append({"person": idx, "bedrag": total - before, "datum": cross[idx]})
    # everyone else: below the threshold (asielstatushouders) or anything (others, never ELIP)
    idx = np.flatnonzero(~full & (((dg == 0) & bernoulli(rng, n, a["leent_asiel"]))
                                  | ((dg != 0) & bernoulli(rng, n, a["leent_overig"]))))
    hi = np.where(dg[idx] == 0, drempel - 1, maximum)
    total = rng.integers(10_000, hi + 1)
    k = rng.integers(1, kmax + 1, size=len(idx))
    out.append(_payments(rng, idx, total, k, plicht[idx], end[idx], kmax))
    return {key: np.concatenate([o[key] for o in out]) for key in ("person", "datum", "bedrag")}


def _exams(rng, a, status, plicht, einde, p, planted, geplant, spells, m, e):
    n = len(status)
    parts = len(C.ONDERDELEN)
    end = np.where(einde != NONE, einde, p)
    # the ELIP group at the last ELIP peildatum took its exams before that date, so that
    # "more than three parts passed" at that date is what was drawn
    for s in spells:
        if s.exit is None or s.exit >= m:
            end[s.person] = min(end[s.person], int(e[-1]))
    passed = np.full(n, parts)
    tables = {NOG: "examens_nog_plichtig", ONT: "examens_ontheven", VERV: "examens_vervallen",
              VRIJ: "examens_vrijgesteld"}
    delta = float(geplant.get("verschil", 0.0))
    for code, key in tables.items():
        w = np.asarray(a[key], dtype=float)
        idx = np.flatnonzero(status == code)
        p_many = w[4:].sum() / w.sum()
        prob = np.full(len(idx), p_many)
        if delta:
            prob[np.isin(idx, planted)] = min(1.0, p_many + delta)
        many = bernoulli(rng, len(idx), prob)
        k = np.empty(len(idx), dtype=np.int64)
        k[many] = 4 + categorical(rng, int(many.sum()), w[4:] if w[4:].sum() else [1, 1])
        k[~many] = categorical(rng, int((~many).sum()), w[:4])
        passed[idx] = k
    # which parts: a random order of the six parts per person, the first k passed
    order = np.argsort(rng.random((n, parts)), axis=1)
    is_passed = np.zeros((n, parts), dtype=bool)
    is_passed[np.arange(n)[:, None], order] = np.arange(parts)[None, :] < passed[:, None]
    fails = np.where(rng.random((n, parts)) < a["kans_gezakt"],
                     rng.integers(1, int(a["max_gezakt_per_onderdeel"]) + 1, size=(n, parts)), 0)
    attempts = fails + is_passed
    person, part = np.nonzero(attempts)
    reps = attempts[person, part]
    person = np.repeat(person, reps)
    part = np.repeat(part, reps)
    datum = uniform_days(rng, plicht[person], end[person])
    key = person * parts + part
    srt = np.lexsort((datum, key))
    person, part, datum, key = person[srt], part[srt], datum[srt], key[srt]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    geslaagd = last & is_passed[person, part]
    return {"person": person, "datum": datum, "onderdeel": part, "uitslag": np.where(geslaagd, 0, 1)}


def _analfabeet(rng, a, dg, planted, geplant) -> np.ndarray:
    n = len(dg)
    prob = np.array([a["analfabeet"][g] for g in C.DOELGROEPEN])[dg]
    delta = float(geplant.get("verschil", 0.0))
    if delta:
        prob[planted] = np.minimum(1.0, prob[planted] + delta)
    ja = bernoulli(rng, n, prob)
    unknown = bernoulli(rng, n, a["analfabeet_onbekend"])
    return np.where(unknown, NONE, np.where(ja, 0, 1))


def _events(ids: np.ndarray, rank: np.ndarray, ev: dict, columns: tuple[str, ...]) -> pa.Table:
    """Rows in the order of the persons file, then by date."""
    srt = np.lexsort((ev["datum"], rank[ev["person"]]))
    out = {"persoon_id": pa.array(ids[rank[ev["person"][srt]]])}
    for c in columns:
        v = ev[c][srt]
        if c == "datum":
            out[c] = date_column(v)
        elif c == "bedrag":
            out[c] = pa.array(v.astype(np.int64))
        elif c == "onderdeel":
            out[c] = code_column(v, C.ONDERDELEN)
        elif c == "uitslag":
            out[c] = code_column(v, C.UITSLAG_EXAMEN)
    return pa.table(out)
