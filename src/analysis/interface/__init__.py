"""The faces a person uses from Python: `session` for the notebooks (what a notebook shows
and writes), `explore` for a researcher's own questions (`analysis.open_extract`), with
`kruistabel` for its crosstabs.

May import: core, extract, definitions, statistics, audit, synth, publication, presentation, running.
"""
