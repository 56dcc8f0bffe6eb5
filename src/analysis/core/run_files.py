"""The files of a run folder (contract section 4), named once.

The runner builds the folder, the notebooks' session writes into it, the report page and the
workbook read it, `controleer` checks it and the command line reports on it: each asks a
`RunFolder` for a path, so that a file's name lives here and nowhere else. A base module: it
imports nothing of the package.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

INDEX = "index.html"
WORKBOOK = "tabellen.xlsx"
TABLES = "tables"
FIGURES = "figures"
NOTEBOOKS = "notebooks"
PARAMETERS = "parameters.json"
VERIFICATIE = "verificatie.csv"
CLAIMS = "claims.csv"
STATISTIEK = "statistiek.csv"
HERKOMST = "herkomst.json"  # beside every output: a run folder and a derived cache folder
RUN_LOG = "run.log"
KERNEL_LOG = "kernels.log"
CELBEVEILIGING = "celbeveiliging.csv"  # in tables/: the protection pattern, its reasons, no values
# what makes a folder recognisable as an earlier output of this suite (with herkomst.json)
LAYOUT = ((INDEX, "file"), (TABLES, "dir"))


@dataclass(frozen=True)
class RunFolder:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    @property
    def index(self) -> Path:
        return self.root / INDEX

    @property
    def workbook(self) -> Path:
        return self.root / WORKBOOK

    @property
    def tables(self) -> Path:
        return self.root / TABLES

    @property
    def figures(self) -> Path:
        return self.root / FIGURES

    @property
    def notebooks(self) -> Path:
        return self.root / NOTEBOOKS

    @property
    def parameters(self) -> Path:
        return self.root / PARAMETERS

    @property
    def verificatie(self) -> Path:
        return self.root / VERIFICATIE

    @property
    def claims(self) -> Path:
        return self.root / CLAIMS

    @property
    def statistiek(self) -> Path:
        return self.root / STATISTIEK

    @property
    def herkomst(self) -> Path:
        return self.root / HERKOMST

    @property
    def run_log(self) -> Path:
        return self.root / RUN_LOG

    @property
    def kernel_log(self) -> Path:
        return self.root / KERNEL_LOG

    @property
    def celbeveiliging(self) -> Path:
        return self.tables / CELBEVEILIGING

    def table(self, name: str) -> Path:
        return self.tables / f"{name}.csv"

    def figure(self, name: str, ext: str) -> Path:
        return self.figures / f"{name}.{ext}"

    def write_parameters(self, values: dict) -> Path:
        """parameters.json: what every notebook of the run was given (read back by the page,
        the workbook and the overview)."""
        self.parameters.write_text(json.dumps(values, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return self.parameters

    def read_parameters(self) -> dict:
        return json.loads(self.parameters.read_text(encoding="utf-8"))
