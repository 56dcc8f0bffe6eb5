"""Validated extracts as typed Arrow files, converted once and found again by checksum.

The first run on an extract validates it and writes `<derived root>/<key>/`: one Arrow IPC
file (Feather v2, uncompressed) per table and `herkomst.json` (what was derived from what,
by which version). The key is a checksum over the extract's files (name and SHA-256 of
each) and the reading options, so a changed byte gives a new key and a second run on the
same extract skips validation and conversion entirely. The folder is written under a
temporary name and renamed into place: a crash never leaves a half-written cache that a
later run would trust.

Why Arrow files and not Parquet: every kernel of a run opens the typed extract, twelve per
run. An uncompressed Arrow file is memory-mapped and read without decoding (the kernels
share its pages), 0,04 s for the four tables where Parquet took 0,2 to 0,4 s per kernel
(national synthetic extract, a fresh process); it takes three times the disk space.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from ..core import contract as C
from ..core import paths
from ..core.errors import UsageError
from ..core.run_files import HERKOMST  # the one name of a provenance file, a run's or the cache's
from ..core.version import __version__
from . import validation
from .checksums import extract_checksum, file_checksums
from .extract_io import find_file
from .model import PERSOON_ID_DTYPE, Extract, ExtractMeta

TABLES = Extract.TABLES
SUFFIX = ".arrow"
# Arrow text columns (persoon_id) come back as the typed extract's text, not as objects
_TEXT = {pa.string(): PERSOON_ID_DTYPE, pa.large_string(): PERSOON_ID_DTYPE}.get


def _write_table(df: pd.DataFrame, path: Path) -> None:
    feather.write_feather(df, path, compression="uncompressed")


def _read_table(path: Path) -> pd.DataFrame:
    return feather.read_table(path, memory_map=True).to_pandas(types_mapper=_TEXT)


def extract_files(directory: Path) -> list[Path]:
    """The extract's files as the contract names them (those that exist)."""
    found = [directory / C.EXTRACT_JSON] if (directory / C.EXTRACT_JSON).is_file() else []
    for spec in C.FILES:
        path, problems = find_file(directory, spec)
        if path is not None and not problems:
            found.append(path)
    return found


def check_root(extract_dir: str | Path, root: str | Path | None = None) -> Path:
    """The derived root (`root`, else ANALYSIS_DERIVED, else data/derived), refused when it is
    the extract or lies inside it (symlinks and `..` resolved): typed record-level copies
    must never be written into someone's input folder. Returned absolute: the derived folder's
    path is handed to notebook kernels and recorded in executed notebooks, which may later run
    from another working directory."""
    origin = "--derived" if root is not None else (
        f"{paths.DERIVED_ENV} (omgevingsvariabele)" if os.environ.get(paths.DERIVED_ENV) else "de standaardmap")
    root = Path(root) if root is not None else paths.derived_root()
    source, target = Path(extract_dir).resolve(), root.resolve()
    if target == source or source in target.parents:
        raise UsageError(f"De map voor afgeleide gegevens {root} ({origin}) is het extract {extract_dir} of "
                         "ligt erin. De suite schrijft nooit in een invoermap: de afgeleide gegevens zijn "
                         "kopieën op persoonsniveau. Kies een map buiten het extract. Er is niets geschreven.")
    return target


def derive(extract_dir: str | Path, root: str | Path | None = None,
           spreadsheet_nl: bool = False, before_write: Callable[[Extract], None] | None = None) -> Path:
    """Folder with the typed extract, creating it when no valid copy exists yet.

    `before_write` sees the validated extract before its copy is written, so that a caller
    can still refuse (a run past the horizon) with nothing written."""
    extract_dir = Path(extract_dir)
    root = check_root(extract_dir, root)
    sums = None
    if extract_dir.is_dir():
        sums = file_checksums(extract_files(extract_dir))
        key = extract_checksum(sums, spreadsheet_nl)
        if _complete(root / key[:16], key):
            return root / key[:16]
    extract = validation.validate_extract(extract_dir, spreadsheet_nl, checksums=sums)
    if before_write is not None:
        before_write(extract)
    key = extract.meta.checksum
    target = root / key[:16]
    if _complete(target, key):
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=root))
    try:
        for name in TABLES:
            _write_table(getattr(extract, name), tmp / f"{name}{SUFFIX}")
        herkomst = {
            "extract": str(extract_dir.resolve()),
            "checksum": key,
            "schema": extract.meta.schema,
            "bron": extract.meta.bron,
            "synthetisch": extract.meta.synthetisch,
            "stand_per": _iso(extract.meta.stand_per),
            "horizon": _iso(extract.meta.horizon),
            "generator": extract.meta.generator,
            "bestanden": extract.meta.files,
            "rijen": {name: int(len(getattr(extract, name))) for name in TABLES},
            "waarschuwingen": extract.meta.warnings,
            "gemaakt_door": f"analysis {__version__}",
            "gemaakt_op": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (tmp / HERKOMST).write_text(json.dumps(herkomst, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        # Another process may have derived the same extract meanwhile: its complete copy is
        # kept (removing it could pull the folder away from under a reader), ours dropped.
        if _complete(target, key):
            shutil.rmtree(tmp, ignore_errors=True)
            return target
        if target.exists():  # an incomplete earlier attempt
            shutil.rmtree(target)
        try:
            os.replace(tmp, target)
        except OSError:  # another process renamed its copy into place first
            if not _complete(target, key):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _complete(target: Path, key: str) -> bool:
    try:
        herkomst = json.loads((target / HERKOMST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    # a cache made before the horizon or the generator block was recorded is made again
    return (herkomst.get("checksum") == key and herkomst.get("horizon") is not None and "generator" in herkomst
            and all((target / f"{name}{SUFFIX}").is_file() for name in TABLES))


def herkomst(derived_dir: str | Path) -> dict:
    return json.loads((Path(derived_dir) / HERKOMST).read_text(encoding="utf-8"))


def load(derived_dir: str | Path) -> Extract:
    """The typed extract of a derived folder (what every notebook starts from)."""
    derived_dir = Path(derived_dir)
    if not (derived_dir / HERKOMST).is_file():
        raise UsageError(f"{derived_dir} bevat geen afgeleide gegevens (herkomst.json ontbreekt).")
    info = herkomst(derived_dir)
    frames = {name: (lambda path=derived_dir / f"{name}{SUFFIX}": _read_table(path)) for name in TABLES}
    meta = ExtractMeta(schema=info["schema"], bron=info["bron"], synthetisch=info["synthetisch"],
                       checksum=info["checksum"], files=info["bestanden"],
                       warnings=info.get("waarschuwingen", []),
                       stand_per=_date(info.get("stand_per")), horizon=_date(info.get("horizon")),
                       generator=info.get("generator"))
    return Extract(meta=meta, **frames)
