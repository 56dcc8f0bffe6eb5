"""Claims audit: every quantitative sentence of the letter, tested on every run.

The claims live in data/reference/claims.toml (quote, reading, computation, condition).
A computation is a small expression over the run's tables; it is parsed with Python's
`ast` and evaluated by a walker that knows only numbers, arithmetic, comparisons, lists
and the functions below: nothing else can run. The arithmetic is shown with every cell
replaced by its value, so a reader can redo it by hand.

Like the verification, the claims speak of the letter's own dates (contract section 5):
they are evaluated on tables computed at the letter's peildata (reference.letter_parameters),
from the run's extract, whatever P the run has. Each claim names the date it speaks of
(`peildatum` in claims.toml).

Status: bevestigd (the condition holds), afwijkend (it does not), niet_toetsbaar (the
claim has no computation, or a value it needs is missing or hidden by celbeveiliging),
niet_vergelijkbaar (a date it speaks of lies after the extract's horizon).

Source (`bron`, contract v1.2 section 5): `extract` when the value comes from this run's
extract, `brief` when the sentence is checked against the letter's own printed figures only
(text against table). A `brief` claim reads nothing of the extract (checked when the claims
are loaded), so its verdict is the same on every extract and at every horizon; it says
nothing about the data and is never counted or shown as confirmed by the extract.
"""
from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import paths
from ..core.dutch import getal
from ..core.params import Parameters
from ..definitions import registry
from ..definitions.outputs import cell, column_equals
from ..definitions.rounding import half_up, largest_remainder
from ..extract.horizon import horizon_reason
from ..extract.model import Extract
from . import reference
from .claims_file import BRON_BRIEF, BRON_EXTRACT, BRONNEN, COLUMNS

CLAIMS_FILE = "claims.toml"
# what an expression may read, by source: the extract's tables and statistics, or the letter
_READS = {BRON_EXTRACT: frozenset({"cel", "cel_op", "stat"}), BRON_BRIEF: frozenset({"brief"})}


class Missing(Exception):
    """A value the claim needs is not there (not in this run, or protected)."""


class NotComparable(Missing):
    """A value the claim needs speaks of a date after the extract's horizon."""


def load_claims(path: Path | None = None) -> list[dict]:
    path = path or paths.reference_dir() / CLAIMS_FILE
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    claims = data.get("claim", [])
    ids = [c["id"] for c in claims]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: dubbele claim-id's")
    for c in claims:
        _check_source(c, path)
    return claims


def source(claim: dict) -> str:
    return claim.get("bron", BRON_EXTRACT)


def _check_source(claim: dict, path: Path) -> None:
    """A claim's `bron` must be true of its computation: a `brief` claim reads only the
    letter's figures (else its verdict would move with the extract while the report says it
    does not), and an `extract` claim with a computation reads the extract (else it would be
    counted as tested on the data while it only checks the letter's arithmetic)."""
    bron = source(claim)
    if bron not in BRONNEN:
        raise ValueError(f"{path}: claim {claim['id']}: bron {bron!r} is niet een van {', '.join(BRONNEN)}")
    calls = set()
    for text in (claim.get("berekening", ""), claim.get("toets", "")):
        if text:
            calls |= {n.func.id for n in ast.walk(ast.parse(text, mode="eval"))
                      if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    data_calls = calls & (_READS[BRON_EXTRACT] | _READS[BRON_BRIEF])
    if data_calls - _READS[bron] or (claim.get("berekening") and not data_calls & _READS[bron]):
        raise ValueError(f"{path}: claim {claim['id']} heeft bron {bron!r} maar leest "
                         f"{', '.join(sorted(data_calls)) or 'niets'}")


@dataclass
class Context:
    """What the expressions may read: the tables and statistics at the letter's dates."""

    run_tables: dict[str, pd.DataFrame]
    params: Parameters  # the letter's parameters (reference.letter_parameters)
    statistics: pd.DataFrame | None = None
    extract: Extract | None = None
    figures: pd.DataFrame | None = None
    horizon: dt.date | None = None
    stand_per: dt.date | None = None
    protect: object = None  # table -> table, celbeveiliging applied (None: nothing hidden)
    celbeveiliging: int = 0  # a computed count below this is not shown
    raw_tables: dict | None = None  # run_tables before celbeveiliging (to say why a cell is missing)
    _cache: dict | None = None

    def names(self) -> dict:
        elip = [d.isoformat() for d in self.params.elip]
        return {"peildatum": self.params.peildatum.isoformat(),
                "vorige_peildatum": self.params.q.isoformat(),
                "eerste_elip": elip[0] if elip else "",
                "laatste_elip": elip[-1] if elip else ""}

    # the functions an expression may call -------------------------------------------
    def cel(self, tabel, rij, kolom, eenheid="aantal"):
        df = self.run_tables.get(tabel)
        if df is None:
            raise Missing(f"{tabel} ontbreekt in deze run")
        if tabel in registry.SPECS:  # the date this cell speaks of must lie within the horizon
            speaks_of = registry.spec(tabel).measured_on(str(rij), str(kolom), self.params.peildatum.isoformat())
            why = horizon_reason(speaks_of, self.horizon, self.stand_per)
            if why:
                raise NotComparable(why)
        v = cell(df, str(rij), str(kolom), eenheid)
        if math.isnan(v):
            raw = self.raw_tables.get(tabel) if self.raw_tables else None
            if raw is not None and not math.isnan(cell(raw, str(rij), str(kolom), eenheid)):
                raise Missing(f"{tabel} {rij} {kolom} ({eenheid}) is {AFGESCHERMD}")
            raise Missing(f"{tabel} {rij} {kolom} ({eenheid}) ontbreekt")
        return v

    def cel_op(self, tabel, datum, rij, kolom, eenheid="aantal"):
        d = dt.date.fromisoformat(datum)
        why = horizon_reason(datum, self.horizon, self.stand_per)
        if why:
            raise NotComparable(why)
        if self.extract is None:
            raise Missing(f"{tabel} op {datum}: geen extract")
        self._cache = self._cache or {}
        key = (tabel, datum)
        if key not in self._cache:
            table = table_at(self.extract, self.params, tabel, d)
            self._cache[key] = (self.protect(table) if self.protect else table, table)
        shown, raw = self._cache[key]
        v = cell(shown, str(rij), str(kolom), eenheid)
        if math.isnan(v):
            if not math.isnan(cell(raw, str(rij), str(kolom), eenheid)):
                raise Missing(f"{tabel} {rij} {kolom} op {datum} is {AFGESCHERMD}")
            raise Missing(f"{tabel} {rij} {kolom} op {datum} ontbreekt")
        return v

    def brief(self, tabel, rij, kolom, eenheid="aantal", peildatum=None):
        if self.figures is None:
            self.figures = reference.load_figures()
        fig = self.figures  # compared as plain arrays, as outputs.cell does (a run asks 120 times)
        hit = (column_equals(fig["output"], tabel) & column_equals(fig["rij"], str(rij))
               & column_equals(fig["kolom"], str(kolom)) & column_equals(fig["eenheid"], eenheid))
        if peildatum is not None:
            hit &= column_equals(fig["peildatum"], peildatum)
        found = np.flatnonzero(hit)
        if not len(found):
            raise Missing(f"de brief drukt {tabel} {rij} {kolom} ({eenheid}) niet af")
        return float(fig["waarde"].to_numpy()[found[0]])

    def stat(self, analyse, kenmerk, toets, grootheid):
        from ..statistics.results import value
        if self.statistics is None:
            raise Missing("geen statistiek in deze run")
        v = value(self.statistics, analyse, kenmerk, toets, grootheid)
        if math.isnan(v):
            raise Missing(f"statistiek {analyse}/{kenmerk}/{toets}/{grootheid} ontbreekt")
        return v


AFGESCHERMD = "afgeschermd door celbeveiliging"


def table_at(extract: Extract, letter: Parameters, tabel: str, d: dt.date) -> pd.DataFrame:
    """A table at another date than the letter's peildatum (what `cel_op` reads)."""
    return registry.compute(tabel, extract, Parameters(peildatum=d, elip_drempel_cent=letter.elip_drempel_cent))


def dated_lookups(claims: list[dict], ctx: "Context") -> set[tuple[str, dt.date]]:
    """Every (tabel, datum) a claim reads with `cel_op`, found without evaluating anything:
    celbeveiliging must know these tables before any claim is shown."""
    names = ctx.names()
    out = set()
    for c in claims:
        if source(c) == BRON_BRIEF:
            continue
        for text in (c.get("berekening", ""), c.get("toets", "")):
            if not text:
                continue
            for node in ast.walk(ast.parse(text, mode="eval")):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cel_op" \
                        and len(node.args) >= 2:
                    args = []
                    for a in node.args[:2]:
                        if isinstance(a, ast.Constant) and isinstance(a.value, str):
                            args.append(a.value)
                        elif isinstance(a, ast.Name) and a.id in names:
                            args.append(names[a.id])
                    if len(args) == 2 and args[1]:
                        out.add((args[0], dt.date.fromisoformat(args[1])))
    return out


def _afgerond(x, decimalen=0):
    return half_up(x, int(decimalen))


def _grootste_rest(values, decimalen=0):
    return [int(v) if float(v).is_integer() else v for v in largest_remainder(list(values), int(decimalen))]


def _strikt(op):
    def f(*xs):
        return all(op(a, b) for a, b in zip(xs, xs[1:]))
    return f


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Mod: operator.mod}
_CMPS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
         ast.Gt: operator.gt, ast.GtE: operator.ge}


class Evaluator:
    """Evaluates one expression; records the value of every function call for display."""

    def __init__(self, ctx: Context, x: float | None = None):
        self.ctx = ctx
        self.functions = {
            "cel": ctx.cel, "cel_op": ctx.cel_op, "brief": ctx.brief, "stat": ctx.stat,
            "afgerond": _afgerond, "grootste_rest": _grootste_rest, "som": lambda *xs: sum(xs),
            "min": min, "max": max, "abs": abs,
            "strikt_stijgend": _strikt(operator.lt), "strikt_dalend": _strikt(operator.gt),
        }
        self.names = ctx.names()
        if x is not None:
            self.names["x"] = x

    def evaluate(self, text: str):
        tree = ast.parse(text, mode="eval")
        return self._eval(tree.body)

    def _eval(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            raise ValueError(f"onbekende naam {node.id!r}")
        if isinstance(node, ast.List):
            return [self._eval(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            left, right = self._eval(node.left), self._eval(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise Missing("deling door nul")
            return _BINOPS[type(node.op)](left, right)
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                return all(self._eval(v) for v in node.values)
            return any(self._eval(v) for v in node.values)
        if isinstance(node, ast.Compare):
            left = self._eval(node.left)
            for op, comp in zip(node.ops, node.comparators):
                right = self._eval(comp)
                if type(op) not in _CMPS or not _CMPS[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
            args = [self._eval(a) for a in node.args]
            kwargs = {k.arg: self._eval(k.value) for k in node.keywords}
            return self.functions[node.func.id](*args, **kwargs)
        raise ValueError(f"niet toegestaan in een claim: {ast.dump(node)[:60]}")


class _Substitute(ast.NodeTransformer):
    """The expression with every data lookup replaced by its value (for the arithmetic)."""

    def __init__(self, ev: Evaluator):
        self.ev = ev

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in ("cel", "cel_op", "brief", "stat"):
            try:
                return ast.copy_location(ast.Constant(self.ev._eval(node)), node)
            except Missing:
                return ast.copy_location(ast.Name("ontbreekt"), node)
        return self.generic_visit(node)

    def visit_Name(self, node):
        if node.id == "x" and "x" in self.ev.names:
            return ast.copy_location(ast.Constant(self.ev.names["x"]), node)
        return node


def _number(v: float) -> str:
    if isinstance(v, bool):
        return "waar" if v else "onwaar"
    if isinstance(v, list):
        return "[" + ", ".join(_number(x) for x in v) + "]"
    if isinstance(v, str):
        return v
    if float(v).is_integer():
        return getal(v)
    return getal(v, 2 if abs(v) >= 1 else 4)


def arithmetic(text: str, ev: Evaluator) -> str:
    """'100 * (a + b) / (...)' with the values of a and b filled in: the computation shown."""
    tree = _Substitute(ev).visit(ast.parse(text, mode="eval"))
    shown = ast.unparse(tree).replace(" == ", " = ").replace(" and ", " en ").replace(" or ", " of ")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (float, list)) and not isinstance(node.value, bool):
            shown = shown.replace(repr(node.value), _number(node.value), 1)
    # whole numbers of four digits or more with thousands separators, as the letter writes them
    return re.sub(r"(?<![\d.,'])(\d{4,})(?![\d.,'-])", lambda m: getal(int(m.group(1))), shown)


def evaluate_claim(claim: dict, ctx: Context) -> dict:
    base = {"id": claim["id"], "sectie": claim["sectie"], "peildatum": claim.get("peildatum", ""),
            "citaat": claim["citaat"], "gepubliceerd": claim.get("gepubliceerd", ""), "bron": source(claim)}
    from_letter = base["bron"] == BRON_BRIEF
    if from_letter:
        if ctx.figures is None:
            ctx.figures = reference.load_figures()
        ctx = Context(run_tables={}, params=ctx.params, figures=ctx.figures)
    lezing = claim.get("lezing", "")
    if not claim.get("berekening"):
        return base | {"berekend": "", "status": "niet_toetsbaar",
                       "toelichting": claim.get("reden", "geen berekening") + (f" Lezing: {lezing}" if lezing else "")}
    why_not = None if from_letter or not base["peildatum"] else \
        horizon_reason(base["peildatum"], ctx.horizon, ctx.stand_per)
    ev = Evaluator(ctx)
    try:
        if why_not:
            raise NotComparable(why_not)
        x = ev.evaluate(claim["berekening"])
        holds = bool(Evaluator(ctx, x).evaluate(claim["toets"]))
    except NotComparable as why:
        return base | {"berekend": "", "status": "niet_vergelijkbaar",
                       "toelichting": f"Niet vergelijkbaar: {why}. Lezing: {lezing}"}
    except Missing as why:
        return base | {"berekend": "", "status": "niet_toetsbaar",
                       "toelichting": f"Niet te berekenen: {why}. Lezing: {lezing}"}
    unit = claim.get("eenheid", "")
    n = ctx.celbeveiliging
    if n and not from_letter and unit == "aantal" and isinstance(x, (int, float)) and not isinstance(x, bool) \
            and 0 < abs(x) < n:
        return base | {"berekend": "", "status": "niet_toetsbaar",
                       "toelichting": f"Niet te berekenen: {AFGESCHERMD} (de uitkomst is een aantal kleiner "
                                      f"dan {n}). Lezing: {lezing}"}
    shown = _number(x) + ("%" if unit == "procent" else "")
    work = arithmetic(claim["berekening"], ev) + f" = {_number(x)}"
    src = "de tabellen van de brief zelf" if from_letter else "de tabellen van dit extract op de peildata van de brief"
    test = arithmetic(claim["toets"], Evaluator(ctx, x))
    note = f"Lezing: {lezing} Berekening (uit {src}): {work}. Toets: {test}."
    return base | {"berekend": shown, "status": "bevestigd" if holds else "afwijkend", "toelichting": note}


def evaluate(claims: list[dict], ctx: Context) -> pd.DataFrame:
    return pd.DataFrame([evaluate_claim(c, ctx) for c in claims], columns=list(COLUMNS))


def write(df: pd.DataFrame, path: Path) -> Path:
    from ..definitions.outputs import to_csv_text
    path.write_text(to_csv_text(df, COLUMNS), encoding="utf-8")
    return path


