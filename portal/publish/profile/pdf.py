"""The print-ready PDF of an edition: the same pages as HTML, charts embedded, rendered by WeasyPrint."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import markdown

from .. import pdfcache
from ..materials import OFFICE
from ...domain.formatting import tanggal
from .book import Profile
from .edition import CACHE_DIR, LAYOUT_VERSION, STATUS_LABEL

PDF_CSS = """
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #000; }
.sampul { text-align: center; padding-top: 50mm; }
.sampul .dinas { font-size: 10pt; font-weight: bold; text-transform: uppercase; color: #1a4f8b; }
.sampul h1 { font-size: 22pt; margin: 10mm 0 6mm 0; }
.sampul p { font-size: 11pt; }
.draf { border: 1.5pt solid #b00020; color: #b00020; padding: 2mm 3mm; font-weight: bold; margin: 5mm 0; }
section.bab { break-before: page; }
h1 { font-size: 16pt; color: #1a4f8b; margin: 0 0 4mm 0; }
h2 { font-size: 12pt; color: #1a4f8b; margin: 5mm 0 2mm 0; break-after: avoid; }
img { width: 60%; max-height: 200mm; object-fit: contain; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm 0; font-size: 8pt; }
th, td { border: .5pt solid #777; padding: .8mm 1.5mm; text-align: left; }
th { background: #e8eef6; }
td:not(:first-child) { text-align: right; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.admonition { border: 1pt solid #b3541e; padding: 1mm 3mm; margin: 3mm 0; }
.admonition-title { font-weight: bold; margin: 1mm 0; }
ol.isi li { margin-bottom: 1mm; }
"""

_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)]*\)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]+\.svg)\)(\{[^}]*\})?")


def pdf_html(profile: Profile) -> str:
    e = profile.e
    pages = profile.pages()
    sections = []
    for page in pages:
        body = page.body.split("\n---\n\n**Isi profil:**", 1)[0]  # the site's chapter links stay on the site
        body = re.sub(r"^\[Unduh versi cetak.*$", "", body, flags=re.MULTILINE)

        def image(m, svgs=page.svgs):
            data = base64.b64encode(svgs[m.group(2)].encode()).decode()
            return f"![{m.group(1)}](data:image/svg+xml;base64,{data})"

        body = _IMAGE.sub(image, body)
        body = _LINK.sub(r"\1", body)
        content = markdown.markdown(body, extensions=["extra", "admonition", "sane_lists"], output_format="html")
        sections.append(f'<section class="bab"><h1>{html.escape(page.title)}</h1>\n{content}\n</section>')
    footer = (f"Disahkan oleh {e.disahkan_oleh} pada {tanggal(e.tanggal_disahkan)}" if e.public
              else f"DRAF ({STATUS_LABEL[e.status].lower()}) \u2014 belum disahkan, tidak untuk digandakan")
    css = pdfcache.running_page(e.title, footer, margin="20mm 16mm 22mm 16mm", small_pt=7.5) + PDF_CSS
    draft = "" if e.public else f'<p class="draf">DRAF \u2014 {html.escape(STATUS_LABEL[e.status])}, belum disahkan.</p>'
    contoh = ('<p class="draf">Memuat data contoh (simulasi), bukan data resmi.</p>' if profile.p.contoh else "")
    toc = "".join(f"<li>{html.escape(p.title)}</li>" for p in pages[1:])
    e_ = html.escape
    return f"""<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>{e_(e.title)}</title>
<meta name="author" content="{e_(OFFICE)}">
<style>{css}</style></head>
<body>
<div class="sampul">
<p class="dinas">{e_(OFFICE)}</p>
<h1>{e_(e.title)}</h1>
<p>Keadaan per {e_(tanggal(profile.p.tanggal_potong))} ({e_(profile.p.label)})</p>
<p>{e_(footer)}</p>
{draft}{contoh}
</div>
<section class="bab"><h1>Daftar isi</h1><ol class="isi"><li>Ringkasan</li>{toc}</ol></section>
{"".join(sections)}
</body>
</html>
"""


def render_pdf(document_html: str) -> bytes:
    return pdfcache.render(document_html)


def _pdf(content_dir: Path, profile: Profile) -> bytes:
    document = pdf_html(profile)
    return pdfcache.cached(Path(content_dir) / CACHE_DIR, str(profile.e.tahun),
                           pdfcache.key(LAYOUT_VERSION, document), lambda: render_pdf(document))
