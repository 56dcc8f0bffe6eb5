"""The estimators, one function each, with the choice made explicit.

* Proportions: Wilson score interval for one share; Newcombe's hybrid score interval
  (method 10, Newcombe 1998) for a difference of two independent shares.
* 2 x 2 and r x c tables: Pearson's chi-square without continuity correction (the
  correction is conservative and unnecessary at these sizes), Fisher's exact test (two
  sided, scipy), Cramér's V, Haberman's adjusted residuals (Agresti 2007, §2.4.5), on the
  counts as they are (no shift of zero cells).
* Several characteristics at once: Holm's step-down adjustment.
* Equivalence: two one-sided Miettinen-Nurminen score tests with our own restricted MLE
  (statsmodels 0.14.6 has a wrong coefficient there, issue 10269), margin as a parameter;
  with an expected count below 5 (Cochran's rule) the two exact unconditional tests of Chan
  (1998) on the same score ordering instead (`tost_needs_exact`, `tost_exact`).
* Power: minimum detectable difference for two independent shares at power 1 - beta and
  two-sided alpha, on Cohen's arcsine scale h (Cohen 1988, ch. 6); simulated power of the
  reported chi-square test, with its simulated size.
* Agreement: Cohen's kappa with the large-sample standard error of Fleiss, Cohen &
  Everitt (1969), interval within [-1, 1]; McNemar's test as the mid-p test (Fagerland,
  Lydersen & Laake 2013), with the chi-square statistic without correction (Agresti 2007,
  §8.1) beside it; p = 1 without discordant pairs.
* Trend over ordered groups: the Cochran-Armitage test (as R's prop.trend.test).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

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
    """Haberman's adjusted residuals, (O - E) / sqrt(E (1 - r/N) (1 - c/N)), on the counts as
    they are: statsmodels' `Table` first adds 0.5 to every zero cell (`shift_zeros=True`),
    which changes every residual of a table with a zero. A cell in a row or column that holds
    everything or nothing has no variance under independence: NaN (undefined, on purpose)."""
    t = np.asarray(table, dtype=float)
    n = t.sum()
    out = np.full(t.shape, np.nan)
    if n == 0:
        return out
    r = t.sum(axis=1, keepdims=True)
    c = t.sum(axis=0, keepdims=True)
    e = r * c / n
    var = e * (1 - r / n) * (1 - c / n)
    ok = var > 0
    out[ok] = ((t - e)[ok]) / np.sqrt(var[ok])
    return out


def holm(pvalues: list[float]) -> list[float]:
    """Holm's step-down adjustment over the whole planned family.

    A hypothesis that could not be tested (NaN) stays in the family, ranked last: dropping it
    would shrink m and make the others look stronger than the plan allows. Its own adjusted
    value stays NaN.
    """
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    out = np.full(m, np.nan)
    if m == 0:
        return []
    filled = np.where(np.isnan(p), 1.0, p)
    order = np.argsort(filled, kind="stable")
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * filled[i]))
        out[i] = running
    out[np.isnan(p)] = np.nan
    return out.tolist()


def restricted_mle(count1: int, nobs1: int, count2: int, nobs2: int, diff: float) -> tuple[float, float]:
    """(p1, p2) maximising the binomial likelihood under p1 - p2 = diff.

    statsmodels 0.14.6 `score_test_proportions_2indep` solves this with a cubic whose linear
    coefficient has `count0` where `nobs0` belongs (statsmodels issue 10269, fix proposed in
    PR 10270): its null proportions do not maximise the likelihood, so every score p-value and
    TOST decision for diff != 0 is off, and a zero count gives NaN. Until a fixed statsmodels
    is pinned, this builds the score equation's polynomial by exact polynomial products (no
    hand-expanded coefficients), takes its real roots inside the feasible range and the range
    ends, and keeps the candidate with the largest likelihood (0 log 0 = 0, so zero counts and
    boundary maxima are covered).
    """
    x1, n1, x2, n2 = float(count1), float(nobs1), float(count2), float(nobs2)
    lo, hi = max(0.0, -diff), min(1.0, 1.0 - diff)  # feasible p2

    def loglik(p2):
        p1 = p2 + diff
        return (special.xlogy(x1, p1) + special.xlog1py(n1 - x1, -p1)
                + special.xlogy(x2, p2) + special.xlog1py(n2 - x2, -p2))

    P = np.polynomial.Polynomial
    p2 = P([0.0, 1.0])
    p1 = p2 + diff
    q1, q2 = 1 - p1, 1 - p2
    # score: x1/p1 - (n1-x1)/q1 + x2/p2 - (n2-x2)/q2 = 0, times p1 q1 p2 q2
    poly = (x1 * q1 * p2 * q2 - (n1 - x1) * p1 * p2 * q2
            + x2 * p1 * q1 * q2 - (n2 - x2) * p1 * q1 * p2)
    # every feasible stationary point and both ends; a non-root among them cannot beat the maximum
    candidates = [lo, hi] + [float(r.real) for r in poly.roots() if abs(r.imag) < 1e-9 and lo <= r.real <= hi]
    best = max(candidates, key=loglik)
    return best + diff, best


def score_statistic(count1: int, nobs1: int, count2: int, nobs2: int, diff: float,
                    correction: bool = True) -> float:
    """z for H0: p1 - p2 = diff, variance at the restricted MLE (Miettinen & Nurminen 1985;
    without `correction`, the factor N / (N - 1), Farrington & Manning 1990 / Mee 1984).

    Where the variance is zero the data sit exactly on the boundary of the null: z = 0 when
    the observed difference equals diff, otherwise +-inf.
    """
    if min(nobs1, nobs2) == 0:
        return math.nan
    p1t, p2t = restricted_mle(count1, nobs1, count2, nobs2, diff)
    var = p1t * (1 - p1t) / nobs1 + p2t * (1 - p2t) / nobs2
    n = nobs1 + nobs2
    if correction:
        var *= n / (n - 1)
    num = count1 / nobs1 - count2 / nobs2 - diff
    if abs(num) < 1e-15:
        return 0.0
    if var <= 0:
        return math.copysign(math.inf, num)
    return num / math.sqrt(var)


def tost(count1: int, nobs1: int, count2: int, nobs2: int, margin: float) -> tuple[float, float, float]:
    """Equivalence of two shares within +/- margin by two one-sided Miettinen-Nurminen score
    tests: (p, p of H0 p1 - p2 <= -margin, p of H0 p1 - p2 >= margin). Defined at zero counts."""
    if min(nobs1, nobs2) == 0:
        return math.nan, math.nan, math.nan
    z_low = score_statistic(count1, nobs1, count2, nobs2, -margin)
    z_upp = score_statistic(count1, nobs1, count2, nobs2, margin)
    p_low, p_upp = float(stats.norm.sf(z_low)), float(stats.norm.cdf(z_upp))
    return max(p_low, p_upp), p_low, p_upp


EXPECTED_MIN = 5  # Cochran (1954): the normal approximation wants every expected count >= 5


def tost_needs_exact(count1: int, nobs1: int, count2: int, nobs2: int, margin: float) -> bool:
    """Whether the score TOST's normal approximation is not to be trusted: an expected count
    below 5 under either one-sided null (n p and n (1 - p) at the restricted MLE of each
    group, Cochran's rule, the rule the k x 2 chi-square already pools by). 0/57 against
    0/239 at 5 points, for instance, expects 0 of the 239 to have the characteristic; the
    score TOST calls that equivalent (p 0,042), the exact test does not (p 0,054)."""
    for diff in (-margin, margin):
        p1, p2 = restricted_mle(count1, nobs1, count2, nobs2, diff)
        expected = (nobs1 * p1, nobs1 * (1 - p1), nobs2 * p2, nobs2 * (1 - p2))
        if min(expected) < EXPECTED_MIN:
            return True
    return False


def restricted_mle_all(nobs1: int, nobs2: int, diff: float, iterations: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """`restricted_mle` for every table (x1, x2) with these group sizes at once, as arrays of
    shape (nobs1 + 1, nobs2 + 1): the exact test orders all tables by their score statistic.

    The restricted log-likelihood is concave in p2 on the feasible range, so bisection on its
    derivative finds the maximum (or the end of the range it lies at) for all tables at once;
    64 halvings leave an error below 1e-18. A derivative term whose count is 0 is 0 (0 log 0)."""
    x1 = np.arange(nobs1 + 1, dtype=float)[:, None]
    x2 = np.arange(nobs2 + 1, dtype=float)[None, :]
    lo = np.full((nobs1 + 1, nobs2 + 1), max(0.0, -diff))
    hi = np.full((nobs1 + 1, nobs2 + 1), min(1.0, 1.0 - diff))
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(iterations):
            mid = (lo + hi) / 2
            q1 = mid + diff
            slope = (np.where(x1 > 0, x1 / q1, 0.0) - np.where(x1 < nobs1, (nobs1 - x1) / (1 - q1), 0.0)
                     + np.where(x2 > 0, x2 / mid, 0.0) - np.where(x2 < nobs2, (nobs2 - x2) / (1 - mid), 0.0))
            rising = slope > 0
            lo, hi = np.where(rising, mid, lo), np.where(rising, hi, mid)
    p2 = (lo + hi) / 2
    return p2 + diff, p2


def score_statistics_all(nobs1: int, nobs2: int, diff: float) -> np.ndarray:
    """`score_statistic` (Miettinen-Nurminen) for every table with these group sizes."""
    p1, p2 = restricted_mle_all(nobs1, nobs2, diff)
    n = nobs1 + nobs2
    var = (p1 * (1 - p1) / nobs1 + p2 * (1 - p2) / nobs2) * n / (n - 1)
    num = np.arange(nobs1 + 1)[:, None] / nobs1 - np.arange(nobs2 + 1)[None, :] / nobs2 - diff
    with np.errstate(divide="ignore", invalid="ignore"):
        z = num / np.sqrt(var)
    z[np.abs(num) < 1e-14] = 0.0
    return z


def exact_noninferiority(count1: int, nobs1: int, count2: int, nobs2: int, diff: float,
                         grid: int = 400) -> float:
    """Exact unconditional p-value of one non-inferiority hypothesis (Chan 1998): H0 p1 - p2 <=
    diff against p1 - p2 > diff. (The other direction is this one on the complementary counts:
    H0 p1 - p2 >= d for x1, x2 is H0 p1' - p2' <= -d for n1 - x1, n2 - x2.)

    Tables are ordered by the score statistic at diff; the p-value is the largest probability,
    over the nuisance p2 on the null's boundary p1 = p2 + diff, of a table at least as extreme
    as the observed one. The ordering is first made monotone (more successes in group 1 or
    fewer in group 2 never make a table less extreme): then the rejection region satisfies
    Barnard's convexity condition, its probability grows towards the alternative, and the
    supremum over the whole null lies on its boundary (Röhmel & Mansmann 1999). For the score
    statistic the ordering is monotone already in every case tried; the hull only guarantees it.
    The maximum: a grid of 400 nuisance values, then a bounded refinement around the best.
    """
    z = score_statistics_all(nobs1, nobs2, diff)
    z = np.maximum.accumulate(z, axis=0)  # non-decreasing in x1
    z = np.maximum.accumulate(z[:, ::-1], axis=1)[:, ::-1]  # non-increasing in x2
    observed = z[count1, count2]
    region = (z >= observed - 1e-9 * max(1.0, abs(observed))).astype(float)
    x1, x2 = np.arange(nobs1 + 1), np.arange(nobs2 + 1)
    lo, hi = max(0.0, -diff), min(1.0, 1.0 - diff)

    def prob(p2):
        p2 = np.atleast_1d(p2)
        b1 = stats.binom.pmf(x1[None, :], nobs1, np.clip(p2 + diff, 0, 1)[:, None])
        b2 = stats.binom.pmf(x2[None, :], nobs2, np.clip(p2, 0, 1)[:, None])
        return np.einsum("gi,ij,gj->g", b1, region, b2)

    nuisance = np.linspace(lo, hi, grid)
    values = prob(nuisance)
    best = float(values.max())
    step = (hi - lo) / (grid - 1)
    for i in np.argsort(values)[-3:]:
        a, b = max(lo, nuisance[i] - step), min(hi, nuisance[i] + step)
        res = optimize.minimize_scalar(lambda q: -prob(q)[0], bounds=(a, b), method="bounded",
                                       options={"xatol": 1e-10})
        best = max(best, -float(res.fun))
    return min(1.0, best)


def tost_exact(count1: int, nobs1: int, count2: int, nobs2: int, margin: float) -> tuple[float, float, float]:
    """Equivalence within +/- margin by two exact unconditional non-inferiority tests (Chan
    1998, with the score statistic as the ordering), the same three numbers as `tost`:
    (p, p of H0 p1 - p2 <= -margin, p of H0 p1 - p2 >= margin). The size of each one-sided
    test is at most its level whatever the shares, which the score TOST does not keep with
    small expected counts (`tost_needs_exact`). Cost grows with (nobs1 + 1)(nobs2 + 1): a
    fraction of a second for hundreds per group, tens of seconds for thousands."""
    if min(nobs1, nobs2) == 0:
        return math.nan, math.nan, math.nan
    p_low = exact_noninferiority(count1, nobs1, count2, nobs2, -margin)
    p_upp = exact_noninferiority(nobs1 - count1, nobs1, nobs2 - count2, nobs2, -margin)
    return max(p_low, p_upp), p_low, p_upp


def mde(nobs1: int, nobs2: int, p2: float, alpha: float = 0.05, power: float = 0.80) -> tuple[float, float]:
    """Smallest p1 - p2 > 0 detectable with the given power: (difference, Cohen's h)."""
    if min(nobs1, nobs2) == 0 or math.isnan(p2):
        return math.nan, math.nan
    h = (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * math.sqrt(1 / nobs1 + 1 / nobs2)
    phi2 = 2 * math.asin(math.sqrt(p2))
    phi1 = min(phi2 + h, math.pi)
    return math.sin(phi1 / 2) ** 2 - p2, h


def kappa(table) -> tuple[float, float, float, float]:
    """Cohen's kappa: (kappa, standard error, lower, upper) for a 95% interval.

    Standard error: the large-sample variance of Fleiss, Cohen & Everitt (1969). Where one
    rater uses a single category that variance is exactly zero, but computed as a tiny
    negative number; it is clipped at zero instead of giving NaN. The interval is kept within
    [-1, 1]. With no chance disagreement possible (expected agreement 1) kappa is 0/0: NaN.
    """
    t = np.asarray(table, dtype=float)
    n = t.sum()
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    p = t / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = np.trace(p), float(rows @ cols)
    if pe >= 1 - 1e-15:
        return math.nan, math.nan, math.nan, math.nan
    k = (po - pe) / (1 - pe)
    k_ = len(p)
    diag = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - k)) ** 2 for i in range(k_))
    off = (1 - k) ** 2 * sum(p[i, j] * (cols[i] + rows[j]) ** 2
                             for i in range(k_) for j in range(k_) if i != j)
    var = (diag + off - (k - pe * (1 - k)) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    return float(k), se, float(max(-1.0, k - Z975 * se)), float(min(1.0, k + Z975 * se))


def mcnemar_test(table) -> tuple[float, float]:
    """McNemar's chi-square on the discordant cells, without correction: (statistic, p).
    No discordant pairs: nothing speaks against symmetry, statistic 0 and p 1 (as the exact
    conditional test gives)."""
    t = np.asarray(table, dtype=float)
    b, c = t[0, 1], t[1, 0]
    if b + c == 0:
        return 0.0, 1.0
    stat = (b - c) ** 2 / (b + c)
    return float(stat), float(stats.chi2.sf(stat, 1))


def mcnemar_midp(table) -> tuple[float, float]:
    """McNemar's test as the mid-p version of the exact conditional (binomial) test: (the
    chi-square statistic without correction, for description; the two-sided mid-p).

    Why the mid-p at every number of discordant pairs: the asymptotic p is too small with few
    of them (3 against 0: 0,083 where the exact p is 0,25), the exact conditional test is
    very conservative, and Fagerland, Lydersen & Laake (2013, BMC Med Res Methodol 13:91)
    found that the mid-p never exceeded the nominal level in 9595 scenarios while nearly as
    powerful as the asymptotic test, and recommend it "for use in any situation" (the
    asymptotic test only where "small but frequent violations of the nominal level" are
    acceptable, which they are not in published statistics). Mid-p = 2 P(X <= min(b, c)) -
    P(X = min(b, c)) for X ~ Bin(b + c, 1/2), at most 1; p 1 without discordant pairs.
    """
    t = np.asarray(table, dtype=float)
    b, c = int(round(t[0, 1])), int(round(t[1, 0]))
    n = b + c
    if n == 0:
        return 0.0, 1.0
    k = min(b, c)
    p = 2 * stats.binom.cdf(k, n, 0.5) - stats.binom.pmf(k, n, 0.5)
    return float((b - c) ** 2 / n), float(min(1.0, p))


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
    if len(x) < 2:  # fewer than two groups with persons: no trend to test
        return math.nan, math.nan, math.nan
    big_n = n.sum()
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
                    alpha: float = 0.05) -> tuple[float, float]:
    """(power, size) of the reported chi-square test over `reps` simulated ELIP groups.

    Power: the share of groups with shares p2 + diff and p2 in which the test rejects. Size:
    the same with no difference (both p2, an independent stream from the same seed). At very
    small shares the chi-square test rejects more often than alpha under no difference, so a
    power figure means little without its size next to it.
    """
    if min(n1, n2) == 0 or math.isnan(p2):
        return math.nan, math.nan
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.binomial(n1, min(1.0, max(0.0, p2 + diff)), size=reps)
    b = rng.binomial(n2, p2, size=reps)
    a0 = rng.binomial(n1, p2, size=reps)
    b0 = rng.binomial(n2, p2, size=reps)
    return (float(rejections_chi2(a, n1, b, n2, alpha).mean()),
            float(rejections_chi2(a0, n1, b0, n2, alpha).mean()))
