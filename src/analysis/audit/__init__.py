"""The audit of the letter: its printed figures and its sentences, each at its own date.

`reference` reads data/reference/ (the only home of published numbers); `verification`
compares every printed figure with the extract and writes verificatie.csv; `claims`
evaluates every testable sentence and writes claims.csv. `verification_file` and
`claims_file` are those files as a reader reads them, so that presentation needs none of
the audit's machinery.

May import: core, extract, definitions, statistics.
"""
