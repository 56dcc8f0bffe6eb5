"""The Python interface for exploration (contract section 6): `analysis.open_extract(...)`.

An analyst opens an extract once and asks for tables, cross-tables and durations at any
peildatum, with the definitions the run uses: `tabel` goes through the table registry and
`suppression` exactly as a run's notebooks do, `kruistabel` and `duur` through
`populations`. Nothing is written except the derived cache (`derived.derive`), so an
exploration leaves no report folder behind.

Peildata after the extract's horizon (contract section 1) are refused when the extract
states `stand_per`, and allowed with a warning naming the latest event date when it does
not, as a run does. Dates are read by `params.parse_date`, as the command line and the
notebooks read them, and every message names the method's own argument (`peildatum`,
`vorige_peildatum`, ...). `kruistabel` and `duur` ask about one law's population and
refuse a peildatum before that law began; `tabel` gives what a run at that P writes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from pathlib import Path

import pandas as pd

from . import contract as C
from . import derived, horizon, monitor, registry
from . import kruistabel as K
from . import populations as POP
from . import survival as S
from .errors import UsageError
from .model import Extract
from .params import PYTHON, Parameters, celbeveiliging_argument, parse_date, parse_min_at_risk, parse_parameters

TABEL_OPTIES = ("vorige_peildatum", "elip_peildata", "elip_drempel")


class Verkenning:
    """An opened extract: tables, cross-tables and durations at any peildatum.

    `celbeveiliging=N` suppresses every count below N (and above 0) in every result, with
    the secondary suppression of the module that computes it (suppression, kruistabel,
    survival); suppressed values are NaN. `min_at_risk` (default Parameters.min_at_risk) is
    the monitor's follow-up rule (contract section 7) for the monitor outputs of `tabel` and
    for `duur(..., dagen=...)`: a share read at a day where fewer are still followed is empty.
    """

    def __init__(self, extract: Extract, celbeveiliging: int = 0, min_at_risk: int | None = None) -> None:
        self.extract = extract
        self.celbeveiliging = celbeveiliging_argument(celbeveiliging)
        self.min_at_risk = parse_min_at_risk(min_at_risk, "min_at_risk", text=False)
        self._horizon = horizon.of(extract)
        self._sessions: dict = {}

    @property
    def stand_per(self) -> dt.date | None:
        """The horizon (contract section 1): stand_per where stated, else the latest event date."""
        return self._horizon.date

    def _peildatum(self, value, what: str = "peildatum", populatie: str | None = None) -> dt.date:
        """A peildatum argument of one of the methods, named as the method names it; with a
        population, refused before that population's law began (populations.check_started)."""
        p = parse_date(value, what, earliest=None if populatie else C.WI2013_START)
        if populatie is not None:
            POP.check_started(populatie, p, what)
        self._horizon_check(Parameters(peildatum=p, elip_peildata=()), stacklevel=6)
        return p

    def _horizon_check(self, params: Parameters, stacklevel: int = 5) -> None:
        """Contract section 1, as a run: the dates the caller gave, by their argument names.
        (`stacklevel`: the warning points at the caller's line, not at this module.)"""
        horizon.check(self.extract, params, warn=lambda text: warnings.warn(text, stacklevel=stacklevel),
                      labels=horizon.ARGUMENTS)

    def tabel(self, naam: str, peildatum: str | dt.date, **opties) -> pd.DataFrame:
        """One output of contract section 3 (or a monitor output of section 7), as `run`
        writes it at that P: the same parameters, the same functions, the same protection.

        `naam`: registry.OUTPUTS or monitor.OUTPUTS; `opties`: vorige_peildatum,
        elip_peildata (a list of dates or a comma-separated string), elip_drempel (euro).
        Returns the long format of section 3 (tabel, peildatum, rij, kolom, eenheid, waarde).
        """
        onbekend = sorted(set(opties) - set(TABEL_OPTIES))
        if onbekend:
            raise UsageError(f"Onbekende optie(s) {', '.join(onbekend)}. Mogelijk: {', '.join(TABEL_OPTIES)}.")
        if naam not in registry.OUTPUTS and naam not in monitor.OUTPUTS:
            raise UsageError(f"Onbekende tabel '{naam}'. Kies uit: {', '.join(registry.OUTPUTS + monitor.OUTPUTS)}.")
        if peildatum is None or (isinstance(peildatum, str) and not peildatum.strip()):
            parse_date(None, "peildatum")  # refused: a run's default P is no default here
        params = parse_parameters(peildatum, opties.get("vorige_peildatum"), opties.get("elip_peildata"),
                                  opties.get("elip_drempel"), naming=PYTHON)
        self._horizon_check(params)
        p = params.peildatum
        if naam in monitor.OUTPUTS:
            return monitor.compute(naam, self.extract, p, self.celbeveiliging, self.min_at_risk)
        if not self.celbeveiliging:
            return registry.compute(naam, self.extract, params)
        # The run's own protection: one pattern over everything a run at this P publishes
        # (its tables, statistics, the audit), so the interface hides what the run hides.
        from .session import Session
        key = (params.peildatum, params.q, params.elip, params.elip_drempel_cent)
        if key not in self._sessions:
            self._sessions[key] = Session(extract=self.extract, out=None, params=dataclasses.replace(
                params, celbeveiliging=self.celbeveiliging))
        return self._sessions[key]._protected(naam)

    def kruistabel(self, rij: str, kolom: str, populatie: str, peildatum: str | dt.date,
                   elip_drempel: float | str | None = None) -> pd.DataFrame:
        """Counts of `rij` x `kolom` over `populatie` at P, with row and column percentages.

        `populatie`: one of populations.POPULATIONS (wi2021_plichtig_geworden, wi2021_plichtig,
        wi2021_met_pip, wi2013_opgelegd, wi2013_plichtig, elip); `rij`, `kolom`: a variable of
        that population's law (populations.VARIABLES; `jaar_lbt` is an extension beyond the
        contract). One row per combination of values, zero cells included, so two peildata
        line up row by row; columns rij, kolom, aantal, procent_rij, procent_kolom (0-100, NaN
        where the base is zero). A wrong name is refused with the valid ones.
        """
        p = self._peildatum(peildatum, populatie=populatie)
        drempel = parse_parameters(p, elip_drempel=elip_drempel, naming=PYTHON).elip_drempel_cent
        return K.kruistabel(self.extract, rij, kolom, populatie, p, drempel, self.celbeveiliging)

    def duur(self, gebeurtenis: str, populatie: str, peildatum: str | dt.date, groep: str | None = None,
             elip_drempel: float | str | None = None, dagen=None, uitkomsten: dict | None = None) -> pd.DataFrame:
        """Cumulative incidence of `gebeurtenis` in days since datum_plicht (survival.duur).

        `gebeurtenis`: `pip` (Wi2021 populations; competing outcome einde_zonder_pip) or
        `einde` (either law; one outcome per reden_einde); everyone without an outcome by P is
        censored at P. `groep`: a variable of the law, one curve per value. One row per group,
        outcome and day with an outcome: groep, uitkomst, dagen, cumulatieve_incidentie,
        ci_laag, ci_hoog (95% pointwise), at_risk. `mediaan(...)` reads the median off it.

        `dagen=[365, 730]`: instead of the whole curve, the curve read at those days, one row
        per group (every value of `groep`, empty groups included), outcome and day; empty where
        fewer than `min_at_risk` (of open_extract) were still followed that day. `at_risk` is
        the number still followed at the start of that day. The monitor's outputs are read
        with this same reader. `uitkomsten={"voldaan": ["ingeburgerd", "vrijgesteld"]}`
        merges outcomes before estimating: the merged outcome gets its own curve and interval.

        With celbeveiliging N, a row's estimate and interval are emptied when fewer than N
        were at risk that day or fewer than N had that outcome by then; at_risk below N is
        emptied too (survival.protect says what this does and does not protect).
        """
        p = self._peildatum(peildatum, populatie=populatie)
        drempel = parse_parameters(p, elip_drempel=elip_drempel, naming=PYTHON).elip_drempel_cent
        out = S.duur(self.extract, gebeurtenis, populatie, p, groep, drempel, dagen=dagen, uitkomsten=uitkomsten,
                     min_at_risk=self.min_at_risk)
        if self.celbeveiliging and len(out):
            events = S.events_so_far(self.extract, out, gebeurtenis, populatie, p, groep, drempel, uitkomsten)
            out = S.protect(out, self.celbeveiliging, events)
        return out

    @staticmethod
    def mediaan(duur: pd.DataFrame) -> pd.DataFrame:
        """The median day of each curve of a `duur` result with its 95% interval
        (survival.mediaan; an extension beyond contract section 6): columns groep, uitkomst,
        mediaan, mediaan_laag, mediaan_hoog, empty where the curve or bound stays below 50%."""
        return S.mediaan(duur)

    def __repr__(self) -> str:
        kind = "synthetisch" if self.extract.meta.synthetisch else "extract"
        return (f"<Verkenning {kind}, stand per {self.stand_per}, celbeveiliging {self.celbeveiliging}, "
                f"min_at_risk {self.min_at_risk}>")


def open_extract(path: str | Path | None = None, celbeveiliging: int = 0,
                 min_at_risk: int | None = None) -> Verkenning:
    """Open an extract for exploration: validated and typed once (the derived cache), then
    kept in memory. `path=None` opens the shipped synthetic extract (generated on first use).
    `min_at_risk`: the follow-up rule of the monitor outputs and of `duur(..., dagen=...)`
    (None: Parameters.min_at_risk)."""
    n = celbeveiliging_argument(celbeveiliging)
    parse_min_at_risk(min_at_risk, "min_at_risk", text=False)  # refused before the extract is read
    if path is None:
        from .synth.generate import ensure_default
        source = ensure_default()
    else:
        source = Path(path)
        if not source.is_dir():
            raise UsageError(f"Extract {source} bestaat niet of is geen map.")
    return Verkenning(derived.load(derived.derive(source)), n, min_at_risk)


__all__ = ["Verkenning", "open_extract"]
