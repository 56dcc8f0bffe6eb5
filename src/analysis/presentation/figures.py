"""One figure per output, in one house style, saved byte-stably as PNG and SVG.

Chart choices (a statistician's, not a designer's):
* shares of a whole (Tabel 1 per LBT outcome, Tabel 3 per doelgroep, Tabel 5 per cohort):
  100% stacked horizontal bars, labelled with the letter's rounded percentages, with
  the base (n) beside each bar, so that small groups are visibly small;
* a share at two peildata (Tabel 2, Tabel 4): a dumbbell, one line per measure from the
  earlier to the later peildatum;
* counts over time per cohort (Tabel 6): lines, the cohorts 2020 and 2021 that the letter
  discusses in colour and the other cohorts together in grey, with the total dashed;
* counts by status or group (kerncijfers): horizontal bars with the count written on them.
Colours come from a colour-blind-safe palette (Okabe-Ito); labels are Dutch.
"""
from __future__ import annotations

import io

from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

from ..core import contract as C
from ..core import dutch
from ..definitions import registry
from ..definitions.outputs import cell
from ..definitions.rounding import with_letter_rounding

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GREY = "#8C8C8C"
STYLE = {
    "figure.figsize": (7.5, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "svg.hashsalt": "analysis",  # stable ids: identical runs give identical SVG
    "svg.fonttype": "none",
}
thousands = FuncFormatter(lambda x, _pos: dutch.getal(x))


def _val(df: pd.DataFrame, rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL, col: str = "waarde") -> float:
    return cell(df, rij, kolom, eenheid, column=col)


def _stacked_shares(ax, labels, parts, part_labels, bases, colours):
    """Horizontal 100% bars; parts[i][j] = share (full precision), labels rounded."""
    left = np.zeros(len(labels))
    y = np.arange(len(labels))[::-1]
    for j, name in enumerate(part_labels):
        widths = np.array([p[j][0] if not np.isnan(p[j][0]) else 0 for p in parts])
        ax.barh(y, widths, left=left, color=colours[j], label=name, height=0.6, edgecolor="white")
        for yi, w, le, p in zip(y, widths, left, parts):
            if w >= 6:
                ax.text(le + w / 2, yi, dutch.procent(p[j][1]), ha="center", va="center",
                        color="white" if colours[j] not in ("#F0E442", "#56B4E9", "#E69F00") else "black",
                        fontsize=8.5)
        left += widths
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    for yi, n in zip(y, bases):
        ax.text(101, yi, f"n = {_count(n)}", va="center", fontsize=8.5, color="#444444")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(part_labels))


def _count(n: float) -> str:
    """A count for a label; 'x' where celbeveiliging hid it."""
    return "x" if n is None or np.isnan(n) else dutch.getal(n)


def _xmax(values) -> float:
    finite = [v for v in values if v is not None and not np.isnan(v)]
    return max(finite + [1.0]) * 1.3


def figure(name: str, df: pd.DataFrame, subtitle: str = "") -> Figure:
    """A matplotlib Figure outside pyplot: no global state, nothing to close."""
    with mpl.rc_context(STYLE):
        fig = Figure()
        ax = fig.subplots()
        _DRAW.get(name, _generic)(ax, with_letter_rounding(df))
        if subtitle:
            fig.text(0.01, 0.01, subtitle, fontsize=8, color="#555555")
        fig.tight_layout(rect=(0, 0.03 if subtitle else 0, 0.93, 1))
    return fig


def _kerncijfers_wi2021(ax, df):
    rows = ["nog_plichtig_asiel", "nog_plichtig_gezin", "nog_plichtig_overig"]
    counts = [_val(df, r, "totaal") for r in rows]
    pct = [_val(df, r, "totaal", C.EENHEID_PROCENT, "afgerond") for r in rows]
    y = np.arange(len(rows))[::-1]
    ax.barh(y, np.nan_to_num(counts), color=PALETTE[0], height=0.6)
    for yi, c, p in zip(y, counts, pct):
        label = _count(c) + (f" ({dutch.procent(p)})" if not np.isnan(p) else "")
        ax.text(0 if np.isnan(c) else c, yi, "  " + label, va="center", fontsize=9)
    ax.set_yticks(y, ["Asielstatushouder", "Gezinsmigrant", "Overige migrant"])
    ax.xaxis.set_major_formatter(thousands)
    ax.set_xlim(0, _xmax(counts))
    ax.set_title("Nog inburgeringsplichtig (Wi2021) naar doelgroep")


def _tabel1(ax, df):
    parts = [[(_val(df, u, g, C.EENHEID_PROCENT_RIJ), _val(df, u, g, C.EENHEID_PROCENT_RIJ, "afgerond"))
              for g in C.ROUTEGROEPEN] for u in C.UITSLAG_LBT]
    bases = [sum(_val(df, u, g) for g in C.ROUTEGROEPEN) for u in C.UITSLAG_LBT]
    spec = registry.spec("tabel1")
    _stacked_shares(ax, [spec.rij_label(u) for u in C.UITSLAG_LBT], parts,
                    [spec.kolom_label(g) for g in C.ROUTEGROEPEN], bases, [PALETTE[0], PALETTE[1]])
    ax.set_title("Gekozen leerroute per uitslag van de leerbaarheidstoets (% van de rij)")


def _dumbbell(ax, df, second_row: str, label: str):
    dates = sorted(dict.fromkeys(df["kolom"]))
    vals = [_val(df, second_row, d, C.EENHEID_PROCENT) for d in dates]
    shown = [_val(df, second_row, d, C.EENHEID_PROCENT, "afgerond") for d in dates]
    ax.plot(vals, [0] * len(vals), color=GREY, lw=2, zorder=1)
    for i, (d, v, s) in enumerate(zip(dates, vals, shown)):
        if np.isnan(v):
            continue  # hidden by celbeveiliging
        ax.scatter([v], [0], s=120, color=PALETTE[i % len(PALETTE)], zorder=2,
                   label=dutch.datum(d))
        ax.annotate(dutch.procent(s), (v, 0), textcoords="offset points", xytext=(0, 12),
                    ha="center", fontsize=10)
    ax.set_xlim(0, 100)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.set_title(label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=len(dates))
    ax.figure.set_size_inches(7.5, 2.6)


def _tabel2(ax, df):
    _dumbbell(ax, df, "met_pip", "Aandeel inburgeringsplichtigen (Wi2021) met een PIP")


def _tabel4(ax, df):
    _dumbbell(ax, df, "met_aanbod", "Aandeel asielstatushouders met PIP met een aanbod")


def _tabel3(ax, df):
    parts = [[(_val(df, r, g, C.EENHEID_PROCENT), _val(df, r, g, C.EENHEID_PROCENT, "afgerond"))
              for r in C.LEERROUTES] for g in C.TABEL3_KOLOMMEN]
    bases = [sum(_val(df, r, g) for r in C.LEERROUTES) for g in C.TABEL3_KOLOMMEN]
    spec = registry.spec("tabel3")
    _stacked_shares(ax, [spec.kolom_label(g) for g in C.TABEL3_KOLOMMEN], parts,
                    [spec.rij_label(r) for r in C.LEERROUTES], bases, PALETTE[:3])
    ax.set_title("Leerroute per doelgroep (totale instroom met PIP)")


def _kerncijfers_wi2013(ax, df):
    rows = list(C.KERNCIJFERS_WI2013_RIJEN[1:])
    counts = [_val(df, r, "totaal") for r in rows]
    pct = [_val(df, r, "totaal", C.EENHEID_PROCENT, "afgerond") for r in rows]
    y = np.arange(len(rows))[::-1]
    ax.barh(y, np.nan_to_num(counts), color=[PALETTE[2], PALETTE[1], PALETTE[4], GREY, PALETTE[5]], height=0.6)
    for yi, c, p in zip(y, counts, pct):
        label = _count(c) + (f" ({dutch.procent(p, 1)})" if not np.isnan(p) else "")
        ax.text(0 if np.isnan(c) else c, yi, "  " + label, va="center", fontsize=9)
    ax.set_yticks(y, [registry.spec("kerncijfers_wi2013").rij_label(r) for r in rows])
    ax.xaxis.set_major_formatter(thousands)
    ax.set_xlim(0, _xmax(counts))
    ax.set_title("Wi2013: status van alle inburgeringsplichtigen")


def _tabel5(ax, df):
    years = list(dict.fromkeys(df["rij"]))
    keys = C.TABEL5_KOLOMMEN[:-1]
    parts = [[(_val(df, y, k, C.EENHEID_PROCENT), _val(df, y, k, C.EENHEID_PROCENT, "afgerond"))
              for k in keys] for y in years]
    bases = [_val(df, y, "totaal") for y in years]
    _stacked_shares(ax, years, parts, [registry.spec("tabel5").kolom_label(k) for k in keys], bases,
                    [PALETTE[2], PALETTE[1], PALETTE[5]])
    ax.set_title("Wi2013: uitkomst per cohort (% van het cohort, zonder vervallen)")
    ax.figure.set_size_inches(7.5, 0.35 * len(years) + 1.8)


def _tabel6(ax, df):
    dates = list(dict.fromkeys(df["rij"]))
    x = [pd.Timestamp(d) for d in dates]
    highlight = {"2020": PALETTE[5], "2021": PALETTE[0]}
    other = [k for k in C.TABEL6_KOLOMMEN[:-1] if k not in highlight]
    rest = [sum(_val(df, d, k) for k in other) for d in dates]
    for k, colour in highlight.items():
        ax.plot(x, [_val(df, d, k) for d in dates], marker="o", color=colour, label=f"Cohort {k}")
    ax.plot(x, rest, marker="o", color=GREY, label="Overige cohorten samen")
    ax.plot(x, [_val(df, d, "totaal") for d in dates], ls="--", color="black", label="Totaal")
    ax.set_xticks(x, [dutch.datum_kort(d) for d in dates])
    ax.yaxis.set_major_formatter(thousands)
    ax.set_ylim(bottom=0)
    ax.set_title("ELIP-groep per cohort op de peildata")
    ax.legend(loc="upper left")


def _generic(ax, df):
    """A registered table without a figure of its own: its counts as grouped bars."""
    spec = registry.spec(df["tabel"].iloc[0]) if len(df) else None
    rows, cols = registry.count_cells(df)
    y = np.arange(len(rows))[::-1]
    height = 0.8 / max(1, len(cols))
    for j, k in enumerate(cols):
        ax.barh(y - j * height, [np.nan_to_num(_val(df, r, k)) for r in rows], height=height,
                color=PALETTE[j % len(PALETTE)], label=spec.kolom_label(k) if spec else k)
    ax.set_yticks(y, [spec.rij_label(r) if spec else r for r in rows])
    ax.xaxis.set_major_formatter(thousands)
    if spec:
        ax.set_title(spec.titel)
    if len(cols) > 1:
        ax.legend(loc="lower right")


_DRAW = {
    "kerncijfers_wi2021": _kerncijfers_wi2021,
    "tabel1": _tabel1,
    "tabel2": _tabel2,
    "tabel3": _tabel3,
    "tabel4": _tabel4,
    "kerncijfers_wi2013": _kerncijfers_wi2013,
    "tabel5": _tabel5,
    "tabel6": _tabel6,
}


# per format, the metadata that would otherwise carry a timestamp or a version
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def _tight_bbox(fig: Figure) -> Bbox:
    """The box `savefig(bbox_inches="tight")` finds for the PNG, found once for both formats.

    Found by savefig itself, the box costs a layout pass and a tight-box pass per format on
    top of the drawing; the eleven figures of a run spent about a third of their time there.
    The steps are savefig's own for the PNG (an Agg renderer at the savefig dpi, the tight box,
    padded) but for its draw that renders nothing before measuring, which places nothing the
    tight box does not place itself (legends, titles, tick labels) and took more than half of
    the measuring: the PNG of every figure of a run is byte for byte what savefig writes
    (tests/test_figures.py). The SVG gets the same box instead of one measured by its own
    72-dpi renderer, a margin that differs by well under a point. `tight_layout` leaves a
    placeholder layout engine behind, which would make savefig lay the figure out again
    although its layout is final; it is removed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # as savefig loads it: when first needed

    dpi = mpl.rcParams["savefig.dpi"]
    canvas = FigureCanvasAgg(fig)
    screen_dpi = fig.dpi
    fig.dpi = dpi
    try:
        box = fig.get_tightbbox(canvas.get_renderer())
    finally:
        fig.dpi = screen_dpi
    fig.set_layout_engine(None)
    return box.padded(mpl.rcParams["savefig.pad_inches"])


def _rendered(fig: Figure, formats=tuple(_METADATA)) -> dict[str, bytes]:
    with mpl.rc_context(STYLE):
        box = _tight_bbox(fig)
        out = {}
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], bbox_inches=box)
            out[fmt] = buf.getvalue()
    return out


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, as `save` writes it: what a notebook shows when nothing is
    written (a Figure object itself shows as text in a kernel where pyplot was never
    imported, which is how this library draws)."""
    return _rendered(fig, ("png",))["png"]


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """PNG and SVG without timestamps, so identical runs write identical files."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt, data in _rendered(fig).items():
        path = folder / f"{name}.{fmt}"
        path.write_bytes(data)
        out.append(path)
    return out
