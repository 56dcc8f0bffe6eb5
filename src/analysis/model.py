"""The validated, typed extract every table function receives.

Validation happens once, at the door (`validation.validate_extract`); whatever holds an
`Extract` may trust it: codes are categoricals with the contract's categories, dates are
datetime64, loans are whole euro cents, and loans and exams point at their person by row
number in `wi2013` (`persoon_nr`) so that tables never join on the pseudonym.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class ExtractMeta:
    schema: str
    bron: str
    synthetisch: bool
    checksum: str  # sha256 over the extract's files, see derived.extract_checksum
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extract:
    wi2021: pd.DataFrame  # persoon_id, doelgroep, datum_plicht, datum_einde, reden_einde, ...
    wi2013: pd.DataFrame  # persoon_id, doelgroep, datum_plicht, datum_einde, reden_einde, analfabeet
    leningen: pd.DataFrame  # persoon_nr, datum, bedrag_cent
    examens: pd.DataFrame  # persoon_nr, datum, onderdeel, geslaagd
    meta: ExtractMeta
