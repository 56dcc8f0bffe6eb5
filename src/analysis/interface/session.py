"""What a notebook needs, in one call: the typed extract, the parameters, where to write.

A notebook's parameters cell holds plain values (strings and numbers, as papermill passes
them; None for "the default", which `analysis.core.params.Parameters` owns); `open_session`
turns them into a `Session`. Opened by hand in JupyterLab with the defaults, it uses the
shipped synthetic extract and writes nothing into the repository (only the derived cache).
Outputs are written only while a run executes the notebook: `uitvoer` names the run's final
folder, and the build folder the kernel writes into comes from the runner
(outdir.build_for). An executed notebook re-run by hand from reports/ therefore writes
nothing: it shows its results and says so, and the run's folder stays as the run left it.

The session computes nothing itself: it calls the registry, `statistics`, `verification`,
`claims` and `presentation`, and writes what they return where the runner expects it.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core.extract_kind import Description
from ..core.params import PYTHON, Parameters, parse_parameters
from ..core.run_files import RunFolder
from ..definitions import compute, outputs, registry
from ..extract import derived, horizon
from ..extract.model import Extract
from ..publication import protect as publication
from ..publication import record
from ..publication import run as publication_run
from ..running import outdir

# Statistics, claims, verification and figures are imported where they are used: each
# notebook needs at most one of them, and every import is paid once per notebook kernel.


@dataclass
class Session:
    extract: Extract
    params: Parameters
    out: Path | None  # None: nothing is written (an interactive session)
    _all: dict | None = None
    _letter: dict = field(default_factory=dict)
    rerun_of: Path | None = None  # the run folder of an executed notebook re-run by hand

    @property
    def celbeveiliging(self) -> int:
        return self.params.celbeveiliging

    @property
    def tables_dir(self) -> Path | None:
        return RunFolder(self.out).tables if self.out else None

    @property
    def figures_dir(self) -> Path | None:
        return RunFolder(self.out).figures if self.out else None

    def banner(self):
        """What the extract is (shown at the top of every notebook: whose synthetic extract, or
        real data, extract_kind), and the extract's horizon when the run's dates go past it."""
        from IPython.display import Markdown

        from ..presentation.safe_text import for_markdown  # extract text is data, not markup
        lines = ["> " + Description.of_meta(self.extract.meta).banner(for_markdown, kop=lambda k: f"**{k}**")]
        warning = horizon.warning(self.extract, self.params)
        if warning:
            lines.append(f"> **Let op:** {warning}")
        if self.rerun_of is not None:
            lines.append(f"> Dit notebook is eerder uitgevoerd door een run naar {for_markdown(self.rerun_of, 400)}. "
                         "Opnieuw uitgevoerd schrijft het niets weg: die map blijft zoals de run hem achterliet.")
        return Markdown("\n>\n".join(lines))

    # ---- the tables at P --------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Compute one output at the session's peildatum, protect small cells, write its CSV."""
        df = self._protected(name)
        if self.tables_dir:
            outputs.write_named(df, name, self.tables_dir)
        return df

    def _protected(self, name: str) -> pd.DataFrame:
        return self.protect(compute.output(name, self.extract, self.params))

    def protect(self, df: pd.DataFrame) -> pd.DataFrame:
        """A long frame of this run with the run's pattern applied (unchanged without
        celbeveiliging); the monitor's figures protect their extra series with it."""
        return publication.apply(self.pattern(), df, self.params)

    # ---- celbeveiliging: one pattern over everything the run publishes ----------------
    def pattern(self):
        """The run's celbeveiliging pattern (publication/), None without celbeveiliging. In a
        run the runner computes it once and writes tables/celbeveiliging.csv, which every
        notebook reads; outside a run it is computed once per session."""
        if not self.celbeveiliging:
            return None
        if "pattern" not in self._letter:
            stored = record.read_records(self.tables_dir, self.celbeveiliging) if self.tables_dir else None
            self._letter["pattern"] = stored or publication_run.run_pattern(self.extract, self.params)
        return self._letter["pattern"]

    def _letter_params(self) -> Parameters:
        return publication_run.letter_parameters(self.params)

    def _stat_options(self, params: Parameters):
        from ..statistics import analyses as stats_mod
        opt = stats_mod.Options.of(params)
        pattern = self.pattern()
        return replace(opt, afgeschermd=_Hidden(pattern) if pattern is not None else None)

    def _raw_audit(self) -> dict[tuple[str, str], pd.DataFrame]:
        if "raw_audit" not in self._letter:
            from ..audit import verification
            self._letter["raw_audit"] = verification.audit_tables(self.extract)
        return self._letter["raw_audit"]

    def _letter_tables(self) -> dict[str, pd.DataFrame]:
        if "letter_tables" not in self._letter:
            self._letter["letter_tables"] = registry.compute_all(self.extract, self._letter_params())
        return self._letter["letter_tables"]

    def definition(self, name: str):
        """Who is counted and what the cells are, from the registry (shown above each table)."""
        from IPython.display import Markdown

        from ..presentation import letter_tables
        return Markdown(letter_tables.definition_markdown(name))

    def layout(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """The table as the letter prints it (Dutch labels, separators, its rounding)."""
        from ..presentation import letter_tables
        return letter_tables.layout(name, df, self._hidden(name, df))

    def _hidden(self, name: str, df: pd.DataFrame) -> set:
        """The cells of this table that the run's pattern hides ('x'), from the keys of its rows."""
        return publication.secret(self.pattern(), {name: df}, self.params)

    def title(self, name: str) -> str:
        from ..presentation import letter_tables
        return letter_tables.title(name, self.params.peildatum.isoformat())

    def sentences(self, name: str, df: pd.DataFrame):
        from IPython.display import Markdown

        from ..presentation import texts
        return Markdown(texts.sentences(name, df, self.params.peildatum.isoformat(), self._hidden(name, df)))

    def figure(self, name: str, df: pd.DataFrame):
        """The output's figure, saved as PNG and SVG under figures/ in a run, shown inline
        with the report's alt text."""
        from ..presentation import figures, letter_tables
        fig = figures.figure(name, df, subtitle=self.source_line())
        return self._image(fig, name, letter_tables.figure_alt(name, self.params.peildatum.isoformat()))

    def _image(self, fig, name: str, alt: str):
        """A figure as the notebook shows it, with its alt text: saved as PNG and SVG under
        figures/ in a run, else only drawn."""
        from IPython.display import Image

        from ..presentation import figures
        if self.figures_dir is None:
            return Image(data=figures.png(fig), format="png", alt=alt)
        png, _svg = figures.save(fig, self.figures_dir, name)
        return Image(filename=str(png), alt=alt)

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
        from IPython.display import Markdown, display

        from ..definitions import monitor
        from ..presentation import monitor_figures
        df = self.monitor_tables()[name]
        data = (monitor.maandreeksen(self.extract, self.params, df, self.protect) if name == monitor.TIJDREEKS
                else monitor.figure_data(self.extract, name, self.params, df, self.protect))
        fig = monitor_figures.figure(name, data, subtitle=self.source_line())
        text = monitor_figures.reading(name, data)
        display(self._image(fig, name, text["alt"]))
        if self.figures_dir is not None:
            (self.figures_dir / f"{name}.json").write_text(
                json.dumps(text, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return Markdown(text["zin"])

    def run_tables(self) -> dict[str, pd.DataFrame]:
        """All outputs of this run, computed in memory (protected as the CSVs are); the
        same functions as the table notebooks, so the same numbers."""
        if self._all is None:
            self._all = {name: self._protected(name) for name in registry.LETTER_OUTPUTS}
        return self._all

    # ---- the audit, at the letter's own dates -----------------------------------------
    def _protect_letter(self, df: pd.DataFrame) -> pd.DataFrame:
        """A table at the letter's parameters, protected by the run's one pattern."""
        return publication.apply(self.pattern(), df, self._letter_params())

    def audit_tables(self) -> dict[tuple[str, str], pd.DataFrame]:
        """The letter's tables at the letter's dates, from this extract (protected)."""
        if "audit" not in self._letter:
            self._letter["audit"] = {k: self._protect_letter(df) for k, df in self._raw_audit().items()}
        return self._letter["audit"]

    def verification(self) -> pd.DataFrame:
        """Every printed figure at its own date; writes verificatie.csv."""
        from ..audit import verification
        h = horizon.of(self.extract)
        df = verification.verify(self.audit_tables(), horizon=h.date, stand_per=h.stand_per)
        if self.out:
            verification.write(df, RunFolder(self.out).verificatie)
        return df

    def statistics(self) -> pd.DataFrame:
        """The statistics of this run at its own peildata; writes statistiek.csv."""
        from ..statistics import analyses as stats_mod
        df = stats_mod.compute(self.extract, self.params, self.run_tables(), self._stat_options(self.params))
        if self.out:
            stats_mod.write(df, RunFolder(self.out).statistiek)
        return df

    def _statistics_written_for(self, params: Parameters) -> pd.DataFrame | None:
        """This run's statistiek.csv when it was computed at exactly these parameters (a run
        at the letter's own dates), so the claims quote it rather than compute it again."""
        from ..statistics import results as stats_results
        path = RunFolder(self.out).statistiek if self.out else None
        same = (params.as_dict() == self.params.as_dict()
                and params.elip_drempel_cent == self.params.elip_drempel_cent)
        return stats_results.read(path) if same and path is not None and path.is_file() else None

    def claims(self) -> pd.DataFrame:
        """Every claim of the letter evaluated at the letter's dates; writes claims.csv."""
        from ..audit import claims as claims_mod
        from ..audit import claims_file
        from ..statistics import analyses as stats_mod
        letter = self._letter_params()
        raw = self._letter_tables()
        tables = {n: self._protect_letter(df) for n, df in raw.items()}
        statistics = self._statistics_written_for(letter)
        if statistics is None:
            # The claims quote tests and growth, never the simulated power: not simulated here.
            options = replace(self._stat_options(letter), herhalingen=0)
            statistics = stats_mod.compute(self.extract, letter, tables, options)
        h = horizon.of(self.extract)
        ctx = claims_mod.Context(run_tables=tables, params=letter, statistics=statistics,
                                 extract=self.extract, horizon=h.date, stand_per=h.stand_per,
                                 protect=self._protect_letter if self.celbeveiliging else None,
                                 celbeveiliging=self.celbeveiliging, raw_tables=raw)
        df = claims_file.ordered(claims_mod.evaluate(claims_mod.load_claims(), ctx))
        if self.out:
            claims_mod.write(df, RunFolder(self.out).claims)
        return df

    def source_line(self) -> str:
        return f"Bron: {Description.of_meta(self.extract.meta).bronregel}, peildatum {self.params.peildatum.isoformat()}"


def open_session(extract: str | None = None, derived_dir: str | None = None, uitvoer: str | None = None,
                 **values) -> Session:
    """A session on an extract (None: the shipped synthetic one) with the given parameters
    (peildatum, vorige_peildatum, elip_peildata, elip_drempel, celbeveiliging, marge, seed, min_at_risk;
    None or absent: the default). Messages name them as the parameters cell does."""
    params = parse_parameters(**values, naming=PYTHON)
    if derived_dir:
        folder = Path(derived_dir)
    else:
        if extract:
            source = Path(extract)
        else:
            from ..synth.generate import ensure_default
            source = ensure_default()
        folder = derived.derive(source)
    ex = derived.load(folder)
    out = outdir.build_for(uitvoer) if uitvoer else None
    if out is None:  # not inside a run: the run checked its dates, this session checks its own
        horizon.check(ex, params, warn=lambda text: warnings.warn(text, stacklevel=2))
    return Session(extract=ex, params=params, out=out, rerun_of=Path(uitvoer) if uitvoer and out is None else None)


class _Hidden:
    """`key in hidden` for the statistics: the pattern's hidden keys (fail-safe included)."""

    def __init__(self, pattern):
        self.pattern = pattern

    def __contains__(self, key) -> bool:
        return self.pattern.hides(key)
