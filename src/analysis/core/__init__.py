"""Core: the vocabulary every layer speaks.

The contract as data (`contract`), the one parameters object and every default (`params`),
Dutch numbers and dates (`dutch`), errors (`errors`), where things are (`paths`), the files
of a run folder (`run_files`), the kind of an extract and the sentences that say so
(`extract_kind`), and the version.

May import: nothing of the package.
"""
