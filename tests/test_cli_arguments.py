"""Command-line arguments at their edges (issue 13 item 5): each is refused before anything
is read or written, with exit 2 and one Dutch paragraph, never a traceback or a hang."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from analysis import cli

# (arguments, fragments the message must hold)
CASES = [
    (["--jobs", "-1"], ["--jobs -1", "1 tot en met"]),
    (["--jobs", "0"], ["--jobs 0", "1 tot en met"]),
    (["--jobs", "100000"], ["--jobs 100000", "1 tot en met"]),
    (["--jobs", "twee"], ["--jobs 'twee'", "geen geheel getal"]),
    (["--peildatum", "0001-01-01"], ["--peildatum 0001-01-01", "2013-01-01"]),
    (["--peildatum", "2012-12-31"], ["--peildatum 2012-12-31", "start van de Wi2013"]),
    (["--peildatum", "9999-12-31"], ["--peildatum 9999-12-31", "2100-12-31"]),
    (["--vorige-peildatum", "0001-01-01"], ["--vorige-peildatum 0001-01-01", "2013-01-01"]),
    (["--elip-peildata", "0001-01-01"], ["--elip-peildata 0001-01-01", "2013-01-01"]),
    (["--elip-drempel", "inf"], ["--elip-drempel 'inf'", "groter dan 0", "100.000"]),
    (["--elip-drempel=-inf"], ["--elip-drempel '-inf'", "groter dan 0"]),
    (["--elip-drempel", "nan"], ["--elip-drempel 'nan'", "groter dan 0"]),
    (["--elip-drempel", "-9500"], ["--elip-drempel '-9500'", "groter dan 0"]),
    (["--elip-drempel", "0"], ["--elip-drempel '0'", "groter dan 0"]),
    (["--elip-drempel", "1e300"], ["--elip-drempel '1e300'", "ten hoogste 100.000"]),
    (["--elip-drempel", "100000.01"], ["ten hoogste 100.000"]),
    (["--elip-drempel", "veel"], ["--elip-drempel 'veel'", "geen bedrag"]),
    (["--celbeveiliging", "-1"], ["--celbeveiliging -1", "0 (geen afscherming)"]),
    (["--celbeveiliging", "1"], ["--celbeveiliging 1", "0 (geen afscherming)", "2 of meer"]),
    (["--elip-drempel", "9500.005"], ["--elip-drempel '9500.005'", "preciezer dan een cent"]),
    (["--elip-drempel", "9499,999"], ["--elip-drempel '9499,999'", "preciezer dan een cent"]),
    (["--peildatum", "2013-06-01", "--vorige-peildatum", "2012-07-01"], ["--vorige-peildatum 2012-07-01", "2013-01-01"]),
    (["--peildatum", "2024-05-01", "--elip-peildata", "2024-06-01,2024-07-01"],
     ["--elip-peildata 2024-06-01, 2024-07-01 liggen na de peildatum 2024-05-01"]),
    (["--celbeveiliging", "vijf"], ["--celbeveiliging 'vijf'", "geen geheel getal"]),
    (["--marge", "nan"], ["--marge 'nan'", "tussen 0 en 1"]),
    (["--marge", "1.5"], ["--marge '1.5'", "tussen 0 en 1"]),
    (["--seed", "-1"], ["--seed -1", "0 of groter"]),
    (["--min-at-risk", "0"], ["--min-at-risk 0", "geheel getal van 1 of meer"]),
    (["--min-at-risk=-5"], ["--min-at-risk -5", "geheel getal van 1 of meer"]),
    (["--min-at-risk", "2.5"], ["--min-at-risk '2.5'", "geen geheel getal"]),
    (["--min-at-risk", "twintig"], ["--min-at-risk 'twintig'", "geen geheel getal", "standaard"]),
]


@pytest.mark.parametrize("args,expected", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_argument_is_refused_cleanly(args, expected, tmp_path, capsys):
    out, derived = tmp_path / "uit", tmp_path / "d"
    code = cli.main(["run", *args, "--out", str(out), "--derived", str(derived)])
    captured = capsys.readouterr()
    message = captured.err
    assert code == 2, message
    assert "Traceback" not in message and "Interne fout" not in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} missing in: {message}"
    assert len(message.strip().splitlines()) == 1  # one paragraph
    assert list(tmp_path.iterdir()) == []  # nothing written: no out, no derived data, no lock


def test_boundaries_that_are_accepted():
    from analysis.core import contract as C
    from analysis.core.params import parse_parameters
    p = parse_parameters(C.WI2013_START.isoformat(), None, None, str(C.ELIP_DREMPEL_MAX_EURO))
    assert p.peildatum == C.WI2013_START and p.elip_drempel_cent == C.ELIP_DREMPEL_MAX_EURO * 100
    assert p.q == dt.date(2012, 1, 1)  # the default Q, before the Wi2013: it counts nothing
    for text, cents in (("9500.5", 950050), ("9500,50", 950050), ("9500.000", 950000), ("0.01", 1)):
        assert parse_parameters(elip_drempel=text).elip_drempel_cent == cents, text
    assert parse_parameters(celbeveiliging="2").celbeveiliging == 2
    assert parse_parameters(celbeveiliging="0").celbeveiliging == 0


def test_min_at_risk_from_the_command_line_reaches_the_run_parameters():
    from analysis.core.params import Parameters, parse_parameters
    assert parse_parameters(min_at_risk="5").min_at_risk == 5
    assert parse_parameters(min_at_risk=" ").min_at_risk == parse_parameters().min_at_risk == Parameters.min_at_risk
    assert Parameters(min_at_risk=5).as_dict()["min_at_risk"] == 5
    assert Parameters(min_at_risk=5).notebook_values()["min_at_risk"] == 5
    help_text = cli._parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "--min-at-risk" in help_text


def test_jobs_minus_one_through_the_real_command_ends_at_once(tmp_path):
    """It used to loop forever: the timeout is the test."""
    res = subprocess.run([sys.executable, "-m", "analysis", "run", "--jobs", "-1", "--out", str(tmp_path / "uit")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "--jobs -1" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "uit").exists()
