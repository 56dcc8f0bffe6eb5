"""Each family of statistics against independent published values, and calibration.

The reference values and their sources are in data/reference/statistiek_referentiewaarden.csv
(textbook examples with their printed answers, R's documented examples, Newcombe's table,
a Stata listing). The simulation tests check that the composition test holds its size
under no difference, and report its power at the margin next to the analytic MDE.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from analysis.core import paths
from analysis.statistics import methods as M

REF = pd.read_csv(paths.project_root() / "data" / "reference" / "statistiek_referentiewaarden.csv",
                  dtype=str, keep_default_na=False)


def refs(familie):
    return [(r.geval, json.loads(r.invoer), r.grootheid, r.waarde, float(r.tolerantie), r.bron)
            for r in REF[REF["familie"] == familie].itertuples()]


def test_every_family_has_a_sourced_reference():
    for fam in ("chi2", "residu", "fisher", "kappa", "mcnemar", "newcombe", "wilson", "trend", "mde", "holm",
                "score_mn", "score_mee", "tost", "exact_ni", "tost_exact", "mcnemar_midp"):
        assert refs(fam), fam
    assert (REF["bron"].str.len() > 2).all()


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("chi2"))
def test_chi2(geval, inp, g, waarde, tol, bron):
    stat, df, p = M.chi2(inp)
    assert {"statistiek": stat, "df": df, "p": p}[g] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("residu"))
def test_adjusted_residuals(geval, inp, g, waarde, tol, bron):
    i, j = (int(x) - 1 for x in g.split("_")[1:])
    assert M.adjusted_residuals(inp)[i, j] == pytest.approx(float(waarde), abs=tol)


def test_cramers_v_follows_from_the_reference_chi2():
    for geval, inp, g, waarde, _, _ in refs("chi2"):
        if g == "statistiek":  # the 2 x 2 case shows that no Yates correction creeps in
            n = np.sum(inp)
            assert M.cramers_v(inp) == pytest.approx(math.sqrt(float(waarde) / (n * (min(np.shape(inp)) - 1))),
                                                     abs=1e-4), geval


def test_empty_margins_give_nan_with_the_right_df():
    for table, df in (([[1, 0, 3], [2, 0, 4]], 2), ([[0, 0, 0, 0], [1, 2, 3, 4], [5, 6, 7, 8]], 6)):
        stat, got_df, p = M.chi2(table)
        assert math.isnan(stat) and math.isnan(p) and got_df == df
        assert math.isnan(M.cramers_v(table))
        assert math.isnan(M.cramers_v(np.transpose(table)))
    assert M.cramers_v([[1, 2], [2, 1]]) == pytest.approx(1 / 3)  # sqrt(X2 / N) = sqrt((2/3) / 6)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("fisher"))
def test_fisher(geval, inp, g, waarde, tol, bron):
    assert M.fisher(inp)[1] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("kappa"))
def test_kappa(geval, inp, g, waarde, tol, bron):
    k, se, lo, hi = M.kappa(inp)
    assert {"schatting": k, "se": se, "ci_laag": lo, "ci_hoog": hi}[g] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("mcnemar"))
def test_mcnemar(geval, inp, g, waarde, tol, bron):
    stat, p = M.mcnemar_test(inp)
    z = float(waarde)
    assert stat == pytest.approx(z * z, rel=3e-3)
    assert p == pytest.approx(2 * stats.norm.sf(abs(z)), rel=0.05)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("newcombe"))
def test_newcombe(geval, inp, g, waarde, tol, bron):
    lo, hi = M.newcombe(*inp)
    assert {"ci_laag": lo, "ci_hoog": hi}[g] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("trend"))
def test_cochran_armitage(geval, inp, g, waarde, tol, bron):
    stat, p, slope = M.cochran_armitage(inp[0], inp[1])
    assert {"statistiek": stat, "p": p}[g] == pytest.approx(float(waarde), abs=tol)
    assert slope < 0  # the shares fall with the group number


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("mde"))
def test_mde_matches_cohens_table(geval, inp, g, waarde, tol, bron):
    diff, h = M.mde(inp[0], inp[1], 0.5)
    assert h == pytest.approx(float(waarde), abs=tol)
    # and the difference it gives back has exactly that effect size
    assert 2 * math.asin(math.sqrt(0.5 + diff)) - 2 * math.asin(math.sqrt(0.5)) == pytest.approx(h)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("holm"))
def test_holm(geval, inp, g, waarde, tol, bron):
    assert M.holm(inp) == pytest.approx(json.loads(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("wilson"))
def test_wilson(geval, inp, g, waarde, tol, bron):
    lo, hi = M.wilson(*inp)
    assert lo < inp[0] / inp[1] < hi
    assert {"ci_laag": lo, "ci_hoog": hi}[g] == pytest.approx(float(waarde), abs=tol)


def score_interval(count1: int, nobs1: int, count2: int, nobs2: int, alpha: float = 0.05,
                   correction: bool = True) -> tuple[float, float]:
    """Score interval for p1 - p2 by inverting the library's score test (with `correction`:
    Miettinen-Nurminen; without: Mee). The suite publishes the test, not the interval; the
    published references are intervals, so inverting the statistic is how it is checked."""
    if min(nobs1, nobs2) == 0:
        return math.nan, math.nan
    z = stats.norm.ppf(1 - alpha / 2)
    d = count1 / nobs1 - count2 / nobs2

    def f(delta, target):
        return M.score_statistic(count1, nobs1, count2, nobs2, delta, correction) - target
    eps = 1e-12
    lo = -1.0 if f(-1 + eps, z) <= 0 else optimize.brentq(f, -1 + eps, d, args=(z,), xtol=1e-12)
    hi = 1.0 if f(1 - eps, -z) >= 0 else optimize.brentq(f, d, 1 - eps, args=(-z,), xtol=1e-12)
    return float(lo), float(hi)


def test_tost_agrees_with_the_90_percent_interval():
    """Equivalence at 5% with two one-sided tests <=> the 90% MN interval lies inside the margin."""
    rng = np.random.default_rng(1)
    compared = 0
    for _ in range(60):
        n1, n2 = (int(x) for x in rng.integers(200, 3000, 2))
        share = rng.uniform(0.1, 0.6)
        x1, x2 = int(rng.binomial(n1, share)), int(rng.binomial(n2, share + rng.uniform(-0.06, 0.06)))
        p, _, _ = M.tost(x1, n1, x2, n2, 0.05)
        lo, hi = score_interval(x1, n1, x2, n2, alpha=0.10)
        inside = -0.05 < lo and hi < 0.05
        if abs(p - 0.05) > 1e-3:
            assert (p < 0.05) == inside
            compared += 1
    assert compared >= 40



# ---- the score test: restricted MLE, published intervals, degenerate counts -------------

def restricted_mle_numeric(x1, n1, x2, n2, d):
    """The restricted MLE by bounded numeric maximisation: no polynomial, no closed form."""
    from scipy import optimize, special
    lo, hi = max(0.0, -d), min(1.0, 1.0 - d)

    def nll(p2):
        p1 = p2 + d
        return -(special.xlogy(x1, p1) + special.xlogy(n1 - x1, 1 - p1)
                 + special.xlogy(x2, p2) + special.xlogy(n2 - x2, 1 - p2))
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    best = min([res.x, lo, hi], key=nll)
    return best + d, best


def tost_numeric(x1, n1, x2, n2, margin):
    n = n1 + n2
    ps = []
    for d, tail in ((-margin, stats.norm.sf), (margin, stats.norm.cdf)):
        p1, p2 = restricted_mle_numeric(x1, n1, x2, n2, d)
        var = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) * n / (n - 1)
        ps.append(tail((x1 / n1 - x2 / n2 - d) / math.sqrt(var)))
    return max(ps)


@pytest.mark.parametrize("x1,n1,x2,n2,d", [(7, 300, 14, 300, 0.05), (7, 300, 14, 300, -0.05),
                                           (0, 57, 17, 239, 0.05), (0, 57, 17, 239, -0.05),
                                           (7, 34, 1, 34, 0.1), (0, 16, 15, 72, -0.2),
                                           (40, 40, 3, 50, 0.3), (0, 10, 0, 20, 0.1),
                                           (560, 2348, 271, 1091, -0.05),
                                           (10, 10, 10, 10, 0.05), (10, 10, 10, 10, -0.05),
                                           (10, 10, 0, 20, 0.3), (0, 10, 0, 10, -0.05), (0, 5, 2, 5, 0.3)])
def test_restricted_mle_maximises_the_restricted_likelihood(x1, n1, x2, n2, d):
    p1, p2 = M.restricted_mle(x1, n1, x2, n2, d)
    q1, q2 = restricted_mle_numeric(x1, n1, x2, n2, d)
    assert p1 - p2 == pytest.approx(d, abs=1e-12)
    assert (p1, p2) == pytest.approx((q1, q2), abs=1e-6)


def test_the_statsmodels_coefficient_bug_is_not_ours():
    """statsmodels 0.14.6 (issue 10269) misplaces the decision for 7/300 against 14/300."""
    from statsmodels.stats.proportion import score_test_proportions_2indep
    sm = score_test_proportions_2indep(7, 300, 14, 300, value=0.05, compare="diff")
    ours = M.restricted_mle(7, 300, 14, 300, 0.05)
    numeric = restricted_mle_numeric(7, 300, 14, 300, 0.05)
    assert ours == pytest.approx(numeric, abs=1e-6)
    if abs(sm.prop1_null - numeric[0]) < 1e-6:  # statsmodels was fixed: the workaround can go
        pytest.fail("statsmodels issue 10269 looks fixed: replace restricted_mle by statsmodels")


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("score_mn"))
def test_miettinen_nurminen_interval(geval, inp, g, waarde, tol, bron):
    lo, hi = score_interval(*inp)
    assert {"ci_laag": lo, "ci_hoog": hi}[g] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("score_mee"))
def test_mee_interval(geval, inp, g, waarde, tol, bron):
    lo, hi = score_interval(*inp, correction=False)
    assert {"ci_laag": lo, "ci_hoog": hi}[g] == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("tost"))
def test_tost_reference(geval, inp, g, waarde, tol, bron):
    assert tost_numeric(*inp) == pytest.approx(float(waarde), abs=tol)  # the reference itself
    assert M.tost(*inp)[0] == pytest.approx(float(waarde), abs=tol)


def test_tost_decision_at_the_edge_is_not_equivalent():
    rows = refs("tost")
    (_, inp, _, waarde, _, _), = [r for r in rows if r[1][0] == 7]
    p, p_low, p_upp = M.tost(*inp)
    assert p > 0.05 and p == max(p_low, p_upp)


def test_tost_with_zero_counts_is_defined():
    for x1, n1, x2, n2 in ((0, 57, 17, 239), (0, 50, 0, 80), (50, 50, 80, 80), (0, 50, 80, 80)):
        p, lo, hi = M.tost(x1, n1, x2, n2, 0.05)
        assert 0 <= p <= 1 and not math.isnan(lo) and not math.isnan(hi), (x1, n1, x2, n2)
    assert M.tost(0, 500, 0, 800, 0.05)[0] < 1e-6  # both zero, large groups: clearly equivalent
    assert M.tost(0, 50, 80, 80, 0.05)[0] > 0.999  # 0% against 100%: nowhere near equivalent


def test_score_statistic_at_the_boundary_of_the_null():
    assert M.score_statistic(0, 10, 0, 10, 0.0) == 0.0  # observed difference equals the null
    assert M.score_statistic(10, 10, 0, 10, 0.5) > 0
    assert math.isnan(M.score_statistic(1, 0, 1, 2, 0.1))
    assert M.score_statistic(5, 10, 5, 10, 1.0) == -math.inf  # only p1 = 1, p2 = 0 fits the null
    assert M.score_statistic(5, 10, 5, 10, -1.0) == math.inf
    assert not any(math.isnan(v) for v in M.tost(1, 1, 5, 10, 0.05))  # a group of one is a group
    assert all(math.isnan(v) for v in score_interval(0, 0, 1, 2))


# ---- degenerate tables -------------------------------------------------------------------

def haberman_exact(table):
    """Adjusted residuals in exact rational arithmetic, then one square root."""
    from fractions import Fraction
    t = [[Fraction(v) for v in row] for row in table]
    n = sum(map(sum, t))
    rows = [sum(r) for r in t]
    cols = [sum(c) for c in zip(*t)]
    return [[float((t[i][j] - rows[i] * cols[j] / n)
                   / Fraction(rows[i] * cols[j] / n * (1 - rows[i] / n) * (1 - cols[j] / n)) ** 0.5)
             if 0 < rows[i] < n and 0 < cols[j] < n else math.nan
             for j in range(len(cols))] for i in range(len(rows))]


def test_adjusted_residuals_do_not_shift_zero_cells():
    table = [[0, 12, 7], [9, 4, 5], [3, 6, 10]]
    assert M.adjusted_residuals(table) == pytest.approx(np.array(haberman_exact(table)), abs=1e-12)
    from statsmodels.stats.contingency_tables import Table
    shifted = Table(np.asarray(table, dtype=float)).standardized_resids
    assert abs(shifted[1, 0] - M.adjusted_residuals(table)[1, 0]) > 0.1  # the shift is what we avoid


def test_adjusted_residuals_with_small_variances():
    table = [[1, 2], [3, 4]]  # every cell variance below 1
    assert M.adjusted_residuals(table) == pytest.approx(np.array(haberman_exact(table)), abs=1e-12)


def test_adjusted_residuals_with_an_empty_or_full_margin_are_undefined():
    res = M.adjusted_residuals([[4, 0], [6, 0]])  # second column empty: no variance
    assert np.isnan(res[:, 1]).all()
    assert np.isnan(M.adjusted_residuals([[3, 5]])).all()  # one row holds everything
    assert np.isnan(M.adjusted_residuals([[0, 0], [0, 0]])).all()


def test_kappa_interval_stays_within_minus_one_and_one():
    k, se, lo, hi = M.kappa([[0, 3], [4, 0]])  # complete disagreement
    assert k == pytest.approx(-24 / 25)
    assert lo == -1.0 and hi <= 1.0 and lo <= k <= hi
    assert k - 1.96 * se < -1  # unclipped, the interval would leave the scale
    k, se, lo, hi = M.kappa([[3, 0], [1, 4]])
    assert k == pytest.approx(0.75) and k + 1.96 * se > 1
    assert hi == 1.0 and lo == pytest.approx(k - M.Z975 * se)


def test_kappa_without_chance_disagreement_is_undefined():
    assert all(math.isnan(v) for v in M.kappa([[9, 0], [0, 0]]))
    assert all(math.isnan(v) for v in M.kappa([[0, 0], [0, 0]]))


def test_mcnemar_without_discordant_pairs_is_p_one():
    assert M.mcnemar_test([[5, 0], [0, 3]]) == (0.0, 1.0)
    stat, p = M.mcnemar_test([[5, 3], [1, 3]])
    assert stat == pytest.approx(4 / 4) and p == pytest.approx(stats.chi2.sf(1.0, 1))


def test_holm_keeps_untestable_hypotheses_in_the_family():
    # family of three; the second could not be tested: m stays 3
    out = M.holm([0.01, math.nan, 0.03])
    assert math.isnan(out[1])
    assert out[0] == pytest.approx(0.03) and out[2] == pytest.approx(0.06)
    assert M.holm([0.02, math.nan]) == pytest.approx([0.04, math.nan], nan_ok=True)
    assert all(math.isnan(v) for v in M.holm([math.nan, math.nan]))
    assert M.holm([]) == []
    assert M.holm([0.2]) == [0.2]
    assert M.holm([0.6, 0.7]) == [1.0, 1.0]  # 2 x 0,6 is capped at 1


def test_simulated_power_states_the_size_of_the_test_it_simulates():
    """At very small shares the chi-square test rejects too often without a difference; the
    size is reported beside the power, from the same simulation and seed."""
    power, size = M.simulated_power(57, 239, 0.01, 0.05, 4000, 1)
    reps = 4000
    a0 = np.random.Generator(np.random.PCG64(1))
    a0.binomial(57, 0.06, reps), a0.binomial(239, 0.01, reps)
    expect = M.rejections_chi2(a0.binomial(57, 0.01, reps), 57, a0.binomial(239, 0.01, reps), 239).mean()
    assert size == expect
    lo, hi = stats.binom.ppf([0.0005, 0.9995], reps, 0.05) / reps
    assert size > hi  # anti-conservative here: the size is not 5%
    assert all(math.isnan(v) for v in M.simulated_power(0, 10, 0.3, 0.05, 10, 1))
    assert M.simulated_power(10, 10, 0.98, 0.05, 10, 1)[0] >= 0  # a share above 1 is capped at 1
    strict, strict_size = M.simulated_power(N1, N2, BASE, 0.03, 2000, 5, alpha=0.01)
    loose, loose_size = M.simulated_power(N1, N2, BASE, 0.03, 2000, 5)
    assert strict < loose and strict_size < loose_size


def test_intervals_for_one_person_and_their_level():
    lo, hi = M.wilson(1, 1)
    assert 0 < lo < 1 and hi == pytest.approx(1.0)
    assert not any(math.isnan(v) for v in M.newcombe(1, 2, 1, 1) + M.newcombe(1, 1, 1, 2))
    w95, w90 = M.wilson(81, 263), M.wilson(81, 263, alpha=0.10)
    assert w95[0] < w90[0] < w90[1] < w95[1]
    n95, n90 = M.newcombe(56, 70, 48, 80), M.newcombe(56, 70, 48, 80, alpha=0.10)
    assert n95[0] < n90[0] < n90[1] < n95[1]


def test_score_interval_reaches_the_ends_of_the_scale():
    lo, hi = score_interval(0, 10, 10, 10)  # 0% against 100%: the difference -1 is not excluded
    assert lo == -1.0 and -1 < hi < 0
    lo, hi = score_interval(10, 10, 0, 10)
    assert 0 < lo < 1 and hi == 1.0


def test_cochran_armitage_by_hand():
    # x = 0, 1, 1 of 1, 1, 1 at scores 1, 2, 3: p = 2/3, sbar = 2, T = 1,
    # var = p (1 - p) * 2 = 4/9, statistic 9/4, slope 1/2
    stat, p, slope = M.cochran_armitage([0, 1, 1], [1, 1, 1])
    assert stat == pytest.approx(9 / 4) and p == pytest.approx(stats.chi2.sf(9 / 4, 1))
    assert slope == pytest.approx(0.5)
    # two groups: the trend test is the 2 x 2 chi-square (here 2), slope 1/2 per score unit
    stat, p, slope = M.cochran_armitage([1, 3], [4, 4])
    assert stat == pytest.approx(M.chi2([[1, 3], [3, 1]])[0]) == pytest.approx(2.0)
    assert slope == pytest.approx(0.5)
    # scores: a shift changes nothing, a stretch only the slope, uneven spacing the statistic
    ev, tot = [83, 90, 129, 70], [86, 93, 136, 82]
    base = M.cochran_armitage(ev, tot)
    shifted = M.cochran_armitage(ev, tot, [2013, 2014, 2015, 2016])
    stretched = M.cochran_armitage(ev, tot, [2, 4, 6, 8])
    assert shifted == pytest.approx(base)
    assert stretched[:2] == pytest.approx(base[:2]) and stretched[2] == pytest.approx(base[2] / 2)
    assert M.cochran_armitage(ev, tot, [1, 2, 4, 8])[0] != pytest.approx(base[0])
    # no events or only events: nothing varies, everything undefined
    assert all(math.isnan(v) for v in M.cochran_armitage([0, 0, 0], [5, 5, 5]))
    assert all(math.isnan(v) for v in M.cochran_armitage([5, 5, 5], [5, 5, 5]))
    assert all(math.isnan(v) for v in M.cochran_armitage([2, 0], [5, 0]))  # one group with persons


def test_simulated_tables_with_an_empty_column_are_not_rejections():
    assert not M.rejections_chi2(np.array([0, 10]), 10, np.array([0, 20]), 20).any()  # a column empty
    assert M.rejections_chi2(np.array([10]), 10, np.array([0]), 20).all()


def test_empty_groups_give_nan_not_errors():
    assert all(math.isnan(v) for v in M.newcombe(0, 0, 1, 2))
    assert math.isnan(M.chi2([[0, 0], [1, 2]])[0])
    assert math.isnan(M.mde(0, 10, 0.3)[0])
    assert math.isnan(M.cochran_armitage([0, 0], [0, 0])[0])


# ---- calibration by simulation -----------------------------------------------------------

N1, N2, BASE = 2348, 1091, 0.37  # ELIP group sizes and share of the synthetic extract


def test_composition_test_holds_its_size_under_no_difference():
    """Over 2,000 simulated ELIP groups with no difference, rejections at alpha 0.05 stay
    within the 99.9% binomial bounds around 5%."""
    rng = np.random.Generator(np.random.PCG64(20240624))
    reps = 2000
    a = rng.binomial(N1, BASE, reps)
    b = rng.binomial(N2, BASE, reps)
    rate = M.rejections_chi2(a, N1, b, N2).mean()
    lo, hi = stats.binom.ppf([0.0005, 0.9995], reps, 0.05) / reps
    assert lo <= rate <= hi, rate


def test_power_at_five_points_next_to_the_analytic_mde(record_property):
    """Simulated power of the chi-square test at a planted 5-point difference, beside the
    analytic MDE and the analytic power (Cohen's h) at 5 points; at the MDE itself the
    simulated power must be 80%."""
    from statsmodels.stats.power import NormalIndPower
    diff, h = M.mde(N1, N2, BASE)
    power, size = M.simulated_power(N1, N2, BASE, 0.05, 4000, 20240624)
    h5 = 2 * math.asin(math.sqrt(BASE + 0.05)) - 2 * math.asin(math.sqrt(BASE))
    analytic = NormalIndPower().power(h5, nobs1=N1, alpha=0.05, ratio=N2 / N1)
    record_property("mde_procentpunt", float(round(100 * diff, 2)))
    record_property("power_bij_5_procentpunt_simulatie", float(power))
    record_property("power_bij_5_procentpunt_analytisch", float(round(analytic, 3)))
    print(f"MDE {100 * diff:.2f} procentpunt; power bij 5 procentpunt: simulatie {power:.3f}, "
          f"analytisch {analytic:.3f}")
    assert power == pytest.approx(analytic, abs=0.03)
    assert size == pytest.approx(0.05, abs=0.015)  # at these sizes the test holds its level
    at_mde, _ = M.simulated_power(N1, N2, BASE, diff, 4000, 7)
    assert at_mde == pytest.approx(0.80, abs=0.03)


# ---- exact where the asymptotic test is wrong in small samples (issue 17) ----------------

def brute_force_exact_noninferiority(x1, n1, x2, n2, diff, grid=301):
    """p of H0 p1 - p2 <= diff by complete enumeration, independent of methods.py: every table
    scored with the numerically maximised restricted likelihood (restricted_mle_numeric), the
    tables at least as extreme as the observed one summed under every (p1, p2) of a grid over
    the whole null region p1 - p2 <= diff (not only its boundary), and the largest sum kept."""
    n = n1 + n2
    z = np.empty((n1 + 1, n2 + 1))
    for a in range(n1 + 1):
        for b in range(n2 + 1):
            q1, q2 = restricted_mle_numeric(a, n1, b, n2, diff)
            num = a / n1 - b / n2 - diff
            var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * n / (n - 1)
            z[a, b] = 0.0 if abs(num) < 1e-12 else num / math.sqrt(var)
    region = (z >= z[x1, x2] - 1e-7).astype(float)
    best = 0.0
    for p2 in np.linspace(0, 1, grid):
        p1s = np.linspace(0, min(1.0, max(0.0, p2 + diff)), 12)  # the null: p1 <= p2 + diff
        if p2 + diff < 0:
            continue
        b1 = stats.binom.pmf(np.arange(n1 + 1)[None, :], n1, p1s[:, None])
        b2 = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
        best = max(best, float((b1 @ region @ b2).max()))
    return best


@pytest.mark.parametrize("x1,n1,x2,n2,diff", [(3, 12, 5, 10, -0.1), (0, 8, 0, 10, -0.2), (8, 8, 2, 9, 0.3),
                                              (4, 15, 1, 12, 0.05), (0, 10, 6, 10, -0.3), (5, 6, 6, 6, -0.15)])
def test_exact_noninferiority_against_complete_enumeration(x1, n1, x2, n2, diff):
    """Bug (issue 17): the score test is asymptotic only; the exact unconditional p-value must
    equal complete enumeration, whose maximum over the whole null region (not only its
    boundary, where the code looks) it may not fall below."""
    ours = M.exact_noninferiority(x1, n1, x2, n2, diff)
    brute = brute_force_exact_noninferiority(x1, n1, x2, n2, diff)
    assert ours >= brute - 1e-9  # the grid's maximum cannot exceed the true supremum
    assert ours == pytest.approx(brute, abs=2e-3)  # a 301 x 12 grid finds it to about that


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("exact_ni"))
def test_exact_noninferiority_against_chans_vaccine_example(geval, inp, g, waarde, tol, bron):
    """Bug (issue 17): no exact test existed. H0 p1 >= p2 for 7/15 against 12/15 is H0 p1' <= p2'
    for the complementary counts 8/15 and 3/15 (the score statistic changes sign with them)."""
    x1, n1, x2, n2, diff = inp
    assert M.exact_noninferiority(n1 - x1, n1, n2 - x2, n2, -diff) == pytest.approx(float(waarde), abs=tol)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("tost_exact"))
def test_exact_tost_reference_and_the_score_tost_calls_it_equivalent(geval, inp, g, waarde, tol, bron):
    """Bug (issue 17): 0/57 against 0/239 at 5 points: the score TOST says equivalent (p 0,042),
    the exact unconditional one does not (0,054), and the run uses the exact one here."""
    x1, n1, x2, n2, margin = inp
    p, p_low, p_upp = M.tost_exact(x1, n1, x2, n2, margin)
    assert p == pytest.approx(float(waarde), abs=tol) and p == max(p_low, p_upp)
    brute = max(brute_force_exact_noninferiority(x1, n1, x2, n2, -margin, grid=201),
                brute_force_exact_noninferiority(n1 - x1, n1, n2 - x2, n2, -margin, grid=201))
    assert p == pytest.approx(brute, abs=1e-3)
    assert M.tost(x1, n1, x2, n2, margin)[0] < 0.05 < p
    assert M.tost_needs_exact(x1, n1, x2, n2, margin)
    from analysis.statistics import analyses as A
    from analysis.statistics import results as R
    toets, (q, _, _) = A.equivalence(x1, n1, x2, n2, margin)
    assert toets == R.TOST_EXACT and q == p


def test_exact_tost_only_below_the_expected_count_rule():
    """Cochran's rule on the restricted MLE of both one-sided nulls: the ELIP groups of the
    synthetic extract's size keep the score TOST (and its published checks)."""
    from analysis.statistics import analyses as A
    from analysis.statistics import results as R
    assert not M.tost_needs_exact(560, 2348, 271, 1091, 0.05)
    assert A.equivalence(560, 2348, 271, 1091, 0.05) == (R.TOST, M.tost(560, 2348, 271, 1091, 0.05))
    assert M.tost_needs_exact(7, 300, 14, 300, 0.08)  # under p1 - p2 = -0,08: 300 p1 = 4,5 expected
    assert not M.tost_needs_exact(30, 100, 35, 100, 0.05)


def test_exact_tost_with_degenerate_groups_is_defined():
    assert all(math.isnan(v) for v in M.tost_exact(0, 0, 3, 10, 0.05))
    p, lo, hi = M.tost_exact(5, 5, 10, 10, 0.1)  # everyone has it in both groups
    assert 0 <= lo <= 1 and 0 <= hi <= 1 and p == max(lo, hi)
    assert M.tost_exact(0, 10, 10, 10, 0.05)[0] == pytest.approx(1.0)  # 0% against 100%
    assert M.tost_exact(1, 1, 0, 1, 0.05)[0] == pytest.approx(1.0)  # groups of one show nothing


@pytest.mark.parametrize("n1,n2,d", [(7, 9, 0.1), (12, 5, -0.25), (20, 20, 0.0), (6, 14, 0.4)])
def test_restricted_mle_for_all_tables_equals_the_polynomial_one(n1, n2, d):
    """The exact test scores every table with a vectorised bisection; it must agree with the
    polynomial `restricted_mle` on each of them, zero and full counts included."""
    p1, p2 = M.restricted_mle_all(n1, n2, d)
    for a in range(n1 + 1):
        for b in range(n2 + 1):
            assert (p1[a, b], p2[a, b]) == pytest.approx(M.restricted_mle(a, n1, b, n2, d), abs=1e-9), (a, b)
    z = M.score_statistics_all(n1, n2, d)
    assert z[2, 3] == pytest.approx(M.score_statistic(2, n1, 3, n2, d), abs=1e-9)


@pytest.mark.parametrize("geval,inp,g,waarde,tol,bron", refs("mcnemar_midp"))
def test_mcnemar_midp(geval, inp, g, waarde, tol, bron):
    """Bug (issue 17): 3 discordant pairs gave the asymptotic p 0,083 where the exact p is 0,25;
    the mid-p (Fagerland et al. 2013) is used, and the run writes it as `mcnemar_midp`."""
    stat, p = M.mcnemar_midp(inp)
    assert p == pytest.approx(float(waarde), abs=tol)
    b, c = inp[0][1], inp[1][0]
    assert stat == pytest.approx((b - c) ** 2 / (b + c))
    exact = min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5))
    assert p < exact  # the exact conditional p is larger, and so conservative


def test_mcnemar_midp_in_the_run_and_at_the_edges():
    from analysis.statistics import analyses as A
    from analysis.statistics import results as R
    t1 = pd.DataFrame({"rij": ["haalbaar", "haalbaar", "niet_haalbaar", "niet_haalbaar"],
                       "kolom": ["b1_onderwijsroute", "z_route"] * 2, "eenheid": "aantal",
                       "waarde": [5.0, 3.0, 0.0, 4.0]})
    rows = A.Rows()
    A.lbt_agreement(rows, t1)
    df = rows.frame()
    assert R.value(df, "lbt_overeenstemming", "", R.MCNEMAR, "p") == pytest.approx(0.125)
    assert df[df["toets"] == "mcnemar"].empty  # the asymptotic p is not written as the test's
    assert M.mcnemar_midp([[4, 0], [0, 9]]) == (0.0, 1.0)  # no discordant pairs
    assert M.mcnemar_midp([[0, 3], [3, 0]])[1] == 1.0  # as many each way: nothing against symmetry
    # with many discordant pairs it is the asymptotic p (Fagerland et al.: nearly as powerful)
    assert M.mcnemar_midp([[0, 130], [100, 0]])[1] == pytest.approx(M.mcnemar_test([[0, 130], [100, 0]])[1], rel=0.02)


@pytest.mark.parametrize("dtype", [object, "string", "string[pyarrow]"])
def test_a_value_of_statistiek_csv_is_found_by_all_four_keys(dtype):
    """results.value compares plain arrays; each key must still count, and a missing label
    (a text column with NA) matches nothing instead of stopping the lookup."""
    from analysis.statistics import results
    df = pd.DataFrame({"analyse": ["a", "a", "a", "b", None], "kenmerk": ["k", "k", "l", "k", "k"],
                       "toets": ["t", "u", "t", "t", "t"], "grootheid": ["p"] * 5,
                       "waarde": [0.1, 0.2, 0.3, 0.4, 0.5]})
    df[["analyse", "kenmerk", "toets", "grootheid"]] = df[["analyse", "kenmerk", "toets", "grootheid"]].astype(dtype)
    assert results.value(df, "a", "k", "t", "p") == 0.1
    assert results.value(df, "a", "k", "u", "p") == 0.2
    assert results.value(df, "a", "l", "t", "p") == 0.3
    assert results.value(df, "b", "k", "t", "p") == 0.4
    assert math.isnan(results.value(df, "a", "k", "t", "q"))
    assert math.isnan(results.value(df, "c", "k", "t", "p"))


# ---- the sentences that read statistiek.csv (statistics/interpretation.py) ------------------
def _results(rows) -> pd.DataFrame:
    return pd.DataFrame([{"analyse": a, "kenmerk": k, "toets": t, "grootheid": g, "waarde": float(v)}
                         for a, k, t, g, v in rows])


@pytest.mark.parametrize("p, says", [(0.001, "De verdeling over de routes verschilt per doelgroep"),
                                     (0.81, "De verdeling over de routes verschilt niet significant per doelgroep")])
def test_the_routes_sentence_says_the_distribution_differs_only_when_the_test_says_so(p, says):
    """A small extract's report said 'De verdeling over de routes verschilt per doelgroep' beside
    p = 0,81."""
    from analysis.statistics import interpretation
    a = "leerroute_doelgroep"
    df = _results([(a, "", "chi2", "statistiek", 1.6), (a, "", "chi2", "df", 4), (a, "", "chi2", "p", p),
                   (a, "", "cramers_v", "schatting", 0.08), (a, "z_gezin", "residu", "statistiek", 1.2)])
    assert interpretation.routes(df)[0].startswith(f"**Leerroute en doelgroep (Tabel 3).** {says} ")


@pytest.mark.parametrize("slope, p, says", [(0.03, 0.001, "loopt op"), (-0.03, 0.001, "loopt af"),
                                            (0.0001, 0.99, "verandert niet significant"),
                                            (-0.03, 0.2, "verandert niet significant")])
def test_the_trend_sentence_follows_the_sign_and_the_test(slope, p, says):
    """The trend over cohorts always read 'loopt op', also beside a slope of 0,0 and p = 0,99."""
    from analysis.statistics import interpretation
    a = "wi2013_trend"
    df = _results([(a, "", "cochran_armitage", "statistiek", 5.0), (a, "", "cochran_armitage", "p", p),
                   (a, "", "cochran_armitage", "helling_per_jaar", slope)])
    assert f"Het aandeel nog plichtig {says} met het cohortjaar" in interpretation.trend(df)[0]


@pytest.mark.parametrize("kappa, label", [(-0.27, "slechter dan toeval"), (0.0, "gering"), (0.2, "gering"),
                                          (0.35, "matig"), (0.5, "redelijk"), (0.7, "substantieel"),
                                          (0.9, "bijna volledig")])
def test_kappa_is_named_by_landis_and_koch_and_below_zero_is_worse_than_chance(kappa, label):
    """A kappa of -0,27 was called 'gering' (slight, 0 to 0,20); Landis and Koch call a kappa
    below 0 poor: less agreement than chance."""
    from analysis.statistics import interpretation
    assert interpretation.kappa_label(kappa) == label


@pytest.mark.parametrize("up, down, p, says", [
    (29, 18, 0.11, "Dat verschil tussen omhoog en omlaag is niet significant: het kan toeval zijn."),
    (29, 8, 0.001, "Gemeenten wijken dus vaker naar boven dan naar beneden af."),
    (8, 29, 0.001, "Gemeenten wijken dus vaker naar beneden dan naar boven af."),
    (10, 10, 1.0, "Gemeenten wijken even vaak naar boven als naar beneden af.")])
def test_the_direction_of_the_deviations_is_concluded_only_from_a_significant_test(up, down, p, says):
    """'Gemeenten wijken dus vaker naar boven dan naar beneden af' followed a McNemar mid-p of
    0,11: 'dus' concluded what the test did not."""
    from analysis.statistics import interpretation
    a = "lbt_overeenstemming"
    df = _results([(a, "", "overeenstemming", g, v) for g, v in (("schatting", 0.4), ("ci_laag", 0.3), ("ci_hoog", 0.5))]
                  + [(a, "", "kappa", g, v) for g, v in (("schatting", 0.1), ("ci_laag", 0.0), ("ci_hoog", 0.2))]
                  + [(a, "", "mcnemar_midp", "statistiek", 2.6), (a, "", "mcnemar_midp", "p", p),
                     (a, "", "aandeel_afwijking_omhoog", "omhoog", up), (a, "", "aandeel_afwijking_omhoog", "omlaag", down),
                     (a, "", "aandeel_afwijking_omhoog", "schatting", up / (up + down))])
    assert interpretation.agreement(df)[0].endswith(says)


def test_a_p_value_without_an_answer_is_said_in_words():
    """A characteristic nobody in either group had left chi-kwadraat undefined, and the report
    printed 'chi-kwadraat p = ?'."""
    from analysis.statistics import interpretation
    assert interpretation.p_is(float("nan")) == "p niet te berekenen"
    assert interpretation.p_is(0.19) == "p = 0,19"
