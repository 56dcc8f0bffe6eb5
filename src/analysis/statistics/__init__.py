"""Statistics beside the tables: tests, intervals and effect sizes, each checked against
published reference values (data/reference/statistiek_referentiewaarden.csv).

`methods` holds the estimators (scipy first; statsmodels where it holds the established
implementation); `analyses` applies them to a run and writes statistiek.csv;
`interpretation` turns the results into plain Dutch; `results` is statistiek.csv as a
reader reads it; `counts` the counts the statistics publish.

May import: core, extract, definitions.
"""
