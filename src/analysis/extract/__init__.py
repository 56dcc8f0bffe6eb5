"""The extract at the door: read, validate, type, cache.

`extract_io` reads the files as text and locates structural problems (file, line, column);
`validation` checks every contract rule at once and returns a typed `model.Extract`;
`checksums` fingerprints it; `derived` keeps the typed data in data/derived/<checksum>/;
`horizon` says up to which date the extract can speak; `writer` writes an extract in the
contract's format (the synthetic generator's only way out).

May import: core.
"""
