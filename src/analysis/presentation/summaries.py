"""Verification, claims and the run overview as readers see them (notebooks and report)."""
from __future__ import annotations

import json
import math

import pandas as pd

from ..audit import claims_file
from ..audit import verification_file
from ..core import dutch
from ..core import run_files as F
from ..core.extract_kind import Description
from ..core.run_files import RunFolder
from . import labels, safe_text

STATUS_LABEL = {
    "gelijk": "gelijk",
    "afgerond_gelijk": "afgerond gelijk",
    "afwijking": "AFWIJKING",
    "inconsistent_in_brief": "inconsistent in de brief",
    "bevestigd": "bevestigd",
    "afwijkend": "AFWIJKEND",
    "niet_toetsbaar": "niet toetsbaar",
    "niet_vergelijkbaar": "niet vergelijkbaar",
}
# A claim checked against the letter's own figures (bron brief) is judged on the letter alone:
# its verdict reads as such, never as a confirmation by the extract.
LETTER_CLAIM_LABEL = {"bevestigd": "klopt binnen de brief", "afwijkend": "TEGENSTRIJDIG in de brief"}
CLAIM_SOURCE_LABEL = {claims_file.BRON_EXTRACT: "dit extract", claims_file.BRON_BRIEF: "de brief zelf"}
SEVERITY = {"afwijking": 0, "inconsistent_in_brief": 1, "niet_vergelijkbaar": 2, "afgerond_gelijk": 3, "gelijk": 4}


def _num(v, eenheid: str, decimals: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if eenheid == "aantal":
        return dutch.getal(v)
    return dutch.getal(v, decimals) + "%"


def verification_table(df: pd.DataFrame, only_problems: bool = False) -> pd.DataFrame:
    """Deviations and the letter's inconsistencies first."""
    if df.empty:
        return pd.DataFrame(columns=["Tabel", "Rij", "Kolom", "Peildatum", "Brief", "Deze run", "Status", "Toelichting"])
    d = df.copy()
    d["_s"] = d["status"].map(SEVERITY)
    d = d.sort_values("_s", kind="stable")
    if only_problems:
        d = d[d["status"].isin(["afwijking", "inconsistent_in_brief"])]
    out = pd.DataFrame({
        "Tabel": d["tabel"].map(labels.output_label),
        "Rij": [labels.cell_label(t, r, "rij") for t, r in zip(d["tabel"], d["rij"])],
        "Kolom": [labels.cell_label(t, k, "kolom") + ("" if e == "aantal" else f" ({dutch.label(e)})")
                  for t, k, e in zip(d["tabel"], d["kolom"], d["eenheid"])],
        "Peildatum": d["peildatum"].map(dutch.label),
        "Brief": [_num(v, e, 1) for v, e in zip(d["gepubliceerd"], d["eenheid"])],
        "Deze run": [_num(v, e, 2) for v, e in zip(d["gereproduceerd"], d["eenheid"])],
        "Status": d["status"].map(STATUS_LABEL), "Toelichting": d["toelichting"].map(dutch.leesbaar)})
    return out.reset_index(drop=True)


def claims_table(df: pd.DataFrame, full: bool = False) -> pd.DataFrame:
    """The claims for a reader: what the letter says, the value computed and what it was
    computed from (this extract, or the letter's own figures), the verdict in words."""
    d = claims_file.ordered(df)
    cols = {"id": "Id", "sectie": "§", "peildatum": "Peildatum", "citaat": "Uitspraak", "gepubliceerd": "Brief",
            "berekend": "Berekend", "bron": "Berekend uit", "status": "Status"}
    if full:
        cols["toelichting"] = "Lezing en berekening"
    out = d[list(cols)].rename(columns=cols)
    out["Status"] = [LETTER_CLAIM_LABEL.get(s, STATUS_LABEL[s]) if b == claims_file.BRON_BRIEF else STATUS_LABEL[s]
                     for s, b in zip(d["status"], d["bron"])]
    out["Berekend uit"] = out["Berekend uit"].map(CLAIM_SOURCE_LABEL)
    out["Peildatum"] = [dutch.datum(d) if d else "" for d in out["Peildatum"]]
    if full:
        out["Lezing en berekening"] = out["Lezing en berekening"].map(dutch.leesbaar)
    return out.reset_index(drop=True)


def overview(session):
    """The overview notebook's one cell: what ran on what, and what the checks found."""
    from IPython.display import Markdown

    out = session.out
    meta = session.extract.meta
    kind = Description.of_meta(meta)
    lines = ["> " + kind.banner(safe_text.for_markdown, kop=lambda k: f"**{k}**"), ""]
    lines.append(f"- Extract ({kind.label}): {safe_text.for_markdown(meta.bron)}")
    lines.append(f"- Checksum (SHA-256): `{meta.checksum}`")
    lines.append(f"- Peildatum {dutch.datum(session.params.peildatum)}, vergelijkingspeildatum "
                 f"{dutch.datum(session.params.q)}, ELIP-peildata "
                 + ", ".join(dutch.datum(d) for d in session.params.elip))
    if session.celbeveiliging:
        lines.append(f"- Celbeveiliging: aantallen onder {session.celbeveiliging} afgeschermd.")
    if out is None:
        lines.append("- Interactieve sessie: er is niets weggeschreven; de controles staan in een run.")
        return Markdown("\n".join(lines))
    folder = RunFolder(out)
    ver = folder.verificatie
    lines.append("- " + verification_file.summary_from_file(ver))
    cl = folder.claims
    if cl.is_file():
        lines.append("- " + claims_file.summary(claims_file.read(cl)))
    if folder.parameters.is_file():
        lines.append("- Parameters van de run: `" + json.dumps(folder.read_parameters(), ensure_ascii=False) + "`")
    lines.append(f"- Uitvoer van de run: {F.TABLES}/ (CSV per tabel), {F.FIGURES}/ (PNG en SVG), "
                 f"{F.VERIFICATIE}, {F.CLAIMS}, {F.STATISTIEK}, {F.INDEX}, {F.WORKBOOK}, {F.HERKOMST}")
    return Markdown("\n".join(lines))
