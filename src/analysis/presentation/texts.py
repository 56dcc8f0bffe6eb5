"""A few sentences per table, written from the table itself (so they follow the data)."""
from __future__ import annotations

import math

import pandas as pd

from ..core import contract as C
from ..core import dutch
from ..definitions.outputs import cell
from ..definitions.rounding import with_letter_rounding


def _cells(df: pd.DataFrame, hidden: set):
    """cell(rij, kolom, eenheid) as rounded for the letter: NaN where the run's pattern hides it
    (`hidden`, the keys publication.secret gives), None for a share of nobody (its base is 0),
    which is empty in the frame too but hides nothing: the layout's '-' beside a hidden
    value's 'x' (letter_tables)."""
    d = with_letter_rounding(df)
    tabel, peildatum = df["tabel"].iloc[0], df["peildatum"].iloc[0]

    def c(rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL):
        v = cell(d, rij, kolom, eenheid, column="afgerond")
        if eenheid != C.EENHEID_AANTAL and math.isnan(v) and (tabel, peildatum, rij, kolom, eenheid) not in hidden:
            return None
        return v
    return c


# A hidden value is 'x' in a table, where the legend says so; in a sentence it is said in words.
def _n(x) -> str:
    return "een afgeschermd aantal" if math.isnan(x) else dutch.getal(x)


def _p(x, decimals=0) -> str:
    if x is None:
        return "geen deel (de groep is leeg)"
    return "een afgeschermd deel" if math.isnan(x) else dutch.procent(x, decimals)


def _n_with_share(n, share, decimals=0) -> str:
    """'N (p%)'; the count alone when its share is hidden (its base is); 'een afgeschermd
    aantal' when the count is, and then no share beside it (it rests on the count)."""
    if math.isnan(n):
        return _n(n)
    if share is None or math.isnan(share):
        return dutch.getal(n)
    return f"{dutch.getal(n)} ({dutch.procent(share, decimals)})"


def _van_de(n, wie: str) -> str:
    """'Van de N personen', or 'Van het afgeschermde aantal personen'."""
    return f"Van het afgeschermde aantal {wie}" if math.isnan(n) else f"Van de {dutch.getal(n)} {wie}"


def sentences(name: str, df: pd.DataFrame, peildatum: str, hidden: set) -> str:
    """`hidden`: the cells the run's pattern hides, as publication.secret gives them (the set
    the layout marks with 'x')."""
    if df.empty:
        return "Geen personen in deze tabel op deze peildatum."
    c = _cells(df, hidden)
    p = dutch.datum(peildatum)
    if name == "kerncijfers_wi2021":
        return (f"Tot en met {p} werden {_n(c('plichtig_geworden', 'totaal'))} personen "
                f"inburgeringsplichtig onder de Wi2021; "
                f"{_n_with_share(c('nog_plichtig', 'totaal'), c('nog_plichtig', 'totaal', 'procent'))} "
                f"zijn dat op de peildatum nog. "
                f"Van hen is {_p(c('nog_plichtig_asiel', 'totaal', 'procent'))} asielstatushouder en "
                f"heeft {_p(c('met_pip', 'totaal', 'procent'))} een PIP.")
    if name == "tabel1":
        return (f"Van wie de uitslag haalbaar kreeg, kwam {_p(c('haalbaar', 'b1_onderwijsroute', 'procent_rij'))} "
                f"in de B1- of onderwijsroute; van wie niet haalbaar kreeg, kwam "
                f"{_p(c('niet_haalbaar', 'b1_onderwijsroute', 'procent_rij'))} toch in die routes "
                f"(rijpercentages). De brief drukt de kolompercentages af: van wie in de B1-/onderwijsroute "
                f"kwam, had {_p(c('haalbaar', 'b1_onderwijsroute', 'procent_kolom'))} de uitslag haalbaar.")
    if name in ("tabel2", "tabel4"):
        dates = list(dict.fromkeys(df["kolom"]))
        part = "met_pip" if name == "tabel2" else "met_aanbod"
        what = "een PIP" if name == "tabel2" else "een aanbod"
        shares = [f"{_p(c(part, x, 'procent'))} op {dutch.datum(x)}" for x in dates]
        return f"Het aandeel met {what}: " + ", tegen ".join(shares) + "."
    if name == "tabel3":
        return (f"Over de hele instroom met een PIP volgt {_p(c('b1', 'totaal', 'procent'))} de B1-route, "
                f"{_p(c('z', 'totaal', 'procent'))} de Z-route en {_p(c('onderwijs', 'totaal', 'procent'))} "
                f"de onderwijsroute. De onderwijsroute: {_p(c('onderwijs', 'asiel', 'procent'))} van de "
                f"asielstatushouders, {_p(c('onderwijs', 'gezin', 'procent'))} van de gezinsmigranten.")
    if name == "kerncijfers_wi2013":
        return (f"{_van_de(c('totaal', 'totaal'), 'personen met een Wi2013-plicht')} is "
                f"{_p(c('ingeburgerd', 'totaal', 'procent'), 1)} ingeburgerd en "
                f"{_n_with_share(c('nog_plichtig', 'totaal'), c('nog_plichtig', 'totaal', 'procent'), 1)} "
                f"nog plichtig.")
    if name == "tabel5":
        return _most_still_plichtig(c, list(dict.fromkeys(df["rij"])))
    if name == "tabel6":
        dates = list(dict.fromkeys(df["rij"]))
        first, last = dates[0], dates[-1]
        return (f"De ELIP-groep telde {_n(c(first, 'totaal'))} personen op {dutch.datum(first)} en "
                f"{_n(c(last, 'totaal'))} op {dutch.datum(last)}; daarvan kwamen er "
                f"{_n(c(last, '2020') + c(last, '2021'))} uit de cohorten 2020 en 2021.")
    return ""


def _most_still_plichtig(c, years: list[str]) -> str:
    """Which cohort has the most nog plichtigen, said only when it is true of the shown table:
    a hidden count could be larger unless its cohort's shown total is smaller than the largest
    shown count."""
    shown = {y: c(y, "nog_plichtig") for y in years}
    visible = {y: v for y, v in shown.items() if not math.isnan(v)}
    tail = " Vervallen plichten tellen niet mee."
    if not visible or max(visible.values()) <= 0:
        if len(visible) == len(shown):
            return "Niemand uit deze cohorten is nog plichtig." + tail
        return "Welk cohort de meeste nog plichtigen telt, is door de celbeveiliging niet te zeggen." + tail
    most = max(visible, key=visible.get)
    for y in set(shown) - set(visible):
        total = c(y, C.TOTAAL)
        if math.isnan(total) or total >= visible[most]:
            return "Welk cohort de meeste nog plichtigen telt, is door de celbeveiliging niet te zeggen." + tail
    return (f"De meeste nog plichtigen komen uit cohort {most} ({_n(visible[most])}, "
            f"{_p(c(most, 'nog_plichtig', 'procent'))} van dat cohort)." + tail)
