"""How text written in the portal is shown as HTML, in one place for the staff pages, the
documents and the public site.

- A reply (written by staff) is Markdown, cleaned by nh3 to a short allow-list: paragraphs,
  emphasis, lists, quotes, two heading levels and http(s)/mailto links.
- A citizen's words are plain text: shown exactly as typed, line breaks kept, never read as
  Markdown or HTML.
"""

from __future__ import annotations

import re
from html import escape

import markdown as md
import nh3

REPLY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}


def render_reply(text: str) -> str:
    """A reply's Markdown as HTML that is safe to show (nh3 removes scripts, handlers, styles)."""
    return nh3.clean(md.markdown(text or "", extensions=["sane_lists"]),
                     tags=REPLY_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http", "mailto"})


def plain_html(text: str) -> str:
    """Plain text as HTML: every character escaped, a paragraph per blank-line-separated block,
    a <br> per line break. Nothing in the text can become a link, image, heading or attribute."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    return "\n".join("<p>" + "<br>\n".join(escape(line.strip()) for line in b.strip().split("\n")) + "</p>"
                     for b in blocks)
