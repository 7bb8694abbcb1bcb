"""The public list of complaints and replies, from content/data/pengaduan/daftar.json (written
by the portal when an operator approves a redacted version; see portal.domain.publication).

One page lists every item (newest first, with the category and kecamatan to scan by, and
Material's search over the item pages); one page per item carries the text and the reply.
Items are identified by their public number, never by the tracking code.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from babel.dates import format_date
from datetime import date

from .errors import DataError

SOURCE = Path("data") / "pengaduan" / "daftar.json"
OUT = "pengaduan-publik"
FIELDS = ("nomor", "kategori", "kecamatan", "diterima", "isi", "tanggapan")


def _tanggal(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso), "d MMMM y", locale="id") if iso else "-"


def _md(text: str) -> str:
    # The citizen's words are shown as text, never as Markdown or HTML.
    return "\n\n".join(escape(p).replace("\n", "  \n") for p in text.strip().split("\n\n"))


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
    for item in items:
        slug = item["nomor"].replace("/", "-")
        summary = escape(item["isi"].strip().split("\n")[0][:140])
        lines += [f"- **[{escape(item['nomor'])}]({slug}.md)** · {escape(item['kategori'])} · Kecamatan "
                  f"{escape(item['kecamatan'])} · diterima {_tanggal(item['diterima'])}  ", f"  {summary}"]
        out[f"{OUT}/{slug}.md"] = "\n".join([
            "---", f"title: Pengaduan {item['nomor']}", "---", "",
            f"# Pengaduan {escape(item['nomor'])}", "",
            f"**Kategori:** {escape(item['kategori'])}  ", f"**Kecamatan:** {escape(item['kecamatan'])}  ",
            f"**Diterima:** {_tanggal(item['diterima'])}  ", f"**Ditanggapi:** {_tanggal(item.get('ditanggapi'))}",
            "", "## Isi pengaduan", "", _md(item["isi"]), "", "## Tanggapan Dispendukcapil", "",
            _md(item["tanggapan"]), "", "[Kembali ke daftar pengaduan publik](index.md)", ""])
    out[f"{OUT}/index.md"] = "\n".join(lines) + "\n"
    return out
