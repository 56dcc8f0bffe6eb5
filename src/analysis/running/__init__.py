"""Running: a run from extract to report, and its measurement.

`runner` executes the plan's notebooks with papermill (`schedule`: one kernel per core,
dependency order, the last ones together; `kernels`: how they start) in a build folder and
publishes it atomically (`outdir`: which folder, one run at a time), with `provenance` beside
it; `bench` measures it (`make bench`).

May import: core, extract, definitions, statistics, audit, synth, publication, presentation.
"""
