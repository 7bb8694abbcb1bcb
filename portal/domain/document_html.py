"""A document as a self-contained printable A4 HTML page (Jinja templates) and as PDF (WeasyPrint)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from . import document_wording
from .document_context import KINDS

TEMPLATE_DIR = Path(__file__).resolve().parent / "document_templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(kind: str, context: dict) -> str:
    """A self-contained printable A4 page: the CSS is inlined, the logo is a data: URI."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    css = (TEMPLATE_DIR / "documents.css").read_text(encoding="utf-8")
    extra = {"css": Markup(css)}
    if "balasan_html" in context:
        extra["balasan_markup"] = Markup(context["balasan_html"])  # nh3-cleaned in render_reply
    return _env.get_template("letter.html").render(**context, blocks=document_wording.blocks(kind, context), **extra)


def render_pdf(kind: str, context: dict) -> bytes:
    import weasyprint  # heavy: loaded on first use only
    from weasyprint.urls import URLFetcher

    # data: URIs only (the logo): never the network, never the file system.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=render_html(kind, context), url_fetcher=fetcher).write_pdf()
