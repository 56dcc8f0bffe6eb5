"""claims.csv as a reader reads it: its columns, statuses and sources, reading it back, the
report's order and the one-line summary.

Kept apart from the evaluation that writes it (claims.py), so that a reader of a run folder
needs none of the audit's machinery.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = ("id", "sectie", "peildatum", "citaat", "gepubliceerd", "berekend", "status", "bron", "toelichting")
STATUSES = ("afwijkend", "niet_vergelijkbaar", "niet_toetsbaar", "bevestigd")  # the report's order
BRON_EXTRACT, BRON_BRIEF = "extract", "brief"
BRONNEN = (BRON_EXTRACT, BRON_BRIEF)  # the report's order


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Claims on the extract before those on the letter's own figures; within each, deviating
    claims first, then not comparable, untestable, confirmed (stable within)."""
    rank = {s: i for i, s in enumerate(STATUSES)}
    source_rank = df["bron"].map({b: i for i, b in enumerate(BRONNEN)}) if "bron" in df else 0
    return (df.assign(_b=source_rank, _r=df["status"].map(rank))
            .sort_values(["_b", "_r", "id"], kind="stable").drop(columns=["_b", "_r"]))


def summary(df: pd.DataFrame) -> str:
    """The claims in one line, the two sources apart: a sentence checked against the
    letter's own figures is never counted among those the extract confirms."""
    def counts(part: pd.DataFrame, always: tuple[str, ...], words: dict[str, str]) -> str:
        c = {s: int((part["status"] == s).sum()) for s in STATUSES}
        shown = [s for s in ("bevestigd", "afwijkend", "niet_toetsbaar", "niet_vergelijkbaar") if c[s] or s in always]
        return ", ".join(f"{c[s]} {words.get(s, s.replace('_', ' '))}" for s in shown)

    on_extract, on_letter = df[df["bron"] == BRON_EXTRACT], df[df["bron"] == BRON_BRIEF]
    line = (f"Claims: {len(df)} uitspraken uit de brief. Getoetst aan dit extract: {len(on_extract)} "
            f"({counts(on_extract, ('bevestigd', 'afwijkend', 'niet_toetsbaar'), {})}).")
    if len(on_letter):
        words = {"bevestigd": "kloppen binnen de brief", "afwijkend": "tegenstrijdig in de brief"}
        line += (f" Alleen getoetst aan de eigen cijfers van de brief, los van het extract: {len(on_letter)} "
                 f"({counts(on_letter, ('bevestigd', 'afwijkend'), words)}).")
    return line


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)
