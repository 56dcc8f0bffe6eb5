"""The table registry: every output of the contract declared once, with everything that
depends on its shape.

A declaration (`TableSpec`) says what a table *is*: how its counts are computed, which
percentages it carries and on what base, which of them are rounded together, which sums
hold between its cells, what date each cell speaks of, and how a reader meets it (title,
paragraph of the letter, population and cells in words, Dutch labels, the notebook that
shows it). Everything else reads the registry and knows no table by name:

* `compute` runs the declared count function and adds the declared percentages;
* `rounding` rounds the declared groups together (the letter's rule);
* `publication` protects cells using who each count counts and the percentage bases;
* `verification` checks the letter's own arithmetic with the same sums and bases, and
  computes each printed figure at the date the registry says the cell speaks of;
* `presentation` takes titles, labels and definitions from here;
* `runner` executes one notebook per declared table.

Adding a table is one declaration here plus its counts in `tables.py`
(tests/test_registry.py shows it with a toy table). The registry imports no presentation
code: layout, figure and sentences are looked up by the table's name in presentation, with
a generic fallback for a table that has none of its own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..core import contract as C
from . import tables as T

Cell = tuple[str, str]  # (rij, kolom) within one table
Key = tuple[str, str, str]  # (tabel, rij, kolom) of a count

# What date a cell speaks of: the run's P, the cell's column (Tabel 2, 4) or its row (Tabel 6).
DATED_BY_PEILDATUM, DATED_BY_KOLOM, DATED_BY_RIJ = "peildatum", "kolom", "rij"


@dataclass(frozen=True)
class Share:
    """A percentage the table carries: which count cells get it, and on what base.

    `applies(rij, kolom)` says which count cells have this percentage; `base(rij, kolom,
    rows, cols)` lists the count cells whose sum is its base (rows and cols: the table's
    count rows and columns in order). The percentage is 100 * count / base, empty when the
    base is zero.
    """

    eenheid: str
    applies: Callable[[str, str], bool]
    base: Callable[[str, str, list[str], list[str]], list[Cell]]


@dataclass(frozen=True)
class Sum:
    """A published identity: the cells of `totaal` add up to the cells of `delen`."""

    totaal: tuple[Key, ...]
    delen: tuple[Key, ...]
    wat: str  # what the parts are, in Dutch, for messages ("cohorten", "doelgroepen")

    def relation(self) -> dict[Key, int]:
        """As {cell: coefficient} summing to zero (for linear algebra)."""
        rel: dict[Key, int] = {}
        for k in self.totaal:
            rel[k] = rel.get(k, 0) + 1
        for k in self.delen:
            rel[k] = rel.get(k, 0) - 1
        return {k: v for k, v in rel.items() if v}


@dataclass(frozen=True)
class TableSpec:
    """One output of the contract, everything about it in one place."""

    name: str
    titel: str  # as the letter titles it
    paragraaf: str  # where the letter has it
    contract: str  # the contract sections that define it
    wet: str  # "Wi2021" or "Wi2013"
    populatie: str  # who is counted, in plain Dutch
    cellen: str  # what the cells are, in plain Dutch
    notebook: str  # file name of its executed notebook in a run
    # (extract, params) -> [(rij, kolom, mask)] in display order: each count cell with the
    # persons it counts (tables.py); the counts are the masks' sums
    # (None for a monitor output: its estimates are computed by monitor.compute, and any
    # output by name by analysis.definitions.compute.output)
    cells: Callable | None = None
    shares: tuple[Share, ...] = ()
    # eenheid -> group key of a percentage cell (rij, kolom): the shares with one key are
    # rounded together (largest remainder); None or absent: rounded alone, half up.
    rounding_groups: dict[str, Callable[[str, str], object]] = field(default_factory=dict)
    decimals: int = 0
    sums: Callable[[list[str], list[str]], list[Sum]] = lambda rows, cols: []
    dated_by: str = DATED_BY_PEILDATUM
    rij_labels: dict[str, str] = field(default_factory=dict)
    kolom_labels: dict[str, str] = field(default_factory=dict)
    rij_naam: str = ""  # header of the row labels
    eenheid_labels: dict[str, str] = field(default_factory=dict)  # units beyond aantal/procent, in Dutch
    monitor: bool = False  # a monitor output (contract section 7) rather than a letter table
    # a table printed in the letter: data/reference holds its figures and the audit compares
    # them; a table of the suite's own (computed at P like the letter's) says False (a monitor
    # output is never printed: PRINTED_OUTPUTS reads this only for tables)
    in_brief: bool = True
    # its counts depend on the ELIP threshold: a count at another threshold is another count
    by_threshold: bool = False
    # the tables this one is part of: each of its cells counts some of the persons that the
    # cell with the same rij and kolom there counts (a Tabel 7 of those still plichtig within
    # Tabel 3's whole inflow). The report says so; tests/test_properties.py holds the
    # definitions to it, and finds a table with another's cells that does not say it
    deel_van: tuple[str, ...] = ()

    def __post_init__(self):
        if (self.cells is None) != self.monitor:
            raise ValueError(f"{self.name}: geef cells voor een tabel, of monitor=True voor een monitoroutput")

    def counts(self, extract, params) -> list[tuple[str, str, int]]:
        """(rij, kolom, count) in display order."""
        return T.counts(self.cells(extract, params))

    def measured_on(self, rij: str, kolom: str, peildatum: str) -> str:
        """The date (ISO) a cell of this table speaks of in a run at `peildatum`."""
        if self.dated_by == DATED_BY_KOLOM:
            return kolom
        if self.dated_by == DATED_BY_RIJ:
            return rij
        return peildatum

    def rij_label(self, rij: str) -> str:
        return self.rij_labels.get(rij, rij)

    def kolom_label(self, kolom: str) -> str:
        return self.kolom_labels.get(kolom, kolom)

    def eenheid_label(self, eenheid: str) -> str:
        return self.eenheid_labels.get(eenheid, eenheid)

    def share_base(self, rij: str, kolom: str, eenheid: str, rows: list[str], cols: list[str]) -> list[Cell]:
        for s in self.shares:
            if s.eenheid == eenheid and s.applies(rij, kolom):
                return s.base(rij, kolom, rows, cols)
        raise KeyError(f"{self.name}: geen percentage {eenheid} voor {rij}/{kolom}")


# ---- generic machinery ---------------------------------------------------------------

def long_frame(name: str, peildatum: dt.date, rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """The contract's long format (section 3) of one output."""
    rij, kolom, eenheid, waarde = zip(*rows) if rows else ((), (), (), ())
    return pd.DataFrame({"tabel": [name] * len(rows), "peildatum": [peildatum.isoformat()] * len(rows),
                         "rij": list(rij), "kolom": list(kolom), "eenheid": list(eenheid),
                         "waarde": np.asarray(waarde, dtype=float)})


def frame_of_counts(name: str, peildatum: dt.date, counts: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A table's counts (all of them, or the cells a series shows) as its long frame with the
    declared percentages: what `compute` returns, for counts computed by the caller."""
    return long_frame(name, peildatum, with_shares(spec(name), counts))


def with_shares(spec: TableSpec, counts: list[tuple[str, str, int]]) -> list[tuple[str, str, str, float]]:
    """Counts followed by every declared percentage, computed from the counts themselves.

    Percentages follow their count cell in the order of `spec.shares`, so one home defines
    both what a percentage means (its base) and its value.
    """
    value = {(r, k): n for r, k, n in counts}
    rows = list(dict.fromkeys(r for r, _, _ in counts))
    cols = list(dict.fromkeys(k for _, k, _ in counts))
    out = [(r, k, C.EENHEID_AANTAL, float(n)) for r, k, n in counts]
    for r, k, n in counts:
        for s in spec.shares:
            if s.applies(r, k):
                base = sum(value[c] for c in s.base(r, k, rows, cols))
                out.append((r, k, s.eenheid, 100.0 * n / base if base else np.nan))
    return out


def count_cells(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The count rows and columns of a long-format table, in order."""
    part = df[df["eenheid"] == C.EENHEID_AANTAL]
    return list(dict.fromkeys(part["rij"])), list(dict.fromkeys(part["kolom"]))


def sums_of(name: str, df: pd.DataFrame) -> list[Sum]:
    """The identities that hold between the cells of one table as it stands."""
    rows, cols = count_cells(df)
    return SPECS[name].sums(rows, cols) if name in SPECS else []


def all_sums(tables: dict[str, pd.DataFrame]) -> list[Sum]:
    """Every identity within and between a set of tables (keys must all be present)."""
    have = {(n, r.rij, r.kolom) for n, df in tables.items()
            for r in df[df["eenheid"] == C.EENHEID_AANTAL].itertuples()}
    found = [s for n, df in tables.items() for s in sums_of(n, df)]
    found += [s for link in LINKS for s in link(tables)]
    return [s for s in found if all(k in have for k in s.totaal + s.delen)]


def percentage_bases(name: str, df: pd.DataFrame) -> dict[tuple[str, str, str, str], list[Key]]:
    """For every percentage of a table: its own count and the counts of its base."""
    spec = SPECS[name]
    rows, cols = count_cells(df)
    deps = {}
    for r in df[df["eenheid"] != C.EENHEID_AANTAL].itertuples():
        base = spec.share_base(r.rij, r.kolom, r.eenheid, rows, cols)
        deps[(name, r.rij, r.kolom, r.eenheid)] = [(name, r.rij, r.kolom)] + [(name, *c) for c in base]
    return deps


def spec(name: str) -> TableSpec:
    try:
        return SPECS[name]
    except KeyError:
        raise KeyError(f"onbekende tabel {name!r}; bekend: {', '.join(SPECS)}") from None


# ---- the declarations -----------------------------------------------------------------

def _all(_r, _k):
    return True


def _column_of(rij, kolom, rows, cols):
    return [(x, kolom) for x in rows]


def _row_of(rij, kolom, rows, cols):
    return [(rij, y) for y in cols]


def _total_of_row(rij, kolom, rows, cols):
    return [(rij, C.TOTAAL)]


def _first_row(rij, kolom, rows, cols):
    return [(rows[0], kolom)]


def _row_total_sums(name: str, parts: tuple[str, ...], wat: str):
    """Each row's `totaal` column is the sum of the `parts` columns."""
    def sums(rows, cols):
        return [Sum(((name, r, C.TOTAAL),), tuple((name, r, k) for k in parts), wat) for r in rows]
    return sums


def _kerncijfers_wi2021_base(rij, kolom, rows, cols):
    return [("plichtig_geworden" if rij == "nog_plichtig" else "nog_plichtig", C.TOTAAL)]


DOELGROEP_LABELS = {"asiel": "Asiel", "gezin": "Gezin", "overig": "Overig", C.TOTAAL: "Totaal"}


def _registry() -> dict[str, TableSpec]:
    k21 = "kerncijfers_wi2021"
    k13 = "kerncijfers_wi2013"
    specs = [
        TableSpec(
            name=k21, titel="Kerncijfers Wi2021", paragraaf="§2.2.2", contract="2 en 3", wet="Wi2021",
            populatie="Iedereen van wie de inburgeringsplicht onder de Wi2021 op of vóór de peildatum begon.",
            cellen="Hoeveel van hen op de peildatum nog inburgeringsplichtig zijn (per doelgroep) en hoeveel "
                   "van die nog plichtigen een PIP hebben. Percentages: nog plichtig van wie plichtig werd; "
                   "doelgroepen en PIP van wie nog plichtig is.",
            notebook="01_kerncijfers_wi2021.ipynb",
            cells=lambda x, p: T.kerncijfers_wi2021_cells(x.wi2021, p.peildatum),
            shares=(Share(C.EENHEID_PROCENT, lambda r, k: r != "plichtig_geworden", _kerncijfers_wi2021_base),),
            rounding_groups={C.EENHEID_PROCENT: lambda r, k: "doelgroep" if r.startswith("nog_plichtig_") else None},
            sums=lambda rows, cols: [Sum(((k21, "nog_plichtig", C.TOTAAL),),
                                         tuple((k21, f"nog_plichtig_{g}", C.TOTAAL) for g in C.DOELGROEPEN),
                                         "doelgroepen")],
            rij_labels={"plichtig_geworden": "Inburgeringsplichtig geworden",
                        "nog_plichtig": "Nog inburgeringsplichtig",
                        "nog_plichtig_asiel": "  waarvan asielstatushouder",
                        "nog_plichtig_gezin": "  waarvan gezinsmigrant",
                        "nog_plichtig_overig": "  waarvan overige migrant",
                        "met_pip": "Nog inburgeringsplichtig met PIP"},
            kolom_labels={C.TOTAAL: "Totaal"},
        ),
        TableSpec(
            name="tabel1", titel="Tabel 1 Gevolgde leerroute versus de uitslag van de leerbaarheidstoets",
            paragraaf="§2.1.4", contract="2 en 3", wet="Wi2021",
            populatie="Wi2021-inburgeringsplichtigen met zowel een leerbaarheidstoets als een PIP op of vóór "
                      "de peildatum (ook wie niet meer plichtig is).",
            cellen="Uitslag van de leerbaarheidstoets (haalbaar, niet haalbaar) tegen de leerroute in het PIP, "
                   "B1- en onderwijsroute samen tegen de Z-route. Percentages van de kolom (zoals de brief) "
                   "en van de rij.",
            notebook="02_tabel1_leerbaarheidstoets.ipynb",
            cells=lambda x, p: T.tabel1_cells(x.wi2021, p.peildatum),
            shares=(Share(C.EENHEID_PROCENT_KOLOM, _all, _column_of),
                    Share(C.EENHEID_PROCENT_RIJ, _all, _row_of)),
            rounding_groups={C.EENHEID_PROCENT_KOLOM: lambda r, k: k, C.EENHEID_PROCENT_RIJ: lambda r, k: r},
            rij_labels={"haalbaar": "Haalbaar", "niet_haalbaar": "Niet haalbaar"},
            kolom_labels={"b1_onderwijsroute": "B1-/onderwijsroute", "z_route": "Z-route"},
            rij_naam="Uitslag LBT",
        ),
        TableSpec(
            name="tabel2", titel="Tabel 2 Inburgeringsplichtig Wi2021 met PIP", paragraaf="§2.2.2",
            contract="2 en 3", wet="Wi2021",
            populatie="Op elk van de twee peildata (P en de vergelijkingspeildatum Q): wie op die datum "
                      "Wi2021-inburgeringsplichtig is.",
            cellen="Het aantal plichtigen en hoeveel van hen een PIP hebben dat op of vóór die datum is "
                   "vastgesteld, met het aandeel.",
            notebook="03_tabel2_pip.ipynb",
            cells=lambda x, p: T.tabel2_cells(x.wi2021, p.peildatum, p.q),
            shares=(Share(C.EENHEID_PROCENT, lambda r, k: r == "met_pip", _first_row),),
            dated_by=DATED_BY_KOLOM,
            rij_labels={"inburgeringsplichtig": "Inburgeringsplichtig", "met_pip": "Waarvan met PIP"},
        ),
        TableSpec(
            name="tabel3", titel="Tabel 3 Indeling in leerroute", paragraaf="§2.2.2", contract="2 en 3",
            wet="Wi2021",
            populatie="De hele Wi2021-instroom met een PIP op of vóór de peildatum, ook wie niet meer "
                      "plichtig is.",
            cellen="Leerroute (B1, onderwijs, Z) per doelgroep en in totaal, met het aandeel van de kolom.",
            notebook="04_tabel3_leerroute.ipynb",
            cells=lambda x, p: T.tabel3_cells(x.wi2021, p.peildatum),
            shares=(Share(C.EENHEID_PROCENT, _all, _column_of),),
            rounding_groups={C.EENHEID_PROCENT: lambda r, k: k},
            sums=_row_total_sums("tabel3", C.DOELGROEPEN, "doelgroepen"),
            rij_labels={"b1": "B1 route", "onderwijs": "Onderwijsroute", "z": "Z route"},
            kolom_labels=DOELGROEP_LABELS,
        ),
        TableSpec(
            name="tabel4", titel="Tabel 4 Asielstatushouders Wi2021 met aanbod in PIP", paragraaf="§2.2.2",
            contract="2 en 3", wet="Wi2021",
            populatie="Op elk van de twee peildata: asielstatushouders die op die datum Wi2021-"
                      "inburgeringsplichtig zijn en een PIP hebben.",
            cellen="Het aantal en hoeveel van hen een aanbod hebben dat op of vóór die datum is "
                   "geregistreerd, met het aandeel.",
            notebook="05_tabel4_aanbod.ipynb",
            cells=lambda x, p: T.tabel4_cells(x.wi2021, p.peildatum, p.q),
            shares=(Share(C.EENHEID_PROCENT, lambda r, k: r == "met_aanbod", _first_row),),
            dated_by=DATED_BY_KOLOM,
            rij_labels={"asiel_met_pip": "Asielstatushouders met PIP", "met_aanbod": "Waarvan met aanbod"},
        ),
        TableSpec(
            name=k13, titel="Kerncijfers Wi2013", paragraaf="§4.1", contract="2 en 3", wet="Wi2013",
            populatie="Iedereen van wie de Wi2013-inburgeringsplicht op of vóór de peildatum begon.",
            cellen="Status op de peildatum: ingeburgerd, ontheven, vrijgesteld, vervallen of nog plichtig, "
                   "met het aandeel van het totaal (één decimaal, zoals de brief).",
            notebook="06_kerncijfers_wi2013.ipynb",
            cells=lambda x, p: T.kerncijfers_wi2013_cells(x.wi2013, p.peildatum),
            shares=(Share(C.EENHEID_PROCENT, lambda r, k: r != C.TOTAAL,
                          lambda r, k, rows, cols: [(C.TOTAAL, C.TOTAAL)]),),
            decimals=1,
            sums=lambda rows, cols: [Sum(((k13, C.TOTAAL, C.TOTAAL),),
                                         tuple((k13, s, C.TOTAAL) for s in C.KERNCIJFERS_WI2013_RIJEN[1:]),
                                         "statussen")],
            rij_labels={C.TOTAAL: "Totaal opgelegd", "ingeburgerd": "Ingeburgerd", "ontheven": "Ontheven",
                        "vrijgesteld": "Vrijgesteld", "vervallen": "Vervallen",
                        "nog_plichtig": "Nog inburgeringsplichtig"},
            kolom_labels={C.TOTAAL: "Totaal"},
        ),
        TableSpec(
            name="tabel5", titel="Tabel 5 Cijfers Wi2013 per cohort", paragraaf="§4.1", contract="2 en 3",
            wet="Wi2013",
            populatie="Wi2013-inburgeringsplichtigen van wie de plicht op of vóór de peildatum begon, zonder "
                      "wie een vervallen plicht heeft; per cohort (het jaar waarin de plicht begon).",
            cellen="Voldaan (ingeburgerd of vrijgesteld), ontheven en nog plichtig op de peildatum, met het "
                   "aandeel van het cohort.",
            notebook="07_tabel5_cohorten.ipynb",
            cells=lambda x, p: T.tabel5_cells(x.wi2013, p.peildatum),
            shares=(Share(C.EENHEID_PROCENT, lambda r, k: k != C.TOTAAL, _total_of_row),),
            rounding_groups={C.EENHEID_PROCENT: lambda r, k: r},
            sums=_row_total_sums("tabel5", C.TABEL5_KOLOMMEN[:-1], "cellen"),
            kolom_labels={"voldaan": "Voldaan", "ontheven": "Ontheven", "nog_plichtig": "Nog plichtig",
                          C.TOTAAL: "Totaal"},
            rij_naam="Cohort",
        ),
        TableSpec(
            name="tabel6", titel="Tabel 6 ELIP per cohort Wi2013", paragraaf="§4.2", contract="2 en 3",
            wet="Wi2013",
            populatie="Op elke ELIP-peildatum: asielstatushouders met een Wi2013-plicht die op die datum nog "
                      "plichtig zijn en tot en met die datum ten minste de ELIP-drempel (standaard 9.500 euro) "
                      "aan DUO-lening betaald kregen.",
            cellen="Het aantal per cohort 2013 tot en met 2021, de cohorten 2022 en later samen, en het totaal.",
            notebook="08_tabel6_elip.ipynb",
            cells=lambda x, p: T.tabel6_cells(x, p.elip, p.elip_drempel_cent),
            sums=_row_total_sums("tabel6", C.TABEL6_KOLOMMEN[:-1], "cohorten"),
            dated_by=DATED_BY_RIJ, by_threshold=True,
            kolom_labels={k: ("'" + k[2:]) for k in C.TABEL6_KOLOMMEN[:-1]} | {C.TOTAAL: "Totaal"},
            rij_naam="Peildatum",
        ),
    ]
    return {s.name: s for s in specs + _monitor_specs()}


MONITOR_NOTEBOOK = "11_monitor.ipynb"  # one notebook shows the three monitor outputs


def _monitor_specs() -> list[TableSpec]:
    """Contract section 7: estimates over time rather than counts at P (monitor.py; what they
    publish in persons: monitor.published); they take no part in the letter's sums or audit."""
    years = {}
    for j in range(1, 6):
        years |= {f"procent_{j}j": f"% na {j} jaar", f"ci_laag_{j}j": f"ondergrens 95%-interval na {j} jaar",
                  f"ci_hoog_{j}j": f"bovengrens 95%-interval na {j} jaar", f"at_risk_{j}j": f"nog gevolgd na {j} jaar"}
    from ..core.params import Parameters
    rule = (f"Leeg waar op die dag minder dan het minimum van de run (standaard {Parameters.min_at_risk}, "
            "--min-at-risk) van de groep nog gevolgd werd: dan rust het aandeel niet meer op waargenomen personen.")
    days = {"91d": "Na 91 dagen", "182d": "Na 182 dagen", "365d": "Na 365 dagen", "730d": "Na 730 dagen"}
    return [
        TableSpec(
            name="tijdreeks_kerncijfers", titel="Kerncijfers per maand", paragraaf="", contract="7",
            wet="Wi2021 en Wi2013",
            populatie="Dezelfde als in de kerncijfers Wi2021 en Wi2013, op de eerste dag van elke maand, "
                      "vanaf de eerste maand waarin onder die wet een inburgeringsplicht begon tot en met de "
                      "peildatum.",
            cellen="Per maand de kerncijfers van beide wetten, met hun percentages; de kolom tabel zegt uit "
                   "welke van de twee een cijfer komt. Een maand is gelijk aan een run op die datum.",
            notebook=MONITOR_NOTEBOOK, monitor=True,
        ),
        TableSpec(
            name="cohort_uitkomst_wi2013", titel="Uitkomst per cohort Wi2013", paragraaf="", contract="6 en 7",
            wet="Wi2013",
            populatie="Iedereen van wie de Wi2013-inburgeringsplicht op of vóór de peildatum begon, per cohort "
                      "(het jaar waarin de plicht begon).",
            cellen="Voor elke reden van einde: het deel van het cohort bij wie de plicht 1, 2, 3, 4 en 5 jaar "
                   "na de start op die manier was geëindigd (cumulatieve incidentie, met de andere redenen "
                   "als concurrerende uitkomst), met het 95%-interval en het aantal van het cohort dat op die "
                   "dag nog gevolgd werd. " + rule,
            notebook=MONITOR_NOTEBOOK, monitor=True,
            kolom_labels={"ingeburgerd": "Ingeburgerd", "ontheven": "Ontheven", "vrijgesteld": "Vrijgesteld",
                          "vervallen": "Vervallen"},
            eenheid_labels=years, rij_naam="Cohort",
        ),
        TableSpec(
            name="duur_tot_pip_wi2021", titel="Tijd tot PIP Wi2021", paragraaf="", contract="6 en 7",
            wet="Wi2021",
            populatie="Iedereen van wie de Wi2021-inburgeringsplicht op of vóór de peildatum begon, per "
                      "doelgroep.",
            cellen="Het deel dat 91, 182, 365 en 730 dagen na de start van de plicht een PIP had (een einde "
                   "van de plicht zonder PIP als concurrerende uitkomst), met het 95%-interval en het aantal dat "
                   "op die dag nog gevolgd werd, en de mediane tijd tot een PIP in dagen met zijn 95%-interval. "
                   + rule + " De mediaan is leeg waar de helft binnen die looptijd geen PIP heeft.",
            notebook=MONITOR_NOTEBOOK, monitor=True,
            rij_labels={"asiel": "Asielstatushouders", "gezin": "Gezinsmigranten", "overig": "Overige migranten"},
            kolom_labels=days | {"mediaan": "Mediaan"},
            eenheid_labels={"procent": "%", "ci_laag": "ondergrens 95%-interval", "ci_hoog": "bovengrens 95%-interval",
                            "at_risk": "nog gevolgd", "dagen": "dagen", "ci_laag_dagen": "ondergrens 95%-interval (dagen)",
                            "ci_hoog_dagen": "bovengrens 95%-interval (dagen)"}, rij_naam="Doelgroep",
        ),
    ]


# Identities between tables: the Wi2013 kerncijfers are Tabel 5 summed over the cohorts
# (with vervallen, which Tabel 5 leaves out), and Tabel 2 at P repeats two Wi2021 kerncijfers.

def _tabel5_kerncijfers(tables: dict[str, pd.DataFrame]) -> list[Sum]:
    if "tabel5" not in tables or "kerncijfers_wi2013" not in tables:
        return []
    years, _ = count_cells(tables["tabel5"])
    if not years:
        return []
    k13 = "kerncijfers_wi2013"

    def col(k):
        return tuple(("tabel5", y, k) for y in years)
    return [Sum(((k13, "ingeburgerd", C.TOTAAL), (k13, "vrijgesteld", C.TOTAAL)), col("voldaan"),
                "cohorten van Tabel 5 (voldaan)"),
            Sum(((k13, "ontheven", C.TOTAAL),), col("ontheven"), "cohorten van Tabel 5 (ontheven)"),
            Sum(((k13, "nog_plichtig", C.TOTAAL),), col("nog_plichtig"), "cohorten van Tabel 5 (nog plichtig)"),
            Sum(((k13, C.TOTAAL, C.TOTAAL),), col(C.TOTAAL) + ((k13, "vervallen", C.TOTAAL),),
                "cohorten van Tabel 5 en de vervallen plichten")]


def _tabel2_kerncijfers(tables: dict[str, pd.DataFrame]) -> list[Sum]:
    if "tabel2" not in tables or "kerncijfers_wi2021" not in tables or tables["tabel2"].empty:
        return []
    p = tables["tabel2"]["peildatum"].iloc[0]
    k21 = "kerncijfers_wi2021"
    if tables[k21].empty or tables[k21]["peildatum"].iloc[0] != p:
        return []
    return [Sum((("tabel2", "inburgeringsplichtig", p),), ((k21, "nog_plichtig", C.TOTAAL),), "kerncijfers"),
            Sum((("tabel2", "met_pip", p),), ((k21, "met_pip", C.TOTAAL),), "kerncijfers")]


LINKS: tuple[Callable[[dict[str, pd.DataFrame]], list[Sum]], ...] = (_tabel5_kerncijfers, _tabel2_kerncijfers)


SPECS: dict[str, TableSpec] = _registry()
# The letter's tables (contract section 3), in the letter's order; C.OUTPUTS must agree (tested).
# They share sums and the audit; the monitor outputs (section 7) do not.
LETTER_OUTPUTS: tuple[str, ...] = tuple(n for n, s in SPECS.items() if not s.monitor)
MONITOR_OUTPUTS: tuple[str, ...] = tuple(n for n, s in SPECS.items() if s.monitor)
OUTPUTS = LETTER_OUTPUTS  # the name most callers (and explore.py) use for the letter's tables
# the tables the letter prints (data/reference holds their figures): the audit's subjects
PRINTED_OUTPUTS: tuple[str, ...] = tuple(n for n in LETTER_OUTPUTS if SPECS[n].in_brief)


def compute(name: str, extract, params) -> pd.DataFrame:
    """One of the letter's tables at the parameters' peildatum, in the long format of contract
    section 3, unprotected: a run's protection is one pattern over everything it publishes
    (publication/), applied by whoever shows the output. A monitor output: monitor.compute
    (any output by name: analysis.definitions.compute.output)."""
    s = spec(name)
    if s.monitor:
        raise ValueError(f"{name}: een monitoroutput (monitor.compute, of analysis.definitions.compute.output)")
    return frame_of_counts(name, params.peildatum, s.counts(extract, params))


def key_of(name: str, peildatum: str, rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL,
           variant: str = ""):
    """The one key of a published number of a table in a run at `peildatum`: dated by the
    date the cell speaks of (so the same count in two outputs has one key)."""
    from .items import CellKey
    s = SPECS.get(name)
    return CellKey(name, s.measured_on(rij, kolom, peildatum) if s else peildatum, rij, kolom, eenheid, variant)


def variant_of(name: str, params) -> str:
    """What distinguishes this table's counts beyond their date: the ELIP threshold for a
    table that depends on it (publication.items.CellKey.variant), nothing otherwise."""
    s = SPECS.get(name)
    return threshold_variant(params) if s is not None and s.by_threshold else ""


def threshold_variant(params) -> str:
    return f"drempel {params.elip_drempel_cent}"


def published(name: str, extract, params):
    """What one letter table publishes, for disclosure control: each count with the persons
    it counts, and each percentage with the counts it rests on (its own and its base).

    Returns (counts, ratios) as `publication.items.Count` and `Ratio`; their keys are those of
    the rows `compute` returns (key_of)."""
    s = spec(name)
    if s.cells is None:
        raise ValueError(f"{name}: geen cellen gedeclareerd (een monitoroutput: monitor.published)")
    return publish_cells(name, params.peildatum.isoformat(), s.cells(extract, params), variant_of(name, params))


def publish_cells(name: str, peildatum: str, cells, variant: str = ""):
    """`published` for cells already computed ([(rij, kolom, mask)] of table `name` in a run
    at `peildatum`): the monitor's figures show Tabel 4 at other pairs of dates."""
    from .items import Count, Ratio
    s = spec(name)
    wet = s.wet.lower()
    counts = [Count(key_of(name, peildatum, r, k, variant=variant), wet, m) for r, k, m in cells]
    rows = list(dict.fromkeys(r for r, _, _ in cells))
    cols = list(dict.fromkeys(k for _, k, _ in cells))
    ratios = []
    for r, k, _ in cells:
        for share in s.shares:
            if share.applies(r, k):
                deps = [(r, k)] + share.base(r, k, rows, cols)
                ratios.append(Ratio(key_of(name, peildatum, r, k, share.eenheid, variant),
                                    tuple(key_of(name, peildatum, *d, variant=variant) for d in deps)))
    return counts, ratios


def compute_all(extract, params, names: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """The letter's tables (or the outputs named)."""
    return {name: compute(name, extract, params) for name in (names or LETTER_OUTPUTS)}
