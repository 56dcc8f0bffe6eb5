"""Where the project keeps things, so that the CLI, notebooks and tests agree.

The root is the checkout (found from this file in an editable install, or `ANALYSIS_ROOT`),
so a notebook opened in JupyterLab from `notebooks/` finds the same shipped extract and
reference data as `make report` run from the top.
"""
from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file() and (here / "data").is_dir():
        return here
    return Path.cwd().resolve()


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def default_extract() -> Path:
    """The shipped synthetic extract (generated on first use)."""
    return raw_dir() / "synthetisch"


def synthetic_manifest() -> Path:
    return raw_dir() / "synthetisch.sha256"


def derived_root() -> Path:
    env = os.environ.get("ANALYSIS_DERIVED")
    return Path(env) if env else project_root() / "data" / "derived"


def reference_dir() -> Path:
    """The letter's figures and claims; ANALYSIS_REFERENCE points elsewhere (tests use it
    to show that a changed figure flows through generator and verification)."""
    env = os.environ.get("ANALYSIS_REFERENCE")
    return Path(env) if env else project_root() / "data" / "reference"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"
