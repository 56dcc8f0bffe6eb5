"""The publication's page: index.html (self-contained), and the notebooks as HTML.

Built by the runner from what the notebooks wrote (tables/, figures/, statistiek.csv,
verificatie.csv, claims.csv); it computes nothing new. The page is one file with the
figures embedded, so it can be mailed to a colleague and opened without a network.

The page is a Jinja2 template (templates/report.html.j2, one block per section, with
autoescaping: every value reaches it as text) and its style a file (templates/report.css).
This module turns a run's results into the template's context: tables as rows of cells,
figures as embedded PNGs, sentences as text; the glossary links words as a filter on text.
"""
from __future__ import annotations

import base64
import json
import re
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from ..audit import claims_file
from ..audit import verification_file
from ..core import dutch
from ..core import run_files as F
from ..core.extract_kind import SUITE, Description
from ..core.run_files import RunFolder
from ..definitions import registry
from ..publication import plan
from ..publication import record
from ..statistics import interpretation
from . import glossary, labels, letter_tables, safe_text, summaries, texts
from .run_folder import RunResults

CSS = resources.files(__package__).joinpath("templates", "report.css").read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    env.filters["begrippen"] = lambda text, seen=None: Markup(glossary.linked(str(text), seen))
    env.filters["zin"] = lambda text: Markup(glossary.linked(str(text), None, bold=True))
    env.globals["new_seen"] = set
    return env


_ENV = _environment()


def prepare() -> None:
    """Compile the page's templates now: the runner calls this while the notebooks run, so
    that the report at the end, which nothing runs beside, does not wait for it."""
    for name in ("report.html.j2", "macros.html.j2"):
        _ENV.get_template(name)


def _render_block(block: str, **context) -> str:
    """One section of the page on its own (for the tests of that section)."""
    template = _ENV.get_template("report.html.j2")
    return "".join(template.blocks[block](template.new_context(context)))


def _table(df: pd.DataFrame, text_cols: tuple[str, ...] = (), index: bool = True, caption: str = "") -> dict:
    """A frame as the template's table: header rows (MultiIndex headers as two rows, each header
    cell saying whether it heads a column, a group of columns or a row, for a screen reader)
    and body rows of cells with their class."""
    cols = df.columns
    corner = ([{"scope": "col", "text": df.index.name, "span": 1} if df.index.name else None] if index else [])
    if isinstance(cols, pd.MultiIndex):
        top = [{"scope": "colgroup", "text": k, "span": n} for k, n in _groups(cols.get_level_values(0))]
        second = ([None] if index else []) + [{"scope": "col", "text": c, "span": 1} if c else None
                                              for c in cols.get_level_values(1)]
        head = [corner + top, second]
    else:
        head = [corner + [{"scope": "col", "text": c, "span": 1} for c in cols]]
    rows = []
    for idx, row in df.iterrows():
        cells = []
        for c, v in zip(cols, row):
            name = c if not isinstance(c, tuple) else c[0]
            cls = "tekst" if name in text_cols else ""
            if name == "Status":
                cls = f"tekst status-{str(v).split()[0]}"
            cells.append({"text": str(v), "cls": cls})
        rows.append({"lead": str(idx) if index else None, "cells": cells})
    return {"head": head, "rows": rows, "caption": caption}


def _groups(values) -> list[tuple[str, int]]:
    """Runs of equal values: (value, length)."""
    out: list[tuple[str, int]] = []
    for v in values:
        if out and out[-1][0] == v:
            out[-1] = (v, out[-1][1] + 1)
        else:
            out.append((v, 1))
    return out


def _figure(png: Path, alt: str, caption: str, name: str) -> dict:
    return {"png": base64.b64encode(png.read_bytes()).decode("ascii"), "alt": alt, "caption": caption,
            "svg": f"{F.FIGURES}/{name}.svg"}


VERIFICATION_TEXT = ("Tabel", "Rij", "Kolom", "Peildatum", "Status", "Toelichting")


REDEN_TEKST = {"primair": "primair (kleiner dan de drempel)",
               "secundair": "aanvullend (om een ander aantal te beschermen)",
               "afgeleid": "afgeleid (percentage of schatting op een afgeschermd aantal)",
               "blok": "weggelaten (statistiek met een afgeschermd aantal)"}


def _celbeveiliging(pattern, ver: pd.DataFrame) -> dict | None:
    """The rule, how many values were hidden for each reason in each output, and what the
    protection cost the audit (docs/celbeveiliging.md)."""
    if pattern is None:
        return None
    per = record.group_counts(pattern)
    rows = [{"Uitvoer": name, **{REDEN_TEKST[k]: per[name].get(k, 0) for k in REDEN_TEKST}} for name in sorted(per)]
    lost = int((ver["toelichting"].astype(str).str.contains("celbeveiliging")).sum()) if len(ver) else 0
    return {"n": pattern.threshold, "hidden": dutch.getal(len(pattern.reasons)), "known": dutch.getal(len(pattern.known)),
            "lost": dutch.getal(lost),
            "record": f"{F.TABLES}/{F.CELBEVEILIGING}",
            "table": _table(pd.DataFrame(rows), ("Uitvoer",), index=False) if rows else None}


def build(out: Path, results: RunResults) -> None:
    """Write index.html into the run folder `out` from what its notebooks wrote."""
    RunFolder(out).index.write_text(page(out, results), encoding="utf-8")


def page(out: Path, results: RunResults) -> str:
    r = results
    peildatum, p = r.params["peildatum"], r.parameters
    folder = RunFolder(out)
    nav = [("samenvatting", "Samenvatting"), ("beperkingen", "Beperkingen")]
    nav += [(n, labels.short_title(n)) for n in registry.LETTER_OUTPUTS]
    nav += [("monitor", "Monitor"), ("statistiek", "Statistiek")]
    nav += [("celbeveiliging", "Celbeveiliging")] if r.pattern is not None else []
    nav += [("verificatie", "Verificatie"), ("claims", "Claims"), ("begrippen", "Begrippen"), ("herkomst", "Herkomst")]
    return _ENV.get_template("report.html.j2").render(
        css=Markup(CSS),
        peildatum=dutch.datum(peildatum), vorige_peildatum=dutch.datum(r.params["vorige_peildatum"]),
        synthetic=r.kind.synthetic, banner=r.kind.banner(safe_text.shorten),
        warnings=[safe_text.shorten(w, 400) for w in r.prov.get("waarschuwingen", [])],
        nav=nav, limitations=limitation_items(r.kind, p.celbeveiliging),
        tables=[_table_section(folder, name, r) for name in registry.LETTER_OUTPUTS],
        monitor={"min_at_risk": dutch.getal(p.min_at_risk),
                 "outputs": [_monitor_output(folder, name, r.tables) for name in registry.MONITOR_OUTPUTS]},
        statistics={"sentences": interpretation.sentences(r.statistics, p, p.marge),
                    "composition": _composition(r.statistics)},
        celbeveiliging=_celbeveiliging(r.pattern, r.verification),
        audit=_audit(r.verification), claims=_claims(r.claims),
        glossary=[(a, t, x) for a, t, x, _w in glossary.TERMS],
        provenance=_provenance(r.prov), workbook=F.WORKBOOK)


def _table_section(folder: RunFolder, name: str, r: RunResults) -> dict:
    df = r.tables.get(name)
    peildatum = r.params["peildatum"]
    section = {"id": name, "title": letter_tables.title(name, peildatum), "definition": _definition(name),
               "csv": f"{F.TABLES}/{name}.csv", "table": None, "notes": [], "figure": None, "sentence": ""}
    if df is None:
        return section
    png = folder.figure(name, "png")
    figure = (_figure(png, letter_tables.figure_alt(name, peildatum), registry.spec(name).titel, name)
              if png.is_file() else None)
    section |= {"table": _table(letter_tables.layout(name, df, r.secret)), "notes": _letter_notes(r.verification, name),
                "figure": figure,
                "sentence": texts.sentences(name, df, peildatum, r.secret)}
    return section


def _monitor_output(folder: RunFolder, name: str, tables: dict[str, pd.DataFrame]) -> dict:
    """A monitor output as the monitor notebook left it: its definition, a link to its CSV, its
    figure with the description and the sentence the notebook wrote beside it (figures/<name>.json)."""
    spec = registry.spec(name)
    o = {"id": name, "title": spec.titel, "definition": _definition(name), "computed": name in tables,
         "csv": f"{F.TABLES}/{name}.csv", "figure": None, "sentence": ""}
    png, about = folder.figure(name, "png"), folder.figure(name, "json")
    if o["computed"] and png.is_file() and about.is_file():
        text = json.loads(about.read_text(encoding="utf-8"))
        o |= {"figure": _figure(png, text["alt"], text["titel"], name), "sentence": text["zin"]}
    return o


def _composition(st: pd.DataFrame) -> dict | None:
    comp = interpretation.composition_table(st)
    return _table(comp) if len(comp) else None


def _audit(ver: pd.DataFrame) -> dict:
    problems = summaries.verification_table(ver, only_problems=True) if len(ver) else pd.DataFrame()
    return {"summary": verification_file.summary(ver), "count": len(ver),
            "reasons": list((verification_file.not_comparable_reasons(ver) if len(ver) else {}).items()),
            "problems": _table(problems, VERIFICATION_TEXT, index=False) if len(problems) else None,
            "full": _table(summaries.verification_table(ver), VERIFICATION_TEXT, index=False) if len(ver) else None}


CLAIM_GROUPS = {
    claims_file.BRON_EXTRACT: (
        "Getoetst aan dit extract", "Uit dit extract",
        "Opnieuw berekend uit het extract van deze run, op de data waarover de brief spreekt. Een "
        "uitspraak over een datum na de horizon van het extract is niet vergeleken."),
    claims_file.BRON_BRIEF: (
        "Getoetst aan de eigen cijfers van de brief", "Uit de cijfers van de brief",
        "Deze uitspraken zet de brief tegen haar eigen tabellen: de waarde is berekend uit de gedrukte "
        "cijfers van de brief, niet uit dit extract. Het oordeel is daarom bij elk extract en op elke "
        "peildatum hetzelfde, en bevestigt niets over de gegevens."),
}


def _claims(cl: pd.DataFrame) -> dict:
    """The claims in two tables, by what their value was computed from: a sentence checked
    against the letter's own figures never stands among those the extract confirms, and
    its value is headed as taken from the letter."""
    groups = []
    for bron, (title, value, about) in CLAIM_GROUPS.items():
        part = cl[cl["bron"] == bron]
        if part.empty:
            continue
        table = summaries.claims_table(part, full=True).drop(columns="Berekend uit").rename(columns={"Berekend": value})
        groups.append({"title": title, "count": len(part), "about": about,
                       "table": _table(table, ("Id", "§", "Peildatum", "Uitspraak", "Brief", value, "Status",
                                               "Lezing en berekening"), index=False)})
    return {"summary": claims_file.summary(cl), "count": len(cl), "groups": groups}


def limitation_items(kind: Description, celbeveiliging: int) -> list[tuple[str, str]]:
    """What this report shows and what it cannot show, in the words of a reader: (title, text)."""
    items = list(kind.limitations(safe_text.shorten))
    items.append(("Uitspraken uit de brief.", "Elke uitspraak is op één manier gelezen; de lezing staat erbij. "
                  "Een andere lezing kan tot een ander oordeel leiden."))
    items.append(("Celbeveiliging.",
                  (f"Aantallen onder {celbeveiliging} zijn afgeschermd, met zoveel extra cellen dat ze niet uit de "
                   "gepubliceerde cijfers van deze run terug te rekenen zijn, ook niet als verschil. "
                   if celbeveiliging else "In deze run staat celbeveiliging uit: kleine aantallen zijn zichtbaar. ")
                  + "Niet afgedekt: koppelingen met tabellen die elders zijn gepubliceerd, en verschillen tussen "
                  "runs met andere instellingen."))
    items.append(("Doorlooptijden.", "De tabellen tellen standen op peildata. Hoe lang het duurt tot een PIP en "
                  "hoe de Wi2013-plicht per cohort eindigde, staat in de monitor: een aandeel na een aantal dagen "
                  "of jaren staat er alleen zolang nog genoeg personen van de groep gevolgd worden, met zijn "
                  "95%-interval en het aantal dat nog gevolgd werd, en wie de plicht op een andere manier verliet "
                  "telt als concurrerende uitkomst mee."))
    return items


def limitations(kind: Description, celbeveiliging: int) -> str:
    """The limitations section as HTML (its block of the template)."""
    return _render_block("beperkingen", limitations=limitation_items(kind, celbeveiliging))


def _definition(name: str) -> dict:
    """The definition box of a registered output, from its declaration."""
    d = letter_tables.definition(name)
    return _definition_data(f"Definitie ({d['brief']})", d["populatie"], d["cellen"], d["contract"], d["code"],
                            d["notebook"], d.get("deel_van", ""))


def _definition_data(title: str, population: str, cells: str, contract_section: str, code_ref: str,
                     notebook: str, part_of: str = "") -> dict:
    rows = (("Populatie", population), ("Cellen", cells), ("Deel van", part_of), ("Contract", contract_section),
            ("Code", code_ref), ("Notebook", notebook))
    return {"title": title, "rows": [(k, v) for k, v in rows if v]}


def definition_box(title: str, population: str, cells: str, contract_section: str, code_ref: str,
                   notebook: str) -> str:
    """A table's definition in words (who is counted, what a cell holds, where it is defined
    and computed); all arguments are plain text, escaped by the template."""
    macros = _ENV.get_template("macros.html.j2").module
    return str(macros.definition(_definition_data(title, population, cells, contract_section, code_ref, notebook)))


def _letter_notes(ver: pd.DataFrame, name: str) -> list[tuple[str, str, str]]:
    """Under a table: where this run and the letter part ways, and why (status, cell, reason)."""
    if ver.empty:
        return []
    rows = ver[(ver["tabel"] == name) & ver["status"].isin(["afwijking", "inconsistent_in_brief"])]
    return [(summaries.STATUS_LABEL[r.status], f"{labels.cell_label(name, r.rij, 'rij')}, {labels.cell_label(name, r.kolom, 'kolom')}",
             dutch.leesbaar(verification_file.reasons(r.toelichting))) for r in rows.itertuples()]


def _value_text(v) -> str:
    """A parameter value in words: dates in Dutch, lists joined, yes/no."""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, (list, tuple)):
        return ", ".join(_value_text(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return dutch.getal(v)
    if isinstance(v, float):
        return dutch.getal(v, 2)
    return dutch.label(v) if isinstance(v, str) else str(v)


def _mapping_text(d: dict) -> str:
    return "; ".join(f"{dutch.label(k)}: {_value_text(v)}" for k, v in d.items())


def _moment(iso: str) -> str:
    """'2024-06-24T09:07:15+00:00' -> '24 juni 2024, 09:07 (UTC)'."""
    import datetime as dt
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = " (UTC)" if t.utcoffset() == dt.timedelta(0) else ""
    return f"{dutch.datum(t.date())}, {t:%H:%M}{zone}"


def _notebook_label(filename: str) -> str:
    """'02_tabel1_leerbaarheidstoets.ipynb' -> 'Notebook 02: Tabel 1 leerbaarheidstoets'."""
    stem = filename.removesuffix(".ipynb")
    number, _, rest = stem.partition("_")
    first, _, tail = rest.partition("_")
    if rest in registry.SPECS:  # a table's name: its title's first words (the registry's)
        words = labels.short_title(rest)
    elif first in registry.SPECS:
        words = f"{labels.short_title(first)}, {tail.replace('_', ' ')}"
    else:
        words = rest.replace("_", " ")
    words = re.sub(r"\b(pip|elip)\b", lambda m: m.group(0).upper(), words)
    return f"Notebook {number}: {words[:1].upper()}{words[1:]}"


def _provenance(prov: dict) -> dict:
    """The provenance table's rows, the executed notebooks and the machine-readable files."""
    ex = prov["extract"]
    code = prov["code"]
    generator = ex.get("generator")
    kind = Description.of_herkomst(prov["extract"])
    rows = [
        ("Gegevens", kind.label),
        ("Bron", safe_text.shorten(ex["bron"])),
        ("Extract", ex["map"]),
        ("Checksum extract (SHA-256)", ex["checksum_sha256"]),
        ("Generator", ("" if kind.kind == SUITE else "niet die van deze suite: ")
         + safe_text.shorten(_mapping_text(generator) if isinstance(generator, dict) else generator)
         if generator else "-"),
        ("Parameters", _mapping_text(prov["parameters"])),
        ("Code", f"{prov['suite']}, commit {code['commit']}" + (" (met niet-vastgelegde wijzigingen)" if code.get("gewijzigd") else "")),
        ("Pakketten", ", ".join(f"{k} {v}" for k, v in prov["pakketten"].items())),
        ("Python", prov["python"]),
        ("Gemaakt op", _moment(prov["gestart"])),
    ] + sorted(ex["bestanden"].items())
    notebooks = [(f"{F.NOTEBOOKS}/{n}.html", _notebook_label(n), f"{F.NOTEBOOKS}/{n}") for n in sorted(_notebook_names())]
    files = [(f"{F.TABLES}/", "map met tabellen (CSV)"), (F.VERIFICATIE, "verificatie (CSV)"),
             (F.CLAIMS, "claims (CSV)"), (F.STATISTIEK, "statistiek (CSV)"), (F.HERKOMST, "herkomst (JSON)")]
    return {"rows": rows, "notebooks": notebooks, "files": files}


def _notebook_names() -> list[str]:
    return plan.targets()
