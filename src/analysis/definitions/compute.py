"""Any output by its name (contract sections 3 and 7), whatever its kind.

The registry declares every output and computes the letter's tables; the monitor computes its
series and estimates, reading the letter's tables through the registry. This module is the one
place that knows both, so that neither needs the other in a circle.
"""
from __future__ import annotations

import pandas as pd

from . import monitor, registry


def output(name: str, extract, params) -> pd.DataFrame:
    """The output at the parameters' peildatum in the long format, unprotected (the run's
    pattern is applied by whoever shows it)."""
    if registry.spec(name).monitor:
        return monitor.compute(name, extract, params.peildatum, params.min_at_risk)
    return registry.compute(name, extract, params)
