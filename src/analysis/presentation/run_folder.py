"""What a run's notebooks wrote, read once for the pages made from it.

The report (index.html) and the workbook (tabellen.xlsx) show the same numbers because they
read them from one `RunResults`: the tables, the audit, the statistics, the parameters as the
run recorded them, and the protection pattern with the cells it hides.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import claims as claims_mod
from .. import outputs
from .. import verification as verification_mod
from ..extract_kind import Description
from ..params import Parameters, parse_parameters
from ..publication import protect as publication
from ..run_files import RunFolder
from ..statistics import analyses as stats_mod


@dataclass(frozen=True)
class RunResults:
    params: dict  # parameters.json as the run wrote it (dates as ISO strings)
    parameters: Parameters  # the same, typed
    tables: dict[str, pd.DataFrame]
    verification: pd.DataFrame
    claims: pd.DataFrame
    statistics: pd.DataFrame
    prov: dict  # herkomst: extract, code, packages
    kind: Description  # what the extract is (synthetic, real, someone else's)
    pattern: object  # the run's protection pattern, None without celbeveiliging
    secret: set  # the cells the pattern hides


def read(out: Path, prov: dict) -> RunResults:
    folder = RunFolder(out)
    params = json.loads(folder.parameters.read_text(encoding="utf-8"))
    p = parse_parameters(params["peildatum"], params["vorige_peildatum"], params["elip_peildata"],
                         params["elip_drempel"], celbeveiliging=params["celbeveiliging"], marge=params["marge"],
                         seed=params["seed"], min_at_risk=params.get("min_at_risk"))
    tables = outputs.read_tables(folder.tables)
    pattern = publication.read_records(folder.tables, p.celbeveiliging) if p.celbeveiliging else None
    return RunResults(params=params, parameters=p, tables=tables,
                      verification=verification_mod.read(folder.verificatie),
                      claims=claims_mod.read(folder.claims), statistics=stats_mod.read(folder.statistiek),
                      prov=prov, kind=Description.of_herkomst(prov["extract"]), pattern=pattern,
                      secret=publication.secret(pattern, tables, p))
