"""What produced an output, written beside it: extract, parameters, code, packages.

`herkomst.json` in every run folder answers "where does this number come from?" months
later: the extract's checksum and files, the parameters, the commit of the code (and
whether it had uncommitted changes), the versions of every package that computes or
draws, and how long each step took. `run.log` keeps the run's progress lines.
"""
from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import json
import platform
import subprocess
import sys
from pathlib import Path

from ..core import paths
from ..core.extract_kind import Description
from ..core.run_files import HERKOMST, LAYOUT  # noqa: F401 (provenance.HERKOMST, .LAYOUT: read by others)
from ..core.version import __version__

# Written into every herkomst.json: with the layout below, it is how a later run knows that
# a folder is an earlier output of this suite (and may be replaced), not someone's folder.
MAKER_FIELD, MAKER = "gemaakt_door", "analysis"
PACKAGES = ("numpy", "pandas", "pyarrow", "scipy", "statsmodels", "matplotlib", "papermill",
            "ipykernel", "nbconvert", "openpyxl")


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "niet geïnstalleerd"
    return out


def git_commit(root: Path | None = None) -> dict[str, object]:
    """The commit of the checkout that runs; an installed package has none (and the
    current folder may be some other repository, whose commit would be a lie)."""
    root = root or paths.checkout()
    if root is None:
        return {"commit": f"geïnstalleerd pakket {__version__}", "gewijzigd": None}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        return {"commit": commit, "gewijzigd": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "onbekend", "gewijzigd": None}


def collect(info: dict, cfg, started: dt.datetime, extract_dir: Path) -> dict:
    h = cfg.horizon
    kind = Description.of(info["synthetisch"], info.get("generator"), info["bron"])
    horizon_info = {"datum": h.date.isoformat() if h and h.date else None,
                    "stand_per": h.stand_per.isoformat() if h and h.stand_per else None,
                    "bron": "stand_per" if h and h.stand_per else "laatste gebeurtenis"}
    return {
        MAKER_FIELD: f"{MAKER} {__version__}",
        "suite": f"analysis {__version__}",
        "code": git_commit(),
        "gestart": started.isoformat(timespec="seconds"),
        "klaar": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "extract": {
            "map": str(Path(extract_dir).resolve()),
            "checksum_sha256": info["checksum"],
            "bron": info["bron"],
            "synthetisch": info["synthetisch"],
            "generator": info.get("generator"),
            # whose extract this is (extract_kind): what agreement with the letter can mean on it
            "soort": kind.kind,
            "beschrijving": kind.label,
            "bestanden": info["bestanden"],
        },
        "parameters": cfg.params.as_dict() | {"spreadsheet_nl": cfg.spreadsheet_nl},
        "horizon": horizon_info,
        "waarschuwingen": list(cfg.warnings),
        "pakketten": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "tijden_s": {k: round(v, 2) for k, v in cfg.timings.items()},
    }


def write(out: Path, info: dict, cfg, started: dt.datetime, extract_dir: Path) -> Path:
    data = collect(info, cfg, started, extract_dir)
    path = out / HERKOMST
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def is_earlier_output(folder: Path) -> bool:
    """True for a folder this suite wrote: a herkomst.json that parses and names this suite
    as its maker, beside the report's layout. Anything else is someone else's folder."""
    folder = Path(folder)
    try:
        data = json.loads((folder / HERKOMST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    maker = data.get(MAKER_FIELD) if isinstance(data, dict) else None
    if not isinstance(maker, str) or maker.split(" ")[0] != MAKER:
        return False
    kinds = {"file": Path.is_file, "dir": Path.is_dir}
    return all(kinds[kind](folder / name) for name, kind in LAYOUT)
