"""Each output laid out as the letter prints it: Dutch labels, thousands separators, the
letter's rounding. Used by the notebooks, the report page and the Excel workbook alike.

A hidden cell (celbeveiliging, `analysis.publication`) is shown as 'x', the CBS sign for
"geheim"; an undefined percentage (base zero) as '-'.
"""
from __future__ import annotations

import pandas as pd

from ..core import contract as C
from ..core import dutch
from ..definitions import registry
from ..definitions.rounding import decimals_for, with_letter_rounding
from . import labels


MISSING_PCT = "-"
SECRET = "x"


def _lookup(df: pd.DataFrame, suppressed: set | None):
    """cell(rij, kolom, eenheid) -> formatted text, 'x' where the run's pattern hides it."""
    tabel = df["tabel"].iloc[0] if len(df) else ""
    peildatum = df["peildatum"].iloc[0] if len(df) else ""
    decimals = decimals_for(tabel)
    values = {(r.rij, r.kolom, r.eenheid): r.afgerond for r in with_letter_rounding(df).itertuples()}
    suppressed = suppressed or set()

    def cell(rij: str, kolom: str, eenheid: str = C.EENHEID_AANTAL) -> str:
        if (tabel, peildatum, rij, kolom, eenheid) in suppressed:
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
    spec = registry.spec(name)
    R, K = spec.rij_label, spec.kolom_label
    if name in ("kerncijfers_wi2021", "kerncijfers_wi2013"):
        rows, _ = registry.count_cells(df)
        pct = {r for r in df[df["eenheid"] == C.EENHEID_PROCENT]["rij"]}
        return pd.DataFrame({"Aantal": [cell(r, C.TOTAAL) for r in rows],
                             "Percentage": [cell(r, C.TOTAAL, C.EENHEID_PROCENT) if r in pct else "" for r in rows]},
                            index=[R(r) for r in rows])
    if name == "tabel1":
        cols = pd.MultiIndex.from_tuples([(K(g), h) for g in C.ROUTEGROEPEN
                                          for h in ("Aantal", "% van kolom", "% van rij")])
        data = [[f(u, g) for g in C.ROUTEGROEPEN for f in (
            lambda u, g: cell(u, g),
            lambda u, g: cell(u, g, C.EENHEID_PROCENT_KOLOM),
            lambda u, g: cell(u, g, C.EENHEID_PROCENT_RIJ))] for u in C.UITSLAG_LBT]
        out = pd.DataFrame(data, index=[R(u) for u in C.UITSLAG_LBT], columns=cols)
        out.index.name = spec.rij_naam
        return out
    if name in ("tabel2", "tabel4"):
        first, second = C.TABEL2_RIJEN if name == "tabel2" else C.TABEL4_RIJEN
        dates = list(dict.fromkeys(df["kolom"]))
        data = {dutch.datum(d): [cell(first, d), _with_pct(cell(second, d), cell(second, d, C.EENHEID_PROCENT))]
                for d in dates}
        return pd.DataFrame(data, index=[R(first), R(second)])
    if name == "tabel3":
        cols = pd.MultiIndex.from_tuples([(K(g), h) for g in C.TABEL3_KOLOMMEN
                                          for h in ("Aantal", "%")])
        data = [[x for g in C.TABEL3_KOLOMMEN for x in (cell(r, g), cell(r, g, C.EENHEID_PROCENT))]
                for r in C.LEERROUTES]
        return pd.DataFrame(data, index=[R(r) for r in C.LEERROUTES], columns=cols)
    if name == "tabel5":
        years = list(dict.fromkeys(df["rij"]))
        cols = pd.MultiIndex.from_tuples([(K(k), h) for k in C.TABEL5_KOLOMMEN[:-1]
                                          for h in ("Aantal", "Percentage")] + [(K(C.TOTAAL), "")])
        data = [[x for k in C.TABEL5_KOLOMMEN[:-1] for x in (cell(y, k), cell(y, k, C.EENHEID_PROCENT))]
                + [cell(y, "totaal")] for y in years]
        out = pd.DataFrame(data, index=years, columns=cols)
        out.index.name = spec.rij_naam
        return out
    if name == "tabel6":
        dates = list(dict.fromkeys(df["rij"]))
        data = [[cell(d, k) for k in C.TABEL6_KOLOMMEN] for d in dates]
        out = pd.DataFrame(data, index=[dutch.datum_kort(d) for d in dates], columns=[K(k) for k in C.TABEL6_KOLOMMEN])
        out.index.name = spec.rij_naam
        return out
    return generic_layout(name, df, cell)


def generic_layout(name: str, df: pd.DataFrame, cell) -> pd.DataFrame:
    """Any registered table without a layout of its own: rows by columns, each percentage
    the table carries beside its count."""
    spec = registry.spec(name)
    rows, cols = registry.count_cells(df)
    units = list(dict.fromkeys(df["eenheid"]))
    header = pd.MultiIndex.from_tuples([(spec.kolom_label(k), "Aantal" if u == C.EENHEID_AANTAL else
                                         u.replace("procent", "%").replace("_", " van "))
                                        for k in cols for u in units])
    data = [[cell(r, k, u) if not df[(df["rij"] == r) & (df["kolom"] == k) & (df["eenheid"] == u)].empty else ""
             for k in cols for u in units] for r in rows]
    out = pd.DataFrame(data, index=[spec.rij_label(r) for r in rows], columns=header)
    out.index.name = spec.rij_naam
    return out


def title(name: str, peildatum: str) -> str:
    return f"{registry.spec(name).titel}, peildatum {dutch.datum(peildatum)}"


def definition(name: str) -> dict[str, str]:
    """Where a table's definition lives and what it says, for the report's definition box."""
    from ..publication import plan
    spec = registry.spec(name)
    if spec.monitor:
        return {"titel": spec.titel, "populatie": spec.populatie, "cellen": spec.cellen,
                "contract": f"contract (docs/contract.md) sectie{'s' if ' ' in spec.contract else ''} "
                            f"{spec.contract}",
                "code": "de declaratie in src/analysis/definitions/registry.py, de berekening in src/analysis/definitions/monitor.py "
                        "(onder de naam van het CSV-bestand)",
                "notebook": f"notebooks/{spec.notebook} (uitgevoerd uit notebooks/{plan.MONITOR_NOTEBOOK})",
                "brief": "monitor, geen tabel van de brief"}
    return {"titel": spec.titel, "populatie": spec.populatie, "cellen": spec.cellen,
            "deel_van": "; ".join(f"elke cel telt een deel van wie dezelfde cel van {labels.short_title(n)} telt"
                                  for n in spec.deel_van),
            "contract": f"contract (docs/contract.md) secties {spec.contract}",
            "code": "de declaratie in src/analysis/definitions/registry.py, de tellingen in src/analysis/definitions/tables.py "
                    "(beide onder de naam van het CSV-bestand)",
            "notebook": f"notebooks/{spec.notebook} (uitgevoerd uit notebooks/{plan.TABLE_NOTEBOOK})",
            "brief": f"brief {spec.paragraaf}" if spec.in_brief else "een tabel van deze suite, niet uit de brief"}


def definition_markdown(name: str) -> str:
    d = definition(name)
    part = f" *Deel van een andere tabel:* {d['deel_van']}." if d.get("deel_van") else ""
    return (f"**Definitie** ({d['brief']}). *Populatie:* {d['populatie']} *Cellen:* {d['cellen']}{part}\n\n"
            f"<small>Vastgelegd in {d['contract']}; code: {d['code']}.</small>")


def figure_alt(name: str, peildatum: str) -> str:
    """What the figure shows, for a reader who cannot see it (the report and the notebook
    pages alike; both show the table above the figure)."""
    return f"Grafiek bij {title(name, peildatum)}; de cijfers staan in de tabel erboven."
