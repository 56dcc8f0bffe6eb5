"""The data contract (shared/spec/CONTRACT.md) as data: one place the rest of the code reads it from.

Everything here is a literal transcription of the contract. Validation, the table
definitions, the generator and the tests all import these names, so a change of the
contract is a change of this file and nothing else.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SCHEMA = "inburgering-extract/1"
EXTRACT_JSON = "extract.json"

# Start of each law: earliest allowed datum_plicht.
WI2021_START = dt.date(2022, 1, 1)
WI2013_START = dt.date(2013, 1, 1)
# the dates an extract may hold (docs/keuzes.md): a year like 0202 or 2202 is a typing error
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

# Defaults of the command line (contract sections 2 and 4).
DEFAULT_PEILDATUM = dt.date(2024, 5, 1)
DEFAULT_ELIP_PEILDATA = (
    dt.date(2022, 5, 1),
    dt.date(2022, 10, 15),
    dt.date(2023, 7, 1),
    dt.date(2023, 11, 1),
    dt.date(2024, 4, 1),
)
DEFAULT_ELIP_DREMPEL_EURO = 9500
# Not the contract's but the suite's bound (docs/keuzes.md): ten times the Wi2013's maximum
# loan of 10.000 euro; a threshold above it is a typing error, not a policy question.
ELIP_DREMPEL_MAX_EURO = 100_000

DOELGROEPEN = ("asiel", "gezin", "overig")
REDEN_EINDE_WI2021 = ("voldaan", "ontheven", "vrijgesteld", "vervallen")
REDEN_EINDE_WI2013 = ("ingeburgerd", "vrijgesteld", "ontheven", "vervallen")
UITSLAG_LBT = ("haalbaar", "niet_haalbaar")
LEERROUTES = ("b1", "onderwijs", "z")
ONDERDELEN = ("lezen", "luisteren", "schrijven", "spreken", "knm", "ona")
UITSLAG_EXAMEN = ("geslaagd", "gezakt")
JA_NEE = ("ja", "nee")

# Tabel 1 groups the routes in two.
ROUTEGROEP = {"b1": "b1_onderwijsroute", "onderwijs": "b1_onderwijsroute", "z": "z_route"}
ROUTEGROEPEN = ("b1_onderwijsroute", "z_route")

# Tabel 6: cohort columns; later cohorts are pooled.
ELIP_COHORTEN = tuple(str(y) for y in range(2013, 2022))
ELIP_LAATSTE_KOLOM = "2022+"
ELIP_POOL_VANAF = 2022


@dataclass(frozen=True)
class Column:
    """One column of an extract file and the rule the contract gives for it."""

    name: str
    kind: str  # "id", "code", "date", "bedrag"
    required: bool = False
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    """One file of the extract; `stem` is the name without .csv/.parquet."""

    stem: str
    columns: tuple[Column, ...]
    is_persons: bool = False
    refers_to: str | None = None  # persons file whose persoon_id must exist
    description: str = ""
    must_have_rows: bool = field(default=False)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


WI2021 = FileSpec(
    stem="wi2021_personen",
    is_persons=True,
    must_have_rows=True,
    description="personen met een inburgeringsplicht onder de Wi2021",
    columns=(
        Column("persoon_id", "id", required=True),
        Column("doelgroep", "code", required=True, codes=DOELGROEPEN),
        Column("datum_plicht", "date", required=True),
        Column("datum_einde", "date"),
        Column("reden_einde", "code", codes=REDEN_EINDE_WI2021),
        Column("datum_lbt", "date"),
        Column("uitslag_lbt", "code", codes=UITSLAG_LBT),
        Column("datum_pip", "date"),
        Column("leerroute", "code", codes=LEERROUTES),
        Column("datum_aanbod", "date"),
    ),
)

WI2013 = FileSpec(
    stem="wi2013_personen",
    is_persons=True,
    must_have_rows=True,
    description="personen met een inburgeringsplicht onder de Wi2013",
    columns=(
        Column("persoon_id", "id", required=True),
        Column("doelgroep", "code", required=True, codes=DOELGROEPEN),
        Column("datum_plicht", "date", required=True),
        Column("datum_einde", "date"),
        Column("reden_einde", "code", codes=REDEN_EINDE_WI2013),
        Column("analfabeet", "code", codes=JA_NEE),
    ),
)

LENINGEN = FileSpec(
    stem="wi2013_leningen",
    refers_to="wi2013_personen",
    description="betalingen van DUO-leningen (Wi2013)",
    columns=(
        Column("persoon_id", "id", required=True),
        Column("datum", "date", required=True),
        Column("bedrag", "bedrag", required=True),
    ),
)

EXAMENS = FileSpec(
    stem="wi2013_examens",
    refers_to="wi2013_personen",
    description="examenpogingen (Wi2013)",
    columns=(
        Column("persoon_id", "id", required=True),
        Column("datum", "date", required=True),
        Column("onderdeel", "code", required=True, codes=ONDERDELEN),
        Column("uitslag", "code", required=True, codes=UITSLAG_EXAMEN),
    ),
)

FILES: tuple[FileSpec, ...] = (WI2021, WI2013, LENINGEN, EXAMENS)
FILES_BY_STEM = {f.stem: f for f in FILES}

# "X is required exactly when Y is set" pairs (contract section 1).
PAIRED = {
    "wi2021_personen": (("datum_einde", "reden_einde"), ("datum_lbt", "uitslag_lbt"), ("datum_pip", "leerroute")),
    "wi2013_personen": (("datum_einde", "reden_einde"),),
}
# (later, earlier): later must be on or after earlier, when both are set.
DATE_ORDER = {
    "wi2021_personen": (
        ("datum_einde", "datum_plicht"),
        ("datum_lbt", "datum_plicht"),
        ("datum_pip", "datum_plicht"),
        ("datum_aanbod", "datum_pip"),
    ),
    "wi2013_personen": (("datum_einde", "datum_plicht"),),
}

# ---- outputs (contract section 3) --------------------------------------------------

# The outputs themselves (names, shapes, percentages, sums) are declared in registry.py.
OUTPUT_COLUMNS = ("tabel", "peildatum", "rij", "kolom", "eenheid", "waarde")
EENHEID_AANTAL = "aantal"
EENHEID_PROCENT = "procent"
EENHEID_PROCENT_KOLOM = "procent_kolom"
EENHEID_PROCENT_RIJ = "procent_rij"
PROCENT_EENHEDEN = (EENHEID_PROCENT, EENHEID_PROCENT_KOLOM, EENHEID_PROCENT_RIJ)

KERNCIJFERS_WI2021_RIJEN = (
    "plichtig_geworden",
    "nog_plichtig",
    "nog_plichtig_asiel",
    "nog_plichtig_gezin",
    "nog_plichtig_overig",
    "met_pip",
)
KERNCIJFERS_WI2013_RIJEN = ("totaal", "ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")
TABEL2_RIJEN = ("inburgeringsplichtig", "met_pip")
TABEL4_RIJEN = ("asiel_met_pip", "met_aanbod")
TABEL5_KOLOMMEN = ("voldaan", "ontheven", "nog_plichtig", "totaal")
TABEL6_KOLOMMEN = ELIP_COHORTEN + (ELIP_LAATSTE_KOLOM, "totaal")
TABEL3_KOLOMMEN = DOELGROEPEN + ("totaal",)
TOTAAL = "totaal"
