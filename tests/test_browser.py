"""The report in a real browser: headless Chromium renders index.html, every table and every
image shows, no script error occurs, and a screenshot is saved.

The page itself carries no script. To observe the browser, the test loads a copy of the
page with two small probes added: an error handler first in <head>, and at the end a
script that counts the rendered tables and images (an image whose naturalWidth is 0 did not
decode) and writes the result into the DOM, which Chromium dumps.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("e2e")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--allow-file-access-from-files"]
PROBE_HEAD = "<script>window.__errors=[];window.addEventListener('error',e=>window.__errors.push(String(e.message||e.type)),true);</script>"
PROBE_END = """<script>function monitor(){const h=document.getElementById('monitor');if(!h)return null;
const own=[];for(let e=h.nextElementSibling;e&&e.tagName!=='H2';e=e.nextElementSibling)own.push(...e.querySelectorAll('img'));
return {heading:h.textContent,images:own.length,decoded:own.filter(i=>i.complete&&i.naturalWidth>0).length};}
window.addEventListener('load',()=>{const imgs=[...document.images];
const r={tables:document.querySelectorAll('table').length,
 rows:[...document.querySelectorAll('table')].filter(t=>t.rows.length>1).length,
 images:imgs.length, broken:imgs.filter(i=>!(i.complete&&i.naturalWidth>0)).map(i=>i.alt),
 errors:window.__errors, synthetic:!!document.getElementById('synthetisch'), monitor:monitor()};
const p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify(r);document.body.appendChild(p);});</script>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture
def browser():
    path = chromium()
    if path is None:
        pytest.skip("Geen Chromium op deze machine (.ci/run installeert Debian's 'chromium'); "
                    "de browsertest is overgeslagen")
    return path


def test_report_renders_in_chromium(full_run, browser, tmp_path):
    page = (full_run / "index.html").read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("<head>", "<head>" + PROBE_HEAD, 1).replace("</body>", PROBE_END + "</body>"),
                     encoding="utf-8")
    profile = tmp_path / "profiel"
    dom = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"'))
    assert result["errors"] == []
    assert result["broken"] == []
    assert result["images"] == 11 and result["tables"] >= 11 and result["rows"] == result["tables"]
    assert result["monitor"] == {"heading": "Monitor: de ontwikkeling in de tijd", "images": 3, "decoded": 3}
    assert result["synthetic"] is True
    shot = tmp_path / "rapport.png"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--window-size=1280,6000",
                    f"--screenshot={shot}", (full_run / "index.html").as_uri()],
                   capture_output=True, text=True, timeout=180)
    assert shot.is_file() and shot.stat().st_size > 50_000


def dump_dom(browser: str, page, profile, budget_ms: int = 15000, width: int = 1280) -> str:
    res = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                          f"--window-size={width},1000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=300)
    return res.stdout + "\n<!--stderr " + res.stderr[-2000:].replace("--", "- -") + " -->"


def probe_result(dom: str, probe_id: str):
    found = re.search(rf'<pre id="{probe_id}">(.*?)</pre>', dom, re.S)
    assert found, dom[-3000:]
    return json.loads(html.unescape(found.group(1)))


# --- accessibility: axe-core (the copy shipped by the PyPI package axe-core-python) in Chromium

# A planted fragment that breaks two of the checked rules: it proves that axe's contrast and
# alt-text rules really run in this browser (a checker that checks nothing would pass the page).
PLANTED = ("<div id='proef'><p style='color:#b0b0b0;background:#ffffff'>te licht</p>"
           "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' width='10' height='10'></div>")
AXE_PROBE = """<script>window.addEventListener('load',()=>{
const tags={runOnly:{type:'tag',values:['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']},resultTypes:['violations']};
const brief=r=>r.violations.map(v=>({id:v.id,impact:v.impact,nodes:v.nodes.slice(0,5).map(n=>n.target.join(' '))}));
const tables=[...document.querySelectorAll('main table, body > table')];
const own={lang:document.documentElement.lang,
 tables:tables.length,
 tables_without_th:tables.filter(t=>!t.querySelector('th')).length,
 th_without_scope:[...document.querySelectorAll('th')].filter(th=>!['col','row','colgroup','rowgroup'].includes(th.getAttribute('scope'))).map(th=>th.textContent.slice(0,40)),
 imgs:[...document.querySelectorAll('img')].filter(i=>!i.closest('#proef')).map(i=>i.getAttribute('alt')||'')};
axe.run({exclude:[['#proef']]},tags).then(page=>axe.run('#proef',tags).then(planted=>{
const p=document.createElement('pre');p.id='axe';p.textContent=JSON.stringify({page:brief(page),planted:brief(planted),own});
document.body.appendChild(p);})).catch(e=>{const p=document.createElement('pre');p.id='axe';
p.textContent=JSON.stringify({error:String(e)});document.body.appendChild(p);});});</script>"""


def axe_source() -> str:
    import axe_core_python
    return (Path(axe_core_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def test_report_passes_axe_core_in_chromium(full_run, browser, tmp_path):
    """lang, header cells with scope, alt text, contrast 4.5:1, and the rest of WCAG 2.1 A/AA
    that axe can see: no serious or critical finding, and no finding at all of the four."""
    page = (full_run / "index.html").read_text(encoding="utf-8")
    script = "<script>" + axe_source().replace("</script", "<\\/script") + "</script>"
    probe = tmp_path / "axe.html"
    probe.write_text(page.replace("</head>", script + "</head>", 1)
                     .replace("</main>", PLANTED + "</main>", 1).replace("</body>", AXE_PROBE + "</body>"),
                     encoding="utf-8")
    result = probe_result(dump_dom(browser, probe, tmp_path / "profiel", budget_ms=60000), "axe")
    assert "error" not in result, result
    planted = {v["id"] for v in result["planted"]}
    assert {"color-contrast", "image-alt"} <= planted, result["planted"]  # the rules do run
    serious = [v for v in result["page"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    checked = {"html-has-lang", "html-lang-valid", "color-contrast", "image-alt", "th-has-data-cells",
               "td-headers-attr", "scope-attr-valid", "empty-table-header"}
    assert [v for v in result["page"] if v["id"] in checked] == []
    own = result["own"]
    assert own["lang"] == "nl"
    assert own["tables"] >= 11 and own["tables_without_th"] == 0
    assert own["th_without_scope"] == []
    assert len(own["imgs"]) == 11
    assert all(len(alt) >= 20 and not alt.endswith(".png") for alt in own["imgs"]), own["imgs"]


# --- print: the page laid out with its print rules at the printable width of A4

PRINT_PROBE = """<script>window.addEventListener('load',()=>{
const w=document.documentElement.clientWidth;
const vis=e=>e.getClientRects().length>0&&getComputedStyle(e).visibility!=='hidden';
const wide=[...document.querySelectorAll('main *')].filter(e=>vis(e)&&e.getBoundingClientRect().right>w+1)
  .map(e=>e.tagName+(e.id?'#'+e.id:'')+(e.className?'.'+e.className:'')).slice(0,10);
const printed=[...document.querySelectorAll('#bijlage-verificatie + table')].filter(vis);
const r={width:w, scroll:document.documentElement.scrollWidth, wide,
 nav:[...document.querySelectorAll('nav')].some(vis),
 details:[...document.querySelectorAll('details')].some(vis),
 printed_rows:printed.map(t=>t.rows.length)};
const p=document.createElement('pre');p.id='print';p.textContent=JSON.stringify(r);document.body.appendChild(p);});</script>"""


def test_report_prints_on_a4(full_run, browser, tmp_path):
    """With the print rules applied (as @media all) at A4's printable width: nothing sticks
    out at the right, the menu is gone, and the full verification list is there (the appendix,
    not folded away in a <details> that would print closed). Chromium's own PDF is A4."""
    page = (full_run / "index.html").read_text(encoding="utf-8")
    assert "@media print{" in page and "@page{size:A4" in page
    n_checked = len(pd.read_csv(full_run / "verificatie.csv"))
    probe = tmp_path / "print.html"
    probe.write_text(page.replace("@media print{", "@media all{").replace("</body>", PRINT_PROBE + "</body>"),
                     encoding="utf-8")
    # 210 mm minus the 2 x 12 mm margins of @page, at 96 pixels per inch
    result = probe_result(dump_dom(browser, probe, tmp_path / "profiel", width=round(186 / 25.4 * 96)), "print")
    assert result["wide"] == [] and result["scroll"] <= result["width"], result
    assert result["nav"] is False and result["details"] is False
    assert result["printed_rows"] == [n_checked + 1]
    pdf = tmp_path / "rapport.pdf"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profiel'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (full_run / "index.html").as_uri()],
                   capture_output=True, text=True, timeout=300)
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes()))
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes), boxes


# --- text from the extract is data: a hostile `bron` runs nowhere

HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"


def test_hostile_bron_runs_neither_in_report_nor_in_notebooks(browser, tmp_path, capsys):
    from analysis import cli
    from builders import Extract

    x = Extract()
    x.wi2021(doelgroep="asiel", datum_plicht="2022-06-01", datum_lbt="2022-07-01", uitslag_lbt="haalbaar",
             datum_pip="2022-08-01", leerroute="b1", datum_aanbod="2022-09-01")
    x.wi2013(doelgroep="asiel", datum_plicht="2017-03-01", analfabeet="ja")
    extract = x.write(tmp_path / "vijandig", synthetisch=False)
    meta = json.loads((extract / "extract.json").read_text(encoding="utf-8"))
    meta["bron"] = HOSTILE
    (extract / "extract.json").write_text(json.dumps(meta), encoding="utf-8")
    out = tmp_path / "uit"
    assert cli.main(["run", "--extract", str(extract), "--out", str(out), "--derived", str(tmp_path / "d")]) == 0, \
        capsys.readouterr().err
    pages = [out / "index.html", out / "notebooks" / "00_overzicht.ipynb.html",
             out / "notebooks" / "01_kerncijfers_wi2021.ipynb.html"]
    for i, page in enumerate(pages):
        dom = dump_dom(browser, page, tmp_path / f"profiel{i}", budget_ms=5000)
        assert "<html" in dom, page
        assert not re.search(r"<title>\s*pwned\s*</title>", dom), page
        assert not re.search(r"<body[^>]*data-pwned", dom), page
        assert "&lt;script&gt;document.title=" in dom, page  # shown as text
