"""Publication: what a run (or one interface call) publishes, and its protection.

Layer: may import the definitions (`contract`, `tables`, `populations`, `survival`,
`registry`, ...) but nothing of presentation or running. Modules:

* `items`: the typed keys of published numbers and their person memberships;
* `space`: the finest partition of persons that the published counts distinguish (atoms);
* `pattern`: primary and complementary cells by optimisation (HiGHS through scipy's
  linprog), and the reader's bounds;
* `run`: what one run publishes and its one pattern, computed once by the runner; an
  interface call's pattern beside it (`call_pattern`);
* `protect`: the pattern applied to long frames, and the record file tables/celbeveiliging.csv.
"""
