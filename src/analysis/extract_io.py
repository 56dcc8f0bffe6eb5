"""Reading an extract's files into columns of text, with every structural problem located.

The contract allows CSV and Parquet. Both are read into a `RawTable`: every column as an
Arrow string array (empty field -> null), plus a way to turn a record number into the line
a spreadsheet user would look at. Content rules live in `validation`; this module only
answers "can the file be read as the contract's CSV at all, and if not, where does it go
wrong?".

CSV is parsed by Arrow (fast). Because Arrow is lenient about a few things the contract is
not (a quote that never closes swallows the rest of the file into one field), the result is
cross-checked against the file's line count; when they disagree, a slow pass with Python's
csv module finds the exact line and says what is wrong there.

Dutch spreadsheets save CSV with a byte-order mark, semicolons and decimal commas. Such a
file is unambiguous, but it is not the contract's format: it is refused with a message that
says what was detected, unless the user passed `spreadsheet_nl=True` (`--spreadsheet-nl`),
in which case it is read as such and normalised.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .contract import FileSpec
from .errors import Violation

BOM = b"\xef\xbb\xbf"
CONVERT_HINT = (
    "Sla het bestand op als 'CSV (door komma's gescheiden)' in UTF-8 zonder BOM, met "
    "datums als JJJJ-MM-DD en een punt als decimaalteken, of start de analyse met "
    "--spreadsheet-nl om deze Nederlandse spreadsheetvorm bewust te laten inlezen."
)


@dataclass
class RawTable:
    """One extract file as text columns. `lines[i]` is the line of record i."""

    file: str  # file name as the user sees it, e.g. "wi2021_personen.csv"
    columns: dict[str, pa.Array]
    header: list[str]
    nrows: int
    line_word: str = "regel"
    lines: np.ndarray | None = None  # None: record i is on line i + 2
    notes: list[str] = field(default_factory=list)
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False

    def line_of(self, records: np.ndarray) -> np.ndarray:
        """Line numbers (1-based, header = line 1) of 0-based record numbers."""
        if self.line_word == "rij":
            return records + 1
        if self.lines is None:
            return records + 2
        return self.lines[records]

    def column_index(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


class ReadFailure(Exception):
    """The file cannot be read as a table; carries the violation that says why."""

    def __init__(self, violation: Violation):
        self.violation = violation
        super().__init__(violation.describe())


def _fail(file: str, rule: str, line: int | None = None, column: str | None = None,
          column_index: int | None = None, line_word: str = "regel") -> ReadFailure:
    return ReadFailure(Violation(file=file, rule=rule, column=column, column_index=column_index,
                                 lines=[line] if line else [], count=1 if line else 0,
                                 line_word=line_word))


def find_file(directory: Path, spec: FileSpec) -> tuple[Path | None, list[Violation]]:
    """The CSV or Parquet file of `spec` in `directory`; both present is ambiguous."""
    csv_path = directory / f"{spec.stem}.csv"
    pq_path = directory / f"{spec.stem}.parquet"
    found = [p for p in (csv_path, pq_path) if p.exists()]
    if len(found) == 2:
        return None, [Violation(
            file=f"{spec.stem}.csv",
            rule=f"zowel {spec.stem}.csv als {spec.stem}.parquet staat in het extract; "
                 "het is niet duidelijk welke geldt. Verwijder er één")]
    if not found:
        return None, [Violation(
            file=f"{spec.stem}.csv",
            rule=f"verplicht bestand ontbreekt ({spec.description}); verwacht "
                 f"{spec.stem}.csv of {spec.stem}.parquet")]
    path = found[0]
    if path.is_dir():
        return None, [Violation(file=path.name, rule="dit is een map, geen bestand")]
    return path, []


def read_table(path: Path, spreadsheet_nl: bool = False) -> RawTable:
    if path.suffix == ".parquet":
        return _read_parquet(path)
    return _read_csv(path, spreadsheet_nl)


# ---- Parquet --------------------------------------------------------------------------

def _read_parquet(path: Path) -> RawTable:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise _fail(path.name, f"kan niet als Parquet worden gelezen ({type(exc).__name__})") from None
    columns: dict[str, pa.Array] = {}
    for name in table.column_names:
        col = table.column(name).combine_chunks()
        columns[name] = _parquet_as_text(col)
    return RawTable(file=path.name, columns=columns, header=list(table.column_names),
                    nrows=table.num_rows, line_word="rij")


def _parquet_as_text(col: pa.Array) -> pa.Array:
    """Parquet columns may be typed; validation works on the contract's text form."""
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        out = col.cast(pa.string())
    elif pa.types.is_dictionary(t):
        out = col.cast(pa.string())
    elif pa.types.is_date(t):
        out = pc.strftime(col.cast(pa.date32()).cast(pa.timestamp("s")), format="%Y-%m-%d")
    elif pa.types.is_timestamp(t):
        # A timestamp at midnight is a date; any other time of day is kept visible.
        fmt = "%Y-%m-%d"
        secs = pc.cast(col.cast(pa.timestamp("s")), pa.int64())
        has_time = pc.any(pc.not_equal(pc.remainder(secs, 86400), 0)).as_py()
        if has_time:
            fmt = "%Y-%m-%dT%H:%M:%S"
        out = pc.strftime(col.cast(pa.timestamp("s")), format=fmt)
    elif pa.types.is_decimal(t) or pa.types.is_floating(t) or pa.types.is_integer(t):
        out = col.cast(pa.string())
    else:
        out = col.cast(pa.string())
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)


# ---- CSV ------------------------------------------------------------------------------

def _read_csv(path: Path, spreadsheet_nl: bool) -> RawTable:
    name = path.name
    data = path.read_bytes()
    notes: list[str] = []
    if not data or (len(data) < 65536 and not data.strip()):
        raise _fail(name, "het bestand is leeg; verwacht ten minste een kopregel met de kolomnamen")
    if data.startswith(BOM):
        if not spreadsheet_nl:
            raise _fail(name, "het bestand begint met een byte-order-mark (BOM), zoals Excel bij "
                              "'CSV UTF-8' opslaat. " + CONVERT_HINT, line=1)
        data = data[len(BOM):]
        notes.append("BOM verwijderd")
    try:
        text_ok = True
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text_ok = False
        bad = exc.start
    if not text_ok:
        line = data.count(b"\n", 0, bad) + 1
        start = data.rfind(b"\n", 0, bad) + 1
        sep = b";" if spreadsheet_nl and b";" in data[:data.find(b"\n")] else b","
        col = data.count(sep, start, bad)
        raise _fail(name, "bevat tekens die geen geldige UTF-8 zijn (byte "
                          f"0x{data[bad]:02x}, kolom {col + 1}); het bestand is waarschijnlijk "
                          "opgeslagen als Windows-1252/ANSI. Sla het op als UTF-8", line=line)

    first_end = data.find(b"\n")
    header_line = (data if first_end < 0 else data[:first_end]).rstrip(b"\r").decode("utf-8")
    delimiter = ","
    if ";" in header_line and "," not in header_line:
        if not spreadsheet_nl:
            raise _fail(name, "de kolommen zijn gescheiden door puntkomma's (';'), zoals een "
                              "Nederlandse spreadsheet opslaat; het contract vraagt komma's. "
                              + CONVERT_HINT, line=1)
        delimiter = ";"
        notes.append("puntkomma als scheidingsteken")
    header = next(csv.reader([header_line], delimiter=delimiter))
    if any(h.strip() == "" for h in header):
        i = next(i for i, h in enumerate(header) if h.strip() == "")
        raise _fail(name, f"de kopregel heeft een lege kolomnaam (kolom {i + 1})", line=1)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail(name, "de kopregel noemt een kolom meer dan één keer: " + ", ".join(dupes), line=1)

    convert = pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                   strings_can_be_null=True, null_values=[""],
                                   quoted_strings_can_be_null=True)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 24)
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid:
        _diagnose(name, data, header, delimiter)
        raise _fail(name, "kan niet als CSV worden gelezen") from None

    nrows = table.num_rows
    columns = {h: table.column(h).combine_chunks() for h in header}
    # A quote that never closes, or a blank line, makes the records disagree with the
    # lines; only then is the file read again, slowly, to say where.
    lines = None
    if _count_data_lines(data) != nrows:
        lines = _diagnose(name, data, header, delimiter)
    raw = RawTable(file=name, columns=columns, header=header, nrows=nrows, lines=lines, notes=notes)
    if spreadsheet_nl:
        raw.decimal_comma = delimiter == ";"
    _refuse_repeated_header(raw)
    return raw


def _count_data_lines(data: bytes) -> int:
    n = data.count(b"\n")
    if not data.endswith(b"\n"):
        n += 1
    return n - 1  # minus the header


def _diagnose(name: str, data: bytes, header: list[str], delimiter: str) -> np.ndarray:
    """Slow pass: find the first line that breaks CSV structure, or map records to lines.

    Returns the line number of each record when the file is sound (it may have blank
    lines); raises ReadFailure naming the line otherwise.
    """
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = len(header)
    total_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    lines: list[int] = []
    previous = 0
    try:
        for record_no, row in enumerate(reader):
            start, end = previous + 1, reader.line_num
            previous = end
            if record_no == 0 or not row:
                continue  # the header; or a blank line, which a spreadsheet shows as empty
            if end != start:
                raise _fail(name, "een veld loopt over meer dan één regel; meestal staat er een "
                                  "aanhalingsteken (\") dat niet wordt gesloten", line=start)
            if len(row) != width:
                what = "te weinig" if len(row) < width else "te veel"
                extra = " (is de laatste regel afgebroken?)" if (
                    len(row) < width and end == total_lines) else ""
                raise _fail(name, f"{what} velden: {len(row)} in plaats van {width}{extra}",
                            line=end)
            lines.append(end)
    except csv.Error as exc:
        msg = str(exc)
        if "EOF" in msg or "end of data" in msg or "unexpected end" in msg:
            rule = "een aanhalingsteken (\") wordt geopend maar niet gesloten"
            line = _line_of_unclosed_quote(text, delimiter)
            if line == total_lines and not text.endswith("\n"):
                rule += " (is de laatste regel afgebroken?)"
        else:
            rule = f"ongeldige CSV-opmaak ({msg})"
            line = reader.line_num
        raise _fail(name, rule, line=line) from None
    return np.asarray(lines, dtype=np.int64)


def _line_of_unclosed_quote(text: str, delimiter: str) -> int:
    """Line where the quote that never closes was opened."""
    inside = False
    opened_at = 1
    line = 1
    prev = delimiter
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
        if ch == '"':
            if not inside and prev in (delimiter, "\n", "\r"):
                inside = True
                opened_at = line
            elif inside:
                if i + 1 < len(text) and text[i + 1] == '"':
                    i += 1
                else:
                    inside = False
        prev = ch
        i += 1
    return opened_at



def _refuse_repeated_header(raw: RawTable) -> None:
    """A data line equal to the header means two files were pasted together."""
    if raw.nrows == 0:
        return
    first = raw.header[0]
    arr = raw.columns[first]
    hits = np.flatnonzero(np.asarray(pc.fill_null(pc.equal(arr, first), False)))
    for i in hits:
        if all(raw.columns[h][int(i)].as_py() == h for h in raw.header):
            line = int(raw.line_of(np.array([i]))[0])
            raise _fail(raw.file, "deze regel herhaalt de kopregel; zijn twee bestanden "
                                  "achter elkaar geplakt? Verwijder de herhaalde kopregel",
                        line=line)
