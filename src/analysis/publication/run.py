"""Everything one run publishes, in terms of persons, and its one protection pattern.

A run publishes (contract section 8): its tables at P (Tabel 2 and 4 also at Q, Tabel 6 at
every ELIP peildatum), the monitor outputs (the monthly series, the cohort outcomes and the
durations, with the counts their estimates reveal), the statistics' own counts (the ELIP
composition, the overlaps), the audit's tables at the letter's own dates and the tables the
claims read at other dates. Each is collected here with the persons it counts
(`registry.published`, `monitor.published`, `statistics.counts.published`); the pattern is
computed once, by the runner, before any notebook runs, and written with its reasons to
`tables/celbeveiliging.csv` (protect.py), which every notebook reads.
"""
from __future__ import annotations

from dataclasses import replace

from ..audit import reference
from ..core.params import Parameters
from ..definitions import registry
from ..extract.model import Extract
from .pattern import Pattern, Publication


def letter_parameters(params: Parameters) -> Parameters:
    """The letter's own dates and threshold, with the run's other settings (the audit's)."""
    return replace(reference.letter_parameters(), celbeveiliging=params.celbeveiliging, marge=params.marge,
                   seed=params.seed, min_at_risk=params.min_at_risk)


def _tables(pub: Publication, extract: Extract, params: Parameters, names=None, main: bool = False) -> None:
    for name in names or registry.LETTER_OUTPUTS:
        counts, ratios = registry.published(name, extract, params)
        pub.add(counts, ratios, main=main)


def _statistics(pub: Publication, extract: Extract, params: Parameters) -> None:
    from ..statistics import counts as stat_counts
    counts, blocks = stat_counts.published(extract, params)
    pub.add(counts, blocks=blocks)


def _monitor(pub: Publication, extract: Extract, params: Parameters) -> None:
    from ..definitions import monitor
    for name in registry.MONITOR_OUTPUTS:
        counts, ratios = monitor.published(name, extract, params)
        pub.add(counts, ratios)


def _audit(pub: Publication, extract: Extract, letter: Parameters) -> None:
    """The letter's tables at the dates the letter prints them, and at the letter's own
    parameters (what the claims and the audit's statistics read), and the tables the claims
    read at other dates (`cel_op`)."""
    from ..audit import claims as claims_mod
    from ..audit import verification
    fig = reference.load_figures()
    for output, part in fig.groupby("output", sort=False):
        for params in verification.audit_parameters(output, list(part["peildatum"]), letter):
            _tables(pub, extract, params, (output,))
    _tables(pub, extract, letter)
    _statistics(pub, extract, letter)
    ctx = claims_mod.Context(run_tables={}, params=letter)
    for name, d in sorted(claims_mod.dated_lookups(claims_mod.load_claims(), ctx)):
        _tables(pub, extract, Parameters(peildatum=d, elip_drempel_cent=letter.elip_drempel_cent), (name,))


def _cache(extract: Extract) -> dict:
    return extract.__dict__.setdefault("_publication_cache", {})


def run_publication(extract: Extract, params: Parameters, audit: bool = True, monitor: bool = True) -> Publication:
    """What a run at these parameters publishes (audit and monitor included by default);
    computed once per extract and parameters in a process."""
    key = ("publication", repr(params), audit, monitor)
    cache = _cache(extract)
    if key not in cache:
        cache[key] = _collect(extract, params, audit, monitor)
    return cache[key]


def _collect(extract: Extract, params: Parameters, audit: bool, monitor: bool) -> Publication:
    pub = Publication()
    _tables(pub, extract, params, main=True)
    _statistics(pub, extract, params)
    if monitor:
        _monitor(pub, extract, params)
    if audit:
        _audit(pub, extract, letter_parameters(params))
    return pub


def run_pattern(extract: Extract, params: Parameters) -> Pattern:
    """The run's one pattern (computed once per extract and parameters in a process)."""
    key = ("pattern", repr(params))  # a frozen dataclass: its repr names every field
    cache = _cache(extract)
    if key not in cache:
        cache[key] = run_publication(extract, params).pattern(params.celbeveiliging)
    return cache[key]


def call_pattern(extract: Extract, params: Parameters, counts: list, ratios: list) -> Pattern:
    """The pattern of one interface call (contract section 8), jointly with what a run at
    these parameters publishes: the run's hidden values stay hidden and its shown counts stay
    shown (they are public already), and only the call's own counts may be hidden beside them."""
    run_pub = run_publication(extract, params)
    laws = {c.wet for c in counts}
    pub = Publication()
    pub.add([c for c in run_pub.counts.values() if c.wet in laws])
    pub.add(counts, ratios)
    return pub.pattern(params.celbeveiliging, given=run_pattern(extract, params))
