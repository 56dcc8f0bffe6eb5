"""The publication engine (src/analysis/publication/): hand-worked cases and random ones,
each checked by an independent reader (tests/reader.py) that knows only who each count
counts and what the pattern shows."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.definitions.items import CellKey, Count
from analysis.publication.pattern import Publication
from analysis.publication.record import AFGELEID, BLOK, PRIMAIR, SECUNDAIR
from analysis.definitions.items import Ratio
from reader import findings


def _mask(idx, n):
    m = np.zeros(n, dtype=bool)
    m[list(idx)] = True
    return m


def _table(cells: dict[tuple[str, str], list[int]], n: int, name="toy", date="d") -> list[Count]:
    """A two-way table of persons with row, column and grand totals."""
    out = [Count(CellKey(name, date, r, k), "wi2021", _mask(p, n)) for (r, k), p in cells.items()]
    rows = sorted({r for r, _ in cells})
    cols = sorted({k for _, k in cells})
    for r in rows:
        out.append(Count(CellKey(name, date, r, "totaal"), "wi2021",
                         _mask([i for (x, _), p in cells.items() if x == r for i in p], n)))
    for k in cols:
        out.append(Count(CellKey(name, date, "totaal", k), "wi2021",
                         _mask([i for (_, y), p in cells.items() if y == k for i in p], n)))
    out.append(Count(CellKey(name, date, "totaal", "totaal"), "wi2021", _mask(range(n), n)))
    return out


def test_a_two_by_two_table_worked_out_by_hand():
    # a/x = 1 and a/y = 2 are below 3; with the row total 3 shown, either follows from the other
    # only if one is shown, so both are primary anyway; the column totals (6 and 8) give
    # a/x = 6 - b/x: so b/x and then b/y (row b's total is shown) are hidden too. Four cells.
    counts = _table({("a", "x"): [0], ("a", "y"): [1, 2], ("b", "x"): [3, 4, 5, 6, 7],
                     ("b", "y"): [8, 9, 10, 11, 12, 13]}, 14)
    pub = Publication()
    pub.add(counts)
    pattern = pub.pattern(3)
    kinds = {k.rij + "/" + k.kolom: r.kind for k, r in pattern.reasons.items()}
    assert kinds == {"a/x": PRIMAIR, "a/y": PRIMAIR, "b/x": SECUNDAIR, "b/y": SECUNDAIR}
    assert findings(counts, pattern.hides, 3) == []
    # with one complementary cell shown again, the reader bounds a/x below 3
    shown_again = CellKey("toy", "d", "b", "x")
    assert findings(counts, lambda k: pattern.hides(k) and k != shown_again, 3)


def test_four_cells_are_the_fewest_for_that_table():
    """Brute force over every set of hidden cells: none with fewer than four meets the rule."""
    counts = _table({("a", "x"): [0], ("a", "y"): [1, 2], ("b", "x"): [3, 4, 5, 6, 7],
                     ("b", "y"): [8, 9, 10, 11, 12, 13]}, 14)
    keys = [c.key for c in counts]
    best = min(len(s) for r in range(len(keys) + 1) for s in itertools.combinations(keys, r)
               if {CellKey("toy", "d", "a", "x"), CellKey("toy", "d", "a", "y")} <= set(s)
               and not findings(counts, lambda k, s=s: k in s, 3))
    assert best == 4


def test_zeros_are_shown_and_a_small_difference_over_dates_is_protected():
    # plichtig geworden by two months: 20 and 23 persons, nested: the month's inflow is 3
    n = 30
    jan = Count(CellKey("kern", "2024-01-01", "geworden", "totaal"), "wi2021", _mask(range(20), n))
    feb = Count(CellKey("kern", "2024-02-01", "geworden", "totaal"), "wi2021", _mask(range(23), n))
    none = Count(CellKey("kern", "2024-02-01", "niemand", "totaal"), "wi2021", _mask([], n))
    pub = Publication()
    pub.add([jan, feb, none])
    pattern = pub.pattern(5)
    assert not pattern.hides(none.key)
    assert pattern.hides(jan.key) or pattern.hides(feb.key)
    assert findings([jan, feb, none], pattern.hides, 5) == []


def test_a_sum_no_cell_prints_is_protected_against_a_count_nested_in_it():
    """Tabel 3 prints overig per route but not overig over the routes; a reader adds them up
    (20 + 25 = 45) and subtracts a count nested in that sum that another output shows (42,
    say with a PIP within two years): 3 persons, below N = 10, although every printed count
    is 10 or more and no printed count holds another (the nationwide case: 8 overig
    persons with a PIP after two years)."""
    n = 60
    cells = [Count(CellKey("t", "d", "r1", "x"), "wi2021", _mask(range(0, 20), n)),
             Count(CellKey("t", "d", "r2", "x"), "wi2021", _mask(range(20, 45), n)),
             Count(CellKey("t", "d", "r1", "y"), "wi2021", _mask(range(45, 60), n)),
             Count(CellKey("m", "d", "g", "k"), "wi2021", _mask(list(range(0, 19)) + list(range(20, 43)), n))]
    assert findings(cells, lambda k: False, 10) == [("som ('t', 'd', '', 'aantal', 'kolom', 'x') min m d g/k", 3.0, 3.0)]
    pub = Publication()
    pub.add(cells)
    pattern = pub.pattern(10)
    assert pattern.reasons and all(r.kind == SECUNDAIR for r in pattern.reasons.values())
    assert "som van kolom x" in next(iter(pattern.reasons.values())).voor
    assert findings(cells, pattern.hides, 10) == []


def test_the_same_persons_under_two_keys_are_one_count():
    n = 12
    a = Count(CellKey("t", "d", "a", "x"), "wi2021", _mask([0, 1], n))
    twin = Count(CellKey("u", "d", "b", "y"), "wi2021", _mask([0, 1], n))
    pub = Publication()
    pub.add([a, twin])
    pattern = pub.pattern(5)
    assert pattern.hides(a.key) and pattern.hides(twin.key)


def test_a_ratio_on_a_hidden_count_is_hidden_and_an_unknown_key_is_never_shown():
    n = 12
    small = Count(CellKey("t", "d", "a", "x"), "wi2021", _mask([0, 1], n))
    big = Count(CellKey("t", "d", "b", "x"), "wi2021", _mask(range(2, 12), n))
    share = Ratio(CellKey("t", "d", "b", "x", "procent"), (big.key, small.key))
    pub = Publication()
    pub.add([small, big], [share])
    pattern = pub.pattern(5)
    assert pattern.reasons[share.key].kind == AFGELEID
    assert pattern.hides(CellKey("t", "d", "c", "x"))  # not in the publication: fail-safe


def test_a_block_leaves_out_its_other_counts_but_not_their_persons_elsewhere():
    n = 40
    small = Count(CellKey("stat", "d", "g", "ja"), "wi2021", _mask([0, 1], n))
    other = Count(CellKey("stat", "d", "g", "nee"), "wi2021", _mask(range(2, 40), n))
    pub = Publication()
    pub.add([small, other], blocks=[{small.key, other.key}])
    pattern = pub.pattern(5)
    assert pattern.reasons[other.key].kind == BLOK
    # an interface call showing the same 38 persons beside this run may show them
    again = Count(CellKey("kruis", "d", "g", "nee"), "wi2021", other.mask.copy())
    joint = Publication()
    joint.add([small, other, again])
    assert not joint.pattern(5, given=pattern).hides(again.key)


def test_what_a_run_shows_stays_shown_beside_an_interface_call():
    cells = {("a", "x"): [0], ("a", "y"): list(range(1, 11)), ("b", "x"): list(range(11, 21)),
             ("b", "y"): list(range(21, 31))}
    run = _table(cells, 31)
    pub = Publication()
    pub.add(run)
    run_pattern = pub.pattern(5)
    # the interface adds the row a split by another variable: a/x = 1 again, a/y in 4 + 6
    call = [Count(CellKey("call", "d", "a", k), "wi2021", _mask(p, 31)) for k, p in
            (("y1", range(1, 5)), ("y2", range(5, 11)))]
    joint = Publication()
    joint.add(run + call)
    pattern = joint.pattern(5, given=run_pattern)
    for c in run:
        assert pattern.hides(c.key) == run_pattern.hides(c.key)
    assert findings(run + call, pattern.hides, 5) == []


@st.composite
def _publications(draw):
    """Random small tables over one set of persons, at two dates, some nested."""
    n = draw(st.integers(6, 30))
    rows = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    cols = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    later = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    cells = {}
    for i in range(n):
        cells.setdefault((f"r{rows[i]}", f"k{cols[i]}"), []).append(i)
    counts = _table(cells, n)
    grown = [i for i in range(n) if not later[i]]
    counts.append(Count(CellKey("kern", "vroeger", "geworden", "totaal"), "wi2021", _mask(grown, n)))
    return counts, draw(st.integers(2, 6))


@settings(max_examples=60, deadline=None)
@given(_publications())
def test_no_random_publication_lets_the_independent_reader_bound_a_small_count(case):
    counts, n = case
    pub = Publication()
    pub.add(counts)
    pattern = pub.pattern(n)
    assert findings(counts, pattern.hides, n) == []
    for c in counts:  # primary: every count below N is hidden, zeros never
        v = int(c.mask.sum())
        assert pattern.hides(c.key) == (pattern.hides(c.key) if v >= n else v > 0)


@pytest.mark.parametrize("main_column, hidden_column", [("y", "z"), ("z", "y")])
def test_a_count_of_the_runs_own_tables_is_hidden_after_one_only_the_monitor_shows(main_column, hidden_column):
    # a/x = 1 needs a rectangle: a/x, b/x and one other column in both rows; y and z are alike
    # (all 5), so only the cost of the run's own tables (MAIN_COST) decides which column goes
    cells = {("a", "x"): [0], ("a", "y"): list(range(1, 6)), ("a", "z"): list(range(6, 11)),
             ("b", "x"): list(range(11, 16)), ("b", "y"): list(range(16, 21)), ("b", "z"): list(range(21, 26))}
    counts = _table(cells, 26)
    pub = Publication()
    pub.add(counts)  # the same order of counts either way: only the mark differs
    pub.add([c for c in counts if c.key.kolom == main_column], main=True)
    pattern = pub.pattern(3)
    hidden = {k.rij + "/" + k.kolom for k in pattern.reasons}
    assert hidden == {"a/x", "b/x", f"a/{hidden_column}", f"b/{hidden_column}"}
    assert findings(counts, pattern.hides, 3) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 150), st.data())
def test_atoms_are_exactly_the_groups_of_persons_in_the_same_counts(n, k, data):
    # persons of a few kinds, so that groups stay coarse; the masks say only the kind, except
    # one at a drawn place (often at the edge of a chunk of the refinement: 62 masks for the
    # first, fewer after) that is the only one to split persons of one kind: leaving out or
    # misplacing any mask merges groups
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 6, n)
    plain = rng.random(6) < 0.7
    masks = [plain[kind] if rng.random() < 0.8 else rng.random(6)[kind] < 0.5 for _ in range(k)]
    first = 62  # masks in the first chunk (ids need 1 bit); later chunks are a few narrower
    edges = [p for p in [0, 1] + [first * j + d for j in (1, 2) for d in range(-6, 3)] if p < k]
    where = data.draw(st.one_of(st.sampled_from(edges), st.integers(0, k - 1)))
    masks[where] = rng.random(n) < 0.5
    from analysis.publication.space import atoms_of
    atom = atoms_of(masks, n)
    signature = [tuple(bool(m[i]) for m in masks) for i in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        assert (atom[i] == atom[j]) == (signature[i] == signature[j])
    assert all((atom[i] < 0) == (not any(signature[i])) for i in range(n))
    assert sorted(set(atom[atom >= 0])) == list(range(len(set(atom[atom >= 0]))))


@settings(max_examples=30, deadline=None)
@given(_publications())
def test_the_lp_over_all_atoms_sparse_protects_as_the_dense_one_does(case):
    # the sparse formulation is what an LP over all atoms (the fallback) uses
    from analysis.publication import pattern as engine
    counts, n = case
    pub = Publication()
    pub.add(counts)
    old = engine.DENSE_ATOMS
    engine.DENSE_ATOMS = 0
    try:
        pattern = pub.pattern(n)
    finally:
        engine.DENSE_ATOMS = old
    assert findings(counts, pattern.hides, n) == []


def test_a_call_with_a_target_no_witness_can_protect_shows_none_of_its_own_counts(monkeypatch):
    """Beside a run, a call's target may have no witness that keeps the run's shown counts
    (a researcher's kruistabel of doelgroep x leerroute at P once stopped with a RuntimeError).
    The call then shows only what the run shows: its own counts are hidden, with the reason."""
    from analysis.publication import pattern as engine
    cells = {("a", "x"): [0], ("a", "y"): list(range(1, 11)), ("b", "x"): list(range(11, 21)),
             ("b", "y"): list(range(21, 31)), ("c", "x"): list(range(31, 41)), ("c", "y"): list(range(41, 51))}
    run = _table(cells, 51)
    pub = Publication()
    pub.add(run)
    run_pattern = pub.pattern(5)
    # the call splits a cell the run shows into 2 (below N) and the rest
    shown = next(c for c in run if not run_pattern.hides(c.key) and c.key.kolom != "totaal" and c.key.rij != "totaal")
    persons = np.flatnonzero(shown.mask)
    call = [Count(CellKey("call", "d", "c", k), "wi2021", _mask(p, 51)) for k, p in
            (("deel1", persons[:2]), ("deel2", persons[2:]))]
    joint = Publication()
    joint.add(run + call)
    monkeypatch.setattr(engine._Law, "_lp", lambda self, t, atoms: None)  # no witness anywhere
    pattern = joint.pattern(5, given=run_pattern)
    assert all(pattern.hides(c.key) for c in call)
    assert any("naast de run niet te beschermen" in pattern.reason(c.key).voor for c in call)
    assert all(pattern.hides(c.key) == run_pattern.hides(c.key) for c in run)
    assert findings(run + call, pattern.hides, 5) == []
    with pytest.raises(RuntimeError):  # without a run beside it, a missing witness is a bug
        pub.pattern(5)
