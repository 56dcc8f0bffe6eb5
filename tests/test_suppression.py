"""Celbeveiliging on tables with known answers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import contract as C
from analysis import registry, suppression
from analysis.suppression import PRIMAIR, SECUNDAIR


def long(name, cells, pct=()):
    rows = [{"tabel": name, "peildatum": "2024-05-01", "rij": r, "kolom": k, "eenheid": "aantal", "waarde": v}
            for (r, k), v in cells.items()]
    rows += [{"tabel": name, "peildatum": "2024-05-01", "rij": r, "kolom": k, "eenheid": e, "waarde": v}
             for (r, k, e), v in dict(pct).items()]
    return pd.DataFrame(rows)


def tabel3(counts):
    """counts: {route: (asiel, gezin, overig)} -> long tabel3 with totals and percentages."""
    cells, pct = {}, {}
    groups = ("asiel", "gezin", "overig")
    for r, vals in counts.items():
        for g, v in zip(groups, vals):
            cells[(r, g)] = v
        cells[(r, "totaal")] = sum(vals)
    for g in (*groups, "totaal"):
        col = sum(cells[(r, g)] for r in counts)
        for r in counts:
            pct[(r, g, "procent")] = 100 * cells[(r, g)] / col if col else math.nan
    return long("tabel3", cells, pct)


def test_primary_and_secondary_in_one_row():
    t = tabel3({"b1": (100, 50, 3), "onderwijs": (20, 10, 0), "z": (40, 30, 8)})
    reasons = suppression.pattern({"tabel3": t}, 5)
    assert reasons[("tabel3", "b1", "overig")] == PRIMAIR
    # alone in its row, 3 could be recovered as 153 - 100 - 50: the smallest other cell goes too
    assert reasons[("tabel3", "b1", "gezin")] == SECUNDAIR
    assert ("tabel3", "b1", "totaal") not in reasons
    assert ("tabel3", "onderwijs", "overig") not in reasons  # a zero identifies no one
    # percentages of the suppressed cells, and of everything whose base holds one
    assert ("tabel3", "b1", "overig", "procent") in reasons
    assert ("tabel3", "z", "overig", "procent") in reasons  # base (column overig) holds a secret


def tabel3_solutions(published: pd.DataFrame):
    """Every table of non-negative counts that agrees with what a published Tabel 3 shows.

    Brute force, independent of the module: the only knowledge used is how Tabel 3 is built
    (each row's totaal is the sum of its doelgroepen; a percentage is the count over its
    column's sum) and every shown count and percentage."""
    import itertools
    groups = ("asiel", "gezin", "overig")
    counts = published[published["eenheid"] == "aantal"]
    pct = published[(published["eenheid"] == "procent") & published["waarde"].notna()]
    known = {(r.rij, r.kolom): r.waarde for r in counts.itertuples() if not math.isnan(r.waarde)}
    unknown = [(r.rij, r.kolom) for r in counts.itertuples() if math.isnan(r.waarde)]
    routes = list(dict.fromkeys(counts["rij"]))
    bound = int(max(v for (_, k), v in known.items() if k == "totaal"))
    for values in itertools.product(range(bound + 1), repeat=len(unknown)):
        full = {**known, **dict(zip(unknown, values))}
        if any(full[(r, "totaal")] != sum(full[(r, g)] for g in groups) for r in routes):
            continue
        col = {k: sum(full[(r, k)] for r in routes) for k in (*groups, "totaal")}
        if all(math.isclose(p.waarde, 100 * full[(p.rij, p.kolom)] / col[p.kolom]) for p in pct.itertuples()):
            yield dict(zip(unknown, values))


def test_no_suppressed_cell_can_be_recovered_from_what_is_published():
    counts = {"b1": (9, 2, 6), "onderwijs": (7, 8, 0), "z": (1, 6, 8)}
    t = tabel3(counts)
    reasons = suppression.pattern({"tabel3": t}, 5)
    published = suppression.apply(t, reasons)
    hidden = published[(published["eenheid"] == "aantal") & published["waarde"].isna()]
    assert {("b1", "gezin"), ("z", "asiel")} <= set(zip(hidden["rij"], hidden["kolom"]))  # the primaries
    solutions = list(tabel3_solutions(published))
    true = {(r, g): v for r, vals in counts.items() for g, v in zip(("asiel", "gezin", "overig"), vals)}
    assert {k: true[k] for k in solutions[0]} in solutions  # the truth is among them
    for cell in solutions[0]:
        assert len({s[cell] for s in solutions}) >= 2, cell  # never pinned down to one value


def test_the_brute_force_finds_a_cell_that_is_left_recoverable():
    """The check above can fail: with only the primary cell hidden, its row total gives it away."""
    t = tabel3({"b1": (9, 2, 6), "onderwijs": (7, 8, 0), "z": (10, 6, 8)})
    only_primary = {("tabel3", "b1", "gezin"): PRIMAIR}
    published = suppression.apply(t, only_primary)
    published.loc[published["eenheid"] == "procent", "waarde"] = math.nan
    assert {s[("b1", "gezin")] for s in tabel3_solutions(published)} == {2}


def test_links_between_tables_are_protected_too():
    k13 = long("kerncijfers_wi2013", {("totaal", "totaal"): 1010, ("ingeburgerd", "totaal"): 500,
                                      ("ontheven", "totaal"): 103, ("vrijgesteld", "totaal"): 7,
                                      ("vervallen", "totaal"): 100, ("nog_plichtig", "totaal"): 300})
    cells = {}
    for y, (v, o, n) in {"2013": (299, 100, 0), "2014": (208, 3, 300)}.items():
        cells.update({(y, "voldaan"): v, (y, "ontheven"): o, (y, "nog_plichtig"): n, (y, "totaal"): v + o + n})
    t5 = long("tabel5", cells)
    reasons = suppression.pattern({"kerncijfers_wi2013": k13, "tabel5": t5}, 5)
    secret = {k for k in reasons if len(k) == 3}
    assert ("tabel5", "2014", "ontheven") in secret
    # column 'ontheven' summed over cohorts is the kerncijfer: a second cell in that sum goes
    assert sum(1 for k in secret if k[2] == "ontheven" or k[1] == "ontheven") >= 2
    assert suppression._recoverable(secret, suppression.relations({"kerncijfers_wi2013": k13, "tabel5": t5})) == []


def test_apply_empties_values_and_records_round_trip(tmp_path):
    t = tabel3({"b1": (100, 50, 3), "onderwijs": (20, 10, 0), "z": (40, 30, 8)})
    reasons = suppression.pattern({"tabel3": t}, 5)
    out = suppression.apply(t, reasons)
    hidden = out[out["waarde"].isna() & (out["eenheid"] == "aantal")]
    assert set(zip(hidden["rij"], hidden["kolom"])) == {("b1", "overig"), ("b1", "gezin")}
    path = suppression.write_records(reasons, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "tabel,rij,kolom,eenheid,reden"
    assert "tabel3,b1,overig,aantal,primair" in lines and "tabel3,b1,gezin,aantal,secundair" in lines
    assert "tabel3,b1,overig,procent,percentage_van_beveiligde_cel" in lines
    assert lines[1:] == sorted(lines[1:]) and len(lines) == len(reasons) + 1
    assert suppression.read_records(tmp_path) == {(k[0], k[1], k[2], k[3] if len(k) > 3 else "aantal")
                                                  for k in reasons}
    assert suppression.read_records(tmp_path / "leeg") == set()


def test_nothing_below_the_threshold_nothing_suppressed():
    t = tabel3({"b1": (100, 50, 30), "onderwijs": (20, 10, 0), "z": (40, 30, 8)})
    assert suppression.pattern({"tabel3": t}, 5) == {}


def linked_outputs():
    """Hand-built outputs with one small count in every kind of published sum."""
    k21 = {("plichtig_geworden", "totaal"): 400, ("nog_plichtig", "totaal"): 300,
           ("nog_plichtig_asiel", "totaal"): 200, ("nog_plichtig_gezin", "totaal"): 97,
           ("nog_plichtig_overig", "totaal"): 3, ("met_pip", "totaal"): 150}
    k21_pct = {(r, "totaal", "procent"): 50.0 for r in ("nog_plichtig", "nog_plichtig_asiel", "nog_plichtig_gezin",
                                                           "nog_plichtig_overig", "met_pip")}
    k13 = {("totaal", "totaal"): 1123, ("ingeburgerd", "totaal"): 484, ("ontheven", "totaal"): 153,
           ("vrijgesteld", "totaal"): 20, ("vervallen", "totaal"): 1, ("nog_plichtig", "totaal"): 465}
    k13_pct = {(r, "totaal", "procent"): 10.0 for r in ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen",
                                                           "nog_plichtig")}
    t5, t5_pct = {}, {}
    # one small count per row and per column of Tabel 5, and vervallen small in the kerncijfers
    for y, (v, o, n) in {"2013": (300, 100, 4), "2014": (202, 3, 401), "2015": (2, 50, 60)}.items():
        t5.update({(y, "voldaan"): v, (y, "ontheven"): o, (y, "nog_plichtig"): n, (y, "totaal"): v + o + n})
        t5_pct.update({(y, k, "procent"): 30.0 for k in ("voldaan", "ontheven", "nog_plichtig")})
    cohorts = list(C.TABEL6_KOLOMMEN[:-1])
    t6 = {("2024-04-01", k): 50 for k in cohorts}
    t6[("2024-04-01", cohorts[1])] = 2
    t6[("2024-04-01", "totaal")] = sum(t6.values())
    t3 = {(r, g): 40 for r in ("b1", "onderwijs", "z") for g in ("asiel", "gezin", "overig")}
    t3[("z", "gezin")] = 1
    t3.update({(r, "totaal"): sum(t3[(r, g)] for g in ("asiel", "gezin", "overig")) for r in ("b1", "onderwijs", "z")})
    t2 = {("inburgeringsplichtig", "2024-05-01"): 300, ("met_pip", "2024-05-01"): 150}
    return {"kerncijfers_wi2021": long("kerncijfers_wi2021", k21, k21_pct),
            "kerncijfers_wi2013": long("kerncijfers_wi2013", k13, k13_pct),
            "tabel5": long("tabel5", t5, t5_pct), "tabel6": long("tabel6", t6), "tabel3": long("tabel3", t3),
            "tabel2": long("tabel2", t2, {("met_pip", "2024-05-01", "procent"): 50.0})}


def published_sums(tables):
    """Every sum a reader can form from the outputs, written out here by hand (not taken from
    the module): (cells that add up, cells they add up to)."""
    k21, k13 = "kerncijfers_wi2021", "kerncijfers_wi2013"
    years = ["2013", "2014", "2015"]
    cohorts = list(C.TABEL6_KOLOMMEN[:-1])
    sums = [([(k21, f"nog_plichtig_{g}", "totaal") for g in ("asiel", "gezin", "overig")], [(k21, "nog_plichtig", "totaal")]),
            ([(k13, s, "totaal") for s in ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")],
             [(k13, "totaal", "totaal")]),
            ([("tabel5", y, "voldaan") for y in years], [(k13, "ingeburgerd", "totaal"), (k13, "vrijgesteld", "totaal")]),
            ([("tabel5", y, "ontheven") for y in years], [(k13, "ontheven", "totaal")]),
            ([("tabel5", y, "nog_plichtig") for y in years], [(k13, "nog_plichtig", "totaal")]),
            ([("tabel5", y, "totaal") for y in years] + [(k13, "vervallen", "totaal")], [(k13, "totaal", "totaal")]),
            ([("tabel6", "2024-04-01", k) for k in cohorts], [("tabel6", "2024-04-01", "totaal")]),
            ([("tabel2", "inburgeringsplichtig", "2024-05-01")], [(k21, "nog_plichtig", "totaal")]),
            ([("tabel2", "met_pip", "2024-05-01")], [(k21, "met_pip", "totaal")])]
    sums += [([("tabel5", y, k) for k in ("voldaan", "ontheven", "nog_plichtig")], [("tabel5", y, "totaal")]) for y in years]
    sums += [([("tabel3", r, g) for g in ("asiel", "gezin", "overig")], [("tabel3", r, "totaal")])
             for r in ("b1", "onderwijs", "z")]
    return sums


def test_no_published_sum_has_exactly_one_hidden_cell():
    tables = linked_outputs()
    reasons = suppression.pattern(tables, 5)
    hidden = {k for k in reasons if len(k) == 3}
    assert {("kerncijfers_wi2021", "nog_plichtig_overig", "totaal"), ("kerncijfers_wi2013", "vervallen", "totaal"),
            ("tabel5", "2013", "nog_plichtig"), ("tabel5", "2014", "ontheven"), ("tabel5", "2015", "voldaan"), ("tabel6", "2024-04-01", C.TABEL6_KOLOMMEN[1]), ("tabel3", "z", "gezin")} <= hidden
    for parts, whole in published_sums(tables):
        n_hidden = sum(c in hidden for c in parts + whole)
        assert n_hidden != 1, (parts, whole)  # one hidden cell in a sum is the sum minus the rest


def test_a_percentage_is_shown_only_when_its_count_and_base_are():
    tables = linked_outputs()
    reasons = suppression.pattern(tables, 5)
    hidden = {k for k in reasons if len(k) == 3}
    k21, k13 = "kerncijfers_wi2021", "kerncijfers_wi2013"
    base = {k21: {"nog_plichtig": "plichtig_geworden", "met_pip": "nog_plichtig"}}
    for name, df in tables.items():
        for r in df[df["eenheid"] == "procent"].itertuples():
            if name == "tabel5":
                needs = [(name, r.rij, r.kolom), (name, r.rij, "totaal")]
            elif name == k13:
                needs = [(name, r.rij, r.kolom), (name, "totaal", "totaal")]
            elif name == k21:
                needs = [(name, r.rij, r.kolom), (name, base[k21].get(r.rij, "nog_plichtig"), "totaal")]
            elif name == "tabel2":
                needs = [(name, r.rij, r.kolom), (name, "inburgeringsplichtig", r.kolom)]
            else:
                continue
            shown = (name, r.rij, r.kolom, r.eenheid) not in reasons
            assert shown == (not any(n in hidden for n in needs)), (name, r.rij, r.kolom)


# ---- one pattern over everything a run publishes (suppression.Publication) -------------

def test_the_same_count_in_two_outputs_is_one_cell_linked_at_its_own_date():
    """Tabel 2's Q column in a run at P = 2025-01-01 is Tabel 2's P column in a run at
    2024-05-01, and equals the Wi2021 kerncijfers at 2024-05-01 computed elsewhere."""
    d, later = "2024-05-01", "2025-01-01"
    run = long("tabel2", {("inburgeringsplichtig", later): 40, ("met_pip", later): 20,
                          ("inburgeringsplichtig", d): 20, ("met_pip", d): 10})
    run["peildatum"] = later
    audit = long("kerncijfers_wi2021", {("plichtig_geworden", "totaal"): 30, ("nog_plichtig", "totaal"): 20,
                                        ("nog_plichtig_asiel", "totaal"): 17, ("nog_plichtig_gezin", "totaal"): 3,
                                        ("nog_plichtig_overig", "totaal"): 0, ("met_pip", "totaal"): 10})
    pub = suppression.Publication()
    pub.add({"tabel2": run})
    pub.add({"kerncijfers_wi2021": audit})
    assert suppression.dated("tabel2", later, "met_pip", d) == suppression.dated("tabel2", d, "met_pip", d)
    rels = pub._sums()
    assert {("tabel2", d, "inburgeringsplichtig", d): 1, ("kerncijfers_wi2021", d, "nog_plichtig", "totaal"): -1} in rels
    assert {("tabel2", d, "met_pip", d): 1, ("kerncijfers_wi2021", d, "met_pip", "totaal"): -1} in rels
    assert not any(("tabel2", later, "met_pip", later) in r for r in rels)  # P column: no kerncijfers at P
    reasons = pub.pattern(5)
    assert reasons[("kerncijfers_wi2021", d, "nog_plichtig_gezin", "totaal")] == PRIMAIR
    assert suppression._recoverable(set(k for k in reasons if len(k) == 4), rels) == []
    # protecting either output with the one pattern hides the same cells
    shown = pub.protect(audit, reasons)
    assert shown.set_index("rij")["waarde"].isna().to_dict() == {
        r: (("kerncijfers_wi2021", d, r, "totaal") in reasons) for r in shown["rij"]}


def test_two_values_for_one_count_is_an_error():
    a = long("tabel3", {("b1", "asiel"): 10})
    b = long("tabel3", {("b1", "asiel"): 11})
    pub = suppression.Publication()
    pub.add({"tabel3": a})
    with pytest.raises(ValueError, match="twee waarden"):
        pub.add({"tabel3": b})


def test_an_unprinted_small_count_is_not_left_recoverable():
    """A statistic prints 'both' (10) beside a table cell (13): 'only here' = 3 follows."""
    t = long("tabel3", {("b1", "asiel"): 13, ("b1", "gezin"): 40, ("b1", "overig"): 50, ("b1", "totaal"): 103})
    both, only = ("stat", "2024-05-01", "overlap", "beide"), ("stat", "2024-05-01", "overlap", "alleen")
    extra = suppression.Extra(shown={both: 10}, latent={only: 3},
                              relations=[{both: 1, only: 1, ("tabel3", "b1", "asiel"): -1}])
    pub = suppression.Publication()
    pub.add({"tabel3": t}, extra=extra)
    reasons = pub.pattern(5)
    assert reasons == {both: SECUNDAIR}  # the smallest printed count of the identity
    assert only not in reasons  # never printed, so never listed
    pub2 = suppression.Publication()
    pub2.add({"tabel3": t}, extra=suppression.Extra(shown={both: 10}, latent={only: 5},
                                                     relations=extra.relations))
    assert pub2.pattern(5) == {}  # at the threshold the complement may be known


def test_a_block_is_shown_whole_or_not_at_all():
    a, b, c = (("stat", "d", "g", x) for x in "abc")
    pub = suppression.Publication()
    pub.add({}, extra=suppression.Extra(shown={a: 3, b: 40, c: 50}, blocks=[{a, b}]))
    assert pub.pattern(5) == {a: PRIMAIR, b: SECUNDAIR}


def test_a_relation_to_a_table_that_is_absent_is_left_out():
    x = ("stat", "d", "g", "x")
    pub = suppression.Publication()
    pub.add({}, extra=suppression.Extra(shown={x: 3}, relations=[{x: 1, ("tabel6", "d", "2020"): -1}]))
    assert pub.relations == [] and pub.pattern(5) == {x: PRIMAIR}


def test_another_elip_threshold_is_another_count_linked_by_its_difference():
    """Tabel 6 at the letter's threshold beside the run's: equal counts are one, unequal ones
    differ by a count of their own, which may not be small and recoverable."""
    cohorts = list(C.TABEL6_KOLOMMEN[:-1])
    run = {("2024-04-01", k): 50 for k in cohorts}
    run[("2024-04-01", "totaal")] = 50 * len(cohorts)
    letter = dict(run)
    letter[("2024-04-01", cohorts[0])] = 47  # 3 persons between the two thresholds
    letter[("2024-04-01", "totaal")] -= 3
    pub = suppression.Publication()
    pub.add({"tabel6": long("tabel6", run)})
    pub.add({"tabel6": long("tabel6", letter)}, tag="@500000")
    reasons = pub.pattern(5)
    rels = pub._sums()
    at, other = ("tabel6", "2024-04-01", "2024-04-01"), ("tabel6", "2024-04-01@500000", "2024-04-01")
    assert {(*other, cohorts[1]): 1, (*at, cohorts[1]): -1} in rels  # equal: one count
    small = [k for k, v in pub.latent.items() if v == 3]
    assert len(small) == 2  # cohort 2013 and the total differ by 3
    assert (*at, cohorts[0]) in reasons or (*other, cohorts[0]) in reasons
    assert not set(suppression._recoverable(set(reasons) | set(pub.latent), rels)) & (set(reasons) | set(small))


def _recoverable_by_rank(secret, rels):
    """The per-cell rank test the module used before (independent of its null-space form)."""
    unknown = sorted(secret)
    rows = [[r.get(k, 0) for k in unknown] for r in rels if any(k in secret for k in r)]
    if not rows:
        return []
    a = np.array(rows, dtype=float)
    rank = np.linalg.matrix_rank(a)
    return [k for i, k in enumerate(unknown)
            if np.linalg.matrix_rank(np.vstack([a, np.eye(len(unknown))[i]])) == rank]


def test_the_recoverability_test_agrees_with_the_rank_test():
    rng = np.random.default_rng(3)
    for _ in range(300):
        cells = [f"c{i}" for i in range(rng.integers(2, 9))]
        rels = [{c: int(v) for c, v in zip(cells, rng.integers(-1, 2, len(cells))) if v}
                for _ in range(rng.integers(1, 7))]
        secret = {c for c in cells if rng.random() < 0.6}
        assert sorted(suppression._recoverable(secret, rels)) == sorted(_recoverable_by_rank(secret, rels))


def test_the_wi2013_links_follow_from_each_other():
    """Why a mutant dropping one Tabel 5 - kerncijfers link cannot be killed: any one of the
    four follows from the other three and the sums within the two tables, so no suppressed
    cell becomes recoverable or unrecoverable without it (docs/mutatie.md)."""
    tables = linked_outputs()
    keep = {n: tables[n] for n in ("kerncijfers_wi2013", "tabel5")}
    full = suppression.relations(keep)
    cells = sorted({k for r in full for k in r})
    matrix = lambda rels: np.array([[r.get(k, 0) for k in cells] for r in rels], dtype=float)
    rank = np.linalg.matrix_rank(matrix(full))
    links = registry._tabel5_kerncijfers(keep)
    assert len(links) == 4
    for dropped in links:
        rest = [r for r in full if r != dropped.relation()]
        assert len(rest) == len(full) - 1
        assert np.linalg.matrix_rank(matrix(rest)) == rank
    # two links dropped: no longer implied
    rest = [r for r in full if r not in (links[0].relation(), links[1].relation())]
    assert np.linalg.matrix_rank(matrix(rest)) == rank - 1


def test_a_sum_as_a_relation():
    s = registry.Sum((("t", "a", "x"),), (("t", "b", "x"), ("t", "c", "x"), ("t", "a", "x")), "delen")
    assert s.relation() == {("t", "b", "x"): -1, ("t", "c", "x"): -1}  # a on both sides cancels
    s = registry.Sum((("t", "a", "x"), ("t", "d", "x")), (("t", "b", "x"),), "delen")
    assert s.relation() == {("t", "a", "x"): 1, ("t", "d", "x"): 1, ("t", "b", "x"): -1}
