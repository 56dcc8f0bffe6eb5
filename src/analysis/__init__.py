"""Reproducible statistics of the Dutch integration system (inburgering).

Rebuilds the tables of the minister's uitvoeringsbrief from a DUO-style extract at any
peildatum: validation (`validation`), typed cache (`derived`), the contract's definitions
(`tables`), verification against the letter (`verification`), statistics (`statistics`),
the claims audit (`claims`), presentation (`presentation`) and the papermill runner
(`runner`). For exploration from Python: `analysis.open_extract()` (`explore`).
See README.md.
"""
__version__ = "1.0.0"


def open_extract(path=None, celbeveiliging: int = 0):
    """Open an extract for exploration (contract section 6); see `analysis.explore`.

    Imported on first call, so that `import analysis` stays cheap for the command line.
    """
    from .explore import open_extract as _open

    return _open(path, celbeveiliging)
