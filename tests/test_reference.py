"""The transcription of the letter, checked against the letter's own text.

Every reference figure must be printed, as recorded (`zoals_gedrukt`), on the line of the
letter it points to, and its value must be what that printed text says. Every claim's
quote must stand in the letter. The repository's copy of the letter must be the one in
../shared/seed when that is present.
"""
from __future__ import annotations

import hashlib
import re
import tomllib

import pytest

from analysis.core import contract as C
from analysis.core import paths
from analysis.audit import reference
from analysis.definitions import registry
from analysis.audit.claims import load_claims

LETTER = reference.letter_path().read_text(encoding="utf-8")
LINES = LETTER.splitlines()
FIG = reference.load_figures()


def parse_printed(text: str) -> float:
    """'12.345' -> 12345, '(56,8 %)' -> 56.8, '87%' -> 87."""
    t = text.strip("() %").replace(" ", "")
    t = t.replace(".", "").replace(",", ".") if "%" not in text and "." in t else t.replace(",", ".")
    return float(t)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_repository_copy_is_the_seed_letter():
    seed = paths.project_root().parent / "shared" / "seed" / reference.LETTER_FILE.name
    if not seed.is_file():
        pytest.skip(f"{seed} is not on this machine (CI clones only the repository)")
    assert hashlib.sha256(seed.read_bytes()).digest() == hashlib.sha256(reference.letter_path().read_bytes()).digest()


@pytest.mark.parametrize("row", [r for _, r in FIG.iterrows()],
                         ids=[f"{r.output}-{r.rij}-{r.kolom}-{r.eenheid}-{r.peildatum}" for _, r in FIG.iterrows()])
def test_figure_is_printed_where_the_reference_says(row):
    line = LINES[row["regel"] - 1]
    assert row["zoals_gedrukt"] in line, f"{row['zoals_gedrukt']!r} not on line {row['regel']}: {line!r}"
    if row["precisie"] == "afgeleid":
        # the sum the note gives must use printed numbers and give the value
        numbers = [parse_printed(n) for n in dict.fromkeys(re.findall(r"\d{1,3}(?:\.\d{3})+", row["toelichting"]))]
        assert len(numbers) == 2 and sum(numbers) == row["waarde"]
        for n in re.findall(r"\d{1,3}(?:\.\d{3})+", row["toelichting"]):
            assert n in LETTER
    else:
        assert parse_printed(row["zoals_gedrukt"]) == pytest.approx(row["waarde"])


def test_reference_covers_every_output_and_uses_contract_keys():
    assert set(FIG["output"]) == set(registry.PRINTED_OUTPUTS)
    assert set(FIG["eenheid"]) <= {C.EENHEID_AANTAL, *C.PROCENT_EENHEDEN}
    t5 = FIG[FIG["output"] == "tabel5"]
    assert set(t5["kolom"]) == set(C.TABEL5_KOLOMMEN)
    assert len(t5) == 12 * 7  # 12 cohorts, 3 counts + 3 percentages + total
    t6 = FIG[(FIG["output"] == "tabel6") & (FIG["kolom"] != "totaal")]
    assert set(t6["kolom"]) == set(C.TABEL6_KOLOMMEN[:-1])
    assert set(t6["rij"]) == {d.isoformat() for d in C.DEFAULT_ELIP_PEILDATA}


def test_every_claim_quotes_the_letter():
    flat = norm(LETTER)
    claims = load_claims()
    assert len(claims) >= 20
    for c in claims:
        assert norm(c["citaat"]) in flat, c["id"]
        first_words = " ".join(c["citaat"].split()[:3])
        window = norm(" ".join(LINES[c["regel"] - 3: c["regel"] + 3]))
        assert first_words in window, (c["id"], c["regel"])
        assert c["sectie"] in {"2.1.4", "2.2.2", "4.1", "4.2"}
        assert c.get("berekening") or c.get("reden"), c["id"]
        assert c.get("lezing"), c["id"]


def test_claims_file_is_valid_toml_with_unique_ids():
    with open(paths.reference_dir() / "claims.toml", "rb") as fh:
        data = tomllib.load(fh)
    ids = [c["id"] for c in data["claim"]]
    assert len(ids) == len(set(ids))
