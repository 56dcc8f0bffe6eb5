"""Publication: what a run (or one interface call) publishes, and its protection.

Layer: may import the definitions (`contract`, `tables`, `populations`, `survival`,
`registry`, ...) but nothing of presentation or running. Modules:

* `items`: the typed keys of published numbers and their person memberships;
* `space`: the finest partition of persons that the published counts distinguish (atoms);
* `lp`: the linear programmes (HiGHS through scipy);
* `pattern`: primary and complementary suppression by optimisation, and the reader's bounds.
"""
