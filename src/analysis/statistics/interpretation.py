"""statistiek.csv in plain Dutch: the sentences the notebook and the report show.

The wording keeps apart what a test can and cannot say: "geen significant verschil" (the
test did not reject) is not "gelijk"; only a successful equivalence test (TOST) says that
the groups are similar within the margin.
"""
from __future__ import annotations

import math

import pandas as pd

from ..core.dutch import datum, getal
from ..core.params import Parameters
from .counts import GROEP, KENMERKEN
from .results import MCNEMAR, TOST, TOST_EXACT, value

ALPHA = 0.05
KENMERK_LABEL = {"analfabeet": "Analfabetisme", "meer_dan_drie_examens": "Meer dan drie examenonderdelen gehaald"}


def pct(x: float, decimals: int = 1) -> str:
    return "?" if math.isnan(x) else getal(100 * x, decimals) + "%"


def pp(x: float, decimals: int = 1) -> str:
    return "?" if math.isnan(x) else getal(100 * x, decimals)


def pval(p: float) -> str:
    """A p-value as a table cell: '< 0,001', '0,004', '0,19'."""
    if math.isnan(p):
        return "?"
    return "< 0,001" if p < 0.001 else getal(p, 3 if p < 0.01 else 2)


def p_is(p: float) -> str:
    """A p-value in a sentence: 'p < 0,001' or 'p = 0,19'; 'p niet te berekenen' where the test
    has no answer (a characteristic nobody in either group has leaves chi-kwadraat undefined)."""
    if math.isnan(p):
        return "p niet te berekenen"
    text = pval(p)
    return "p " + text if text.startswith("<") else "p = " + text


def _v(df, a, k, t, g):
    return value(df, a, k, t, g)


def _tost(df, a, k) -> tuple[float, str]:
    """The TOST p-value of a characteristic and how to name it: the score TOST, or the exact
    one where the expected counts are small (analyses.py writes one of the two)."""
    p = _v(df, a, k, TOST_EXACT, "p")
    if not math.isnan(p):
        return p, "exacte TOST"
    return _v(df, a, k, TOST, "p"), "TOST"


def composition(df: pd.DataFrame, marge: float) -> list[str]:
    a = "elip_samenstelling"
    out = []
    for k in KENMERKEN:
        p1, p2 = _v(df, a, k, "aandeel_2020_2021", "schatting"), _v(df, a, k, "aandeel_overig", "schatting")
        if math.isnan(p1) or math.isnan(p2):
            if not df[(df["analyse"] == a) & (df["kenmerk"] == k)].empty:
                out.append(f"**{KENMERK_LABEL[k]}.** Niet berekend: een groep is leeg of de aantallen "
                           "zijn afgeschermd (celbeveiliging).")
            continue
        d, dlo, dhi = (_v(df, a, k, "verschil", g) for g in ("schatting", "ci_laag", "ci_hoog"))
        p_chi, p_holm = _v(df, a, k, "chi2", "p"), _v(df, a, k, "chi2", "p_holm")
        p_f = _v(df, a, k, "fisher", "p")
        p_tost, tost_naam = _tost(df, a, k)
        mde = _v(df, a, k, "mde", "schatting")
        power = _v(df, a, k, "power_simulatie", "schatting")
        size = _v(df, a, k, "power_simulatie", "omvang")
        n1, n2 = _v(df, a, k, "aantallen", "n_2020_2021"), _v(df, a, k, "aantallen", "n_overig")
        lo1, hi1 = _v(df, a, k, "aandeel_2020_2021", "ci_laag"), _v(df, a, k, "aandeel_2020_2021", "ci_hoog")
        lo2, hi2 = _v(df, a, k, "aandeel_overig", "ci_laag"), _v(df, a, k, "aandeel_overig", "ci_hoog")
        text = (f"**{KENMERK_LABEL[k]}.** In de ELIP-groep van de cohorten {GROEP[0]}-{GROEP[1]} "
                f"(n = {getal(n1)}): {pct(p1)} (95%-interval {pct(lo1)} tot {pct(hi1)}); in die van de "
                f"andere cohorten (n = {getal(n2)}): {pct(p2)} ({pct(lo2)} tot {pct(hi2)}). Verschil "
                f"{pp(d)} procentpunt (95%-interval {pp(dlo)} tot {pp(dhi)}). ")
        if p_holm < ALPHA:
            text += (f"Dat verschil is **significant** (chi-kwadraat {p_is(p_chi)}, na Holm-correctie "
                     f"{p_is(p_holm)}; Fisher {p_is(p_f)}). ")
        else:
            text += (f"Dat verschil is **niet significant** (chi-kwadraat {p_is(p_chi)}, na "
                     f"Holm-correctie {p_is(p_holm)}; Fisher {p_is(p_f)}). ")
        m = getal(100 * marge, 0)
        if p_tost < ALPHA:
            text += (f"De groepen zijn **aantoonbaar gelijkwaardig** binnen ±{m} procentpunt "
                     f"({tost_naam} {p_is(p_tost)}). ")
        else:
            bound = max(abs(dlo), abs(dhi))
            text += (f"Gelijkwaardigheid binnen ±{m} procentpunt is **niet aangetoond** ({tost_naam} "
                     f"{p_is(p_tost)}): een verschil tot {pp(bound)} procentpunt past nog bij de gegevens. ")
        text += (f"Met deze groepsgroottes wordt een verschil vanaf {pp(mde)} procentpunt met 80% kans "
                 f"gevonden (gesimuleerd onderscheidingsvermogen van de chi-kwadraattoets bij {m} procentpunt: "
                 f"{pct(power, 0)}; zonder verschil verwerpt dezelfde toets in {pct(size, 1)} van de simulaties).")
        if k == "analfabeet":
            u1 = _v(df, a, k, "aantallen", "onbekend_2020_2021")
            u2 = _v(df, a, k, "aantallen", "onbekend_overig")
            text += f" Onbekend en niet meegeteld: {getal(u1)} en {getal(u2)} personen."
        p_k = _v(df, a, k, "chi2_cohorten", "p")
        if not math.isnan(p_k):
            text += (f" Alle cohorten tegen elkaar (k x 2, kleine cohorten samengevoegd): {p_is(p_k)}.")
        out.append(text)
    return out


def kappa_label(k: float) -> str:
    """Landis and Koch (1977, Biometrics 33:159-174): below 0 poor (less agreement than
    chance), 0-0,20 slight, 0,21-0,40 fair, 0,41-0,60 moderate, 0,61-0,80 substantial, above
    almost perfect."""
    return ("slechter dan toeval" if k < 0 else "gering" if k <= 0.2 else "matig" if k <= 0.4
            else "redelijk" if k <= 0.6 else "substantieel" if k <= 0.8 else "bijna volledig")


def agreement(df: pd.DataFrame) -> list[str]:
    a = "lbt_overeenstemming"
    o = _v(df, a, "", "overeenstemming", "schatting")
    if math.isnan(o):
        return []
    k, klo, khi = (_v(df, a, "", "kappa", g) for g in ("schatting", "ci_laag", "ci_hoog"))
    label = kappa_label(k)
    up, down = _v(df, a, "", "aandeel_afwijking_omhoog", "omhoog"), _v(df, a, "", "aandeel_afwijking_omhoog", "omlaag")
    share_up = _v(df, a, "", "aandeel_afwijking_omhoog", "schatting")
    stat, p = _v(df, a, "", MCNEMAR, "statistiek"), _v(df, a, "", MCNEMAR, "p")
    if up == down:
        conclusion = "Gemeenten wijken even vaak naar boven als naar beneden af."
    elif p < ALPHA:
        more = "vaker naar boven dan naar beneden" if up > down else "vaker naar beneden dan naar boven"
        conclusion = f"Gemeenten wijken dus {more} af."
    else:  # the counts differ; the test does not say that the process behind them does
        conclusion = "Dat verschil tussen omhoog en omlaag is niet significant: het kan toeval zijn."
    return [f"**Leerbaarheidstoets en leerroute (Tabel 1).** Uitslag en gekozen route komen bij "
            f"{pct(o)} overeen (95%-interval {pct(_v(df, a, '', 'overeenstemming', 'ci_laag'))} tot "
            f"{pct(_v(df, a, '', 'overeenstemming', 'ci_hoog'))}). Gecorrigeerd voor toevallige "
            f"overeenstemming: Cohen's kappa {getal(k, 2)} ({getal(klo, 2)} tot {getal(khi, 2)}), "
            f"{label} volgens Landis en Koch. Van de {getal(up + down)} afwijkingen gaat {pct(share_up)} "
            f"omhoog (niet haalbaar, toch B1-/onderwijsroute: {getal(up)}) en de rest omlaag (haalbaar, "
            f"toch Z-route: {getal(down)}); toets van McNemar: chi-kwadraat {getal(stat, 1)}, mid-{p_is(p)}. "
            + conclusion]


def change(df: pd.DataFrame, analyse: str, what: str, params: Parameters) -> list[str]:
    pp_, pq = _v(df, analyse, "", "aandeel_peildatum", "schatting"), _v(df, analyse, "", "aandeel_vorige_peildatum", "schatting")
    if math.isnan(pp_) or math.isnan(pq):
        return []
    d, lo, hi = (_v(df, analyse, "", "verschil", g) for g in ("schatting", "ci_laag", "ci_hoog"))
    both, share = _v(df, analyse, "", "overlap", "n_beide"), _v(df, analyse, "", "overlap", "aandeel_beide")
    return [f"**{what}.** Van {pct(pq)} op {datum(params.q)} naar {pct(pp_)} op {datum(params.peildatum)}: "
            f"{'+' if d >= 0 else ''}{pp(d)} procentpunt (95%-interval {pp(lo)} tot {pp(hi)}). "
            f"{getal(both)} personen ({pct(share, 0)} van de groep op {datum(params.peildatum)}) tellen op "
            "beide peildata mee; het interval behandelt de twee peildata als onafhankelijke groepen en is "
            "daarom een benadering."]


def routes(df: pd.DataFrame) -> list[str]:
    a = "leerroute_doelgroep"
    stat = _v(df, a, "", "chi2", "statistiek")
    if math.isnan(stat):
        return []
    res = df[(df["analyse"] == a) & (df["toets"] == "residu")].copy()
    res = res.reindex(res["waarde"].abs().sort_values(ascending=False).index).head(3)
    names = {"b1": "B1-route", "onderwijs": "onderwijsroute", "z": "Z-route"}
    parts = []
    for r in res.itertuples():
        route, group = r.kenmerk.split("_", 1)
        parts.append(f"{group} {'vaker' if r.waarde > 0 else 'minder vaak'} {names[route]} "
                     f"({'+' if r.waarde > 0 else ''}{getal(r.waarde, 1)})")
    p = _v(df, a, "", "chi2", "p")
    verschilt = "verschilt" if p < ALPHA else "verschilt niet significant"
    return [f"**Leerroute en doelgroep (Tabel 3).** De verdeling over de routes {verschilt} per doelgroep "
            f"(chi-kwadraat {getal(stat, 1)}, df {getal(_v(df, a, '', 'chi2', 'df'))}, "
            f"{p_is(p)}; Cramér's V {getal(_v(df, a, '', 'cramers_v', 'schatting'), 2)}). "
            f"Grootste gecorrigeerde residuen: {'; '.join(parts)}."]


def trend(df: pd.DataFrame) -> list[str]:
    a = "wi2013_trend"
    stat = _v(df, a, "", "cochran_armitage", "statistiek")
    if math.isnan(stat):
        return []
    slope = _v(df, a, "", "cochran_armitage", "helling_per_jaar")
    p = _v(df, a, "", "cochran_armitage", "p")
    loopt = ("verandert niet significant" if not p < ALPHA else "loopt op" if slope > 0 else "loopt af")
    return [f"**Trend over cohorten (Tabel 5).** Het aandeel nog plichtig {loopt} met het cohortjaar: "
            f"gemiddeld {'+' if slope > 0 else ''}{pp(slope)} procentpunt per jaar (Cochran-Armitage chi-kwadraat "
            f"{getal(stat, 1)}, {p_is(p)}). Recentere cohorten hebben minder tijd "
            "gehad; de toets zegt iets over de richting, niet over de oorzaak."]


def growth(df: pd.DataFrame, params: Parameters) -> list[str]:
    a = "elip_groei"
    total = _v(df, a, "totaal", "groei", "verschil")
    if math.isnan(total) or len(params.elip) < 2:
        return []
    grp = _v(df, a, "2020_2021", "groei", "verschil")
    share = _v(df, a, "2020_2021", "groei", "aandeel_groei")
    first, last = params.elip[0], params.elip[-1]
    text = (f"**Groei van de ELIP-groep (Tabel 6).** Tussen {datum(first)} en {datum(last)}: "
            f"{'+' if total >= 0 else ''}{getal(total)} personen. De cohorten {GROEP[0]} en {GROEP[1]} "
            f"samen: {'+' if grp >= 0 else ''}{getal(grp)}")
    if not math.isnan(share):
        text += f", {pct(share, 0)} van de netto groei"
    if grp > total:
        text += f"; de andere cohorten samen krompen met {getal(grp - total)}"
    return [text + "."]


def sentences(df: pd.DataFrame, params: Parameters, marge: float) -> list[str]:
    when = params.elip[-1] if params.elip else None
    head = []
    if when is not None:
        head.append(f"**ELIP-groep op {datum(when)}: samenstelling van de cohorten {GROEP[0]}-{GROEP[1]} "
                    "tegenover de andere cohorten** (brief §4.2).")
    return (head + composition(df, marge) + agreement(df)
            + change(df, "pip_verandering", "Aandeel met een PIP (Tabel 2)", params)
            + change(df, "aanbod_verandering", "Aandeel asielstatushouders met PIP met een aanbod (Tabel 4)", params)
            + routes(df) + trend(df) + growth(df, params))


def markdown(df: pd.DataFrame, params: Parameters, marge: float):
    from IPython.display import Markdown
    return Markdown("\n\n".join(sentences(df, params, marge)))


def composition_table(df: pd.DataFrame) -> pd.DataFrame:
    """The composition test per characteristic, one row each, formatted."""
    a = "elip_samenstelling"
    rows = {}
    for k in KENMERKEN:
        if df[(df["analyse"] == a) & (df["kenmerk"] == k)].empty:
            continue
        rows[KENMERK_LABEL[k]] = {
            f"{GROEP[0]}-{GROEP[1]}": pct(_v(df, a, k, "aandeel_2020_2021", "schatting")),
            "Andere cohorten": pct(_v(df, a, k, "aandeel_overig", "schatting")),
            "Verschil (pp)": pp(_v(df, a, k, "verschil", "schatting")),
            "95%-interval": f"{pp(_v(df, a, k, 'verschil', 'ci_laag'))} tot {pp(_v(df, a, k, 'verschil', 'ci_hoog'))}",
            "p (chi²)": pval(_v(df, a, k, "chi2", "p")),
            "p (Holm)": pval(_v(df, a, k, "chi2", "p_holm")),
            "p (Fisher)": pval(_v(df, a, k, "fisher", "p")),
            "Cramér's V": getal(_v(df, a, k, "cramers_v", "schatting"), 3),
            "MDE (pp)": pp(_v(df, a, k, "mde", "schatting")),
            "p (TOST)": pval(_tost(df, a, k)[0]),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
