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

Hostile or odd files end in a located refusal, never in an internal error: a FIFO or a
device is not read at all (it could block or never end); Parquet columns of a type the
contract has no use for (nested, time zone, time of day) are named; CSV lines with the
wrong number of fields are all reported, and the well-formed lines are still checked.
"""
from __future__ import annotations

import csv
import io
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..core.contract import FileSpec
from ..core.errors import Violation, shorten

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # little and big endian (UTF-32 LE starts the same)
UTF16_HINT = ("het bestand is opgeslagen als UTF-16 (in Excel heet dat 'Unicode-tekst'); het "
              "contract vraagt UTF-8. Sla het op als UTF-8: in Excel als 'CSV UTF-8', in een "
              "teksteditor met de codering UTF-8")


def is_utf16(data: bytes) -> bool:
    """UTF-16 text: a UTF-16 byte-order mark, or (without one) ASCII text in two bytes per
    character, every other byte zero. Said as such, because the other diagnoses (invalid
    UTF-8 'probably Windows-1252', or column names full of NUL characters) send the user
    to the wrong fix."""
    if data.startswith(UTF16_BOMS):
        return True
    head = data[:512]
    if len(head) < 4:
        return False
    odd, even = head[1::2], head[0::2]
    return odd.count(0) >= 0.9 * len(odd) or even.count(0) >= 0.9 * len(even)
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
    # structural problems of lines that were left out (the rest is still checked)
    problems: list[Violation] = field(default_factory=list)

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
    """The file cannot be read as a table; carries the violations that say why."""

    def __init__(self, violations: Violation | list[Violation]):
        self.violations = [violations] if isinstance(violations, Violation) else list(violations)
        super().__init__("; ".join(v.describe() for v in self.violations))


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
    problem = not_a_regular_file(path)
    if problem:
        return None, [Violation(file=path.name, rule=problem)]
    return path, []


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be read as a data file, or None when it can.

    A named pipe would block the run until someone writes into it and a device such as
    /dev/zero never ends: neither is opened. A symbolic link to a regular file is fine.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"kan niet worden geopend ({exc.strerror or type(exc).__name__})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "dit is een map, geen bestand"
    kind = ("een named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "een apparaat" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "een socket" if stat.S_ISSOCK(mode) else "geen gewoon bestand")
    return (f"dit is {kind}, geen gewoon bestand; het wordt niet gelezen. Geef een "
            "CSV- of Parquetbestand op")


def read_table(path: Path, spreadsheet_nl: bool = False) -> RawTable:
    if path.suffix == ".parquet":
        return _read_parquet(path)
    return _read_csv(path, spreadsheet_nl)


# ---- Parquet --------------------------------------------------------------------------

def _read_parquet(path: Path) -> RawTable:
    try:
        # ParquetFile, not read_table: the dataset reader refuses duplicate column names
        # without saying which, and they are reported below by name
        with pq.ParquetFile(path) as pf:
            table = pf.read()
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise _fail(path.name, f"kan niet als Parquet worden gelezen ({type(exc).__name__})") from None
    names = list(table.column_names)
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        raise _fail(path.name, "het bestand heeft meer dan één kolom met dezelfde naam: "
                    + ", ".join(shorten(d) for d in dupes))
    columns: dict[str, pa.Array] = {}
    problems: list[Violation] = []
    for i, name in enumerate(names):
        try:
            columns[name] = _parquet_as_text(table.column(i).combine_chunks())
        except _ColumnProblem as problem:
            problems.append(Violation(file=path.name, rule=problem.rule, column=name, column_index=i,
                                      lines=problem.rows[:5], count=problem.count,
                                      line_word="rij"))
    if problems:
        raise ReadFailure(problems)
    return RawTable(file=path.name, columns=columns, header=names,
                    nrows=table.num_rows, line_word="rij")


class _ColumnProblem(Exception):
    """A Parquet column that cannot be read as the contract's text; `rows` 1-based."""

    def __init__(self, rule: str, rows: np.ndarray | None = None):
        super().__init__(rule)
        self.rule = rule
        rows = np.asarray([] if rows is None else rows, dtype=np.int64)
        self.rows = [int(r) + 1 for r in rows[:5]]
        self.count = int(rows.size)


_UNITS_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_MS_PER_DAY = 86_400_000
# Day numbers outside 0001-01-01 .. 9999-12-31 are clipped to those (validation then
# refuses them as outside 1900-2100); it keeps absurd timestamps from overflowing.
_MIN_DAY, _MAX_DAY = -719_162, 2_932_896


def _days_as_text(days: np.ndarray, valid: np.ndarray) -> pa.Array:
    days = np.clip(days, _MIN_DAY, _MAX_DAY).astype(np.int32)
    return pa.array(days, type=pa.int32(), mask=~valid).cast(pa.date32()).cast(pa.string())


def _ticks_as_dates(col: pa.Array, per_day: int, what: str) -> pa.Array:
    """Whole days of a tick count (ms, ns, ...) since 1970; a time of day is refused."""
    valid = np.asarray(col.is_valid(), dtype=bool)
    ticks = np.asarray(col.cast(pa.int64()).fill_null(0), dtype=np.int64)
    days, rest = np.divmod(ticks, per_day)
    off = np.flatnonzero(valid & (rest != 0))
    if off.size:
        raise _ColumnProblem(f"{what} met een tijdstip anders dan middernacht; het contract "
                             "vraagt kalenderdatums (JJJJ-MM-DD). Sla de kolom op als datum "
                             "(date32)", off)
    return _days_as_text(days, valid)


def _invalid_utf8_rows(col: pa.Array) -> np.ndarray:
    """Rows whose bytes are not UTF-8 (slow; only called when validation found some)."""
    values = col.cast(pa.large_binary()) if not pa.types.is_string(col.type) else col.view(pa.binary())
    bad = []
    for i, v in enumerate(values.to_pylist()):
        if v is None:
            continue
        try:
            v.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    return np.asarray(bad, dtype=np.int64)


def _utf8_text(col: pa.Array) -> pa.Array:
    """Text of a string or binary column, refusing bytes that are not UTF-8."""
    t = col.type
    if pa.types.is_string_view(t) or pa.types.is_binary_view(t):
        col = col.cast(pa.large_binary())
    elif pa.types.is_fixed_size_binary(t):
        col = col.cast(pa.binary())
    if pa.types.is_large_string(col.type):
        col = col.view(pa.large_binary())
    elif pa.types.is_string(col.type):
        col = col.view(pa.binary())
    target = pa.large_string() if pa.types.is_large_binary(col.type) else pa.string()
    as_text = col.view(target)
    try:
        as_text.validate(full=True)
    except pa.ArrowInvalid:
        raise _ColumnProblem("bevat tekst die geen geldige UTF-8 is; sla het bestand op met "
                             "UTF-8-tekst", _invalid_utf8_rows(col)) from None
    return as_text.cast(pa.string())


def _parquet_as_text(col: pa.Array) -> pa.Array:
    """Parquet columns may be typed; validation works on the contract's text form.

    Accepted: text (string, large_string, string_view, dictionary-encoded, binary holding
    UTF-8), dates (date32, date64, timestamps of any unit at midnight without a time zone),
    numbers and booleans (as their text, for validation to judge). Anything else is refused
    with the column named: nested data, time zones, times of day, durations.
    """
    t = col.type
    if pa.types.is_dictionary(t):
        return _parquet_as_text(col.dictionary_decode())
    if (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
            or pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t)
            or pa.types.is_fixed_size_binary(t)):
        out = _utf8_text(col)
    elif pa.types.is_date32(t):
        out = _days_as_text(np.asarray(col.cast(pa.int32()).fill_null(0), dtype=np.int64),
                            np.asarray(col.is_valid(), dtype=bool))
    elif pa.types.is_date64(t):
        out = _ticks_as_dates(col, _MS_PER_DAY, "datum (date64)")
    elif pa.types.is_timestamp(t):
        if t.tz is not None:
            raise _ColumnProblem(
                f"tijdstempel met tijdzone ({shorten(str(t.tz))}); welke kalenderdag bedoeld is "
                "hangt af van de tijdzone waarin het bestand is geschreven, dus deze wordt niet "
                "geraden. Sla de kolom op als datum (date32) of als tijdstempel zonder tijdzone")
        out = _ticks_as_dates(col, 86_400 * _UNITS_PER_SECOND[t.unit], "tijdstempel")
    elif (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
          or pa.types.is_boolean(t) or pa.types.is_null(t)):
        out = col.cast(pa.string())
    else:
        raise _ColumnProblem(
            f"kolom van het Parquet-type {shorten(str(t))}; het contract vraagt per kolom "
            "één waarde: tekst, een datum of een getal (geen lijsten, structuren of tijdsduren)")
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)


# ---- CSV ------------------------------------------------------------------------------

def _read_csv(path: Path, spreadsheet_nl: bool) -> RawTable:
    name = path.name
    data = path.read_bytes()
    notes: list[str] = []
    if not data or (len(data) < 65536 and not data.strip()):
        raise _fail(name, "het bestand is leeg; verwacht ten minste een kopregel met de kolomnamen")
    if is_utf16(data):
        raise _fail(name, UTF16_HINT, line=1)
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
    data = _line_ends(name, data)
    ends_with_newline = data.endswith(b"\n")
    if not ends_with_newline:  # a last line without its line end is still a line
        data += b"\n"

    first_end = data.find(b"\n")
    header_line = data[:first_end].rstrip(b"\r").decode("utf-8")
    delimiter = ","
    if ";" in header_line and "," not in header_line:
        if not spreadsheet_nl:
            raise _fail(name, "de kolommen zijn gescheiden door puntkomma's (';'), zoals een "
                              "Nederlandse spreadsheet opslaat; het contract vraagt komma's. "
                              + CONVERT_HINT, line=1)
        delimiter = ";"
        notes.append("puntkomma als scheidingsteken")
    header = _header(name, header_line, delimiter)

    convert = pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                   strings_can_be_null=True, null_values=[""],
                                   quoted_strings_can_be_null=True)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 24)
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid:
        table = None

    # A line with the wrong number of fields, a quote that never closes, or a blank line
    # makes the records disagree with the lines; only then is the file read again,
    # slowly, to say where (every such line, not just the first).
    lines = None
    problems: list[Violation] = []
    if table is None or data.count(b"\n") - 1 != table.num_rows:
        records, lines, problems = _slow_read(name, data, header, delimiter, ends_with_newline)
        if table is None or problems or table.num_rows != len(records):
            table = _table_of(records, header)
    nrows = table.num_rows
    columns = {h: table.column(h).combine_chunks() for h in header}
    raw = RawTable(file=name, columns=columns, header=header, nrows=nrows, lines=lines,
                   notes=notes, problems=problems)
    if spreadsheet_nl:
        raw.decimal_comma = delimiter == ";"
    _refuse_repeated_header(raw)
    return raw


def _line_ends(name: str, data: bytes) -> bytes:
    """LF and CRLF line ends as they are; a file with only CR (classic Mac) read as LF.

    A CR inside a file that otherwise uses LF is not a line end anyone meant: refused with
    its line, rather than guessed.
    """
    if b"\r" not in data:
        return data
    if b"\n" not in data:
        return data.replace(b"\r", b"\n")
    if data.endswith(b"\r"):
        data = data[:-1] + b"\n"
    stray = re.search(rb"\r(?!\n)", data)
    if stray:
        raise _fail(name, "bevat een los CR-teken (\\r) dat geen regeleinde is, midden in een "
                          "regel; het bestand mengt regeleinden. Sla het op met gewone "
                          "regeleinden (LF of CRLF)", line=data.count(b"\n", 0, stray.start()) + 1)
    return data


def _header(name: str, header_line: str, delimiter: str) -> list[str]:
    try:
        header = next(csv.reader([header_line], delimiter=delimiter, strict=True))
    except csv.Error:
        raise _fail(name, "de kopregel is geen geldige CSV: een aanhalingsteken (\") wordt niet "
                          "op dezelfde regel gesloten. Een kolomnaam mag geen regeleinde bevatten",
                    line=1) from None
    if any(h.strip() == "" for h in header):
        i = next(i for i, h in enumerate(header) if h.strip() == "")
        raise _fail(name, f"de kopregel heeft een lege kolomnaam (kolom {i + 1})", line=1)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail(name, "de kopregel noemt een kolom meer dan één keer: "
                    + ", ".join(shorten(d) for d in dupes), line=1)
    return header


def _table_of(records: list[list[str]], header: list[str]) -> pa.Table:
    """The well-formed records of the slow pass as text columns (empty field -> null)."""
    arrays = []
    for i in range(len(header)):
        arr = pa.array([r[i] for r in records], type=pa.string())
        arrays.append(pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr))
    return pa.Table.from_arrays(arrays, names=header)


def _slow_read(name: str, data: bytes, header: list[str], delimiter: str,
               ends_with_newline: bool) -> tuple[list[list[str]], np.ndarray, list[Violation]]:
    """Slow pass: the well-formed records, their line numbers, and every broken line.

    Lines with the wrong number of fields and fields over several lines are reported all
    together (grouped per kind) and left out, so that the remaining lines can still be
    checked. A quote that never closes swallows the rest of the file: nothing after it can
    be read, so that ends the pass with a ReadFailure naming its line.
    """
    text = data.decode("utf-8")
    width = len(header)
    total_lines = text.count("\n")
    records: list[list[str]] = []
    lines: list[int] = []
    broken: dict[str, list[int]] = {}
    previous = 0
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(data) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record_no, row in enumerate(reader):
            start, end = previous + 1, reader.line_num
            previous = end
            if record_no == 0 or not row:
                continue  # the header; or a blank line, which a spreadsheet shows as empty
            if end != start:
                broken.setdefault("een veld loopt over meer dan één regel; meestal staat er een "
                                  "aanhalingsteken (\") dat niet wordt gesloten", []).append(start)
                continue
            if len(row) != width:
                what = "te weinig" if len(row) < width else "te veel"
                extra = " (is de laatste regel afgebroken?)" if (
                    len(row) < width and end == total_lines and not ends_with_newline) else ""
                broken.setdefault(f"{what} velden: {len(row)} in plaats van {width}{extra}",
                                  []).append(end)
                continue
            records.append(row)
            lines.append(end)
    except csv.Error as exc:
        msg = str(exc)
        if "EOF" in msg or "end of data" in msg or "unexpected end" in msg:
            rule = "een aanhalingsteken (\") wordt geopend maar niet gesloten"
            line = _line_of_unclosed_quote(text, delimiter)
            if line == total_lines and not ends_with_newline:
                rule += " (is de laatste regel afgebroken?)"
        else:
            rule = f"ongeldige CSV-opmaak ({shorten(msg)})"
            line = reader.line_num
        problems = _grouped(name, broken)
        problems.append(Violation(file=name, rule=rule, lines=[line], count=1))
        raise ReadFailure(problems) from None
    finally:
        csv.field_size_limit(limit)
    return records, np.asarray(lines, dtype=np.int64), _grouped(name, broken)


def _grouped(name: str, broken: dict[str, list[int]]) -> list[Violation]:
    return [Violation(file=name, rule=rule, lines=where[:5], count=len(where))
            for rule, where in sorted(broken.items(), key=lambda kv: kv[1][0])]


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
