"""What a notebook needs, in one call: the typed extract, the parameters, where to write.

A notebook's parameters cell holds plain values (strings and numbers, as papermill passes
them); `open_session` turns them into a `Session`. Opened by hand in JupyterLab with the
defaults, it uses the shipped synthetic extract, so every notebook runs as it stands.
The session computes nothing itself: it calls `tables`, `statistics`, `verification`,
`claims` and `presentation`, and writes what they return where the runner expects it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import contract as C
from . import derived, outputs, paths, suppression, tables
from .model import Extract
from .params import Parameters, parse_parameters
from .presentation import letter_tables

# Statistics, claims, verification and figures are imported where they are used: each
# notebook needs at most one of them, and every import is paid once per notebook kernel.

RUN_PARAMETERS = "parameters.json"
STATISTIEK = "statistiek.csv"
CLAIMS = "claims.csv"


@dataclass
class Session:
    extract: Extract
    params: Parameters
    out: Path
    celbeveiliging: int = 0
    marge: float = 0.05  # equivalence margin of the composition test
    seed: int = 20240624  # seed of the power simulation
    _reasons: dict | None = None
    _all: dict | None = None

    @property
    def synthetic(self) -> bool:
        return self.extract.meta.synthetisch

    @property
    def tables_dir(self) -> Path:
        return self.out / "tables"

    @property
    def figures_dir(self) -> Path:
        return self.out / "figures"

    def banner(self):
        """A notice that the data are synthetic (shown at the top of every notebook)."""
        from IPython.display import Markdown
        if self.synthetic:
            return Markdown("> **Synthetische gegevens.** Dit extract is gemaakt door de "
                            "generator van deze suite; de aantallen volgen de uitvoeringsbrief, "
                            "maar zeggen niets over echte personen.")
        from .presentation.safe_text import for_markdown  # extract text is data, not markup
        return Markdown(f"> Extract: {for_markdown(self.extract.meta.bron)}")

    def table(self, name: str) -> pd.DataFrame:
        """Compute one output at the session's peildatum, protect small cells, write its CSV."""
        df = self._protected(name)
        outputs.write_named(df, name, self.tables_dir)
        return df

    def _protected(self, name: str) -> pd.DataFrame:
        df = tables.compute(name, self.extract, self.params)
        return suppression.apply(df, self.suppression()) if self.celbeveiliging else df

    def suppression(self) -> dict:
        """Cells to suppress; the same in every notebook because it is computed from all
        outputs at once (a few tenths of a second, only with --celbeveiliging)."""
        if not self.celbeveiliging:
            return {}
        if self._reasons is None:
            self._reasons = suppression.pattern(tables.compute_all(self.extract, self.params),
                                                self.celbeveiliging)
        return self._reasons

    def suppressed(self) -> set:
        """Suppressed cells as (tabel, rij, kolom, eenheid)."""
        return {k if len(k) == 4 else (*k, "aantal") for k in self.suppression()}

    def layout(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """The table as the letter prints it (Dutch labels, separators, its rounding)."""
        return letter_tables.layout(name, df, self.suppressed())

    def title(self, name: str) -> str:
        return letter_tables.title(name, self.params.peildatum.isoformat())

    def figure(self, name: str, df: pd.DataFrame):
        """The output's figure, saved as PNG and SVG under figures/, shown as the PNG."""
        from IPython.display import Image

        from .presentation import figures
        fig = figures.figure(name, df, subtitle=self.source_line())
        png, _svg = figures.save(fig, self.figures_dir, name)
        return Image(filename=str(png))

    def run_tables(self) -> dict[str, pd.DataFrame]:
        """All outputs of this run, computed in memory (protected as the CSVs are); the
        same functions as the table notebooks, so the same numbers."""
        if self._all is None:
            self._all = {name: self._protected(name) for name in C.OUTPUTS}
        return self._all

    def verification(self) -> pd.DataFrame:
        """Compare this run with the letter's figures; writes verificatie.csv."""
        from . import verification
        df = verification.verify(self.run_tables(), self.params, self.extract)
        verification.write(df, self.out / "verificatie.csv")
        return df

    def statistics(self) -> pd.DataFrame:
        """The statistics of this run; writes statistiek.csv."""
        from .statistics import analyses as stats_mod
        opt = stats_mod.Options(marge=self.marge, seed=self.seed, celbeveiliging=self.celbeveiliging)
        df = stats_mod.compute(self.extract, self.params, self.run_tables(), opt)
        stats_mod.write(df, self.out / STATISTIEK)
        return df

    def claims(self) -> pd.DataFrame:
        """Every claim of the letter evaluated on this run; writes claims.csv."""
        from . import claims as claims_mod
        from .statistics import analyses as stats_mod
        # Computed here, in memory: in a run this notebook runs beside the statistics one.
        opt = stats_mod.Options(marge=self.marge, seed=self.seed, celbeveiliging=self.celbeveiliging)
        statistics = stats_mod.compute(self.extract, self.params, self.run_tables(), opt)
        ctx = claims_mod.Context(run_tables=self.run_tables(), params=self.params,
                                 statistics=statistics, extract=self.extract)
        df = claims_mod.ordered(claims_mod.evaluate(claims_mod.load_claims(), ctx))
        claims_mod.write(df, self.out / CLAIMS)
        return df

    def source_line(self) -> str:
        kind = "synthetische gegevens" if self.synthetic else "DUO-extract"
        return f"Bron: {kind}, peildatum {self.params.peildatum.isoformat()}"


def open_session(extract: str | None = None, derived_dir: str | None = None,
                 peildatum: str | None = None, vorige_peildatum: str | None = None,
                 elip_peildata: str | None = None, elip_drempel: float | None = None,
                 celbeveiliging: int = 0, uitvoer: str | None = None, marge: float = 0.05,
                 seed: int = 20240624) -> Session:
    params = parse_parameters(peildatum, vorige_peildatum, elip_peildata, elip_drempel)
    if derived_dir:
        folder = Path(derived_dir)
    else:
        if extract:
            source = Path(extract)
        else:
            from .synth.generate import ensure_default
            source = ensure_default()
        folder = derived.derive(source)
    out = Path(uitvoer) if uitvoer else paths.reports_dir() / "interactief"
    out.mkdir(parents=True, exist_ok=True)
    return Session(extract=derived.load(folder), params=params, out=out,
                   celbeveiliging=int(celbeveiliging or 0),
                   marge=float(marge), seed=int(seed))


def write_run_parameters(out: Path, values: dict) -> Path:
    path = out / RUN_PARAMETERS
    path.write_text(json.dumps(values, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
