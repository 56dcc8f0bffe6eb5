"""The notebooks' HTML pages: nbconvert's lab page, element for element.

`notebook_page` skips the exporter's BeautifulSoup pass and writes its three attributes into
the text itself. The page must then be the document nbconvert makes: parsed, the two are
equal, and reprinted by BeautifulSoup (the exporter's last step) ours is nbconvert's page byte
for byte.
"""
from __future__ import annotations

import base64
import io

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from analysis.presentation import notebook_page


def _png() -> str:
    from matplotlib.figure import Figure
    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1], [1, 0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _notebook(table: str = "tabel1") -> nbformat.NotebookNode:
    """Every kind of output the suite's notebooks show, and text that looks like the tags the
    page's attributes go on."""
    out = nbformat.v4.new_output
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(f'tabel = "{table}"')
    params.metadata["tags"] = ["parameters"]
    md = nbformat.v4.new_markdown_cell('Een *zin* met <b>opmaak</b>, <img src="a.png"> en <img src="b.png" alt="b">.')
    code = nbformat.v4.new_code_cell('s.figure(tabel, df)  # <img src=x> <div class="jp-OutputArea-output">')
    code.outputs = [
        out("display_data", data={"image/png": _png(), "text/plain": "<Figure>"}),
        out("execute_result", execution_count=3, data={
            "text/html": '<table class="dataframe"><tr><td>&lt;1&gt; &amp; 2&nbsp;%</td></tr></table>',
            "text/plain": "tabel"}),
        out("display_data", data={"text/markdown": "> **Let op:** <img src='c.png'> en `<div>`", "text/plain": ""}),
        out("stream", name="stdout", text="Tabel 1 <div class=\"jp-Cell-inputWrapper\">\n"),
        out("stream", name="stderr", text="waarschuwing\n"),
    ]
    failed = nbformat.v4.new_code_cell("1/0")
    failed.outputs = [out("error", ename="ZeroDivisionError", evalue="division by zero",
                          traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"])]
    nb.cells = [params, md, code, failed, nbformat.v4.new_raw_cell("<img src=d.png>")]
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def _nbconvert(nb) -> str:
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return page


def test_the_page_is_nbconverts_page_element_for_element():
    nb = _notebook()
    ours, theirs = notebook_page.render(nb), _nbconvert(nb)
    assert BeautifulSoup(ours, "html.parser") == BeautifulSoup(theirs, "html.parser")
    assert str(BeautifulSoup(ours, "html.parser")) == theirs


@pytest.mark.parametrize("selector,count", [("img[alt]", 4), ("img[tabindex]", 0),
                                            ("div.jp-Cell-inputWrapper[tabindex='0']", 4),
                                            ("div.jp-OutputArea-output[tabindex='0']", 6)])
def test_the_attributes_for_screen_readers_and_keyboards_are_there(selector, count):
    """Counted by hand from `_notebook`: four images, each with an alt text (the markdown cell's
    two, one of which keeps its own, the output's markdown image and the figure; the raw cell's
    tag is text); the inputs of three code cells and one markdown cell; six outputs."""
    page = BeautifulSoup(notebook_page.render(_notebook()), "html.parser")
    assert len(page.select(selector)) == count
    assert page.select_one("img[src='b.png']")["alt"] == "b"


def test_repeated_code_cells_are_cleaned_once_without_mixing_notebooks(tmp_path):
    """The page keeps what nbconvert's clean_html returned (the table notebooks share their
    code cells); a cache keyed wrongly would give one notebook another's code."""
    for name, table in (("a.ipynb", "tabel1"), ("b.ipynb", "tabel2"), ("c.ipynb", "tabel1")):
        nbformat.write(_notebook(table), tmp_path / name)
        ours = notebook_page.write(tmp_path / name).read_text(encoding="utf-8")
        theirs = _nbconvert(nbformat.read(tmp_path / name, as_version=4))
        assert str(BeautifulSoup(ours, "html.parser")) == theirs
        other = "tabel2" if table == "tabel1" else "tabel1"
        assert table in ours and other not in ours


def test_a_figure_shown_with_an_alt_text_keeps_it_on_the_page():
    """The session shows every figure as IPython's Image(alt=...); nbconvert's lab template
    drops that text for its own "No description". Ours writes it, escaped; apart from it the
    page is nbconvert's."""
    from IPython.display import Image
    nb = _notebook()
    alt = 'Grafiek bij "Tabel 1" <b>; de cijfers staan erboven & meer'
    data, metadata = Image(data=base64.b64decode(_png()), format="png", alt=alt)._repr_mimebundle_()
    nb.cells[2].outputs[0] = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    ours = BeautifulSoup(notebook_page.render(nb), "html.parser")
    figure = ours.select_one("div.jp-RenderedImage img")
    assert figure["alt"] == alt
    theirs = BeautifulSoup(_nbconvert(nb), "html.parser")
    assert theirs.select_one("div.jp-RenderedImage img")["alt"] == notebook_page.NO_ALT
    figure["alt"] = notebook_page.NO_ALT
    assert ours == theirs
