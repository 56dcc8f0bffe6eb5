"""The parameters of a run, and how text from the command line or a notebook becomes them.

Checked here, once, with messages a user can act on: Q must lie before P (it is the
comparison peildatum), ELIP peildata may not lie after P (a table at P may only use
events on or before P), the threshold must be positive and whole cents. The one home of
date parsing too (`parse_date`): the command line, the notebooks and the interface all call
it, each naming its own argument (`naming`: `--vorige-peildatum` on the command line,
`vorige_peildatum` in Python).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import contract as C
from .errors import UsageError, shorten


def one_year_before(d: dt.date) -> dt.date:
    """Same day a year earlier; 29 February falls back to 28 February."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


DEFAULT_MARGE = 0.05  # equivalence margin of the composition test (share points)
DEFAULT_SEED = 20240624  # seed of the power simulation: the letter's date
DEFAULT_MIN_AT_RISK = 20  # the monitor reads a curve at day d only while this many are still followed


@dataclass(frozen=True)
class Parameters:
    """What a run computes: the peildatum and every choice a user can make.

    The one home of every default: the command line, the runner, the notebooks' parameter
    cells (which pass None for "the default") and the exploration interface all take them
    from here.
    """

    peildatum: dt.date = C.DEFAULT_PEILDATUM
    vorige_peildatum: dt.date | None = None  # default: one year before peildatum
    elip_peildata: tuple[dt.date, ...] | None = None  # default: the contract's list up to P
    elip_drempel_cent: int = C.DEFAULT_ELIP_DREMPEL_EURO * 100
    celbeveiliging: int = 0  # suppress counts below this (0: none)
    marge: float = DEFAULT_MARGE
    seed: int = DEFAULT_SEED
    min_at_risk: int = DEFAULT_MIN_AT_RISK  # contract section 7: persons still followed at day d

    @property
    def q(self) -> dt.date:
        return self.vorige_peildatum or one_year_before(self.peildatum)

    @property
    def elip(self) -> tuple[dt.date, ...]:
        if self.elip_peildata is not None:
            return tuple(sorted(self.elip_peildata))
        return tuple(d for d in C.DEFAULT_ELIP_PEILDATA if d <= self.peildatum)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Every date the run's tables speak of: P, Q and the ELIP peildata."""
        return tuple(sorted({self.peildatum, self.q, *self.elip}))

    def as_dict(self) -> dict:
        return {
            "peildatum": self.peildatum.isoformat(),
            "vorige_peildatum": self.q.isoformat(),
            "elip_peildata": [d.isoformat() for d in self.elip],
            "elip_drempel": self.elip_drempel_cent / 100,
            "celbeveiliging": self.celbeveiliging,
            "marge": self.marge,
            "seed": self.seed,
            "min_at_risk": self.min_at_risk,
        }

    def notebook_values(self) -> dict:
        """The parameters as a notebook's parameters cell takes them (plain text and numbers)."""
        d = self.as_dict()
        d["elip_peildata"] = ",".join(d["elip_peildata"])
        return d


# How each caller names the arguments in its messages: the command line by its options, the
# notebooks (their parameters cell) and the Python interface by their keyword arguments. A
# message names what the user typed, never another front end's spelling of it.
FIELDS = ("peildatum", "vorige_peildatum", "elip_peildata", "elip_drempel", "celbeveiliging", "marge", "seed",
          "min_at_risk")
CLI = {f: "--" + f.replace("_", "-") for f in FIELDS}
PYTHON = {f: f for f in FIELDS}


def _is_missing(value) -> bool:
    """NaN, NaT (pandas' and numpy's) and None: a date that is not there."""
    if value is None or type(value).__name__ == "NAType":  # pandas.NA
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def parse_date(value, what: str, earliest: dt.date | None = C.WI2013_START) -> dt.date:
    """A peildatum from whatever the caller holds: an ISO string, `datetime.date`,
    `datetime.datetime`, `pandas.Timestamp` or `numpy.datetime64` (contract section 6).

    A time of day other than midnight is refused rather than cut off: 1 May 14:00 is not a
    peildatum and silently dropping the hours would hide a mistake upstream. A missing date
    (None, NaN, NaT) is refused: a table at "no date" does not exist. From the start of the
    Wi2013 (nothing to count before it; year 1 would even break 'a year earlier') up to the
    contract's last valid date; `earliest=None` leaves the lower bound to the caller (the
    interface refuses per law, populations.check_started). `what` is the argument's name as
    the caller spells it (`--peildatum`, `vorige_peildatum`, ...)."""
    import numpy as np
    if _is_missing(value):
        raise UsageError(f"Geef een {what} op: een datum als JJJJ-MM-DD, datetime.date, datetime.datetime "
                         f"of pandas.Timestamp (kreeg {_shown(value)}).")
    if isinstance(value, np.datetime64):
        import pandas as pd
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # pandas.Timestamp is a datetime too
        if (value.hour, value.minute, value.second, value.microsecond, getattr(value, "nanosecond", 0)) != (0, 0, 0, 0, 0):
            raise UsageError(f"{what} {_shown(value)} heeft een tijdstip; een peildatum is een dag. Geef de "
                             f"datum zonder tijd, bijvoorbeeld {value.date().isoformat()}.")
        d = dt.date(value.year, value.month, value.day)
    elif isinstance(value, dt.date):
        d = value
    elif isinstance(value, str):
        try:
            d = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(f"{what} '{shorten(value)}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld "
                             "2024-05-01.") from None
    else:
        raise UsageError(f"{what} {_shown(value)} is geen datum; geef JJJJ-MM-DD (tekst), datetime.date, "
                         "datetime.datetime of pandas.Timestamp.")
    if d > C.MAX_DATE or (earliest is not None and d < earliest):
        raise UsageError(f"{what} {d.isoformat()} valt buiten de periode die de suite kan tellen: "
                         f"van de start van de Wi2013 ({C.WI2013_START.isoformat()}) tot en met "
                         f"{C.MAX_DATE.isoformat()}. Controleer de datum.")
    return d


def _shown(value) -> str:
    """A value as a message quotes it: short, with its type where the type is the problem."""
    if isinstance(value, str):
        return f"'{shorten(value)}'"
    return f"{shorten(repr(value))} ({type(value).__name__})"


def parse_parameters(peildatum=None, vorige_peildatum=None, elip_peildata=None, elip_drempel=None,
                     celbeveiliging=None, marge=None, seed=None, naming: dict[str, str] = CLI,
                     min_at_risk=None) -> Parameters:
    """Parameters from text or values; None (or empty) means the default of `Parameters`.

    `naming` says how the caller's user calls each argument (CLI or PYTHON): every message
    names it that way."""
    n_ = naming
    p = parse_date(peildatum, n_["peildatum"]) if _given(peildatum) else C.DEFAULT_PEILDATUM
    q = None
    if _given(vorige_peildatum):
        # The default Q (P minus one year) may fall before the Wi2013 when P lies early in
        # it: computed, not typed, it simply counts nothing. The runner passes it on to the
        # notebooks and records it as a date, so a Q equal to the default is the default.
        q = parse_date(vorige_peildatum, n_["vorige_peildatum"], earliest=None)
        if q < C.WI2013_START and q != one_year_before(p):
            parse_date(q, n_["vorige_peildatum"])  # refuses with the period's message
    if q is not None and q >= p:
        raise UsageError(f"{n_['vorige_peildatum']} {q} ligt niet vóór {n_['peildatum']} {p}; de vergelijking "
                         "in Tabel 2 en 4 is met een eerdere peildatum.")
    elip = None
    if _given(elip_peildata):
        items = elip_peildata.split(",") if isinstance(elip_peildata, str) else list(elip_peildata)
        elip = tuple(sorted({parse_date(x, n_["elip_peildata"]) for x in items
                             if not (isinstance(x, str) and not x.strip())}))
        late = [d.isoformat() for d in elip if d > p]
        if late:
            verb = "ligt" if len(late) == 1 else "liggen"
            raise UsageError(f"{n_['elip_peildata']} {', '.join(late)} {verb} na de peildatum {p} "
                             f"({n_['peildatum']}). Een tabel op peildatum P gebruikt alleen gebeurtenissen "
                             "tot en met P.")
        if not elip:
            raise UsageError(f"{n_['elip_peildata']} is leeg.")
    cents = _cents(elip_drempel, n_["elip_drempel"])
    n = _integer(celbeveiliging, n_["celbeveiliging"], Parameters.celbeveiliging)
    check_celbeveiliging(n, n_["celbeveiliging"])
    m = Parameters.marge
    if marge is not None and str(marge).strip() != "":
        try:
            m = float(str(marge).replace(",", "."))
        except ValueError:
            m = float("nan")
    if not 0 < m < 1:
        raise UsageError(f"{n_['marge']} '{marge}' kan niet: de marge is een fractie tussen 0 en 1, "
                         "bijvoorbeeld 0.05 voor 5 procentpunt.")
    sd = _integer(seed, n_["seed"], Parameters.seed)
    if sd < 0:
        raise UsageError(f"{n_['seed']} {sd} kan niet: een seed is een geheel getal van 0 of groter.")
    return Parameters(peildatum=p, vorige_peildatum=q, elip_peildata=elip, elip_drempel_cent=cents,
                      celbeveiliging=n, marge=m, seed=sd,
                      min_at_risk=parse_min_at_risk(min_at_risk, n_["min_at_risk"]))


def parse_min_at_risk(value, what: str = "--min-at-risk", text: bool = True) -> int:
    """The monitor's minimum number still followed (contract section 7): a whole number of at
    least 1, since a share read where no one is observed any more is only a carried-forward
    value. None (or empty text) is the default. `text=False` (the Python interface) takes
    whole numbers only, not their text, nor True and False."""
    if value is None or (text and isinstance(value, str) and value.strip() == ""):
        return Parameters.min_at_risk
    hint = (f"geef een geheel getal van 1 of meer: het aantal personen dat op een dag nog gevolgd moet "
            f"worden voordat de monitor daar een aandeel toont (standaard {Parameters.min_at_risk}).")
    if isinstance(value, bool) or (not text and isinstance(value, str)):
        raise UsageError(f"{what} {value!r} kan niet; {hint}")
    try:
        n = int(str(value).strip()) if isinstance(value, str) else int(value)
        whole = isinstance(value, str) or n == value
    except (TypeError, ValueError, OverflowError):
        raise UsageError(f"{what} '{value}' is geen geheel getal; {hint}") from None
    if not whole:
        raise UsageError(f"{what} '{value}' is geen geheel getal; {hint}")
    if n < 1:
        raise UsageError(f"{what} {n} kan niet; {hint}")
    return n


def _given(value) -> bool:
    """None and empty text mean "the default"; anything else (NaT, an empty list) is a value
    to check, so that a missing date from a data frame is refused rather than defaulted."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _cents(value, what: str) -> int:
    """The ELIP threshold in whole cents. Money is exact here as in the extract (validation
    refuses loan amounts finer than a cent): 9500.005 is refused, not rounded, because
    rounding would move the threshold past a loan sum of exactly 9500.01 or 9500.00."""
    from decimal import Decimal, InvalidOperation
    if value is None or (isinstance(value, str) and not value.strip()):
        return C.DEFAULT_ELIP_DREMPEL_EURO * 100
    if isinstance(value, bool):
        raise UsageError(f"{what} {value!r} is geen bedrag in euro's.")
    try:
        euro = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise UsageError(f"{what} '{shorten(str(value))}' is geen bedrag in euro's.") from None
    # not `euro <= 0`: NaN compares false with everything and must be refused too
    if not euro.is_finite() or not 0 < euro <= C.ELIP_DREMPEL_MAX_EURO:
        raise UsageError(f"{what} '{shorten(str(value))}' kan niet: de drempel is een bedrag in "
                         f"euro's groter dan 0 en ten hoogste {C.ELIP_DREMPEL_MAX_EURO:_} "
                         f"(standaard {C.DEFAULT_ELIP_DREMPEL_EURO}).".replace("_", "."))
    cents = euro * 100
    if cents != cents.to_integral_value():
        raise UsageError(f"{what} '{shorten(str(value))}' is preciezer dan een cent; de drempel is een bedrag "
                         "in euro's met ten hoogste twee decimalen, zoals de leningbedragen in het extract "
                         "(bijvoorbeeld 9500 of 9499.99).")
    return int(cents)


def check_celbeveiliging(n: int, what: str) -> int:
    """Contract section 8: N >= 2 (below 1 nothing can be hidden, so 1 would promise a
    protection that does nothing); 0 means none."""
    if n < 0 or n == 1:
        raise UsageError(f"{what} {n} kan niet: geef 0 (geen afscherming) of een aantal van 2 of meer; "
                         "aantallen onder dat getal (en boven 0) worden afgeschermd.")
    return n


def celbeveiliging_argument(value, what: str = "celbeveiliging") -> int:
    """The interface's `celbeveiliging=`: a whole number as Python holds it. Text ("10"),
    booleans (True is 1 to Python, not a threshold) and fractions are refused rather than
    converted, so that a mistake in the caller's code does not pass as a protection level."""
    import numbers
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{what} moet een geheel getal zijn (0 voor geen afscherming, of 2 of meer), niet "
                         f"{_shown(value)}.")
    return check_celbeveiliging(int(value), what)


def _integer(value, what: str, default: int) -> int:
    if value is None or str(value).strip() == "":
        return default
    if isinstance(value, bool):
        raise UsageError(f"{what} '{value}' is geen geheel getal.")
    try:
        return int(str(value).strip())
    except ValueError:
        raise UsageError(f"{what} '{shorten(str(value))}' is geen geheel getal.") from None
