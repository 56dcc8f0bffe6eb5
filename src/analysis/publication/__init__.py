"""Publication: what a run (or one interface call) publishes, and its protection.

* `plan`: which notebook computes which output, under which name and parameters;
* `space`: the finest partition of persons that the published counts distinguish (atoms),
  over the keys of definitions/items.py;
* `pattern`: primary and complementary cells by optimisation (HiGHS through scipy's
  linprog), and the reader's bounds;
* `record`: the resulting pattern (which numbers are hidden and why) and its record file
  tables/celbeveiliging.csv;
* `run`: what one run publishes and its one pattern, computed once by the runner; an
  interface call's pattern beside it (`call_pattern`);
* `protect`: the pattern applied to long frames;
* `controleer`: the output checker, which reads only a run folder's files (contract 4).

May import: core, extract, definitions, statistics, audit.
"""
