"""Presentation: Dutch labels and number formats, figures, the report page and the workbook.

The only layer that formats; it reads the tidy outputs (or a run folder, `run_folder`) and
never recomputes a definition.

May import: core, extract, definitions, statistics, audit, publication.
"""
