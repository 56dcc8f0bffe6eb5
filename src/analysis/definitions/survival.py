"""Time to an event in days since datum_plicht, with competing outcomes (contract section 6).

`duur(...)` gives, per group and outcome, the cumulative incidence: the share of the
population that has had that outcome by day t, where the other outcomes compete (a person
whose plicht ended without a PIP can no longer get one) and a person with no outcome by P
is censored at P. The estimators are lifelines' (its formulas, term for term, evaluated here
with numpy; see below):

* more than one way out (more than one outcome occurs in the group): the Aalen-Johansen
  estimator, as `lifelines.AalenJohansenFitter`, F_k(t) = sum over days t_j <= t of
  S(t_j -) d_kj / n_j, with S the all-cause Kaplan-Meier curve, and the delta-method
  (Greenwood-type) variance of Collett (2015, Modelling Survival Data in Medical Research,
  3rd ed., p. 411; also SAS PROC LIFETEST's CIF variance, ERROR=DELTA).
* one way out: Kaplan-Meier, as `lifelines.KaplanMeierFitter`, reported as 1 - S(t), with
  Greenwood's variance. With one outcome the Aalen-Johansen estimate equals 1 - S and its
  variance equals Greenwood's.

The pointwise 95% interval is the same in both cases (`_interval`): the delta method on
the log(-log F) scale of the reported cumulative incidence F, F ** exp(+-1.96 se / (F log F))
(Pintilie 2006, Competing Risks: A Practical Perspective; Choudhury 2002). Up to v1.2 one-way
groups had the log(-log S) interval instead, so one competing event switched a group's
method; docs/statistiek.md gives the reasons for the choice.

Checked against published values in data/reference/statistiek_referentiewaarden.csv
(families `km` and `aj`), against hand-computed examples, and against lifelines itself on
random data with ties to 1e-9 (tests/test_survival.py).

Why not lifelines itself (it was used up to v1.1 of this module):

* `AalenJohansenFitter` evaluates the variance in a Python loop over the rows of a pandas
  frame: about 12 s for the Wi2013 cohorts at national size. The three sums of Collett's
  variance are cumulative sums over the days, so `aalen_johansen` computes them at once,
  with the same expansion of the squares lifelines uses (so the two agree to rounding).
* `AalenJohansenFitter` "cannot handle tied times" and by default shifts tied event times
  by random amounts. Ties are the rule here (time is counted in whole days). The formula
  is the discrete-time Aalen-Johansen estimator, which is exact with ties (all events of
  day t_j use the same S(t_j -) and n_j), and so is the variance: no jitter is needed,
  and the result is the same on every run.
* lifelines pins the cumulative incidence at its first time to zero (its entry row at
  time 0); day 0 is a real day here (a plicht can end, or a PIP be set, on the day it
  starts), so an event on day 0 counts from day 0 on, like any other.

Conventions (contract section 6): an event on day d counts at every t >= d; `at_risk` is
the number of persons still without an outcome at the start of day d (those censored on
day d included); a person whose plicht started on P is at risk on day 0 and censored
there. On a day when everyone still at risk has an outcome (the last day) the variance is
its finite limit (`aalen_johansen`, docs/statistiek.md), not lifelines' NaN; where the
variance is zero (the estimate is 0 or 1, or no one could have varied) the interval is
the point itself.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..core.errors import UsageError
from ..extract.model import Extract
from . import populations as POP
from . import tables as T

READ_AT = "gelezen_op_dagen"  # attrs key of a duur result read at chosen days
COLUMNS = ("groep", "uitkomst", "dagen", "cumulatieve_incidentie", "ci_laag", "ci_hoog", "at_risk")
GEBEURTENISSEN = ("pip", "einde")
PIP, EINDE_ZONDER_PIP = "pip", "einde_zonder_pip"
ALPHA = 0.05  # 95% pointwise intervals


def empty() -> pd.DataFrame:
    """The result with no rows: no one in the population, or no outcome by P."""
    return pd.DataFrame({"groep": pd.Series(dtype=object), "uitkomst": pd.Series(dtype=object),
                         "dagen": pd.Series(dtype=np.int64),
                         **{c: pd.Series(dtype=float) for c in COLUMNS[3:6]},
                         "at_risk": pd.Series(dtype=np.int64)})


Z = NormalDist().inv_cdf(1 - ALPHA / 2)  # lifelines: scipy's norm.ppf, equal to the last digit or two


@dataclass(frozen=True)
class EventTable:
    """Per distinct day with an outcome or a censoring, in order: the number at risk at its
    start and the outcomes that day (all together and per outcome code)."""

    days: np.ndarray  # int64, ascending
    at_risk: np.ndarray  # int64: n_j
    observed: np.ndarray  # int64: d_j, every outcome
    per_outcome: dict[int, np.ndarray]  # code -> d_kj

    @classmethod
    def of(cls, days: np.ndarray, outcome: np.ndarray) -> "EventTable":
        times, inverse = np.unique(days, return_inverse=True)
        removed = np.bincount(inverse, minlength=len(times))
        at_risk = len(days) - np.concatenate(([0], np.cumsum(removed)[:-1]))
        codes = sorted(set(outcome[outcome > 0].tolist()))
        per = {k: np.bincount(inverse[outcome == k], minlength=len(times)) for k in codes}
        observed = np.bincount(inverse[outcome > 0], minlength=len(times))
        return cls(times.astype(np.int64), at_risk.astype(np.int64), observed, per)


def kaplan_meier(table: EventTable, with_ci: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1 - S(t) of every outcome together, with Greenwood's variance of S and the interval of
    `_interval` on the reported F = 1 - S; the estimate is lifelines' KaplanMeierFitter term for
    term (S as the exponent of a sum of logs).

    Greenwood's term d / (n (n - d)) is infinite on a day when everyone at risk has an outcome
    (n = d); that is the last day (nobody is left), where S = 0, and the delta-method
    variance of S there is 0 (docs/statistiek.md, "Where everyone at risk has an outcome"):
    the term is counted as 0 and S^2 = 0 multiplies the sum, as lifelines does."""
    n = table.at_risk
    d = table.observed
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.exp(np.cumsum(np.log(n - d) - np.log(n)))
        est = 1.0 - s
        if not with_ci:
            nan = np.full(len(est), np.nan)
            return est, nan, nan
        term = d / (n * (n - d)).astype(float)
    term[n == d] = 0.0
    var = s ** 2 * np.cumsum(term)
    lo, hi = _interval(est, var)
    return est, lo, hi


def aalen_johansen(table: EventTable, k: int, with_ci: bool = True
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """F_k(t) and its variance and interval (module docstring), on every day of the table.

    lifelines' AalenJohansenFitter evaluates the same variance row by row in pandas (seconds
    for a few thousand days); here its three sums are cumulative sums over the days, with
    lifelines' own expansion of the squares, so the two agree to rounding
    (tests/test_survival.py checks 1e-9 on published and random data).

    Where everyone still at risk has an outcome (n_j = d_j, necessarily the last day) the
    first sum's coefficient d / (n (n - d)) is infinite and lifelines 0.30 returns NaN (an
    empty interval) although the variance is finite: written as the delta method gives it,
    that term is G_j^2 h_j (1 - h_j) / n_j with h_j = d_j / n_j and G_j = (F(t) - F(t_j)) /
    (1 - h_j) a finite sum of products, so it is exactly 0 at h_j = 1 (derivation in
    docs/statistiek.md). The coefficient is therefore 0 on that day; the other two terms are
    finite there. Without censoring this gives the binomial variance F (1 - F) / n.
    """
    n = table.at_risk.astype(float)
    d = table.observed.astype(float)
    dk = table.per_outcome[k].astype(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.exp(np.cumsum(np.log(n - d) - np.log(n)))
        lag_s = np.concatenate(([1.0], s[:-1]))  # S(t_j -)
        f = np.cumsum(dk / n * lag_s)
        if not with_ci:
            nan = np.full(len(f), np.nan)
            return f, nan, nan, nan
        # sum_i a_i (F(t) - F_i)^2, expanded as lifelines does: F^2 sum a - F sum 2aF_i + sum aF_i^2
        a = d / n / (n - d)
    a[n == d] = 0.0  # the limit of the term, not lifelines' NaN (docstring)
    quadratic = np.cumsum(a * f ** 2) + np.cumsum(-(2 * a * f)) * f + np.cumsum(a) * f ** 2
    second = np.cumsum(lag_s ** 2 * dk * (n - dk) / n ** 3)
    c = lag_s * dk / n ** 2
    linear = np.cumsum(-(c * f)) + np.cumsum(c) * f  # sum_i c_i (F(t) - F_i)
    var = np.fmax((quadratic + second) - 2 * linear, 0.0)  # a rounding -1e-18 is a zero
    lo, hi = _interval(f, var)
    return f, lo, hi, var


def _interval(est: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pointwise interval of a cumulative incidence F, one method for Kaplan-Meier and
    Aalen-Johansen alike: the delta method on the log(-log F) scale, F ** exp(+-z se / (F log
    F)) (Kalbfleisch & Prentice's transform applied to the reported F, as Pintilie 2006 and
    Choudhury 2002 recommend for a cumulative incidence; lifelines' AalenJohansenFitter).

    Why one method: with one way out F = 1 - S and the two variances are equal, so a
    group's interval must not change method because one competing outcome occurs in it
    (docs/statistiek.md). Where the variance is 0 (F is 0 or 1, or nobody could have
    varied) the interval is the point itself; both bounds stay inside [0, 1].
    """
    est = np.asarray(est, dtype=float)
    var = np.asarray(var, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        se = np.sqrt(var) / (est * np.log(est))  # negative: log F < 0
        b1 = est ** np.exp(Z * se)
        b2 = est ** np.exp(-Z * se)
    lo, hi = np.fmin(b1, b2), np.fmax(b1, b2)
    point = (var == 0) | (est <= 0) | (est >= 1)
    return np.where(point, est, lo), np.where(point, est, hi)


def curves(days: np.ndarray, outcome: np.ndarray, labels: tuple[str, ...],
           with_ci: bool = True) -> pd.DataFrame:
    """Cumulative incidence per outcome on each day that outcome occurred.

    `days`: whole days from the start to the outcome or to censoring (>= 0); `outcome`:
    0 for censored, k >= 1 for labels[k - 1]. Without `with_ci` the interval columns are
    NaN (the monitor only needs the estimates). Returns the columns of COLUMNS without `groep`.
    """
    days = np.asarray(days, dtype=np.int64)
    outcome = np.asarray(outcome, dtype=np.int64)
    table = EventTable.of(days, outcome)
    if not table.per_outcome:
        return empty().drop(columns="groep")
    parts = [_part(labels[k - 1], table, table.per_outcome[k] > 0, est, lo, hi)
             for k, (est, lo, hi) in _estimates(table, with_ci).items()]
    return pd.concat(parts, ignore_index=True)


def _estimates(table: EventTable, with_ci: bool = True) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per outcome that occurs, its estimate and interval on every day of the table: Kaplan-Meier
    when one outcome occurs, Aalen-Johansen when more do (the module docstring says why)."""
    if len(table.per_outcome) == 1:
        (k, _), = table.per_outcome.items()
        return {k: kaplan_meier(table, with_ci)}
    return {k: aalen_johansen(table, k, with_ci)[:3] for k in table.per_outcome}


def at_days(days: np.ndarray, outcome: np.ndarray, labels: tuple[str, ...], dagen: np.ndarray) -> pd.DataFrame:
    """The curves of every outcome read at the asked days (contract section 6, v1.2): one row
    per outcome and day, with the estimate and interval of the step function on that day and
    `at_risk`, the number still followed at its start (exit day >= d).

    Each outcome is read on the last day up to d on which it occurred: the row `curves` shows
    for it, with the estimators' interval. The estimate and its variance do not change between
    two days with that outcome (every term of another day is zero there), so this is the
    estimator's value at d, and a value read off the curve equals the curve. Before an outcome
    first occurs (or when it never does) the estimate is 0, with the interval the estimator
    gives a count of zero (`_zero_count`). A day after everyone has left has at_risk 0 and no estimate. Columns: those of
    COLUMNS without `groep`; no follow-up rule is applied here (see `follow_up`).
    """
    days = np.asarray(days, dtype=np.int64)
    outcome = np.asarray(outcome, dtype=np.int64)
    dagen = np.asarray(dagen, dtype=np.int64)
    table = EventTable.of(days, outcome)
    at_risk = len(days) - np.searchsorted(np.sort(days), dagen, side="left")  # exit day >= d
    gone = at_risk == 0  # no one left to estimate from
    zero = np.zeros(len(dagen))
    zero_lo, zero_hi = (np.full(len(dagen), b) for b in _zero_count(len(days)))
    estimates = _estimates(table) if table.per_outcome else {}
    parts = []
    for k, label in enumerate(labels, start=1):
        if k not in estimates:
            est, lo, hi, at = zero, zero_lo, zero_hi, np.full(len(dagen), -1)
        else:
            est, lo, hi = estimates[k]
            seen = np.flatnonzero(table.per_outcome[k] > 0)  # rows of the days with outcome k
            last = np.searchsorted(table.days[seen], dagen, side="right") - 1  # the last one up to d
            at = np.where(last >= 0, seen[np.maximum(last, 0)], -1)

        def value(x, first):
            return np.where(gone, np.nan, np.where(at < 0, first, np.asarray(x, dtype=float)[np.maximum(at, 0)]))
        parts.append(pd.DataFrame({
            "uitkomst": label,
            "dagen": dagen,
            "cumulatieve_incidentie": value(est, zero),
            "ci_laag": value(lo, zero_lo),
            "ci_hoog": value(hi, zero_hi),
            "at_risk": at_risk.astype(np.int64),
        }))
    return pd.concat(parts, ignore_index=True)


def _zero_count(n: int) -> tuple[float, float]:
    """The interval the Aalen-Johansen estimator gives an outcome nobody has had (yet) among n
    at risk: its own answer on a day without outcomes, so that a change of interval method
    in `aalen_johansen` reaches these cells too."""
    none = np.zeros(1, dtype=np.int64)
    _, lo, hi, _ = aalen_johansen(EventTable(none, np.array([max(n, 1)]), none, {1: none}), 1)
    return float(lo[0]), float(hi[0])


def follow_up(result: pd.DataFrame, min_at_risk: int) -> pd.DataFrame:
    """Contract section 7 (v1.2): an estimate (and its interval) stands only on a day on which
    at least `min_at_risk` persons of the group, and at least one, are still followed; past
    that the step function is only its last value carried forward over people no longer
    observed. at_risk itself stays: it says why a value is missing."""
    out = result.copy()
    followed = out["at_risk"].to_numpy(dtype=float) >= max(int(min_at_risk), 1)
    out.loc[~followed, ["cumulatieve_incidentie", "ci_laag", "ci_hoog"]] = np.nan
    return out


def _part(label: str, table: EventTable, keep: np.ndarray, est, lo, hi) -> pd.DataFrame:
    return pd.DataFrame({
        "uitkomst": label,
        "dagen": table.days[keep],
        "cumulatieve_incidentie": np.asarray(est, dtype=float)[keep],
        "ci_laag": np.asarray(lo, dtype=float)[keep],
        "ci_hoog": np.asarray(hi, dtype=float)[keep],
        "at_risk": table.at_risk[keep],
    })


def _days(start: pd.Series, end: np.ndarray) -> np.ndarray:
    return ((end - start.to_numpy()) // np.timedelta64(1, "D")).astype(np.int64)


def outcomes(extract: Extract, gebeurtenis: str, law: str, p: dt.date) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Days to the outcome or to P, outcome code (0 censored), outcome labels; for every
    person of the law (meaningful for those with datum_plicht <= P)."""
    df = POP.persons(extract, law)
    p64 = np.datetime64(p.isoformat(), "s")
    ended = T.on_or_before(df["datum_einde"], p)
    einde = df["datum_einde"].to_numpy()
    if gebeurtenis == PIP:
        pip = T.on_or_before(df["datum_pip"], p)  # datum_pip <= datum_einde (contract): a PIP comes first
        code = np.where(pip, 1, np.where(ended, 2, 0))
        at = np.where(pip, df["datum_pip"].to_numpy(), np.where(ended, einde, p64))
        return _days(df["datum_plicht"], at), code, (PIP, EINDE_ZONDER_PIP)
    reden = POP.REDEN_EINDE[law]
    cats = list(df["reden_einde"].cat.categories)
    raw = df["reden_einde"].cat.codes.to_numpy()
    code = np.zeros(len(df), dtype=np.int64)
    for i, r in enumerate(reden):
        code[ended & (raw == cats.index(r))] = i + 1
    at = np.where(ended, einde, p64)
    return _days(df["datum_plicht"], at), code, tuple(reden)


def duur(extract: Extract, gebeurtenis: str, populatie: str, p: dt.date, groep: str | None = None,
         elip_drempel_cent: int | None = None, with_ci: bool = True, dagen=None, uitkomsten: dict | None = None,
         min_at_risk: int | None = None) -> pd.DataFrame:
    """Cumulative incidence of each outcome of `gebeurtenis` over the population at P.

    Without `dagen`: one row per group (in the variable's order), outcome (in contract order)
    and day on which that outcome occurred. A group with no one in it, or with no outcome by
    P, has no rows; with no rows at all the result is an empty frame with the columns.

    With `dagen` (contract section 6, v1.2): the curves read at those days (`at_days`), one
    row per group of the variable (empty ones included, so that two peildata line up, as in a
    cross-table), outcome and asked day, emptied by section 7's follow-up rule
    (`follow_up`, at least `min_at_risk` still followed; default Parameters.min_at_risk).
    This is the one place where the monitor's shares at 1 ... 5 years and 91 ... 730 days
    are read, so the interface and the monitor give the same numbers.

    `uitkomsten` merges outcomes before estimating (`merge_outcomes`).
    """
    if gebeurtenis not in GEBEURTENISSEN:
        raise UsageError(f"Onbekende gebeurtenis '{gebeurtenis}'. Kies uit: {', '.join(GEBEURTENISSEN)}.")
    law = POP.law_of(populatie)
    if gebeurtenis == PIP and law != POP.WI2021:
        wi21 = [k for k, v in POP.POPULATIONS.items() if v == POP.WI2021]
        raise UsageError(f"De gebeurtenis 'pip' bestaat alleen in de Wi2021; populatie {populatie} is "
                         f"Wi2013. Kies uit: {', '.join(wi21)}.")
    if groep is not None:
        POP.check_variable(groep, law, populatie)
    asked = None if dagen is None else parse_dagen(dagen)
    members = POP.mask(extract, populatie, p, elip_drempel_cent)
    days, code, labels = outcomes(extract, gebeurtenis, law, p)
    code, labels = merge_outcomes(code, labels, uitkomsten)
    if groep is None:
        groups = [("", members)]
    else:
        var = POP.variable(extract, groep, law, p)
        groups = [(v, members & (var.codes == i)) for i, v in enumerate(var.values)]
    if asked is not None:
        from ..core.params import Parameters
        threshold = Parameters.min_at_risk if min_at_risk is None else min_at_risk
        parts = []
        for name, m in groups:
            part = at_days(days[m], code[m], labels, asked)
            part.insert(0, "groep", name)
            parts.append(part)
        out = follow_up(pd.concat(parts, ignore_index=True), threshold)[list(COLUMNS)]
        out.attrs[READ_AT] = tuple(int(d) for d in asked)  # not a whole curve: mediaan refuses it
        return out
    parts = []
    for name, m in groups:
        if not m.any():
            continue
        part = curves(days[m], code[m], labels, with_ci)
        if len(part):
            part.insert(0, "groep", name)
            parts.append(part)
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    return out[list(COLUMNS)]


def parse_dagen(dagen) -> np.ndarray:
    """The asked days of `duur(..., dagen=...)`: whole days of 0 or more (a list, or one day),
    sorted and each once, as the rows of a curve are."""
    items = [dagen] if np.ndim(dagen) == 0 and not isinstance(dagen, (list, tuple, set, range)) else list(dagen)
    example = "bijvoorbeeld dagen=[365, 730]"
    if isinstance(dagen, (str, bytes)) or not items:
        raise UsageError(f"dagen is een lijst van hele dagen van 0 of meer, {example}; niet {dagen!r}.")
    out = []
    for d in items:
        whole = isinstance(d, (int, np.integer)) or (isinstance(d, (float, np.floating)) and float(d).is_integer())
        if isinstance(d, (bool, np.bool_)) or not whole:
            raise UsageError(f"dagen bevat {d!r}: geen hele dag. Geef hele dagen van 0 of meer, {example}.")
        if d < 0:
            raise UsageError(f"dagen bevat {int(d)}: een dag telt vanaf de start van de plicht (dag 0) en "
                             f"kan niet negatief zijn; {example}.")
        if d > MAX_DAGEN:
            raise UsageError(f"dagen bevat {int(d)}: meer dan {MAX_DAGEN} dagen kan geen plicht duren "
                             f"binnen de data die een extract mag bevatten; {example}.")
        out.append(int(d))
    return np.array(sorted(set(out)), dtype=np.int64)


MAX_DAGEN = 366 * 200  # more than the whole range of dates an extract may hold (1900-2100)


def merge_outcomes(code: np.ndarray, labels: tuple[str, ...], uitkomsten: dict | None
                   ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Outcomes merged before estimating (contract section 6, v1.2): `{"voldaan":
    ["ingeburgerd", "vrijgesteld"]}` makes one outcome of the two, with its own curve and
    interval (not the sum of two curves' intervals); outcomes not named stay. A merged
    outcome takes the place of its first member in contract order. Refused: an unknown
    outcome, an outcome named twice, a name that is already an outcome standing alone."""
    if not uitkomsten:
        return code, labels
    example = "bijvoorbeeld uitkomsten={'voldaan': ['ingeburgerd', 'vrijgesteld']}"
    if not isinstance(uitkomsten, dict):
        raise UsageError(f"uitkomsten is een woordenboek van nieuwe naam naar een lijst uitkomsten, {example}.")
    into: dict[str, str] = {}
    for name, members in uitkomsten.items():
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"uitkomsten: de naam {name!r} is geen tekst; {example}.")
        members = [members] if isinstance(members, str) else members
        if not isinstance(members, (list, tuple, set)) or not members:
            raise UsageError(f"uitkomsten['{name}'] is geen lijst met ten minste één uitkomst; {example}.")
        for m in members:
            if m not in labels:
                raise UsageError(f"Onbekende uitkomst {m!r} in uitkomsten['{name}']. Kies uit: {', '.join(labels)}.")
            if m in into:
                where = "twee keer in" if into[m] == name else f"in uitkomsten['{into[m]}'] en in"
                raise UsageError(f"De uitkomst '{m}' staat {where} uitkomsten['{name}']; elke uitkomst kan maar "
                                 "in één samengevoegde uitkomst.")
            into[m] = name
    for name in uitkomsten:
        if name in labels and name not in into:
            raise UsageError(f"De naam '{name}' in uitkomsten is al een uitkomst die blijft zoals ze is; kies "
                             "een andere naam of neem haar in de lijst op.")
    merged = tuple(dict.fromkeys(into.get(label, label) for label in labels))
    new_code = np.concatenate([[0], [merged.index(into.get(label, label)) + 1 for label in labels]])
    return new_code[np.asarray(code, dtype=np.int64)].astype(np.int64), merged


def at(curve: pd.DataFrame, day: int) -> float:
    """The step function's value at `day`: the estimate of the last day <= day, 0 before."""
    hit = curve[curve["dagen"] <= day]
    return float(hit["cumulatieve_incidentie"].iloc[-1]) if len(hit) else 0.0


MEDIAAN_COLUMNS = ("groep", "uitkomst", "mediaan", "mediaan_laag", "mediaan_hoog")


def first_day_reaching(days: np.ndarray, values: np.ndarray, level: float) -> float:
    """First day on which the step function reaches `level`; NaN when it does not, or when
    an emptied value (NaN) comes first, since the crossing may lie there."""
    hit = np.flatnonzero((values >= level) | np.isnan(values))
    if not len(hit) or np.isnan(values[hit[0]]):
        return np.nan
    return float(days[hit[0]])


def mediaan(result: pd.DataFrame) -> pd.DataFrame:
    """The median time to each outcome of a `duur` result, with a 95% interval: an extension
    beyond contract section 6 (which gives the curves only).

    The median is the first day on which the cumulative incidence reaches 50% (as the
    monitor's `duur_tot_pip_wi2021`); its interval runs from the first day on which the
    upper bound reaches 50% to the first day on which the lower bound does: the days the
    pointwise interval cannot tell apart from the median (Brookmeyer & Crowley 1982, the
    interval R's survfit prints for a median). A bound the data do not reach is empty (the
    median may lie beyond the follow-up); so is everything after a row emptied by
    celbeveiliging. One row per group and outcome of the result, in its order.
    """
    missing = [c for c in COLUMNS if c not in getattr(result, "columns", ())]
    if missing:
        raise UsageError(f"mediaan verwacht het resultaat van duur(...), met de kolommen {', '.join(COLUMNS)}; "
                         f"ontbreekt: {', '.join(missing)}.")
    if result.attrs.get(READ_AT):
        raise UsageError("mediaan vraagt de hele curve, duur(...) zonder dagen: op gekozen dagen gelezen ligt de "
                         "mediaan ergens tussen twee van die dagen, en een interval als 365 tot 365 zou schijnzekerheid "
                         "zijn. Met celbeveiliging is de hele curve niet beschikbaar; lees dan de aandelen op de "
                         "gekozen dagen af.")
    rows = []
    for (groep, uitkomst), part in result.groupby(["groep", "uitkomst"], sort=False):
        days = part["dagen"].to_numpy()
        rows.append((groep, uitkomst,
                     first_day_reaching(days, part["cumulatieve_incidentie"].to_numpy(dtype=float), 0.5),
                     first_day_reaching(days, part["ci_hoog"].to_numpy(dtype=float), 0.5),
                     first_day_reaching(days, part["ci_laag"].to_numpy(dtype=float), 0.5)))
    return pd.DataFrame(rows, columns=list(MEDIAAN_COLUMNS)).astype(
        {"groep": object, "uitkomst": object, "mediaan": float, "mediaan_laag": float, "mediaan_hoog": float})


# what a reading publishes, in persons (contract section 8)
GEVOLGD, MET_UITKOMST, OMVANG = "at_risk", "met_uitkomst", "omvang"
ESTIMATE_COLUMNS = ("cumulatieve_incidentie", "ci_laag", "ci_hoog")


def published(extract: Extract, rows: pd.DataFrame, gebeurtenis: str, populatie: str, p: dt.date,
              groep: str | None, key, elip_drempel_cent: int | None = None, uitkomsten: dict | None = None):
    """What a reading at days (`duur(..., dagen=...)` rows, the values as they will be shown)
    publishes, for disclosure control: per group its size, per row the number still followed
    (at_risk), and for a shown estimate the number with that outcome by that day; the
    estimate and its interval are ratios resting on those three. `key(groep, uitkomst, dag,
    wat)` names each (wat: a column of the rows, MET_UITKOMST, or OMVANG with uitkomst and dag
    None). Returns (counts, ratios) as publication.items.Count and Ratio.

    Why these counts: the estimate is events / size where nobody left earlier (Kaplan-Meier
    and Aalen-Johansen both), and with at_risk and the size it publishes how many left; an
    estimate is modelled as publishing those counts (docs/celbeveiliging.md says what this
    leaves out: the curve between the asked days is not published at all)."""
    from .items import Count, Ratio
    law = POP.law_of(populatie)
    members = POP.mask(extract, populatie, p, elip_drempel_cent)
    days, code, labels = outcomes(extract, gebeurtenis, law, p)
    code, labels = merge_outcomes(code, labels, uitkomsten)
    if groep is None:
        group_mask = {"": members}
    else:
        var = POP.variable(extract, groep, law, p)
        group_mask = {v: members & (var.codes == i) for i, v in enumerate(var.values)}
    counts, ratios = [], []
    for g in dict.fromkeys(rows["groep"]):
        counts.append(Count(key(g, None, None, OMVANG), law, group_mask[g]))
    for r in rows.itertuples(index=False):
        gm = group_mask[r.groep]
        at_risk = key(r.groep, r.uitkomst, int(r.dagen), GEVOLGD)
        counts.append(Count(at_risk, law, gm & (days >= r.dagen)))
        shown = [c for c in ESTIMATE_COLUMNS if not np.isnan(getattr(r, c))]
        if not shown:
            continue
        events = key(r.groep, r.uitkomst, int(r.dagen), MET_UITKOMST)
        counts.append(Count(events, law, gm & (code == labels.index(r.uitkomst) + 1) & (days <= r.dagen)))
        deps = (events, at_risk, key(r.groep, None, None, OMVANG))
        ratios += [Ratio(key(r.groep, r.uitkomst, int(r.dagen), c), deps) for c in shown]
    return counts, ratios
