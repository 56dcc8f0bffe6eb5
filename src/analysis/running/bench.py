"""`make bench`: speed and memory, measured rather than asserted in tests.

1. Generating the national-size synthetic extract                  (target: at most 15 s)
2. The one-time derivation (validation + typed Arrow files) of that extract
3. The whole suite on it with the derivation cached, as a user runs it: `python -m analysis run`
   in a fresh process, timed from start to exit                    (target: at most 30 s)
4. The floor of a papermill suite on this machine: as many copies of an empty notebook as
   the suite has, each importing what the suite's notebooks import, run in a fresh process
   that imports papermill and runs its kernels as the runner does (its papermill options,
   its scheduling loop, the same parallelism). Suite and floor are timed three times in
   turn; the ratio of each pair and their median           (target: median at most 1,3);
   and the CPU seconds of each, kernels included, which bound the ratio from below once
   every core is busy
5. Ten times national size: generation (not timed against a target), then validation +
   derivation + all tables in a fresh process, its wall time and peak memory
                                                        (target: at most 60 s and 6 GiB)
6. Exploration (contract section 6) on the national-size extract, derivation cached, in a
   fresh process: open_extract (its imports included)              (target: at most 2 s)
   the slowest of three kruistabellen                              (target: at most 0,5 s)
   a 30-month series: tabel6 at 30 monthly ELIP peildata, and 30 monthly
   kruistabellen of the ELIP group                                 (target: at most 5 s each)
   duur pip by doelgroep and duur einde of wi2013_opgelegd by cohort (target: at most 2 s each)

Results are printed and written to .bench/bench.json. Timings vary with the machine and
its load; the targets are for a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from ..audit import reference
from ..core import paths
from ..core.run_files import RunFolder
from ..extract import derived
from ..publication import plan
from ..synth.generate import generate
from .runner import TIMINGS_LINE
from .schedule import default_jobs, default_tail, limits

# What each notebook of the suite imports (its setup cell and the library modules its
# calls load); the floor notebooks import exactly this and do nothing else.
TABLE_IMPORTS = ("analysis.interface.session", "analysis.presentation.figures", "IPython.display")
FLOOR_IMPORTS = {
    "09_statistiek.ipynb": ("analysis.interface.session", "analysis.statistics.analyses",
                            "analysis.statistics.interpretation", "IPython.display"),
    "10_verificatie_en_claims.ipynb": ("analysis.interface.session", "analysis.audit.claims", "analysis.audit.verification",
                                       "analysis.statistics.analyses", "analysis.presentation.summaries",
                                       "IPython.display"),
    "00_overzicht.ipynb": ("analysis.interface.session", "analysis.presentation.summaries", "IPython.display"),
    "11_monitor.ipynb": ("analysis.interface.session", "analysis.definitions.monitor", "analysis.presentation.figures",
                         "analysis.presentation.monitor_figures", "IPython.display"),
}


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def floor_notebooks(work: Path) -> list[Path]:
    """One empty notebook per suite notebook, importing what that notebook imports."""
    import nbformat

    sources = []
    for name in (j.target for j in plan.jobs()):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("peildatum = '2024-05-01'")
        params.metadata["tags"] = ["parameters"]
        imports = "\n".join(f"import {m}" for m in FLOOR_IMPORTS.get(name, TABLE_IMPORTS))
        nb.cells = [params, nbformat.v4.new_code_cell(imports)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        src = work / f"leeg-{name}"
        nbformat.write(nb, src)
        sources.append(src)
    return sources


# The floor's process: what the runner's process must do to run notebooks at all (import
# papermill, put this interpreter first on PATH, execute them with the runner's papermill
# options: its kernel manager, its shutdown), and nothing else.
MEASURE_FLOOR = """
import sys
from collections import namedtuple
from pathlib import Path
import papermill as pm
from analysis.running.kernels import interpreter_first_on_path, papermill_options
from analysis.running.schedule import run_all
jobs, tail, log, sources = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]]
interpreter_first_on_path()
Leeg = namedtuple("Leeg", "target needs")
def one(step):
    src = Path(step.target)
    pm.execute_notebook(str(src), str(src.with_suffix(".uit.ipynb")), parameters={"peildatum": "2024-05-01"},
                        **papermill_options(log))
    return 0.0
run_all([Leeg(str(src), ()) for src in sources], one, jobs, tail)
"""


def _process_seconds(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds of a fresh process, and the CPU seconds it and its kernels used.

    On a machine whose cores are all busy, wall time is about CPU time divided by the cores,
    so the CPU seconds say what no scheduling can win back; they also vary far less between
    runs than the wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... faalde (exit {res.returncode}):\n{res.stderr[-2000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def suite_and_floor(extract: Path, derived_root: Path, work: Path, jobs: int | None, pairs: int = 3) -> dict:
    """Steps 3 and 4: suite and floor in turn, each a fresh process, so that a busy moment of
    the machine falls on both alike; the median ratio is the figure. Both are scheduled
    alike: without `jobs` as a run without --jobs (schedule.default_jobs and default_tail),
    with it as --jobs `jobs`."""
    sources = floor_notebooks(work)
    option = [] if jobs is None else ["--jobs", str(jobs)]
    floor_jobs, tail = limits(jobs)
    runs = []
    for i in range(pairs):
        out = work / f"run{i}"
        suite_s, suite_cpu = _process_seconds([sys.executable, "-m", "analysis", "run", "--extract", str(extract),
                                               "--derived", str(derived_root), "--out", str(out), *option])
        floor_s, floor_cpu = _process_seconds([sys.executable, "-c", MEASURE_FLOOR, str(floor_jobs), str(tail),
                                               str(work / "vloer-kernels.log"), *map(str, sources)])
        runs.append({"suite_s": suite_s, "vloer_s": floor_s, "verhouding": suite_s / floor_s,
                     "suite_cpu_s": suite_cpu, "vloer_cpu_s": floor_cpu, "verhouding_cpu": suite_cpu / floor_cpu,
                     "stappen_s": _run_timings(out)})
    median = lambda key: sorted(r[key] for r in runs)[len(runs) // 2]  # noqa: E731
    return {"paren": runs, "suite_s": median("suite_s"), "vloer_s": median("vloer_s"),
            "verhouding_suite_vloer": median("verhouding"), "suite_cpu_s": median("suite_cpu_s"),
            "vloer_cpu_s": median("vloer_cpu_s"), "verhouding_cpu": median("verhouding_cpu")}


def _run_timings(out: Path) -> dict:
    """The run's own timings per step and notebook (run.log's TIMINGS_LINE)."""
    for line in RunFolder(out).run_log.read_text(encoding="utf-8").splitlines():
        if line.startswith(TIMINGS_LINE):
            return json.loads(line.removeprefix(TIMINGS_LINE))
    return {}


def scaled_reference(factor: int, folder: Path) -> Path:
    """The reference figures with every count multiplied (percentages unchanged)."""
    shutil.copytree(paths.reference_dir(), folder)
    fig = pd.read_csv(folder / reference.FIGURES_FILE, dtype=str, keep_default_na=False)
    counts = fig["eenheid"] == "aantal"
    fig.loc[counts, "waarde"] = [str(int(float(v)) * factor) for v in fig.loc[counts, "waarde"]]
    fig.to_csv(folder / reference.FIGURES_FILE, index=False)
    return folder / reference.FIGURES_FILE


MEASURE_10X = """
import json, resource, sys, time
t0 = time.perf_counter()
from analysis.definitions import registry
from analysis.extract import derived
from analysis.core.params import Parameters
folder = derived.derive(sys.argv[1], sys.argv[2])
t1 = time.perf_counter()
ext = derived.load(folder)
out = registry.compute_all(ext, Parameters())
t2 = time.perf_counter()
print(json.dumps({"valideren_en_afleiden_s": t1 - t0, "laden_en_tabellen_s": t2 - t1, "totaal_s": t2 - t0,
                  "piekgeheugen_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                  "personen": len(ext.wi2013) + len(ext.wi2021), "leningen": len(ext.leningen),
                  "examens": len(ext.examens)}))
"""


MEASURE_EXPLORE = """
import json, sys, time
import analysis
t0 = time.perf_counter()
x = analysis.open_extract(sys.argv[1])
t_open = time.perf_counter() - t0
from analysis.definitions.monitor import month_starts
P = x.stand_per
def timed(fn, *a, **k):
    t = time.perf_counter(); fn(*a, **k); return time.perf_counter() - t
kruis = {f"{r} x {k} ({pop})": timed(x.kruistabel, r, k, pop, P) for r, k, pop in (
    ("doelgroep", "leerroute", "wi2021_plichtig_geworden"), ("cohort", "examens_gehaald", "wi2013_opgelegd"),
    ("cohort", "doelgroep", "elip"))}
months = month_starts(P.replace(year=P.year - 3, day=1), P)[-30:]
assert len(months) == 30, len(months)
print(json.dumps({
    "open_extract_s": t_open,
    "kruistabel_s": kruis,
    "reeks_30_maanden_tabel6_s": timed(x.tabel, "tabel6", months[-1], elip_peildata=months),
    "reeks_30_maanden_kruistabel_s": timed(lambda: [x.kruistabel("cohort", "doelgroep", "elip", m) for m in months]),
    "duur_pip_doelgroep_s": timed(x.duur, "pip", "wi2021_plichtig_geworden", P, groep="doelgroep"),
    "duur_einde_wi2013_cohort_s": timed(x.duur, "einde", "wi2013_opgelegd", P, groep="cohort"),
}))
"""


MEASURE_CELBEVEILIGING = r"""
import json, sys, time
import analysis
from analysis.definitions import registry
from analysis.core.params import Parameters
from analysis.publication import run as publication_run
x = analysis.open_extract(sys.argv[1])
n = int(sys.argv[2])
params = Parameters(celbeveiliging=n)
t = time.perf_counter()
pub = publication_run.run_publication(x.extract, params)
t_collect = time.perf_counter() - t
t = time.perf_counter()
pattern = pub.pattern(n)
t_pattern = time.perf_counter() - t
run_tables = {c.key for name in registry.LETTER_OUTPUTS for c in registry.published(name, x.extract, params)[0]}
kinds = {}
for k, r in pattern.reasons.items():
    kinds[r.kind] = kinds.get(r.kind, 0) + 1
tables = {kind: sum(1 for k, r in pattern.reasons.items() if k in run_tables and r.kind == kind)
          for kind in ("primair", "secundair")}
v = analysis.open_extract(sys.argv[1], celbeveiliging=n)
t = time.perf_counter()
kruis = v.kruistabel("cohort", "analfabeet", "elip", "2022-05-01")
t_kruis = time.perf_counter() - t
t = time.perf_counter()
duur = v.duur("einde", "wi2013_opgelegd", params.peildatum, groep="cohort", dagen=[365, 730, 1095, 1460, 1825])
t_duur = time.perf_counter() - t
print(json.dumps({"duur_afgeschermd": int((duur["reden"] != "").sum()), "duur_rijen": len(duur), "duur_s": t_duur,
                  "n": n, "verzamelen_s": t_collect, "patroon_s": t_pattern, "aantallen": len(pub.counts),
                  "waarden": len(pattern.known), "afgeschermd": kinds, "tabellen_afgeschermd": tables,
                  "kruistabel_afgeschermd": int(kruis["aantal"].isna().sum()), "kruistabel_cellen": len(kruis),
                  "kruistabel_s": t_kruis}))
"""


def celbeveiliging(extract: Path, derived_root: Path, n: int = 10) -> dict:
    """Step 7: the run's disclosure pattern at N = 10 on the national extract (issue 16's
    figures), in a fresh process."""
    res = subprocess.run([sys.executable, "-c", MEASURE_CELBEVEILIGING, str(extract), str(n)], capture_output=True,
                         text=True, check=True, env=os.environ | {"ANALYSIS_DERIVED": str(derived_root)})
    return json.loads(res.stdout.strip().splitlines()[-1])


def celbeveiliging_lines(c: dict) -> list[str]:
    t = c["tabellen_afgeschermd"]
    a = c["afgeschermd"]
    return [
        f"  celbeveiliging N={c['n']}: patroon       {c['patroon_s']:6.2f} s   (doel <= 5 s; verzamelen "
        f"{c['verzamelen_s']:.1f} s, {_n(c['aantallen'])} aantallen, {_n(c['waarden'])} waarden)",
        f"  celbeveiliging: tabellen van de run: {t['primair']} primair, {t['secundair']} aanvullend "
        f"(doel aanvullend <= 24)",
        "  celbeveiliging: hele publicatie: " + ", ".join(f"{k} {v}" for k, v in sorted(a.items())),
        f"  celbeveiliging: kruistabel cohort x analfabeet (elip, 1 mei 2022): {c['kruistabel_afgeschermd']} van "
        f"{c['kruistabel_cellen']} afgeschermd (doel <= 12), {c['kruistabel_s']:.1f} s",
        f"  celbeveiliging: duur einde per cohort op 1 tot 5 jaar: {c['duur_afgeschermd']} van {c['duur_rijen']} "
        f"rijen met een afgeschermde waarde, {c['duur_s']:.1f} s",
    ]


def explore(extract: Path, derived_root: Path) -> dict:
    """Step 6, in a fresh process so that open_extract pays its imports as a researcher's does."""
    res = subprocess.run([sys.executable, "-c", MEASURE_EXPLORE, str(extract)], capture_output=True, text=True,
                         check=True, env=os.environ | {"ANALYSIS_DERIVED": str(derived_root)})
    return json.loads(res.stdout.strip().splitlines()[-1])


def explore_lines(v: dict) -> list[str]:
    kruis = max(v["kruistabel_s"].values())
    return [
        f"  verkennen: open_extract         {v['open_extract_s']:6.2f} s   (doel <= 2 s)",
        f"  verkennen: kruistabel (traagste van {len(v['kruistabel_s'])}) {kruis:6.2f} s   (doel <= 0,5 s)",
        f"  verkennen: reeks 30 mnd tabel6  {v['reeks_30_maanden_tabel6_s']:6.2f} s   (doel <= 5 s)",
        f"  verkennen: reeks 30 mnd kruist. {v['reeks_30_maanden_kruistabel_s']:6.2f} s   (doel <= 5 s)",
        f"  verkennen: duur pip/doelgroep   {v['duur_pip_doelgroep_s']:6.2f} s   (doel <= 2 s)",
        f"  verkennen: duur einde/cohort    {v['duur_einde_wi2013_cohort_s']:6.2f} s   (doel <= 2 s)",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.running.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--zonder-10x", action="store_true", help="skip the ten-times-national measurement")
    ap.add_argument("--jobs", type=int, default=None,
                    help="notebooks at once, as run --jobs (default: as a run without --jobs)")
    ap.add_argument("--alleen-verkennen", action="store_true",
                    help="only steps 1, 2 and 6 (the exploration interface)")
    ap.add_argument("--alleen-suite", action="store_true",
                    help="only steps 1 to 4 (the suite against its floor, three pairs: about two minutes)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    results: dict = {"machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                                 "python": sys.version.split()[0]}}
    say = lambda text: print(text, flush=True)  # noqa: E731
    try:
        say("1. synthetisch extract, landelijke omvang ...")
        gen = [(_timed(generate, work / f"synth{i}")[0]) for i in range(3)]
        results["genereren_s"] = {"min": min(gen), "mediaan": sorted(gen)[1]}
        extract = work / "synth0"
        say("2. eenmalige afleiding (validatie + Arrow-bestanden) ...")
        t_der, folder = _timed(derived.derive, extract, work / "derived")
        results["afleiden_s"] = t_der
        if not args.alleen_suite:
            say("6. verkennen (open_extract, kruistabel, reeksen, duur), afleiding in de cache ...")
            results["verkennen"] = explore(extract, work / "derived")
            say("7. celbeveiliging N = 10: het patroon van de hele run, de kruistabel ...")
            results["celbeveiliging"] = celbeveiliging(extract, work / "derived")
        if args.alleen_verkennen:
            return _report(results, args)
        say("3. en 4. de hele suite en de vloer (lege notebooks), drie keer om en om ...")
        results.update(suite_and_floor(extract, work / "derived", work, args.jobs))
        if not args.zonder_10x and not args.alleen_suite:
            say("5. tien keer landelijke omvang: genereren ...")
            ref = scaled_reference(10, work / "ref10")
            t_gen10, big = _timed(generate, work / "synth10", reference=ref)
            results["genereren_10x_s"] = t_gen10
            say("   valideren + afleiden + alle tabellen in een nieuw proces ...")
            res = subprocess.run([sys.executable, "-c", MEASURE_10X, str(big), str(work / "derived10")],
                                 capture_output=True, text=True, check=True,
                                 env=os.environ | {"ANALYSIS_REFERENCE": str(ref.parent)})
            results["tien_keer"] = json.loads(res.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _report(results, args)


def _report(results: dict, args) -> int:
    lines = [
        "",
        "Resultaten (doelen voor een machine met 2 cores):",
        f"  genereren landelijk extract     {results['genereren_s']['min']:6.1f} s   (doel <= 15 s)",
        f"  eenmalige afleiding             {results['afleiden_s']:6.1f} s",
    ]
    if "suite_s" in results:
        lines += _suite_lines(results, args)
    if "verkennen" in results:
        lines += explore_lines(results["verkennen"])
    if "celbeveiliging" in results:
        lines += celbeveiliging_lines(results["celbeveiliging"])
    print("\n".join(lines))
    out = paths.project_root() / ".bench"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nGeschreven: {out / 'bench.json'}")
    return 0


def _at_once(jobs: int | None) -> str:
    if jobs is not None:
        return f"{jobs} tegelijk"
    return f"{default_jobs()} tegelijk, de laatste {default_tail()} samen"


def _suite_lines(results: dict, args) -> list[str]:
    floor_s, suite_s = results["vloer_s"], results["suite_s"]
    lines = [
        f"  hele suite, afleiding in cache  {suite_s:6.1f} s   (doel <= 30 s; mediaan van {len(results['paren'])})",
        f"  vloer ({len(plan.jobs())} lege notebooks, {_at_once(args.jobs)}) {floor_s:6.1f} s",
        f"  verhouding suite / vloer        {results['verhouding_suite_vloer']:6.2f}     (doel <= 1,3; mediaan; "
        "per paar: " + "; ".join(f"{r['suite_s']:.1f}/{r['vloer_s']:.1f} = {r['verhouding']:.2f}"
                                  for r in results["paren"]) + ")",
        f"  CPU suite / vloer (met kernels) {results['suite_cpu_s']:6.1f} / {results['vloer_cpu_s']:.1f} s = "
        f"{results['verhouding_cpu']:.2f} (mediaan; op {os.cpu_count()} cores is de kleinst mogelijke "
        f"verhouding ongeveer {results['suite_cpu_s'] / os.cpu_count() / results['vloer_s']:.2f}: "
        "CPU-seconden van de suite gedeeld door de cores, gedeeld door de vloer)",
    ]
    if "tien_keer" in results:
        t = results["tien_keer"]
        lines += [
            f"  10x genereren                   {results['genereren_10x_s']:6.1f} s",
            f"  10x valideren + afleiden        {t['valideren_en_afleiden_s']:6.1f} s",
            f"  10x laden + alle tabellen       {t['laden_en_tabellen_s']:6.1f} s",
            f"  10x totaal                      {t['totaal_s']:6.1f} s   (doel <= 60 s)",
            f"  10x piekgeheugen                {t['piekgeheugen_gib']:6.2f} GiB (doel <= 6 GiB)",
            f"  10x omvang: {_n(t['personen'])} personen, {_n(t['leningen'])} leningbetalingen, "
            f"{_n(t['examens'])} examenpogingen",
        ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
