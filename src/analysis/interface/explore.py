"""The Python interface for exploration (contract section 6): `analysis.open_extract(...)`.

An analyst opens an extract once and asks for tables, cross-tables and durations at any
peildatum, with the definitions the run uses: `tabel` goes through the table registry
exactly as a run's notebooks do, `kruistabel` and `duur` through `populations`. With
`celbeveiliging=N` every result is protected by contract section 8's rule jointly with what a
run at that P publishes (publication/), with a column `reden` saying why a value is hidden. Nothing is written except the derived cache (`derived.derive`), so an
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

import numpy as np
import pandas as pd

from ..core import contract as C
from ..core.errors import UsageError
from ..core.params import PYTHON, Parameters, celbeveiliging_argument, parse_date, parse_min_at_risk, parse_parameters
from ..definitions import compute, monitor, registry
from ..definitions import populations as POP
from ..definitions import survival as S
from ..extract import derived, horizon
from ..extract.model import Extract
from ..publication import protect as publication
from ..publication import run as publication_run
from . import kruistabel as K

TABEL_OPTIES = ("vorige_peildatum", "elip_peildata", "elip_drempel")


class Verkenning:
    """An opened extract: tables, cross-tables and durations at any peildatum.

    `celbeveiliging=N` protects every result (contract section 8): no count below N (and
    above 0) can be shown or bounded below N from it together with what a run at the same
    P publishes; hidden values are NaN and a column `reden` says why. `min_at_risk` (default Parameters.min_at_risk) is
    the monitor's follow-up rule (contract section 7) for the monitor outputs of `tabel` and
    for `duur(..., dagen=...)`: a share read at a day where fewer are still followed is empty.
    """

    def __init__(self, extract: Extract, celbeveiliging: int = 0, min_at_risk: int | None = None) -> None:
        self.extract = extract
        self.celbeveiliging = celbeveiliging_argument(celbeveiliging)
        self.min_at_risk = parse_min_at_risk(min_at_risk, "min_at_risk", text=False)
        self._horizon = horizon.of(extract)

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
        params = dataclasses.replace(params, celbeveiliging=self.celbeveiliging,
                                     **({} if self.min_at_risk is None else {"min_at_risk": self.min_at_risk}))
        df = compute.output(naam, self.extract, params)
        if not self.celbeveiliging:
            return df
        # The run's own protection: one pattern over everything a run at these parameters
        # publishes (tables, monitor, statistics, the audit), so the interface hides what the
        # run hides, with the reason for each hidden value.
        pattern = publication_run.run_pattern(self.extract, params)
        out = publication.apply(pattern, df, params)
        out["reden"] = publication.reasons(pattern, df, params)
        return out

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

        With celbeveiliging N (contract section 8) the curve is read at `dagen` only (a whole
        curve shows the count of every day with an outcome) and protected jointly with a run
        at P: each estimate publishes the group's size, the number still followed and the
        number with that outcome by that day (survival.published); hidden values are NaN and
        the column `reden` says why.
        """
        p = self._peildatum(peildatum, populatie=populatie)
        drempel = parse_parameters(p, elip_drempel=elip_drempel, naming=PYTHON).elip_drempel_cent
        if self.celbeveiliging and dagen is None:
            raise UsageError("Met celbeveiliging geeft duur de curve alleen op gekozen dagen: een hele curve toont "
                             "het aantal van elke dag met een uitkomst. Geef dagen=[...], bijvoorbeeld "
                             "dagen=[91, 182, 365, 730].")
        out = S.duur(self.extract, gebeurtenis, populatie, p, groep, drempel, dagen=dagen, uitkomsten=uitkomsten,
                     min_at_risk=self.min_at_risk)
        if not self.celbeveiliging:
            return out
        protected = self._protect_duur(out, gebeurtenis, populatie, p, groep, drempel, uitkomsten)
        protected.attrs = dict(out.attrs)  # read at chosen days: survival.mediaan refuses it
        return protected

    def _protect_duur(self, rows: pd.DataFrame, gebeurtenis: str, populatie: str, p: dt.date, groep: str | None,
                      drempel: int | None, uitkomsten: dict | None) -> pd.DataFrame:
        """The rows with every hidden value NaN and a `reden` column (publication.run.call_pattern)."""
        from ..definitions.items import CellKey
        explicit = drempel is not None and populatie == "elip"
        params = Parameters(peildatum=p, celbeveiliging=self.celbeveiliging,
                            **({"elip_drempel_cent": drempel} if explicit else {}),
                            **({} if self.min_at_risk is None else {"min_at_risk": self.min_at_risk}))
        variant = (f"{gebeurtenis} over {populatie} naar {groep or 'niets'}"
                   + (f", {registry.threshold_variant(params)}" if explicit else "")
                   + (f", uitkomsten {sorted((k, sorted(v)) for k, v in uitkomsten.items())}" if uitkomsten else ""))
        P = p.isoformat()

        def key(g, uitkomst, dag, wat):
            if wat == S.OMVANG:
                return CellKey("duur", P, g, C.TOTAAL, C.EENHEID_AANTAL, variant)
            return CellKey("duur", P, g, f"{uitkomst} {dag}d", wat, variant)
        counts, ratios = S.published(self.extract, rows, gebeurtenis, populatie, p, groep or None, key,
                                     drempel, uitkomsten)
        pattern = publication_run.call_pattern(self.extract, params, counts, ratios)
        out = rows.copy()
        out["at_risk"] = out["at_risk"].astype(float)
        why = []
        for i, r in enumerate(rows.itertuples(index=False)):
            reasons = []
            for col in (*S.ESTIMATE_COLUMNS, S.GEVOLGD):
                if np.isnan(getattr(r, col)):
                    continue
                k = key(r.groep, r.uitkomst, int(r.dagen), col)
                if pattern.hides(k):
                    out.iloc[i, out.columns.get_loc(col)] = np.nan
                    reasons.append(pattern.reason(k))
            why.append(reasons[0].text() if reasons and reasons[0] else "")
        out["reden"] = why
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
        from ..synth.generate import ensure_default
        source = ensure_default()
    else:
        source = Path(path)
        if not source.is_dir():
            raise UsageError(f"Extract {source} bestaat niet of is geen map.")
    return Verkenning(derived.load(derived.derive(source)), n, min_at_risk)


__all__ = ["Verkenning", "open_extract"]
