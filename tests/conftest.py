"""Shared fixtures: tiny extracts, the national-size synthetic extract, one full run.

The synthetic extract and the full run are expensive (seconds to tens of seconds), so they
are made once per test session and shared across pytest-xdist workers through a file lock
in the temporary base directory.
"""
from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this session."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    d = base / "shared"
    d.mkdir(exist_ok=True)
    return d


@pytest.fixture(scope="session")
def synthetic_extract(shared_dir) -> Path:
    """The shipped synthetic extract (generated once if absent; never modified by tests)."""
    from analysis.synth.generate import ensure_default
    with locked(shared_dir / "synth.lock"):
        return ensure_default(log=lambda *_: None)


@pytest.fixture(scope="session")
def synthetic(synthetic_extract, shared_dir):
    """The synthetic extract, validated and typed (derived once, shared)."""
    from analysis.extract import derived
    with locked(shared_dir / "derive.lock"):
        folder = derived.derive(synthetic_extract, shared_dir / "derived")
    return derived.load(folder)


def _run_once(extract: Path, shared: Path, name: str) -> Path:
    """A complete `analysis run` on the synthetic extract into shared/<name> (made once)."""
    out = shared / name
    with locked(shared / f"{name}.lock"):
        if not (out / "index.html").is_file():
            from analysis.core.params import Parameters
            from analysis.running.runner import RunConfig, run
            run(RunConfig(extract=extract, out=out, params=Parameters(),
                          derived_root=shared / "derived", log=lambda *_: None))
    return out


@pytest.fixture(scope="session")
def full_run(synthetic_extract, shared_dir) -> Path:
    """One complete run on the synthetic extract (the notebooks, the report)."""
    return _run_once(synthetic_extract, shared_dir, "run1")


@pytest.fixture(scope="session")
def second_run(full_run, synthetic_extract, shared_dir) -> Path:
    """The same run again, into another folder (for the identical-rerun test)."""
    return _run_once(synthetic_extract, shared_dir, "run2")
