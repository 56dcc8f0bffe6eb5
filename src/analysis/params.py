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


@dataclass(frozen=True)
class Parameters:
    """What a run computes: the peildatum and the choices the contract lets the user make."""

    peildatum: dt.date = C.DEFAULT_PEILDATUM
    vorige_peildatum: dt.date | None = None  # default: one year before peildatum
    elip_peildata: tuple[dt.date, ...] | None = None  # default: the contract's list up to P
    elip_drempel_cent: int = C.DEFAULT_ELIP_DREMPEL_EURO * 100

    @property
    def q(self) -> dt.date:
        return self.vorige_peildatum or one_year_before(self.peildatum)

    @property
    def elip(self) -> tuple[dt.date, ...]:
        if self.elip_peildata is not None:
            return tuple(sorted(self.elip_peildata))
        return tuple(d for d in C.DEFAULT_ELIP_PEILDATA if d <= self.peildatum)

    def as_dict(self) -> dict:
        return {
            "peildatum": self.peildatum.isoformat(),
            "vorige_peildatum": self.q.isoformat(),
            "elip_peildata": [d.isoformat() for d in self.elip],
            "elip_drempel": self.elip_drempel_cent / 100,
        }


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
                     elip_drempel: str | float | int | None = None) -> Parameters:
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
    return Parameters(peildatum=p, vorige_peildatum=q, elip_peildata=elip, elip_drempel_cent=cents)
