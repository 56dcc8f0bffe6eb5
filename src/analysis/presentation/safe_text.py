"""Text that comes from an extract (extract.json's `bron`, warnings naming its columns) is
data, never markup: whoever writes the extract must not be able to put a script in the
report page or a notebook's HTML, nor a formula in the workbook.

Every output format has its own escape here, and all of them first shorten the text, so a
description of a megabyte cannot swamp a page.
"""
from __future__ import annotations

import html
import re

LIMIT = 200
ELLIPSIS = "…"
# A spreadsheet reads a cell starting with one of these as a formula (or, for + - @, as
# the start of one when the file is re-saved or pasted as CSV).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Every character Markdown gives a meaning to, and the colon: renderers turn a bare
# "https://..." into a link by themselves (GFM autolinks in JupyterLab, mistune's url plugin
# in nbconvert), escapes or not, unless the "://" is broken up.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def shorten(text, limit: int = LIMIT) -> str:
    """One line of at most `limit` characters; a longer text ends in an ellipsis."""
    flat = _CONTROL.sub(" ", str(text)).strip()
    if len(flat) <= limit:
        return flat
    return flat[:limit - 1].rstrip() + ELLIPSIS


def for_html(text, limit: int = LIMIT) -> str:
    """Shortened and escaped for HTML text or a quoted attribute."""
    return html.escape(shorten(text, limit), quote=True)


def for_markdown(text, limit: int = LIMIT) -> str:
    """Shortened, Markdown punctuation backslash-escaped (no link, image, autolink or heading
    can be formed) and HTML escaped (Markdown passes raw HTML through to the notebook's HTML)."""
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", shorten(text, limit)), quote=True)


def is_formula_like(value) -> bool:
    """A text a spreadsheet could take for a formula; the workbook's own '-' and 'x' signs
    are single characters and stay as they are."""
    return isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START)
