"""An executed notebook as one HTML page: nbconvert's lab page, made with less work.

The runner writes one page beside each executed notebook, twelve a run, in its own process
while the kernels compute; the pages cost that process more than anything else it does.
Two parts of nbconvert's `HTMLExporter` are done differently here, each to the same page:

* After rendering its template, the exporter parses the whole page with BeautifulSoup to
  add three things (an `alt` on an image without one; `tabindex="0"` on every input and
  output block, so a keyboard reaches them) and prints the tree again: half of its time.
  Here the same three attributes are written into the rendered text by three exact
  patterns on the tags its lab template writes. The page is the same document, element
  for element and attribute for attribute (tests/test_notebook_page.py parses both);
  only BeautifulSoup's reprinting (attribute order, quotes, entities) is not repeated.
* Its `clean_html` filter (bleach, over every highlighted code cell) keeps what it
  returned: the eight table notebooks share their code cells. The filter is a function of
  its text alone.

One thing is added (templates/notebook_page.html.j2): a figure shown with an alt text
(IPython's `Image(alt=...)`, as the session shows every figure) keeps it on the page, where
the lab template would leave the image to nbconvert's "No description has been provided".

May import: nbconvert and nbformat (lazily: only the runner's process needs them).
"""
from __future__ import annotations

import functools
import re
import threading
from importlib import resources
from pathlib import Path

# nbconvert's own text (nbconvert/exporters/html.py)
NO_ALT = "No description has been provided for this image"

# The tags nbconvert's HTMLExporter selects with `img:not([alt])`,
# `.jp-Notebook div.jp-Cell-inputWrapper` and `.jp-Notebook div.jp-OutputArea-output`, as its
# lab template writes them. Code and outputs inside the page are escaped text or the output's
# own HTML, so a tag matched here is one the template wrote, or an output's own element that
# the exporter's selectors would have matched as well.
_IMG = re.compile(r"<img(?=[\s>])(?![^>]*\salt=)", re.IGNORECASE)
_INPUT = re.compile(r'<div class="jp-Cell-inputWrapper"(?=[\s>])(?![^>]*\stabindex=)')
_OUTPUT = re.compile(r'<div(?=\s)(?=[^>]*\sclass="(?:[^"]*\s)?jp-OutputArea-output[\s"])(?![^>]*\stabindex=)[^>]*')

_LOCK = threading.Lock()


def _focusable(html: str) -> str:
    html = _IMG.sub(f'<img alt="{NO_ALT}"', html)
    html = _INPUT.sub(lambda m: m.group(0) + ' tabindex="0"', html)
    return _OUTPUT.sub(lambda m: m.group(0) + ' tabindex="0"', html)


@functools.lru_cache(maxsize=None)
def _exporter():
    """One exporter per process, used under a lock: building it (loading the templates)
    costs more than exporting a notebook."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.strings import clean_html
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class NotebookPage(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _focusable(html), resources

    exporter = NotebookPage(template_name="lab", template_file="notebook_page.html.j2",
                            extra_template_paths=[str(resources.files(__package__).joinpath("templates"))])
    exporter.register_filter("clean_html", functools.lru_cache(maxsize=1024)(clean_html))
    return exporter


def render(nb) -> str:
    """The page of a notebook node."""
    with _LOCK:
        html, _ = _exporter().from_notebook_node(nb)
    return html


def write(path: Path, nb=None) -> Path:
    """An executed notebook also as HTML (outputs embedded), beside it; `nb`: the notebook
    as read already, if the caller has it."""
    import nbformat

    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    target = path.with_name(path.name + ".html")
    target.write_text(render(nb), encoding="utf-8")
    return target
