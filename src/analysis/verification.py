"""Every run against the letter: each printed figure, reproduced or not, and the letter's
own arithmetic.

For each figure in the reference data whose date the run covers (on or before P), the
reproduced value is taken from the run's tables (or, for an earlier date the text gives,
computed at that date with the same definitions) and compared as the letter prints it:

  gelijk                 the reproduced value is the printed one
  afgerond_gelijk        the reproduced value rounds (as the letter rounds) to the printed one
  afwijking              it does not
  inconsistent_in_brief  the letter contradicts itself here: a printed total that is not the
                         sum of its printed cells, or a printed percentage that no rounding of
                         the printed counts gives. `toelichting` shows the sums; whether the
                         data agree with the cells is stated there too.

Cells hidden by celbeveiliging are not compared (and counted as such in the summary).
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from . import contract as C
from . import reference, tables
from .model import Extract
from .params import Parameters
from .presentation.dutch import getal
from .rounding import decimals_for, half_up, letter_rounding
from .suppression import percentage_bases

COLUMNS = ("tabel", "rij", "kolom", "peildatum", "gepubliceerd", "gereproduceerd", "status",
           "toelichting", "eenheid", "precisie")
STATUSES = ("gelijk", "afgerond_gelijk", "afwijking", "inconsistent_in_brief")


def measured_on(output: str, rij: str, kolom: str, p: str) -> str:
    """The date a cell describes: the column of Tabel 2 and 4, the row of Tabel 6, else P."""
    if output in ("tabel2", "tabel4"):
        return kolom
    if output == "tabel6":
        return rij
    return p


def _fmt(v: float, eenheid: str, decimals: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "?"
    if eenheid == C.EENHEID_AANTAL:
        return getal(v)
    return getal(v, decimals) + "%"


# ---- the letter's own arithmetic -------------------------------------------------------

def _printed_frames(fig: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The printed figures per (output, date) as long-format frames, one value per cell."""
    frames = {}
    for (output, date), part in fig.groupby(["output", "peildatum"]):
        part = part.drop_duplicates(["rij", "kolom", "eenheid"])
        frames[(output, date)] = pd.DataFrame({
            "tabel": output, "peildatum": date, "rij": part["rij"], "kolom": part["kolom"],
            "eenheid": part["eenheid"], "waarde": part["waarde"], "precisie": part["precisie"]})
    return frames


def _sum_checks(printed: dict[tuple[str, str], pd.DataFrame]) -> dict[tuple, str]:
    """Printed totals that are not the sum of their printed cells -> explanation."""
    out: dict[tuple, str] = {}

    def get(df, rij, kolom):
        hit = df[(df["rij"] == rij) & (df["kolom"] == kolom) & (df["eenheid"] == C.EENHEID_AANTAL)]
        return None if hit.empty else float(hit["waarde"].iloc[0])

    def check(output, date, total_key, part_keys, what):
        df = printed.get((output, date))
        if df is None:
            return
        total = get(df, *total_key)
        parts = [get(df, *k) for k in part_keys]
        if total is None or any(v is None for v in parts):
            return
        s = sum(parts)
        if s != total:
            out[(output, total_key[0], total_key[1], C.EENHEID_AANTAL, date)] = (
                f"gedrukt totaal {getal(total)} is niet de som van de gedrukte {what}: "
                + " + ".join(getal(v) for v in parts) + f" = {getal(s)}")

    for (output, date), df in printed.items():
        rows = list(dict.fromkeys(df["rij"]))
        if output == "tabel6":
            for r in rows:
                check(output, date, (r, C.TOTAAL), [(r, k) for k in C.TABEL6_KOLOMMEN[:-1]], "cohorten")
        elif output == "tabel5":
            for r in rows:
                check(output, date, (r, C.TOTAAL), [(r, k) for k in C.TABEL5_KOLOMMEN[:-1]], "cellen")
        elif output == "kerncijfers_wi2013":
            check(output, date, ("totaal", C.TOTAAL),
                  [(s, C.TOTAAL) for s in C.KERNCIJFERS_WI2013_RIJEN[1:]], "statussen")
        elif output == "kerncijfers_wi2021":
            check(output, date, ("nog_plichtig", C.TOTAAL),
                  [(f"nog_plichtig_{g}", C.TOTAAL) for g in C.DOELGROEPEN], "doelgroepen")
        elif output == "tabel3":
            for r in rows:
                check(output, date, (r, C.TOTAAL), [(r, g) for g in C.DOELGROEPEN], "doelgroepen")
    # Tabel 5 summed over cohorts against the Wi2013 kerncijfers of the same date
    for (output, date), t5 in printed.items():
        if output != "tabel5" or ("kerncijfers_wi2013", date) not in printed:
            continue
        k = printed[("kerncijfers_wi2013", date)]
        years = list(dict.fromkeys(t5["rij"]))
        for kol, keys in (("voldaan", ("ingeburgerd", "vrijgesteld")), ("ontheven", ("ontheven",)),
                          ("nog_plichtig", ("nog_plichtig",))):
            cells = [get(t5, y, kol) for y in years]
            totals = [get(k, key, C.TOTAAL) for key in keys]
            if any(v is None for v in cells + totals):
                continue
            if sum(cells) != sum(totals):
                for key in keys:
                    out[("kerncijfers_wi2013", key, C.TOTAAL, C.EENHEID_AANTAL, date)] = (
                        f"Tabel 5 '{kol}' opgeteld over de cohorten is {getal(sum(cells))}, de "
                        f"kerncijfers geven {' + '.join(getal(v) for v in totals)} = {getal(sum(totals))}")
    return out


def _percentage_checks(printed: dict[tuple[str, str], pd.DataFrame]) -> dict[tuple, str]:
    """Printed percentages that no rounding of the printed counts gives -> explanation."""
    out: dict[tuple, str] = {}
    for (output, date), df in printed.items():
        counts = df[df["eenheid"] == C.EENHEID_AANTAL]
        value = {(r.rij, r.kolom): r.waarde for r in counts.itertuples()}
        exactness = {(r.rij, r.kolom): r.precisie for r in counts.itertuples()}
        pct_rows = df[df["eenheid"] != C.EENHEID_AANTAL]
        if pct_rows.empty:
            continue
        frame = pd.concat([counts, pct_rows])
        deps = percentage_bases({output: frame})
        recomputed = []
        for r in pct_rows.itertuples():
            d = deps[(output, r.rij, r.kolom, r.eenheid)]
            own, base = d[0], d[1:]
            needed = [own[1:]] + [b[1:] for b in base]
            if any(k not in value for k in needed):
                recomputed = None
                break
            if any(exactness[k] not in ("exact", "afgeleid") for k in needed):
                recomputed = None  # rounded counts: checked against the intervals below
                break
            b = sum(value[k[1:]] for k in base)
            recomputed.append((r, 100 * value[own[1:]] / b if b else math.nan, own, base))
        if recomputed is None:
            out.update(_rounded_count_checks(output, date, df, deps))
            continue
        tmp = pd.DataFrame({"tabel": output, "rij": [x[0].rij for x in recomputed],
                            "kolom": [x[0].kolom for x in recomputed],
                            "eenheid": [x[0].eenheid for x in recomputed],
                            "waarde": [x[1] for x in recomputed]})
        rounded = letter_rounding(tmp)
        dec = decimals_for(output)
        for (r, exact_pct, own, base), rd in zip(recomputed, rounded):
            if rd != r.waarde:
                b = sum(value[k[1:]] for k in base)
                out[(output, r.rij, r.kolom, r.eenheid, date)] = (
                    f"gedrukt {_fmt(r.waarde, 'procent', dec)}, maar de gedrukte aantallen geven "
                    f"{getal(value[own[1:]])} / {getal(b)} = {_fmt(exact_pct, 'procent', 2)}, "
                    f"afgerond {_fmt(rd, 'procent', dec)}")
    return out


def _rounded_count_checks(output: str, date: str, df: pd.DataFrame, deps: dict) -> dict[tuple, str]:
    """A printed percentage next to rounded counts: is any pair inside the rounding consistent?"""
    out = {}
    counts = df[df["eenheid"] == C.EENHEID_AANTAL]
    iv = {(r.rij, r.kolom): reference.count_interval(r.waarde, r.precisie) for r in counts.itertuples()}
    for r in df[df["eenheid"] != C.EENHEID_AANTAL].itertuples():
        d = deps[(output, r.rij, r.kolom, r.eenheid)]
        own, base = d[0][1:], [b[1:] for b in d[1:]]
        if own not in iv or len(base) != 1 or base[0] not in iv:
            continue
        lo_o, hi_o = iv[own]
        lo_b, hi_b = iv[base[0]]
        lo_pct, hi_pct = 100 * lo_o / hi_b, 100 * hi_o / lo_b
        if not (half_up(lo_pct) <= r.waarde <= half_up(hi_pct)):
            out[(output, r.rij, r.kolom, r.eenheid, date)] = (
                f"gedrukt {getal(r.waarde)}%, maar binnen de afronding van de gedrukte aantallen "
                f"ligt het aandeel tussen {getal(lo_pct, 1)}% en {getal(hi_pct, 1)}%")
    return out


def letter_inconsistencies(fig: pd.DataFrame) -> dict[tuple, str]:
    """(output, rij, kolom, eenheid, peildatum) -> why the letter contradicts itself there."""
    printed = _printed_frames(fig)
    found = _sum_checks(printed)
    found.update(_percentage_checks(printed))
    return found


# ---- comparison ----------------------------------------------------------------------

def _reproduced_cells(run_tables: dict[str, pd.DataFrame], p: str) -> dict[tuple, float]:
    cells = {}
    for name, df in run_tables.items():
        if df.empty:
            continue
        rounded = letter_rounding(df)
        for r, rd in zip(df.itertuples(), rounded):
            key = (name, r.rij, r.kolom, r.eenheid, measured_on(name, r.rij, r.kolom, p))
            cells[key] = (r.waarde, rd)
    return cells


def verify(run_tables: dict[str, pd.DataFrame], params: Parameters, extract: Extract | None = None,
           figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The verification table of one run (columns COLUMNS)."""
    fig = reference.load_figures() if figures is None else figures
    p = params.peildatum.isoformat()
    cells = _reproduced_cells(run_tables, p)
    wanted = fig[fig["peildatum"] <= p]
    # earlier dates the text gives but the run's tables do not cover: computed at that date
    for (output, date), _ in wanted.groupby(["output", "peildatum"]):
        if extract is None or any(k[0] == output and k[4] == date for k in cells):
            continue
        if output in ("tabel2", "tabel4", "tabel6"):
            continue  # dated by their own columns/rows; covered through the run's dates
        extra = tables.compute(output, extract, Parameters(
            peildatum=dt.date.fromisoformat(date), elip_drempel_cent=params.elip_drempel_cent))
        cells.update(_reproduced_cells({output: extra}, date))
    broken = letter_inconsistencies(fig)
    rows = []
    for r in wanted.itertuples():
        key = (r.output, r.rij, r.kolom, r.eenheid, r.peildatum)
        if key not in cells:
            continue
        value, rounded = cells[key]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue  # hidden by celbeveiliging (or an undefined percentage)
        status, note = _compare(r, value, rounded)
        if key in broken:
            status = "inconsistent_in_brief"
            note = broken[key] + f"; gereproduceerd {_fmt(value, r.eenheid, 2)}" + (f". {note}" if note else "")
        note = "; ".join(x for x in (note, r.toelichting, f"brief {r.vindplaats}, regel {r.regel}") if x)
        rows.append({"tabel": r.output, "rij": r.rij, "kolom": r.kolom, "peildatum": r.peildatum,
                     "gepubliceerd": r.waarde, "gereproduceerd": value, "status": status,
                     "toelichting": note, "eenheid": r.eenheid, "precisie": r.precisie})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _compare(r, value: float, rounded: float) -> tuple[str, str]:
    published = float(r.waarde)
    if r.eenheid == C.EENHEID_AANTAL:
        if value == published:
            return "gelijk", ""
        step = reference.COUNT_STEP.get(r.precisie, 1)
        if step > 1 and half_up(value / step) * step == published:
            return "afgerond_gelijk", f"{getal(value)} afgerond op {getal(step)}-tallen"
        return "afwijking", f"verschil met de brief {getal(value - published)}"
    if value == published:
        return "gelijk", ""
    if rounded == published:
        return "afgerond_gelijk", ""
    dec = decimals_for(r.output)
    return "afwijking", f"gereproduceerd {_fmt(value, r.eenheid, 2)}, afgerond {_fmt(rounded, r.eenheid, dec)}"


def counts(df: pd.DataFrame) -> dict[str, int]:
    return {s: int((df["status"] == s).sum()) for s in STATUSES}


def summary(df: pd.DataFrame) -> str:
    """The one line a run prints."""
    if df.empty:
        return ("Verificatie: voor deze peildatum staan geen cijfers in de brief; "
                "verificatie overgeslagen.")
    c = counts(df)
    equal = c["gelijk"] + c["afgerond_gelijk"]
    return (f"Verificatie: {len(df)} cijfers uit de brief gecontroleerd: {equal} gelijk "
            f"(waarvan {c['afgerond_gelijk']} binnen de afronding), "
            f"{c['inconsistent_in_brief']} inconsistent in de brief, {c['afwijking']} afwijkingen.")


def write(df: pd.DataFrame, path: Path) -> Path:
    from .outputs import to_csv_text
    out = df.copy()
    for col in ("gepubliceerd", "gereproduceerd"):
        out[col] = [("" if v is None or (isinstance(v, float) and math.isnan(v)) else
                     (str(int(v)) if float(v).is_integer() else repr(float(v)))) for v in out[col]]
    path.write_text(to_csv_text(out, COLUMNS), encoding="utf-8")
    return path


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"tabel": str, "rij": str, "kolom": str, "peildatum": str,
                                    "status": str, "toelichting": str}, keep_default_na=False,
                       na_values={"gepubliceerd": [""], "gereproduceerd": [""]})


def letter_cases(path: Path) -> list[str]:
    """One line per place where the letter contradicts itself, for the command line."""
    if not path.is_file():
        return []
    df = read(path)
    df = df[df["status"] == "inconsistent_in_brief"]
    return [f"{r.tabel} {r.rij} {r.kolom}: {r.toelichting.split(';')[0]}" for r in df.itertuples()]


def summary_from_file(path: Path) -> str:
    return summary(read(path)) if path.is_file() else "Verificatie: niet uitgevoerd."
