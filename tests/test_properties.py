"""Property-based tests on random valid extracts (hypothesis).

* Totals equal the sums of their cells, everywhere the contract prints a total, and the
  tables agree with each other where their populations coincide.
* Tables at P only change when events on or before P change: moving, adding or deleting
  events dated after P leaves every output at P identical.
* Every random extract written to files passes validation and reads back to the same
  typed frames.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core import contract as C
from analysis.definitions import registry
from analysis.extract.model import Extract, ExtractMeta
from analysis.definitions.outputs import cell
from analysis.core.params import Parameters

P = dt.date(2024, 5, 1)
DAY0_21, DAY0_13 = dt.date(2022, 1, 1), dt.date(2013, 1, 1)
END = dt.date(2025, 6, 30)


def _d(start: dt.date, offset: int | None):
    return None if offset is None else start + dt.timedelta(days=offset)


@st.composite
def wi2021_person(draw):
    span = (END - DAY0_21).days
    plicht = draw(st.integers(0, span))
    events = sorted(draw(st.lists(st.integers(plicht, span), min_size=4, max_size=4)))
    lbt, pip, aanbod, einde = events[0], events[1], events[2], events[3]
    has = draw(st.fixed_dictionaries({k: st.booleans() for k in ("lbt", "pip", "aanbod", "einde")}))
    has["aanbod"] &= has["pip"]
    return {
        "doelgroep": draw(st.sampled_from(C.DOELGROEPEN)),
        "datum_plicht": _d(DAY0_21, plicht),
        "datum_einde": _d(DAY0_21, einde) if has["einde"] else None,
        "reden_einde": draw(st.sampled_from(C.REDEN_EINDE_WI2021)) if has["einde"] else None,
        "datum_lbt": _d(DAY0_21, lbt) if has["lbt"] else None,
        "uitslag_lbt": draw(st.sampled_from(C.UITSLAG_LBT)) if has["lbt"] else None,
        "datum_pip": _d(DAY0_21, pip) if has["pip"] else None,
        "leerroute": draw(st.sampled_from(C.LEERROUTES)) if has["pip"] else None,
        "datum_aanbod": _d(DAY0_21, aanbod) if has["aanbod"] else None,
    }


@st.composite
def wi2013_person(draw):
    span = (END - DAY0_13).days
    plicht = draw(st.integers(0, span))
    einde = draw(st.one_of(st.none(), st.integers(plicht, span)))
    loans = draw(st.lists(st.tuples(st.integers(plicht, span), st.sampled_from([1, 50000, 300000, 474999, 475000, 950000])),
                          max_size=4))
    exams = draw(st.lists(st.tuples(st.integers(plicht, span), st.integers(0, 5), st.booleans()), max_size=5))
    return {
        "doelgroep": draw(st.sampled_from(C.DOELGROEPEN)),
        "datum_plicht": _d(DAY0_13, plicht),
        "datum_einde": _d(DAY0_13, einde),
        "reden_einde": draw(st.sampled_from(C.REDEN_EINDE_WI2013)) if einde is not None else None,
        "analfabeet": draw(st.sampled_from(["ja", "nee", None])),
        "loans": [(_d(DAY0_13, d), c) for d, c in loans],
        "exams": [(_d(DAY0_13, d), C.ONDERDELEN[o], ok) for d, o, ok in exams],
    }


def _dates(values):
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(dtype="datetime64[s]"))


def build(p21: list[dict], p13: list[dict]) -> Extract:
    w21 = pd.DataFrame(p21, columns=list(C.WI2021.column_names[1:]))
    wi2021 = pd.DataFrame({"persoon_id": [f"A{i}" for i in range(len(p21))]})
    for col in C.WI2021.columns[1:]:
        wi2021[col.name] = (_dates(w21[col.name]) if col.kind == "date"
                            else pd.Categorical(w21[col.name], categories=list(col.codes)))
    w13 = pd.DataFrame(p13, columns=list(C.WI2013.column_names[1:]) + ["loans", "exams"])
    wi2013 = pd.DataFrame({"persoon_id": [f"B{i}" for i in range(len(p13))]})
    for col in C.WI2013.columns[1:]:
        wi2013[col.name] = (_dates(w13[col.name]) if col.kind == "date"
                            else pd.Categorical(w13[col.name], categories=list(col.codes)))
    loans = [(i, d, c) for i, p in enumerate(p13) for d, c in p["loans"]]
    exams = [(i, d, o, ok) for i, p in enumerate(p13) for d, o, ok in p["exams"]]
    leningen = pd.DataFrame({"persoon_nr": np.array([x[0] for x in loans], dtype=np.int32),
                             "datum": _dates([x[1] for x in loans]),
                             "bedrag_cent": np.array([x[2] for x in loans], dtype=np.int64)})
    examens = pd.DataFrame({"persoon_nr": np.array([x[0] for x in exams], dtype=np.int32),
                            "datum": _dates([x[1] for x in exams]),
                            "onderdeel": pd.Categorical([x[2] for x in exams], categories=list(C.ONDERDELEN)),
                            "geslaagd": np.array([x[3] for x in exams], dtype=bool)})
    return Extract(wi2021=wi2021, wi2013=wi2013, leningen=leningen, examens=examens,
                   meta=ExtractMeta(schema=C.SCHEMA, bron="hypothesis", synthetisch=True, checksum=""))


extracts = st.tuples(st.lists(wi2021_person(), min_size=1, max_size=25),
                     st.lists(wi2013_person(), min_size=1, max_size=25))
PARAMS = Parameters(peildatum=P)


@given(extracts)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_totals_equal_the_sums_of_their_cells(data):
    ext = build(*data)
    out = registry.compute_all(ext, PARAMS)
    k21, k13 = out["kerncijfers_wi2021"], out["kerncijfers_wi2013"]
    c = lambda df, r, k: cell(df, r, k)  # noqa: E731
    assert c(k21, "nog_plichtig", "totaal") == sum(c(k21, f"nog_plichtig_{g}", "totaal") for g in C.DOELGROEPEN)
    assert c(k21, "met_pip", "totaal") <= c(k21, "nog_plichtig", "totaal") <= c(k21, "plichtig_geworden", "totaal")
    assert c(k13, "totaal", "totaal") == sum(c(k13, s, "totaal") for s in C.KERNCIJFERS_WI2013_RIJEN[1:])
    t3 = out["tabel3"]
    for r in C.LEERROUTES:
        assert c(t3, r, "totaal") == sum(c(t3, r, g) for g in C.DOELGROEPEN)
    t5 = out["tabel5"]
    years = list(dict.fromkeys(t5["rij"]))
    for y in years:
        assert c(t5, y, "totaal") == sum(c(t5, y, k) for k in C.TABEL5_KOLOMMEN[:-1])
    assert sum(c(t5, y, "nog_plichtig") for y in years) == c(k13, "nog_plichtig", "totaal")
    assert sum(c(t5, y, "totaal") for y in years) == c(k13, "totaal", "totaal") - c(k13, "vervallen", "totaal")
    t6 = out["tabel6"]
    for d in dict.fromkeys(t6["rij"]):
        assert c(t6, d, "totaal") == sum(c(t6, d, k) for k in C.TABEL6_KOLOMMEN[:-1])
    t2, t4 = out["tabel2"], out["tabel4"]
    assert c(t2, "inburgeringsplichtig", P.isoformat()) == c(k21, "nog_plichtig", "totaal")
    assert c(t2, "met_pip", P.isoformat()) == c(k21, "met_pip", "totaal")
    assert c(t4, "asiel_met_pip", P.isoformat()) <= c(k21, "nog_plichtig_asiel", "totaal")
    t1 = out["tabel1"]
    assert sum(c(t1, u, g) for u in C.UITSLAG_LBT for g in C.ROUTEGROEPEN) <= sum(c(t3, r, "totaal") for r in C.LEERROUTES)
    for df in out.values():
        pct = df[df["eenheid"] != "aantal"]["waarde"].dropna()
        assert ((pct >= 0) & (pct <= 100)).all()
        assert (df[df["eenheid"] == "aantal"]["waarde"] >= 0).all()
    if years:
        assert years == [str(y) for y in range(int(years[0]), P.year + 1)]


def _move_after_p(value, shift):
    if value is None or value <= P:
        return value
    return value + dt.timedelta(days=shift)


@given(extracts, st.integers(1, 400), st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_tables_at_p_only_change_when_events_before_p_change(data, shift, drop):
    """Every event after P moved later (or, for events that may be absent, deleted)."""
    p21, p13 = data
    before = registry.compute_all(build(p21, p13), PARAMS)
    q21 = []
    for p in p21:
        p = dict(p)
        for k in ("datum_plicht", "datum_einde", "datum_lbt", "datum_pip", "datum_aanbod"):
            p[k] = _move_after_p(p[k], shift)
        if drop and p["datum_aanbod"] is not None and p["datum_aanbod"] > P:
            p["datum_aanbod"] = None
        if drop and p["datum_einde"] is not None and p["datum_einde"] > P:
            p["datum_einde"], p["reden_einde"] = None, None
        q21.append(p)
    q13 = []
    for p in p13:
        p = dict(p)
        for k in ("datum_plicht", "datum_einde"):
            p[k] = _move_after_p(p[k], shift)
        p["loans"] = [(d, c) for d, c in p["loans"] if not (drop and d > P)]
        p["loans"] = [(_move_after_p(d, shift), c) for d, c in p["loans"]] + ([(P + dt.timedelta(days=1), 950000)] if drop else [])
        p["exams"] = [(_move_after_p(d, shift), o, ok) for d, o, ok in p["exams"]]
        q13.append(p)
    after = registry.compute_all(build(q21, q13), PARAMS)
    for name in registry.OUTPUTS:
        pd.testing.assert_frame_equal(before[name], after[name])


@given(extracts)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_random_extracts_survive_the_round_trip_through_files(tmp_path_factory, data):
    from builders import Extract as Builder
    p21, p13 = data
    b = Builder()
    iso = lambda v: None if v is None else v.isoformat()  # noqa: E731
    for p in p21:
        b.wi2021(**{k: iso(v) if k.startswith("datum") else v for k, v in p.items()})
    for p in p13:
        pid = b.wi2013(**{k: iso(v) if k.startswith("datum") else v for k, v in p.items() if k not in ("loans", "exams")})
        for d, c in p["loans"]:
            b.lening(pid, d.isoformat(), f"{c // 100}.{c % 100:02d}")
        for d, o, ok in p["exams"]:
            b.examen(pid, d.isoformat(), o, "geslaagd" if ok else "gezakt")
    typed = b.load(tmp_path_factory.mktemp("rt"))
    direct = registry.compute_all(build(p21, p13), PARAMS)
    via_files = registry.compute_all(typed, PARAMS)
    for name in registry.OUTPUTS:
        pd.testing.assert_frame_equal(direct[name], via_files[name])


@given(extracts)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_sum_the_registry_declares_holds_and_every_percentage_has_the_contracts_base(data):
    """The registry's sums, read as they are (the test above restates them by hand); the
    percentages against their bases as contract section 3 (and each table's `cellen`) states
    them, written out here by hand rather than read from the registry's declarations, so that
    a wrong declared base fails."""
    out = registry.compute_all(build(*data), PARAMS)
    value = {(n, r.rij, r.kolom): r.waarde for n, df in out.items() for r in df[df.eenheid == "aantal"].itertuples()}
    sums = registry.all_sums(out)
    assert len(sums) >= 10
    for s in sums:
        assert sum(value[k] for k in s.totaal) == sum(value[k] for k in s.delen), s
    checked = 0
    for name, df in out.items():
        count = {(r.rij, r.kolom): r.waarde for r in df[df.eenheid == "aantal"].itertuples()}
        for r in df[df.eenheid != "aantal"].itertuples():
            base = _contract_base(name, r.rij, r.kolom, r.eenheid, count)
            assert (base == 0 and math.isnan(r.waarde)) or r.waarde == 100 * count[(r.rij, r.kolom)] / base, \
                (name, r.rij, r.kolom, r.eenheid)
            checked += 1
    assert checked >= 20


def _contract_percentages() -> dict[str, tuple[list[str], str | None]]:
    """Per table, the percentages contract section 3 requires and the base it names, read from
    the contract's own sentence ("Percentages that must be present ..."): a table added to the
    contract is checked without a line here."""
    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "contract.md").read_text(encoding="utf-8").split())
    paragraph = text.split("Percentages that must be present")[1].split("A percentage whose base is zero")[0]
    out = {}
    for clause in paragraph.split(";"):
        rule = ("column" if "share of the column" in clause else "first_row" if "first row" in clause
                else "row_totaal" if "row's `totaal`" in clause else None)
        for name in re.findall(r"\b(tabel\d+|kerncijfers_wi20\d\d)\b", clause.split("`")[0]):
            out[name] = (re.findall(r"`(procent\w*)`", clause), rule)
    return out


CONTRACT_PERCENTAGES = _contract_percentages()


def test_the_contract_sentence_on_percentages_is_read():
    assert CONTRACT_PERCENTAGES["tabel3"] == (["procent"], "column")
    assert CONTRACT_PERCENTAGES["tabel2"] == CONTRACT_PERCENTAGES["tabel4"] == (["procent"], "first_row")
    assert CONTRACT_PERCENTAGES["tabel5"] == (["procent"], "row_totaal")
    assert CONTRACT_PERCENTAGES["tabel1"] == (["procent_kolom", "procent_rij"], None)


def _contract_base(name, rij, kolom, eenheid, count) -> float:
    """The base of a percentage as the contract states it: section 3's sentence for the
    tables, and for the kerncijfers (which that sentence leaves out) section 2 and the
    tables' `cellen`, written out here."""
    column = sum(v for (r, k), v in count.items() if k == kolom and r != "totaal")
    if name == "kerncijfers_wi2013":  # share of the total imposed
        return count[("totaal", "totaal")]
    if name == "kerncijfers_wi2021":  # nog plichtig of who became plichtig; the rest of who is still
        return count[("plichtig_geworden", "totaal")] if rij == "nog_plichtig" else count[("nog_plichtig", "totaal")]
    assert name in CONTRACT_PERCENTAGES, (
        f"{name}: docs/contract.md section 3 does not say what its percentages are a share of "
        f"(add it to the sentence 'Percentages that must be present', e.g. '{name} `procent` for every "
        "cell (its share of the column)')")
    units, rule = CONTRACT_PERCENTAGES[name]
    assert eenheid in units, f"{name}: a percentage the contract does not describe ({rij}/{kolom}/{eenheid})"
    if eenheid == "procent_kolom" or rule == "column":
        return column
    if eenheid == "procent_rij":
        return sum(v for (r, k), v in count.items() if r == rij)
    if rule == "first_row":  # the second row as a share of the first, per peildatum
        return count[(next(iter(count))[0], kolom)]
    if rule == "row_totaal":
        return count[(rij, "totaal")]
    raise AssertionError(f"{name}: the contract names no base for {eenheid}")


# ---- a table that is part of another ------------------------------------------------------

def _nested(part: str, whole: str, extract) -> bool:
    """Every cell of `part` counts some of the persons the same cell of `whole` counts."""
    a = {(r, k): m for r, k, m in registry.spec(part).cells(extract, PARAMS)}
    b = {(r, k): m for r, k, m in registry.spec(whole).cells(extract, PARAMS)}
    return a.keys() == b.keys() and all(not (a[k] & ~b[k]).any() for k in a)


def _tables() -> list[str]:
    return [n for n, s in registry.SPECS.items() if not s.monitor]


def _false_parts(extract) -> list[str]:
    """Declarations `deel_van` that this extract contradicts."""
    return [f"{name} zegt deel te zijn van {whole}, maar is het niet"
            for name in _tables() for whole in registry.spec(name).deel_van
            if registry.spec(whole).wet != registry.spec(name).wet or not _nested(name, whole, extract)]


@given(extracts)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_table_that_says_it_is_part_of_another_is(data):
    assert _false_parts(build(*data)) == []


def _undeclared_parts(examples: int = 300, among: tuple[str, ...] | None = None) -> list[str]:
    """Tables with another's cells that no random extract shows to lie outside it, while
    the declaration does not say `deel_van`: a link the report should state (`among`: only
    pairs of these tables)."""
    from hypothesis import Phase, find
    from hypothesis.errors import NoSuchExample
    found = []
    tables = [n for n in _tables() if among is None or n in among]
    for part in tables:
        for whole in tables:
            spec = registry.spec(part)
            if whole == part or whole in spec.deel_van or registry.spec(whole).wet != spec.wet:
                continue
            try:  # any extract where it is not nested will do: no shrinking
                find(extracts, lambda d: not _nested(part, whole, build(*d)),
                     settings=settings(max_examples=examples, database=None, deadline=None, derandomize=True,
                                       phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
            except NoSuchExample:
                found.append(f"{part}: elke cel ligt binnen dezelfde cel van {whole}; zeg deel_van=('{whole}',)")
    return found


def test_every_table_that_is_part_of_another_says_so():
    assert _undeclared_parts() == []


def test_a_new_table_within_tabel3_is_asked_to_say_so(monkeypatch):
    """Tabel 3 counted only for those still plichtig at P: its cells lie within Tabel 3's,
    and the check above names it until the declaration says so."""
    import dataclasses

    from analysis.definitions import tables as T
    still = lambda x, p: [(r, k, m & T.plichtig_at(x.wi2021, p.peildatum))  # noqa: E731
                          for r, k, m in T.tabel3_cells(x.wi2021, p.peildatum)]
    part = dataclasses.replace(registry.spec("tabel3"), name="deel", cells=still, deel_van=())
    monkeypatch.setitem(registry.SPECS, "deel", part)
    assert _undeclared_parts(among=("deel", "tabel3")) == [
        "deel: elke cel ligt binnen dezelfde cel van tabel3; zeg deel_van=('tabel3',)"]
    monkeypatch.setitem(registry.SPECS, "deel", dataclasses.replace(part, deel_van=("tabel3",)))
    assert _undeclared_parts(among=("deel", "tabel3")) == []
    # and the other way round is false: some extract has a person with a PIP no longer plichtig
    monkeypatch.setitem(registry.SPECS, "tabel3", dataclasses.replace(registry.spec("tabel3"), deel_van=("deel",)))
    from hypothesis import Phase, find
    find(extracts, lambda d: bool(_false_parts(build(*d))),
         settings=settings(max_examples=300, database=None, deadline=None, phases=[Phase.generate], derandomize=True))


# ---- celbeveiliging over a whole run's publication (contract section 8) -------------------

def _no_finding(extract, n: int) -> None:
    """The independent reader (tests/reader.py), given every count a run publishes and which
    the run's pattern shows, bounds no count or nested difference below N below N."""
    from reader import findings

    from analysis.publication import run as publication_run
    params = Parameters(peildatum=P, celbeveiliging=n)
    pub = publication_run.run_publication(extract, params)
    pattern = publication_run.run_pattern(extract, params)
    assert findings(list(pub.counts.values()), pattern.hides, n) == []


@given(extracts)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_random_run_lets_the_independent_reader_bound_a_small_count(data):
    _no_finding(build(*data), 5)
