"""Where the project keeps things, so that the CLI, notebooks and tests agree.

Two kinds of place. What the suite *ships* (the letter's reference figures, the notebooks,
the manifest of the synthetic extract) has one home in the repository; a checkout (an
editable install) reads it there, and an installed wheel reads the copy the build put
into the package (`analysis/_data/`, mirroring the repository's layout; see setup.py).
What the suite *works in* (data/raw, data/derived, reports) is under the project root:
the checkout, or `ANALYSIS_ROOT`, or for an installed package the current folder.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # src/analysis, or the installed package
PACKAGE_DATA = PACKAGE / "_data"


def checkout() -> Path | None:
    """The repository this module runs from, or None when installed from a wheel."""
    here = PACKAGE.parents[1]
    if (here / "pyproject.toml").is_file() and (here / "src" / "analysis").is_dir():
        return here
    return None


def shipped(relative: str) -> Path:
    """A file or folder the suite ships, by its path in the repository."""
    root = checkout()
    return (root if root is not None else PACKAGE_DATA) / relative


def project_root() -> Path:
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    return checkout() or Path.cwd().resolve()


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def default_extract() -> Path:
    """The shipped synthetic extract (generated on first use)."""
    return raw_dir() / "synthetisch"


def synthetic_manifest() -> Path:
    return shipped("data/raw/synthetisch.sha256")


DERIVED_ENV = "ANALYSIS_DERIVED"


def derived_root() -> Path:
    env = os.environ.get(DERIVED_ENV)
    return Path(env) if env else project_root() / "data" / "derived"


def reference_dir() -> Path:
    """The letter's figures and claims; ANALYSIS_REFERENCE points elsewhere (tests use it
    to show that a changed figure flows through generator and verification)."""
    env = os.environ.get("ANALYSIS_REFERENCE")
    return Path(env) if env else shipped("data/reference")


def notebooks_dir() -> Path:
    return shipped("notebooks")


def reports_dir() -> Path:
    return project_root() / "reports"
