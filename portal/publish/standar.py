"""The service pages, the Standar Pelayanan list and the notice-board PDFs, from
content/data/standar-pelayanan/*.yml: the data are the one source of each service's page.

Outputs (paths relative to content/):

- layanan/<slug>.md             the service's one page, where citizens know it (/layanan/kk/): the
                                six public components in plain Indonesian (the complaint component
                                links the portal's form and names every channel of
                                content/data/pengaduan.yml), what to ask the office before coming,
                                then the eight management components one click away, in a <details>
                                block;
- layanan/<slug>.pdf            one A4 page for the counter's notice board: the six public
                                components and a QR code to the service's page;
- standar-pelayanan/index.md    the list of services, each with its time, cost and print PDF.

No hand-written page may sit at these paths: the pipeline refuses one (portal.publish.site).
A standard whose status is `draft` is left out unless `preview` is true. Each page carries the
file's status in its front matter, so the pipeline's draft rule applies to it as to any page.
The data are read and checked by portal.domain.standar; this module reads files alone.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import markdown
import segno

from ..domain import catalog as catalog_module
from ..domain.standar import STANDAR_DIR, Kelompok, Komponen, Standar, load_all
from . import pdfcache
from .errors import DataError
from .materials import OFFICE, site_url
from .sop import md

PAGE_DIR = "layanan"  # each service's page and notice, at the addresses citizens already use
INDEX_DIR = "standar-pelayanan"
OUTPUTS = (f"{PAGE_DIR}/*", f"!{PAGE_DIR}/index.md", f"{INDEX_DIR}/*")  # layanan/index.md is written by hand
CONTACT_PAGE = "tentang/kontak.md"
CACHE_DIR = ".cache/standar-pelayanan"
LAYOUT_VERSION = "1"
PORTAL_FORM = "/pengaduan/"
# Channels whose address is public and fixed; the office's own numbers come from dinas.yml.
CHANNEL_LINKS = {"web": PORTAL_FORM, "sp4n-lapor": "https://www.lapor.go.id"}
# Font sizes (pt) tried in turn until the notice fits one A4 page.
PDF_FONT_SIZES = (10.5, 9.5, 8.5, 7.5, 6.5)


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    shown = [s for s in load_all(content_dir) if s.status != "draft" or preview]
    if not shown:
        return {}
    channels = _channels(content_dir)
    base = site_url(content_dir)
    out: dict[str, str | bytes] = {f"{INDEX_DIR}/index.md": render_index(shown)}
    for item in shown:
        url = page_url(base, item.slug)
        out[f"{PAGE_DIR}/{item.slug}.md"] = render_page(item, channels)
        out[f"{PAGE_DIR}/{item.slug}.pdf"] = _pdf(content_dir, item, channels, url)
    return out


def source_of(relative: str) -> str | None:
    "The data file that `relative` (a path this module writes) is made from, for the web team."
    folder, _, name = relative.partition("/")
    if folder == PAGE_DIR and name.endswith((".md", ".pdf")) and "/" not in name:
        return f"content/{STANDAR_DIR.as_posix()}/{name.rsplit('.', 1)[0]}.yml"
    if relative == f"{INDEX_DIR}/index.md":
        return f"content/{STANDAR_DIR.as_posix()}/"
    return None


def page_url(base_url: str, slug: str) -> str:
    return f"{base_url.rstrip('/')}/{PAGE_DIR}/{slug}/"


# ---------------------------------------------------------------------------- the channels

def _channels(content_dir: Path) -> list[tuple[str, str, str | None]]:
    """(kode, name, address or None) of every complaint channel, in the file's order."""
    try:
        cat = catalog_module.load(content_dir)
    except catalog_module.CatalogError as exc:
        raise DataError(Path(content_dir) / "data" / "pengaduan.yml", "", str(exc)) from None
    office = cat.office
    contact = {"telepon": office.telepon, "whatsapp": office.telepon, "email": office.email,
               "surat": office.alamat, "datang-langsung": office.alamat}
    return [(kode, nama, CHANNEL_LINKS.get(kode) or contact.get(kode)) for kode, nama in cat.channels.items()]


def _channel_md(kode: str, nama: str, address: str | None) -> str:
    if address and address.startswith(("/", "http")):
        return f"[{md(nama)}]({address})"
    return f"{md(nama)}: {md(address)}" if address else md(nama)


# ---------------------------------------------------------------------------- Markdown

def _front_matter(title: str, status: str, boost: bool = False) -> str:
    # Service pages come first in the site's search, as the hand-written ones did.
    search = "search:\n  boost: 2\n" if boost else ""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{search}status: {status}\n---\n\n"


def _isi_md(isi, ordered: bool = False) -> str:
    "A component's content: one paragraph, or a list; a group becomes a bold line and its list."
    if len(isi) == 1 and isinstance(isi[0], str):
        return md(isi[0]) + "\n"
    out, plain = [], []

    def flush():
        if plain:
            out.append("\n".join(f"{i}. {md(t)}" if ordered else f"- {md(t)}"
                                 for i, t in enumerate(plain, 1)) + "\n")
            plain.clear()
    for item in isi:
        if isinstance(item, Kelompok):
            flush()
            out.append(f"**{md(item.judul)}**\n")
            out.append("\n".join(f"{i}. {md(t)}" if ordered else f"- {md(t)}"
                                 for i, t in enumerate(item.butir, 1)) + "\n")
        else:
            plain.append(item)
    flush()
    return "\n".join(out)


def _component_md(k: Komponen, channels) -> str:
    body = _isi_md(k.isi, ordered=k.kode == "prosedur")
    if k.kode == "pengaduan":
        body += (f"\n[Sampaikan pengaduan melalui formulir]({PORTAL_FORM}) dan ikuti perkembangannya dengan "
                 f"kode pelacakan. Saluran pengaduan yang dilayani:\n\n"
                 + "\n".join(f"- {_channel_md(*c)}" for c in channels) + "\n")
    return body


def _note_md(item: Standar) -> str:
    contact = f"tanyakan ke kantor melalui [kontak](../{CONTACT_PAGE}) sebelum datang."
    text = f"{md(item.catatan)} {contact[0].upper()}{contact[1:]}" if item.catatan else \
        f"Untuk keadaan khusus, {contact}"
    return f'!!! note "Pastikan sebelum datang"\n    {text}\n'


def render_page(item: Standar, channels) -> str:
    out = [_front_matter(item.nama, item.status, boost=True), f"# {md(item.nama)}\n", md(item.ringkasan) + "\n"]
    for k in item.penyampaian:
        out.append(f"## {md(k.judul)}\n")
        out.append(_component_md(k, channels))
    out.append(_note_md(item))
    out.append(f"[Unduh versi cetak untuk papan pengumuman (PDF, A4)]({item.slug}.pdf)\n")
    out.append("## Komponen pengelolaan\n")
    out.append("Delapan komponen berikut mengatur pelaksanaan layanan di dalam kantor (Peraturan Menteri PANRB "
               "Nomor 15 Tahun 2014). Komponen ini dapat dilihat oleh siapa pun.\n")
    out.append('<details markdown="1">\n<summary>Tampilkan komponen pengelolaan</summary>\n')
    for k in item.pengelolaan:
        out.append(f"### {md(k.nama)}\n")
        out.append(_isi_md(k.isi))
    out.append("</details>\n")
    if item.tinjauan:
        out.append('!!! note "Masih ditinjau"\n    Bagian berikut masih diperiksa oleh kantor: '
                   + "; ".join(md(t.rstrip(".")) for t in item.tinjauan) + ".\n")
    out.append(f"Halaman ini adalah Standar Pelayanan {md(item.nama)}, disusun menurut Undang-Undang Nomor 25 "
               "Tahun 2009 Pasal 15 dan Peraturan Menteri PANRB Nomor 15 Tahun 2014. Lihat "
               f"[semua Standar Pelayanan](../{INDEX_DIR}/index.md).\n")
    return "\n".join(out)


def render_index(items: list[Standar]) -> str:
    out = [_front_matter("Standar Pelayanan", "terbit" if all(i.status == "terbit" for i in items)
                         else "perlu-tinjauan"),
           "# Standar Pelayanan\n",
           "Standar Pelayanan adalah janji kami tentang cara setiap layanan diberikan: persyaratan, "
           "langkah-langkah, berapa lama, biaya, apa yang Anda terima, dan ke mana mengadu bila layanan "
           "tidak sesuai. Setiap layanan juga memiliki versi cetak satu halaman yang dipasang di papan "
           "pengumuman loket.\n",
           "| Layanan | Berapa lama | Biaya | Versi cetak |", "|---|---|---|---|"]
    for i in items:
        waktu = i.komponen("jangka_waktu").isi
        waktu_text = waktu[0] if len(waktu) == 1 and isinstance(waktu[0], str) else "lihat halaman layanan"
        biaya = i.komponen("biaya").isi
        gratis = "Gratis" if isinstance(biaya[0], str) and biaya[0].lower().startswith("gratis") else "lihat halaman"
        page = f"../{PAGE_DIR}/{i.slug}"
        out.append(f"| [{md(i.nama)}]({page}.md) | {md(waktu_text)} | {gratis} | [PDF]({page}.pdf) |")
    out.append("\nSemua pengurusan dokumen kependudukan **tidak dipungut biaya**. Bila layanan tidak sesuai "
               f"standar, [sampaikan pengaduan]({PORTAL_FORM}).\n")
    return "\n".join(out)


# ---------------------------------------------------------------------------- the notice (PDF)

CSS = """
@page { size: A4; margin: 12mm 13mm 12mm 13mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: %(size)spt; line-height: 1.3; color: #000; }
header { border-bottom: 2pt solid #1a4f8b; padding-bottom: 2mm; margin-bottom: 3mm; }
header .dinas { font-size: 8pt; font-weight: bold; text-transform: uppercase; color: #1a4f8b; margin: 0; }
h1 { font-size: 1.9em; line-height: 1.15; margin: 1mm 0 0 0; }
h2 { font-size: 1.15em; color: #1a4f8b; margin: 2.5mm 0 1mm 0; break-after: avoid; }
p { margin: 0 0 1.2mm 0; }
ul, ol { margin: 0 0 1.5mm 0; padding-left: 5mm; }
li { margin: 0 0 .5mm 0; }
.kolom { column-count: 2; column-gap: 7mm; }
.kolom section { break-inside: avoid-column; }
.gratis { font-weight: bold; }
footer { margin-top: 3mm; border-top: .8pt solid #999; padding-top: 2mm; display: flex; align-items: center; }
footer img { width: 30mm; height: 30mm; margin-right: 4mm; flex: none; }
footer p { margin: 0; }
"""


def _isi_html(isi, ordered: bool = False) -> str:
    return markdown.markdown(_isi_md(isi, ordered), output_format="html")


def render_html(item: Standar, channels, url: str, size: float = PDF_FONT_SIZES[0]) -> str:
    e = html.escape
    sections = []
    for k in item.penyampaian:
        if k.kode == "pengaduan":
            continue
        sections.append(f"<section><h2>{e(k.judul)}</h2>{_isi_html(k.isi, k.kode == 'prosedur')}</section>")
    pengaduan = item.komponen("pengaduan")
    names = ", ".join(e(n) + (f" ({e(a)})" if a and not a.startswith("/") else "") for _, n, a in channels)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>Standar Pelayanan {e(item.nama)}</title>
<meta name="author" content="{e(OFFICE)}">
<style>{CSS % {"size": size}}</style></head>
<body>
<header><p class="dinas">{e(OFFICE)}</p><h1>Standar Pelayanan {e(item.nama)}</h1></header>
<div class="kolom">{''.join(sections)}
<section><h2>{e(pengaduan.judul)}</h2>{_isi_html(pengaduan.isi)}<p>Saluran: {names}.</p></section>
</div>
<footer><img src="{qr}" alt="Kode QR menuju halaman layanan ini di situs">
<p>Pindai kode QR untuk membaca Standar Pelayanan ini di situs, termasuk komponen pengelolaannya:<br>
{e(url)}</p></footer>
</body></html>
"""


def render_pdf(item: Standar, channels, url: str) -> bytes:
    pdf = pdfcache.render_one_page(render_html(item, channels, url, size) for size in PDF_FONT_SIZES)
    if pdf:
        return pdf
    raise DataError(item.path, "kolom penyampaian",
                    "isi keenam komponen terlalu panjang untuk satu halaman A4 papan pengumuman; "
                    "persingkat persyaratan atau langkah-langkahnya")


def _pdf(content_dir: Path, item: Standar, channels, url: str) -> bytes:
    return pdfcache.cached(content_dir / CACHE_DIR, item.slug,
                           pdfcache.key(LAYOUT_VERSION, render_html(item, channels, url)),
                           lambda: render_pdf(item, channels, url))
