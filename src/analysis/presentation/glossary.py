"""The statistical words of the report, explained in plain Dutch, and the links to them.

A reader of the report is a policy officer, not a statistician: every term the statistics
section uses gets a short explanation with an anchor, and the first time a paragraph uses
a term it links there.
"""
from __future__ import annotations

import html
import re

# (anchor, term, explanation, words in the text that link to it)
TERMS = (
    ("begrip-p-waarde", "p-waarde",
     "De kans op een verschil minstens zo groot als het gevonden verschil, als er in werkelijkheid geen "
     "verschil is. Een kleine p-waarde (kleiner dan 0,05) heet 'significant'. Een p-waarde zegt niets "
     "over hoe groot of hoe belangrijk een verschil is.",
     ("p-waarden", "p-waarde")),
    ("begrip-significant", "significant",
     "Een verschil heet significant als de p-waarde kleiner is dan 0,05: het is dan niet goed te verklaren "
     "als toeval. 'Niet significant' betekent niet dat de groepen gelijk zijn; daarvoor is een "
     "equivalentietoets nodig.",
     ("niet significant", "significant")),
    ("begrip-interval", "betrouwbaarheidsinterval (95%-interval)",
     "De marge rond een uitkomst: de waarden die bij de gegevens passen. Bij een 95%-interval ligt de "
     "werkelijke waarde in 95 van de 100 gevallen binnen de marge.",
     ("95%-interval", "betrouwbaarheidsinterval")),
    ("begrip-procentpunt", "procentpunt",
     "Het verschil tussen twee percentages. Van 30% naar 45% is 15 procentpunt meer, maar 50 procent meer.",
     ("procentpunt",)),
    ("begrip-chi-kwadraat", "chi-kwadraattoets",
     "Toetst of een verdeling (bijvoorbeeld over leerroutes) verschilt tussen groepen. 'df' (vrijheidsgraden) "
     "hangt af van het aantal rijen en kolommen van de tabel.",
     ("chi-kwadraat", "chi²")),
    ("begrip-fisher", "exacte toets van Fisher",
     "Een toets met dezelfde vraag als de chi-kwadraattoets voor twee groepen en twee uitkomsten, exact "
     "berekend in plaats van benaderd; betrouwbaar ook bij kleine aantallen.",
     ("Fisher",)),
    ("begrip-holm", "Holm-correctie",
     "Wie meer toetsen tegelijk doet, vindt vaker toevallig een verschil. De methode van Holm verhoogt de "
     "p-waarden zo dat de kans op één of meer toevalstreffers samen hooguit 5% blijft.",
     ("Holm-correctie", "Holm")),
    ("begrip-equivalentie", "equivalentie en equivalentiemarge",
     "Gelijkwaardigheid aantonen is iets anders dan geen verschil vinden. Vooraf wordt een marge gekozen "
     "(hier ±5 procentpunt); de groepen heten gelijkwaardig als het hele 95%-interval van het verschil "
     "binnen die marge ligt.",
     ("Gelijkwaardigheid", "gelijkwaardig", "equivalentie")),
    ("begrip-tost", "TOST",
     "'Two one-sided tests': de gebruikelijke equivalentietoets. Twee toetsen, één per kant van de marge; "
     "zijn beide significant, dan ligt het verschil aantoonbaar binnen de marge. Bij kleine aantallen "
     "(een verwacht aantal onder 5) wordt elke kant exact berekend in plaats van met de normale benadering.",
     ("TOST",)),
    ("begrip-power", "onderscheidend vermogen (power)",
     "De kans dat een toets een verschil van een bepaalde grootte ook echt vindt. Bij een klein "
     "onderscheidend vermogen zegt 'geen verschil gevonden' weinig.",
     ("onderscheidingsvermogen", "onderscheidend vermogen", "power")),
    ("begrip-mde", "MDE (kleinste aantoonbare verschil)",
     "Het kleinste verschil dat met deze aantallen met 80% kans gevonden wordt (minimal detectable effect). "
     "Kleinere verschillen kunnen bestaan zonder dat de toets ze ziet.",
     ("MDE",)),
    ("begrip-kappa", "kappa (Cohen)",
     "Maat voor overeenstemming tussen twee indelingen (hier: uitslag van de leerbaarheidstoets en gekozen "
     "leerroute), gecorrigeerd voor de overeenstemming die je door toeval al zou krijgen. 0 is niet beter "
     "dan toeval, 1 is volledige overeenstemming.",
     ("kappa",)),
    ("begrip-mcnemar", "toets van McNemar",
     "Toetst bij gekoppelde indelingen of afwijkingen de ene kant op even vaak voorkomen als de andere kant op "
     "(hier: vaker naar een zwaardere route dan naar een lichtere). De p-waarde is de mid-p-waarde van de "
     "exacte binomiale toets, die ook bij weinig afwijkingen klopt.",
     ("McNemar",)),
    ("begrip-cramer", "Cramér's V",
     "Maat voor de sterkte van een samenhang in een kruistabel, tussen 0 (geen samenhang) en 1 (volledige "
     "samenhang). Vult de p-waarde aan: bij grote aantallen is ook een zwakke samenhang significant.",
     ("Cramér's V",)),
    ("begrip-residu", "gecorrigeerd residu",
     "Per cel van een kruistabel: hoeveel het aantal afwijkt van wat je zonder samenhang zou verwachten, "
     "in standaardeenheden. Waarden boven 2 of onder -2 wijzen de cellen aan die het verschil maken.",
     ("gecorrigeerde residuen", "gecorrigeerd residu")),
    ("begrip-cochran-armitage", "trendtoets van Cochran-Armitage",
     "Toetst of een aandeel geleidelijk oploopt (of afloopt) over geordende groepen, hier de cohortjaren.",
     ("Cochran-Armitage", "Cochran–Armitage")),
    ("begrip-grootste-rest", "grootste-restmethode",
     "Afronding van percentages die samen 100 moeten zijn: eerst alles naar beneden, daarna krijgen de "
     "percentages met de grootste rest er één bij tot de som 100 is. De brief rondt zo af.",
     ("grootste-restmethode", "grootste rest")),
    ("begrip-celbeveiliging", "celbeveiliging",
     "Kleine aantallen worden afgeschermd (x), en zo nodig ook andere cellen, zodat een afgeschermd aantal "
     "niet uit totalen terug te rekenen is.",
     ("celbeveiliging",)),
)

_TAG = re.compile(r"(<[^>]+>)")


def _pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(html.escape(w, quote=True)) for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


_PATTERNS = [(anchor, _pattern(words)) for anchor, _term, _text, words in TERMS]


def linked(text: str, seen: set[str] | None = None, bold: bool = False) -> str:
    """Plain text as escaped HTML with the first use of each term linked to its explanation
    (the report's filter `begrippen`); `seen`: the terms already linked in the same paragraph
    or table (shared between its cells); `bold`: **x** becomes <strong>x</strong> first."""
    escaped = html.escape(str(text), quote=True)
    if bold:
        pieces = escaped.split("**")
        escaped = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces))
    return _link(escaped, set() if seen is None else seen)


def _link(fragment: str, done: set[str]) -> str:
    """Escaped HTML with the first use of each term linked; text inside links, headings and
    header cells is left alone."""
    pieces = _TAG.split(fragment)
    depth = 0  # inside <a>, a heading, a summary or a header cell
    for i, piece in enumerate(pieces):
        if i % 2:
            name = re.match(r"</?([a-zA-Z0-9]+)", piece)
            if name and name.group(1).lower() in _NO_LINK:
                depth += -1 if piece.startswith("</") else 1
                depth = max(depth, 0)
            continue
        if not depth:
            pieces[i] = _link_text(piece, done)
    return "".join(pieces)


_NO_LINK = {"a", "h1", "h2", "h3", "h4", "summary", "dt", "code"}


def _link_text(text: str, done: set[str]) -> str:
    found = []
    for anchor, pattern in _PATTERNS:
        if anchor in done:
            continue
        m = pattern.search(text)
        if m:
            found.append((m.start(), m.end(), anchor))
    out, pos = [], 0
    for start, end, anchor in sorted(found):
        if start < pos:
            continue  # overlaps a term already linked
        done.add(anchor)
        out.append(text[pos:start] + f"<a class='begrip' href='#{anchor}'>{text[start:end]}</a>")
        pos = end
    return "".join(out) + text[pos:]
