"""The Profil Perkembangan Kependudukan (Permendagri 65/2010) and the Data Kependudukan recap.

Inputs (content/):

- data/kependudukan/<periode>/   the population figures, as portal/domain/population/schema.py
                                 describes (read by profile_data.py);
- data/profil/<tahun>.yml        one edition of the profile (format below);
- data/profil/luas-wilayah.yml   the area of the kabupaten, with its source (for density).

An edition file reads

    tahun: 2024
    periode: 2024-S2                 # the one cut-off period for every level
    status: disahkan                 # rancangan-awal | rancangan-final | disahkan (SOP steps 3-9)
    disahkan_oleh: Bupati Trenggalek # both required once disahkan
    tanggal_disahkan: 2025-03-17
    lintas_sektor:                   # optional: indicators from other agencies, typed in
      - judul: Angka partisipasi sekolah
        sumber: Dinas Pendidikan Kabupaten Trenggalek
        contoh: true                 # optional: the figures are simulated
        kolom: [Jenjang, APK (%), APM (%)]
        baris:
          - [SD/MI, 104.2, 98.1]
        catatan: optional text

Only a `disahkan` edition is public. In a preview build (preview=True) drafts are generated too,
with `status: draft` in their front matter (portal.publish.drafts puts its DRAF banner on them)
and "DRAF" in their titles and PDF.

Outputs (relative to content/), per edition shown:

    profil-kependudukan/<tahun>/index.md           overview: key figures, pyramid, growth
    profil-kependudukan/<tahun>/<bab>.md           one page per chapter (CHAPTERS)
    profil-kependudukan/<tahun>/kecamatan/<k>.md   one page per kecamatan, listing its own desa
    profil-kependudukan/<tahun>/*.svg              the charts, each followed on its page by its table
    profil-kependudukan/<tahun>/profil-kependudukan-trenggalek-<tahun>.pdf   print-ready A4
plus profil-kependudukan/index.md (the editions) and data-kependudukan/index.md (the latest
period's recap, with its CSV). Every page of a period whose meta.yml says `contoh: true` carries
a "Data contoh" admonition.

The PDF is rendered with WeasyPrint from the same Markdown, charts embedded, and cached in
content/.cache/profil/ under a hash of its HTML (as portal.publish.materials does).

The package: edition.py reads the edition files and the area, pages.py holds the page building
blocks, book.py (Profile) and chapters.py make the pages of one edition, pdf.py prints it, and
indexes.py makes the list of editions and the Data Kependudukan recap.
"""

from __future__ import annotations

from pathlib import Path

from ..profile_data import Library
from .book import Profile
from .edition import (CACHE_DIR, CHAPTERS, DATA_PAGE_DIR, PROFILE_DIR, STATUS_LABEL, STATUSES, TITLE, Area, Edition,
                      read_area, read_edition, read_editions)
from .indexes import index_md, recap_pages
from .pages import Page, kecamatan_slug
from .pdf import _pdf, pdf_html, render_pdf

__all__ = ["CACHE_DIR", "CHAPTERS", "DATA_PAGE_DIR", "PROFILE_DIR", "STATUS_LABEL", "STATUSES", "TITLE", "Area",
           "Edition", "Page", "Profile", "generate", "index_md", "kecamatan_slug", "pdf_html", "read_area",
           "read_edition", "read_editions", "recap_pages", "render_pdf"]

OUTPUTS = (f"{PROFILE_DIR}/*", f"{DATA_PAGE_DIR}/*")


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    editions = read_editions(content_dir)  # every edition file is checked, public or not
    shown = [e for e in editions if e.public or preview]
    lib = Library(content_dir)
    area = read_area(content_dir)
    outputs: dict[str, str | bytes] = {}
    for edition in shown:
        profile = Profile(edition, lib, area)
        outputs.update(profile.markdown_files())
        outputs[f"{profile.dir}/{edition.pdf_name}"] = _pdf(content_dir, profile)
    outputs[f"{PROFILE_DIR}/index.md"] = index_md(shown, lib)
    outputs.update(recap_pages(lib))
    years = {str(e.tahun) for e in editions}
    for old in (content_dir / CACHE_DIR).glob("*.pdf"):
        if old.name.split(".", 1)[0] not in years:  # the edition file was deleted
            old.unlink(missing_ok=True)
    return outputs
