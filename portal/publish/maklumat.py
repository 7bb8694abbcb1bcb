"""The Maklumat Pelayanan page, its print PDF and the signed scan, from content/data/maklumat.yml.

Outputs (paths relative to content/), only while the Kepala Dinas's exported approval
(content/data/maklumat-persetujuan.json) matches the current content (portal.domain.maklumat.status):

- maklumat/index.md                  the statement, the free-of-charge notice and its sanction, hours and
                                     places of service, the mobile recording schedule from today on, the
                                     signing official and date, and the signed scan;
- maklumat/maklumat-pelayanan.pdf    one A4 page for the counter's notice board;
- maklumat/maklumat-tertanda.<ext>   the signed scan (kept under content/data/, which the site never
                                     publishes as is), when the file names one.

Otherwise nothing is generated (the reason is logged, in Indonesian); in a preview the page is made
with `status: draft`, so it shows with the DRAF banner. In production (`production`, default from
PORTAL_PRODUCTION) a placeholder anywhere in content/ stops the build, naming file and line.
Reads files alone; never the portal's database.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import segno

from ..domain import formatting
from ..domain import maklumat as domain
from ..domain import readiness
from . import pdfcache
from .errors import DataError
from .materials import OFFICE, site_url
from .sessions import today as site_today
from .sop import md

OUT_DIR = "maklumat"
OUTPUTS = (f"{OUT_DIR}/*",)
PDF_NAME = "maklumat-pelayanan.pdf"
SCAN_STEM = "maklumat-tertanda"
CACHE_DIR = ".cache/maklumat"
LAYOUT_VERSION = "1"
PORTAL_FORM = "/pengaduan/"
PDF_FONT_SIZES = (12, 11, 10, 9, 8)

log = logging.getLogger(__name__)


def generate(content_dir: Path, preview: bool, production: bool | None = None) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    if production is None:
        production = readiness.production_from_env()
    state = domain.status(content_dir)
    if state.maklumat is None:
        return {}
    if production:
        try:
            readiness.refuse_in_production(True, content_dir, "Penerbitan Maklumat Pelayanan")
        except readiness.PlaceholdersRemain as exc:
            raise DataError(domain.path_of(content_dir), "", str(exc)) from None
    if not state.published:
        log.warning(state.message)
        if not preview:
            return {}
    item = state.maklumat
    url = f"{site_url(content_dir).rstrip('/')}/{OUT_DIR}/"
    out: dict[str, str | bytes] = {}
    scan_name = None
    if item.berkas_tertanda:
        scan_name = SCAN_STEM + Path(item.berkas_tertanda).suffix.lower()
        out[f"{OUT_DIR}/{scan_name}"] = (content_dir / item.berkas_tertanda).read_bytes()
    out[f"{OUT_DIR}/index.md"] = render_page(item, state, scan_name)
    out[f"{OUT_DIR}/{PDF_NAME}"] = _pdf(content_dir, item, url)
    return out


# --------------------------------------------------------------------------- the page

def render_page(item: domain.Maklumat, state: domain.Status, scan_name: str | None) -> str:
    status = "terbit" if state.published else "draft"
    out = [f"---\ntitle: \"Maklumat Pelayanan\"\nstatus: {status}\n---\n", "# Maklumat Pelayanan\n",
           f'<div class="maklumat" markdown="1">\n\n**{md(item.teks)}**\n\n</div>\n',
           f'!!! warning "Layanan ini gratis"\n    {md(item.bebas_biaya)}\n\n    {md(item.sanksi)} '
           f"[Sampaikan pengaduan]({PORTAL_FORM}).\n",
           "## Jam dan tempat layanan\n",
           f"**{md(item.kantor.nama)}**  \n{md(item.kantor.alamat)}\n",
           "| Hari | Jam layanan |\n|---|---|",
           *[f"| {md(j.hari)} | {md(j.jam)} |" for j in item.jam_layanan], ""]
    for lokasi in item.lokasi_lain:
        out.append(f"**{md(lokasi.nama)}**  \n{md(lokasi.alamat)}"
                   + (f"  \n{md(lokasi.keterangan)}" if lokasi.keterangan else "") + "\n")
    out.append("## Jadwal perekaman keliling\n")
    upcoming = [k for k in item.perekaman_keliling if k.tanggal >= site_today()]
    if upcoming:
        out.append("| Tanggal | Jam | Tempat | Kecamatan |\n|---|---|---|---|")
        out += [f"| {formatting.tanggal(k.tanggal)} | {k.jam} | {md(k.tempat)} | {md(k.kecamatan)} |" for k in upcoming]
        out.append("")
    else:
        out.append("Belum ada jadwal perekaman keliling yang akan datang.\n")
    tanggal = formatting.tanggal(item.tanggal) if item.tanggal else "(belum ditetapkan)"
    p = item.penandatangan
    out.append(f"{md(item.kota)}, {tanggal}  \n{md(p.jabatan)},\n\n**{md(p.nama)}**  \n{md(p.pangkat)}  \n"
               f"NIP {md(p.nip)}\n")
    if scan_name:
        if scan_name.endswith(".pdf"):
            out.append(f"[Lihat Maklumat yang ditandatangani (hasil pindaian, PDF)]({scan_name})\n")
        else:
            out.append(f"![Hasil pindaian Maklumat Pelayanan yang ditandatangani dan dicap {md(p.jabatan)}]"
                       f"({scan_name})\n")
    out.append(f"[Unduh versi cetak untuk papan pengumuman (PDF, A4)]({PDF_NAME})\n")
    out.append("Maklumat Pelayanan ini disusun dan dipublikasikan menurut Undang-Undang Nomor 25 Tahun 2009 "
               "Pasal 15. Lihat juga [Standar Pelayanan](../standar-pelayanan/index.md).\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- the notice (PDF)

CSS = """
@page { size: A4; margin: 18mm 18mm 16mm 18mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: %(size)spt; line-height: 1.4; color: #000; }
header { border-bottom: 2pt solid #1a4f8b; padding-bottom: 2mm; margin-bottom: 6mm; text-align: center; }
header p { margin: 0; font-weight: bold; text-transform: uppercase; color: #1a4f8b; font-size: .8em; }
h1 { font-size: 2em; text-align: center; margin: 0 0 6mm 0; letter-spacing: .08em; }
.teks { font-size: 1.25em; font-weight: bold; text-align: center; margin: 0 6mm 7mm 6mm; }
.gratis { border: 1.5pt solid #000; padding: 3mm 4mm; margin-bottom: 5mm; }
.gratis p { margin: 0 0 2mm 0; }
h2 { font-size: 1.1em; color: #1a4f8b; margin: 3mm 0 1mm 0; }
table { border-collapse: collapse; margin-bottom: 2mm; }
td { padding: .5mm 4mm .5mm 0; vertical-align: top; }
.ttd { margin-top: 8mm; margin-left: 55%%; }
.ttd p { margin: 0; }
.ttd .nama { margin-top: 18mm; font-weight: bold; text-decoration: underline; }
footer { margin-top: 8mm; border-top: .8pt solid #999; padding-top: 2mm; display: flex; align-items: center; font-size: .8em; }
footer img { width: 24mm; height: 24mm; margin-right: 4mm; }
"""


def render_html(item: domain.Maklumat, url: str, size: float = PDF_FONT_SIZES[0]) -> str:
    e = html.escape
    p = item.penandatangan
    jam = "".join(f"<tr><td>{e(j.hari)}</td><td>{e(j.jam)}</td></tr>" for j in item.jam_layanan)
    lain = "".join(f"<p><strong>{e(x.nama)}</strong>: {e(x.alamat)}{': ' + e(x.keterangan) if x.keterangan else ''}</p>"
                   for x in item.lokasi_lain)
    tanggal = formatting.tanggal(item.tanggal) if item.tanggal else ""
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Maklumat Pelayanan</title>
<meta name="author" content="{e(OFFICE)}"><style>{CSS % {"size": size}}</style></head>
<body>
<header><p>{e(OFFICE)}</p></header>
<h1>MAKLUMAT PELAYANAN</h1>
<p class="teks">{e(item.teks)}</p>
<div class="gratis"><p><strong>{e(item.bebas_biaya)}</strong></p><p>{e(item.sanksi)}</p></div>
<h2>Jam layanan</h2><p>{e(item.kantor.nama)}, {e(item.kantor.alamat)}</p><table>{jam}</table>{lain}
<div class="ttd"><p>{e(item.kota)}, {e(tanggal)}</p><p>{e(p.jabatan)},</p>
<p class="nama">{e(p.nama)}</p><p>{e(p.pangkat)}</p><p>NIP {e(p.nip)}</p></div>
<footer><img src="{qr}" alt="Kode QR menuju Maklumat Pelayanan di situs"><p>Maklumat ini dan jadwal perekaman
keliling ada di situs: {e(url)}</p></footer>
</body></html>
"""


def render_pdf(item: domain.Maklumat, url: str) -> bytes:
    pdf = pdfcache.render_one_page(render_html(item, url, size) for size in PDF_FONT_SIZES)
    if pdf:
        return pdf
    raise DataError(item.path, "kolom teks", "Maklumat terlalu panjang untuk satu halaman A4; persingkat teksnya")


def _pdf(content_dir: Path, item: domain.Maklumat, url: str) -> bytes:
    return pdfcache.cached(content_dir / CACHE_DIR, "maklumat", pdfcache.key(LAYOUT_VERSION, render_html(item, url)),
                           lambda: render_pdf(item, url))

