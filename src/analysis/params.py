"""The parameters of a run, and how text from the command line or a notebook becomes them.

Checked here, once, with messages a user can act on: Q must lie before P (it is the
comparison peildatum), ELIP peildata may not lie after P (a table at P may only use
events on or before P), the threshold must be positive.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import contract as C
from .errors import UsageError


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


def parse_date(text: str | dt.date, what: str) -> dt.date:
    """A date of the laws' era: from the start of the Wi2013 (nothing to count before it;
    year 1 would even break 'a year earlier') up to the contract's last valid date."""
    if isinstance(text, dt.date):
        d = text
    else:
        try:
            d = dt.date.fromisoformat(str(text).strip())
        except ValueError:
            raise UsageError(f"{what} '{text}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld "
                             "2024-05-01.") from None
    from .validation import MAX_DATE  # the last date an extract may hold
    if not C.WI2013_START <= d <= MAX_DATE:
        raise UsageError(f"{what} {d.isoformat()} valt buiten de periode die de suite kan tellen: "
                         f"van de start van de Wi2013 ({C.WI2013_START.isoformat()}) tot en met "
                         f"{MAX_DATE.isoformat()}. Controleer de datum.")
    return d


def parse_parameters(peildatum: str | dt.date | None = None, vorige_peildatum: str | dt.date | None = None,
                     elip_peildata: str | list | tuple | None = None,
                     elip_drempel: str | float | int | None = None,
                     celbeveiliging: str | int | None = None, marge: str | float | None = None,
                     seed: str | int | None = None, min_at_risk: str | int | None = None) -> Parameters:
    """Parameters from text or values; None (or empty) means the default of `Parameters`."""
    p = parse_date(peildatum, "--peildatum") if peildatum else C.DEFAULT_PEILDATUM
    q = parse_date(vorige_peildatum, "--vorige-peildatum") if vorige_peildatum else None
    if q is not None and q >= p:
        raise UsageError(f"--vorige-peildatum {q} ligt niet vóór --peildatum {p}; de vergelijking "
                         "in Tabel 2 en 4 is met een eerdere peildatum.")
    elip = None
    if elip_peildata:
        items = elip_peildata.split(",") if isinstance(elip_peildata, str) else list(elip_peildata)
        elip = tuple(sorted({parse_date(x, "--elip-peildata") for x in items if str(x).strip()}))
        late = [d.isoformat() for d in elip if d > p]
        if late:
            raise UsageError(f"ELIP-peildata na de peildatum {p}: {', '.join(late)}. Een tabel op "
                             "peildatum P gebruikt alleen gebeurtenissen tot en met P.")
        if not elip:
            raise UsageError("--elip-peildata is leeg.")
    cents = C.DEFAULT_ELIP_DREMPEL_EURO * 100
    if elip_drempel is not None and str(elip_drempel).strip() != "":
        try:
            euro = float(str(elip_drempel).replace(",", "."))
        except ValueError:
            raise UsageError(f"--elip-drempel '{elip_drempel}' is geen bedrag in euro's.") from None
        # not `euro <= 0`: NaN compares false with everything and must be refused too
        if not 0 < euro <= C.ELIP_DREMPEL_MAX_EURO:
            raise UsageError(f"--elip-drempel '{elip_drempel}' kan niet: de drempel is een bedrag in "
                             f"euro's groter dan 0 en ten hoogste {C.ELIP_DREMPEL_MAX_EURO:_} "
                             f"(standaard {C.DEFAULT_ELIP_DREMPEL_EURO}).".replace("_", "."))
        cents = int(round(euro * 100))
    n = _integer(celbeveiliging, "--celbeveiliging", Parameters.celbeveiliging)
    if n < 0:
        raise UsageError(f"--celbeveiliging {n} kan niet: geef 0 (geen afscherming) of een positief aantal; "
                         "aantallen onder dat getal (en boven 0) worden afgeschermd.")
    m = Parameters.marge
    if marge is not None and str(marge).strip() != "":
        try:
            m = float(str(marge).replace(",", "."))
        except ValueError:
            m = float("nan")
    if not 0 < m < 1:
        raise UsageError(f"--marge '{marge}' kan niet: de marge is een fractie tussen 0 en 1, "
                         "bijvoorbeeld 0.05 voor 5 procentpunt.")
    sd = _integer(seed, "--seed", Parameters.seed)
    if sd < 0:
        raise UsageError(f"--seed {sd} kan niet: een seed is een geheel getal van 0 of groter.")
    return Parameters(peildatum=p, vorige_peildatum=q, elip_peildata=elip, elip_drempel_cent=cents,
                      celbeveiliging=n, marge=m, seed=sd, min_at_risk=parse_min_at_risk(min_at_risk))


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


def _integer(value, what: str, default: int) -> int:
    if value is None or str(value).strip() == "":
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise UsageError(f"{what} '{value}' is geen geheel getal.") from None
