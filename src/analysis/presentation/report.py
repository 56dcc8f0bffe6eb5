"""The publication: index.html (self-contained), tabellen.xlsx, and the notebooks as HTML.

Built by the runner from what the notebooks wrote (tables/, figures/, statistiek.csv,
verificatie.csv, claims.csv); it computes nothing new. The page is one file with the
figures embedded, so it can be mailed to a colleague and opened without a network.
"""
from __future__ import annotations

import base64
import html
import json
import threading
from pathlib import Path

import pandas as pd

from .. import claims as claims_mod
from .. import outputs, plan, registry, suppression
from ..text import shorten
from .. import verification as verification_mod
from ..statistics import analyses as stats_mod
from ..statistics import interpretation
from .. import dutch
from . import excel, letter_tables, summaries, texts

CSS = """
body{font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;margin:0 auto;padding:1.5rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}
h3{font-size:1.05rem}
.synthetisch{background:#fff3cd;border:2px solid #E69F00;padding:.8rem 1rem;font-weight:600;margin:1rem 0}
.echt{background:#e8f4fb;border:1px solid #0072B2;padding:.6rem 1rem;margin:1rem 0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #c8c8c8;padding:.25rem .5rem;vertical-align:top}
th{background:#f0f4f8;text-align:left}td{text-align:right}td.tekst{text-align:left}
figure{margin:1rem 0}figure img{max-width:min(100%,820px);border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
.status-AFWIJKING,.status-AFWIJKEND{color:#b00020;font-weight:700}.status-inconsistent{color:#a05a00;font-weight:700}
nav a{margin-right:.8rem}code{font-size:.85rem}details{margin:.5rem 0}
.klein{font-size:.85rem;color:#444}
.definitie{border-left:4px solid #0072B2;background:#f7fafc;padding:.3rem .8rem;margin:.6rem 0}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _table_html(df: pd.DataFrame, text_cols: tuple[str, ...] = (), index: bool = True) -> str:
    """A frame as an HTML table (MultiIndex headers as two rows)."""
    cols = df.columns
    corner = f"<th>{_e(df.index.name or '')}</th>" if index else ""
    head = []
    if isinstance(cols, pd.MultiIndex):
        top = "".join(f"<th colspan='{len(list(g))}'>{_e(k)}</th>" for k, g in _groups(cols.get_level_values(0)))
        head.append(f"<tr>{corner}{top}</tr>")
        head.append(("<tr><th></th>" if index else "<tr>") + "".join(f"<th>{_e(c)}</th>" for c in cols.get_level_values(1)) + "</tr>")
    else:
        head.append(f"<tr>{corner}" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>")
    body = []
    for idx, row in df.iterrows():
        cells = []
        for c, v in zip(cols, row):
            name = c if not isinstance(c, tuple) else c[0]
            cls = " class='tekst'" if name in text_cols else ""
            text = _e(v)
            if name == "Status":
                cls = f" class='tekst status-{_e(str(v).split()[0])}'"
            cells.append(f"<td{cls}>{text}</td>")
        lead = f"<th>{_e(idx)}</th>" if index else ""
        body.append(f"<tr>{lead}{''.join(cells)}</tr>")
    return f"<table>{''.join(head)}{''.join(body)}</table>"


def _groups(values):
    out, last, n = [], None, 0
    for v in values:
        if v == last:
            n += 1
        else:
            if last is not None:
                out.append((last, range(n)))
            last, n = v, 1
    if last is not None:
        out.append((last, range(n)))
    return out


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{_e(alt)}'>"


def _plain_table(df: pd.DataFrame, text_cols=()) -> str:
    return _table_html(df, text_cols, index=False)


def build(out: Path, prov: dict) -> None:
    """Write index.html, tabellen.xlsx and notebooks/*.html into the run folder `out`."""
    params = json.loads((out / "parameters.json").read_text(encoding="utf-8"))
    peildatum = params["peildatum"]
    tables = outputs.read_tables(out / "tables")
    secret = suppression.read_records(out / "tables")
    ver = verification_mod.read(out / "verificatie.csv")
    cl = claims_mod.read(out / "claims.csv")
    st = stats_mod.read(out / "statistiek.csv")
    synthetic = prov["extract"]["synthetisch"]
    from ..params import parse_parameters
    p_obj = parse_parameters(peildatum, params["vorige_peildatum"], params["elip_peildata"], params["elip_drempel"],
                             celbeveiliging=params["celbeveiliging"], marge=params["marge"], seed=params["seed"])

    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Inburgering: tabellen uitvoeringsbrief, peildatum {_e(dutch.datum(peildatum))}</title>"
             f"<style>{CSS}</style></head><body>"]
    parts.append(f"<h1>Tabellen van de uitvoeringsbrief inburgering, opnieuw berekend</h1>"
                 f"<p>Peildatum {_e(dutch.datum(peildatum))} · vergelijkingspeildatum "
                 f"{_e(dutch.datum(params['vorige_peildatum']))} · brief van 24 juni 2024</p>")
    if synthetic:
        parts.append("<p class='synthetisch' id='synthetisch'>SYNTHETISCHE GEGEVENS. Dit rapport is "
                     "gemaakt op een extract dat de suite zelf genereert. De aantallen zijn zo gekozen dat "
                     "ze de cijfers van de brief nabootsen; alles daarbuiten (data, examens, leningen, "
                     "analfabetisme) komt uit aannames. Niets in dit rapport zegt iets over echte personen.</p>")
    else:
        parts.append(f"<p class='echt'>Extract: {_e(shorten(prov['extract']['bron']))}</p>")
    for w in prov.get("waarschuwingen", []):
        parts.append(f"<p class='synthetisch' role='alert'>Let op: {_e(w)}</p>")
    nav = ["<a href='#verificatie'>Verificatie</a>", "<a href='#claims'>Claims</a>"]
    nav += [f"<a href='#{n}'>{_e(letter_tables.short_title(n))}</a>" for n in registry.OUTPUTS]
    nav += ["<a href='#statistiek'>Statistiek</a>", "<a href='#herkomst'>Herkomst</a>"]
    parts.append("<nav>" + " ".join(nav) + "</nav>")

    # verification
    parts.append("<h2 id='verificatie'>Verificatie tegen de brief</h2>")
    parts.append(f"<p><strong>{_e(verification_mod.summary(ver))}</strong> Elk cijfer is opnieuw "
                 "berekend op de datum waarover de brief het heeft, uit het extract van deze run, welke "
                 "peildatum de run ook heeft.</p>")
    reasons = verification_mod.not_comparable_reasons(ver) if len(ver) else {}
    if reasons:
        parts.append("<p>Niet vergeleken, en waarom:</p><ul>" + "".join(
            f"<li>{n} cijfer{'s' if n != 1 else ''}: {_e(why)}</li>" for why, n in reasons.items()) + "</ul>")
    problems = summaries.verification_table(ver, only_problems=True)
    if len(problems):
        parts.append("<p>Afwijkingen en plaatsen waar de brief zichzelf tegenspreekt:</p>")
        parts.append(_plain_table(problems, ("Tabel", "Rij", "Kolom", "Peildatum", "Status", "Toelichting")))
    if len(ver):
        parts.append("<details><summary>Alle gecontroleerde cijfers</summary>"
                     + _plain_table(summaries.verification_table(ver),
                                    ("Tabel", "Rij", "Kolom", "Peildatum", "Status", "Toelichting"))
                     + "</details>")

    # claims
    parts.append("<h2 id='claims'>Uitspraken in de tekst (claims)</h2>")
    parts.append(f"<p><strong>{_e(claims_mod.summary(cl))}</strong> Elke uitspraak is gelezen zoals een "
                 "lezer haar leest (welke basis, procent of procentpunt, wat 'bijna' toelaat) en opnieuw "
                 "berekend uit het extract van deze run, op de data waarover de brief spreekt; afwijkende uitspraken staan bovenaan, met de "
                 "rekensom.</p>")
    parts.append(_plain_table(summaries.claims_table(cl, full=True),
                              ("Id", "§", "Uitspraak", "Brief", "Deze run", "Status", "Lezing en berekening")))

    # tables
    for name in registry.OUTPUTS:
        df = tables.get(name)
        parts.append(f"<h2 id='{name}'>{_e(letter_tables.title(name, peildatum))}</h2>")
        parts.append(_definition_box(name))
        if df is None:
            parts.append("<p>Niet berekend.</p>")
            continue
        parts.append(_table_html(letter_tables.layout(name, df, secret)))
        parts.append(_letter_notes(ver, name))
        png = out / "figures" / f"{name}.png"
        if png.is_file():
            parts.append(f"<figure>{_img(png, registry.spec(name).titel)}<figcaption>"
                         f"{_e(registry.spec(name).titel)}. SVG: <a href='figures/{name}.svg'>figures/{name}.svg"
                         "</a></figcaption></figure>")
        parts.append(f"<p>{_e(texts.sentences(name, df, peildatum))}</p>")

    # statistics
    parts.append("<h2 id='statistiek'>Statistiek</h2>")
    parts.append("<p class='klein'>Volledige tellingen, geen steekproef: intervallen en p-waarden gaan over "
                 "het proces achter de aantallen. Bij zulke aantallen is vrijwel elk verschil significant; "
                 "let op de grootte. Methoden en referentiewaarden: docs/statistiek.md.</p>")
    for s in interpretation.sentences(st, p_obj, p_obj.marge):
        parts.append("<p>" + _md_bold(s) + "</p>")
    comp = interpretation.composition_table(st)
    if len(comp):
        parts.append(_table_html(comp))

    # suppression
    if p_obj.celbeveiliging:
        n = p_obj.celbeveiliging
        parts.append("<h2 id='celbeveiliging'>Celbeveiliging</h2>")
        parts.append(f"<p>Aantallen kleiner dan {n} (en groter dan 0) zijn afgeschermd (x). Daarnaast zijn "
                     "zoveel cellen extra afgeschermd dat geen afgeschermd aantal uit de gepubliceerde totalen "
                     "(ook tussen tabellen) terug te rekenen is, en zijn percentages van afgeschermde cellen of "
                     f"van een afgeschermde basis weggelaten. {len(secret)} cellen afgeschermd. Niet "
                     "afgedekt: hoe nauw een afgeschermde waarde met niet-negativiteit te begrenzen is, en "
                     "koppelingen met elders gepubliceerde tabellen.</p>")

    parts.append(_provenance(prov, params))
    parts.append("</body></html>")
    (out / "index.html").write_text("\n".join(parts), encoding="utf-8")
    excel.write_workbook(out / "tabellen.xlsx", tables, secret, ver, cl, st, prov, params)


def _letter_notes(ver: pd.DataFrame, name: str) -> str:
    """Under a table: where this run and the letter part ways, and why."""
    if ver.empty:
        return ""
    rows = ver[(ver["tabel"] == name) & ver["status"].isin(["afwijking", "inconsistent_in_brief"])]
    if rows.empty:
        return ""
    items = "".join(f"<li><strong>{_e(summaries.STATUS_LABEL[r.status])}</strong> ({_e(r.rij)}, {_e(r.kolom)}): "
                    f"{_e(r.toelichting.split(';')[0])}</li>" for r in rows.itertuples())
    return f"<ul class='klein'>{items}</ul>"


def _md_bold(text: str) -> str:
    """**x** -> <strong>x</strong>, everything else escaped."""
    pieces = _e(text).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces))


def _provenance(prov: dict, params: dict) -> str:
    ex = prov["extract"]
    code = prov["code"]
    rows = [
        ("Gegevens", "SYNTHETISCH (door de suite gegenereerd)" if ex["synthetisch"] else "echt extract"),
        ("Bron", ex["bron"]),
        ("Extract", ex["map"]),
        ("Checksum extract (SHA-256)", ex["checksum_sha256"]),
        ("Generator", json.dumps(ex.get("generator"), ensure_ascii=False) if ex.get("generator") else "-"),
        ("Parameters", json.dumps(prov["parameters"], ensure_ascii=False)),
        ("Code", f"{prov['suite']}, commit {code['commit']}" + (" (met niet-vastgelegde wijzigingen)" if code.get("gewijzigd") else "")),
        ("Pakketten", ", ".join(f"{k} {v}" for k, v in prov["pakketten"].items())),
        ("Python", prov["python"]),
        ("Gemaakt op", prov["gestart"]),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td class='tekst'><code>{_e(v)}</code></td></tr>" for k, v in rows)
    files = sorted(ex["bestanden"].items())
    body += "".join(f"<tr><th>{_e(name)}</th><td class='tekst'><code>{_e(h)}</code></td></tr>" for name, h in files)
    nb = "".join(f"<li><a href='notebooks/{n}.html'>{_e(n)}</a> (<a href='notebooks/{n}'>ipynb</a>)</li>"
                 for n in sorted(x for x in _notebook_names()))
    return (f"<h2 id='herkomst'>Herkomst</h2><table>{body}</table>"
            f"<p>Uitgevoerde notebooks:</p><ul>{nb}</ul>"
            f"<p>Tabellen voor beleidsgebruik: <a href='tabellen.xlsx'>tabellen.xlsx</a>. Machineleesbaar: "
            f"<a href='tables/'>tables/</a>, <a href='verificatie.csv'>verificatie.csv</a>, "
            f"<a href='claims.csv'>claims.csv</a>, <a href='statistiek.csv'>statistiek.csv</a>, "
            f"<a href='herkomst.json'>herkomst.json</a>.</p>")


def _notebook_names() -> list[str]:
    return plan.targets()


def _definition_box(name: str) -> str:
    """Who is counted, what the cells are, and where the definition lives (the registry)."""
    d = letter_tables.definition(name)
    csv = f"tables/{name}.csv"
    return (f"<div class='definitie'><p><strong>Definitie</strong> ({_e(d['brief'])}). "
            f"<em>Populatie:</em> {_e(d['populatie'])} <em>Cellen:</em> {_e(d['cellen'])}</p>"
            f"<p class='klein'>Vastgelegd in {_e(d['contract'])}; code: {_e(d['code'])}; notebook: "
            f"{_e(d['notebook'])}; cijfers: <a href='{csv}'>{csv}</a>.</p></div>")


_EXPORT_LOCK = threading.Lock()
_EXPORTER = []


def notebook_html(path: Path) -> Path:
    """An executed notebook also as HTML (outputs embedded), beside it.

    One exporter per process, used under a lock: building it (loading the templates) costs
    more than exporting a notebook, and the runner exports each notebook from the thread
    that ran it.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    with _EXPORT_LOCK:
        if not _EXPORTER:
            _EXPORTER.append(HTMLExporter(template_name="lab"))
        body, _ = _EXPORTER[0].from_notebook_node(nb)
    target = path.with_name(path.name + ".html")
    target.write_text(body, encoding="utf-8")
    return target
