"""The estimators, one function each, with the choice made explicit.

* Proportions: Wilson score interval for one share; Newcombe's hybrid score interval
  (method 10, Newcombe 1998) for a difference of two independent shares.
* 2 x 2 and r x c tables: Pearson's chi-square without continuity correction (the
  correction is conservative and unnecessary at these sizes), Fisher's exact test (two
  sided, scipy), Cramér's V, adjusted standardized residuals (Agresti 2007, §2.4.5).
* Several characteristics at once: Holm's step-down adjustment.
* Equivalence: two one-sided score tests (Miettinen-Nurminen/Farrington-Manning, via
  statsmodels), margin as a parameter.
* Power: minimum detectable difference for two independent shares at power 1 - beta and
  two-sided alpha, on Cohen's arcsine scale h (Cohen 1988, ch. 6).
* Agreement: Cohen's kappa with the large-sample standard error of Fleiss, Cohen &
  Everitt (1969); McNemar's test without continuity correction (Agresti 2007, §8.1).
* Trend over ordered groups: the Cochran-Armitage test (as R's prop.trend.test).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import Table, mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          tost_proportions_2indep)

Z975 = stats.norm.ppf(0.975)


def wilson(count: int, nobs: int, alpha: float = 0.05) -> tuple[float, float]:
    if nobs == 0:
        return math.nan, math.nan
    lo, hi = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    return float(lo), float(hi)


def newcombe(count1: int, nobs1: int, count2: int, nobs2: int, alpha: float = 0.05) -> tuple[float, float]:
    """Interval for p1 - p2 (Newcombe 1998, method 10)."""
    if nobs1 == 0 or nobs2 == 0:
        return math.nan, math.nan
    lo, hi = confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb",
                                        compare="diff", alpha=alpha)
    return float(lo), float(hi)


def chi2(table) -> tuple[float, int, float]:
    """Pearson's chi-square without continuity correction: (statistic, df, p)."""
    t = np.asarray(table, dtype=float)
    if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
        return math.nan, int((t.shape[0] - 1) * (t.shape[1] - 1)), math.nan
    stat, p, df, _ = stats.chi2_contingency(t, correction=False)
    return float(stat), int(df), float(p)


def fisher(table) -> tuple[float, float]:
    """Fisher's exact test, two-sided: (sample odds ratio, p)."""
    res = stats.fisher_exact(np.asarray(table, dtype=np.int64))
    return float(res.statistic), float(res.pvalue)


def cramers_v(table) -> float:
    t = np.asarray(table, dtype=float)
    if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
        return math.nan
    return float(stats.contingency.association(np.rint(t).astype(np.int64), method="cramer",
                                               correction=False))


def adjusted_residuals(table) -> np.ndarray:
    """(observed - expected) / its standard error under independence."""
    return np.asarray(Table(np.asarray(table, dtype=float)).standardized_resids)


def holm(pvalues: list[float]) -> list[float]:
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out.tolist()


def tost(count1: int, nobs1: int, count2: int, nobs2: int, margin: float) -> tuple[float, float, float]:
    """Equivalence of two shares within +/- margin: (p, p lower test, p upper test)."""
    if min(nobs1, nobs2) == 0:
        return math.nan, math.nan, math.nan
    try:
        res = tost_proportions_2indep(count1, nobs1, count2, nobs2, -margin, margin, method="score")
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return math.nan, math.nan, math.nan
    return float(res.pvalue), float(res.results_larger.pvalue), float(res.results_smaller.pvalue)


def mde(nobs1: int, nobs2: int, p2: float, alpha: float = 0.05, power: float = 0.80) -> tuple[float, float]:
    """Smallest p1 - p2 > 0 detectable with the given power: (difference, Cohen's h)."""
    if min(nobs1, nobs2) == 0 or math.isnan(p2):
        return math.nan, math.nan
    h = (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * math.sqrt(1 / nobs1 + 1 / nobs2)
    phi2 = 2 * math.asin(math.sqrt(p2))
    phi1 = min(phi2 + h, math.pi)
    return math.sin(phi1 / 2) ** 2 - p2, h


def kappa(table) -> tuple[float, float, float, float]:
    """Cohen's kappa: (kappa, standard error, lower, upper) for a 95% interval."""
    res = cohens_kappa(np.asarray(table, dtype=float))
    return float(res.kappa), float(res.std_kappa), float(res.kappa_low), float(res.kappa_upp)


def mcnemar_test(table) -> tuple[float, float]:
    """McNemar's chi-square on the discordant cells, without correction: (statistic, p)."""
    res = mcnemar(np.asarray(table, dtype=float), exact=False, correction=False)
    return float(res.statistic), float(res.pvalue)


def cochran_armitage(events, totals, scores=None) -> tuple[float, float, float]:
    """Chi-square (1 df) for a linear trend in shares over ordered groups: (stat, p, slope).

    Same statistic as R's prop.trend.test; `slope` is the weighted least-squares change in
    the share per unit of score (the direction of the trend).
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    s = np.arange(1, len(x) + 1, dtype=float) if scores is None else np.asarray(scores, dtype=float)
    keep = n > 0
    x, n, s = x[keep], n[keep], s[keep]
    big_n = n.sum()
    if big_n == 0 or len(x) < 2:
        return math.nan, math.nan, math.nan
    p = x.sum() / big_n
    if p in (0.0, 1.0):
        return math.nan, math.nan, math.nan
    sbar = (n * s).sum() / big_n
    t = (x * (s - sbar)).sum()
    var = p * (1 - p) * (n * (s - sbar) ** 2).sum()
    stat = t * t / var
    slope = t / (n * (s - sbar) ** 2).sum()
    return float(stat), float(stats.chi2.sf(stat, 1)), float(slope)


def rejections_chi2(a: np.ndarray, n1: int, b: np.ndarray, n2: int, alpha: float = 0.05) -> np.ndarray:
    """Vectorised 2 x 2 chi-square test for many simulated tables: True where p < alpha."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = n1 + n2
    col = a + b
    e11, e21 = n1 * col / n, n2 * col / n
    e12, e22 = n1 - e11, n2 - e21
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = ((a - e11) ** 2 / e11 + (n1 - a - e12) ** 2 / e12
              + (b - e21) ** 2 / e21 + (n2 - b - e22) ** 2 / e22)
    return np.nan_to_num(stats.chi2.sf(x2, 1), nan=1.0) < alpha


def simulated_power(n1: int, n2: int, p2: float, diff: float, reps: int, seed: int,
                    alpha: float = 0.05) -> float:
    """Share of `reps` simulated ELIP groups in which the chi-square test rejects."""
    if min(n1, n2) == 0 or math.isnan(p2):
        return math.nan
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.binomial(n1, min(1.0, max(0.0, p2 + diff)), size=reps)
    b = rng.binomial(n2, p2, size=reps)
    return float(rejections_chi2(a, n1, b, n2, alpha).mean())
