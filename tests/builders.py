"""Hand-built tiny extracts: write a few persons, know every answer by heart.

`Extract` collects rows with sensible defaults (everything not given is empty), writes a
contract-conform directory, and can return the typed extract directly.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import contract as C
from analysis.extract.writer import write_extract
from analysis.extract.validation import validate_extract


def _row(spec: C.FileSpec, values: dict) -> dict:
    unknown = set(values) - set(spec.column_names)
    if unknown:
        raise KeyError(f"{spec.stem}: unknown columns {unknown}")
    return {c: values.get(c) for c in spec.column_names}


# The `bron` of a synthetic extract someone else made, and of a real one (markup in both: it
# must reach every output as text).
OTHER_BRON = "Synthetisch oefenbestand van team <X> & co (gemaakt met synthpop)."
REAL_BRON = "DUO, levering inburgering <mei> 2024."


class Extract:
    def __init__(self):
        self.rows = {spec.stem: [] for spec in C.FILES}
        self._n21 = 0
        self._n13 = 0

    def wi2021(self, **v) -> str:
        self._n21 += 1
        v.setdefault("persoon_id", f"A{self._n21:04d}")
        v.setdefault("doelgroep", "asiel")
        v.setdefault("datum_plicht", "2023-01-01")
        self.rows["wi2021_personen"].append(_row(C.WI2021, v))
        return v["persoon_id"]

    def wi2013(self, **v) -> str:
        self._n13 += 1
        v.setdefault("persoon_id", f"B{self._n13:04d}")
        v.setdefault("doelgroep", "asiel")
        v.setdefault("datum_plicht", "2016-03-01")
        self.rows["wi2013_personen"].append(_row(C.WI2013, v))
        return v["persoon_id"]

    def lening(self, persoon_id: str, datum: str, bedrag: str) -> None:
        self.rows["wi2013_leningen"].append({"persoon_id": persoon_id, "datum": datum, "bedrag": bedrag})

    def examen(self, persoon_id: str, datum: str, onderdeel: str, uitslag: str = "geslaagd") -> None:
        self.rows["wi2013_examens"].append({"persoon_id": persoon_id, "datum": datum,
                                           "onderdeel": onderdeel, "uitslag": uitslag})

    def frames(self) -> dict[str, pd.DataFrame]:
        out = {}
        for spec in C.FILES:
            rows = self.rows[spec.stem]
            out[spec.stem] = pd.DataFrame(rows, columns=list(spec.column_names)).astype(object)
        return out

    def write(self, directory: Path, fmt: str = "csv", synthetisch: bool = True, bron: str = "test",
              extra_meta: dict | None = None) -> Path:
        if not self.rows["wi2021_personen"]:
            self.wi2021(persoon_id="VUL21", datum_plicht="2099-01-01")  # a person outside every table
        if not self.rows["wi2013_personen"]:
            self.wi2013(persoon_id="VUL13", datum_plicht="2099-01-01")
        return write_extract(directory, self.frames(), bron=bron, synthetisch=synthetisch, fmt=fmt,
                             extra_meta=extra_meta)

    def load(self, directory: Path):
        return validate_extract(self.write(directory))


def valid_extract(directory: Path) -> Path:
    """A small extract that passes validation and touches every file and column."""
    x = Extract()
    x.wi2021(persoon_id="A1", doelgroep="asiel", datum_plicht="2022-03-01", datum_lbt="2022-04-01",
             uitslag_lbt="haalbaar", datum_pip="2022-05-01", leerroute="b1", datum_aanbod="2022-06-01")
    x.wi2021(persoon_id="A2", doelgroep="gezin", datum_plicht="2023-02-01", datum_einde="2024-01-01",
             reden_einde="vervallen")
    x.wi2021(persoon_id="A3", doelgroep="overig", datum_plicht="2023-06-01", datum_lbt="2023-07-01",
             uitslag_lbt="niet_haalbaar", datum_pip="2023-08-01", leerroute="z")
    b1 = x.wi2013(persoon_id="B1", doelgroep="asiel", datum_plicht="2016-03-01", analfabeet="ja")
    x.wi2013(persoon_id="B2", doelgroep="gezin", datum_plicht="2015-01-10", datum_einde="2019-05-01",
             reden_einde="ingeburgerd", analfabeet="nee")
    x.lening(b1, "2017-01-01", "9500.00")
    x.examen(b1, "2017-02-01", "knm")
    x.examen(b1, "2017-03-01", "lezen", "gezakt")
    return x.write(directory)


def earlier_output(folder: Path, note: str = "vorig rapport") -> Path:
    """A folder shaped like an earlier output of the suite (what a run may replace): the
    herkomst.json with this suite's maker field, index.html and tables/."""
    import json

    from analysis import __version__
    from analysis.running import provenance
    folder.mkdir(parents=True, exist_ok=True)
    (folder / provenance.HERKOMST).write_text(json.dumps(
        {provenance.MAKER_FIELD: f"{provenance.MAKER} {__version__}", "vorige": "run"}))
    (folder / "index.html").write_text(note)
    (folder / "tables").mkdir(exist_ok=True)
    (folder / "tables" / "tabel1.csv").write_text("oud\n")
    return folder


def cut_extract(source: Path, target: Path, stand_per: str, meta: dict | None = None) -> Path:
    """The extract `source` as it would have been drawn on `stand_per`: persons whose plicht
    starts later are left out (with their loans and exams), every later event is emptied
    with the field that belongs to it, and extract.json declares `stand_per`. `meta`
    replaces fields of extract.json (a key set to None is removed)."""
    import json

    from analysis.core import contract as C

    def late(col: pd.Series) -> pd.Series:
        return col.notna() & (col > stand_per)

    frames = {spec.stem: pd.read_csv(Path(source) / f"{spec.stem}.csv", dtype=str, keep_default_na=False)
              .replace("", None) for spec in C.FILES}
    w21 = frames["wi2021_personen"]
    w21 = w21[~late(w21["datum_plicht"])].copy()
    for date, companions in (("datum_einde", ["reden_einde"]), ("datum_lbt", ["uitslag_lbt"]),
                             ("datum_pip", ["leerroute", "datum_aanbod"]), ("datum_aanbod", [])):
        gone = late(w21[date])
        w21.loc[gone, [date, *companions]] = None
    w13 = frames["wi2013_personen"]
    w13 = w13[~late(w13["datum_plicht"])].copy()
    gone = late(w13["datum_einde"])
    w13.loc[gone, ["datum_einde", "reden_einde"]] = None
    kept = set(w13["persoon_id"])
    loans, exams = frames["wi2013_leningen"], frames["wi2013_examens"]
    loans = loans[loans["persoon_id"].isin(kept) & ~late(loans["datum"])]
    exams = exams[exams["persoon_id"].isin(kept) & ~late(exams["datum"])]
    info = json.loads((Path(source) / C.EXTRACT_JSON).read_text(encoding="utf-8"))
    info["stand_per"] = stand_per
    for key, value in (meta or {}).items():
        if value is None:
            info.pop(key, None)
        else:
            info[key] = value
    extra = {k: v for k, v in info.items() if k not in ("schema", "bron", "synthetisch")}
    return write_extract(target, {"wi2021_personen": w21, "wi2013_personen": w13,
                                  "wi2013_leningen": loans, "wi2013_examens": exams},
                         bron=info["bron"], synthetisch=info["synthetisch"], extra_meta=extra)
