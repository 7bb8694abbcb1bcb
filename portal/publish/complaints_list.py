"""The public list of complaints and replies, from content/data/pengaduan/daftar.json (written
by the portal when an operator approves a redacted version; see portal.domain.publication).

One page lists every item (newest first, with the category and kecamatan to scan by, and
Material's search over the item pages); one page per item carries the text and the reply.
Items are identified by their public number, never by the tracking code.

The citizen's text and the reply reach the page as HTML made by portal.domain.rendering (the
citizen's as plain text, the reply by the staff pages' allow-list), inside a raw HTML block:
Markdown and its extensions (attr_list, md_in_html, reference links) never look inside one, so
nothing in the text can turn into a link, image, heading, list or attribute. Only the headings
are Markdown, so that the table of contents and the search sections work.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from ..domain.formatting import tanggal
from ..domain.rendering import plain_html, render_reply
from .errors import DataError

SOURCE = Path("data") / "pengaduan" / "daftar.json"
OUT = "pengaduan-publik"
OUTPUTS = (f"{OUT}/*",)
FIELDS = ("nomor", "kategori", "kecamatan", "diterima", "isi", "tanggapan")
NUMBER = re.compile(r"\d{4}-\d{4,}")  # the public number (publication.approve): also the page's file name


def _tanggal(iso: str | None) -> str:
    return tanggal(iso) if iso else "-"


def _html_block(html: str, css_class: str, tag: str = "div") -> str:
    """HTML that Markdown passes through untouched: a block-level element at the start of a line,
    with no markdown="..." attribute, is a raw HTML block, and nothing in `html` can close it
    early (every < in the citizen's text is escaped; the reply's allow-list has no <div>)."""
    return f'<{tag} class="{css_class}">\n{html}\n</{tag}>'


def load(content_dir: Path) -> list[dict]:
    path = content_dir / SOURCE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"baris {exc.lineno}", f"berkas JSON rusak: {exc.msg}") from None
    items = data.get("pengaduan") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataError(path, "", "kunci 'pengaduan' harus berupa daftar")
    for i, item in enumerate(items, start=1):
        missing = [f for f in FIELDS if not isinstance(item, dict) or not isinstance(item.get(f), str)]
        if missing:
            raise DataError(path, f"pengaduan ke-{i}", f"kolom {', '.join(missing)} harus berupa teks")
        if not NUMBER.fullmatch(item["nomor"]):
            raise DataError(path, f"pengaduan ke-{i}",
                            f"nomor {item['nomor']!r} bukan nomor publik (contoh: 2026-0001)")
    return items


def generate(content_dir: Path, preview: bool) -> dict[str, str]:
    items = load(Path(content_dir))
    if not items:
        return {}
    out = {}
    lines = ["---", "title: Daftar Pengaduan Publik", "---", "", "# Daftar pengaduan publik", "",
             "Pengaduan yang pengadunya memilih untuk dipublikasikan, beserta tanggapan resmi Dispendukcapil "
             "Kabupaten Trenggalek. Data pribadi (nama, NIK, nomor KK, nomor telepon, e-mail, alamat) telah "
             "dihapus dan diperiksa petugas sebelum ditampilkan.", "",
             f"Jumlah: {len(items)} pengaduan. Gunakan kotak pencarian situs untuk mencari kata tertentu.", ""]
    entries = []
    for item in items:
        number = item["nomor"]
        summary = item["isi"].strip().split("\n")[0][:140]
        # A raw block cannot use the .md links MkDocs rewrites: the address is the page's folder.
        entries.append(f'<li><a href="{number}/"><strong>{number}</strong></a> · {escape(item["kategori"])} · '
                       f'Kecamatan {escape(item["kecamatan"])} · diterima {_tanggal(item["diterima"])}<br>\n'
                       f'{escape(summary)}</li>')
        meta = (f'<p><strong>Kategori:</strong> {escape(item["kategori"])}<br>\n'
                f'<strong>Kecamatan:</strong> {escape(item["kecamatan"])}<br>\n'
                f'<strong>Diterima:</strong> {_tanggal(item["diterima"])}<br>\n'
                f'<strong>Ditanggapi:</strong> {_tanggal(item.get("ditanggapi"))}</p>')
        out[f"{OUT}/{number}.md"] = "\n".join([
            "---", f"title: Pengaduan {number}", "---", "",
            f"# Pengaduan {number}", "", _html_block(meta, "pengaduan-keterangan"), "",
            "## Isi pengaduan", "", _html_block(plain_html(item["isi"]), "pengaduan-isi"), "",
            "## Tanggapan Dispendukcapil", "", _html_block(render_reply(item["tanggapan"]), "pengaduan-tanggapan"),
            "", "[Kembali ke daftar pengaduan publik](index.md)", ""])
    lines.append(_html_block("\n".join(entries), "daftar-pengaduan", "ul"))
    out[f"{OUT}/index.md"] = "\n".join(lines) + "\n"
    return out
