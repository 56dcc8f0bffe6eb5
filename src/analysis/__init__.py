"""Reproducible statistics of the Dutch integration system (inburgering).

Rebuilds the tables of the minister's uitvoeringsbrief from a DUO-style extract at any
peildatum: validation (`validation`), typed cache (`derived`), the contract's definitions
(`tables`), verification against the letter (`verification`), statistics (`statistics`),
the claims audit (`claims`), presentation (`presentation`) and the papermill runner
(`runner`). See README.md.
"""
__version__ = "1.0.0"
