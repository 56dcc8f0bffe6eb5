"""The populations and variables of contract section 6, at a peildatum P.

Exploration (`explore`), durations (`survival`) and the monitor outputs (`monitor`) all
select persons and classify them through this module, and this module only combines the
predicates of `tables` (on_or_before, plichtig_at, status_codes, elip_at,
exams_passed_at): a population or a variable means here exactly what it means in the
letter's tables.

Every variable has a fixed, ordered list of values (contract code order; cohorts
ascending from the law's first year up to P's year; examens 0 ... 6), so that a
cross-table has the same rows at every P and shows its zero cells. Values are strings,
as the keys of the long format of section 3 are.

One variable goes beyond contract section 6 (an extension, not part of v1.1): `jaar_lbt`,
the calendar year of datum_lbt (`geen` when it is empty or after P), built like `cohort`.
It answers "which leerroute did those who took the leerbaarheidstoets in 2023 get?" as the
row `2023` of `kruistabel("jaar_lbt", "leerroute", "wi2021_plichtig_geworden", P)`: every
person with an LBT has datum_lbt >= datum_plicht (contract section 2), so that population
holds everyone tested by P, and a leerroute set after the test counts up to P.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..core import contract as C
from ..core.errors import UsageError
from ..extract.model import Extract
from . import tables as T

WI2021, WI2013 = "wi2021", "wi2013"

# population -> law whose persons it selects
POPULATIONS: dict[str, str] = {
    "wi2021_plichtig_geworden": WI2021,
    "wi2021_plichtig": WI2021,
    "wi2021_met_pip": WI2021,
    "wi2013_opgelegd": WI2013,
    "wi2013_plichtig": WI2013,
    "elip": WI2013,
}

# variables per law, in the order the contract lists them (then the extensions)
VARIABLES: dict[str, tuple[str, ...]] = {
    WI2021: ("doelgroep", "cohort", "status", "uitslag_lbt", "leerroute", "aanbod", "jaar_lbt"),
    WI2013: ("doelgroep", "cohort", "status", "analfabeet", "examens_gehaald"),
}

PLICHTIG = "plichtig"  # status of a person whose plicht has not ended at P
GEEN = "geen"  # uitslag_lbt / leerroute when the event is missing or after P
ONBEKEND = "onbekend"  # analfabeet left empty
MAX_EXAMENS = len(C.ONDERDELEN)

REDEN_EINDE = {WI2021: C.REDEN_EINDE_WI2021, WI2013: C.REDEN_EINDE_WI2013}
LAW_START = {WI2021: C.WI2021_START, WI2013: C.WI2013_START}


def _names(items) -> str:
    return ", ".join(items)


def law_of(populatie: str) -> str:
    """The law a population belongs to; an unknown name is refused with the valid ones."""
    try:
        return POPULATIONS[populatie]
    except (KeyError, TypeError):
        raise UsageError(f"Onbekende populatie '{populatie}'. Kies uit: {_names(POPULATIONS)}.") from None


def check_started(populatie: str, p: dt.date, what: str = "peildatum") -> None:
    """Refuse a question about a population at a date before its law began, for both laws
    alike (docs/keuzes.md): nobody could be plichtig under a law that did not exist yet, so
    the answer is "not applicable", which a table of zeros would hide (a zero reads as a
    count). The run and `tabel`, which show both laws at one P, count nothing instead."""
    law = law_of(populatie)
    start = LAW_START[law]
    if p < start:
        raise UsageError(f"{what} {p.isoformat()} ligt vóór de start van de {law.capitalize()} "
                         f"({start.isoformat()}): populatie {populatie} bestaat dan nog niet. Kies een "
                         f"{what} op of na {start.isoformat()}.")


def check_variable(name: str, law: str, populatie: str) -> None:
    """Refuse a variable that does not exist for the population's law, naming those that do."""
    if name not in VARIABLES[law]:
        known = name in VARIABLES[WI2021] or name in VARIABLES[WI2013]
        why = f"bestaat niet voor de {law.capitalize()}" if known else "is onbekend"
        raise UsageError(f"Variabele '{name}' {why} (populatie {populatie}). "
                         f"Mogelijk: {_names(VARIABLES[law])}.")


def persons(extract: Extract, law: str):
    return extract.wi2021 if law == WI2021 else extract.wi2013


def mask(extract: Extract, populatie: str, p: dt.date, elip_drempel_cent: int | None = None) -> np.ndarray:
    """Which persons of the population's law belong to the population at P.

    Every population has datum_plicht <= P, so `status`, `cohort` and the durations of
    `survival` are defined for all its members.
    """
    law = law_of(populatie)
    df = persons(extract, law)
    if populatie == "wi2021_plichtig_geworden" or populatie == "wi2013_opgelegd":
        return T.on_or_before(df["datum_plicht"], p)
    if populatie in ("wi2021_plichtig", "wi2013_plichtig"):
        return T.plichtig_at(df, p)
    if populatie == "wi2021_met_pip":
        return T.plichtig_at(df, p) & T.on_or_before(df["datum_pip"], p)
    drempel = C.DEFAULT_ELIP_DREMPEL_EURO * 100 if elip_drempel_cent is None else int(elip_drempel_cent)
    return T.elip_at(extract, p, drempel)


@dataclass(frozen=True)
class Variable:
    """A variable at P: its values in order and, per person of the law, the index of its value."""

    name: str
    values: tuple[str, ...]
    codes: np.ndarray  # int, one per person of the law; index into values (-1: undefined)


def _event_value(df, date_col: str, code_col: str, p: dt.date, codes: tuple[str, ...]) -> np.ndarray:
    """Index of the code when its event is dated on or before P, else the index of `geen`."""
    happened = T.on_or_before(df[date_col], p)
    cat = df[code_col].cat.set_categories(list(codes)).cat.codes.to_numpy()
    return np.where(happened & (cat >= 0), cat, len(codes)).astype(np.int64)


def variable(extract: Extract, name: str, law: str, p: dt.date) -> Variable:
    """The variable `name` at P for every person of `law` (validated by `check_variable`)."""
    df = persons(extract, law)
    if name == "doelgroep":
        codes = df["doelgroep"].cat.set_categories(list(C.DOELGROEPEN)).cat.codes.to_numpy()
        return Variable(name, C.DOELGROEPEN, codes.astype(np.int64))
    if name == "cohort":
        first = LAW_START[law].year
        years = tuple(str(y) for y in range(first, p.year + 1))
        return Variable(name, years, (T.cohort(df) - first).astype(np.int64))
    if name == "status":
        reden = REDEN_EINDE[law]
        raw = T.status_codes(df, p)  # reden_einde category code, NOG_PLICHTIG or NOT_STARTED
        order = [list(df["reden_einde"].cat.categories).index(r) for r in reden]
        codes = np.full(len(df), -1, dtype=np.int64)
        codes[raw == T.NOG_PLICHTIG] = 0
        for i, cat_code in enumerate(order):
            codes[raw == cat_code] = i + 1
        return Variable(name, (PLICHTIG, *reden), codes)
    if name == "uitslag_lbt":
        return Variable(name, (*C.UITSLAG_LBT, GEEN),
                        _event_value(df, "datum_lbt", "uitslag_lbt", p, C.UITSLAG_LBT))
    if name == "leerroute":
        return Variable(name, (*C.LEERROUTES, GEEN),
                        _event_value(df, "datum_pip", "leerroute", p, C.LEERROUTES))
    if name == "jaar_lbt":
        first = LAW_START[law].year
        years = tuple(str(y) for y in range(first, p.year + 1))
        tested = T.on_or_before(df["datum_lbt"], p)
        year = df["datum_lbt"].dt.year.to_numpy()
        return Variable(name, (*years, GEEN), np.where(tested, year - first, len(years)).astype(np.int64))
    if name == "aanbod":
        return Variable(name, ("ja", "nee"), np.where(T.on_or_before(df["datum_aanbod"], p), 0, 1))
    if name == "analfabeet":
        cat = df["analfabeet"].cat.set_categories(list(C.JA_NEE)).cat.codes.to_numpy()
        return Variable(name, (*C.JA_NEE, ONBEKEND), np.where(cat >= 0, cat, 2).astype(np.int64))
    if name == "examens_gehaald":
        return Variable(name, tuple(str(n) for n in range(MAX_EXAMENS + 1)),
                        T.exams_passed_at(extract, p).astype(np.int64))
    raise UsageError(f"Onbekende variabele '{name}'.")  # unreachable after check_variable
