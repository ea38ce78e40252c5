"""Status updates' Markdown as HTML that cannot run anything.

markdown-it-py (CommonMark; already installed with rich, now a dependency of its own)
with raw HTML off: a ``<script>`` or ``<img onerror=...>`` in a body renders as the text
it is. Its link check keeps ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` URLs out
of links. Images are off too (one becomes a link to its picture): the pages'
Content-Security-Policy loads none from elsewhere, so it would only show broken.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

RENDERER = MarkdownIt("commonmark", {"html": False}).disable("image")


def markdown_html(text: str) -> Markup:
    """The body's HTML: markdown-it escapes every text and attribute it writes."""
    return Markup(RENDERER.render(text))  # noqa: S704 (html is off: nothing raw passes)
