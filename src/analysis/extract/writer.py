"""Writing an extract in the contract's format (used by the generator and by the tests).

Input is one table per file with the contract's columns, as text (or dates, or euro cents
for `bedrag`); output is the directory a user would hand to `analysis run`. Written by
Arrow, deterministically: the same tables always give the same bytes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..core import contract as C


def cents_to_text(cents: pa.Array) -> pa.Array:
    """Whole cents as '1234.56' without going through floats."""
    euros = pc.cast(pc.divide(cents, 100), pa.string())
    rest = pc.utf8_lpad(pc.cast(pc.subtract(cents, pc.multiply(pc.divide(cents, 100), 100)),
                                pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise(euros, rest, ".")


def _as_text_table(spec: C.FileSpec, table: pa.Table | pd.DataFrame) -> pa.Table:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    arrays, names = [], []
    for name in table.column_names:
        col = table.column(name).combine_chunks()
        if pa.types.is_date(col.type):
            col = col.cast(pa.string())
        elif pa.types.is_timestamp(col.type):
            col = col.cast(pa.date32()).cast(pa.string())
        elif name == "bedrag" and pa.types.is_integer(col.type):
            col = cents_to_text(col)
        elif pa.types.is_null(col.type):
            col = col.cast(pa.string())
        elif not pa.types.is_string(col.type):
            col = col.cast(pa.string())
        arrays.append(col)
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _write_csv(table: pa.Table, path: Path) -> None:
    """Plain CSV as a database export writes it: quotes only where a value needs them."""
    try:
        with pa.OSFile(str(path), "wb") as sink:
            sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
            pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(
                include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:  # a value with a comma, quote or newline: quote strings
        with pa.OSFile(str(path), "wb") as sink:
            pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(quoting_style="needed"))


def write_extract(directory: str | Path, tables: dict[str, pa.Table | pd.DataFrame],
                  bron: str, synthetisch: bool, fmt: str = "csv", extra_meta: dict | None = None) -> Path:
    """Write `tables` (keyed by file stem) and extract.json into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = {"schema": C.SCHEMA, "bron": bron, "synthetisch": synthetisch}
    meta.update(extra_meta or {})
    (directory / C.EXTRACT_JSON).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    for spec in C.FILES:
        table = _as_text_table(spec, tables[spec.stem])
        if fmt == "parquet":
            pq.write_table(table, directory / f"{spec.stem}.parquet")
        else:
            _write_csv(table, directory / f"{spec.stem}.csv")
    return directory
