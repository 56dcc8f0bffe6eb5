"""`python -m analysis synth`: the synthetic national-size extract, deterministic by seed.

Targets come from the reference data, assumptions from `aannames.toml`; both are recorded
in extract.json so that anyone can see what the extract was made from. The shipped
default lives in data/raw/synthetisch (not committed: it is generated on first use) and
its SHA-256 manifest, data/raw/synthetisch.sha256, is committed: a test regenerates the
extract and compares, byte for byte.

Raw data is never changed once written (docs/keuzes.md): the generator writes a new
folder, or finds the very same bytes already there, and refuses anything else. It never
deletes a folder; moving an old one away is the user's decision.
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

from ..core import contract as C
from ..core import paths
from ..core.errors import UsageError
from ..core.extract_kind import generator_block
from ..core.version import __version__
from ..extract.writer import write_extract
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
    """Write a synthetic extract to a new folder `out` and return its path.

    If `out` already holds exactly what this call would write, nothing changes; any other
    existing, non-empty `out` is refused (UsageError) and left as it was."""
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
                                  "generator": generator_block(__version__, seed, a["geplant"]["verschil"],
                                                               a["geplant"]["cohorten"])})
        try:
            os.rename(tmp, out)  # fails, without touching it, when `out` holds anything
            return out
        except OSError:
            if not out.is_dir() or _listing(out) != _listing(tmp):
                raise UsageError(
                    f"{out} bestaat al en bevat iets anders dan het synthetische extract dat nu "
                    "gemaakt zou worden. Ruwe gegevens worden nooit overschreven of gewist. Kies "
                    "een nieuwe map met --out, of verplaats de bestaande map zelf (bijvoorbeeld "
                    f"naar {out.name}-oud) en start opnieuw.") from None
            return out  # the same bytes are already there
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _listing(directory: Path) -> tuple:
    """Every entry with its checksum (folders too: an extra folder is a difference)."""
    return tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "map")
                 for p in sorted(Path(directory).iterdir()))


def manifest(directory: Path) -> str:
    """sha256sum-style lines for every file of an extract, sorted by name."""
    lines = []
    for path in sorted(Path(directory).iterdir()):
        if path.is_file():
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def ensure_default(log=print) -> Path:
    """The shipped synthetic extract, generated on first use; an existing folder is used
    only when it matches the committed manifest, and is never regenerated or removed."""
    target, manifest_path = paths.default_extract(), paths.synthetic_manifest()
    try:
        expected = manifest_path.read_text(encoding="utf-8")
    except OSError:
        raise UsageError(f"Het manifest van het synthetische extract ({manifest_path}) ontbreekt; "
                         "zonder manifest kan niet worden gecontroleerd dat het extract klopt. "
                         "Herstel het bestand uit git, of geef een eigen extract op met --extract.") from None
    if not target.exists():
        log(f"Synthetisch extract wordt gemaakt in {target} (eenmalig, een paar seconden) ...")
        new = target.with_name(f".{target.name}.nieuw-{os.getpid()}")
        shutil.rmtree(new, ignore_errors=True)  # ours (this process id), left by a killed run
        try:
            generate(new)
            if manifest(new) != expected:
                raise UsageError(
                    f"Het zojuist gemaakte synthetische extract wijkt af van {manifest_path} (andere "
                    "referentiecijfers, aannames of pakketversies?); het is niet in "
                    f"{target} gezet. Na een bewuste wijziging van de generator: maak het extract "
                    "met `python -m analysis synth --out <nieuwe map>` en leg het manifest dat die "
                    "opdracht toont vast in data/raw/synthetisch.sha256.")
            try:
                os.rename(new, target)  # another process may have been first: then compare below
            except OSError:
                pass
        finally:
            shutil.rmtree(new, ignore_errors=True)
    if not target.is_dir() or manifest(target) != expected:
        raise UsageError(
            f"{target} bestaat, maar komt niet overeen met het vastgelegde manifest "
            f"{manifest_path}. Ruwe gegevens worden nooit overschreven of gewist, dus er is niets "
            f"veranderd. Is dit een extract van een oudere versie, verplaats de map dan zelf "
            f"(bijvoorbeeld naar {target.name}-oud); de volgende run maakt een nieuwe. Wilt u een "
            "eigen extract gebruiken, zet het in een eigen map en geef die op met --extract.")
    return target
