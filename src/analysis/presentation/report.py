"""The publication's page: index.html (self-contained), and the notebooks as HTML.

Built by the runner from what the notebooks wrote (tables/, figures/, statistiek.csv,
verificatie.csv, claims.csv); it computes nothing new. The page is one file with the
figures embedded, so it can be mailed to a colleague and opened without a network.
"""
from __future__ import annotations

import base64
import html
import json
import re
import threading
from pathlib import Path

import pandas as pd

from .. import claims as claims_mod
from .. import plan, registry
from ..publication import protect as publication
from .. import verification as verification_mod
from ..statistics import interpretation
from .. import dutch
from ..extract_kind import SUITE, Description
from .. import run_files as F
from ..run_files import RunFolder
from . import glossary, letter_tables, safe_text, summaries, texts
from .run_folder import RunResults

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
.status-AFWIJKING,.status-AFWIJKEND{color:#b00020;font-weight:700}.status-inconsistent,.status-TEGENSTRIJDIG{color:#a05a00;font-weight:700}
nav a{margin-right:.8rem}code{font-size:.85rem}details{margin:.5rem 0}
.klein{font-size:.85rem;color:#444}
td.tekst,th{overflow-wrap:break-word}code{overflow-wrap:anywhere}
a.begrip{color:inherit;text-decoration:underline dotted}
dl.begrippen dt{font-weight:700;margin-top:.6rem}dl.begrippen dd{margin-left:1.2rem}
.beperkingen li{margin:.35rem 0}
.definitie{border:1px solid #0072B2;border-left:6px solid #0072B2;background:#f7fbfe;padding:.5rem .8rem;margin:.6rem 0;font-size:.9rem}
.definitie h3{margin:.1rem 0 .4rem}.definitie dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
.definitie dt{font-weight:600}.definitie dd{margin:0}
.alleen-print{display:none}
@page{size:A4;margin:14mm 12mm 16mm 12mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.3}
nav,details,.geen-print{display:none}
.alleen-print{display:block}
h2{margin-top:1.2rem;break-after:avoid}h3{break-after:avoid}
table{width:100%;font-size:7.5pt;table-layout:auto}
thead{display:table-header-group}tr,figure,.definitie{break-inside:avoid}
th,td{padding:.1rem .25rem;overflow-wrap:break-word;hyphens:auto}td:not(.tekst){white-space:nowrap}
figure img{max-width:100%;max-height:120mm;border:none}
code{white-space:pre-wrap;font-size:7.5pt}
a{color:inherit;text-decoration:none}
.synthetisch,.echt,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _table_html(df: pd.DataFrame, text_cols: tuple[str, ...] = (), index: bool = True) -> str:
    """A frame as an HTML table (MultiIndex headers as two rows); every header cell says
    whether it heads a column, a group of columns or a row, for a screen reader."""
    cols = df.columns
    corner = (f"<th scope='col'>{_e(df.index.name)}</th>" if df.index.name else "<td></td>") if index else ""
    head = []
    if isinstance(cols, pd.MultiIndex):
        top = "".join(f"<th scope='colgroup' colspan='{len(list(g))}'>{_e(k)}</th>"
                      for k, g in _groups(cols.get_level_values(0)))
        head.append(f"<tr>{corner}{top}</tr>")
        head.append(("<tr><td></td>" if index else "<tr>")
                    + "".join(f"<th scope='col'>{_e(c)}</th>" if c else "<td></td>" for c in cols.get_level_values(1))
                    + "</tr>")
    else:
        head.append(f"<tr>{corner}" + "".join(f"<th scope='col'>{_e(c)}</th>" for c in cols) + "</tr>")
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
        lead = f"<th scope='row'>{_e(idx)}</th>" if index else ""
        body.append(f"<tr>{lead}{''.join(cells)}</tr>")
    return f"<table><thead>{''.join(head)}</thead><tbody>{''.join(body)}</tbody></table>"


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


VERIFICATION_TEXT = ("Tabel", "Rij", "Kolom", "Peildatum", "Status", "Toelichting")


REDEN_TEKST = {"primair": "primair (kleiner dan de drempel)",
               "secundair": "aanvullend (om een ander aantal te beschermen)",
               "afgeleid": "afgeleid (percentage of schatting op een afgeschermd aantal)",
               "blok": "weggelaten (statistiek met een afgeschermd aantal)"}


def celbeveiliging_section(pattern, ver: pd.DataFrame) -> str:
    """The rule, how many values were hidden for each reason in each output, and what the
    protection cost the audit (docs/celbeveiliging.md)."""
    n = pattern.threshold
    per = publication.group_counts(pattern)
    rows = [{"Uitvoer": name, **{REDEN_TEKST[k]: per[name].get(k, 0) for k in REDEN_TEKST}}
            for name in sorted(per)]
    lost = int((ver["toelichting"].astype(str).str.contains("celbeveiliging")).sum()) if len(ver) else 0
    text = (f"<h2 id='celbeveiliging'>Celbeveiliging</h2><p>Elk aantal groter dan 0 en kleiner dan {n} is "
            "afgeschermd (x). Daarnaast zijn zo weinig mogelijk andere cijfers afgeschermd, zo gekozen dat "
            "niemand die alle gepubliceerde cijfers van deze run kent (alle tabellen, de maandreeks, de "
            "uitkomsten per cohort, de statistiek en de toets van de brief) en weet dat aantallen niet "
            f"negatief zijn, kan aantonen dat een klein aantal kleiner dan {n} is; ook niet als verschil van "
            "twee cijfers, zoals de instroom van een maand. Percentages en schattingen op een afgeschermd "
            f"aantal zijn weggelaten. In totaal {len(pattern.reasons)} van de {len(pattern.known)} cijfers "
            f"afgeschermd; {lost} cijfers van de brief zijn daardoor niet te vergelijken. Waarom elk cijfer "
            f"is afgeschermd staat in {F.TABLES}/{F.CELBEVEILIGING}; de methode in docs/celbeveiliging.md.</p>")
    return text + (_table_html(pd.DataFrame(rows), ("Uitvoer",), index=False) if rows else "")


def build(out: Path, results: RunResults) -> None:
    """Write index.html into the run folder `out` from what its notebooks wrote."""
    r = results
    params, peildatum, p_obj = r.params, r.params["peildatum"], r.parameters
    tables, ver, cl, st, prov, kind = r.tables, r.verification, r.claims, r.statistics, r.prov, r.kind
    pattern, secret = r.pattern, r.secret

    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Inburgering: tabellen uitvoeringsbrief, peildatum {_e(dutch.datum(peildatum))}</title>"
             f"<style>{CSS}</style></head><body>"]
    parts.append(f"<header><h1>Tabellen van de uitvoeringsbrief inburgering, opnieuw berekend</h1>"
                 f"<p>Peildatum {_e(dutch.datum(peildatum))} · vergelijkingspeildatum "
                 f"{_e(dutch.datum(params['vorige_peildatum']))} · brief van 24 juni 2024</p>")
    words = kind.banner(safe_text.for_html, text=_e)
    if kind.synthetic:
        parts.append(f"<p class='synthetisch' id='synthetisch'>{words} "
                     "<a href='#beperkingen'>Wat dit rapport wel en niet laat zien</a>.</p>")
    else:
        parts.append(f"<p class='echt'>{words}</p>")
    for w in prov.get("waarschuwingen", []):
        parts.append(f"<p class='synthetisch' role='alert'>Let op: {safe_text.for_html(w, 400)}</p>")
    nav = ["<a href='#beperkingen'>Beperkingen</a>", "<a href='#verificatie'>Verificatie</a>",
           "<a href='#claims'>Claims</a>"]
    nav += [f"<a href='#{n}'>{_e(letter_tables.short_title(n))}</a>" for n in registry.LETTER_OUTPUTS]
    nav += ["<a href='#monitor'>Monitor</a>", "<a href='#statistiek'>Statistiek</a>", "<a href='#begrippen'>Begrippen</a>",
            "<a href='#herkomst'>Herkomst</a>"]
    parts.append("</header><nav aria-label='Inhoud'>" + " ".join(nav) + "</nav><main>")
    parts.append(limitations(kind, int(params.get("celbeveiliging", 0))))

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
        parts.append(_plain_table(problems, VERIFICATION_TEXT))
    if len(ver):
        # A closed <details> does not print: on paper the full list is printed instead.
        full = _plain_table(summaries.verification_table(ver), VERIFICATION_TEXT)
        parts.append(f"<details><summary>Alle gecontroleerde cijfers ({len(ver)})</summary>{full}</details>")
        parts.append(f"<div class='alleen-print'><h3>Alle gecontroleerde cijfers ({len(ver)})</h3>{full}</div>")

    # claims
    parts.append("<h2 id='claims'>Uitspraken in de tekst (claims)</h2>")
    parts.append(f"<p><strong>{_e(claims_mod.summary(cl))}</strong> Elke uitspraak is gelezen zoals een "
                 "lezer haar leest (welke basis, procent of procentpunt, wat 'bijna' toelaat); afwijkende "
                 "uitspraken staan bovenaan, met de rekensom.</p>")
    parts.append(claims_section(cl))

    # tables
    for name in registry.LETTER_OUTPUTS:
        df = tables.get(name)
        parts.append(f"<h2 id='{name}'>{_e(letter_tables.title(name, peildatum))}</h2>")
        parts.append(registry_definition_box(name))
        parts.append(f"<p class='klein'>Alle cijfers in volle precisie: <a href='{F.TABLES}/{name}.csv'>CSV-bestand</a>.</p>")
        if df is None:
            parts.append("<p>Niet berekend.</p>")
            continue
        parts.append(_table_html(letter_tables.layout(name, df, secret)))
        parts.append(_letter_notes(ver, name))
        png = RunFolder(out).figure(name, "png")
        if png.is_file():
            parts.append(f"<figure>{_img(png, _alt(name, peildatum))}<figcaption>"
                         f"{_e(registry.spec(name).titel)}. Ook als <a href='{F.FIGURES}/{name}.svg'>SVG-bestand</a>."
                         "</figcaption></figure>")
        sentence = texts.sentences(name, df, peildatum)
        if sentence:  # a table the texts do not know yet has its layout and definition, no sentence
            parts.append(f"<p>{_e(sentence)}</p>")

    parts.append(monitor_section(out, tables, p_obj.min_at_risk))

    # statistics
    parts.append("<h2 id='statistiek'>Statistiek</h2>")
    parts.append(glossary.link(
        "<p class='klein'>Volledige tellingen, geen steekproef: betrouwbaarheidsintervallen en p-waarden gaan "
        "over het proces achter de aantallen. Bij zulke aantallen is vrijwel elk verschil significant; "
        "let op de grootte. Methoden en referentiewaarden: docs/statistiek.md. Wat de woorden betekenen: "
        "<a href='#begrippen'>Begrippen</a>.</p>"))
    for s in interpretation.sentences(st, p_obj, p_obj.marge):
        parts.append(glossary.link("<p>" + _md_bold(s) + "</p>"))
    comp = interpretation.composition_table(st)
    if len(comp):
        parts.append(glossary.link(_table_html(comp)))

    if pattern is not None:
        parts.append(celbeveiliging_section(pattern, ver))
    parts.append(glossary.section())
    parts.append(_provenance(prov, params))
    parts.append("</main></body></html>")
    RunFolder(out).index.write_text("\n".join(parts), encoding="utf-8")


CLAIM_GROUPS = {
    claims_mod.BRON_EXTRACT: (
        "Getoetst aan dit extract", "Uit dit extract",
        "Opnieuw berekend uit het extract van deze run, op de data waarover de brief spreekt. Een "
        "uitspraak over een datum na de horizon van het extract is niet vergeleken."),
    claims_mod.BRON_BRIEF: (
        "Getoetst aan de eigen cijfers van de brief", "Uit de cijfers van de brief",
        "Deze uitspraken zet de brief tegen haar eigen tabellen: de waarde is berekend uit de gedrukte "
        "cijfers van de brief, niet uit dit extract. Het oordeel is daarom bij elk extract en op elke "
        "peildatum hetzelfde, en bevestigt niets over de gegevens."),
}


def claims_section(cl: pd.DataFrame) -> str:
    """The claims in two tables, by what their value was computed from: a sentence checked
    against the letter's own figures never stands among those the extract confirms, and
    its value is headed as taken from the letter."""
    parts = []
    for bron, (title, value, about) in CLAIM_GROUPS.items():
        part = cl[cl["bron"] == bron]
        if part.empty:
            continue
        table = summaries.claims_table(part, full=True).drop(columns="Berekend uit").rename(columns={"Berekend": value})
        parts.append(f"<h3>{_e(title)} ({len(part)})</h3><p class='klein'>{_e(about)}</p>")
        parts.append(glossary.link(_plain_table(table, ("Id", "§", "Peildatum", "Uitspraak", "Brief", value, "Status",
                                                        "Lezing en berekening"))))
    return "\n".join(parts)


def monitor_section(out: Path, tables: dict[str, pd.DataFrame], min_at_risk: int) -> str:
    """The monitor outputs (contract section 7) as the monitor notebook left them: per output
    its definition, a link to its CSV, its figure with the description and the sentence the
    notebook wrote beside it (figures/<name>.json)."""
    parts = ["<h2 id='monitor'>Monitor: de ontwikkeling in de tijd</h2>",
             "<p>Naast de tabellen van de brief, die standen op een peildatum tellen, volgt de monitor "
             "de cijfers in de tijd: de kerncijfers op de eerste dag van elke maand, per cohort hoe de "
             "Wi2013-plicht na een tot vijf jaar was geëindigd, en hoe lang het onder de Wi2021 duurt tot "
             "een PIP. Een aandeel na een aantal jaar of dagen staat er alleen als van die groep op die dag nog "
             f"ten minste {dutch.getal(min_at_risk)} personen gevolgd werden; ernaast staan het 95%-interval en "
             "hoeveel er nog gevolgd werden.</p>"]
    for name in registry.MONITOR_OUTPUTS:
        spec = registry.spec(name)
        parts.append(f"<h3 id='{name}'>{_e(spec.titel)}</h3>")
        parts.append(registry_definition_box(name))
        if name not in tables:
            parts.append("<p>Niet berekend.</p>")
            continue
        parts.append(f"<p class='klein'>Alle cijfers in volle precisie: <a href='{F.TABLES}/{name}.csv'>CSV-bestand</a>; "
                     f"ook in de <a href='{F.WORKBOOK}'>Excel-werkmap</a>.</p>")
        png, about = RunFolder(out).figure(name, "png"), RunFolder(out).figure(name, "json")
        if png.is_file() and about.is_file():
            text = json.loads(about.read_text(encoding="utf-8"))
            parts.append(f"<figure>{_img(png, text['alt'])}<figcaption>{_e(text['titel'])}. Ook als "
                         f"<a href='{F.FIGURES}/{name}.svg'>SVG-bestand</a>.</figcaption></figure>")
            parts.append(f"<p>{_e(text['zin'])}</p>")
    return "\n".join(parts)


def _alt(name: str, peildatum: str) -> str:
    """What the figure shows, for a reader who cannot see it."""
    return f"Grafiek bij {letter_tables.title(name, peildatum)}; de cijfers staan in de tabel erboven."


def limitations(kind: Description, celbeveiliging: int) -> str:
    """What this report shows and what it cannot show, in the words of a reader."""
    items = [f"<li><strong>{title}</strong> {text}</li>" for title, text in kind.limitations(safe_text.for_html, _e)]
    items.append("<li><strong>Uitspraken uit de brief.</strong> Elke uitspraak is op één manier gelezen; de "
                 "lezing staat erbij. Een andere lezing kan tot een ander oordeel leiden.</li>")
    items.append("<li><strong>Celbeveiliging.</strong> "
                 + (f"Aantallen onder {celbeveiliging} zijn afgeschermd, met zoveel extra cellen dat ze niet "
                    "uit de totalen van deze tabellen terug te rekenen zijn. " if celbeveiliging else
                    "In deze run staat celbeveiliging uit: kleine aantallen zijn zichtbaar. ")
                 + "Niet afgedekt: hoe nauw een afgeschermd aantal toch te begrenzen is, en koppelingen met "
                 "tabellen die elders zijn gepubliceerd.</li>")
    items.append("<li><strong>Doorlooptijden.</strong> De tabellen tellen standen op peildata. Hoe lang het "
                 "duurt tot een PIP en hoe de Wi2013-plicht per cohort eindigde, staat in de "
                 "<a href='#monitor'>monitor</a>: een aandeel na een aantal dagen of jaren staat er alleen zolang "
                 "nog genoeg personen van de groep gevolgd worden, met zijn 95%-interval en het aantal dat nog "
                 "gevolgd werd, en wie de plicht op een andere manier verliet telt als concurrerende uitkomst "
                 "mee.</li>")
    return ("<h2 id='beperkingen'>Beperkingen: wat dit rapport wel en niet laat zien</h2>"
            f"<ul class='beperkingen'>{''.join(items)}</ul>")


def registry_definition_box(name: str) -> str:
    """The definition box of a registered output, from its declaration."""
    d = letter_tables.definition(name)
    return definition_box(f"Definitie ({d['brief']})", d["populatie"], d["cellen"], d["contract"],
                          d["code"], d["notebook"])


def definition_box(title: str, population: str, cells: str, contract_section: str, code_ref: str,
                   notebook: str) -> str:
    """A table's definition in words (who is counted, what a cell holds, where it is defined
    and computed); all arguments are plain text and escaped here."""
    rows = (("Populatie", population), ("Cellen", cells), ("Contract", contract_section),
            ("Code", code_ref), ("Notebook", notebook))
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows if v)
    return f"<aside class='definitie'><h3>{_e(title)}</h3><dl>{body}</dl></aside>"


def _letter_notes(ver: pd.DataFrame, name: str) -> str:
    """Under a table: where this run and the letter part ways, and why."""
    if ver.empty:
        return ""
    rows = ver[(ver["tabel"] == name) & ver["status"].isin(["afwijking", "inconsistent_in_brief"])]
    if rows.empty:
        return ""
    items = "".join(f"<li><strong>{_e(summaries.STATUS_LABEL[r.status])}</strong> "
                    f"({_e(dutch.label(r.rij))}, {_e(dutch.label(r.kolom))}): "
                    f"{_e(dutch.leesbaar(verification_mod.reasons(r.toelichting)))}</li>" for r in rows.itertuples())
    return f"<ul class='klein'>{items}</ul>"


def _md_bold(text: str) -> str:
    """**x** -> <strong>x</strong>, everything else escaped."""
    pieces = _e(text).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces))


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
        words = letter_tables.short_title(rest)
    elif first in registry.SPECS:
        words = f"{letter_tables.short_title(first)}, {tail.replace('_', ' ')}"
    else:
        words = rest.replace("_", " ")
    words = re.sub(r"\b(pip|elip)\b", lambda m: m.group(0).upper(), words)
    return f"Notebook {number}: {words[:1].upper()}{words[1:]}"


def _provenance(prov: dict, params: dict) -> str:
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
    ]
    body = "".join(f"<tr><th scope='row'>{_e(k)}</th><td class='tekst'><code>{_e(v)}</code></td></tr>" for k, v in rows)
    files = sorted(ex["bestanden"].items())
    body += "".join(f"<tr><th scope='row'>{_e(name)}</th><td class='tekst'><code>{_e(h)}</code></td></tr>"
                    for name, h in files)
    nb = "".join(f"<li><a href='notebooks/{n}.html'>{_e(_notebook_label(n))}</a> "
                 f"(<a href='{F.NOTEBOOKS}/{n}'>als notebook</a>)</li>" for n in sorted(_notebook_names()))
    return (f"<h2 id='herkomst'>Herkomst</h2><table><caption class='klein'>Extract, parameters en code van "
            f"deze run; onderaan de SHA-256 van elk bestand van het extract</caption><tbody>{body}</tbody></table>"
            f"<p>Uitgevoerde notebooks:</p><ul>{nb}</ul>"
            f"<p>Tabellen voor beleidsgebruik: <a href='{F.WORKBOOK}'>Excel-werkmap</a>. Machineleesbaar: "
            f"<a href='{F.TABLES}/'>map met tabellen (CSV)</a>, <a href='{F.VERIFICATIE}'>verificatie (CSV)</a>, "
            f"<a href='{F.CLAIMS}'>claims (CSV)</a>, <a href='{F.STATISTIEK}'>statistiek (CSV)</a>, "
            f"<a href='{F.HERKOMST}'>herkomst (JSON)</a>.</p>")


def _notebook_names() -> list[str]:
    return plan.targets()


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
