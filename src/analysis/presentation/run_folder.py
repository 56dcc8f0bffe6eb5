"""What a run's notebooks wrote, read once for the pages made from it.

The report (index.html) and the workbook (tabellen.xlsx) show the same numbers because they
read them from one `RunResults`: the tables, the audit, the statistics, the parameters as the
run recorded them, and the protection pattern with the cells it hides.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..audit import claims_file
from ..audit import verification_file
from ..core.extract_kind import Description
from ..core.params import Parameters, parse_parameters
from ..core.run_files import RunFolder
from ..definitions import outputs, registry
from ..publication import protect, record
from ..statistics import results as stats_results


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
    params = folder.read_parameters()
    p = parse_parameters(params["peildatum"], params["vorige_peildatum"], params["elip_peildata"],
                         params["elip_drempel"], celbeveiliging=params["celbeveiliging"], marge=params["marge"],
                         seed=params["seed"], min_at_risk=params.get("min_at_risk"))
    tables = outputs.read_tables(folder.tables, registry.SPECS)
    pattern = record.read_records(folder.tables, p.celbeveiliging) if p.celbeveiliging else None
    return RunResults(params=params, parameters=p, tables=tables,
                      verification=verification_file.read(folder.verificatie),
                      claims=claims_file.read(folder.claims), statistics=stats_results.read(folder.statistiek),
                      prov=prov, kind=Description.of_herkomst(prov["extract"]), pattern=pattern,
                      secret=protect.secret(pattern, tables, p))
