"""The definitions at a peildatum: who is counted, and what each output is.

`tables` (who is counted at a date, and the counts of each output), `populations`,
`survival` (time to an event), `registry` (every output declared once: cells, bases,
rounding groups, sums, the date a cell speaks of, labels), `items` (the typed keys of
published numbers and the persons they count), `rounding` (the letter's rule), `monitor`
(the monitor outputs), `outputs` (the long format and its CSV), `compute` (any output by name).

May import: core, extract.
"""
