"""Every run against the letter: each printed figure, reproduced or not, and the letter's
own arithmetic.

The audit speaks of the letter's own dates (contract section 5): each printed figure is
reproduced at the date it speaks of (the registry says which date each cell speaks of), from
the run's extract, whatever peildatum the run itself was made for. So the statuses are the
same at every P. A figure is compared as the letter prints it:

  gelijk                 the reproduced value is the printed one
  afgerond_gelijk        the reproduced value rounds (as the letter rounds) to the printed one
  afwijking              it does not, also where the letter contradicts itself as well
                         (contract v1.2): `toelichting` then gives both reasons
  inconsistent_in_brief  the letter contradicts itself here (a printed total that is not the
                         sum of its printed cells, or a printed percentage that no rounding of
                         the printed counts gives) and the extract does not differ from the
                         printed figure, or cannot be compared with it. `toelichting` shows
                         the sums.
  niet_vergelijkbaar     the figure's date lies after the extract's horizon (its stand_per,
                         or its latest event), or celbeveiliging hides the reproduced cell:
                         `toelichting` says which. Never silently left out of the count.

The sums and percentage bases of the letter's own arithmetic are the registry's.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..core import contract as C
from ..core.dutch import getal
from ..core.params import Parameters
from ..definitions import registry
from ..definitions.rounding import decimals_for, half_up, letter_rounding
from ..extract.horizon import horizon_reason
from ..extract.model import Extract
from . import reference
from .verification_file import ALSO_LETTER, COLUMNS, NIET_VERGELIJKBAAR


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
    """Printed totals that are not the sum of their printed cells -> explanation.

    The sums are the registry's, within each printed table and between the printed tables
    of one date; the total side's cells are the ones flagged.
    """
    out: dict[tuple, str] = {}
    by_date: dict[str, dict[str, pd.DataFrame]] = {}
    for (output, date), df in printed.items():
        by_date.setdefault(date, {})[output] = df
    for date, frames in by_date.items():
        value = {(n, r.rij, r.kolom): float(r.waarde) for n, df in frames.items()
                 for r in df[df["eenheid"] == C.EENHEID_AANTAL].itertuples()}
        for s in registry.all_sums(frames):
            total = sum(value[k] for k in s.totaal)
            parts = [value[k] for k in s.delen]
            if sum(parts) == total:
                continue
            shown = " + ".join(getal(v) for v in parts) if len(parts) <= 12 else \
                " + ".join(getal(v) for v in parts[:3]) + " + ... + " + getal(parts[-1])
            head = (f"gedrukt totaal {getal(total)}" if len(s.totaal) == 1 else
                    "gedrukt " + " + ".join(getal(value[k]) for k in s.totaal) + f" = {getal(total)}")
            for k in s.totaal:
                out[(k[0], k[1], k[2], C.EENHEID_AANTAL, date)] = (
                    f"{head} is niet de som van de gedrukte {s.wat}: {shown} = {getal(sum(parts))}")
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
        deps = registry.percentage_bases(output, frame)
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


# ---- the audit's tables: each at the date its figures speak of --------------------------

def audit_parameters(output: str, dates: list[str], letter: Parameters) -> list[Parameters]:
    """The parameters at which to compute `output` so that every cell the letter prints of it
    exists at the date it speaks of (the threshold is the letter's)."""
    spec = registry.spec(output)
    ds = sorted(dt.date.fromisoformat(d) for d in set(dates))
    if spec.dated_by == registry.DATED_BY_PEILDATUM:
        return [Parameters(peildatum=d, elip_drempel_cent=letter.elip_drempel_cent) for d in ds]
    if spec.dated_by == registry.DATED_BY_KOLOM:
        return [Parameters(peildatum=ds[-1], vorige_peildatum=ds[0] if len(ds) > 1 else None,
                           elip_drempel_cent=letter.elip_drempel_cent)]
    return [Parameters(peildatum=ds[-1], elip_peildata=tuple(ds), elip_drempel_cent=letter.elip_drempel_cent)]


def audit_tables(extract: Extract, figures: pd.DataFrame | None = None,
                 letter: Parameters | None = None) -> dict[tuple[str, str], pd.DataFrame]:
    """Every table the letter prints, computed at the dates it prints it for: (output, P) -> table."""
    fig = reference.load_figures() if figures is None else figures
    letter = letter or reference.letter_parameters()
    out = {}
    for output, part in fig.groupby("output", sort=False):
        for params in audit_parameters(output, list(part["peildatum"]), letter):
            out[(output, params.peildatum.isoformat())] = registry.compute(output, extract, params)
    return out


def _reproduced_cells(audit: dict[tuple[str, str], pd.DataFrame]) -> dict[tuple, tuple[float, float]]:
    cells = {}
    for (name, p), df in audit.items():
        if df.empty:
            continue
        spec = registry.spec(name)
        for r, rd in zip(df.itertuples(), letter_rounding(df)):
            cells[(name, r.rij, r.kolom, r.eenheid, spec.measured_on(r.rij, r.kolom, p))] = (r.waarde, rd)
    return cells


def verify(audit: dict[tuple[str, str], pd.DataFrame], figures: pd.DataFrame | None = None,
           horizon: dt.date | None = None, stand_per: dt.date | None = None) -> pd.DataFrame:
    """The verification table (columns COLUMNS): every printed figure, at its own date.

    `audit` comes from `audit_tables` (possibly protected by celbeveiliging). Every figure of
    the reference data gets a row; none is left out silently.
    """
    fig = reference.load_figures() if figures is None else figures
    cells = _reproduced_cells(audit)
    broken = letter_inconsistencies(fig)
    rows = []
    for r in fig.itertuples():
        key = (r.output, r.rij, r.kolom, r.eenheid, r.peildatum)
        value, rounded = cells.get(key, (math.nan, math.nan))
        why_not = horizon_reason(r.peildatum, horizon, stand_per)
        if why_not is None and (value is None or math.isnan(value)):
            why_not = ("afgeschermd door celbeveiliging" if key in cells else
                       "deze cel komt niet voor in de tabel van dit extract")
        if why_not is not None:
            status, note, value = NIET_VERGELIJKBAAR, why_not, math.nan
        else:
            status, note = _compare(r, value, rounded)
        if key in broken and status == "afwijking":
            note = f"{note}; {ALSO_LETTER}{broken[key]}"
        elif key in broken:
            status = "inconsistent_in_brief"
            repro = f"; gereproduceerd {_fmt(value, r.eenheid, 2)}" if not math.isnan(value) else ""
            # why this extract's value cannot be compared, as a sentence of its own
            note = broken[key] + repro + (f". Dit extract: {note}" if note else "")
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


def write(df: pd.DataFrame, path: Path) -> Path:
    from ..definitions.outputs import to_csv_text
    out = df.copy()
    for col in ("gepubliceerd", "gereproduceerd"):
        out[col] = [("" if v is None or (isinstance(v, float) and math.isnan(v)) else
                     (str(int(v)) if float(v).is_integer() else repr(float(v)))) for v in out[col]]
    path.write_text(to_csv_text(out, COLUMNS), encoding="utf-8")
    return path


