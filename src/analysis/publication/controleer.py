"""`python -m analysis controleer`: the reader's attack on a finished run (contract sections 4, 8).

Why a separate checker. The disclosure rule (contract section 8) is a statement about what a
*reader* can work out from what a run publishes; the code that chose which cells to hide can
only vouch for the model it used to choose them. This module is the second, independent
reading, in the spirit of SACRO/ACRO's output checking: it reads nothing but the published
files of a run folder (the long-format CSVs under `tables/`, the counts in `verificatie.csv`
and `statistiek.csv`), knows only what the contract says about them, and imports none of the
suppression or publication code, nor the registry. The identities it uses are declared here,
as data, from the contract's definitions (section 2), so that a mistake in the engine's model
is not repeated in its check.

What the reader's linear programme is:

* **Variables**: one per distinct count, keyed (tabel, datum, rij, kolom), where datum is the
  date the count speaks of (Tabel 2 and 4: the column; Tabel 6: the row; otherwise the file's
  peildatum). The same count in two files is one variable: a month of the time series is the
  kerncijfers table at that date, Tabel 2's rows are the Wi2021 kerncijfers `nog_plichtig` and
  `met_pip` at the column's date, the audit's reproduced counts are the tables at the letter's
  dates. A shown count is fixed at its value; a hidden one (empty `waarde`) is a variable >= 0.
* **Identities** (`_relations`): the sums within each table and between tables at one date
  (kerncijfers and Tabel 2, 3, 4; Tabel 5 summed over cohorts against the Wi2013 kerncijfers;
  the ELIP composition against Tabel 6), nestings a reader knows from the definitions (met_pip
  <= nog_plichtig; Tabel 4 <= the asylum kerncijfers and <= Tabel 3's asylum column; Tabel 1
  <= Tabel 3; Tabel 6 <= nog plichtig Wi2013; Tabel 6's cohort <= Tabel 5's nog_plichtig at the
  same date; the overlap of Tabel 2's populations <= each), and monotonicity over dates
  (plichtig geworden, opgelegd and every reason of ending only grow; so does the number whose
  plicht ended).
* **Percentages**: a shown percentage p of count c on base b gives (p - h) b <= 100 c <=
  (p + h) b, with h half a unit in the last printed decimal (shares printed as fractions
  likewise, without the 100).
* **Counts a reader can form** besides the cells (`Derived`): every difference over
  consecutive dates of a growing count (a month's inflow, a month's number ingeburgerd ...),
  every complement of a nesting (plichtig without PIP, asylum plichtigen without PIP), every
  complement of a sum of three or more parts (total minus one part), the two complements of
  each published overlap. Each of them is a count the data hold, so it is also >= 0 for the
  reader.

For every hidden count and every derived count that involves a hidden one, the checker solves
max (and, when the max is below N, min) with HiGHS (`scipy.optimize.linprog(method="highs")`),
one small LP per target over the connected part of the programme it lies in; shown and
derived-from-shown counts are plain arithmetic. Integrality is used only to round the LP's
bounds (floor of the max, ceiling of the min).

Findings (docs/celbeveiliging.md, "De controle"):

* a shown count, or a count derived from shown counts only, in 1 .. N-1;
* a hidden or derived count whose max < N and min >= 1 ("ligt tussen a en b");
* a hidden or derived count whose max is in 1 .. N-1 and whose min is 0 ("mogelijk 0"): the
  checker cannot tell a hidden zero (no disclosure) from a small count (a disclosure), so it
  reports these as findings too; the publisher, who knows the true value, may clear a line
  whose hidden value is 0. A count whose max is 0 is a known zero and no finding.

Exit 1 when there is any finding, 0 when there is none, 2 when the folder is not a run folder
(errors.UsageError). Deterministic: files, keys and targets are processed in sorted order.
"""
from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.errors import UsageError
from ..core.run_files import CELBEVEILIGING, RunFolder

Key = tuple[str, str, str, str]  # (tabel, datum, rij, kolom)
Expr = dict[Key, float]  # a linear combination of counts

LONG_COLUMNS = ("tabel", "peildatum", "rij", "kolom", "eenheid", "waarde")
SKIP_FILES = (CELBEVEILIGING, "celbeveiliging_volledig.csv")  # the pattern itself, not counts

K21, K13 = "kerncijfers_wi2021", "kerncijfers_wi2013"
TOTAAL = "totaal"
DOELGROEPEN = ("asiel", "gezin", "overig")
LEERROUTES = ("b1", "onderwijs", "z")
K13_STATUSSEN = ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")
K13_EINDE = ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen")
ELIP_GROEP = ("2020", "2021")  # the cohorts of the ELIP composition (statistiek.csv)
STAT = "statistiek"

# The date a cell speaks of (contract section 3): the column for Tabel 2 and 4, the row for
# Tabel 6, the file's peildatum for every other table.
DATED_BY_KOLOM = ("tabel2", "tabel4")
DATED_BY_RIJ = ("tabel6",)

# Tabel 2's rows are the Wi2021 kerncijfers at the column's date (contract section 2): one count.
ALIASES = {("tabel2", "inburgeringsplichtig"): (K21, "nog_plichtig", TOTAAL),
           ("tabel2", "met_pip"): (K21, "met_pip", TOTAAL)}

PERCENT_UNITS = ("procent", "procent_kolom", "procent_rij")
TOL = 1e-6  # LP bounds are rounded to integers with this slack


def is_count_unit(eenheid: str) -> bool:
    """`aantal` and the monitor's numbers at risk are counts of persons."""
    return eenheid == "aantal" or eenheid.startswith("at_risk")


def key_of(tabel: str, peildatum: str, rij: str, kolom: str, eenheid: str = "aantal") -> Key:
    """The canonical key of a count as a line of a long-format file states it."""
    if tabel in DATED_BY_KOLOM:
        datum = kolom
    elif tabel in DATED_BY_RIJ:
        datum = rij
    else:
        datum = peildatum
    if (tabel, rij) in ALIASES:
        tabel, rij, kolom = ALIASES[(tabel, rij)]
    if eenheid != "aantal":
        kolom = f"{kolom}:{eenheid}"
    return (tabel, datum, rij, kolom)


def describe(key: Key) -> str:
    tabel, datum, rij, kolom = key
    if tabel in DATED_BY_KOLOM or tabel in DATED_BY_RIJ:
        return f"{tabel} {rij} / {kolom}"
    return f"{tabel} {rij} / {kolom} op {datum}"


# ---- what was published ---------------------------------------------------------------

@dataclass
class Share:
    """A shown share: scale * count is within [lo, hi] * base (scale 100 for a percentage)."""

    count: Expr
    base: Expr
    lo: float
    hi: float
    scale: float


@dataclass
class Publication:
    shown: dict[Key, float] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    names: dict[Key, set[str]] = field(default_factory=dict)  # how each file names a count
    shares: list[Share] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    run_dates: dict[str, set[str]] = field(default_factory=dict)  # tabel -> dates its cells speak of, in tables/

    def add(self, key: Key, value: float | None, name: str) -> None:
        self.names.setdefault(key, set()).add(name)
        if value is None:
            if key not in self.shown:
                self.hidden.add(key)
            return
        if key in self.shown and abs(self.shown[key] - value) > 1e-9:
            self.conflicts.append(f"{describe(key)}: {self.shown[key]:g} en {value:g}")
            return
        self.shown[key] = value
        self.hidden.discard(key)

    def has(self, key: Key) -> bool:
        return key in self.shown or key in self.hidden

    @property
    def keys(self) -> list[Key]:
        return sorted(set(self.shown) | self.hidden)


def _half_unit(text: str) -> float:
    """Half a unit in the last printed decimal of a number as written."""
    t = text.strip().lower()
    if "e" in t:  # 1.5e-05: the mantissa's decimals, scaled
        mant, exp = t.split("e")
        return _half_unit(mant) * 10.0 ** int(exp)
    decimals = len(t.split(".")[1]) if "." in t else 0
    return 0.5 * 10.0 ** (-decimals)


def _number(text: str, path: Path, line: int, column: str) -> float | None:
    text = (text or "").strip()
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        raise UsageError(f"{path}, regel {line}, kolom {column}: '{text[:40]}' is geen getal. Is dit de "
                         "uitvoermap van een run?") from None
    if not math.isfinite(v):
        raise UsageError(f"{path}, regel {line}, kolom {column}: '{text[:40]}' is geen eindig getal.")
    return v


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise UsageError(f"{path} is geen uitvoer van een run in het lange formaat: de kolom"
                                 f"{'men' if len(missing) > 1 else ''} {', '.join(missing)} ontbre"
                                 f"{'ken' if len(missing) > 1 else 'ekt'}.")
            return list(reader)
    except UnicodeDecodeError:
        raise UsageError(f"{path} is niet te lezen als UTF-8-tekst; is dit de uitvoermap van een run?") from None
    except csv.Error as exc:
        raise UsageError(f"{path} is geen leesbaar CSV-bestand ({exc}).") from None
    except OSError as exc:
        raise UsageError(f"{path} is niet te lezen ({exc.strerror or exc}).") from None


# Percentage bases (contract section 3), per table: (eenheid, applies(rij), base cells).
def _share_base(tabel: str, eenheid: str, rij: str, kolom: str, rows: list[str], cols: list[str]):
    if tabel == K21 and eenheid == "procent" and rij != "plichtig_geworden":
        return [("plichtig_geworden" if rij == "nog_plichtig" else "nog_plichtig", TOTAAL)]
    if tabel == K13 and eenheid == "procent" and rij != TOTAAL:
        return [(TOTAAL, TOTAAL)]
    if tabel == "tabel1" and eenheid == "procent_kolom":
        return [(r, kolom) for r in rows]
    if tabel == "tabel1" and eenheid == "procent_rij":
        return [(rij, k) for k in cols]
    if tabel == "tabel2" and eenheid == "procent" and rij == "met_pip":
        return [("inburgeringsplichtig", kolom)]
    if tabel == "tabel4" and eenheid == "procent" and rij == "met_aanbod":
        return [("asiel_met_pip", kolom)]
    if tabel == "tabel3" and eenheid == "procent":
        return [(r, kolom) for r in rows]
    if tabel == "tabel5" and eenheid == "procent" and kolom != TOTAAL:
        return [(rij, TOTAAL)]
    return None  # not a count share (the monitor's estimates): no constraint


def read_run(out: Path) -> Publication:
    """Every published count of a run folder (and every shown share of one), from its files."""
    out = Path(out)
    if not out.exists():
        raise UsageError(f"De map {out} bestaat niet. Geef met --out de uitvoermap van een run "
                         "(python -m analysis run --out MAP).")
    if not out.is_dir():
        raise UsageError(f"{out} is geen map. Geef met --out de uitvoermap van een run.")
    tables = RunFolder(out).tables
    files = sorted(p for p in tables.glob("*.csv") if p.name not in SKIP_FILES) if tables.is_dir() else []
    if not files:
        raise UsageError(f"{out} is geen uitvoermap van een run: {tables} ontbreekt of bevat geen tabellen "
                         "(CSV in het lange formaat).")
    pub = Publication()
    for path in files:
        _read_long(pub, path)
    _read_verificatie(pub, RunFolder(out).verificatie)
    _read_statistiek(pub, RunFolder(out).statistiek)
    return pub


def _read_long(pub: Publication, path: Path) -> None:
    pub.files.append(str(path))
    rows = _rows(path, LONG_COLUMNS)
    counts: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (tabel, peildatum) -> count cells
    percents = []
    for i, r in enumerate(rows, start=2):
        eenheid = r["eenheid"]
        v = _number(r["waarde"], path, i, "waarde")
        if is_count_unit(eenheid):
            key = key_of(r["tabel"], r["peildatum"], r["rij"], r["kolom"], eenheid)
            pub.add(key, v, path.name)
            pub.run_dates.setdefault(r["tabel"], set()).add(key[1])
            if eenheid == "aantal":
                counts.setdefault((r["tabel"], r["peildatum"]), []).append((r["rij"], r["kolom"]))
        elif eenheid in PERCENT_UNITS and v is not None:
            percents.append((r, v, _half_unit(r["waarde"])))
    for r, v, h in percents:
        cells = counts.get((r["tabel"], r["peildatum"]), [])
        rows_ = list(dict.fromkeys(c[0] for c in cells))
        cols_ = list(dict.fromkeys(c[1] for c in cells))
        base = _share_base(r["tabel"], r["eenheid"], r["rij"], r["kolom"], rows_, cols_)
        if not base or (r["rij"], r["kolom"]) not in cells or any(c not in cells for c in base):
            continue
        count = {key_of(r["tabel"], r["peildatum"], r["rij"], r["kolom"]): 1.0}
        b: Expr = {}
        for c in base:
            k = key_of(r["tabel"], r["peildatum"], *c)
            b[k] = b.get(k, 0.0) + 1.0
        h = max(h, 1e-9 * max(1.0, abs(v)))
        pub.shares.append(Share(count, b, v - h, v + h, 100.0))


def _read_verificatie(pub: Publication, path: Path) -> None:
    """The audit's reproduced counts at the letter's dates (rows that check only the letter's
    own arithmetic are the letter's figures, not the extract's, and are left out)."""
    if not path.exists():
        return
    pub.files.append(str(path))
    for i, r in enumerate(_rows(path, ("tabel", "rij", "kolom", "peildatum", "gereproduceerd", "eenheid",
                                       "toelichting")), start=2):
        if r["eenheid"] != "aantal" or r["toelichting"].startswith("de brief spreekt"):
            continue
        v = _number(r["gereproduceerd"], path, i, "gereproduceerd")
        pub.add(key_of(r["tabel"], r["peildatum"], r["rij"], r["kolom"]), v, path.name)


def _read_statistiek(pub: Publication, path: Path) -> None:
    """The counts of the statistics: the ELIP composition (at the run's last ELIP peildatum,
    the last row of Tabel 6) and the overlap of Tabel 2's and Tabel 4's populations at P and Q,
    with the shares that reveal them."""
    if not path.exists():
        return
    pub.files.append(str(path))
    rows = _rows(path, ("analyse", "kenmerk", "toets", "grootheid", "waarde"))
    elip_dates = sorted(pub.run_dates.get("tabel6", set()))
    p, q = _tabel2_dates(pub)
    for i, r in enumerate(rows, start=2):
        a, km, toets, g = r["analyse"], r["kenmerk"], r["toets"], r["grootheid"]
        v = _number(r["waarde"], path, i, "waarde")
        if a == "elip_samenstelling" and toets == "aantallen" and elip_dates:
            pub.add((STAT, elip_dates[-1], f"elip_samenstelling:{km}", g), v, path.name)
        elif a in OVERLAP and toets == "overlap" and g == "n_beide" and p and q:
            pub.add(_overlap_key(a, p, q), v, path.name)
    for i, r in enumerate(rows, start=2):  # shares, now that every count is known
        a, km, toets, g = r["analyse"], r["kenmerk"], r["toets"], r["grootheid"]
        v = _number(r["waarde"], path, i, "waarde")
        if v is None:
            continue
        h = max(_half_unit(r["waarde"]), 1e-12)
        count = base = None
        if a == "elip_samenstelling" and g == "schatting" and toets.startswith("aandeel_") and elip_dates:
            grp = toets[len("aandeel_"):]
            stem = (STAT, elip_dates[-1], f"elip_samenstelling:{km}")
            count, base = stem + (f"ja_{grp}",), stem + (f"n_{grp}",)
        elif a in OVERLAP and toets == "overlap" and g == "aandeel_beide" and p and q:
            count, base = _overlap_key(a, p, q), _population(a, p)
        elif (a in OVERLAP and g == "schatting" and p and q
              and toets in ("aandeel_peildatum", "aandeel_vorige_peildatum")):
            d = p if toets == "aandeel_peildatum" else q
            count, base = _part(a, d), _population(a, d)
        if count and base and pub.has(count) and pub.has(base):
            pub.shares.append(Share({count: 1.0}, {base: 1.0}, v - h, v + h, 1.0))


OVERLAP = {"pip_verandering": ("tabel2", "met_pip"), "aanbod_verandering": ("tabel4", "met_aanbod")}


def _population(analyse: str, d: str) -> Key:
    return key_of("tabel2", "", "inburgeringsplichtig", d) if analyse == "pip_verandering" \
        else key_of("tabel4", "", "asiel_met_pip", d)


def _part(analyse: str, d: str) -> Key:
    tabel, rij = OVERLAP[analyse]
    return key_of(tabel, "", rij, d)


def _overlap_key(analyse: str, p: str, q: str) -> Key:
    return (STAT, p, analyse, f"n_beide:{q}")


def _tabel2_dates(pub: Publication) -> tuple[str | None, str | None]:
    """P and Q of the run: Tabel 2's (or Tabel 4's) two column dates; P is the later."""
    for tabel in ("tabel2", "tabel4"):
        dates = sorted({n.split(":")[0] for n in []} | _dates_of(pub, tabel))
        if len(dates) == 2:
            return dates[1], dates[0]
    return None, None


def _dates_of(pub: Publication, tabel: str) -> set[str]:
    found = set()
    for k, names in pub.names.items():
        if tabel == "tabel2" and k[0] == K21 and any(n.startswith("tabel2") for n in names):
            found.add(k[1])
        elif k[0] == tabel:
            found.add(k[1])
    return found


# ---- what a reader knows: identities, nestings, growth -----------------------------------

@dataclass
class Relation:
    """lo <= expr <= hi, between counts."""

    expr: Expr
    lo: float
    hi: float
    wat: str


@dataclass
class Derived:
    """A count the data hold that is not a cell but follows from cells (its expression)."""

    expr: Expr
    naam: str


def _sum(total: list[Key], parts: list[Key]) -> Expr:
    e: Expr = {}
    for k in total:
        e[k] = e.get(k, 0.0) + 1.0
    for k in parts:
        e[k] = e.get(k, 0.0) - 1.0
    return {k: v for k, v in e.items() if v}


class Model:
    """The reader's programme over one publication, built from the contract's definitions."""

    def __init__(self, pub: Publication):
        self.pub = pub
        self.relations: list[Relation] = []
        self.derived: list[Derived] = []
        self._relations()

    # helpers: each declares a relation only when every count in it is published
    def _all(self, keys) -> bool:
        return all(self.pub.has(k) for k in keys)

    def equal_sum(self, total: list[Key], parts: list[Key], wat: str, complements: bool = True) -> None:
        if not self._all(total + parts) or not parts:
            return
        self.relations.append(Relation(_sum(total, parts), 0.0, 0.0, wat))
        if complements and len(parts) >= 3 and len(total) == 1:
            for p in parts:
                part = p[3] if p[2] == total[0][2] else p[2] if p[3] == total[0][3] else f"{p[2]} / {p[3]}"
                self.derived.append(Derived(_sum(total, [p]), f"{describe(total[0])} min {part}"))

    def nested(self, small: list[Key], big: list[Key], naam: str) -> None:
        """sum(small) <= sum(big): the small population lies within the big one; their
        difference is a count of its own."""
        if not self._all(small + big) or not small or not big:
            return
        e = _sum(big, small)
        self.relations.append(Relation(e, 0.0, math.inf, naam))
        self.derived.append(Derived(e, naam))

    def growing(self, expr_at, dates: list[str], naam: str) -> None:
        """A count that only grows over time: each step between consecutive published dates
        is a count (those who entered it in between)."""
        have = [d for d in dates if self._all(list(expr_at(d)))]
        for d1, d2 in zip(have, have[1:]):
            e: Expr = dict(expr_at(d2))
            for k, v in expr_at(d1).items():
                e[k] = e.get(k, 0.0) - v
            e = {k: v for k, v in e.items() if v}
            if e:
                self.relations.append(Relation(e, 0.0, math.inf, f"groei {naam}"))
                self.derived.append(Derived(e, f"{naam}: toename van {d1} tot {d2}"))

    def _relations(self) -> None:
        pub = self.pub
        dates: dict[str, set[str]] = {}
        for k in pub.keys:
            dates.setdefault(k[0], set()).add(k[1])
        rows: dict[tuple[str, str], list[str]] = {}
        for k in pub.keys:
            rows.setdefault((k[0], k[1]), [])
            if k[2] not in rows[(k[0], k[1])]:
                rows[(k[0], k[1])].append(k[2])

        def k21(d, rij):
            return (K21, d, rij, TOTAAL)

        def k13(d, rij):
            return (K13, d, rij, TOTAAL)

        # Wi2021 kerncijfers, Tabel 2 (the same counts), Tabel 4, at every date
        for d in sorted(dates.get(K21, set()) | dates.get("tabel4", set())):
            self.equal_sum([k21(d, "nog_plichtig")], [k21(d, f"nog_plichtig_{g}") for g in DOELGROEPEN],
                           f"doelgroepen op {d}")
            self.nested([k21(d, "met_pip")], [k21(d, "nog_plichtig")],
                        f"kerncijfers_wi2021 nog_plichtig min met_pip op {d} (nog plichtig zonder PIP)")
            self.nested([k21(d, "nog_plichtig")], [k21(d, "plichtig_geworden")],
                        f"kerncijfers_wi2021 plichtig_geworden min nog_plichtig op {d} (plicht geëindigd)")
            t4, t4a = ("tabel4", d, "asiel_met_pip", d), ("tabel4", d, "met_aanbod", d)
            self.nested([t4a], [t4], f"tabel4 asiel_met_pip min met_aanbod op {d} (zonder aanbod)")
            self.nested([t4], [k21(d, "nog_plichtig_asiel")],
                        f"kerncijfers_wi2021 nog_plichtig_asiel min tabel4 asiel_met_pip op {d} (asiel zonder PIP)")
            self.nested([t4], [k21(d, "met_pip")],
                        f"kerncijfers_wi2021 met_pip min tabel4 asiel_met_pip op {d} (met PIP, niet asiel)")
        k21_dates = sorted(dates.get(K21, set()))
        self.growing(lambda d: {k21(d, "plichtig_geworden"): 1.0}, k21_dates,
                     "kerncijfers_wi2021 plichtig_geworden")
        self.growing(lambda d: {k21(d, "plichtig_geworden"): 1.0, k21(d, "nog_plichtig"): -1.0}, k21_dates,
                     "kerncijfers_wi2021 plicht geëindigd (plichtig_geworden min nog_plichtig)")

        # Wi2013 kerncijfers at every date, growing statuses
        k13_dates = sorted(dates.get(K13, set()))
        for d in k13_dates:
            self.equal_sum([k13(d, TOTAAL)], [k13(d, s) for s in K13_STATUSSEN], f"statussen op {d}")
        self.growing(lambda d: {k13(d, TOTAAL): 1.0}, k13_dates, "kerncijfers_wi2013 totaal")
        for s in K13_EINDE:
            self.growing(lambda d, s=s: {k13(d, s): 1.0}, k13_dates, f"kerncijfers_wi2013 {s}")
        self.growing(lambda d: {k13(d, TOTAAL): 1.0, k13(d, "nog_plichtig"): -1.0}, k13_dates,
                     "kerncijfers_wi2013 plicht geëindigd (totaal min nog_plichtig)")

        # Tabel 3 and Tabel 1 at their peildatum
        for d in sorted(dates.get("tabel3", set())):
            for r in LEERROUTES:
                self.equal_sum([("tabel3", d, r, TOTAAL)], [("tabel3", d, r, g) for g in DOELGROEPEN],
                               f"tabel3 {r} over doelgroepen", complements=True)
            tot = [("tabel3", d, r, TOTAAL) for r in LEERROUTES]
            self.nested(tot, [k21(d, "plichtig_geworden")],
                        f"kerncijfers_wi2021 plichtig_geworden min tabel3 totaal op {d} (zonder PIP)")
            self.nested([k21(d, "met_pip")], tot,
                        f"tabel3 totaal min kerncijfers_wi2021 met_pip op {d} (met PIP, niet meer plichtig)")
            self.nested([("tabel4", d, "asiel_met_pip", d)], [("tabel3", d, r, "asiel") for r in LEERROUTES],
                        f"tabel3 asiel min tabel4 asiel_met_pip op {d} (asiel met PIP, niet meer plichtig)")
            t1 = ("tabel1", d)
            if (t1[0], d) in rows:
                for kol, routes in (("b1_onderwijsroute", ("b1", "onderwijs")), ("z_route", ("z",))):
                    self.nested([("tabel1", d, r, kol) for r in ("haalbaar", "niet_haalbaar")],
                                [("tabel3", d, r, TOTAAL) for r in routes],
                                f"tabel3 {'+'.join(routes)} totaal min tabel1 {kol} op {d} (zonder leerbaarheidstoets)")

        # Tabel 5 at its peildatum: rows, columns against the Wi2013 kerncijfers
        for d in sorted(dates.get("tabel5", set())):
            years = sorted(rows[("tabel5", d)])
            for y in years:
                self.equal_sum([("tabel5", d, y, TOTAAL)],
                               [("tabel5", d, y, k) for k in ("voldaan", "ontheven", "nog_plichtig")],
                               f"tabel5 cohort {y}")

            def col(k):
                return [("tabel5", d, y, k) for y in years]
            self.equal_sum([k13(d, "ingeburgerd"), k13(d, "vrijgesteld")], col("voldaan"),
                           f"tabel5 voldaan over cohorten op {d}", complements=False)
            self.equal_sum([k13(d, "ontheven")], col("ontheven"), f"tabel5 ontheven over cohorten op {d}")
            self.equal_sum([k13(d, "nog_plichtig")], col("nog_plichtig"),
                           f"tabel5 nog plichtig over cohorten op {d}")
            self.equal_sum([k13(d, TOTAAL)], col(TOTAAL) + [k13(d, "vervallen")],
                           f"tabel5 totaal over cohorten op {d}", complements=False)

        # Tabel 6 at each ELIP peildatum
        for d in sorted(dates.get("tabel6", set())):
            cols = [c for c in sorted({k[3] for k in pub.keys if k[0] == "tabel6" and k[1] == d}) if c != TOTAAL]
            total = ("tabel6", d, d, TOTAAL)
            self.equal_sum([total], [("tabel6", d, d, c) for c in cols], f"tabel6 over cohorten op {d}")
            self.nested([total], [k13(d, "nog_plichtig")],
                        f"kerncijfers_wi2013 nog_plichtig min tabel6 totaal op {d} (niet ELIP)")
            if ("tabel5", d) in rows:
                years = sorted(rows[("tabel5", d)])
                for c in cols:
                    ys = [y for y in years if (y == c) or (c.endswith("+") and y >= c[:-1])]
                    self.nested([("tabel6", d, d, c)], [("tabel5", d, y, "nog_plichtig") for y in ys],
                                f"tabel5 {c} nog_plichtig min tabel6 {c} op {d} (niet ELIP)")

        # statistiek.csv: the ELIP composition against Tabel 6, the overlaps against Tabel 2 and 4
        for k in [k for k in pub.keys if k[0] == STAT and k[3] == "n_2020_2021"]:
            d, stem = k[1], k[:3]
            groep = [("tabel6", d, d, c) for c in ELIP_GROEP]
            self.equal_sum(groep, [stem + ("n_2020_2021",), stem + ("onbekend_2020_2021",)],
                           f"ELIP-samenstelling 2020-2021 ({k[2]})", complements=False)
            self.equal_sum([("tabel6", d, d, TOTAAL)], groep + [stem + ("n_overig",), stem + ("onbekend_overig",)],
                           f"ELIP-samenstelling overige cohorten ({k[2]})", complements=False)
            for g in ("2020_2021", "overig"):
                self.nested([stem + (f"ja_{g}",)], [stem + (f"n_{g}",)],
                            f"statistiek {k[2]} n_{g} min ja_{g} op {d} (nee)")
        p, q = _tabel2_dates(pub)
        if p and q:
            for a in OVERLAP:
                both = _overlap_key(a, p, q)
                self.nested([both], [_population(a, p)],
                            f"statistiek {a}: populatie op {p} min n_beide (alleen op {p})")
                self.nested([both], [_population(a, q)],
                            f"statistiek {a}: populatie op {q} min n_beide (alleen op {q})")

        # shares
        for s in pub.shares:
            # scale * count - lo * base >= 0 and scale * count - hi * base <= 0
            lo: Expr = {}
            hi: Expr = {}
            for k, v in s.count.items():
                lo[k] = lo.get(k, 0.0) + s.scale * v
                hi[k] = hi.get(k, 0.0) + s.scale * v
            for k, v in s.base.items():
                lo[k] = lo.get(k, 0.0) - s.lo * v
                hi[k] = hi.get(k, 0.0) - s.hi * v
            self.relations.append(Relation(lo, 0.0, math.inf, "aandeel"))
            self.relations.append(Relation(hi, -math.inf, 0.0, "aandeel"))


# ---- solving ---------------------------------------------------------------------------

@dataclass
class Finding:
    naam: str
    lo: int
    hi: int
    soort: str  # "getoond", "afgeleid", "zeker", "mogelijk 0"

    def line(self) -> str:
        tail = {"getoond": "getoond", "afgeleid": "af te leiden uit getoonde aantallen",
                "zeker": "afgeschermd, te begrenzen", "mogelijk 0": "afgeschermd, mogelijk 0 of klein"}[self.soort]
        return f"  {self.naam}: ligt tussen {self.lo} en {self.hi} ({tail})"


@dataclass
class Result:
    n: int
    shown: int
    hidden: int
    findings: list[Finding]
    lps: int
    seconds: float
    warnings: list[str]

    def summary(self) -> str:
        if not self.findings:
            return (f"controleer: {self.shown} getoonde en {self.hidden} afgeschermde aantallen, geen aantal "
                    f"onder {self.n} te begrenzen")
        return (f"controleer: {self.shown} getoonde en {self.hidden} afgeschermde aantallen; "
                f"{len(self.findings)} {'aantal is' if len(self.findings) == 1 else 'aantallen zijn'} "
                f"onder {self.n} te begrenzen")


class Solver:
    """The programme restricted to the hidden counts, split into independent parts."""

    def __init__(self, model: Model):
        pub = model.pub
        self.pub = pub
        self.index = {k: i for i, k in enumerate(sorted(pub.hidden))}
        self.warnings: list[str] = []
        parent = list(range(len(self.index)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        rows = []  # (coefs {i: a}, lo, hi) over hidden counts, shown counts moved to the bounds
        for rel in model.relations:
            coefs: dict[int, float] = {}
            const = 0.0
            for k, v in rel.expr.items():
                if k in self.index:
                    coefs[self.index[k]] = coefs.get(self.index[k], 0.0) + v
                else:
                    const += v * pub.shown[k]
            coefs = {i: a for i, a in coefs.items() if a}
            lo, hi = rel.lo - const, rel.hi - const
            if not coefs:
                if lo > 1e-6 * max(1.0, abs(const)) or hi < -1e-6 * max(1.0, abs(const)):
                    self.warnings.append(f"getoonde aantallen voldoen niet aan: {rel.wat}")
                continue
            rows.append((coefs, lo, hi))
            first = find(next(iter(coefs)))
            for i in coefs:
                parent[find(i)] = first
        self.find = find
        self.rows_of: dict[int, list] = {}
        for r in rows:
            self.rows_of.setdefault(find(next(iter(r[0]))), []).append(r)
        self.lps = 0
        self._cache: dict[tuple[int, ...], tuple] = {}

    def _matrices(self, comps: tuple[int, ...]):
        if comps in self._cache:
            return self._cache[comps]
        from scipy.sparse import csr_matrix
        rows = [r for c in comps for r in self.rows_of.get(c, [])]
        vars_ = sorted({i for r in rows for i in r[0]} | {i for i in range(len(self.index)) if self.find(i) in comps})
        local = {i: j for j, i in enumerate(vars_)}
        ub_data, ub_i, ub_j, b_ub = [], [], [], []
        eq_data, eq_i, eq_j, b_eq = [], [], [], []

        def put(data, ii, jj, coefs, sign, row):
            for i, a in coefs.items():
                data.append(sign * a)
                ii.append(row)
                jj.append(local[i])

        for coefs, lo, hi in rows:
            if abs(hi - lo) < 1e-12:
                put(eq_data, eq_i, eq_j, coefs, 1.0, len(b_eq))
                b_eq.append(hi)
                continue
            if math.isfinite(hi):
                put(ub_data, ub_i, ub_j, coefs, 1.0, len(b_ub))
                b_ub.append(hi)
            if math.isfinite(lo):
                put(ub_data, ub_i, ub_j, coefs, -1.0, len(b_ub))
                b_ub.append(-lo)
        n = len(vars_)
        a_ub = csr_matrix((ub_data, (ub_i, ub_j)), shape=(len(b_ub), n)) if b_ub else None
        a_eq = csr_matrix((eq_data, (eq_i, eq_j)), shape=(len(b_eq), n)) if b_eq else None
        out = (local, a_ub, np.array(b_ub) if b_ub else None, a_eq, np.array(b_eq) if b_eq else None)
        self._cache[comps] = out
        return out

    def bound(self, expr: Expr, sense: int) -> float:
        """max (sense -1) or min (sense +1) of expr over the reader's programme."""
        from scipy.optimize import linprog
        const = 0.0
        coefs: dict[int, float] = {}
        for k, v in expr.items():
            if k in self.index:
                coefs[self.index[k]] = coefs.get(self.index[k], 0.0) + v
            else:
                const += v * self.pub.shown[k]
        if not coefs:
            return const
        comps = tuple(sorted({self.find(i) for i in coefs}))
        local, a_ub, b_ub, a_eq, b_eq = self._matrices(comps)
        c = np.zeros(len(local))
        for i, a in coefs.items():
            c[local[i]] = sense * a
        self.lps += 1
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if res.status == 3:  # unbounded
            return math.inf if sense < 0 else -math.inf
        if res.status != 0:
            msg = f"programma niet op te lossen ({res.message.strip()}) voor een aantal in {len(local)} onbekenden"
            if msg not in self.warnings:
                self.warnings.append(msg)
            return math.inf if sense < 0 else -math.inf
        return const + sense * res.fun


def check(out: Path, n: int) -> Result:
    """Read a run folder and return every count a reader can bound below n."""
    t0 = time.perf_counter()
    pub = read_run(out)
    model = Model(pub)
    solver = Solver(model)
    findings: list[Finding] = []

    def judge(naam: str, expr: Expr, afgeleid: bool) -> None:
        if all(k in pub.shown for k in expr):
            v = sum(a * pub.shown[k] for k, a in expr.items())
            if 1 - TOL <= v <= n - 1 + TOL:
                findings.append(Finding(naam, round(v), round(v), "afgeleid" if afgeleid else "getoond"))
            return
        hi = solver.bound(expr, -1)
        top = math.floor(hi + TOL) if math.isfinite(hi) else None
        if top is None or top >= n or top <= 0:
            return
        lo = max(0, math.ceil(solver.bound(expr, +1) - TOL))
        findings.append(Finding(naam, lo, top, "zeker" if lo >= 1 else "mogelijk 0"))

    for k in pub.keys:
        judge(describe(k), {k: 1.0}, afgeleid=False)
    seen = set()
    for d in model.derived:
        sig = tuple(sorted(d.expr.items()))
        if sig in seen or len(d.expr) < 2:
            continue
        seen.add(sig)
        judge(d.naam, d.expr, afgeleid=True)
    warnings = pub.conflicts and [f"hetzelfde aantal verschilt tussen bestanden: {c}" for c in pub.conflicts] or []
    return Result(n=n, shown=len(pub.shown), hidden=len(pub.hidden), findings=findings, lps=solver.lps,
                  seconds=time.perf_counter() - t0, warnings=warnings + solver.warnings)


def main(out: Path, n: int, write=print) -> int:
    """The command: print the findings and the summary; 1 when there is a finding, else 0."""
    result = check(out, n)
    for w in result.warnings:
        write(f"controleer: waarschuwing: {w}")
    if result.findings:
        write(f"controleer: deze aantallen zijn uit de gepubliceerde bestanden onder {n} te begrenzen:")
        for f in result.findings:
            write(f.line())
    write(result.summary())
    return 1 if result.findings else 0
