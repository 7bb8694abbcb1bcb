"""Printable documents of a complaint's handling: the nota dinas (step 3), the lembar disposisi
(step 4) and the surat tanggapan (the approved reply, step 6), as A4 PDF, .docx or HTML.

`gather` (document_context.py) reads everything a document shows from the record into a plain
dict; the renderers (document_html.py for HTML and PDF, document_docx.py for .docx) only lay that
dict out, so the PDF, the .docx and the HTML always say the same thing. The letters' wording is
written once, in document_wording.py, and both renderers lay out its blocks. No document ever shows the
complainant's NIK, telephone number or e-mail address: they are not read into the context, and if
staff typed them into a text field they are masked.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import readiness
from .catalog import Office
from .document_context import DEFAULT_CONTENT_DIR, KINDS, DocumentNotReady, gather
from .document_docx import render_docx
from .document_html import render_html, render_pdf

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def filename(kind: str, context: dict, fmt: str) -> str:
    """E.g. "nota-dinas-400.10-1-406.011-2026.pdf": the letter number, never personal data."""
    stem = re.sub(r"[^A-Za-z0-9.]+", "-", context.get("nomor") or "").strip("-.") or "dokumen"
    return f"{kind}-{stem}.{fmt}"


def render(db, complaint_id: int, kind: str, fmt: str, office: Office, *,
           content_dir: str | Path | None = None, production: bool = False) -> tuple[bytes, str, str]:
    """(content, mimetype, download filename) of one document in "pdf", "docx" or "html".

    In production no letter is made while the office data it is printed from (letterhead, signing
    official) still holds a placeholder: DocumentNotReady names each file and line."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}")
    try:
        readiness.refuse_in_production(production, content_dir or DEFAULT_CONTENT_DIR, f"Pembuatan {KINDS[kind]}",
                                       only=readiness.OFFICE_DATA)
    except readiness.PlaceholdersRemain as exc:
        raise DocumentNotReady(str(exc)) from None
    context = gather(db, complaint_id, kind, office, content_dir=content_dir)
    if fmt == "pdf":
        content = render_pdf(kind, context)
    elif fmt == "docx":
        content = render_docx(kind, context)
    else:
        content = render_html(kind, context).encode("utf-8")
    return content, FORMATS[fmt], filename(kind, context, fmt)
