"""Durations with competing outcomes: published examples, hand-computed answers, every edge.

Published values (data/reference/statistiek_referentiewaarden.csv, families `km` and `aj`):
the Gehan control group as Stata prints its Kaplan-Meier table, and the competing-risks
example of Satagopan et al. (2004). The tiny extract below was worked out by hand: ties
between outcomes on one day, an event on the plicht's first day, a PIP on the day the
plicht ends, a plicht that starts on P, one after P.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.core import paths
from analysis.definitions import survival as S
from analysis.core.errors import UsageError
from builders import Extract

P = dt.date(2024, 5, 1)
Z = 1.959963984540054  # the 97.5% normal quantile

REF = pd.read_csv(paths.project_root() / "data" / "reference" / "statistiek_referentiewaarden.csv",
                  dtype=str, keep_default_na=False)


def refs(familie):
    part = REF[REF["familie"] == familie]
    assert len(part) and (part["bron"].str.len() > 2).all()
    return json.loads(part["invoer"].iloc[0]), {r.grootheid: (float(r.waarde), float(r.tolerantie))
                                                 for r in part.itertuples()}


def step(df, uitkomst, day):
    part = df[(df["uitkomst"] == uitkomst) & (df["dagen"] <= day)]
    return float(part["cumulatieve_incidentie"].iloc[-1]) if len(part) else 0.0


# ---- published examples ------------------------------------------------------------------

def test_kaplan_meier_against_the_gehan_control_group_as_stata_prints_it():
    """Stata's `sts list` prints S with its log(-log S) interval on Greenwood's variance. The
    interval function (`_interval`, the log(-log) transform of the quantity it is given)
    applied to S must give Stata's bounds; the suite applies the same function to F = 1 - S."""
    (times, events), ref = refs("km")
    df = S.curves(np.array(times), np.array(events), ("terugval",))
    table = S.EventTable.of(np.array(times), np.array(events))
    _, _, _, var = S.aalen_johansen(table, 1)  # with one cause: Greenwood's (next test)
    for t in (1, 2):
        row = df[df["dagen"] == t].iloc[0]
        value, tol = ref[f"S_{t}"]
        assert 1 - row["cumulatieve_incidentie"] == pytest.approx(value, abs=tol)
        s_t = 1 - row["cumulatieve_incidentie"]
        v = var[table.days.tolist().index(t)]
        lo, hi = S._interval(np.array([s_t]), np.array([v]))
        value, tol = ref[f"S_laag_{t}"]
        assert lo[0] == pytest.approx(value, abs=tol)
        value, tol = ref[f"S_hoog_{t}"]
        assert hi[0] == pytest.approx(value, abs=tol)
        f_lo, f_hi = S._interval(np.array([1 - s_t]), np.array([v]))  # what duur shows
        assert (row["ci_laag"], row["ci_hoog"]) == pytest.approx((f_lo[0], f_hi[0]), abs=1e-15)


def test_aalen_johansen_variance_with_one_cause_is_greenwoods():
    """With a single cause the CIF variance must reduce to Greenwood's: the standard
    errors Stata prints for the Gehan control group."""
    (times, events), ref = refs("km")
    table = S.EventTable.of(np.array(times), np.array(events))
    _, _, _, var = S.aalen_johansen(table, 1)
    se = dict(zip(table.days.tolist(), np.sqrt(var)))
    for t in (1, 2):
        value, tol = ref[f"se_{t}"]
        assert se[t] == pytest.approx(value, abs=tol)


def test_aalen_johansen_against_satagopan_2004():
    triples, ref = refs("aj")
    days = np.concatenate([[d] * n for d, _, n in triples])
    code = np.concatenate([[c] * n for _, c, n in triples])
    df = S.curves(days, code, ("borstkanker", "andere"))
    for key, (value, tol) in ref.items():
        kind, t = key.split("_")
        t = int(t)
        if kind == "S":
            got = 100 * (1 - step(df, "borstkanker", t) - step(df, "andere", t))
        else:
            got = 100 * step(df, "borstkanker", t)
        assert got == pytest.approx(value, abs=tol), key


# ---- the same numbers as lifelines ----------------------------------------------------------

def lifelines_curves(days, code, labels):
    """The curves through lifelines itself (how survival.py computed them up to v1.1): times
    shifted by one day past lifelines' pinned origin, the random jitter of ties switched off.
    One way out: the estimate from KaplanMeierFitter, the interval from AalenJohansenFitter
    (the same log(-log F) interval as with several, survival._interval)."""
    import warnings

    from lifelines import AalenJohansenFitter, KaplanMeierFitter

    class Exact(AalenJohansenFitter):
        @staticmethod
        def _check_for_duplicates(durations, events):  # noqa: ARG004
            return False

    t = np.asarray(days, float) + 1.0
    observed = sorted(set(np.asarray(code)[np.asarray(code) > 0].tolist()))
    rows, variances = [], {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in observed:
            aj = Exact(alpha=S.ALPHA).fit(t, code, event_of_interest=k)
            table = aj.event_table
            keep = (table[aj.label_cmprisk] > 0).to_numpy()
            est = aj.cumulative_density_.iloc[:, 0].to_numpy()
            if len(observed) == 1:
                km = KaplanMeierFitter(alpha=S.ALPHA).fit(t, event_observed=np.asarray(code) > 0)
                est = 1 - km.survival_function_.iloc[:, 0].reindex(table.index).to_numpy()
            ci = aj.confidence_interval_.to_numpy()
            var = aj.variance_.to_numpy()
            lo, hi = np.fmin(ci[:, 0], ci[:, 1]), np.fmax(ci[:, 0], ci[:, 1])
            lo, hi = np.where(var == 0, est, lo), np.where(var == 0, est, hi)  # the point, as _interval
            rows.append((labels[k - 1], table, keep, est, lo, hi))
            variances[k] = var[1:]  # without lifelines' origin row
    out = pd.concat([pd.DataFrame({"uitkomst": u, "dagen": np.rint(tb.index.to_numpy()[keep] - 1).astype(np.int64),
                                   "cumulatieve_incidentie": e[keep], "ci_laag": lo[keep], "ci_hoog": hi[keep],
                                   "at_risk": tb["at_risk"].to_numpy()[keep].astype(np.int64)})
                     for u, tb, keep, e, lo, hi in rows], ignore_index=True)
    return out, variances


def delta_method_exact(days, code, k):
    """The delta-method variance of F_k on every day of the event table, in exact rational
    arithmetic and from the gradient, not from survival.py's expanded sums: F_k(t) = sum_j
    S_{j-1} h_kj with multinomial increments h_cj = d_cj / n_j (Var h_cj = h_cj (1 - h_cj) / n_j,
    Cov = -h_cj h_c'j / n_j), dF/dh_cj = S_{j-1} [c = k] - G_j, and G_j = sum_{i > j} h_ki
    prod_{l < i, l != j} (1 - h_l): no division by 1 - h_j, so it is defined where
    everyone at risk has an outcome."""
    from fractions import Fraction
    table = S.EventTable.of(np.asarray(days), np.asarray(code))
    n = [int(v) for v in table.at_risk]
    causes = sorted(table.per_outcome)
    h = {c: [Fraction(int(v), n[j]) for j, v in enumerate(table.per_outcome[c])] for c in causes}
    hall = [sum(h[c][j] for c in causes) for j in range(len(n))]

    def prod(idx):
        out = Fraction(1)
        for l in idx:
            out *= 1 - hall[l]
        return out
    out = []
    for m in range(len(n)):
        var = Fraction(0)
        for j in range(m + 1):
            g = sum((h[k][i] * prod([l for l in range(i) if l != j]) for i in range(j + 1, m + 1)), Fraction(0))
            a = {c: prod(range(j)) * (c == k) - g for c in causes}
            first = sum(a[c] ** 2 * h[c][j] for c in causes)
            mean = sum(a[c] * h[c][j] for c in causes)
            var += (first - mean ** 2) / n[j]
        out.append(var)
    return np.array([float(v) for v in out]), table


def everyone_has_an_outcome(days, code):
    table = S.EventTable.of(np.asarray(days), np.asarray(code))
    return set(table.days[table.at_risk == table.observed].tolist())


def assert_same_as_lifelines(days, code, labels=("a", "b", "c", "d")):
    """Equal to lifelines everywhere except on a day when everyone at risk has an outcome:
    lifelines 0.30 gives NaN there (its expanded first sum is inf - inf), survival.py the
    finite limit, checked against the exact delta method instead."""
    days, code = np.asarray(days, np.int64), np.asarray(code, np.int64)
    ours = S.curves(days, code, labels)
    theirs, variances = lifelines_curves(days, code, labels)
    assert ours[["uitkomst", "dagen", "at_risk"]].equals(theirs[["uitkomst", "dagen", "at_risk"]])
    edge = ours["dagen"].isin(everyone_has_an_outcome(days, code)).to_numpy()
    np.testing.assert_allclose(ours["cumulatieve_incidentie"], theirs["cumulatieve_incidentie"], rtol=0, atol=1e-9)
    for col in ("ci_laag", "ci_hoog"):
        np.testing.assert_allclose(ours[col][~edge], theirs[col][~edge], rtol=0, atol=1e-9, equal_nan=True,
                                   err_msg=col)
        assert not ours[col].isna().any(), col  # every row has an interval
    table = S.EventTable.of(days, code)
    last = table.at_risk == table.observed
    for k, var in variances.items():
        np.testing.assert_allclose(S.aalen_johansen(table, k)[3][~last], var[~last], rtol=0, atol=1e-9)
        assert np.isnan(var[last]).all()  # lifelines' NaN where the exact value is finite
    if edge.any() and len(days) <= 60:
        for k in table.per_outcome:
            exact, _ = delta_method_exact(days, code, k)
            np.testing.assert_allclose(S.aalen_johansen(table, k)[3], exact, rtol=0, atol=1e-12)
    return ours


def test_published_examples_give_lifelines_numbers():
    (times, events), _ = refs("km")
    assert_same_as_lifelines(times, events)
    triples, _ = refs("aj")
    assert_same_as_lifelines(np.concatenate([[d] * n for d, _, n in triples]),
                             np.concatenate([[c] * n for _, c, n in triples]))


@pytest.mark.parametrize("seed", range(12))
def test_random_data_with_ties_give_lifelines_numbers(seed):
    """Heavy ties (few distinct days), events on day 0, one to four outcomes, censoring,
    and every other seed a last day on which everyone left has an outcome (the variance
    divides by zero there: both must give the same NaN or point)."""
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 5, 40, 300, 2000]))
    days = rng.integers(0, int(rng.choice([3, 30, 400])), n)
    code = rng.integers(0, int(rng.integers(2, 6)), n)
    if seed % 2:
        code[days == days.max()] = 1
    if (code > 0).any():
        assert_same_as_lifelines(days, code)
    else:
        assert S.curves(days, code, ("a", "b", "c", "d")).empty


def test_national_size_random_data_give_lifelines_numbers():
    """The size at which lifelines' row loop took seconds, with the rounding of long sums."""
    rng = np.random.default_rng(7)
    days = rng.integers(0, 3000, 20_000)
    code = rng.choice([0, 1, 2, 3], 20_000, p=[0.5, 0.3, 0.15, 0.05])
    assert_same_as_lifelines(days, code)


# ---- the estimator on hand-computed input --------------------------------------------------

def test_ties_between_outcomes_are_exact_and_deterministic():
    """Day 0: 8 at risk, one of each outcome; day 1: 6, one a; day 2: 5, one of each; day 3
    censored; day 5: 2 at risk, both a. F_a = 1/8, 1/8 + (6/8)(1/6), + (5/8)(1/5), + (3/8)(2/2)."""
    days = np.array([0, 0, 1, 2, 2, 3, 5, 5])
    code = np.array([1, 2, 1, 1, 2, 0, 1, 1])
    df = S.curves(days, code, ("a", "b"))
    a = df[df["uitkomst"] == "a"]
    assert a["dagen"].tolist() == [0, 1, 2, 5]
    assert a["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 8, 2 / 8, 3 / 8, 6 / 8], abs=1e-15)
    assert a["at_risk"].tolist() == [8, 6, 5, 2]
    b = df[df["uitkomst"] == "b"]
    assert b["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 8, 2 / 8], abs=1e-15)
    pd.testing.assert_frame_equal(df, S.curves(days, code, ("a", "b")))  # no random jitter


def test_variance_where_everyone_at_risk_has_an_outcome_is_finite():
    """Bug (issue 17): on a day when everyone still at risk has an outcome the code divided by
    n - d = 0 and gave an empty interval. 4 persons, 3 with outcome a and 1 with b on one day:
    without censoring F_a is a proportion, 3/4, with the binomial variance 3/4 * 1/4 / 4."""
    days, code = np.array([5, 5, 5, 5]), np.array([1, 1, 1, 2])
    table = S.EventTable.of(days, code)
    f, lo, hi, var = S.aalen_johansen(table, 1)
    assert f[0] == 0.75 and var[0] == pytest.approx(0.75 * 0.25 / 4, abs=1e-15)
    se = math.sqrt(0.75 * 0.25 / 4)
    assert lo[0] == pytest.approx(0.75 ** math.exp(-Z * se / (0.75 * math.log(0.75))), abs=1e-12)
    assert hi[0] == pytest.approx(0.75 ** math.exp(Z * se / (0.75 * math.log(0.75))), abs=1e-12)
    df = S.curves(days, code, ("a", "b"))
    assert df["ci_laag"].notna().all() and (df["ci_laag"] < df["cumulatieve_incidentie"]).all()
    assert (df["cumulatieve_incidentie"] < df["ci_hoog"]).all()
    # one way out, everyone has had it at the end: F = 1 with variance 0 (S = 0), the point
    km = S.curves(np.array([1, 2, 2]), np.array([1, 1, 1]), ("a",))
    assert km.iloc[-1][["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].tolist() == [1.0, 1.0, 1.0]


def test_variance_without_censoring_is_binomial_on_every_day():
    """Without censoring F_k(t) is the share with outcome k by t; the delta method gives its
    binomial variance F (1 - F) / n on every day, the last (everyone has an outcome) included."""
    rng = np.random.default_rng(4)
    days, code = rng.integers(0, 6, 30), rng.integers(1, 4, 30)
    table = S.EventTable.of(days, code)
    assert table.at_risk[-1] == table.observed[-1]
    for k in table.per_outcome:
        share = np.array([((days <= d) & (code == k)).mean() for d in table.days])
        np.testing.assert_allclose(S.aalen_johansen(table, k)[3], share * (1 - share) / 30, rtol=0, atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_variance_at_that_edge_with_censoring_equals_the_exact_delta_method(seed):
    """With censoring and ties before it, every day's variance (the last day, when everyone
    left has an outcome, included) against the delta method in exact fractions."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(5, 25))
    days, code = rng.integers(0, 8, n), rng.integers(0, 4, n)
    code[days == days.max()] = rng.integers(1, 3, int((days == days.max()).sum()))
    table = S.EventTable.of(days, code)
    assert table.at_risk[-1] == table.observed[-1]
    for k in table.per_outcome:
        exact, _ = delta_method_exact(days, code, k)
        _, lo, hi, var = S.aalen_johansen(table, k)
        np.testing.assert_allclose(var, exact, rtol=0, atol=1e-12)
        assert not np.isnan(lo[table.per_outcome[k] > 0]).any()


def test_one_competing_event_does_not_switch_the_interval_method():
    """Bug (issue 17): one way out had the log(-log S) interval, several the log(-log F) one,
    so one competing event changed a group's method. With one outcome the Kaplan-Meier
    interval must now be the Aalen-Johansen one (equal estimate and variance, one transform)."""
    days = np.array([0, 2, 2, 3, 5, 5, 8, 9, 9, 9])
    code = np.array([1, 1, 0, 1, 1, 0, 1, 0, 1, 1])
    table = S.EventTable.of(days, code)
    km = S.kaplan_meier(table)
    aj = S.aalen_johansen(table, 1)
    for a, b in zip(km, aj[:3]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)
    # a person censored after the last outcome of interest who instead has the competing
    # outcome on that day leaves every row of the first curve as it was
    days2 = np.append(days, 12)
    before = S.curves(days2, np.append(code, 0), ("a", "b"))
    after = S.curves(days2, np.append(code, 2), ("a", "b"))
    pd.testing.assert_frame_equal(before, after[after["uitkomst"] == "a"].reset_index(drop=True))


def test_no_outcome_gives_the_empty_frame_with_the_columns():
    df = S.curves(np.array([3, 4]), np.array([0, 0]), ("a", "b"))
    assert df.empty and list(df.columns) == list(S.COLUMNS[1:])


# ---- duur on a tiny extract ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    x = Extract()
    x.wi2021(persoon_id="p1", doelgroep="asiel", datum_plicht="2024-01-01", datum_pip="2024-01-01",
             leerroute="b1")  # PIP on day 0
    x.wi2021(persoon_id="p2", doelgroep="asiel", datum_plicht="2024-01-01", datum_pip="2024-01-11",
             leerroute="z")  # day 10
    x.wi2021(persoon_id="p3", doelgroep="asiel", datum_plicht="2024-01-01", datum_einde="2024-01-11",
             reden_einde="ontheven")  # day 10, the competing outcome, tied with p2
    x.wi2021(persoon_id="p4", doelgroep="gezin", datum_plicht="2024-01-01", datum_pip="2024-01-21",
             leerroute="b1", datum_einde="2024-01-21", reden_einde="voldaan")  # PIP on the day it ends
    x.wi2021(persoon_id="p5", doelgroep="gezin", datum_plicht="2024-04-01")  # censored at day 30
    x.wi2021(persoon_id="p6", doelgroep="overig", datum_plicht="2024-01-01", datum_pip="2024-06-01",
             leerroute="b1")  # PIP after P: censored at day 121
    x.wi2021(persoon_id="p7", doelgroep="overig", datum_plicht="2024-05-01")  # starts on P: day 0, censored
    x.wi2021(persoon_id="p8", doelgroep="asiel", datum_plicht="2024-05-02")  # after P: not counted
    x.wi2013(persoon_id="q1", datum_plicht="2016-01-01", datum_einde="2016-01-01", reden_einde="vervallen")
    x.wi2013(persoon_id="q2", datum_plicht="2016-01-01", datum_einde="2016-06-01", reden_einde="ingeburgerd")
    x.wi2013(persoon_id="q3", datum_plicht="2016-03-01")
    return x.load(tmp_path_factory.mktemp("duur"))


def test_duur_pip_by_hand(ext):
    """n = 7 on day 0 (p1 ... p7), one PIP; day 10: 5 at risk, one PIP and one end without;
    day 20: 3 at risk, one PIP. F_pip = 1/7, 11/35, 17/35; F_einde_zonder_pip(10) = 6/35."""
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P)
    assert list(df.columns) == list(S.COLUMNS) and (df["groep"] == "").all()
    pip = df[df["uitkomst"] == "pip"]
    assert pip["dagen"].tolist() == [0, 10, 20] and pip["at_risk"].tolist() == [7, 5, 3]
    assert pip["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 7, 11 / 35, 17 / 35], abs=1e-15)
    ez = df[df["uitkomst"] == "einde_zonder_pip"]
    assert ez["dagen"].tolist() == [10] and ez["cumulatieve_incidentie"].iloc[0] == pytest.approx(6 / 35)
    assert list(dict.fromkeys(df["uitkomst"])) == ["pip", "einde_zonder_pip"]
    assert (df["ci_laag"] <= df["cumulatieve_incidentie"]).all()
    assert (df["cumulatieve_incidentie"] <= df["ci_hoog"]).all()


def test_duur_by_group_aalen_johansen_and_kaplan_meier_intervals_by_hand(ext):
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep")
    assert list(dict.fromkeys(df["groep"])) == ["asiel", "gezin"]  # overig: no outcome by P, no rows
    asiel = df[df["groep"] == "asiel"]
    first = asiel.iloc[0]  # day 0: 3 at risk, one PIP; Var F = S(0-)^2 d (n - d) / n^3 = 2/27
    f, se = 1 / 3, math.sqrt(2 / 27)
    assert first["cumulatieve_incidentie"] == pytest.approx(f, abs=1e-15)
    assert first["ci_laag"] == pytest.approx(f ** math.exp(-Z * se / (f * math.log(f))), abs=1e-12)
    assert first["ci_hoog"] == pytest.approx(f ** math.exp(Z * se / (f * math.log(f))), abs=1e-12)
    assert asiel[asiel["uitkomst"] == "pip"]["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 3, 2 / 3])
    gezin = df[df["groep"] == "gezin"].iloc[0]  # one way out: Kaplan-Meier, S = 1/2 with n = 2
    assert (gezin["uitkomst"], gezin["dagen"], gezin["at_risk"]) == ("pip", 20, 2)
    # Greenwood: Var S = S^2 d / (n (n - d)) = 1/4 * 1/2; the interval on the log(-log F) scale
    # of F = 1/2, as for the asiel group with two ways out
    f, se = 0.5, math.sqrt(1 / 8)
    assert gezin["ci_laag"] == pytest.approx(f ** math.exp(-Z * se / (f * math.log(f))), abs=1e-12)
    assert gezin["ci_hoog"] == pytest.approx(f ** math.exp(Z * se / (f * math.log(f))), abs=1e-12)


def test_duur_einde_wi2013_day_zero_counts(ext):
    """q1 ends on its first day (vervallen, day 0): it counts from day 0 on."""
    df = S.duur(ext, "einde", "wi2013_opgelegd", P)
    assert list(dict.fromkeys(df["uitkomst"])) == ["ingeburgerd", "vervallen"]  # contract order
    v = df[df["uitkomst"] == "vervallen"].iloc[0]
    assert (v["dagen"], v["at_risk"], v["cumulatieve_incidentie"]) == (0, 3, pytest.approx(1 / 3))
    i = df[df["uitkomst"] == "ingeburgerd"].iloc[0]
    assert (i["dagen"], i["at_risk"]) == (152, 2) and i["cumulatieve_incidentie"] == pytest.approx(1 / 3)


def test_duur_empty_population_and_population_still_plichtig(ext):
    assert S.duur(ext, "pip", "wi2021_plichtig_geworden", dt.date(2023, 1, 1)).columns.tolist() == list(S.COLUMNS)
    assert S.duur(ext, "pip", "wi2021_plichtig_geworden", dt.date(2023, 1, 1)).empty
    # still plichtig at P: no one has ended, so 'einde' has no rows
    assert S.duur(ext, "einde", "wi2021_plichtig", P).empty


def test_duur_refusals(ext):
    with pytest.raises(UsageError, match="Onbekende gebeurtenis 'start'.*pip, einde"):
        S.duur(ext, "start", "wi2021_plichtig", P)
    with pytest.raises(UsageError, match="alleen in de Wi2021.*wi2021_plichtig_geworden"):
        S.duur(ext, "pip", "wi2013_opgelegd", P)
    with pytest.raises(UsageError, match="Onbekende populatie 'iedereen'.*elip"):
        S.duur(ext, "einde", "iedereen", P)
    with pytest.raises(UsageError, match="'analfabeet' bestaat niet voor de Wi2021.*doelgroep, cohort"):
        S.duur(ext, "pip", "wi2021_plichtig", P, groep="analfabeet")


def test_what_a_reading_at_days_publishes(ext):
    """Contract section 8: a share at a day publishes the group's size, the number still
    followed and the number with that outcome by that day (pip on days 0, 10, 20;
    einde_zonder_pip on day 10; 7 persons, 5 followed at day 10, 3 at day 20)."""
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, dagen=[10, 20], min_at_risk=1)
    counts, ratios = S.published(ext, df, "pip", "wi2021_plichtig_geworden", P, None, lambda *k: k)
    value = {c.key: c.value for c in counts}
    assert value[("", None, None, S.OMVANG)] == 7
    assert value[("", "pip", 10, S.GEVOLGD)] == 5 and value[("", "pip", 20, S.GEVOLGD)] == 3
    assert value[("", "pip", 10, S.MET_UITKOMST)] == 2 and value[("", "pip", 20, S.MET_UITKOMST)] == 3
    assert value[("", "einde_zonder_pip", 20, S.MET_UITKOMST)] == 1
    assert all(c.wet == "wi2021" for c in counts)
    share = {r.key: r.counts for r in ratios}[("", "pip", 10, "cumulatieve_incidentie")]
    assert share == (("", "pip", 10, S.MET_UITKOMST), ("", "pip", 10, S.GEVOLGD), ("", None, None, S.OMVANG))
    # an emptied estimate (fewer followed than min_at_risk) publishes no count of outcomes
    few = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, dagen=[20], min_at_risk=4)
    counts, ratios = S.published(ext, few, "pip", "wi2021_plichtig_geworden", P, None, lambda *k: k)
    assert not ratios and {k[3] for k in (c.key for c in counts)} == {S.OMVANG, S.GEVOLGD}


# ---- the median and its interval -----------------------------------------------------------

def curve_frame(groep, est, lo, hi, days=(0, 10, 20)):
    n = len(est)
    return pd.DataFrame({"groep": groep, "uitkomst": "pip", "dagen": list(days[:n]), "cumulatieve_incidentie": est,
                         "ci_laag": lo, "ci_hoog": hi, "at_risk": [9] * n})


def test_mediaan_is_the_first_day_at_half_and_its_interval_where_the_bounds_get_there():
    df = pd.concat([curve_frame("a", [0.2, 0.5, 0.7], [0.1, 0.3, 0.55], [0.4, 0.7, 0.8]),
                    curve_frame("b", [0.1, 0.3], [0.05, 0.2], [0.2, 0.6]),  # not reached: empty
                    curve_frame("c", [np.nan, 0.6, 0.7], [np.nan, 0.52, 0.6], [np.nan, 0.7, 0.8])],
                   ignore_index=True)
    m = S.mediaan(df)
    assert list(m.columns) == list(S.MEDIAAN_COLUMNS)
    assert m["groep"].tolist() == ["a", "b", "c"]
    assert m.iloc[0][["mediaan", "mediaan_laag", "mediaan_hoog"]].tolist() == [10, 10, 20]
    assert math.isnan(m.iloc[1]["mediaan"]) and m.iloc[1]["mediaan_laag"] == 10
    assert math.isnan(m.iloc[1]["mediaan_hoog"])
    assert m.iloc[2][["mediaan", "mediaan_laag", "mediaan_hoog"]].isna().all()  # day 0 hidden: may cross there


def test_mediaan_of_duur_by_hand(ext):
    m = S.mediaan(S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep"))
    asiel = m[(m["groep"] == "asiel") & (m["uitkomst"] == "pip")].iloc[0]
    assert asiel["mediaan"] == 10  # 1/3 on day 0, 2/3 on day 10
    gezin = m[(m["groep"] == "gezin")].iloc[0]
    assert gezin["mediaan"] == 20  # Kaplan-Meier: 1/2 on day 20
    whole = S.mediaan(S.duur(ext, "pip", "wi2021_plichtig_geworden", P))
    assert math.isnan(whole["mediaan"].iloc[0])  # 17/35 < 1/2 at the last day
    assert S.mediaan(S.empty()).empty


def test_mediaan_refuses_what_is_not_a_duur_result():
    with pytest.raises(UsageError, match="resultaat van duur.*ontbreekt: groep"):
        S.mediaan(pd.DataFrame({"x": [1]}))


# ---- curves read at given days, merged outcomes (contract 1.2, section 6) ----------------------

def test_duur_at_days_by_hand(ext):
    """asiel: day 0 one PIP of 3 (1/3); day 10 of 2 one PIP and one end without (F_pip 1/3 + 2/3 * 1/2).
    gezin (Kaplan-Meier, one way out): a PIP on day 20 with 2 at risk, p5 censored on day 30.
    overig: no outcome, p7 censored on day 0 and p6 on day 121. at_risk counts exit day >= d."""
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep", dagen=[31, 0, 10, 5, 20, 30, 10],
                min_at_risk=1)
    assert list(df.columns) == list(S.COLUMNS)
    assert list(dict.fromkeys(df["groep"])) == ["asiel", "gezin", "overig"]
    assert list(dict.fromkeys(df["uitkomst"])) == ["pip", "einde_zonder_pip"]
    assert df["dagen"].tolist()[:6] == [0, 5, 10, 20, 30, 31]  # sorted, each once

    def read(g, u):
        part = df[(df["groep"] == g) & (df["uitkomst"] == u)]
        return part["cumulatieve_incidentie"].tolist(), part["at_risk"].tolist()
    est, n = read("asiel", "pip")
    assert n == [3, 2, 2, 0, 0, 0]
    assert est[:3] == pytest.approx([1 / 3, 1 / 3, 2 / 3]) and all(math.isnan(e) for e in est[3:])
    est, _ = read("asiel", "einde_zonder_pip")
    assert est[:3] == pytest.approx([0, 0, 1 / 3])
    est, n = read("gezin", "pip")
    assert n == [2, 2, 2, 2, 1, 0] and est[:5] == pytest.approx([0, 0, 0, 1 / 2, 1 / 2]) and math.isnan(est[5])
    est, n = read("overig", "pip")
    assert n == [2, 1, 1, 1, 1, 1] and est == [0] * 6
    zero = df[df["cumulatieve_incidentie"] == 0]
    assert (zero["ci_laag"] == 0).all() and (zero["ci_hoog"] == 0).all()  # nothing seen: no variance


def test_duur_at_days_follow_up_rule_and_empty_groups(ext):
    """min_at_risk is the smallest number still followed that is enough; a group without anyone has
    rows (so two peildata line up) with nobody followed."""
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep", dagen=[10], min_at_risk=2)
    asiel = df[(df["groep"] == "asiel") & (df["uitkomst"] == "pip")].iloc[0]
    assert asiel["at_risk"] == 2 and asiel["cumulatieve_incidentie"] == pytest.approx(2 / 3)
    df = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep", dagen=[10], min_at_risk=3)
    asiel = df[(df["groep"] == "asiel") & (df["uitkomst"] == "pip")].iloc[0]
    assert asiel["at_risk"] == 2 and asiel[["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].isna().all()
    from analysis.core.params import Parameters
    default = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, dagen=[0])
    assert default["at_risk"].tolist() == [7, 7] and default["cumulatieve_incidentie"].isna().all()  # 7 < 20
    assert Parameters.min_at_risk > 7
    early = S.duur(ext, "einde", "wi2013_opgelegd", P, groep="cohort", dagen=[365])
    assert list(dict.fromkeys(early["groep"])) == [str(y) for y in range(2013, 2025)]
    empty = early[early["groep"] == "2013"]
    assert (empty["at_risk"] == 0).all() and empty["cumulatieve_incidentie"].isna().all()


def lifelines_at(days, code, k, day):
    """lifelines' cumulative incidence of outcome k (or 1 - S with one way out) at `day`, with
    its origin shifted as in lifelines_curves."""
    import warnings

    from lifelines import AalenJohansenFitter, KaplanMeierFitter

    class Exact(AalenJohansenFitter):
        @staticmethod
        def _check_for_duplicates(durations, events):  # noqa: ARG004
            return False
    t = np.asarray(days, float) + 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(set(code[code > 0].tolist())) == 1:
            km = KaplanMeierFitter().fit(t, event_observed=code > 0)
            return 1 - float(km.survival_function_at_times(day + 1.0).iloc[0])
        aj = Exact().fit(t, code, event_of_interest=k)
        cif = aj.cumulative_density_.iloc[:, 0]
        return float(cif[cif.index <= day + 1.0].iloc[-1])


@pytest.mark.parametrize("seed", range(8))
def test_at_days_gives_lifelines_estimates_and_the_curves_intervals(seed):
    """Random tied data: the value read at any day (between events, on an event day, before the first,
    after the last) is lifelines' estimate there, at_risk the count of exit days >= d, and the interval
    the one survival.curves gives on the last day with that outcome up to d (the estimator's variance
    does not change on days without that outcome)."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.choice([3, 40, 500]))
    days = rng.integers(0, int(rng.choice([20, 400])), n)
    code = rng.integers(0, int(rng.integers(2, 5)), n)
    if not (code > 0).any():
        code[0] = 1
    asked = np.unique(np.concatenate([rng.integers(0, days.max() + 5, 12), [0, days.max(), days.max() + 3]]))
    labels = ("a", "b", "c")
    read = S.at_days(days, code, labels, asked)
    curves = S.curves(days, code, labels)
    for row in read.itertuples():
        assert row.at_risk == int((days >= row.dagen).sum())
        k = labels.index(row.uitkomst) + 1
        if row.at_risk == 0:
            assert math.isnan(row.cumulatieve_incidentie)
            continue
        if k in code:
            assert row.cumulatieve_incidentie == pytest.approx(lifelines_at(days, code, k, row.dagen), abs=1e-9)
        else:
            assert row.cumulatieve_incidentie == 0
        c = curves[(curves["uitkomst"] == row.uitkomst) & (curves["dagen"] <= row.dagen)]
        want = c.iloc[-1][["cumulatieve_incidentie", "ci_laag", "ci_hoog"]].to_numpy(float) if len(c) else [0, 0, 0]
        np.testing.assert_allclose([row.cumulatieve_incidentie, row.ci_laag, row.ci_hoog], want, rtol=0, atol=1e-12,
                                   equal_nan=True)


def test_merged_outcomes_get_their_own_curve(ext):
    """q1 vervallen on day 0, q2 ingeburgerd on day 152, q3 censored: merged, one way out, so
    Kaplan-Meier: 1/3 on day 0, 1 - 2/3 * 1/2 = 2/3 on day 152; the same as lifelines on the merged
    codes, and its own interval, not one of the two separate curves'."""
    df = S.duur(ext, "einde", "wi2013_opgelegd", P, uitkomsten={"weg": ["vervallen", "ingeburgerd"]})
    assert set(df["uitkomst"]) == {"weg"} and df["dagen"].tolist() == [0, 152]
    assert df["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 3, 2 / 3])
    theirs = assert_same_as_lifelines([0, 152, 2983], [1, 1, 0], ("weg",))
    pd.testing.assert_frame_equal(df.drop(columns="groep"), theirs)
    apart = S.duur(ext, "einde", "wi2013_opgelegd", P)
    assert not np.allclose(apart[apart["dagen"] == 152][["ci_laag", "ci_hoog"]].to_numpy(),
                           df[df["dagen"] == 152][["ci_laag", "ci_hoog"]].to_numpy())


def test_merged_outcomes_keep_the_others_in_place(ext):
    """Wi2013 outcomes in contract order (ingeburgerd, vrijgesteld, ontheven, vervallen): 'voldaan'
    takes the place of ingeburgerd, the rest stay; read at days, every outcome has its rows."""
    df = S.duur(ext, "einde", "wi2013_opgelegd", P, dagen=[200], uitkomsten={"voldaan": ["ingeburgerd", "vrijgesteld"]},
                min_at_risk=1)
    assert df["uitkomst"].tolist() == ["voldaan", "ontheven", "vervallen"]
    assert df["cumulatieve_incidentie"].tolist() == pytest.approx([1 / 3, 0, 1 / 3]) and (df["at_risk"] == 1).all()
    same = S.duur(ext, "einde", "wi2013_opgelegd", P, dagen=[200], uitkomsten={"ingeburgerd": "ingeburgerd"},
                  min_at_risk=1)
    assert same["uitkomst"].tolist() == ["ingeburgerd", "vrijgesteld", "ontheven", "vervallen"]


@pytest.mark.parametrize("uitkomsten,message", [
    ({"voldaan": ["ingeburgerd", "geslaagd"]},
     r"Onbekende uitkomst 'geslaagd' in uitkomsten\['voldaan'\]\. Kies uit: ingeburgerd, vrijgesteld, ontheven, vervallen"),
    ({"voldaan": ["ingeburgerd", "ingeburgerd"]}, r"'ingeburgerd' staat twee keer in uitkomsten\['voldaan'\]"),
    ({"a": ["ingeburgerd"], "b": ["vrijgesteld", "ingeburgerd"]},
     r"'ingeburgerd' staat in uitkomsten\['a'\] en in uitkomsten\['b'\]"),
    ({"ontheven": ["ingeburgerd", "vrijgesteld"]}, r"'ontheven' in uitkomsten is al een uitkomst die blijft"),
    ({"voldaan": []}, r"uitkomsten\['voldaan'\] is geen lijst met ten minste één uitkomst"),
    (["ingeburgerd"], r"uitkomsten is een woordenboek"),
])
def test_merged_outcomes_refusals(ext, uitkomsten, message):
    with pytest.raises(UsageError, match=message):
        S.duur(ext, "einde", "wi2013_opgelegd", P, uitkomsten=uitkomsten)


def test_pip_outcomes_are_named_in_the_refusal(ext):
    with pytest.raises(UsageError, match="Kies uit: pip, einde_zonder_pip"):
        S.duur(ext, "pip", "wi2021_plichtig", P, uitkomsten={"x": ["voldaan"]})


@pytest.mark.parametrize("dagen,message", [
    ([-1], "kan niet negatief zijn"), ([1.5], "1.5: geen hele dag"), ("365", "lijst van hele dagen"),
    ([], "lijst van hele dagen"), ([True], "True: geen hele dag"), ([10 ** 30], "meer dan"),
])
def test_dagen_refusals(ext, dagen, message):
    with pytest.raises(UsageError, match=message):
        S.duur(ext, "pip", "wi2021_plichtig", P, dagen=dagen)


def test_dagen_accepts_one_day_and_whole_floats(ext):
    one = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, dagen=10, min_at_risk=1)
    pd.testing.assert_frame_equal(one, S.duur(ext, "pip", "wi2021_plichtig_geworden", P, dagen=[10.0], min_at_risk=1))
    assert one["dagen"].tolist() == [10, 10]


def test_mediaan_refuses_a_curve_read_at_chosen_days(ext):
    """Read at 91, 182 and 365 days, a median of '365 (365 to 365)' would be false precision:
    it lies somewhere after 182 days. The researcher is told why (and what to read instead)."""
    read = S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep", dagen=[5, 10, 30], min_at_risk=1)
    with pytest.raises(UsageError, match="hele curve"):
        S.mediaan(read)
    assert not S.mediaan(S.duur(ext, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep")).empty
