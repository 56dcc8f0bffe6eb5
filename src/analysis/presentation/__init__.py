"""Presentation: Dutch labels and number formats, figures, the report page and the workbook.

The only layer that rounds (through `analysis.rounding`) or formats; it reads the tidy
outputs and never recomputes a definition.
"""
