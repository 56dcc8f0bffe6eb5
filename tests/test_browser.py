"""The report in a real browser: headless Chromium renders index.html, every table and every
image shows, no script error occurs, and a screenshot is saved.

The page itself carries no script. To observe the browser, the test loads a copy of the
page with two small probes added: an error handler first in <head>, and at the end a
script that counts the rendered tables and images (an image whose naturalWidth is 0 did not
decode) and writes the result into the DOM, which Chromium dumps.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("e2e")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--allow-file-access-from-files"]
PROBE_HEAD = "<script>window.__errors=[];window.addEventListener('error',e=>window.__errors.push(String(e.message||e.type)),true);</script>"
PROBE_END = """<script>window.addEventListener('load',()=>{const imgs=[...document.images];
const r={tables:document.querySelectorAll('table').length,
 rows:[...document.querySelectorAll('table')].filter(t=>t.rows.length>1).length,
 images:imgs.length, broken:imgs.filter(i=>!(i.complete&&i.naturalWidth>0)).map(i=>i.alt),
 errors:window.__errors, synthetic:!!document.getElementById('synthetisch')};
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
    assert result["images"] == 8 and result["tables"] >= 11 and result["rows"] == result["tables"]
    assert result["synthetic"] is True
    shot = tmp_path / "rapport.png"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--window-size=1280,6000",
                    f"--screenshot={shot}", (full_run / "index.html").as_uri()],
                   capture_output=True, text=True, timeout=180)
    assert shot.is_file() and shot.stat().st_size > 50_000
