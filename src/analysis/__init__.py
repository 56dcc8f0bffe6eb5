"""Reproducible statistics of the Dutch integration system (inburgering).

Rebuilds the tables of the minister's uitvoeringsbrief from a DUO-style extract at any
peildatum: validation (`validation`), typed cache (`derived`), the contract's definitions
(`tables`), verification against the letter (`verification`), statistics (`statistics`),
the claims audit (`claims`), presentation (`presentation`) and the papermill runner
(`runner`). For exploration from Python: `analysis.open_extract()` (`explore`).
See README.md.
"""
from .core.version import __version__  # noqa: E402,F401

import os  # noqa: E402 - for the annotation of open_extract only
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from .interface import explore


def open_extract(path: "str | os.PathLike[str] | None" = None, celbeveiliging: int = 0,
                 min_at_risk: "int | None" = None) -> "explore.Verkenning":
    """Open an extract for exploration (contract section 6); see `analysis.interface.explore`.

    `path`: an extract folder (None: the shipped synthetic extract); `celbeveiliging=N`:
    suppress every count below N in every result; `min_at_risk`: how many must still be
    followed for a share read at a day (the monitor outputs, `duur(..., dagen=...)`; None: the
    run's default). Returns a `Verkenning` with `stand_per`, `tabel`, `kruistabel`, `duur` and
    `mediaan`; see README, "Verkennen vanuit Python".

    Imported on first call, so that `import analysis` stays cheap for the command line.
    """
    from .interface.explore import open_extract as _open

    return _open(path, celbeveiliging, min_at_risk)
