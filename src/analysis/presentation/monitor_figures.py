"""The monitor's three figures (contract section 7), each with the sentence that reads it
and the text that describes it to a reader who cannot see it.

* tijdreeks_kerncijfers: two panels over the months, counts above (plichtig under each law,
  the ELIP group) and shares below (Wi2021 plichtigen with a PIP, Tabel 4's asielstatushouders
  with an aanbod), so that no count and share share an axis;
* cohort_uitkomst_wi2013: one panel per way the plicht ended, the cohorts along the axis and
  one line per duration (1 ... 5 years) with its 95% band, so that cohorts are compared at
  equal follow-up;
* duur_tot_pip_wi2021: the cumulative incidence of a PIP per doelgroep as steps with their
  95% pointwise band, drawn as far as the follow-up rule lets a curve stand, the published
  shares at 91 ... 730 days with their intervals and the medians marked.

The inputs are what the monitor computed (monitor.maandreeksen, monitor.FigureData: the CSV
frames, the group sizes and monitor.pip_curves); nothing here computes an estimate. The
sentences say, beside each share, its interval and how many of the group were still
followed at that duration (contract section 7). Percentages in the sentences are rounded half
up to whole percents, as the letter rounds a single share.
"""
from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..core import contract as C
from ..core import dutch
from ..definitions import monitor as M
from ..definitions import registry
from ..definitions.outputs import cell
from ..definitions.rounding import half_up
from .figures import GREY, PALETTE, STYLE, thousands

TITLES = {M.TIJDREEKS: "Inburgeringsplichtigen, PIP, aanbod en ELIP per maand",
          M.COHORT_UITKOMST: "Wi2013: hoe de plicht eindigde, per cohort na 1 tot 5 jaar",
          M.DUUR_TOT_PIP: "Wi2021: tijd tot een PIP per doelgroep"}
JAREN = ("een", "twee", "drie", "vier", "vijf")
NA_DAGEN = {91: "Drie maanden", 182: "Een half jaar", 365: "Een jaar"}
percent_axis = FuncFormatter(lambda x, _: f"{x:.0f}%")


def _pct(x: float) -> str:
    return "x" if math.isnan(x) else dutch.procent(half_up(x))


def _month(iso: str) -> str:
    return dutch.datum(iso)


def figure(name: str, data, subtitle: str = "") -> Figure:
    """A matplotlib Figure outside pyplot, in the house style of presentation.figures."""
    with mpl.rc_context(STYLE):
        fig = Figure()
        _DRAW[name](fig, data)
        if subtitle:
            fig.text(0.01, 0.005, subtitle, fontsize=8, color="#555555")
        fig.tight_layout(rect=(0, 0.03 if subtitle else 0, 1, 1))
    return fig


def _dates(index) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in index]


def _series(fig: Figure, reeksen: pd.DataFrame) -> None:
    fig.set_size_inches(7.5, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    x = _dates(reeksen.index)
    for col, label, colour in ((M.PLICHTIG_WI2021, "Inburgeringsplichtig Wi2021", PALETTE[0]),
                               (M.PLICHTIG_WI2013, "Inburgeringsplichtig Wi2013", PALETTE[1]),
                               (M.ELIP, "ELIP-groep (Wi2013)", PALETTE[5])):
        top.plot(x, reeksen[col].to_numpy(dtype=float), color=colour, label=label)
    top.yaxis.set_major_formatter(thousands)
    top.set_ylim(bottom=0)
    top.set_title("Aantal personen op de eerste dag van de maand")
    top.legend(loc="upper left", fontsize=8.5)
    for col, label, colour in ((M.PROCENT_PIP, "Wi2021-plichtigen met een PIP", PALETTE[2]),
                               (M.PROCENT_AANBOD, "Asielstatushouders met PIP: met aanbod", PALETTE[3])):
        bottom.plot(x, reeksen[col].to_numpy(dtype=float), color=colour, label=label)
    bottom.set_ylim(0, 100)
    bottom.yaxis.set_major_formatter(percent_axis)
    bottom.set_title("Aandeel op de eerste dag van de maand")
    bottom.legend(loc="upper left", fontsize=8.5)


def _cohorts(fig: Figure, data: M.FigureData) -> None:
    df = data.table
    redenen = list(dict.fromkeys(df["kolom"]))
    cols = 2
    rows = max(1, math.ceil(len(redenen) / cols))
    fig.set_size_inches(7.5, 2.6 * rows + 0.8)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
    spec = registry.spec(M.COHORT_UITKOMST)
    years = list(dict.fromkeys(df["rij"]))
    x = [int(y) for y in years]
    colours = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, len(M.COHORT_JAREN)))
    for ax, r in zip(axes, redenen):
        part = df[df["kolom"] == r]
        for j, colour in zip(M.COHORT_JAREN, colours):
            def cells(eenheid: str) -> np.ndarray:
                hit = part[part["eenheid"] == f"{eenheid}_{j}j"].set_index("rij")["waarde"]
                return hit.reindex(years).to_numpy(dtype=float)
            ax.plot(x, cells("procent"), marker="o", ms=3, color=colour, label=f"na {j} jaar")
            ax.fill_between(x, cells("ci_laag"), cells("ci_hoog"), color=colour, alpha=0.15, lw=0)
        ax.set_title(spec.kolom_label(r), fontsize=10)
        ax.yaxis.set_major_formatter(percent_axis)
        ax.set_ylim(0, 100)
    for ax in axes[len(redenen):]:
        ax.set_visible(False)
    if len(x):
        axes[0].set_xticks(x[::2] if len(x) > 6 else x)
    axes[0].legend(loc="upper right", fontsize=7.5, ncol=1)
    fig.suptitle("Deel van het cohort (cumulatieve incidentie, 95%-band) naar cohort", x=0.01, ha="left",
                 fontsize=11, fontweight="bold")


def _pip(fig: Figure, data: M.FigureData) -> None:
    df, curves = data.table, data.curves
    ax = fig.subplots()
    spec = registry.spec(M.DUUR_TOT_PIP)
    for i, g in enumerate(C.DOELGROEPEN):
        c = curves[curves["groep"] == g]
        colour = PALETTE[i]
        if len(c):
            days = np.concatenate([[0], c["dagen"].to_numpy()])
            est = 100 * np.concatenate([[0.0], c["cumulatieve_incidentie"].to_numpy(dtype=float)])
            lo = 100 * np.concatenate([[0.0], c["ci_laag"].to_numpy(dtype=float)])
            hi = 100 * np.concatenate([[0.0], c["ci_hoog"].to_numpy(dtype=float)])
            ax.step(days, est, where="post", color=colour, label=spec.rij_label(g))
            ax.fill_between(days, lo, hi, step="post", color=colour, alpha=0.2, lw=0)
        # the published shares at 91 ... 730 days with their intervals, as in the table
        at = np.array(M.PIP_DAGEN, dtype=float)
        v = np.array([cell(df, g, f"{d}d", C.EENHEID_PROCENT) for d in M.PIP_DAGEN])
        low = np.array([cell(df, g, f"{d}d", "ci_laag") for d in M.PIP_DAGEN])
        high = np.array([cell(df, g, f"{d}d", "ci_hoog") for d in M.PIP_DAGEN])
        keep = ~np.isnan(v)
        if keep.any():
            err = np.vstack([v - np.where(np.isnan(low), v, low), np.where(np.isnan(high), v, high) - v])
            ax.errorbar(at[keep], v[keep], yerr=err[:, keep], fmt="s", ms=4, color=colour, capsize=3, lw=1,
                        label=None if len(c) else spec.rij_label(g))
        median = cell(df, g, M.MEDIAAN, M.EENHEID_DAGEN)
        if not math.isnan(median):
            ax.plot([median], [50], marker="o", color=colour)
    ax.axhline(50, color=GREY, lw=0.8, ls=":")
    ax.set_ylim(0, 100)
    ax.set_xlim(left=0)
    ax.yaxis.set_major_formatter(percent_axis)
    ax.xaxis.set_major_formatter(thousands)
    ax.set_xlabel("Dagen sinds de start van de inburgeringsplicht")
    ax.set_title("Deel met een PIP (cumulatieve incidentie, 95%-band)")
    ax.legend(loc="lower right")


_DRAW = {M.TIJDREEKS: _series, M.COHORT_UITKOMST: _cohorts, M.DUUR_TOT_PIP: _pip}


# ---- what a reader reads ------------------------------------------------------------------

def reading(name: str, data) -> dict[str, str]:
    """{'titel', 'zin', 'alt'}: the figure's title, one sentence that reads it, and what it
    shows for a reader who cannot see it (all Dutch, no keys, no ISO dates)."""
    return {"titel": TITLES[name], "zin": _READ[name](data), "alt": _ALT[name](data)}


def _read_series(reeksen: pd.DataFrame) -> str:
    if reeksen.empty:
        return "Er is nog niemand inburgeringsplichtig geworden; er is geen reeks te tonen."
    last = reeksen.index[-1]
    row = reeksen.loc[last]
    parts = []
    if not math.isnan(row[M.PLICHTIG_WI2021]):
        parts.append(f"{dutch.getal(row[M.PLICHTIG_WI2021])} personen inburgeringsplichtig onder de Wi2021")
    if not math.isnan(row[M.PLICHTIG_WI2013]):
        parts.append(f"{dutch.getal(row[M.PLICHTIG_WI2013])} onder de Wi2013")
    text = f"Op {_month(last)} waren " + (" en ".join(parts) or "x personen inburgeringsplichtig")
    if not math.isnan(row[M.PROCENT_PIP]):
        text += f"; van de Wi2021-plichtigen had {_pct(row[M.PROCENT_PIP])} een PIP"
    if not math.isnan(row[M.PROCENT_AANBOD]):
        text += f", van de asielstatushouders met een PIP had {_pct(row[M.PROCENT_AANBOD])} een aanbod"
    if not math.isnan(row[M.ELIP]):
        text += f", en de ELIP-groep telde {dutch.getal(row[M.ELIP])} personen"
    return text + "."


def _alt_series(reeksen: pd.DataFrame) -> str:
    span = (f"van {_month(reeksen.index[0])} tot en met {_month(reeksen.index[-1])}" if len(reeksen)
            else "zonder maanden")
    return (f"Twee lijngrafieken per maand, {span}. Boven: het aantal inburgeringsplichtigen onder de "
            "Wi2021 en onder de Wi2013 en de omvang van de ELIP-groep. Onder: het aandeel van de "
            "Wi2021-plichtigen met een PIP en het aandeel van de asielstatushouders met een PIP dat een "
            "aanbod heeft. De kerncijfers per maand staan in het CSV-bestand en in de Excel-werkmap; de "
            "ELIP-groep en het aandeel met een aanbod zijn het totaal van Tabel 6 en het aandeel van Tabel 4 "
            "op de eerste dag van elke maand en staan alleen in deze figuur.")


def _followed(data: M.FigureData, g: str, n: float) -> str:
    """'nog 1.234 van de 18.026 gevolgd': how many of the group were still followed at the
    duration a share speaks of (contract section 7); a protected count is left out."""
    if math.isnan(n):
        return ""
    size = data.sizes.get(g, math.nan)
    of = "" if math.isnan(size) else f" van de {dutch.getal(size)}"
    return f"nog {dutch.getal(n)}{of} gevolgd"


def _share(data: M.FigureData, g: str, v: float, lo: float, hi: float, n: float) -> str:
    """'62% (95%-interval 61 tot 63%; nog 1.234 van de 18.026 gevolgd)'."""
    notes = []
    if not (math.isnan(lo) or math.isnan(hi)):
        notes.append(f"95%-interval {dutch.getal(half_up(lo))} tot {_pct(hi)}")
    followed = _followed(data, g, n)
    if followed:
        notes.append(followed)
    return _pct(v) + (f" ({'; '.join(notes)})" if notes else "")


def _read_cohorts(data: M.FigureData) -> str:
    """Ingeburgerd at the longest duration that at least two cohorts reach with enough still
    followed: the earliest and the latest of those cohorts, each with its interval and how
    many of it were still followed then."""
    df = data.table
    part = df[df["kolom"] == "ingeburgerd"]

    def value(rij: str, eenheid: str) -> float:
        return cell(part, rij, "ingeburgerd", eenheid)
    minimum = _persons(data.min_at_risk)
    for j in reversed(M.COHORT_JAREN):
        shown = part[(part["eenheid"] == M.eenheid_jaar(j)) & part["waarde"].notna()]
        if not len(shown):
            continue
        duur = f"{JAREN[j - 1].capitalize()} jaar na de start van de inburgeringsplicht"
        told = [f"{_share(data, y, value(y, f'procent_{j}j'), value(y, f'ci_laag_{j}j'), value(y, f'ci_hoog_{j}j'), value(y, f'at_risk_{j}j'))} "
                f"van cohort {y}" for y in (shown["rij"].iloc[0], shown["rij"].iloc[-1])]
        if len(shown) >= 2:
            return (f"{duur} was {told[0]} ingeburgerd, tegen {told[1]}, het laatste cohort waarvan na "
                    f"{JAREN[j - 1]} jaar nog ten minste {minimum} gevolgd werden.")
        return (f"{duur} was {told[0]} ingeburgerd; van geen ander cohort werden na {JAREN[j - 1]} jaar "
                f"nog ten minste {minimum} gevolgd.")
    return (f"Van geen cohort werden na een jaar nog ten minste {minimum} gevolgd; er is nog geen "
            "uitkomst te tonen.")


def _persons(n: int) -> str:
    return f"{dutch.getal(n)} {'persoon' if n == 1 else 'personen'}"


def _alt_cohorts(data: M.FigureData) -> str:
    df = data.table
    years = list(dict.fromkeys(df["rij"]))
    span = f"de cohorten {years[0]} tot en met {years[-1]}" if years else "geen cohorten"
    redenen = ", ".join(registry.spec(M.COHORT_UITKOMST).kolom_label(r).lower()
                        for r in dict.fromkeys(df["kolom"]))
    return (f"Lijngrafieken, een per manier waarop de Wi2013-plicht eindigde ({redenen}), met {span} "
            "op de horizontale as en een lijn per looptijd van een tot vijf jaar: het deel van het cohort "
            "bij wie de plicht na die tijd zo was geëindigd, met een lichte band voor het 95%-interval. Een "
            f"punt ontbreekt waar van het cohort na die tijd minder dan {_persons(data.min_at_risk)} "
            "nog gevolgd werden. De cijfers, met het aantal dat nog gevolgd werd, staan in het CSV-bestand en "
            "in de Excel-werkmap.")


def _read_pip(data: M.FigureData) -> str:
    """The share with a PIP one year after the start (or the longest duration every group
    with a value reaches), with its 95% interval and how many were still followed, and the
    medians."""
    df = data.table
    spec = registry.spec(M.DUUR_TOT_PIP)
    for day in reversed(M.PIP_DAGEN[:3]):
        shown = [g for g in C.DOELGROEPEN if not math.isnan(cell(df, g, f"{day}d", C.EENHEID_PROCENT))]
        if shown:
            break
    else:
        return (f"Van geen doelgroep werden na {M.PIP_DAGEN[0]} dagen nog ten minste {_persons(data.min_at_risk)} "
                "gevolgd; er is nog geen tijd tot een PIP te tonen.")
    parts = []
    for g in shown:
        share = _share(data, g, *(cell(df, g, f"{day}d", e) for e in (C.EENHEID_PROCENT, "ci_laag", "ci_hoog",
                                                                          "at_risk")))
        parts.append(f"van de {spec.rij_label(g).lower()} {share}")
    medians = [(g, cell(df, g, M.MEDIAAN, M.EENHEID_DAGEN)) for g in shown]
    reached = [f"{dutch.getal(m)} dagen ({spec.rij_label(g).lower()})" for g, m in medians if not math.isnan(m)]
    tail = (f"; de helft had een PIP na {_join(reached)}" if reached
            else "; in geen doelgroep had de helft al een PIP")
    return f"{NA_DAGEN[day]} na de start van de inburgeringsplicht had {_join(parts)} een PIP{tail}."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _alt_pip(data: M.FigureData) -> str:
    days = _join([str(d) for d in M.PIP_DAGEN])
    shares = (f"vierkantjes met foutstreepjes zijn de aandelen na {days} dagen uit de tabel, een stip op de "
              "helft markeert de mediane tijd. Die aandelen en de mediaan, met het aantal dat nog gevolgd "
              "werd, staan in het CSV-bestand en in de Excel-werkmap")
    if data.curves is None or data.curves.empty:  # celbeveiliging, or nobody followed long enough
        return ("Grafiek van het deel van de Wi2021-inburgeringsplichtigen met een PIP tegen het aantal dagen "
                "sinds de start van de plicht, per doelgroep (asielstatushouders, gezinsmigranten, overige "
                f"migranten): {shares}. Lijnen over de hele looptijd ontbreken: met celbeveiliging worden ze "
                "niet getoond, omdat ze het aantal van elke dag zouden tonen, en zonder alleen waar nog ten "
                f"minste {_persons(data.min_at_risk)} van een doelgroep gevolgd werden.")
    return ("Trapgrafiek van het deel van de Wi2021-inburgeringsplichtigen met een PIP tegen het aantal "
            "dagen sinds de start van de plicht, een lijn per doelgroep (asielstatushouders, "
            "gezinsmigranten, overige migranten) met een gekleurde band voor het 95%-interval, tot zolang "
            f"nog ten minste {_persons(data.min_at_risk)} van de doelgroep gevolgd werden; {shares}; de "
            "lijnen tussen die dagen staan alleen in deze figuur.")


_READ = {M.TIJDREEKS: _read_series, M.COHORT_UITKOMST: _read_cohorts, M.DUUR_TOT_PIP: _read_pip}
_ALT = {M.TIJDREEKS: _alt_series, M.COHORT_UITKOMST: _alt_cohorts, M.DUUR_TOT_PIP: _alt_pip}
