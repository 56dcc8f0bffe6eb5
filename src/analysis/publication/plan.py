"""Which notebooks a run executes, from which source, with which extra parameters.

One parameterised notebook (notebooks/tabel.ipynb) shows every table of the registry; a
run executes it once per table under the name the registry gives (01_kerncijfers_wi2021.ipynb,
...), so the executed copies read as before. The statistics, the audit and the overview keep
their own notebooks; the monitor outputs (contract section 7) share one notebook,
notebooks/monitor.ipynb, executed under the name the registry gives them. The runner schedules from this plan and the report lists the notebooks
from it, so neither needs the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..definitions import registry

TABLE_NOTEBOOK = "tabel.ipynb"
MONITOR_NOTEBOOK = "monitor.ipynb"
STATISTIEK = "09_statistiek.ipynb"
AUDIT = "10_verificatie_en_claims.ipynb"
OVERZICHT = "00_overzicht.ipynb"
# Notebooks in notebooks/ that a run does not execute: the researcher's starting point.
NOT_RUN = ("verkenning.ipynb",)


@dataclass(frozen=True)
class Job:
    target: str  # the executed notebook's name in the run's notebooks/
    source: str  # the notebook in notebooks/ it is executed from
    parameters: dict = field(default_factory=dict)  # beyond the run's parameters
    needs: tuple[str, ...] = ()  # targets that must be done first


def jobs() -> tuple[Job, ...]:
    """In order of priority: the longest first, and the overview as soon as what it reads is
    there, so that no core idles at the end."""
    tables = [Job(registry.spec(n).notebook, TABLE_NOTEBOOK, {"tabel": n}) for n in registry.LETTER_OUTPUTS]
    monitor = [Job(t, MONITOR_NOTEBOOK) for t in dict.fromkeys(registry.spec(n).notebook
                                                              for n in registry.MONITOR_OUTPUTS)]
    # The audit waits for the statistics: when the run's dates are the letter's, the claims
    # quote the statistics notebook's results instead of computing them again.
    return (Job(STATISTIEK, STATISTIEK), *monitor, Job(AUDIT, AUDIT, needs=(STATISTIEK,)),
            Job(OVERZICHT, OVERZICHT, needs=(AUDIT,)), *reversed(tables))


def sources() -> set[str]:
    return {j.source for j in jobs()}


def targets() -> list[str]:
    """The executed notebooks in reading order (overview, tables, statistics, audit)."""
    return sorted(j.target for j in jobs())
