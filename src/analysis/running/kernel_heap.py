"""An IPython extension for the kernels a run starts: after each cell, what survives it is
frozen out of the cyclic garbage collector's sight (`gc.freeze`).

Why: a notebook kernel holds a large, long-lived heap (IPython, pandas, scipy, matplotlib:
hundreds of thousands of objects) and does a little work on top of it. Python's collector
walks that whole heap at every full collection, a few times while a notebook computes and
draws, about a tenth of a second each time: together 2 to 4 CPU seconds of a run's kernels.
Frozen objects are skipped; what a cell creates and drops is still collected as before.

What it costs: cyclic garbage among objects that outlived a cell is never collected (plain
reference counting still frees everything else). A run's kernel lives for one notebook and
is then ended (`kernels.papermill_options`), so nothing accumulates; this is why only kernels
started by `kernels.py` load it, never a researcher's own JupyterLab kernel. It changes no
output: a run before and after has equal notebooks, pages, tables and figures.

Imports nothing but `gc`: it is loaded into every kernel before the notebook's first cell.
"""
from __future__ import annotations

import gc


def load_ipython_extension(ipython) -> None:
    ipython.events.register("post_execute", gc.freeze)


def unload_ipython_extension(ipython) -> None:
    ipython.events.unregister("post_execute", gc.freeze)
