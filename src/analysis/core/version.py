"""The suite's version: one home, read by pyproject.toml (setuptools' dynamic version) and by
every output that records what made it."""
__version__ = "1.0.0"
