"""Words that follow the provenance (issue 17 item 4): every output describes the extract from
its extract.json, as one of three kinds, and says only what is true of that kind.

(a) the suite's own synthetic extract (the generator block `analysis synth` writes): built
    back from the letter, so agreement with the letter proves little;
(b) another synthetic extract: synthetic, made elsewhere, nothing known of what it imitates;
(c) real data: the extract its `bron` describes.

These tests render the notebooks' banner, the figures' source line, the run overview, the
report's limitations and herkomst.json for each kind; the report page, workbook and command
line of whole runs are checked in test_end_to_end.py with the same helpers.
"""
from __future__ import annotations

import json
import re

import pytest

from analysis.extract import derived, horizon
from analysis.running import provenance
from analysis.core import extract_kind as K
from analysis.core.params import Parameters
from analysis.presentation import report, safe_text, summaries
from analysis.running.runner import RunConfig
from analysis.interface.session import Session
from analysis.extract.validation import validate_extract
from builders import OTHER_BRON, REAL_BRON, Extract
# What the suite said before it read the kind from extract.json: each assumes that the suite
# made the extract from the letter.
OLD_WORDS = ("nabootsen", "door de suite zelf", "door de suite gegenereerd", "generator van de suite",
             "aantallen volgen de uitvoeringsbrief", "zelf genereert")


def sentences(kind: str) -> set[str]:
    """Every fixed sentence (or clause up to a semicolon) of a kind's words."""
    w = K.WORDS[kind]
    texts = [w["label"], w["bronregel"], w["kop"], w["banner"], *(x for pair in w["beperkingen"] for x in pair)]
    return {s.strip() for t in texts for s in re.split(r"(?<=[.;])\s+", t) if s.strip() and "{bron}" not in s}


def only(kind: str) -> set[str]:
    """The sentences that are said of this kind alone."""
    return sentences(kind) - set().union(*(sentences(k) for k in K.KINDS if k != kind))


def assert_words_of(kind: str, text: str, required: set[str] = frozenset()) -> None:
    """`text` says what is true of `kind`: the required sentences, none said only of another
    kind, and (unless the suite made it) none of the old words that assumed it did."""
    for other in K.KINDS:
        if other != kind:
            for s in only(other):
                assert s not in text, (kind, other, s)
    for w in OLD_WORDS if kind != K.SUITE else ():
        assert w not in text, (kind, w)
    for s in required:
        assert s in text, (kind, s)


def banner_sentences(kind: str) -> set[str]:
    w = K.WORDS[kind]
    return {s.strip() for t in (w["kop"], w["banner"]) for s in re.split(r"(?<=[.;])\s+", t)
            if s.strip() and "{bron}" not in s}


def test_every_kind_has_words_of_its_own():
    for kind in K.KINDS:
        assert only(kind), kind  # else the tests below could not tell the kinds apart
    assert any("bewijst daarom weinig" in s for s in only(K.SUITE))


@pytest.fixture
def extracts(tmp_path, synthetic):
    """One extract of each kind: the shipped synthetic one (through the derived cache), a
    synthetic one without our generator block, a real one."""
    return {K.SUITE: synthetic,
            K.ELDERS: validate_extract(Extract().write(tmp_path / "b", synthetisch=True, bron=OTHER_BRON)),
            K.ECHT: validate_extract(Extract().write(tmp_path / "c", synthetisch=False, bron=REAL_BRON))}


def test_the_kind_follows_extract_json(tmp_path, synthetic):
    ours = synthetic.meta.generator
    assert K.is_suite_generator(ours) and K.Description.of_meta(synthetic.meta).kind == K.SUITE
    cases = {"de_onze": (True, ours, K.SUITE),
             "zonder_generator": (True, None, K.ELDERS),
             "andere_generator": (True, {"naam": "synthpop", "versie": "1.8"}, K.ELDERS),
             "generator_als_tekst": (True, "synthpop 1.8", K.ELDERS),
             "onze_zonder_seed": (True, {k: v for k, v in ours.items() if k != "seed"}, K.ELDERS),
             "echt": (False, None, K.ECHT),
             "echt_met_onze_generator": (False, ours, K.ECHT)}  # the contract's flag decides
    for name, (synthetisch, generator, kind) in cases.items():
        meta = None if generator is None else {"generator": generator}
        folder = Extract().write(tmp_path / name, synthetisch=synthetisch, extra_meta=meta)
        assert K.Description.of_meta(validate_extract(folder).meta).kind == kind, name
        assert K.Description.of_meta(derived.load(derived.derive(folder, tmp_path / "d")).meta).kind == kind, name


def test_a_derived_cache_without_the_generator_block_is_made_again(tmp_path, synthetic):
    folder = Extract().write(tmp_path / "x", extra_meta={"generator": synthetic.meta.generator})
    cache = derived.derive(folder, tmp_path / "d")
    info = json.loads((cache / derived.HERKOMST).read_text())
    del info["generator"]  # as a cache made before the block was recorded
    (cache / derived.HERKOMST).write_text(json.dumps(info))
    again = derived.derive(folder, tmp_path / "d")
    assert K.Description.of_meta(derived.load(again).meta).kind == K.SUITE


@pytest.mark.parametrize("kind", K.KINDS)
def test_notebook_banner_source_line_and_overview_follow_the_kind(kind, extracts):
    s = Session(extract=extracts[kind], params=Parameters(), out=None)
    banner, line, overview = s.banner().data, s.source_line(), summaries.overview(s).data
    text = "\n".join((banner, line, overview))
    assert_words_of(kind, text, banner_sentences(kind))
    assert line.startswith(f"Bron: {K.WORDS[kind]['bronregel']},")
    if kind != K.SUITE:  # their own source, as data: no markup from extract.json
        bron = OTHER_BRON if kind == K.ELDERS else REAL_BRON
        assert safe_text.for_markdown(bron.rstrip(".")) in banner and "<X>" not in text and "<mei>" not in text
    if kind == K.ECHT:
        assert "ynthetis" not in text.replace("niet synthetisch", ""), text


@pytest.mark.parametrize("kind", K.KINDS)
def test_report_limitations_follow_the_kind(kind, extracts):
    page = report.limitations(K.Description.of_meta(extracts[kind].meta), 0)
    texts = [x for pair in K.WORDS[kind]["beperkingen"] for x in pair]
    required = {s.strip() for t in texts for s in re.split(r"(?<=[.;])\s+", t) if s.strip() and "{bron}" not in s}
    assert_words_of(kind, page, required)
    if kind != K.SUITE:
        assert "&lt;" in page and "<X>" not in page and "<mei>" not in page


@pytest.mark.parametrize("kind", K.KINDS)
def test_herkomst_records_the_kind(kind, synthetic, tmp_path):
    import datetime as dt

    meta = {"generator": synthetic.meta.generator} if kind == K.SUITE else None
    bron = {K.SUITE: synthetic.meta.bron, K.ELDERS: OTHER_BRON, K.ECHT: REAL_BRON}[kind]
    folder = Extract().write(tmp_path / "e", synthetisch=kind != K.ECHT, bron=bron, extra_meta=meta)
    cache = derived.derive(folder, tmp_path / "d")
    cfg = RunConfig(extract=folder, out=tmp_path / "uit", params=Parameters())
    cfg.horizon = horizon.of(derived.load(cache))
    block = provenance.collect(derived.herkomst(cache), cfg, dt.datetime.now(dt.timezone.utc), folder)["extract"]
    assert block["soort"] == kind and block["beschrijving"] == K.WORDS[kind]["label"]
    assert block["generator"] == (meta or {}).get("generator")
    assert_words_of(kind, json.dumps(block, ensure_ascii=False).replace(json.dumps(bron, ensure_ascii=False), ""))
