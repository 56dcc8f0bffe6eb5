"""Text that comes from an extract is data, never markup or code.

`bron` in extract.json, column names and values quoted in messages are written by whoever
made the extract. Wherever such text reaches a reader it passes through here: shortened (a
10 MB field is no message) and escaped for the medium it goes into.
"""
from __future__ import annotations

import html
import re

MAX_CHARS = 200
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def shorten(text: object, limit: int = MAX_CHARS) -> str:
    """At most `limit` characters, with an ellipsis and the full length when cut."""
    s = str(text)
    if len(s) <= limit:
        return s
    return s[:limit] + f"… ({len(s):,} tekens)".replace(",", ".")


def html_text(text: object, limit: int = MAX_CHARS) -> str:
    """Safe inside HTML element content and quoted attributes."""
    return html.escape(shorten(text, limit), quote=True)


def markdown_text(text: object, limit: int = MAX_CHARS) -> str:
    """Safe inside Markdown that a notebook renders (no HTML, links or emphasis from data)."""
    s = shorten(text, limit).replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(s, quote=True))
