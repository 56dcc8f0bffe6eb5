"""`python -m analysis synth`: the synthetic national-size extract, deterministic by seed.

Targets come from the reference data, assumptions from `aannames.toml`; both are recorded
in extract.json so that anyone can see what the extract was made from. The shipped
default lives in data/raw/synthetisch (not committed: it is regenerated on first use) and
its SHA-256 manifest, data/raw/synthetisch.sha256, is committed: a test regenerates the
extract and compares, byte for byte.
"""
from __future__ import annotations

import copy
import hashlib
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__, paths
from .. import contract as C
from ..extract_writer import write_extract
from . import wi2013, wi2021
from .draw import GeneratorError
from .targets import load_targets

AANNAMES = Path(__file__).with_name("aannames.toml")
# The synthetic extract stands as of the letter's peildatum: it was "drawn" that day, so
# no event lies after it and a table at a later date is refused rather than undercounted.
STAND_PER = C.DEFAULT_PEILDATUM


def check_stand_per(tables: dict[str, pa.Table], stand_per) -> None:
    """Refuse to write an extract with an event after its own stand_per.

    Validation would refuse such an extract too; failing here says it is the generator's
    fault, not the user's.
    """
    limit = pa.scalar(stand_per, pa.date32())
    for stem, table in tables.items():
        for name in table.column_names:
            col = table.column(name)
            if pa.types.is_date(col.type) and pc.any(pc.greater(col, limit)).as_py():
                raise GeneratorError(f"{stem}.{name}: de generator trok een datum na stand_per "
                                     f"{stand_per.isoformat()}")


def load_assumptions(path: Path | None = None) -> dict:
    with open(path or AANNAMES, "rb") as fh:
        return tomllib.load(fh)


def generate(out: str | Path, seed: int | None = None, geplant_verschil: float | None = None,
             reference: Path | None = None, assumptions: dict | None = None, fmt: str = "csv") -> Path:
    """Write a synthetic extract to `out` (replacing it) and return its path."""
    a = copy.deepcopy(assumptions or load_assumptions())
    if seed is not None:
        a["algemeen"]["seed"] = int(seed)
    if geplant_verschil is not None:
        a["geplant"]["verschil"] = float(geplant_verschil)
    seed = int(a["algemeen"]["seed"])
    t21, t13 = load_targets(reference)
    # one stream per law, so that a change to one never moves the other
    rng21, rng13 = (np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(2))
    persons21 = wi2021.generate(rng21, t21, a["wi2021"])
    persons13, loans, exams = wi2013.generate(rng13, t13, a["wi2013"], a["geplant"],
                                              C.DEFAULT_ELIP_DREMPEL_EURO * 100)
    tables = {"wi2021_personen": persons21, "wi2013_personen": persons13,
              "wi2013_leningen": loans, "wi2013_examens": exams}
    check_stand_per(tables, STAND_PER)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    os.chmod(tmp, 0o755)
    try:
        write_extract(tmp, tables,
                      bron=("Synthetisch extract van analysis (python -m analysis synth). "
                            "Geen gegevens van echte personen: de aantallen volgen de "
                            "uitvoeringsbrief inburgering van 24 juni 2024, de rest komt uit "
                            "gedocumenteerde aannames."),
                      synthetisch=True, fmt=fmt,
                      extra_meta={"stand_per": STAND_PER.isoformat(),
                                  "generator": {"versie": __version__, "seed": seed,
                                                "geplant_verschil": a["geplant"]["verschil"],
                                                "geplant_cohorten": a["geplant"]["cohorten"]}})
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def manifest(directory: Path) -> str:
    """sha256sum-style lines for every file of an extract, sorted by name."""
    lines = []
    for path in sorted(Path(directory).iterdir()):
        if path.is_file():
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def default_is_current() -> bool:
    target, manifest_path = paths.default_extract(), paths.synthetic_manifest()
    if not target.is_dir():
        return False
    if not manifest_path.is_file():
        return True  # nothing to compare with (a fresh fork): trust what is there
    return manifest(target) == manifest_path.read_text(encoding="utf-8")


def ensure_default(log=print) -> Path:
    """The shipped synthetic extract, generated on first use (and when it is out of date)."""
    target = paths.default_extract()
    if default_is_current():
        return target
    log(f"Synthetisch extract wordt gemaakt in {target} (eenmalig, een paar seconden) ...")
    generate(target)
    if paths.synthetic_manifest().is_file() and not default_is_current():
        log("Let op: het gemaakte extract wijkt af van data/raw/synthetisch.sha256 "
            "(andere referentiecijfers, aannames of pakketversies?).")
    return target
