"""What the web team may write on the public site, and the checks of a file's text before a change
keeps it (portal.domain.site_changes): page paths, links and images, the approval keys that only
the system writes, and the diff shown to the reviewer.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection
from datetime import date
from pathlib import PurePosixPath

import yaml

from .. import publish
from ..publish import drafts, values
from ..publish.errors import DataError


class BadInput(ValueError):
    "The text or file cannot be accepted; the message says why, in Indonesian."


# ------------------------------------------------------------------ what may be edited

CONTENT = "content/"
# Files the generators write at every build are never written by hand: portal.publish.generated.
RESERVED = ("pengaduan/", "pengaduan.md", "data/", "assets/", "berita/index.md")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAGE_PATH = re.compile(r"^[a-z0-9-]+(?:/[a-z0-9-]+)*\.md$")
SCHEDULE = "content/data/sosialisasi/jadwal.yml"
OFFICE = "content/data/dinas.yml"
MENU = "mkdocs.yml"
MATERIALS = "content/sosialisasi/materi/"
NEWS = "content/berita/posts/"


def page_path_problem(relpath: str) -> str | None:
    """Why `relpath` (relative to content/) may not be written as a page; None when it may."""
    if ".." in relpath.split("/") or relpath.startswith("/") or "\\" in relpath:
        return "Nama halaman tidak boleh berisi '..', '/' di depan, atau '\\'."
    if not PAGE_PATH.match(relpath):
        return ("Nama halaman hanya boleh berisi huruf kecil, angka dan tanda hubung (misalnya "
                "layanan/surat-pindah), dan berakhir .md.")
    if relpath.startswith(RESERVED) or relpath in RESERVED:
        return f"Alamat \u201c{relpath}\u201d dipakai oleh portal atau sistem; pilih nama lain."
    if publish.generated(relpath) and relpath.startswith("layanan/"):
        return (f"Halaman layanan \u201c{relpath}\u201d dibuat otomatis dari data Standar Pelayanan "
                "(content/data/standar-pelayanan/), sehingga tidak dapat ditulis di sini.")
    if publish.generated(relpath):
        return (f"Halaman \u201c{relpath}\u201d dibuat otomatis dari data saat situs dibangun, sehingga "
                "tidak dapat ditulis di sini.")
    return None


def slugify(title: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:60].strip("-") or "halaman"


# ------------------------------------------------------------------ checking a text

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_text(relpath: str, text: str, existing: set[str], names: Collection[str] = ()) -> dict:
    """Check a page's text before it is kept: front matter (dates, status), links to pages that
    exist, images with alt text, named values the build knows (`names`, e.g. tenggat.tanggapan).
    `existing` holds the paths under content/ that exist (published, plus files of this change).
    Returns the front matter; raises BadInput naming the line."""
    display = f"content/{relpath}"
    if "\x00" in text:
        raise BadInput("Teks berisi karakter yang tidak sah.")
    try:
        meta, _ = drafts.parse_front_matter(text, display)
    except DataError as exc:
        raise BadInput(f"{exc}") from None
    _, body = drafts.split(text)
    for match in values.NAME.finditer(text):
        if match.group(1) not in names:
            known = ", ".join("{{ " + n + " }}" for n in sorted(names)) or "-"
            raise BadInput(f"{display} baris {_line_of(text, match.start())}: nilai \u201c{match.group(0)}\u201d "
                           f"tidak dikenal. Nilai yang dapat dipakai: {known}.")
    base = PurePosixPath(relpath).parent
    for match in _LINK.finditer(text):
        image, alt, target = match.group(1), match.group(2).strip(), match.group(3)
        line = _line_of(text, match.start())
        if image and not alt:
            raise BadInput(f"{display} baris {line}: gambar \u201c{target}\u201d belum memiliki teks "
                           "pengganti (alt). Tulis keterangan singkat gambar di antara [ dan ].")
        if "://" in target or target.startswith(("/", "#", "mailto:", "tel:")):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        resolved = _normalise(base / path)
        if resolved is None:
            raise BadInput(f"{display} baris {line}: tautan \u201c{target}\u201d keluar dari folder situs.")
        if resolved in existing or publish.generated(resolved):
            continue
        if not image and path.endswith("/") and (resolved.rstrip("/") + "/index.md") in existing:
            continue
        what = "gambar" if image else "halaman"
        raise BadInput(f"{display} baris {line}: tautan ke {what} \u201c{target}\u201d menuju berkas yang "
                       "tidak ada. Periksa ejaan nama berkasnya, atau pilih halaman dari daftar halaman.")
    return meta


def _normalise(path: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def strip_system_keys(text: str) -> str:
    """Approval keys are written by the system only: a typed or copied one is dropped."""
    head, body = drafts.split(text)
    if not head:
        return text
    kept = [line for line in head.split("\n")
            if not re.match(rf"^({'|'.join(drafts.APPROVAL_KEYS)})\s*:", line)]
    return "\n".join(kept) + body


def with_approval(text: str, who: str, day: date) -> tuple[str, str]:
    """The text with the approval keys the system writes, and the hash of the approved body."""
    text = strip_system_keys(text)
    head, body = drafts.split(text)
    digest = drafts.body_hash(body)
    keys = (f"disetujui_oleh: {json.dumps(who, ensure_ascii=False)}\n"
            f"tanggal_disetujui: {day.isoformat()}\npersetujuan: {digest}\n")
    if head:
        close = head.rstrip("\n").rfind("\n")
        head = head[:close + 1] + keys + head[close + 1:]
    else:
        head = "---\n" + keys + "---\n"
    return head + body, digest


def needs_approval(path: str, text: str | None) -> bool:
    if text is None or not path.startswith(CONTENT) or not path.endswith(".md"):
        return False
    try:
        meta, _ = drafts.parse_front_matter(text, path)
    except DataError:
        meta = {}
    return drafts.needs_approval(path[len(CONTENT):], meta)


def diff(before: str | None, after: str | None, name: str) -> str:
    return "".join(difflib.unified_diff((before or "").splitlines(keepends=True),
                                        (after or "").splitlines(keepends=True),
                                        fromfile=f"terbit/{name}", tofile=f"perubahan/{name}"))


def dump_yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
