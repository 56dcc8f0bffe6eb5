"""What kind of extract a run is made on, and the sentences every output uses to say so.

Agreement with the letter means something different on each kind. On the suite's own
synthetic extract it is built in: the generator works back from the letter's printed
figures. On a synthetic extract made elsewhere nobody here knows what it was made to
resemble. On real data it is the finding. The report, the workbook, the notebooks' banner,
the figures' source line, herkomst.json and the run's overview all describe the extract
from here, so they cannot disagree, and a sentence that is true of one kind is never
printed for another.

The kind follows extract.json: `synthetisch` (the contract's flag decides synthetic or real)
and the `generator` block that `python -m analysis synth` writes (`generator_block`). A
generator block of another shape is someone else's generator. Text from extract.json
(`bron`) is data: every sentence takes the writer's own escape for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

SUITE = "synthetisch_suite"  # made by this suite's generator, from the letter's figures
ELDERS = "synthetisch_elders"  # synthetic, made by someone else
ECHT = "echt"  # real data, as extract.json says
KINDS = (SUITE, ELDERS, ECHT)

# The fields of the generator block, exactly as `python -m analysis synth` writes them.
GENERATOR_KEYS = ("versie", "seed", "geplant_verschil", "geplant_cohorten")

_TESTS = ("Dat de tabellen goed berekend zijn, volgt uit de tests met kleine, met de hand opgebouwde "
          "extracten waarvan de uitkomst met de hand is uitgerekend, en uit de controle van de "
          "statistiek tegen gepubliceerde referentiewaarden.")

# Per kind: a short label, the banner at the top of every output, and the limitations the
# report lists (title, text). `{bron}` stands for extract.json's `bron`, escaped by the writer.
WORDS = {
    SUITE: {
        "label": "synthetisch, gemaakt door de generator van deze suite",
        "bronregel": "synthetisch extract van deze suite",
        "kop": "SYNTHETISCHE GEGEVENS.",
        "banner": ("Dit extract is gemaakt door de generator van deze suite, die terugrekent vanuit de "
                   "gedrukte cijfers van de brief; alles wat de brief niet noemt (data, examens, leningen, "
                   "analfabetisme) komt uit aannames. Dat de cijfers van de brief terugkomen, bewijst "
                   "daarom weinig. Niets hierin zegt iets over echte personen."),
        "beperkingen": (
            ("Synthetische gegevens.",
             "Het extract is gemaakt door de generator van deze suite. De aantallen volgen de gedrukte "
             "cijfers van de brief; alles wat de brief niet noemt (data, examens, leningen, "
             "analfabetisme) komt uit aannames. De uitkomsten zeggen niets over echte personen, ook de "
             "statistiek niet."),
            ("Wat de vergelijking met de brief bewijst.",
             "De generator rekent terug vanuit de gedrukte cijfers. Dat deze run die cijfers terugvindt, "
             "laat dus zien dat de generator en de tabellen met elkaar kloppen, niet dat de tabellen goed "
             "berekend zijn. " + _TESTS),
        ),
    },
    ELDERS: {
        "label": "synthetisch, niet gemaakt door deze suite",
        "bronregel": "synthetisch extract, elders gemaakt",
        "kop": "SYNTHETISCHE GEGEVENS.",
        "banner": ("Volgens extract.json is dit extract synthetisch; deze suite heeft het niet gemaakt. "
                   "Bron volgens het extract: {bron}. Hoe het is gemaakt en waarop het is afgestemd, is "
                   "hier niet bekend. Niets hierin zegt iets over echte personen."),
        "beperkingen": (
            ("Synthetische gegevens, elders gemaakt.",
             "Volgens extract.json is het extract synthetisch; deze suite heeft het niet gemaakt (bron "
             "volgens het extract: {bron}). De uitkomsten zeggen niets over echte personen, ook de "
             "statistiek niet."),
            ("Wat de vergelijking met de brief laat zien.",
             "Of dit extract op de cijfers van de brief is afgestemd, is hier niet bekend. Een "
             "overeenkomst of een afwijking zegt daarom iets over dit extract, niet over de juistheid "
             "van de brief. " + _TESTS),
        ),
    },
    ECHT: {
        "label": "echte gegevens (volgens extract.json niet synthetisch)",
        "bronregel": "extract met echte gegevens",
        "kop": "",
        "banner": "Extract: {bron}. Volgens extract.json zijn dit echte gegevens, niet synthetisch.",
        "beperkingen": (
            ("Echte gegevens.",
             "Volgens extract.json is het extract niet synthetisch; bron volgens het extract: {bron}. De "
             "suite neemt dat over zoals het er staat."),
            ("Wat de vergelijking met de brief laat zien.",
             "Een afwijking kan liggen aan het extract (een andere datum van aanlevering), aan de "
             "definitie (zie het contract) of aan de brief zelf."),
        ),
    },
}


def generator_block(versie: str, seed: int, geplant_verschil: float, geplant_cohorten: list) -> dict:
    """The generator block the synthetic extract carries in extract.json (GENERATOR_KEYS):
    written here so that what the generator writes and what `classify` recognises are one."""
    return dict(zip(GENERATOR_KEYS, (versie, seed, geplant_verschil, geplant_cohorten)))


def is_suite_generator(block) -> bool:
    """A generator block as this suite's generator writes it; anything else is another's."""
    return isinstance(block, dict) and set(block) == set(GENERATOR_KEYS)


def classify(synthetisch: bool, generator) -> str:
    """The kind of an extract from its extract.json: the contract's flag decides between
    synthetic and real; among synthetic ones, the generator block says whose."""
    if not synthetisch:
        return ECHT
    return SUITE if is_suite_generator(generator) else ELDERS


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Description:
    """One extract in words. Each method takes `bron`, the escape for extract text in the
    writer's format, and `text`, the escape for the fixed sentences (HTML needs both)."""

    kind: str
    bron: str

    @classmethod
    def of(cls, synthetisch: bool, generator, bron: str) -> "Description":
        return cls(classify(synthetisch, generator), bron)

    @classmethod
    def of_meta(cls, meta) -> "Description":
        """From an extract's metadata (model.ExtractMeta: `synthetisch`, `generator`, `bron`)."""
        return cls.of(meta.synthetisch, meta.generator, meta.bron)

    @classmethod
    def of_herkomst(cls, extract: dict) -> "Description":
        """From the `extract` block of a run's herkomst.json (what the report and workbook read)."""
        return cls.of(extract["synthetisch"], extract.get("generator"), extract["bron"])

    @property
    def synthetic(self) -> bool:
        return self.kind != ECHT

    @property
    def label(self) -> str:
        return WORDS[self.kind]["label"]

    @property
    def bronregel(self) -> str:
        """The figures' source line: no extract text (a figure is no place for it)."""
        return WORDS[self.kind]["bronregel"]

    def _fill(self, template: str, bron: Callable[[str], str], text: Callable[[str], str]) -> str:
        # the sentence puts its own full stop after the source
        return text(template).replace("{bron}", bron(self.bron.rstrip().rstrip(".")))

    def banner(self, bron: Callable[[str], str], text: Callable[[str], str] = _same,
               kop: Callable[[str], str] = _same) -> str:
        """The notice at the top of the report, the notebooks, the workbook and the overview
        (`kop` marks up its opening words, where it has them)."""
        w = WORDS[self.kind]
        return " ".join(x for x in (kop(text(w["kop"])) if w["kop"] else "", self._fill(w["banner"], bron, text)) if x)

    def limitations(self, bron: Callable[[str], str],
                    text: Callable[[str], str] = _same) -> list[tuple[str, str]]:
        """(title, text) of what the comparison with the letter can show on this extract."""
        return [(text(t), self._fill(s, bron, text)) for t, s in WORDS[self.kind]["beperkingen"]]
