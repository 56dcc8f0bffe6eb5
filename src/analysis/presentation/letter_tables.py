"""Each output laid out as the letter prints it: Dutch labels, thousands separators, the
letter's rounding. Used by the notebooks, the report page and the Excel workbook alike.

A suppressed cell (see `analysis.suppression`) is shown as 'x', the CBS sign for
"geheim"; an undefined percentage (base zero) as '-'.
"""
from __future__ import annotations

import pandas as pd

from .. import contract as C
from ..rounding import decimals_for, with_letter_rounding
from . import dutch

TITELS = {
    "kerncijfers_wi2021": "Kerncijfers Wi2021",
    "tabel1": "Tabel 1 Gevolgde leerroute versus de uitslag van de leerbaarheidstoets",
    "tabel2": "Tabel 2 Inburgeringsplichtig Wi2021 met PIP",
    "tabel3": "Tabel 3 Indeling in leerroute",
    "tabel4": "Tabel 4 Asielstatushouders Wi2021 met aanbod in PIP",
    "kerncijfers_wi2013": "Kerncijfers Wi2013",
    "tabel5": "Tabel 5 Cijfers Wi2013 per cohort",
    "tabel6": "Tabel 6 ELIP per cohort Wi2013",
}

RIJ_LABELS = {
    "plichtig_geworden": "Inburgeringsplichtig geworden",
    "nog_plichtig": "Nog inburgeringsplichtig",
    "nog_plichtig_asiel": "  waarvan asielstatushouder",
    "nog_plichtig_gezin": "  waarvan gezinsmigrant",
    "nog_plichtig_overig": "  waarvan overige migrant",
    "met_pip": "Nog inburgeringsplichtig met PIP",
    "haalbaar": "Haalbaar",
    "niet_haalbaar": "Niet haalbaar",
    "inburgeringsplichtig": "Inburgeringsplichtig",
    "b1": "B1 route",
    "onderwijs": "Onderwijsroute",
    "z": "Z route",
    "asiel_met_pip": "Asielstatushouders met PIP",
    "met_aanbod": "Waarvan met aanbod",
    "totaal": "Totaal opgelegd",
    "ingeburgerd": "Ingeburgerd",
    "ontheven": "Ontheven",
    "vrijgesteld": "Vrijgesteld",
    "vervallen": "Vervallen",
}
KOLOM_LABELS = {
    "b1_onderwijsroute": "B1-/onderwijsroute",
    "z_route": "Z-route",
    "asiel": "Asiel",
    "gezin": "Gezin",
    "overig": "Overig",
    "totaal": "Totaal",
    "voldaan": "Voldaan",
    "ontheven": "Ontheven",
    "nog_plichtig": "Nog plichtig",
}
MISSING_PCT = "-"
SECRET = "x"


def _lookup(df: pd.DataFrame, suppressed: set | None):
    """cell(rij, kolom, eenheid) -> formatted text, honouring suppression."""
    tabel = df["tabel"].iloc[0] if len(df) else ""
    decimals = decimals_for(tabel)
    values = {(r.rij, r.kolom, r.eenheid): r.afgerond for r in with_letter_rounding(df).itertuples()}
    suppressed = suppressed or set()

    def cell(rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL) -> str:
        if (tabel, rij, kolom, eenheid) in suppressed:
            return SECRET
        v = values.get((rij, kolom, eenheid))
        if eenheid == C.EENHEID_AANTAL:
            return dutch.getal(v)
        return MISSING_PCT if dutch.is_missing(v) else dutch.procent(v, decimals)
    return cell


def _with_pct(count: str, pct: str) -> str:
    return f"{count} ({pct})" if pct and count != SECRET else count


def layout(name: str, df: pd.DataFrame, suppressed: set | None = None) -> pd.DataFrame:
    """The letter's layout of one output, as a frame of formatted strings."""
    cell = _lookup(df, suppressed)
    if name == "kerncijfers_wi2021":
        rows = C.KERNCIJFERS_WI2021_RIJEN
        return pd.DataFrame({"Aantal": [cell(r, "totaal") for r in rows],
                             "Percentage": [cell(r, "totaal", C.EENHEID_PROCENT) if r != "plichtig_geworden" else ""
                                            for r in rows]},
                            index=[RIJ_LABELS[r] for r in rows])
    if name == "kerncijfers_wi2013":
        rows = C.KERNCIJFERS_WI2013_RIJEN
        labels = [RIJ_LABELS[r] for r in rows[:-1]] + ["Nog inburgeringsplichtig"]
        return pd.DataFrame({"Aantal": [cell(r, "totaal") for r in rows],
                             "Percentage": [cell(r, "totaal", C.EENHEID_PROCENT) if r != "totaal" else ""
                                            for r in rows]}, index=labels)
    if name == "tabel1":
        cols = pd.MultiIndex.from_tuples([(KOLOM_LABELS[g], h) for g in C.ROUTEGROEPEN
                                          for h in ("Aantal", "% van kolom", "% van rij")])
        data = [[f(u, g) for g in C.ROUTEGROEPEN for f in (
            lambda u, g: cell(u, g),
            lambda u, g: cell(u, g, C.EENHEID_PROCENT_KOLOM),
            lambda u, g: cell(u, g, C.EENHEID_PROCENT_RIJ))] for u in C.UITSLAG_LBT]
        out = pd.DataFrame(data, index=[RIJ_LABELS[u] for u in C.UITSLAG_LBT], columns=cols)
        out.index.name = "Uitslag LBT"
        return out
    if name in ("tabel2", "tabel4"):
        first, second = C.TABEL2_RIJEN if name == "tabel2" else C.TABEL4_RIJEN
        dates = list(dict.fromkeys(df["kolom"]))
        data = {dutch.datum(d): [cell(first, d), _with_pct(cell(second, d), cell(second, d, C.EENHEID_PROCENT))]
                for d in dates}
        labels = [RIJ_LABELS[first], "Waarvan met PIP" if name == "tabel2" else RIJ_LABELS[second]]
        return pd.DataFrame(data, index=labels)
    if name == "tabel3":
        cols = pd.MultiIndex.from_tuples([(KOLOM_LABELS[g], h) for g in C.TABEL3_KOLOMMEN
                                          for h in ("Aantal", "%")])
        data = [[x for g in C.TABEL3_KOLOMMEN for x in (cell(r, g), cell(r, g, C.EENHEID_PROCENT))]
                for r in C.LEERROUTES]
        return pd.DataFrame(data, index=[RIJ_LABELS[r] for r in C.LEERROUTES], columns=cols)
    if name == "tabel5":
        years = list(dict.fromkeys(df["rij"]))
        cols = pd.MultiIndex.from_tuples([(KOLOM_LABELS[k], h) for k in C.TABEL5_KOLOMMEN[:-1]
                                          for h in ("Aantal", "Percentage")] + [("Totaal", "")])
        data = [[x for k in C.TABEL5_KOLOMMEN[:-1] for x in (cell(y, k), cell(y, k, C.EENHEID_PROCENT))]
                + [cell(y, "totaal")] for y in years]
        out = pd.DataFrame(data, index=years, columns=cols)
        out.index.name = "Cohort"
        return out
    if name == "tabel6":
        dates = list(dict.fromkeys(df["rij"]))
        labels = [("'" + k[2:]) if k != "totaal" else "Totaal" for k in C.TABEL6_KOLOMMEN]
        data = [[cell(d, k) for k in C.TABEL6_KOLOMMEN] for d in dates]
        out = pd.DataFrame(data, index=[dutch.datum_kort(d) for d in dates], columns=labels)
        out.index.name = "Peildatum"
        return out
    raise KeyError(name)


def title(name: str, peildatum: str) -> str:
    return f"{TITELS[name]}, peildatum {dutch.datum(peildatum)}"
