"""What the generator must reproduce, read from the reference data (never typed in here).

Targets are gathered into two small structures, one per law. Where the letter prints a
rounded count, the target is the interval of counts it could stand for, and the generator
picks a value inside it. Where the letter prints both cells and their total, the cells are
the target; whether the printed total agrees is for the verification to say.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..audit.reference import count_interval, load_figures
from ..core import contract as C


class TargetError(ValueError):
    """The reference data lacks a figure the generator needs, or contradicts itself."""


def _one(fig: pd.DataFrame, output: str, rij: str, kolom: str, eenheid: str = "aantal",
         peildatum: str | None = None) -> pd.Series:
    sel = fig[(fig["output"] == output) & (fig["rij"] == rij) & (fig["kolom"] == kolom)
              & (fig["eenheid"] == eenheid)]
    if peildatum is not None:
        sel = sel[sel["peildatum"] == peildatum]
    if sel.empty:
        raise TargetError(f"referentiecijfer ontbreekt: {output} {rij} {kolom} {eenheid} {peildatum or ''}")
    return sel.iloc[0]


def _opt(fig, output, rij, kolom, eenheid="aantal", peildatum=None) -> float | None:
    try:
        return float(_one(fig, output, rij, kolom, eenheid, peildatum)["waarde"])
    except TargetError:
        return None


@dataclass
class Wi2021Targets:
    p: dt.date
    q: dt.date
    geworden: int
    plichtig: dict[str, int]  # per doelgroep, at P
    met_pip: int  # plichtig at P with a PIP
    asiel_met_pip: int  # Tabel 4 at P
    met_aanbod: int  # Tabel 4 at P
    plichtig_q: tuple[int, int]  # interval of counts, Tabel 2 at Q
    met_pip_q: tuple[int, int]
    pct_pip_q: float | None
    asiel_met_pip_q: tuple[int, int]
    met_aanbod_q: tuple[int, int]
    pct_aanbod_q: float | None
    tabel1: dict[tuple[str, str], int]  # (uitslag, routegroep) -> count
    tabel3: dict[tuple[str, str], float]  # (leerroute, kolom) -> printed percent


@dataclass
class Wi2013Targets:
    p: dt.date
    cohorten: dict[int, dict[str, int]]  # year -> voldaan, ontheven, nog_plichtig
    vrijgesteld: int
    vervallen: int
    nog_plichtig_op: dict[dt.date, int]  # other peildata -> still plichtig (text of section 4.1)
    elip: dict[dt.date, dict[str, int]]  # ELIP peildatum -> Tabel 6 column -> count


def _interval(row: pd.Series) -> tuple[int, int]:
    return count_interval(float(row["waarde"]), row["precisie"])


def wi2021_targets(fig: pd.DataFrame) -> Wi2021Targets:
    k = fig[fig["output"] == "kerncijfers_wi2021"]
    if k.empty:
        raise TargetError("geen kerncijfers_wi2021 in de referentiecijfers")
    p = dt.date.fromisoformat(k["peildatum"].iloc[0])
    ps = p.isoformat()
    t2 = fig[(fig["output"] == "tabel2") & (fig["kolom"] != ps)]
    if t2.empty:
        raise TargetError("Tabel 2 heeft geen vorige peildatum in de referentiecijfers")
    q = dt.date.fromisoformat(t2["kolom"].iloc[0])
    qs = q.isoformat()
    exact = lambda *a: int(_one(fig, *a)["waarde"])  # noqa: E731
    tabel3 = {}
    for r in C.LEERROUTES:
        for g in C.TABEL3_KOLOMMEN:
            v = _opt(fig, "tabel3", r, g, "procent", ps)
            if v is not None:
                tabel3[(r, g)] = v
    return Wi2021Targets(
        p=p, q=q,
        geworden=exact("kerncijfers_wi2021", "plichtig_geworden", "totaal", "aantal", ps),
        plichtig={g: exact("kerncijfers_wi2021", f"nog_plichtig_{g}", "totaal", "aantal", ps)
                  for g in C.DOELGROEPEN},
        met_pip=exact("kerncijfers_wi2021", "met_pip", "totaal", "aantal", ps),
        asiel_met_pip=exact("tabel4", "asiel_met_pip", ps, "aantal", ps),
        met_aanbod=exact("tabel4", "met_aanbod", ps, "aantal", ps),
        plichtig_q=_interval(_one(fig, "tabel2", "inburgeringsplichtig", qs, "aantal", qs)),
        met_pip_q=_interval(_one(fig, "tabel2", "met_pip", qs, "aantal", qs)),
        pct_pip_q=_opt(fig, "tabel2", "met_pip", qs, "procent", qs),
        asiel_met_pip_q=_interval(_one(fig, "tabel4", "asiel_met_pip", qs, "aantal", qs)),
        met_aanbod_q=_interval(_one(fig, "tabel4", "met_aanbod", qs, "aantal", qs)),
        pct_aanbod_q=_opt(fig, "tabel4", "met_aanbod", qs, "procent", qs),
        tabel1={(u, g): exact("tabel1", u, g, "aantal", ps) for u in C.UITSLAG_LBT for g in C.ROUTEGROEPEN},
        tabel3=tabel3,
    )


def wi2013_targets(fig: pd.DataFrame) -> Wi2013Targets:
    k = fig[(fig["output"] == "kerncijfers_wi2013") & (fig["rij"] == "totaal")]
    if k.empty:
        raise TargetError("geen kerncijfers_wi2013 in de referentiecijfers")
    p = dt.date.fromisoformat(k["peildatum"].iloc[0])
    ps = p.isoformat()
    t5 = fig[(fig["output"] == "tabel5") & (fig["eenheid"] == "aantal") & (fig["peildatum"] == ps)]
    cohorten: dict[int, dict[str, int]] = {}
    for year in sorted({int(r) for r in t5["rij"]}):
        cohorten[year] = {kol: int(_one(fig, "tabel5", str(year), kol, "aantal", ps)["waarde"])
                          for kol in C.TABEL5_KOLOMMEN[:-1]}
    nog = fig[(fig["output"] == "kerncijfers_wi2013") & (fig["rij"] == "nog_plichtig")
              & (fig["eenheid"] == "aantal") & (fig["peildatum"] != ps)]
    t6 = fig[(fig["output"] == "tabel6") & (fig["eenheid"] == "aantal") & (fig["kolom"] != C.TOTAAL)]
    elip: dict[dt.date, dict[str, int]] = {}
    for rij in sorted(set(t6["rij"])):
        d = dt.date.fromisoformat(rij)
        elip[d] = {kol: int(_one(fig, "tabel6", rij, kol, "aantal")["waarde"])
                   for kol in C.TABEL6_KOLOMMEN[:-1]}
    return Wi2013Targets(
        p=p, cohorten=cohorten,
        vrijgesteld=int(_one(fig, "kerncijfers_wi2013", "vrijgesteld", "totaal", "aantal", ps)["waarde"]),
        vervallen=int(_one(fig, "kerncijfers_wi2013", "vervallen", "totaal", "aantal", ps)["waarde"]),
        nog_plichtig_op={dt.date.fromisoformat(r["peildatum"]): int(r["waarde"]) for _, r in nog.iterrows()},
        elip=elip,
    )


def load_targets(path=None) -> tuple[Wi2021Targets, Wi2013Targets]:
    fig = load_figures(path)
    return wi2021_targets(fig), wi2013_targets(fig)
