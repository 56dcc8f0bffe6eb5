"""The fast date reader against Python's own calendar."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.validation import _iso_fixed


def python_says(text: str):
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return (d - dt.date(1970, 1, 1)).days if d.isoformat() == text else None


def check(values):
    days, good = _iso_fixed(pa.array(values))
    for v, d, g in zip(values, days, good):
        expected = python_says(v)
        assert g == (expected is not None), v
        if g:
            assert d == expected, v


def test_calendar_edges():
    check(["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2023-13-01", "2023-00-10",
           "2023-04-31", "2023-04-30", "1970-01-01", "1969-12-31", "2099-12-31", "2023/01/01",
           "2023-01-0a", "0000-01-01", "9999-12-31", "2023-12-00"])


@given(st.text(alphabet="0123456789-/ x", min_size=10, max_size=10))
@settings(max_examples=500, deadline=None)
def test_random_ten_character_strings(text):
    check([text])


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_every_real_date(d):
    check([d.isoformat()])
