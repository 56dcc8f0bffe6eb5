"""Outputs and their cells as a reader knows them: from each output's declaration
(definitions/registry.py: its title, its row and column labels), and any other key in Dutch
(core/dutch.py). The one place the page, the workbook and the notebooks ask."""
from __future__ import annotations

from ..core import dutch
from ..definitions import registry


def output_label(name: str) -> str:
    """An output as a reader knows it ('Tabel 3'), from its declaration; another key in Dutch."""
    return short_title(name) if name in registry.SPECS else dutch.label(name)


def cell_label(name: str, key: str, axis: str) -> str:
    """A row ('rij') or column ('kolom') key of an output as its table labels it, else in Dutch."""
    spec = registry.SPECS.get(name)
    labels = (spec.rij_labels if axis == "rij" else spec.kolom_labels) if spec else {}
    return labels[key].strip() if key in labels else dutch.label(key)


def short_title(name: str) -> str:
    """'Tabel 1', 'Kerncijfers Wi2021': the first two words of the title."""
    return " ".join(registry.spec(name).titel.split(" ", 2)[:2])


def rij_label(name: str, key: str) -> str:
    """A row key as the letter labels it (dates as '1 mei 2024'); from the registry."""
    return _label(registry.spec(name).rij_labels, key)


def kolom_label(name: str, key: str) -> str:
    return _label(registry.spec(name).kolom_labels, key)


def _label(labels: dict[str, str], key: str) -> str:
    """As a table heads it: the declared label (indented where the letter indents), a date in
    words, else the key itself."""
    if key in labels:
        return labels[key]
    try:
        return dutch.datum(key)
    except ValueError:
        return key
