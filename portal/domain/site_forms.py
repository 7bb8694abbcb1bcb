"""What the web team fills in, turned into the files of the site: a page's fields and body into
Markdown with front matter, a Word document into a Markdown draft, an image into a web-sized
copy, a face-to-face session into the schedule, the office details into content/data/dinas.yml.

The YAML files are edited through ruamel.yaml's round trip, so their comments (the guidance
for whoever reads the file) stay. Every function refuses bad input with BadInput, in Indonesian,
before anything is kept.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import PurePosixPath

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..publish import drafts
from . import regions, uploads
from .site_changes import BadInput

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_WIDTH = 1280
DOCX_MAX_BYTES = 15 * 1024 * 1024
# The editor's own request limit (not the complaint form's attachments): its largest file, and
# room for the page's text sent beside it. The web layer applies it and names it when refusing.
REQUEST_MAX_BYTES = max(IMAGE_MAX_BYTES, DOCX_MAX_BYTES) + 1024 * 1024
IMAGES_DIR = "content/assets/gambar/"


def parse_date(value: str, label: str) -> date:
    value = (value or "").strip()
    if not DATE.match(value):
        raise BadInput(f"{label} \u201c{value}\u201d tidak sah: {drafts.DATE_HINT}.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{label} \u201c{value}\u201d bukan tanggal yang ada di kalender.") from None


# ------------------------------------------------------------------ pages

def decompose(text: str | None) -> tuple[dict, str]:
    head, body = drafts.split(text or "")
    meta = yaml.safe_load(head.strip().strip("-")) if head else {}
    return (meta if isinstance(meta, dict) else {}), body.lstrip("\n")


def compose(kind: str, base_meta: dict, fields: dict) -> str:
    """The file's text from the form: the fields of its kind over the front matter it had."""
    meta = {k: v for k, v in (base_meta or {}).items() if k not in drafts.APPROVAL_KEYS}
    body = (fields.get("isi") or "").replace("\r\n", "\n").strip() + "\n"
    if kind == "berita":
        meta["date"] = parse_date(fields.get("tanggal", ""), "Tanggal berita")
        meta.setdefault("categories", ["Berita"])
    elif kind == "materi":
        for key, label in (("title", "Judul"), ("audiens", "Sasaran"), ("topik", "Topik")):
            value = (fields.get(key) or "").strip()
            if not value:
                raise BadInput(f"{label} materi wajib diisi.")
            meta[key] = value
    meta["status"] = "terbit" if meta.get("status") in (None, "terbit", "perlu-tinjauan") else meta["status"]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n\n{body}"


def relative_link(from_page: str, to_file: str) -> str:
    """A link from one file under content/ to another, as Markdown wants it (relative)."""
    start = PurePosixPath(from_page).parent.parts
    target = PurePosixPath(to_file).parts
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + list(target[common:]))


# ------------------------------------------------------------------ images

def web_image(data: bytes, name: str) -> tuple[bytes, str]:
    """An image re-encoded by the complaint uploads' re-encoder (EXIF and hidden bytes dropped),
    narrowed to IMAGE_MAX_WIDTH on the way. Returns (bytes, extension)."""
    try:
        clean = uploads.clean(data, name, IMAGE_MAX_BYTES, max_width=IMAGE_MAX_WIDTH)
    except uploads.InvalidUpload as exc:
        raise BadInput(str(exc)) from None
    if clean.extension == "pdf":
        raise BadInput(f"Berkas \u201c{clean.original_name}\u201d bukan gambar. Pilih foto JPEG atau PNG.")
    return clean.data, clean.extension


def image_path(stem: str, alt: str, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", alt.lower()).strip("-")[:40].strip("-") or "gambar"
    return f"{IMAGES_DIR}{stem}-{slug}.{extension}"


def require_alt(alt: str) -> str:
    alt = " ".join((alt or "").split())
    if not alt:
        raise BadInput("Teks pengganti gambar (alt) wajib diisi: tulis apa yang terlihat di gambar, untuk "
                       "pembaca yang tidak dapat melihatnya.")
    if any(c in alt for c in "[]"):
        raise BadInput("Teks pengganti gambar tidak boleh berisi tanda [ atau ].")
    return alt


# ------------------------------------------------------------------ Word

def docx_to_markdown(data: bytes, name: str, page: str, stem: str) -> tuple[str, dict[str, tuple[bytes, str]], list[str]]:
    """A Word document as a Markdown body, its images (path -> (bytes, alt)) and warnings.

    mammoth reads the document's structure (headings by their styles, lists, tables, bold,
    italic, links, images with their alt text) into HTML; markdownify writes that as Markdown,
    tables included (mammoth's own Markdown output leaves tables out)."""
    import mammoth
    from markdownify import markdownify

    if len(data) > DOCX_MAX_BYTES:
        raise BadInput(f"Berkas \u201c{name}\u201d terlalu besar ({len(data) / 1048576:.1f} MB); batasnya "
                       f"{DOCX_MAX_BYTES // 1048576} MB. Perkecil foto di dalamnya, lalu coba lagi.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInput(f"Berkas \u201c{name}\u201d adalah dokumen Word lama (.doc). Buka di Word, pilih "
                       "Simpan Sebagai \u2192 Dokumen Word (.docx), lalu unggah berkas .docx itu.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile
    except zipfile.BadZipFile:
        raise BadInput(f"Berkas \u201c{name}\u201d bukan dokumen Word (.docx). Simpan dokumen dari Word "
                       "sebagai .docx, lalu unggah lagi.") from None
    images: dict[str, tuple[bytes, str]] = {}
    warnings: list[str] = []

    def convert_image(image):
        with image.open() as stream:
            raw = stream.read()
        alt = " ".join((image.alt_text or "").split()).replace("[", "").replace("]", "")
        try:
            picture, extension = web_image(raw, f"gambar-{len(images) + 1}")
        except BadInput as exc:
            warnings.append(f"Gambar ke-{len(images) + 1} tidak dapat dipakai: {exc}")
            return {"src": "", "alt": ""}
        path = image_path(f"{stem}-{len(images) + 1}", alt or "gambar", extension)
        images[path] = (picture, alt)
        if not alt:
            warnings.append(f"Gambar ke-{len(images)} belum memiliki teks pengganti (alt); isi di antara [ dan ] "
                            "sebelum mengajukan.")
        return {"src": relative_link(page, path[len("content/"):]), "alt": alt}

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(convert_image))
    except Exception:  # a broken package behind a .docx name
        raise BadInput(f"Berkas \u201c{name}\u201d tidak dapat dibaca sebagai dokumen Word (.docx).") from None
    markdown = markdownify(result.value, heading_style="ATX", bullets="-", strip=["span"],
                            table_infer_header=True)
    markdown = re.sub(r"!\[\]\(\)", "", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return markdown, images, warnings


# ------------------------------------------------------------------ YAML data files

def round_trip(sequence: int = 4, offset: int = 2) -> YAML:
    """A YAML reader and writer that keeps a data file's comments, quotes and layout (the list
    indent is the file's own), and never folds a long line: a changed sentence is one changed line
    in the reviewer's diff."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=sequence, offset=offset)
    return y


def dump_text(data, yaml: YAML) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _yaml() -> YAML:
    return round_trip()


def _dump(data) -> str:
    return dump_text(data, _yaml())


SESSION_FIELDS = ("tanggal", "mulai", "selesai", "tempat", "kecamatan", "desa", "audiens", "topik", "panitia",
                  "peserta", "ringkasan")


def sessions(text: str) -> list[dict]:
    data = _yaml().load(text) or []
    out = []
    for item in data:
        report = item.get("laporan") or {}
        out.append({"tanggal": str(item.get("tanggal", "")), "mulai": str(item.get("mulai", "")),
                    "selesai": str(item.get("selesai", "")), "tempat": item.get("tempat", ""),
                    "kecamatan": str(item.get("kecamatan", "")), "desa": str(item.get("desa") or ""),
                    "audiens": item.get("audiens", ""), "topik": item.get("topik", ""),
                    "panitia": "\n".join(str(p) for p in item.get("panitia") or []),
                    "peserta": str(report.get("peserta", "")) if report else "",
                    "ringkasan": str(report.get("ringkasan", "")) if report else ""})
    return out


def set_session(text: str, index: int | None, form: dict) -> str:
    """The schedule with session `index` replaced (None: a new one added), from the form."""
    tanggal = parse_date(form.get("tanggal", ""), "Tanggal sosialisasi")
    for key, label in (("mulai", "Jam mulai"), ("selesai", "Jam selesai")):
        if not TIME.match((form.get(key) or "").strip()):
            raise BadInput(f"{label} \u201c{form.get(key, '')}\u201d tidak sah: tulis jam dalam bentuk JJ:MM, "
                           "misalnya 09:00.")
    if form["mulai"].strip() >= form["selesai"].strip():
        raise BadInput("Jam selesai harus sesudah jam mulai.")
    for key, label in (("tempat", "Tempat"), ("audiens", "Sasaran"), ("topik", "Topik")):
        if not (form.get(key) or "").strip():
            raise BadInput(f"{label} wajib diisi.")
    kecamatan = (form.get("kecamatan") or "").strip()
    if kecamatan not in {k.kode for k in regions.kecamatan_list()}:
        raise BadInput(f"Kode kecamatan \u201c{kecamatan}\u201d tidak dikenal; pilih dari daftar.")
    desa = (form.get("desa") or "").strip()
    if desa and not regions.desa_in_kecamatan(desa, kecamatan):
        raise BadInput(f"Kode desa \u201c{desa}\u201d tidak berada di kecamatan {kecamatan}.")
    entry = CommentedMap()
    entry["tanggal"] = tanggal.isoformat()
    entry["mulai"] = form["mulai"].strip()
    entry["selesai"] = form["selesai"].strip()
    entry["tempat"] = form["tempat"].strip()
    entry["kecamatan"] = kecamatan
    if desa:
        entry["desa"] = desa
    entry["audiens"] = form["audiens"].strip()
    entry["topik"] = form["topik"].strip()
    panitia = [line.strip() for line in (form.get("panitia") or "").splitlines() if line.strip()]
    if panitia:
        entry["panitia"] = CommentedSeq(panitia)
    peserta = (form.get("peserta") or "").strip()
    ringkasan = " ".join((form.get("ringkasan") or "").split())
    if peserta or ringkasan:
        if not peserta.isdigit():
            raise BadInput("Jumlah peserta harus berupa angka.")
        report = CommentedMap()
        report["peserta"] = int(peserta)
        report["ringkasan"] = ringkasan
        entry["laporan"] = report
    data = _yaml().load(text)
    if data is None:
        data = CommentedSeq()
    if index is None:
        data.append(entry)
    else:
        if not 0 <= index < len(data):
            raise BadInput("Sesi tidak ditemukan; muat ulang halaman.")
        old = data[index]
        if isinstance(old, dict) and old.get("laporan") and "laporan" in entry:
            for key in old["laporan"]:
                if key not in entry["laporan"]:
                    entry["laporan"][key] = old["laporan"][key]  # photos stay
        data[index] = entry
    return _dump(data)


OFFICE_FIELDS = (("nama", "Nama dinas"), ("pemerintah", "Pemerintah"), ("alamat", "Alamat kantor"),
                 ("telepon", "Telepon"), ("whatsapp", "WhatsApp"), ("email", "E-mail resmi"),
                 ("jam_layanan", "Jam layanan"), ("kota", "Kota"))
HEAD_FIELDS = (("nama", "Nama Kepala Dinas"), ("nip", "NIP Kepala Dinas"), ("pangkat", "Pangkat/golongan"))


def office(text: str) -> dict:
    data = _yaml().load(text) or {}
    head = data.get("kepala_dinas") or {}
    return {**{k: str(data.get(k) or "") for k, _ in OFFICE_FIELDS},
            **{f"kepala_dinas_{k}": str(head.get(k) or "") for k, _ in HEAD_FIELDS},
            "logo": str(data.get("logo") or "")}


def set_office(text: str, form: dict, logo: str | None = None) -> str:
    data = _yaml().load(text)
    for key, label in OFFICE_FIELDS:
        value = " ".join((form.get(key) or "").split())
        if key in ("nama", "pemerintah", "alamat") and not value:
            raise BadInput(f"{label} wajib diisi.")
        if key == "email" and value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise BadInput(f"Alamat e-mail \u201c{value}\u201d tidak sah.")
        if key in ("telepon", "whatsapp") and value and not re.fullmatch(r"[0-9+()\- ]{6,20}", value):
            raise BadInput(f"{label} \u201c{value}\u201d hanya boleh berisi angka, spasi, +, ( ) dan -.")
        if value or key in data:
            data[key] = value
    nip = re.sub(r"\s+", "", form.get("kepala_dinas_nip") or "")
    if nip and not re.fullmatch(r"\d{18}", nip):
        raise BadInput("NIP Kepala Dinas terdiri dari 18 angka.")
    head = data.get("kepala_dinas")
    if head is None:
        head = data["kepala_dinas"] = CommentedMap()
    for key, label in HEAD_FIELDS:
        value = " ".join((form.get(f"kepala_dinas_{key}") or "").split())
        if not value:
            raise BadInput(f"{label} wajib diisi.")
        head[key] = value
    if logo:
        data["logo"] = logo
    return _dump(data)
