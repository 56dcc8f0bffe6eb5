"""verificatie.csv as a reader reads it: its columns and statuses, reading it back, and the
lines the command line, the notebooks, the report and the workbook print of it.

Kept apart from the comparison that writes it (verification.py), so that a reader of a run
folder needs none of the audit's machinery.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.dutch import datum
from ..definitions import registry

COLUMNS = ("tabel", "rij", "kolom", "peildatum", "gepubliceerd", "gereproduceerd", "status",
           "toelichting", "eenheid", "precisie")
STATUSES = ("gelijk", "afgerond_gelijk", "afwijking", "inconsistent_in_brief", "niet_vergelijkbaar")
NIET_VERGELIJKBAAR = "niet_vergelijkbaar"
# Opens the letter's own contradiction in the toelichting of an afwijking, after the difference.
ALSO_LETTER = "de brief spreekt zichzelf hier ook tegen: "


def counts(df: pd.DataFrame) -> dict[str, int]:
    return {s: int((df["status"] == s).sum()) for s in STATUSES}


def also_inconsistent(df: pd.DataFrame) -> pd.Series:
    """Deviations where the letter also contradicts itself (both reasons in `toelichting`)."""
    return (df["status"] == "afwijking") & df["toelichting"].str.contains(ALSO_LETTER, regex=False)


def reasons(toelichting: str) -> str:
    """Why a figure has its status, without the letter's page and line: the first reason,
    and for a deviation where the letter also contradicts itself, that second reason too."""
    parts = [p.strip() for p in toelichting.split(";")]
    return "; ".join(parts[:1] + [p for p in parts[1:2] if p.startswith(ALSO_LETTER)])


def summary(df: pd.DataFrame) -> str:
    """The one line a run prints."""
    if df.empty:
        return "Verificatie: er staan geen cijfers van de brief in de referentiegegevens."
    c = counts(df)
    equal = c["gelijk"] + c["afgerond_gelijk"]
    both = int(also_inconsistent(df).sum())
    line = (f"Verificatie: {len(df)} cijfers uit de brief, elk op de eigen peildatum: {equal} gelijk "
            f"(waarvan {c['afgerond_gelijk']} binnen de afronding), "
            f"{c['inconsistent_in_brief']} inconsistent in de brief, "
            f"{c['afwijking']} afwijking{'' if c['afwijking'] == 1 else 'en'}")
    if both:
        line += f" (waarvan {both} waar de brief zichzelf ook tegenspreekt)"
    if c[NIET_VERGELIJKBAAR]:
        line += f", {c[NIET_VERGELIJKBAAR]} niet vergelijkbaar"
    return line + "."


def not_comparable_reasons(df: pd.DataFrame) -> dict[str, int]:
    """Why figures could not be compared, with how many each (for the report)."""
    part = df[df["status"] == NIET_VERGELIJKBAAR]
    reasons = part["toelichting"].str.split(";").str[0].str.strip()
    return {k: int(v) for k, v in reasons.value_counts(sort=False).items()}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"tabel": str, "rij": str, "kolom": str, "peildatum": str,
                                    "status": str, "toelichting": str}, keep_default_na=False,
                       na_values={"gepubliceerd": [""], "gereproduceerd": [""]})


def letter_cases(path: Path) -> list[str]:
    """One line per place where the letter contradicts itself, for the command line; where the
    extract differs from the printed figure too, the line says so."""
    if not path.is_file():
        return []
    df = read(path)
    out = []
    for r, both in zip(df.itertuples(), also_inconsistent(df)):
        if both:
            difference, letter = reasons(r.toelichting).split("; ", 1)
            out.append(f"{cell_name(r.tabel, r.rij, r.kolom, r.peildatum)}: {letter.removeprefix(ALSO_LETTER)} "
                       f"(en dit extract wijkt af: {difference})")
        elif r.status == "inconsistent_in_brief":
            out.append(f"{cell_name(r.tabel, r.rij, r.kolom, r.peildatum)}: {r.toelichting.split(';')[0]}")
    return out


def cell_name(tabel: str, rij: str, kolom: str, peildatum: str) -> str:
    """'Tabel 6, 1 juli 2023, Totaal': a cell as a reader finds it in the letter."""
    spec = registry.spec(tabel)
    parts = [" ".join(spec.titel.split(" ", 2)[:2]), datum(peildatum)]
    if rij != peildatum:
        parts.append(spec.rij_label(rij).strip())
    if kolom != peildatum and not tabel.startswith("kerncijfers"):  # the kerncijfers have one column
        parts.append(spec.kolom_label(kolom).strip())
    return ", ".join(parts)


def summary_from_file(path: Path) -> str:
    return summary(read(path)) if path.is_file() else "Verificatie: niet uitgevoerd."
