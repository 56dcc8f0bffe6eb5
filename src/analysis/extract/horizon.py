"""The extract's horizon (contract v1.1 section 1): the last date its events are complete.

A table at a date after the horizon silently counts too few events: the plichten that end,
the PIPs and loans that come after the extract was drawn are not in it. So a run whose
dates (P, Q, the ELIP peildata) lie after `stand_per` is refused; without `stand_per` the
horizon is the latest event date in the extract and the run goes on with a warning (on the
terminal, in the run log, at the top of the report and of every notebook).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from ..core.dutch import datum
from ..core.errors import UsageError
from ..core.params import Parameters
from .model import Extract


@dataclass(frozen=True)
class Horizon:
    date: dt.date | None  # None: an extract without any event
    stand_per: dt.date | None  # as extract.json declares it

    @property
    def declared(self) -> bool:
        return self.stand_per is not None


def of(extract: Extract) -> Horizon:
    """Validation sets both (extract.meta); hand-made metadata may lack the horizon, which
    is then the latest event date."""
    meta = extract.meta
    date = meta.horizon or meta.stand_per
    return Horizon(date=date or _latest_event(extract), stand_per=meta.stand_per)


def _latest_event(extract: Extract) -> dt.date | None:
    import pandas as pd
    found = [frame[col].max() for frame in (extract.wi2021, extract.wi2013, extract.leningen, extract.examens)
             for col in frame.columns
             if str(frame[col].dtype).startswith("datetime64") and frame[col].notna().any()]
    return pd.Timestamp(max(found)).date() if found else None


def late_dates(extract: Extract, params: Parameters) -> list[dt.date]:
    h = of(extract)
    return [d for d in params.dates if h.date is not None and d > h.date]


# How a message names each date: in a run's words (the command line, the report, the
# notebooks), or by the interface's keyword arguments (contract section 6: a method's
# messages name its own arguments).
RUN = {"peildatum": ("peildatum", "peildatum"), "vorige_peildatum": ("vergelijkingspeildatum", "vergelijkingspeildatum"),
       "elip_peildata": ("ELIP-peildatum", "ELIP-peildata")}
ARGUMENTS = {k: (k, k) for k in RUN}


def _typed(params: Parameters) -> list[tuple[str, tuple[dt.date, ...]]]:
    """The dates the user gave, by field: P always (typed or the run's default), Q and the
    ELIP peildata only when given. A default Q lies before P and the default ELIP peildata
    on or before it, so a default date past the horizon always comes with P past it: naming
    P says it all, and a message never lists dates the user never typed."""
    out = [("peildatum", (params.peildatum,))]
    if params.vorige_peildatum is not None:
        out.append(("vorige_peildatum", (params.vorige_peildatum,)))
    if params.elip_peildata is not None:
        out.append(("elip_peildata", tuple(sorted(params.elip_peildata))))
    return out


def _names(params: Parameters, late: list[dt.date], labels: dict) -> tuple[str, int]:
    """The late dates the user gave, in words, and how many there are (for the verb)."""
    parts, n = [], 0
    for field, dates in _typed(params):
        mine = [d for d in dates if d in late]
        if mine:
            singular, plural = labels[field]
            parts.append(f"{singular if len(mine) == 1 else plural} {_enumerate([datum(d) for d in mine])}")
            n += len(mine)
    return _enumerate(parts), n


def _enumerate(items: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def check(extract: Extract, params: Parameters, warn: Callable[[str], None], labels: dict = RUN) -> None:
    """Refuse dates past a declared stand_per; warn about dates past the latest event.
    `labels`: how the message names the dates (RUN, or the interface's ARGUMENTS)."""
    late = late_dates(extract, params)
    if not late:
        return
    h = of(extract)
    names, n = _names(params, late, labels)
    verb = "ligt" if n == 1 else "liggen"
    if h.declared:
        raise UsageError(
            f"De {names} {verb} na de stand van het extract ({datum(h.stand_per)}, "
            f"stand_per in extract.json). Een tabel op een latere datum zou te weinig gebeurtenissen "
            f"tellen. Kies een peildatum op of vóór {datum(h.stand_per)}, of gebruik een extract "
            "dat later is getrokken.")
    warn(_warning(h, names, verb))


def warning(extract: Extract, params: Parameters, labels: dict = RUN) -> str | None:
    """The warning text for dates past an undeclared horizon (None when there are none)."""
    late = late_dates(extract, params)
    h = of(extract)
    if not late or h.declared:
        return None
    names, n = _names(params, late, labels)
    return _warning(h, names, "ligt" if n == 1 else "liggen")


def _warning(h: Horizon, names: str, verb: str) -> str:
    return (f"de {names} {verb} na de laatste gebeurtenis in het extract "
            f"({datum(h.date)}); extract.json geeft geen stand_per. Tabellen op die datum tellen "
            "mogelijk te weinig gebeurtenissen.")


def horizon_reason(date: str, horizon: dt.date | None, stand_per: dt.date | None) -> str | None:
    """Why a date cannot be compared with this extract, or None when it can."""
    if horizon is None or dt.date.fromisoformat(date) <= horizon:
        return None
    basis = (f"het extract is volledig tot en met {datum(horizon)} (stand_per)" if stand_per else
             f"de laatste gebeurtenis in het extract is van {datum(horizon)} (geen stand_per opgegeven)")
    return (f"de brief spreekt over {datum(date)}, na de horizon van het extract: {basis}; "
            "een tabel op die datum zou te weinig gebeurtenissen tellen")
