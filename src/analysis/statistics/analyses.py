"""The analyses of statistiek.csv (`analyse,kenmerk,toets,grootheid,waarde`).

elip_samenstelling  the ELIP group at an ELIP peildatum, cohorts 2020-2021 against the
                    other cohorts, on analfabetisme (unknown left out, and counted) and on
                    having passed more than three distinct exam parts; per characteristic the
                    2x2 counts, both shares, their difference, chi-square, Fisher, Cramér's V,
                    Holm over the two characteristics, the minimum detectable difference, the
                    simulated power of the chi-square test at the equivalence margin with its
                    simulated size, and TOST; and every cohort
                    against the others (k x 2, small cohorts pooled until every expected
                    count is at least 5).
lbt_overeenstemming Tabel 1: observed agreement, Cohen's kappa, McNemar (mid-p) on the discordant cells.
pip_verandering     Tabel 2 and 4: the share at P and at Q and the change, with intervals, and
aanbod_verandering  how much the two populations overlap.
leerroute_doelgroep Tabel 3: chi-square of leerroute by doelgroep, adjusted residuals, V.
wi2013_trend        Tabel 5: Cochran-Armitage trend in the share still plichtig over cohorts.
elip_groei          Tabel 6: growth between the first and last ELIP peildatum by cohort.

Table-based analyses read the run's (possibly protected) tables, so a suppressed cell makes
the statistics that need it empty instead of leaking it; the composition analysis works on
person level and is emptied as a whole when one of its counts is below the threshold.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import contract as C
from ..core.params import Parameters
from ..definitions.outputs import cell
from ..extract.model import Extract
from . import methods as M
from .counts import COHORT_ROWS, GROEP, KENMERKEN, composition_blocks, composition_data, overlap, overlap_key
from .results import COLUMNS, MCNEMAR, TOST, TOST_EXACT


@dataclass(frozen=True)
class Options:
    marge: float = Parameters.marge  # equivalence margin (share points)
    elip_peildatum: dt.date | None = None  # default: the last ELIP peildatum of the run
    seed: int = Parameters.seed
    herhalingen: int = 2000  # simulations for the power estimate (0: no simulation)
    celbeveiliging: int = 0
    # the run's celbeveiliging pattern (anything with `key in afgeschermd`: the hidden
    # publication.items.CellKeys of statistics.counts.published); None: the statistics judge
    # their own counts (primary suppression only, for use outside a run)
    afgeschermd: object | None = None

    @classmethod
    def of(cls, params: Parameters) -> "Options":
        """The options a run's parameters give."""
        return cls(marge=params.marge, seed=params.seed, celbeveiliging=params.celbeveiliging)


class Rows:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, analyse, kenmerk, toets, **values):
        for grootheid, waarde in values.items():
            self.rows.append((analyse, kenmerk, toets, grootheid,
                              float(waarde) if waarde is not None else math.nan))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(COLUMNS))


# ---- ELIP composition -----------------------------------------------------------------

def _pool_small(table: pd.DataFrame) -> pd.DataFrame:
    """Merge adjacent cohorts until every expected count is at least 5 (Cochran's rule)."""
    groups = [[k] for k in table.index]
    counts = [table.loc[k].to_numpy(dtype=float) for k in table.index]
    total = sum(counts)
    share = total / total.sum() if total.sum() else total

    def small(c):
        return (c.sum() * share < 5).any()
    i = 0
    while len(counts) > 1 and i < len(counts):
        if small(counts[i]):
            j = i + 1 if i + 1 < len(counts) else i - 1
            lo, hi = min(i, j), max(i, j)
            counts[lo] = counts[lo] + counts[hi]
            groups[lo] = groups[lo] + groups[hi]
            del counts[hi], groups[hi]
            i = 0
            continue
        i += 1
    labels = [g[0] if len(g) == 1 else f"{g[0]}-{g[-1]}" for g in groups]
    return pd.DataFrame(counts, index=labels, columns=table.columns)


def equivalence(x1: int, n1: int, x2: int, n2: int, marge: float) -> tuple[str, tuple[float, float, float]]:
    """The TOST of the composition and the name it is written under: the exact unconditional
    test where an expected count is below 5 (methods.tost_needs_exact), the score TOST
    otherwise; the exact test's cost grows with n1 n2, and at large expected counts the two
    agree."""
    if min(n1, n2) > 0 and M.tost_needs_exact(x1, n1, x2, n2, marge):
        return TOST_EXACT, M.tost_exact(x1, n1, x2, n2, marge)
    return TOST, M.tost(x1, n1, x2, n2, marge)


def elip_composition(rows: Rows, extract: Extract, params: Parameters, opt: Options) -> None:
    d = opt.elip_peildatum or (params.elip[-1] if params.elip else None)
    if d is None:
        return
    data = composition_data(extract, d, params.elip_drempel_cent)
    a = "elip_samenstelling"
    block: dict[str, list[tuple]] = {}
    pvals_chi, pvals_fisher = [], []
    for k in KENMERKEN:
        r = Rows()
        known = data[~data[k].isna()]
        g = known["groep_2020_2021"].to_numpy()
        y = known[k].to_numpy() == 1.0
        n1, x1 = int(g.sum()), int((g & y).sum())
        n2, x2 = int((~g).sum()), int((~g & y).sum())
        unknown = data[data[k].isna()]
        r.add(a, k, "aantallen", n_2020_2021=n1, ja_2020_2021=x1, n_overig=n2, ja_overig=x2,
              onbekend_2020_2021=int(unknown["groep_2020_2021"].sum()),
              onbekend_overig=int((~unknown["groep_2020_2021"]).sum()))
        p1 = x1 / n1 if n1 else math.nan
        p2 = x2 / n2 if n2 else math.nan
        lo, hi = M.wilson(x1, n1)
        r.add(a, k, "aandeel_2020_2021", schatting=p1, ci_laag=lo, ci_hoog=hi)
        lo, hi = M.wilson(x2, n2)
        r.add(a, k, "aandeel_overig", schatting=p2, ci_laag=lo, ci_hoog=hi)
        lo, hi = M.newcombe(x1, n1, x2, n2)
        r.add(a, k, "verschil", schatting=p1 - p2, ci_laag=lo, ci_hoog=hi)
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        stat, df, p = M.chi2(table)
        pvals_chi.append(p)
        r.add(a, k, "chi2", statistiek=stat, df=df, p=p)
        if min(n1, n2) > 0:
            odds, pf = M.fisher(table)
        else:
            odds, pf = math.nan, math.nan
        pvals_fisher.append(pf)
        r.add(a, k, "fisher", statistiek=odds, p=pf)
        r.add(a, k, "cramers_v", schatting=M.cramers_v(table))
        diff, h = M.mde(n1, n2, p2)
        r.add(a, k, "mde", schatting=diff, h=h, alpha=0.05, power=0.80)
        if opt.herhalingen:  # 0: not simulated (the claims need no power)
            power, size = M.simulated_power(n1, n2, p2, opt.marge, opt.herhalingen, opt.seed)
            r.add(a, k, "power_simulatie", schatting=power, omvang=size,
                  verschil=opt.marge, herhalingen=opt.herhalingen, seed=opt.seed)
        toets, (pt, plo, phi) = equivalence(x1, n1, x2, n2, opt.marge)
        r.add(a, k, toets, p=pt, p_laag=plo, p_hoog=phi, marge=opt.marge)
        # every cohort against the others: k x 2, small cohorts pooled
        ct = pd.crosstab(known["kolom"], known[k]).reindex(columns=[1.0, 0.0], fill_value=0)
        ct = ct.reindex([c for c in C.TABEL6_KOLOMMEN[:-1] if c in ct.index])
        if len(ct) >= 2:
            pooled = _pool_small(ct)
            if len(pooled) >= 2:
                stat, df, p = M.chi2(pooled.to_numpy())
                r.add(a, k, "chi2_cohorten", statistiek=stat, df=df, p=p, groepen=len(pooled))
                res = M.adjusted_residuals(pooled.to_numpy())[:, 0]
                for label, v in zip(pooled.index, res):
                    r.rows.append((a, k, "residu_cohort", str(label), float(v)))
        block[k] = r.rows
    holm_chi, holm_fisher = M.holm(pvals_chi), M.holm(pvals_fisher)
    for k, hc, hf in zip(KENMERKEN, holm_chi, holm_fisher):
        rows_k = block[k]
        out = []
        for row in rows_k:
            out.append(row)
            if row[2] == "chi2" and row[3] == "p":
                out.append((a, k, "chi2", "p_holm", hc))
            if row[2] == "fisher" and row[3] == "p":
                out.append((a, k, "fisher", "p_holm", hf))
        counts = [v for (_, _, t, g, v) in rows_k if t == "aantallen"]
        cells = [counts[1], counts[0] - counts[1], counts[3], counts[2] - counts[3]]
        if opt.afgeschermd is not None:
            group, cohorts = composition_blocks(d, k, params)
            hidden = {id(b): any(key in opt.afgeschermd for key in b) for b in (group, cohorts)}
            out = [(an, ke, to, gr, math.nan if hidden[id(cohorts if to in COHORT_ROWS else group)] else v)
                   for (an, ke, to, gr, v) in out]
        elif opt.celbeveiliging and any(0 < c < opt.celbeveiliging for c in cells):
            out = [(an, ke, to, gr, math.nan) for (an, ke, to, gr, _) in out]
        rows.rows.extend(out)


# ---- table-based analyses -------------------------------------------------------------

def _finite(*values) -> bool:
    return all(v is not None and not math.isnan(v) for v in values)


def lbt_agreement(rows: Rows, t1: pd.DataFrame) -> None:
    a = "lbt_overeenstemming"
    hb, hz = cell(t1, "haalbaar", "b1_onderwijsroute"), cell(t1, "haalbaar", "z_route")
    nb, nz = cell(t1, "niet_haalbaar", "b1_onderwijsroute"), cell(t1, "niet_haalbaar", "z_route")
    if not _finite(hb, hz, nb, nz) or hb + hz + nb + nz == 0:
        return
    n = int(hb + hz + nb + nz)
    agree = int(hb + nz)
    lo, hi = M.wilson(agree, n)
    rows.add(a, "", "overeenstemming", schatting=agree / n, ci_laag=lo, ci_hoog=hi)
    kap, se, klo, khi = M.kappa([[hb, hz], [nb, nz]])
    rows.add(a, "", "kappa", schatting=kap, se=se, ci_laag=klo, ci_hoog=khi)
    stat, p = M.mcnemar_midp([[hb, hz], [nb, nz]])
    rows.add(a, "", MCNEMAR, statistiek=stat, df=1, p=p)
    up, down = int(nb), int(hz)  # niet haalbaar placed higher; haalbaar placed lower
    if up + down:
        lo, hi = M.wilson(up, up + down)
        rows.add(a, "", "aandeel_afwijking_omhoog", schatting=up / (up + down), ci_laag=lo, ci_hoog=hi,
                 omhoog=up, omlaag=down)


def share_change(rows: Rows, analyse: str, table: pd.DataFrame, base_row: str, part_row: str,
                 p: dt.date, q: dt.date, overlap: tuple[int, int] | None) -> None:
    bp, xp = cell(table, base_row, p.isoformat()), cell(table, part_row, p.isoformat())
    bq, xq = cell(table, base_row, q.isoformat()), cell(table, part_row, q.isoformat())
    if not _finite(bp, xp, bq, xq) or not bp or not bq:
        return
    for label, x, n in (("aandeel_peildatum", xp, bp), ("aandeel_vorige_peildatum", xq, bq)):
        lo, hi = M.wilson(int(x), int(n))
        rows.add(analyse, "", label, schatting=x / n, ci_laag=lo, ci_hoog=hi)
    lo, hi = M.newcombe(int(xp), int(bp), int(xq), int(bq))
    rows.add(analyse, "", "verschil", schatting=xp / bp - xq / bq, ci_laag=lo, ci_hoog=hi)
    if overlap is not None:
        both, n_p = overlap  # None: left out by celbeveiliging
        rows.add(analyse, "", "overlap", n_beide=both,
                 aandeel_beide=both / n_p if both is not None and n_p else math.nan)


def _overlap_shown(analyse: str, extract: Extract, p: dt.date, q: dt.date, asiel: bool,
                   opt: Options) -> tuple[int | None, int | None]:
    """The overlap, or (None, None) when celbeveiliging leaves it out: it or a complement
    (only at P, only at Q) is a small count."""
    both, n_p = overlap(extract, p, q, asiel)
    if opt.afgeschermd is not None:
        return (None, None) if overlap_key(analyse, p, q) in opt.afgeschermd else (both, n_p)
    n_q = overlap(extract, q, p, asiel)[1]
    if opt.celbeveiliging and any(0 < c < opt.celbeveiliging for c in (both, n_p - both, n_q - both)):
        return None, None
    return both, n_p


def route_by_group(rows: Rows, t3: pd.DataFrame) -> None:
    a = "leerroute_doelgroep"
    table = np.array([[cell(t3, r, g) for g in C.DOELGROEPEN] for r in C.LEERROUTES])
    if np.isnan(table).any() or table.sum() == 0:
        return
    keep_r = table.sum(axis=1) > 0
    keep_c = table.sum(axis=0) > 0
    sub = table[keep_r][:, keep_c]
    if min(sub.shape) < 2:
        return
    stat, df, p = M.chi2(sub)
    rows.add(a, "", "chi2", statistiek=stat, df=df, p=p)
    rows.add(a, "", "cramers_v", schatting=M.cramers_v(sub))
    res = M.adjusted_residuals(sub)
    routes = [r for r, k in zip(C.LEERROUTES, keep_r) if k]
    groups = [g for g, k in zip(C.DOELGROEPEN, keep_c) if k]
    for i, r in enumerate(routes):
        for j, g in enumerate(groups):
            rows.rows.append((a, f"{r}_{g}", "residu", "statistiek", float(res[i, j])))


def wi2013_trend(rows: Rows, t5: pd.DataFrame) -> None:
    a = "wi2013_trend"
    years = list(dict.fromkeys(t5["rij"]))
    nog = [cell(t5, y, "nog_plichtig") for y in years]
    tot = [cell(t5, y, "totaal") for y in years]
    if not years or not _finite(*nog, *tot):
        return
    stat, p, slope = M.cochran_armitage(nog, tot, [int(y) for y in years])
    rows.add(a, "", "cochran_armitage", statistiek=stat, df=1, p=p, helling_per_jaar=slope)


def elip_growth(rows: Rows, t6: pd.DataFrame) -> None:
    a = "elip_groei"
    dates = list(dict.fromkeys(t6["rij"]))
    if len(dates) < 2:
        return
    first, last = dates[0], dates[-1]
    total = cell(t6, last, "totaal") - cell(t6, first, "totaal")
    for k in C.TABEL6_KOLOMMEN[:-1]:
        delta = cell(t6, last, k) - cell(t6, first, k)
        rows.add(a, k, "groei", verschil=delta, bijdrage=delta / total if total else math.nan)
    grp = sum(cell(t6, last, k) - cell(t6, first, k) for k in GROEP)
    rows.add(a, "totaal", "groei", verschil=total)
    rows.add(a, "2020_2021", "groei", verschil=grp, aandeel_groei=grp / total if total else math.nan)


def compute(extract: Extract, params: Parameters, run_tables: dict[str, pd.DataFrame],
            opt: Options = Options()) -> pd.DataFrame:
    rows = Rows()
    elip_composition(rows, extract, params, opt)
    lbt_agreement(rows, run_tables["tabel1"])
    p, q = params.peildatum, params.q
    share_change(rows, "pip_verandering", run_tables["tabel2"], "inburgeringsplichtig", "met_pip", p, q,
                 _overlap_shown("pip_verandering", extract, p, q, False, opt))
    share_change(rows, "aanbod_verandering", run_tables["tabel4"], "asiel_met_pip", "met_aanbod", p, q,
                 _overlap_shown("aanbod_verandering", extract, p, q, True, opt))
    route_by_group(rows, run_tables["tabel3"])
    wi2013_trend(rows, run_tables["tabel5"])
    elip_growth(rows, run_tables["tabel6"])
    return rows.frame()


def write(df: pd.DataFrame, path) -> None:
    from ..definitions.outputs import to_csv_text
    out = df.copy()
    out["waarde"] = ["" if (isinstance(v, float) and math.isnan(v)) else repr(float(v)) for v in out["waarde"]]
    path.write_text(to_csv_text(out, COLUMNS), encoding="utf-8")


