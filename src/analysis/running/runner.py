"""`python -m analysis run`: the notebook suite, executed by papermill, published atomically.

Order of work:
1. check the parameters and the output folder;
2. validate and derive the extract once (cached by checksum), before any notebook starts;
3. execute the notebooks with papermill, one kernel per core (schedule.py), each as soon
   as the notebooks it reads from are done (only the overview waits, for verification and
   claims; verification computes the tables it compares in memory, with the same
   functions as the table notebooks); each executed notebook is exported to HTML by the
   thread that ran it;
4. build the report (index.html, tabellen.xlsx) and the provenance;
5. move the finished folder into place.

Everything is built in a temporary folder beside `--out` and renamed at the end, so a run
that fails, for whatever reason, leaves `--out` exactly as it was; outdir.py decides which
folders a run may replace and keeps two runs from writing into the same one. A failed notebook is
kept (outside `--out`) for inspection and named in the error with its cell and error.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..core import paths
from ..core.errors import NotebookError
from ..core.params import Parameters
from ..core.run_files import RunFolder
from ..extract import derived, horizon
from ..publication import plan
from . import kernels, outdir, provenance, schedule


@dataclass
class RunConfig:
    extract: Path | None
    out: Path
    params: Parameters
    spreadsheet_nl: bool = False
    jobs: int = 0  # 0: the default (schedule.default_jobs, and the last notebooks at once)
    derived_root: Path | None = None
    horizon: object = None  # horizon.Horizon of the extract, set by run()
    warnings: list = field(default_factory=list)  # shown at the top of the report
    notebooks_dir: Path | None = None
    log: object = print
    timings: dict = field(default_factory=dict)
    # the notebooks to execute, from notebooks_dir (None: plan.jobs(), the whole suite), and
    # what makes the pages of the build folder once they are done (None: build_pages, the
    # report and the workbook); a test gives its own fixture notebooks (tests/notebooks/)
    schedule: tuple[plan.Job, ...] | None = None
    pages: Callable[[Path, dict], None] | None = None

    def jobs_to_run(self) -> tuple[plan.Job, ...]:
        return plan.jobs() if self.schedule is None else self.schedule


class Progress:
    """One line per event, with elapsed time; thread-safe."""

    def __init__(self, log, total: int):
        self.log, self.total, self.done = log, total, 0
        self.start = time.perf_counter()
        self.lock = threading.Lock()

    def say(self, text: str) -> None:
        with self.lock:
            self.log(f"[{time.perf_counter() - self.start:6.1f} s] {text}")

    def finished(self, name: str, seconds: float) -> None:
        with self.lock:
            self.done += 1
            self.log(f"[{time.perf_counter() - self.start:6.1f} s] {self.done}/{self.total} "
                     f"{name} klaar ({seconds:.1f} s)")


def _notebook_parameters(cfg: RunConfig, derived_dir: Path, out: Path) -> dict:
    """What the notebooks get and parameters.json records: `uitvoer` is the final --out,
    where the files end up; the build folder they write into while the run lasts reaches
    their kernels only through outdir.BUILD_ENV (it is gone when the run is done). Both paths
    are absolute (derived.check_root, run's `out`), so that an executed notebook opened later
    from its own folder finds them."""
    return {"derived": str(derived_dir), "uitvoer": str(out), **cfg.params.notebook_values()}


def _execute(nb_dir: Path, job: plan.Job, build: Path, parameters: dict, progress: Progress) -> float:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    name = job.target
    progress.say(f"start {name}")
    t0 = time.perf_counter()
    target = RunFolder(build).notebooks / name
    # No `cwd=`: papermill implements it with os.chdir, which is process-wide and races
    # between threads. The notebooks use absolute paths only.
    try:
        declared = pm.inspect_notebook(str(nb_dir / job.source))
        own = {k: v for k, v in {**parameters, **job.parameters}.items() if k in declared}
        executed = pm.execute_notebook(str(nb_dir / job.source), str(target), parameters=own,
                                       **kernels.papermill_options(RunFolder(build).kernel_log, build))
    except PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        raise NotebookError(
            f"Notebook {name} faalde in cel {exc.exec_count or exc.cell_index} "
            f"(\"{first[:80]}\"): {exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, notebook missing, ...
        raise NotebookError(f"Notebook {name} kon niet worden uitgevoerd: "
                            f"{type(exc).__name__}: {exc}") from None
    _record_final_path(executed, target, RunFolder(parameters["uitvoer"]).notebooks / name)
    from ..presentation import notebook_page
    notebook_page.write(target, executed)
    return time.perf_counter() - t0


def _record_final_path(nb, target: Path, final: Path) -> None:
    """Papermill records where it wrote the notebook (`nb`, as papermill returned it): the
    build folder, which is gone once the run is published. The notebook says where it lives
    instead."""
    import nbformat
    nb.metadata.setdefault("papermill", {})["output_path"] = str(final)
    nbformat.write(nb, target)


def _execute_all(jobs: int, nb_dir: Path, build: Path, parameters: dict, progress: Progress,
                 cfg: RunConfig) -> None:
    """Run every notebook, each when its inputs are done: at most `jobs` at once, and with
    the default --jobs the last few at once (schedule.default_tail)."""
    def finished(name: str, seconds: float) -> None:
        cfg.timings[name] = seconds
        progress.finished(name, seconds)
    # What the report needs before it can start (its modules, its compiled templates) is
    # loaded beside the notebooks: the report is made after the last notebook, alone.
    prepared = threading.Thread(target=_prepare_pages, daemon=True)
    prepared.start()
    schedule.run_all(cfg.jobs_to_run(), lambda job: _execute(nb_dir, job, build, parameters, progress),
                     jobs, tail=schedule.limits(cfg.jobs)[1], finished=finished)
    prepared.join()


def _prepare_pages() -> None:
    try:
        from ..presentation import excel, report, run_folder  # noqa: F401 (imported now, used by build_pages)
        report.prepare()
    except Exception:  # noqa: BLE001 (build_pages does the same again and reports what fails)
        pass


def run(cfg: RunConfig) -> Path:
    """Run the whole suite; returns the output folder. Raises AnalysisError subclasses."""
    out = cfg.out.resolve()
    jobs = schedule.check_jobs(cfg.jobs)
    extract_dir = cfg.extract or paths.default_extract()
    derived_root = derived.check_root(extract_dir, cfg.derived_root)
    inputs = {"het extract": extract_dir, "de map met afgeleide gegevens": derived_root,
              "de map met notebooks": cfg.notebooks_dir or paths.notebooks_dir()}
    outdir.check_relations(out, inputs)
    outdir.check_links(out, extract_dir)
    outdir.check_replaceable(out)
    with outdir.claimed(out):
        outdir.check_replaceable(out)  # again, now that no other run can change it
        outdir.check_publishable(out)
        return _run_claimed(cfg, out, jobs)


def _run_claimed(cfg: RunConfig, out: Path, jobs: int) -> Path:
    lines: list[str] = []

    def log(text: str) -> None:
        lines.append(text)
        cfg.log(text)
    progress = Progress(log, len(cfg.jobs_to_run()))
    started = dt.datetime.now(dt.timezone.utc)

    if cfg.extract is None:
        from ..synth.generate import ensure_default
        extract_dir = ensure_default(log=progress.say)
    else:
        extract_dir = cfg.extract
    t0 = time.perf_counter()
    # A run past a declared stand_per is refused once the extract is known to be valid and
    # before its typed copy is written (contract section 1): nothing is written.
    derived_dir = derived.derive(extract_dir, cfg.derived_root, cfg.spreadsheet_nl,
                                 before_write=lambda ex: horizon.check(ex, cfg.params, warn=lambda _: None))
    cfg.timings["afleiden"] = time.perf_counter() - t0
    info = derived.herkomst(derived_dir)
    progress.say(f"extract gevalideerd en afgeleid: {derived_dir} "
                 f"({cfg.timings['afleiden']:.1f} s)")
    for w in info.get("waarschuwingen", []):
        progress.say(f"waarschuwing: {w}")
    extract = derived.load(derived_dir)
    cfg.horizon = horizon.of(extract)

    def warn(text: str) -> None:
        cfg.warnings.append(text)
        progress.say(f"waarschuwing: {text}")
    horizon.check(extract, cfg.params, warn=warn)

    build = outdir.new_build(out)
    keep_failed = False
    try:
        parameters = _notebook_parameters(cfg, derived_dir, out)
        RunFolder(build).write_parameters(parameters)
        RunFolder(build).notebooks.mkdir()
        if cfg.params.celbeveiliging:  # one pattern over everything the run publishes, once
            from ..publication import record, run as publication_run
            t_p = time.perf_counter()
            pattern = publication_run.run_pattern(extract, cfg.params)
            record.write_records(pattern, RunFolder(build).tables)
            cfg.timings["celbeveiliging"] = time.perf_counter() - t_p
            progress.say(f"celbeveiliging: {len(pattern.reasons)} van {len(pattern.known)} waarden afgeschermd "
                         f"({cfg.timings['celbeveiliging']:.1f} s)")
        kernels.interpreter_first_on_path()
        nb_dir = cfg.notebooks_dir or paths.notebooks_dir()
        t_nb = time.perf_counter()
        keep_failed = True
        _execute_all(jobs, nb_dir, build, parameters, progress, cfg)
        keep_failed = False
        cfg.timings["notebooks"] = time.perf_counter() - t_nb
        t_r = time.perf_counter()
        (cfg.pages or build_pages)(build, provenance.collect(info, cfg, started, extract_dir))
        cfg.timings["rapport"] = time.perf_counter() - t_r
        progress.say(f"rapport gemaakt ({cfg.timings['rapport']:.1f} s)")
        provenance.write(build, info, cfg, started, extract_dir)
        RunFolder(build).run_log.write_text(_run_log(cfg, lines), encoding="utf-8")
        outdir.publish(build, out)
    except BaseException as exc:
        if keep_failed and not isinstance(exc, KeyboardInterrupt):
            kept = Path(tempfile.gettempdir()) / f"analysis-mislukt-{started:%Y%m%dT%H%M%S}"
            shutil.rmtree(kept, ignore_errors=True)
            shutil.move(str(build), kept)
            cfg.log(f"De uitgevoerde notebooks van deze mislukte run staan in {kept} "
                    f"(niet in {out}).")
        else:  # an interrupted run (Ctrl-C, SIGTERM) leaves nothing behind
            shutil.rmtree(build, ignore_errors=True)
        raise
    return out


def build_pages(folder: Path, prov: dict) -> None:
    """The report page and the workbook of a run folder, from what its notebooks wrote (read
    once, so that both show the same numbers)."""
    from ..presentation import excel, report, run_folder
    results = run_folder.read(folder, prov)
    report.build(folder, results)
    excel.write_workbook(RunFolder(folder).workbook, results)


TIMINGS_LINE = "tijden (s): "  # run.log's line with the run's timings as JSON (make bench reads it)


def _run_log(cfg: RunConfig, lines: list[str]) -> str:
    head = [f"configuratie: extract={cfg.extract or 'meegeleverd synthetisch extract'} out={cfg.out} "
            f"parameters={json.dumps(cfg.params.as_dict(), ensure_ascii=False)} "
            f"spreadsheet_nl={cfg.spreadsheet_nl} jobs={cfg.jobs or schedule.default_jobs()}"
            + ("" if cfg.jobs else f" (de laatste {schedule.default_tail()} samen)"),
            "route: afleiden -> notebooks (" + "; ".join(
                j.target + (f" na {', '.join(j.needs)}" if j.needs else "") for j in cfg.jobs_to_run())
            + ") -> rapport -> publiceren",
            TIMINGS_LINE + json.dumps({k: round(v, 2) for k, v in cfg.timings.items()})]
    return "\n".join(head + lines) + "\n"


def summary_line(out: Path) -> str:
    """The lines a run ends with: what the extract is (so that the count of differences
    below is read for what it can mean on it), then the check against the letter."""
    from ..core.extract_kind import Description
    from ..presentation.safe_text import shorten
    from ..audit.verification_file import summary_from_file
    prov = json.loads(RunFolder(out).herkomst.read_text(encoding="utf-8"))
    return Description.of_herkomst(prov["extract"]).banner(shorten) + "\n" + summary_from_file(RunFolder(out).verificatie)
