"""Command line (contract section 4): `python -m analysis run|synth|validate|controleer`.

Every failure ends in one paragraph for the user and a non-zero exit status, never a
traceback (set ANALYSIS_DEBUG=1 to see one for an unexpected internal error).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from .core import paths
from .core.errors import AnalysisError, Interrupted, UsageError
from .core.params import Parameters
from .core.run_files import RunFolder
from .core.version import __version__

EXIT_INTERNAL = 70


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Tabellen van de uitvoeringsbrief inburgering, opnieuw berekend uit een extract.")
    ap.add_argument("--version", action="version", version=f"analysis {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="de hele notebooksuite uitvoeren en het rapport maken")
    run.add_argument("--extract", type=Path, help="map met het extract (standaard: het meegeleverde "
                                                  "synthetische extract)")
    run.add_argument("--peildatum", default=None,
                     help=f"peildatum P, JJJJ-MM-DD (standaard {Parameters.peildatum.isoformat()})")
    run.add_argument("--out", type=Path, help="uitvoermap (standaard reports/<peildatum>)")
    run.add_argument("--vorige-peildatum", help="vergelijkingspeildatum Q (standaard P min een jaar)")
    run.add_argument("--elip-peildata", help="ELIP-peildata, komma-gescheiden")
    run.add_argument("--elip-drempel",
                     help=f"ELIP-drempel in euro (standaard {Parameters.elip_drempel_cent // 100})")
    run.add_argument("--celbeveiliging", metavar="N",
                     help="aantallen onder N (en boven 0) afschermen in alle uitvoer (standaard: geen)")
    run.add_argument("--spreadsheet-nl", action="store_true",
                     help="CSV zoals een Nederlandse spreadsheet die opslaat (puntkomma, decimale "
                          "komma, DD-MM-JJJJ, BOM) bewust accepteren")
    run.add_argument("--jobs", default=None, metavar="N",
                     help="notebooks tegelijk, 1 tot en met 64 (standaard: aantal cores plus een)")
    run.add_argument("--derived", type=Path, help="map voor afgeleide gegevens (standaard data/derived)")
    run.add_argument("--marge", help="gelijkwaardigheidsmarge van de samenstellingstoets, als fractie "
                                      f"(standaard {Parameters.marge})")
    run.add_argument("--seed", help=f"seed van de powersimulatie (standaard {Parameters.seed})")
    run.add_argument("--min-at-risk", metavar="N",
                     help="monitor: een aandeel na d dagen alleen tonen als nog ten minste N personen van de "
                          f"groep gevolgd worden (standaard {Parameters.min_at_risk})")

    synth = sub.add_parser("synth", help="het synthetische extract maken")
    synth.add_argument("--out", type=Path, help="doelmap (standaard data/raw/synthetisch)")
    synth.add_argument("--seed", type=int, help="seed (standaard uit aannames.toml)")
    synth.add_argument("--geplant-verschil", type=float,
                       help="bekend verschil in samenstelling (fractie, bv. 0.05) voor de ELIP-groep "
                            "van de cohorten 2020-2021")
    synth.add_argument("--parquet", action="store_true", help="Parquet in plaats van CSV schrijven")

    val = sub.add_parser("validate", help="alleen een extract controleren")
    val.add_argument("--extract", type=Path, required=True)
    val.add_argument("--spreadsheet-nl", action="store_true")

    ctl = sub.add_parser("controleer", help="een uitvoermap van een run controleren op aantallen onder N die "
                                            "een lezer uit de gepubliceerde cijfers kan afleiden")
    ctl.add_argument("--out", type=Path, required=True, help="de uitvoermap van een run")
    ctl.add_argument("--celbeveiliging", metavar="N", required=True,
                     help="de drempel N: geen aantal tussen 0 en N mag te begrenzen zijn (2 of meer)")
    return ap


def _whole(text: str, option: str, what: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise UsageError(f"{option} '{text}' is geen geheel getal; geef {what}.") from None


def _run(args) -> int:
    from .core.params import parse_parameters
    from .running.runner import RunConfig, run, summary_line
    from .running.schedule import check_jobs

    jobs = 0
    if args.jobs is not None:
        jobs = _whole(args.jobs, "--jobs", "een aantal notebooks tegelijk, bijvoorbeeld 2")
        check_jobs(jobs, zero_is_default=False)
    params = parse_parameters(args.peildatum, args.vorige_peildatum, args.elip_peildata, args.elip_drempel,
                              celbeveiliging=args.celbeveiliging, marge=args.marge, seed=args.seed,
                              min_at_risk=args.min_at_risk)
    out = args.out or paths.reports_dir() / params.peildatum.isoformat()
    cfg = RunConfig(extract=args.extract, out=out, params=params, spreadsheet_nl=args.spreadsheet_nl,
                    jobs=jobs, derived_root=args.derived)
    result = run(cfg)
    print(summary_line(result))
    from .audit.verification_file import letter_cases
    for case in letter_cases(RunFolder(result).verificatie):
        print(f"  de brief spreekt zichzelf tegen: {case}")
    print(f"Rapport: {RunFolder(result).index}")
    return 0


def _synth(args) -> int:
    import time

    from .synth.generate import ensure_default, generate, manifest
    t0 = time.perf_counter()
    if args.out is None:
        if args.seed is not None or args.geplant_verschil is not None or args.parquet:
            raise UsageError(f"{paths.default_extract()} is gereserveerd voor het meegeleverde "
                             "synthetische extract (de standaardinstellingen, zie het manifest "
                             "data/raw/synthetisch.sha256). Geef met --out een nieuwe map op voor "
                             "een extract met andere instellingen.")
        out = ensure_default(log=print)
    else:
        out = generate(args.out, seed=args.seed, geplant_verschil=args.geplant_verschil,
                       fmt="parquet" if args.parquet else "csv")
    print(f"Synthetisch extract in {out} ({time.perf_counter() - t0:.1f} s).")
    print(manifest(out), end="")
    return 0


def _validate(args) -> int:
    from .extract.validation import validate_extract
    extract = validate_extract(args.extract, args.spreadsheet_nl)
    for w in extract.meta.warnings:
        print(f"Waarschuwing: {w}")
    print(f"Extract in orde: {len(extract.wi2021):,} Wi2021-personen, {len(extract.wi2013):,} "
          f"Wi2013-personen, {len(extract.leningen):,} leningbetalingen, {len(extract.examens):,} "
          f"examenpogingen.".replace(",", "."))
    print(_horizon_line(extract))
    return 0


def _controleer(args) -> int:
    """Contract sections 4 and 8: exit 1 when a count can be bounded below N, else 0."""
    from .publication import controleer
    n = _whole(args.celbeveiliging, "--celbeveiliging", "de drempel N, bijvoorbeeld 10")
    if n < 2:
        raise UsageError(f"--celbeveiliging {n} kan niet: geef de drempel N van de run, 2 of meer.")
    return controleer.main(args.out, n)


def _horizon_line(extract) -> str:
    """Contract section 4 (v1.2): the horizon, and where it comes from. A horizon after
    today is said out loud: events in the future are typing errors or test data, and a run
    would otherwise accept every peildatum up to them."""
    import datetime as dt

    from .extract import horizon
    from .core.dutch import datum
    h = horizon.of(extract)
    if h.date is None:
        return "Horizon: geen (het extract bevat geen enkele gebeurtenis)."
    source = ("stand_per in extract.json" if h.declared
              else "de laatste gebeurtenis in het extract; extract.json geeft geen stand_per")
    line = f"Horizon: {datum(h.date)} ({source})."
    today = dt.date.today()
    if h.date > today:
        line += (f"\nWaarschuwing: de horizon ligt na vandaag ({datum(today)}): het extract bevat "
                 + ("een stand_per" if h.declared else "gebeurtenissen")
                 + " in de toekomst. Controleer de datums; een tabel op een peildatum tot die horizon "
                   "wordt niet geweigerd.")
    return line


def _terminate(signum, frame):
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # SIGTERM (a scheduler stopping the job) cleans up like Ctrl-C; only the main thread of
    # the main interpreter can install handlers, which is where a command line runs.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        return {"run": _run, "synth": _synth, "validate": _validate,
                "controleer": _controleer}[args.command](args)
    except AnalysisError as exc:
        print(exc.user_message(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("Afgebroken; er is niets half geschreven.", file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)
    except Exception as exc:  # an internal error: still one paragraph, no traceback
        if os.environ.get("ANALYSIS_DEBUG"):
            traceback.print_exc()
        print(f"Interne fout ({type(exc).__name__}: {exc}). Er is niets half geschreven. "
              "Start opnieuw met ANALYSIS_DEBUG=1 om de technische details te zien en meld het "
              "probleem.", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main())
