"""Every rule of the extract contract, checked at once, reported by file, line and column.

`validate_extract` reads an extract directory and either returns a typed `Extract` or
raises one `ExtractError` listing every problem found (grouped per file, column and rule,
with the first lines and a count). Checks are vectorised over Arrow arrays so that a
ten-times-national extract validates in seconds.

Where the contract is silent this module decides, and docs/keuzes.md records why:
dates must lie in 1900-2100; amounts have at most two decimals and at most
MAX_BEDRAG_CENT per payment; a persons file without a single person is refused; extra
columns are ignored with a warning, unless their values look like burgerservicenummers.

The extract's horizon (contract v1.1) is decided here too: `stand_per` from extract.json
when given (and then no event may lie after it), else the latest event date of the
extract, over every date column of every file.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core import contract as C
from ..core.errors import ExtractError, UsageError, Violation, dutch_int, shorten
from .checksums import extract_checksum, file_checksums
from .extract_io import CONVERT_HINT, UTF16_HINT, RawTable, ReadFailure, find_file, is_utf16, not_a_regular_file, read_table
from .model import PERSOON_ID_DTYPE, Extract, ExtractMeta

NL_DATE = r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$"
BEDRAG = r"^(?P<euro>[0-9]{1,12})(?:[.](?P<frac>[0-9]*))?$"
BEDRAG_COMMA = r"^(?P<euro>[0-9]{1,12}),(?P<frac>[0-9]*)$"
# A Dutch spreadsheet (--spreadsheet-nl with semicolons) may group thousands with points:
# 10.000,00 and 1.234.567 can only mean one amount; 10.000 can mean ten euro (the contract's
# decimal point) or ten thousand (a thousands point), so it is refused, never guessed.
BEDRAG_GROUPED = r"^[0-9]{1,3}(?:[.][0-9]{3})+,[0-9]*$|^[0-9]{1,3}(?:[.][0-9]{3}){2,}$"
BEDRAG_ONE_GROUP = r"^[0-9]{1,3}[.][0-9]{3}$"
# Upper bound of one loan payment, in cents: 1.000.000,00 euro. The contract gives none; the
# largest DUO loan is around 10.000 euro, so a million is generous for any real payment and
# still keeps every sum of payments exact in int64 (an overflow would need ~92 billion
# payments). Without it, 95.000 payments of 999.999.999.999,99 wrap a person's sum negative
# and that person silently drops out of ELIP.
MAX_BEDRAG_CENT = 100_000_000
MAX_META_BYTES = 1 << 20  # extract.json is a few lines; more is not an extract description
BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False), dtype=bool)


class _Collector:
    """Collects violations of one file as (column, rule) groups."""

    def __init__(self, raw: RawTable, out: list[Violation]):
        self.raw = raw
        self.out = out

    def mask(self, mask: np.ndarray, column: str | None, rule: str,
             values: pa.Array | None = None) -> None:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        lines = self.raw.line_of(idx[:5]).tolist()
        example = None
        if values is not None:
            example = shorten(values[int(idx[0])].as_py())
        self.out.append(Violation(
            file=self.raw.file, rule=rule, column=column,
            column_index=self.raw.column_index(column) if column else None,
            lines=[int(x) for x in lines], count=int(idx.size), example=example,
            line_word=self.raw.line_word))

    def whole_file(self, rule: str, column: str | None = None) -> None:
        self.out.append(Violation(file=self.raw.file, rule=rule, column=column,
                                  column_index=self.raw.column_index(column) if column else None,
                                  line_word=self.raw.line_word, lines=[1] if column else [],
                                  count=1 if column else 0))


def looks_like_bsn(values: pa.Array) -> np.ndarray:
    """True where a value is nine digits that pass the elfproef (the BSN check)."""
    nine = _np(pc.match_substring_regex(values, r"^[0-9]{9}$"))
    result = np.zeros(len(values), dtype=bool)
    if not nine.any():
        return result
    idx = np.flatnonzero(nine)
    digits = np.frombuffer("".join(values.take(pa.array(idx)).to_pylist()).encode("ascii"),
                           dtype=np.uint8).reshape(-1, 9).astype(np.int64) - ord("0")
    result[idx] = (digits @ BSN_WEIGHTS) % 11 == 0
    return result


# ---- per column -----------------------------------------------------------------------

_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_EPOCH = dt.date(1970, 1, 1)


def _iso_fixed(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers of ten-byte values read as JJJJ-MM-DD, and which are real dates.

    Works on the bytes directly (no per-value parsing): at ten times national size this is
    what keeps validation within its time budget.
    """
    values = values.cast(pa.string())
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset: values.offset + n + 1]
    raw = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[0] + 10 * n].reshape(n, 10)
    shape = ((raw[:, [0, 1, 2, 3, 5, 6, 8, 9]] - np.uint8(48)) <= 9).all(axis=1)
    shape &= (raw[:, 4] == 45) & (raw[:, 7] == 45)

    def num(*cols: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.int32)
        for c in cols:
            out = out * 10 + (raw[:, c].astype(np.int32) - 48)
        return out
    year, month, day = num(0, 1, 2, 3), num(5, 6), num(8, 9)
    good = shape & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    limit = _DAYS_IN_MONTH[np.clip(month - 1, 0, 11)] + ((month == 2) & leap)
    good &= day <= limit
    months = np.where(good, (year - 1970) * 12 + (month - 1), 0).astype("datetime64[M]")
    days = months.astype("datetime64[D]").astype(np.int64) + np.where(good, day - 1, 0)
    return days, good


def _parse_dates(col: C.Column, arr: pa.Array, check: _Collector, allow_nl: bool) -> pa.Array:
    """Dates as date32; a value that is not a real ISO date is a violation (and null)."""
    n = len(arr)
    present = _np(pc.is_valid(arr))
    days = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    ten = present & (np.asarray(pc.fill_null(pc.binary_length(arr), 0)) == 10)
    if ten.any():
        idx = np.flatnonzero(ten)
        days[idx], ok[idx] = _iso_fixed(arr.filter(pa.array(ten)))
    rest = np.flatnonzero(present & ~ok)
    if rest.size:  # the few that are not plain ISO dates: say what they look like
        sub = arr.take(pa.array(rest))
        nl = np.zeros(n, dtype=bool)
        nl[rest] = _np(pc.match_substring_regex(sub, NL_DATE))
        if allow_nl and nl.any():
            parsed = pc.strptime(sub, format="%d-%m-%Y", unit="s", error_is_null=True)
            back = pc.strftime(parsed, format="%d-%m-%Y")  # rejects 30-02-2023
            real = _np(pc.equal(back, sub))
            sub_days = np.asarray(pc.fill_null(pc.cast(pc.cast(parsed, pa.date32()), pa.int32()), 0))
            fix = rest[real]
            days[fix] = sub_days[real]
            ok[fix] = True
        bad = present & ~ok
        if not allow_nl:
            check.mask(bad & nl, col.name,
                       "datum staat als DD-MM-JJJJ (Nederlandse spreadsheetvorm); het contract "
                       "vraagt JJJJ-MM-DD. " + CONVERT_HINT, arr)
            check.mask(bad & ~nl, col.name,
                       "geen geldige datum; verwacht JJJJ-MM-DD, bijvoorbeeld 2024-05-01", arr)
        else:
            check.mask(bad, col.name, "geen geldige datum; verwacht JJJJ-MM-DD of DD-MM-JJJJ", arr)
    lo, hi = (C.MIN_DATE - _EPOCH).days, (C.MAX_DATE - _EPOCH).days
    out_of_range = ok & ((days < lo) | (days > hi))
    check.mask(out_of_range, col.name,
               "datum ligt buiten 1900-2100; is het jaartal goed ingevoerd?", arr)
    ok &= ~out_of_range
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=~ok).cast(pa.date32())


def _parse_bedrag(col: C.Column, arr: pa.Array, check: _Collector, decimal_comma: bool) -> pa.Array:
    """Whole euro cents as int64: money is never a float here."""
    present = _np(pc.is_valid(arr))
    shown = arr  # messages quote the value as the file holds it
    ambiguous = np.zeros(len(arr), dtype=bool)
    if decimal_comma:
        grouped = _np(pc.match_substring_regex(arr, BEDRAG_GROUPED))
        ambiguous = _np(pc.match_substring_regex(arr, BEDRAG_ONE_GROUP))
        check.mask(ambiguous, col.name,
                   "bedrag is dubbelzinnig: de punt kan een decimaalteken zijn (tien euro bij 10.000) of "
                   "duizendtallen scheiden (tienduizend euro); schrijf het bedrag met een decimale komma "
                   "(10.000,00 of 10,00) of zonder punt (10000)", arr)
        arr = pc.if_else(pa.array(grouped), pc.replace_substring(arr, ".", ""), arr)
    point = pc.extract_regex(arr, BEDRAG)
    ok = _np(pc.is_valid(point)) & ~ambiguous
    comma = _np(pc.is_valid(pc.extract_regex(arr, BEDRAG_COMMA)))
    if decimal_comma:
        parts = pc.if_else(pa.array(comma), pc.extract_regex(arr, BEDRAG_COMMA), point)
        ok = ok | comma
    else:
        parts = point
        check.mask(present & comma, col.name,
                   "bedrag met een decimale komma; het contract vraagt een punt "
                   "(bijvoorbeeld 1250.50). " + CONVERT_HINT, shown)
    check.mask(present & ~ok & ~(comma & ~decimal_comma) & ~ambiguous, col.name,
               "geen geldig bedrag; verwacht euro's met een punt als decimaalteken, "
               "bijvoorbeeld 1250.50", shown)
    euro = pc.struct_field(parts, "euro")
    frac = pc.fill_null(pc.struct_field(parts, "frac"), "")
    frac2 = pc.utf8_slice_codeunits(pc.utf8_rpad(frac, width=2, padding="0"), 0, 2)
    rest = pc.utf8_slice_codeunits(frac, 2, 64)
    too_fine = _np(pc.match_substring_regex(rest, "[1-9]"))
    check.mask(too_fine, col.name, "bedrag heeft meer dan twee decimalen (centen)", shown)
    cents = pc.add_checked(pc.multiply_checked(pc.cast(pc.fill_null(euro, "0"), pa.int64()), 100),
                           pc.cast(frac2, pa.int64()))
    cents = pc.if_else(pa.array(ok & ~too_fine), cents, pa.scalar(None, pa.int64()))
    check.mask(_np(pc.less_equal(cents, 0)), col.name, "bedrag moet groter dan 0 zijn", shown)
    too_big = _np(pc.greater(cents, MAX_BEDRAG_CENT))
    check.mask(too_big, col.name,
               f"bedrag is groter dan {dutch_int(MAX_BEDRAG_CENT // 100)},00 euro voor één "
               "betaling; zo'n bedrag is vrijwel zeker een invoer- of exportfout (staan de "
               "centen er als hele euro's in?)", shown)
    return pc.if_else(pa.array(too_big), pa.scalar(None, pa.int64()), cents)


def _check_columns(spec: C.FileSpec, raw: RawTable, check: _Collector,
                   allow_nl: bool) -> dict[str, pa.Array] | None:
    """Per-column rules; returns parsed columns, or None when the header is unusable."""
    missing = [c for c in spec.column_names if c not in raw.columns]
    for name in missing:
        check.out.append(Violation(file=raw.file, column=name, line_word=raw.line_word,
                                   lines=[1], count=1,
                                   rule="verplichte kolom ontbreekt in de kopregel"))
    if missing:
        return None
    if spec.must_have_rows and raw.nrows == 0:
        check.whole_file("bevat geen personen: alleen een kopregel")
    parsed: dict[str, pa.Array] = {}
    for col in spec.columns:
        arr = raw.columns[col.name]
        if col.required:
            check.mask(~_np(pc.is_valid(arr)), col.name, "verplicht veld is leeg")
        if col.kind == "id":
            parsed[col.name] = arr
        elif col.kind == "code":
            bad = _np(pc.and_(pc.is_valid(arr), pc.invert(pc.is_in(arr, value_set=pa.array(col.codes)))))
            check.mask(bad, col.name, "ongeldige waarde; toegestaan: " + ", ".join(col.codes), arr)
            parsed[col.name] = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), arr)
        elif col.kind == "date":
            parsed[col.name] = _parse_dates(col, arr, check, allow_nl)
        elif col.kind == "bedrag":
            parsed[col.name] = _parse_bedrag(col, arr, check, raw.decimal_comma)
    return parsed


def _check_privacy(spec: C.FileSpec, raw: RawTable, check: _Collector, warnings: list[str]) -> None:
    extra = [h for h in raw.header if h not in spec.column_names]
    if extra:
        warnings.append(f"{raw.file}: onbekende kolommen genegeerd: "
                        + ", ".join(shorten(h) for h in extra))
    for name in ["persoon_id", *extra]:
        if name not in raw.columns:
            continue
        hits = looks_like_bsn(raw.columns[name])
        check.mask(hits, name,
                   "bevat waarden die eruitzien als een burgerservicenummer (negen cijfers "
                   "die de elfproef doorstaan). Een extract mag alleen gepseudonimiseerde "
                   "gegevens bevatten: vervang deze waarden door pseudoniemen of verwijder "
                   "de kolom")


# ---- across columns -------------------------------------------------------------------

def _check_persons(spec: C.FileSpec, raw: RawTable, cols: dict[str, pa.Array],
                   check: _Collector) -> None:
    ids = cols["persoon_id"]
    dup = pd.Series(ids.to_numpy(zero_copy_only=False)).duplicated(keep="first").to_numpy()
    dup &= _np(pc.is_valid(ids))
    check.mask(dup, "persoon_id",
               "persoon_id komt meer dan één keer voor; elke persoon hoort één regel te hebben")

    start = C.WI2021_START if spec is C.WI2021 else C.WI2013_START
    law = "Wi2021" if spec is C.WI2021 else "Wi2013"
    check.mask(_np(pc.less(cols["datum_plicht"], pa.scalar(start, pa.date32()))), "datum_plicht",
               f"datum_plicht ligt vóór de start van de {law} ({start.isoformat()})",
               raw.columns["datum_plicht"])

    for date_col, code_col in C.PAIRED.get(spec.stem, ()):
        d_set = _np(pc.is_valid(raw.columns[date_col]))
        c_set = _np(pc.is_valid(raw.columns[code_col]))
        check.mask(d_set & ~c_set, code_col, f"{code_col} is leeg terwijl {date_col} gevuld is")
        check.mask(c_set & ~d_set, code_col, f"{code_col} is gevuld terwijl {date_col} leeg is",
                   raw.columns[code_col])

    for later, earlier in C.DATE_ORDER.get(spec.stem, ()):
        check.mask(_np(pc.less(cols[later], cols[earlier])), later,
                   f"{later} ligt vóór {earlier}", raw.columns[later])

    if spec is C.WI2021:
        check.mask(_np(pc.greater(cols["datum_pip"], cols["datum_einde"])), "datum_pip",
                   "datum_pip ligt na datum_einde (een PIP kan niet na het einde van de plicht "
                   "worden vastgesteld)", raw.columns["datum_pip"])
        check.mask(_np(pc.and_(pc.is_valid(raw.columns["datum_aanbod"]),
                               pc.is_null(raw.columns["datum_pip"]))), "datum_aanbod",
                   "datum_aanbod is gevuld maar datum_pip is leeg (een aanbod hoort bij een PIP)")


def _check_stand_per(spec: C.FileSpec, raw: RawTable, cols: dict[str, pa.Array],
                     check: _Collector, stand_per: dt.date) -> None:
    """No event after the date the extract says it was drawn (contract v1.1)."""
    limit = pa.scalar(stand_per, pa.date32())
    for col in spec.columns:
        if col.kind == "date":
            check.mask(_np(pc.greater(cols[col.name], limit)), col.name,
                       f"datum ligt na stand_per ({stand_per.isoformat()}) uit {C.EXTRACT_JSON}; "
                       "het extract is volgens extract.json op die datum getrokken, dus een "
                       "latere gebeurtenis kan er niet in staan", raw.columns[col.name])


def latest_event(parsed: dict[str, dict[str, pa.Array]]) -> dt.date | None:
    """The latest date in any date column of any file (None when there is none)."""
    latest = None
    for spec in C.FILES:
        for col in spec.columns:
            if col.kind == "date" and spec.stem in parsed:
                d = pc.max(parsed[spec.stem][col.name]).as_py()
                if d is not None and (latest is None or d > latest):
                    latest = d
    return latest


def _check_references(raw: RawTable, ids: pa.Array, person_ids: pa.Array,
                      check: _Collector) -> np.ndarray:
    """Row numbers of each referenced person in the persons file (-1 when unknown)."""
    pos = pc.index_in(ids, value_set=person_ids)
    unknown = _np(pc.and_(pc.is_valid(ids), pc.is_null(pos)))
    check.mask(unknown, "persoon_id", "persoon_id komt niet voor in wi2013_personen")
    return np.asarray(pc.fill_null(pos, -1), dtype=np.int64)


# ---- extract.json ---------------------------------------------------------------------

def _read_meta(directory: Path, out: list[Violation]) -> dict | None:
    path = directory / C.EXTRACT_JSON
    if not path.exists():
        out.append(Violation(file=C.EXTRACT_JSON, rule="verplicht bestand ontbreekt; het "
                             f"beschrijft het extract: {{\"schema\": \"{C.SCHEMA}\", \"bron\": "
                             "\"...\", \"synthetisch\": true of false}"))
        return None
    problem = not_a_regular_file(path)
    if problem is None and path.stat().st_size > MAX_META_BYTES:
        problem = (f"is groter dan {dutch_int(MAX_META_BYTES // 1024)} kB; het beschrijft het "
                   "extract in een paar regels en bevat zelf geen gegevens")
    if problem:
        out.append(Violation(file=C.EXTRACT_JSON, rule=problem))
        return None
    data = path.read_bytes()
    if is_utf16(data):
        out.append(Violation(file=C.EXTRACT_JSON, rule=UTF16_HINT))
        return None
    try:
        text = data.decode("utf-8")
        meta = json.loads(text)
    except UnicodeDecodeError:
        out.append(Violation(file=C.EXTRACT_JSON, rule="is geen geldige UTF-8-tekst"))
        return None
    except json.JSONDecodeError as exc:
        out.append(Violation(file=C.EXTRACT_JSON, lines=[exc.lineno], count=1,
                             rule=f"is geen geldige JSON ({exc.msg}, teken {exc.colno})"))
        return None
    except RecursionError:
        out.append(Violation(file=C.EXTRACT_JSON, rule="is te diep genest om als JSON te lezen; "
                             "verwacht één object met een paar velden"))
        return None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        out.append(Violation(file=C.EXTRACT_JSON,
                             rule=f"is geen geldige JSON ({shorten(str(exc))})"))
        return None
    if not isinstance(meta, dict):
        out.append(Violation(file=C.EXTRACT_JSON, rule="moet een JSON-object zijn"))
        return None
    if meta.get("schema") != C.SCHEMA:
        out.append(Violation(file=C.EXTRACT_JSON, column="schema", column_word="veld",
                             example=None if meta.get("schema") is None else shorten(meta["schema"]),
                             rule=f"onbekende schemaversie; deze suite leest \"{C.SCHEMA}\""))
    if not isinstance(meta.get("bron"), str):
        out.append(Violation(file=C.EXTRACT_JSON, column="bron", column_word="veld",
                             rule="ontbreekt of is geen tekst (vrije beschrijving van de bron)"))
    if not isinstance(meta.get("synthetisch"), bool):
        out.append(Violation(file=C.EXTRACT_JSON, column="synthetisch", column_word="veld",
                             example=None if "synthetisch" not in meta else shorten(meta["synthetisch"]),
                             rule="ontbreekt of is niet true/false"))
    meta["stand_per"] = _stand_per(meta, text, out)
    return meta


def _stand_per(meta: dict, text: str, out: list[Violation]) -> dt.date | None:
    """`stand_per` of extract.json as a date (None when absent); a wrong value is located."""
    if "stand_per" not in meta:
        return None
    value = meta["stand_per"]
    day = None
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is not None and C.MIN_DATE <= day <= C.MAX_DATE:
        return day
    at = text.find('"stand_per"')
    line = text.count("\n", 0, at) + 1 if at >= 0 else None
    rule = ("geen geldige datum; verwacht JJJJ-MM-DD, de datum waarop het extract is "
            "getrokken (bijvoorbeeld 2024-05-01), of laat het veld weg")
    if day is not None:
        rule = "datum ligt buiten 1900-2100; is het jaartal goed ingevoerd?"
    out.append(Violation(file=C.EXTRACT_JSON, rule=rule, column="stand_per", column_word="veld",
                         lines=[line] if line else [], count=1 if line else 0,
                         example=shorten(value if isinstance(value, str)
                                         else json.dumps(value, ensure_ascii=False))))
    return None


# ---- typed frames ---------------------------------------------------------------------

def _dates(arr: pa.Array) -> pd.Series:
    return pd.Series(pc.cast(arr, pa.timestamp("ms")).to_numpy(zero_copy_only=False))


def _codes(arr: pa.Array, codes: tuple[str, ...]) -> pd.Categorical:
    index = np.asarray(pc.fill_null(pc.index_in(arr, value_set=pa.array(codes)), -1), dtype=np.int8)
    return pd.Categorical.from_codes(index, categories=list(codes))


def _persons_frame(spec: C.FileSpec, cols: dict[str, pa.Array]) -> pd.DataFrame:
    data = {}
    for col in spec.columns:
        arr = cols[col.name]
        if col.kind == "id":
            data[col.name] = pd.array(arr, dtype=PERSOON_ID_DTYPE)
        elif col.kind == "code":
            data[col.name] = _codes(arr, col.codes)
        elif col.kind == "date":
            data[col.name] = _dates(arr)
    return pd.DataFrame(data)


def validate_extract(directory: str | Path, spreadsheet_nl: bool = False,
                     checksums: dict[str, str] | None = None) -> Extract:
    """Validate the extract in `directory`; return it typed, or raise ExtractError.

    `checksums` (file name -> SHA-256) may be passed by a caller that has just read them,
    so that large files are not hashed twice.
    """
    directory = Path(directory)
    if not directory.exists():
        raise UsageError(f"Het extract {directory} bestaat niet. Geef met --extract de map "
                         "van een extract op.")
    if not directory.is_dir():
        raise UsageError(f"{directory} is een bestand; --extract verwacht een map met "
                         "extract.json en de vier gegevensbestanden.")
    violations: list[Violation] = []
    warnings: list[str] = []
    meta = _read_meta(directory, violations)
    stand_per = meta.get("stand_per") if meta else None

    raws: dict[str, RawTable] = {}
    parsed: dict[str, dict[str, pa.Array]] = {}
    paths: list[Path] = []
    for spec in C.FILES:
        path, problems = find_file(directory, spec)
        violations.extend(problems)
        if path is None:
            continue
        paths.append(path)
        try:
            raw = read_table(path, spreadsheet_nl)
        except ReadFailure as failure:
            violations.extend(failure.violations)
            continue
        raws[spec.stem] = raw
        violations.extend(raw.problems)
        if raw.notes:
            warnings.append(f"{raw.file}: gelezen als Nederlandse spreadsheet ({', '.join(raw.notes)})")
        check = _Collector(raw, violations)
        _check_privacy(spec, raw, check, warnings)
        cols = _check_columns(spec, raw, check, spreadsheet_nl)
        if cols is None:
            continue
        parsed[spec.stem] = cols
        if spec.is_persons:
            _check_persons(spec, raw, cols, check)
        if stand_per is not None:
            _check_stand_per(spec, raw, cols, check, stand_per)

    positions: dict[str, np.ndarray] = {}
    persons = parsed.get(C.WI2013.stem)
    if persons is not None and raws[C.WI2013.stem].problems:
        persons = None  # lines were left out: "unknown person" would mostly be those
    for spec in (C.LENINGEN, C.EXAMENS):
        if spec.stem in parsed and persons is not None:
            positions[spec.stem] = _check_references(
                raws[spec.stem], parsed[spec.stem]["persoon_id"], persons["persoon_id"],
                _Collector(raws[spec.stem], violations))

    if violations:
        raise ExtractError(str(directory), violations)

    sums = checksums or file_checksums([directory / C.EXTRACT_JSON, *paths])
    meta_obj = ExtractMeta(schema=meta["schema"], bron=meta["bron"], synthetisch=meta["synthetisch"],
                           checksum=extract_checksum(sums, spreadsheet_nl), files=sums,
                           warnings=warnings, stand_per=stand_per,
                           horizon=stand_per or latest_event(parsed), generator=meta.get("generator"))
    wi2021 = _persons_frame(C.WI2021, parsed[C.WI2021.stem])
    wi2013 = _persons_frame(C.WI2013, parsed[C.WI2013.stem])
    lcols = parsed[C.LENINGEN.stem]
    leningen = pd.DataFrame({
        "persoon_nr": positions[C.LENINGEN.stem].astype(np.int32),
        "datum": _dates(lcols["datum"]),
        "bedrag_cent": lcols["bedrag"].to_numpy(zero_copy_only=False).astype(np.int64),
    })
    ecols = parsed[C.EXAMENS.stem]
    examens = pd.DataFrame({
        "persoon_nr": positions[C.EXAMENS.stem].astype(np.int32),
        "datum": _dates(ecols["datum"]),
        "onderdeel": _codes(ecols["onderdeel"], C.ONDERDELEN),
        "geslaagd": np.asarray(pc.equal(ecols["uitslag"], "geslaagd"), dtype=bool),
    })
    return Extract(wi2021=wi2021, wi2013=wi2013, leningen=leningen, examens=examens, meta=meta_obj)
