"""The synthetic extract, built back from the letter's figures (docs/synthetisch.md).

An input like any other: it leaves through the extract writer and is validated at the door.
It does not import the tables or the rounding it is checked against (tests/test_synth.py).

May import: core, extract, audit.
"""
