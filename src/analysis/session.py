"""What a notebook needs, in one call: the typed extract, the parameters, where to write.

A notebook's parameters cell holds plain values (strings and numbers, as papermill passes
them; None for "the default", which `analysis.params.Parameters` owns); `open_session`
turns them into a `Session`. Opened by hand in JupyterLab with the defaults, it uses the
shipped synthetic extract and writes nothing into the repository (only the derived cache):
outputs are written only when the runner gives an output folder (`uitvoer`).

The session computes nothing itself: it calls the registry, `statistics`, `verification`,
`claims` and `presentation`, and writes what they return where the runner expects it.
"""
from __future__ import annotations

import dataclasses
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import derived, horizon, outputs, reference, registry, suppression
from .model import Extract
from .params import Parameters, parse_parameters

# Statistics, claims, verification and figures are imported where they are used: each
# notebook needs at most one of them, and every import is paid once per notebook kernel.

RUN_PARAMETERS = "parameters.json"
STATISTIEK = "statistiek.csv"
CLAIMS = "claims.csv"
VERIFICATIE = "verificatie.csv"


@dataclass
class Session:
    extract: Extract
    params: Parameters
    out: Path | None  # None: nothing is written (an interactive session)
    _reasons: dict | None = None
    _all: dict | None = None
    _letter: dict = field(default_factory=dict)

    @property
    def celbeveiliging(self) -> int:
        return self.params.celbeveiliging

    @property
    def synthetic(self) -> bool:
        return self.extract.meta.synthetisch

    @property
    def tables_dir(self) -> Path | None:
        return self.out / "tables" if self.out else None

    @property
    def figures_dir(self) -> Path | None:
        return self.out / "figures" if self.out else None

    def banner(self):
        """A notice that the data are synthetic (shown at the top of every notebook), and
        the extract's horizon when the run's dates go past it."""
        from IPython.display import Markdown

        from .presentation.safe_text import for_markdown  # extract text is data, not markup
        lines = []
        if self.synthetic:
            lines.append("> **Synthetische gegevens.** Dit extract is gemaakt door de generator van deze "
                         "suite; de aantallen volgen de uitvoeringsbrief, maar zeggen niets over echte "
                         "personen.")
        else:
            lines.append(f"> Extract: {for_markdown(self.extract.meta.bron)}")
        warning = horizon.warning(self.extract, self.params)
        if warning:
            lines.append(f"> **Let op:** {warning}")
        return Markdown("\n>\n".join(lines))

    # ---- the tables at P --------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Compute one output at the session's peildatum, protect small cells, write its CSV."""
        df = self._protected(name)
        if self.tables_dir:
            outputs.write_named(df, name, self.tables_dir)
        return df

    def _protected(self, name: str) -> pd.DataFrame:
        df = registry.compute(name, self.extract, self.params)
        if registry.spec(name).monitor:
            return df  # protected by its own rules (monitor.py), not by the letter's pattern
        return suppression.apply(df, self.suppression()) if self.celbeveiliging else df

    def suppression(self) -> dict:
        """Cells to suppress; the same in every notebook because it is computed from all
        outputs at once (a few tenths of a second, only with --celbeveiliging)."""
        if not self.celbeveiliging:
            return {}
        if self._reasons is None:
            self._reasons = suppression.pattern(registry.compute_all(self.extract, self.params),
                                                self.celbeveiliging)
        return self._reasons

    def suppressed(self) -> set:
        """Suppressed cells as (tabel, rij, kolom, eenheid)."""
        return {k if len(k) == 4 else (*k, "aantal") for k in self.suppression()}

    def definition(self, name: str):
        """Who is counted and what the cells are, from the registry (shown above each table)."""
        from IPython.display import Markdown

        from .presentation import letter_tables
        return Markdown(letter_tables.definition_markdown(name))

    def layout(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """The table as the letter prints it (Dutch labels, separators, its rounding)."""
        from .presentation import letter_tables
        return letter_tables.layout(name, df, self.suppressed())

    def title(self, name: str) -> str:
        from .presentation import letter_tables
        return letter_tables.title(name, self.params.peildatum.isoformat())

    def sentences(self, name: str, df: pd.DataFrame):
        from IPython.display import Markdown

        from .presentation import texts
        return Markdown(texts.sentences(name, df, self.params.peildatum.isoformat()))

    def figure(self, name: str, df: pd.DataFrame):
        """The output's figure, saved as PNG and SVG under figures/ in a run, shown inline."""
        from .presentation import figures
        fig = figures.figure(name, df, subtitle=self.source_line())
        if self.figures_dir is None:
            return fig
        from IPython.display import Image
        png, _svg = figures.save(fig, self.figures_dir, name)
        return Image(filename=str(png))

    # ---- the monitor (contract section 7) ----------------------------------------------
    def monitor_tables(self) -> dict[str, pd.DataFrame]:
        """The monitor outputs at P, each written to tables/ (computed once per session)."""
        if "monitor" not in self._letter:
            self._letter["monitor"] = {name: self.table(name) for name in registry.MONITOR_OUTPUTS}
        return self._letter["monitor"]

    def monitor_figure(self, name: str):
        """A monitor output's figure (shown, and saved as PNG and SVG under figures/ in a
        run) and the sentence that reads it (returned; saved with the figure's description
        as figures/<name>.json, which the report shows)."""
        from IPython.display import Image, Markdown, display

        from . import monitor
        from .presentation import figures, monitor_figures
        df = self.monitor_tables()[name]
        data = {monitor.TIJDREEKS: lambda: monitor.maandreeksen(self.extract, self.params, df),
                monitor.COHORT_UITKOMST: lambda: df,
                monitor.DUUR_TOT_PIP: lambda: (df, monitor.pip_curves(self.extract, self.params))}[name]()
        fig = monitor_figures.figure(name, data, subtitle=self.source_line())
        text = monitor_figures.reading(name, data)
        if self.figures_dir is None:
            display(fig)
        else:
            png, _svg = figures.save(fig, self.figures_dir, name)
            (self.figures_dir / f"{name}.json").write_text(
                json.dumps(text, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            display(Image(filename=str(png)))
        return Markdown(text["zin"])

    def run_tables(self) -> dict[str, pd.DataFrame]:
        """All outputs of this run, computed in memory (protected as the CSVs are); the
        same functions as the table notebooks, so the same numbers."""
        if self._all is None:
            self._all = {name: self._protected(name) for name in registry.LETTER_OUTPUTS}
        return self._all

    # ---- the audit, at the letter's own dates -----------------------------------------
    def _protect_group(self, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        if not self.celbeveiliging:
            return tables
        reasons = suppression.pattern(tables, self.celbeveiliging)
        return {n: suppression.apply(df, reasons) for n, df in tables.items()}

    def audit_tables(self) -> dict[tuple[str, str], pd.DataFrame]:
        """The letter's tables at the letter's dates, from this extract (protected per date)."""
        if "audit" not in self._letter:
            from . import verification
            raw = verification.audit_tables(self.extract)
            by_date: dict[str, dict[str, pd.DataFrame]] = {}
            for (name, p), df in raw.items():
                by_date.setdefault(p, {})[name] = df
            self._letter["audit"] = {(n, p): df for p, group in by_date.items()
                                     for n, df in self._protect_group(group).items()}
        return self._letter["audit"]

    def verification(self) -> pd.DataFrame:
        """Every printed figure at its own date; writes verificatie.csv."""
        from . import verification
        h = horizon.of(self.extract)
        df = verification.verify(self.audit_tables(), horizon=h.date, stand_per=h.stand_per)
        if self.out:
            verification.write(df, self.out / VERIFICATIE)
        return df

    def statistics(self) -> pd.DataFrame:
        """The statistics of this run at its own peildata; writes statistiek.csv."""
        from .statistics import analyses as stats_mod
        df = stats_mod.compute(self.extract, self.params, self.run_tables(), stats_mod.Options.of(self.params))
        if self.out:
            stats_mod.write(df, self.out / STATISTIEK)
        return df

    def claims(self) -> pd.DataFrame:
        """Every claim of the letter evaluated at the letter's dates; writes claims.csv."""
        from . import claims as claims_mod
        from .statistics import analyses as stats_mod
        letter = reference.letter_parameters()
        letter = dataclasses.replace(letter, celbeveiliging=self.params.celbeveiliging,
                                     marge=self.params.marge, seed=self.params.seed)
        tables = self._protect_group(registry.compute_all(self.extract, letter))
        statistics = stats_mod.compute(self.extract, letter, tables, stats_mod.Options.of(letter))
        h = horizon.of(self.extract)

        def protect(df: pd.DataFrame) -> pd.DataFrame:
            name = df["tabel"].iloc[0]
            return self._protect_group({name: df})[name]
        ctx = claims_mod.Context(run_tables=tables, params=letter, statistics=statistics,
                                 extract=self.extract, horizon=h.date, stand_per=h.stand_per,
                                 protect=protect if self.celbeveiliging else None)
        df = claims_mod.ordered(claims_mod.evaluate(claims_mod.load_claims(), ctx))
        if self.out:
            claims_mod.write(df, self.out / CLAIMS)
        return df

    def source_line(self) -> str:
        kind = "synthetische gegevens" if self.synthetic else "DUO-extract"
        return f"Bron: {kind}, peildatum {self.params.peildatum.isoformat()}"


def open_session(extract: str | None = None, derived_dir: str | None = None, uitvoer: str | None = None,
                 **values) -> Session:
    """A session on an extract (None: the shipped synthetic one) with the given parameters
    (peildatum, vorige_peildatum, elip_peildata, elip_drempel, celbeveiliging, marge, seed;
    None or absent: the default)."""
    params = parse_parameters(**values)
    if derived_dir:
        folder = Path(derived_dir)
    else:
        if extract:
            source = Path(extract)
        else:
            from .synth.generate import ensure_default
            source = ensure_default()
        folder = derived.derive(source)
    ex = derived.load(folder)
    if not uitvoer:
        horizon.check(ex, params, warn=lambda text: warnings.warn(text, stacklevel=2))
    out = Path(uitvoer) if uitvoer else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    return Session(extract=ex, params=params, out=out)


def write_run_parameters(out: Path, values: dict) -> Path:
    path = out / RUN_PARAMETERS
    path.write_text(json.dumps(values, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
