"""The validated, typed extract every table function receives.

Validation happens once, at the door (`validation.validate_extract`); whatever holds an
`Extract` may trust it: codes are categoricals with the contract's categories, dates are
datetime64, loans are whole euro cents, and loans and exams point at their person by row
number in `wi2013` (`persoon_nr`) so that tables never join on the pseudonym.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

# persoon_id in the typed extract: Arrow-backed text. Nothing counts with it (the tables
# count rows, and loans and exams point at a person by row number), and as Python objects
# it cost each of a run's twelve kernels about 0,1 s to unpack from the derived cache.
PERSOON_ID_DTYPE = pd.StringDtype("pyarrow")


@dataclass
class ExtractMeta:
    schema: str
    bron: str
    synthetisch: bool
    checksum: str  # sha256 over the extract's files, see checksums.extract_checksum
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    warnings: list[str] = field(default_factory=list)
    # Contract v1.1: the date the extract says it was drawn (extract.json), if it says so,
    # and the horizon: stand_per when given, else the latest event date in the extract.
    # A table at a date after the horizon would count too few events. Both are set by
    # validation and survive the derived cache; None only in hand-made metadata.
    stand_per: dt.date | None = None
    horizon: dt.date | None = None
    # extract.json's `generator` block as written (None when absent): with `synthetisch` it
    # says whose extract this is, and so what agreement with the letter can mean on it.
    generator: object = None


class Extract:
    """The four tables of an extract and its metadata.

    A table may be given as a frame or as a function that loads it: derived.load passes
    loaders, so a notebook that only needs the Wi2021 persons never reads the exam attempts.
    """

    TABLES = ("wi2021", "wi2013", "leningen", "examens")

    def __init__(self, wi2021, wi2013, leningen, examens, meta: ExtractMeta):
        self._frames = {"wi2021": wi2021, "wi2013": wi2013, "leningen": leningen, "examens": examens}
        self.meta = meta
        self._once: dict = {}

    def once(self, key: str, make):
        """`make(self)`, computed the first time it is asked for and kept with the extract.

        For arrangements of the tables that several definitions read (the loans in date
        order): a validated extract does not change, and a notebook that computes Tabel 6 at
        fourteen dates should not sort half a million loans fourteen times."""
        if key not in self._once:
            self._once[key] = make(self)
        return self._once[key]

    def _get(self, name: str) -> pd.DataFrame:
        value = self._frames[name]
        if callable(value):
            value = self._frames[name] = value()
        return value

    # persoon_id, doelgroep, datum_plicht, datum_einde, reden_einde, lbt, pip, leerroute, aanbod
    wi2021 = property(lambda self: self._get("wi2021"))
    # persoon_id, doelgroep, datum_plicht, datum_einde, reden_einde, analfabeet
    wi2013 = property(lambda self: self._get("wi2013"))
    # persoon_nr (row of wi2013), datum, bedrag_cent
    leningen = property(lambda self: self._get("leningen"))
    # persoon_nr (row of wi2013), datum, onderdeel, geslaagd
    examens = property(lambda self: self._get("examens"))
