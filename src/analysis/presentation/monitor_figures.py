"""The monitor's three figures (contract section 7), each with the sentence that reads it
and the text that describes it to a reader who cannot see it.

* tijdreeks_kerncijfers: two panels over the months, counts above (plichtig under each law,
  the ELIP group) and shares below (Wi2021 plichtigen with a PIP, Tabel 4's asielstatushouders
  with an aanbod), so that no count and share share an axis;
* cohort_uitkomst_wi2013: one panel per way the plicht ended, the cohorts along the axis and
  one line per duration (1 ... 5 years), so that cohorts are compared at equal follow-up;
* duur_tot_pip_wi2021: the cumulative incidence of a PIP per doelgroep as steps with their
  95% pointwise band, the medians marked.

The inputs are what the monitor computed (monitor.maandreeksen, the CSV frames,
monitor.pip_curves); nothing here computes an estimate. Percentages in the sentences are
rounded half up to whole percents, as the letter rounds a single share.
"""
from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import contract as C
from .. import dutch, registry
from .. import monitor as M
from ..rounding import half_up
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


def _cohorts(fig: Figure, df: pd.DataFrame) -> None:
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
            v = part[part["eenheid"] == M.eenheid_jaar(j)].set_index("rij")["waarde"].reindex(years)
            ax.plot(x, v.to_numpy(dtype=float), marker="o", ms=3, color=colour,
                    label=f"na {j} jaar")
        ax.set_title(spec.kolom_label(r), fontsize=10)
        ax.yaxis.set_major_formatter(percent_axis)
        ax.set_ylim(0, 100)
    for ax in axes[len(redenen):]:
        ax.set_visible(False)
    if len(x):
        axes[0].set_xticks(x[::2] if len(x) > 6 else x)
    axes[0].legend(loc="upper right", fontsize=7.5, ncol=1)
    fig.suptitle("Deel van het cohort (cumulatieve incidentie) naar cohort", x=0.01, ha="left",
                 fontsize=11, fontweight="bold")


def _pip(fig: Figure, data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    df, curves = data
    ax = fig.subplots()
    spec = registry.spec(M.DUUR_TOT_PIP)
    for i, g in enumerate(C.DOELGROEPEN):
        c = curves[curves["groep"] == g]
        if c.empty:
            continue
        days = np.concatenate([[0], c["dagen"].to_numpy()])
        est = 100 * np.concatenate([[0.0], c["cumulatieve_incidentie"].to_numpy(dtype=float)])
        lo = 100 * np.concatenate([[0.0], c["ci_laag"].to_numpy(dtype=float)])
        hi = 100 * np.concatenate([[0.0], c["ci_hoog"].to_numpy(dtype=float)])
        colour = PALETTE[i]
        ax.step(days, est, where="post", color=colour, label=spec.rij_label(g))
        ax.fill_between(days, lo, hi, step="post", color=colour, alpha=0.2, lw=0)
        median = _value(df, g, M.MEDIAAN, M.EENHEID_DAGEN)
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


def _value(df: pd.DataFrame, rij: str, kolom: str, eenheid: str) -> float:
    hit = df[(df["rij"] == rij) & (df["kolom"] == kolom) & (df["eenheid"] == eenheid)]
    return float(hit["waarde"].iloc[0]) if len(hit) else math.nan


# ---- what a reader reads ------------------------------------------------------------------

def reading(name: str, data) -> dict[str, str]:
    """{'titel', 'zin', 'alt'}: the figure's title, one sentence that reads it, and what it
    shows for a reader who cannot see it (all Dutch, no keys, no ISO dates)."""
    return {"titel": TITLES[name], "zin": _READ[name](data), "alt": _ALT[name](data)}


def _last_valid(reeksen: pd.DataFrame, col: str) -> tuple[str, float] | None:
    s = reeksen[col].dropna()
    return (s.index[-1], float(s.iloc[-1])) if len(s) else None


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
            "aanbod heeft. De cijfers staan in het CSV-bestand en in de Excel-werkmap.")


def _read_cohorts(df: pd.DataFrame) -> str:
    """Ingeburgerd at the longest duration that at least two cohorts reach: the earliest and
    the latest of those cohorts."""
    part = df[df["kolom"] == "ingeburgerd"]
    for j in reversed(M.COHORT_JAREN):
        shown = part[(part["eenheid"] == M.eenheid_jaar(j)) & part["waarde"].notna()]
        if len(shown) >= 2:
            first, last = shown.iloc[0], shown.iloc[-1]
            return (f"{JAREN[j - 1].capitalize()} jaar na de start van de inburgeringsplicht was "
                    f"{_pct(first['waarde'])} van cohort {first['rij']} ingeburgerd, tegen "
                    f"{_pct(last['waarde'])} van cohort {last['rij']}, het laatste cohort dat zo lang "
                    f"gevolgd is.")
        if len(shown) == 1:
            one = shown.iloc[0]
            return (f"{JAREN[j - 1].capitalize()} jaar na de start van de inburgeringsplicht was "
                    f"{_pct(one['waarde'])} van cohort {one['rij']} ingeburgerd; andere cohorten zijn nog "
                    f"niet zo lang gevolgd.")
    return "Geen cohort is al een jaar gevolgd; er is nog geen uitkomst te tonen."


def _alt_cohorts(df: pd.DataFrame) -> str:
    years = list(dict.fromkeys(df["rij"]))
    span = f"de cohorten {years[0]} tot en met {years[-1]}" if years else "geen cohorten"
    redenen = ", ".join(registry.spec(M.COHORT_UITKOMST).kolom_label(r).lower()
                        for r in dict.fromkeys(df["kolom"]))
    return (f"Lijngrafieken, een per manier waarop de Wi2013-plicht eindigde ({redenen}), met {span} "
            "op de horizontale as en een lijn per looptijd van een tot vijf jaar: het deel van het cohort "
            "bij wie de plicht na die tijd zo was geëindigd. De cijfers staan in het CSV-bestand en in de "
            "Excel-werkmap.")


def _interval_at(curves: pd.DataFrame, g: str, day: int) -> tuple[float, float]:
    c = curves[(curves["groep"] == g) & (curves["dagen"] <= day)]
    if c.empty:
        return 0.0, 0.0
    return 100 * float(c["ci_laag"].iloc[-1]), 100 * float(c["ci_hoog"].iloc[-1])


def _read_pip(data: tuple[pd.DataFrame, pd.DataFrame]) -> str:
    """The share with a PIP one year after the start (or the longest duration every group
    with a value reaches), with its 95% interval, and the medians."""
    df, curves = data
    spec = registry.spec(M.DUUR_TOT_PIP)
    for day in reversed(M.PIP_DAGEN[:3]):
        shown = [g for g in C.DOELGROEPEN if not math.isnan(_value(df, g, f"{day}d", C.EENHEID_PROCENT))]
        if shown:
            break
    else:
        return "Nog geen doelgroep is 91 dagen gevolgd; er is nog geen tijd tot een PIP te tonen."
    parts = []
    for g in shown:
        v = _value(df, g, f"{day}d", C.EENHEID_PROCENT)
        lo, hi = _interval_at(curves, g, day)
        band = "" if math.isnan(lo) or math.isnan(hi) else \
            f" (95%-interval {dutch.getal(half_up(lo))} tot {_pct(hi)})"
        parts.append(f"van de {spec.rij_label(g).lower()} {_pct(v)}{band}")
    medians = [(g, _value(df, g, M.MEDIAAN, M.EENHEID_DAGEN)) for g in shown]
    reached = [f"{dutch.getal(m)} dagen ({spec.rij_label(g).lower()})" for g, m in medians if not math.isnan(m)]
    tail = (f"; de helft had een PIP na {_join(reached)}" if reached
            else "; in geen doelgroep had de helft al een PIP")
    return f"{NA_DAGEN[day]} na de start van de inburgeringsplicht had {_join(parts)} een PIP{tail}."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _alt_pip(data) -> str:
    return ("Trapgrafiek van het deel van de Wi2021-inburgeringsplichtigen met een PIP tegen het aantal "
            "dagen sinds de start van de plicht, een lijn per doelgroep (asielstatushouders, "
            "gezinsmigranten, overige migranten) met een gekleurde band voor het 95%-interval; een stip "
            "op de helft markeert de mediane tijd. De cijfers staan in het CSV-bestand en in de Excel-werkmap.")


_READ = {M.TIJDREEKS: _read_series, M.COHORT_UITKOMST: _read_cohorts, M.DUUR_TOT_PIP: _read_pip}
_ALT = {M.TIJDREEKS: _alt_series, M.COHORT_UITKOMST: _alt_cohorts, M.DUUR_TOT_PIP: _alt_pip}
