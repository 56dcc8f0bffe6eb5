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

from .dutch import datum
from .errors import UsageError
from .model import Extract
from .params import Parameters


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


def _names(params: Parameters, late: list[dt.date]) -> str:
    what = []
    for d in late:
        kinds = [k for k, ds in (("peildatum", (params.peildatum,)), ("vergelijkingspeildatum", (params.q,)),
                                 ("ELIP-peildatum", params.elip)) if d in ds]
        what.append(f"{' en '.join(kinds)} {datum(d)}")
    return ", ".join(what)


def check(extract: Extract, params: Parameters, warn: Callable[[str], None]) -> None:
    """Refuse dates past a declared stand_per; warn about dates past the latest event."""
    late = late_dates(extract, params)
    if not late:
        return
    h = of(extract)
    if h.declared:
        raise UsageError(
            f"De {_names(params, late)} ligt na de stand van het extract ({datum(h.stand_per)}, "
            f"stand_per in extract.json). Een tabel op een latere datum zou te weinig gebeurtenissen "
            f"tellen. Kies een peildatum op of vóór {datum(h.stand_per)}, of gebruik een extract "
            "dat later is getrokken.")
    warn(warning(extract, params))


def warning(extract: Extract, params: Parameters) -> str | None:
    """The warning text for dates past an undeclared horizon (None when there are none)."""
    late = late_dates(extract, params)
    h = of(extract)
    if not late or h.declared:
        return None
    return (f"de {_names(params, late)} ligt na de laatste gebeurtenis in het extract "
            f"({datum(h.date)}); extract.json geeft geen stand_per. Tabellen op die datum tellen "
            "mogelijk te weinig gebeurtenissen.")
