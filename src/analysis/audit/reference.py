"""The letter's printed figures (data/reference/), read once and looked up by cell.

`data/reference/brief_2024-06-24_cijfers.csv` holds every figure of the letter that the
contract's outputs cover, as printed, with its unit, its precision and its place in the
letter. Nothing else in the code knows a published number: the generator takes its targets
from here and the verification compares against it.

Precision vocabulary:
  exact                   the count as DUO delivered it
  afgerond_honderdtallen  a count rounded to hundreds (half up)
  afgerond_tientallen     a count rounded to tens (half up)
  heel_procent            a whole percent, rounded as the letter does (see rounding.py)
  een_decimaal            a percent with one decimal, half up
  afgeleid                not printed itself but the sum or difference of printed figures;
                          `toelichting` gives the arithmetic
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

from ..core import paths

FIGURES_FILE = "brief_2024-06-24_cijfers.csv"
DATES_FILE = "brief_2024-06-24_peildata.toml"
LETTER_FILE = Path("bron") / "uitvoeringsbrief-inburgering-2024-06-24.txt"
COLUMNS = ("output", "rij", "kolom", "peildatum", "eenheid", "waarde", "precisie",
           "zoals_gedrukt", "regel", "vindplaats", "toelichting")
PRECISIONS = ("exact", "afgerond_honderdtallen", "afgerond_tientallen", "heel_procent",
              "een_decimaal", "afgeleid")
COUNT_STEP = {"exact": 1, "afgeleid": 1, "afgerond_tientallen": 10, "afgerond_honderdtallen": 100}


def figures_path(directory: Path | None = None) -> Path:
    return (directory or paths.reference_dir()) / FIGURES_FILE


def letter_path(directory: Path | None = None) -> Path:
    return (directory or paths.reference_dir()) / LETTER_FILE


def load_figures(path: Path | None = None) -> pd.DataFrame:
    path = path or figures_path()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: kolommen ontbreken: {', '.join(missing)}")
    bad = sorted(set(df["precisie"]) - set(PRECISIONS))
    if bad:
        raise ValueError(f"{path}: onbekende precisie {', '.join(bad)}")
    df["waarde"] = df["waarde"].astype(float)
    df["regel"] = df["regel"].astype(int)
    return df


def count_interval(value: float, precisie: str) -> tuple[int, int]:
    """All true counts that the letter would print as `value` (inclusive bounds)."""
    step = COUNT_STEP[precisie]
    v = int(round(value))
    if step == 1:
        return v, v
    return v - step // 2, v + step // 2 - 1


def lookup(figures: pd.DataFrame, output: str, rij: str, kolom: str, peildatum: str,
           eenheid: str = "aantal") -> pd.Series | None:
    """The reference row of one cell (the first, where the letter prints it twice)."""
    hit = figures[(figures["output"] == output) & (figures["rij"] == rij) & (figures["kolom"] == kolom)
                  & (figures["peildatum"] == peildatum) & (figures["eenheid"] == eenheid)]
    return None if hit.empty else hit.iloc[0]


def letter_parameters(directory: Path | None = None):
    """The letter's own peildatum, comparison date, ELIP peildata and threshold, as it states
    them: the parameters at which the audit evaluates the letter, whatever P a run has."""
    from ..core.params import Parameters
    with open((directory or paths.reference_dir()) / DATES_FILE, "rb") as fh:
        b = tomllib.load(fh)["brief"]
    return Parameters(peildatum=dt.date.fromisoformat(b["peildatum"]),
                      vorige_peildatum=dt.date.fromisoformat(b["vorige_peildatum"]),
                      elip_peildata=tuple(dt.date.fromisoformat(d) for d in b["elip_peildata"]),
                      elip_drempel_cent=int(b["elip_drempel"]) * 100)
