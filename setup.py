"""Build step that pyproject.toml cannot express: ship the repository's data in the wheel.

The reference figures, the notebooks and the synthetic extract's manifest have one home in
the repository (data/, notebooks/). A wheel gets a copy under analysis/_data/, in the same
layout, so that an installed package finds them (analysis.paths.shipped). An editable
install reads the repository directly and gets no copy.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("data/reference", "notebooks", "data/raw/synthetisch.sha256")
HERE = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "analysis" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        for rel in SHIPPED:
            source, dest = HERE / rel, target / rel
            if source.is_dir():
                shutil.copytree(source, dest, ignore=shutil.ignore_patterns(
                    "__pycache__", ".ipynb_checkpoints", "*.pyc", "eigen"))  # eigen: a researcher's own
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest)


setup(cmdclass={"build_py": BuildWithData})
