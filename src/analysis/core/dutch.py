"""Numbers and dates the way a Dutch reader (and the letter) writes them.

A base module: the audit writes its explanations with it and presentation its tables, so it
sits below both (docs/architecture.md)."""
from __future__ import annotations

import datetime as dt
import math
import re

MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


def is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def getal(x, decimals: int = 0) -> str:
    """12345 -> '12.345'; 56.8 (1 decimal) -> '56,8'."""
    if is_missing(x):
        return ""
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def procent(x, decimals: int = 0) -> str:
    """An already rounded percentage: 63.0 -> '63%', 56.8 -> '56,8%', 3.0 (1 dec.) -> '3,0%'."""
    if is_missing(x):
        return ""
    return getal(x, decimals) + "%"


def datum(d: dt.date | str) -> str:
    """2024-05-01 -> '1 mei 2024'."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def datum_kort(d: dt.date | str) -> str:
    """2024-05-01 -> '1-5-2024', as the letter heads Tabel 6."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day}-{d.month}-{d.year}"


# Every internal key a reader could meet (output names, row and column keys, units,
# statuses, the codes of statistiek.csv), as a Dutch word. One dictionary, so that the page,
# the workbook and the notebooks say the same. The CSVs keep the keys: they are the contract.
LABELS = {
    # (an output's name and its cells' labels as the tables show them are in its declaration,
    # definitions/registry.py; presentation/labels.py reads them)
    # rows and columns of the outputs, as free text names them
    "plichtig_geworden": "inburgeringsplichtig geworden", "nog_plichtig": "nog inburgeringsplichtig",
    "nog_plichtig_asiel": "nog plichtig: asielstatushouder", "nog_plichtig_gezin": "nog plichtig: gezinsmigrant",
    "nog_plichtig_overig": "nog plichtig: overige migrant", "met_pip": "met PIP",
    "haalbaar": "haalbaar", "niet_haalbaar": "niet haalbaar", "inburgeringsplichtig": "inburgeringsplichtig",
    "b1": "B1-route", "onderwijs": "onderwijsroute", "z": "Z-route", "asiel_met_pip": "asielstatushouders met PIP",
    "met_aanbod": "met aanbod", "totaal": "totaal", "ingeburgerd": "ingeburgerd", "ontheven": "ontheven",
    "vrijgesteld": "vrijgesteld", "vervallen": "vervallen", "voldaan": "voldaan",
    "b1_onderwijsroute": "B1-/onderwijsroute", "z_route": "Z-route", "asiel": "asielstatushouders",
    "gezin": "gezinsmigranten", "overig": "overige migranten",
    # units
    "aantal": "aantal", "procent": "%", "procent_kolom": "% van kolom", "procent_rij": "% van rij",
    # statuses of verificatie.csv and claims.csv
    "gelijk": "gelijk", "afgerond_gelijk": "afgerond gelijk", "afwijking": "AFWIJKING",
    "inconsistent_in_brief": "inconsistent in de brief", "bevestigd": "bevestigd", "afwijkend": "AFWIJKEND",
    "niet_toetsbaar": "niet toetsbaar", "niet_vergelijkbaar": "niet vergelijkbaar", "exact": "exact", "afgerond": "afgerond",
    # statistiek.csv: analyses
    "aanbod_verandering": "Aandeel met aanbod: verandering (Tabel 4)",
    "pip_verandering": "Aandeel met PIP: verandering (Tabel 2)",
    "elip_groei": "Groei van de ELIP-groep per cohort (Tabel 6)",
    "elip_samenstelling": "Samenstelling ELIP-groep: cohorten 2020-2021 tegenover de andere",
    "lbt_overeenstemming": "Leerbaarheidstoets en leerroute: overeenstemming (Tabel 1)",
    "leerroute_doelgroep": "Leerroute naar doelgroep (Tabel 3)",
    "wi2013_trend": "Nog plichtig over de cohorten Wi2013: trend (Tabel 5)",
    # statistiek.csv: characteristics and groups
    "analfabeet": "analfabetisme", "meer_dan_drie_examens": "meer dan drie examenonderdelen gehaald",
    "2020_2021": "cohorten 2020 en 2021",
    "b1_asiel": "B1-route, asielstatushouders", "b1_gezin": "B1-route, gezinsmigranten",
    "b1_overig": "B1-route, overige migranten", "onderwijs_asiel": "onderwijsroute, asielstatushouders",
    "onderwijs_gezin": "onderwijsroute, gezinsmigranten", "onderwijs_overig": "onderwijsroute, overige migranten",
    "z_asiel": "Z-route, asielstatushouders", "z_gezin": "Z-route, gezinsmigranten", "z_overig": "Z-route, overige migranten",
    # statistiek.csv: tests
    "aandeel_peildatum": "aandeel op de peildatum", "aandeel_vorige_peildatum": "aandeel op de vergelijkingspeildatum",
    "overlap": "overlap tussen de peildata", "verschil": "verschil", "groei": "groei",
    "aandeel_2020_2021": "aandeel in cohorten 2020 en 2021", "aandeel_overig": "aandeel in de andere cohorten",
    "aantallen": "aantallen", "chi2": "chi-kwadraattoets", "chi2_cohorten": "chi-kwadraattoets over de cohorten",
    "cramers_v": "Cramér's V", "fisher": "exacte toets van Fisher", "mde": "kleinste aantoonbare verschil (MDE)",
    "power_simulatie": "onderscheidend vermogen (simulatie)", "residu_cohort": "gecorrigeerd residu per cohort",
    "tost": "equivalentietoets (TOST)", "aandeel_afwijking_omhoog": "aandeel afwijkingen naar boven",
    "tost_exact": "exacte equivalentietoets (TOST, exact onvoorwaardelijk)",
    "kappa": "kappa van Cohen", "mcnemar": "toets van McNemar", "overeenstemming": "overeenstemming",
    "mcnemar_midp": "toets van McNemar (mid-p)",
    "residu": "gecorrigeerd residu", "cochran_armitage": "trendtoets van Cochran-Armitage",
    # statistiek.csv: quantities
    "ci_hoog": "bovengrens 95%-interval", "ci_laag": "ondergrens 95%-interval", "schatting": "schatting",
    "aandeel_beide": "aandeel op beide peildata", "n_beide": "aantal op beide peildata", "bijdrage": "bijdrage",
    "aandeel_groei": "aandeel in de groei", "ja_2020_2021": "ja, cohorten 2020 en 2021", "ja_overig": "ja, andere cohorten",
    "n_2020_2021": "aantal, cohorten 2020 en 2021", "n_overig": "aantal, andere cohorten",
    "onbekend_2020_2021": "onbekend, cohorten 2020 en 2021", "onbekend_overig": "onbekend, andere cohorten",
    "df": "vrijheidsgraden", "p": "p-waarde", "p_holm": "p-waarde na Holm-correctie", "statistiek": "toetsingsgrootheid",
    "groepen": "aantal groepen", "alpha": "significantieniveau", "h": "effectgrootte h", "power": "onderscheidend vermogen",
    "herhalingen": "herhalingen", "seed": "startwaarde toevalsgenerator", "marge": "equivalentiemarge",
    "p_hoog": "p-waarde bovengrens", "p_laag": "p-waarde ondergrens", "omhoog": "naar boven", "omlaag": "naar beneden",
    "se": "standaardfout", "helling_per_jaar": "helling per jaar",
    # parameters of a run and of the generator
    "peildatum": "peildatum", "vorige_peildatum": "vergelijkingspeildatum", "elip_peildata": "ELIP-peildata",
    "elip_drempel": "ELIP-drempel (euro)", "celbeveiliging": "celbeveiliging",
    "min_at_risk": "monitor: minimum aantal nog gevolgd",
    "spreadsheet_nl": "Nederlandse spreadsheet", "seed_statistiek": "startwaarde statistiek",
    "versie": "versie", "geplant_verschil": "geplant verschil", "geplant_cohorten": "geplande cohorten",
    # words of the contract that the letter's readings name
    "datum_plicht": "datum inburgeringsplicht", "datum_pip": "datum PIP", "datum_lbt": "datum leerbaarheidstoets",
    "datum_aanbod": "datum aanbod", "datum_einde": "einddatum", "grootste_rest": "grootste rest",
    "strikt_stijgend": "strikt stijgend", "strikt_dalend": "strikt dalend",
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CODE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9+]+)+\b")


def label(key) -> str:
    """A key as a reader knows it: a date as '1 mei 2024', a known key as its Dutch word,
    anything else with its underscores as spaces."""
    text = str(key)
    if _ISO.fullmatch(text):
        return datum(text)
    if text in LABELS:
        return LABELS[text]
    return text.replace("_", " ")


def leesbaar(text: str) -> str:
    """Free text written by the suite (a reading of a claim, a note on a figure) with its
    ISO dates and code words in Dutch."""
    text = _ISO.sub(lambda m: datum(m.group(0)), str(text))
    return _CODE.sub(lambda m: label(m.group(0)), text)
