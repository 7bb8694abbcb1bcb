"""The Standar Pelayanan form of the Situs area: one service's file
(content/data/standar-pelayanan/<slug>.yml) shown as labelled fields, and the fields written back.

The fourteen components and their names are portal.domain.standar's; this module adds what the
form needs around them: a plain hint per component, a text per component (one item per line),
and titled groups of items (the requirements per case) as repeated pairs of fields. The file is
edited through ruamel.yaml's round trip (as site_forms does the schedule and office details), so
its comments stay; a component whose content did not change is not rewritten at all.

What is written is checked by standar's own checker before anything is kept; a problem is a
BadInput in Indonesian, naming the field when it is one field's (FieldError).

Like the schedule and the office details, a standard goes through a second member's review but
not the Kepala Dinas's approval: site_changes.needs_approval asks that of materials only, and the
SOP Pengelolaan Website (step 4) gives updating the site's data to the web team.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import site_forms, sop, standar
from .errors import DataError
from .site_changes import BadInput

DIR = "content/" + standar.STANDAR_DIR.as_posix() + "/"
PAGE_DIR = "content/layanan/"  # where the service's page is generated (portal.publish.standar)
MAX_SLUG = 60
# Names a service cannot take: the list's own page (layanan/index.md) and the new-service form's address.
RESERVED = ("index", "baru")
EMPTY_GROUPS = 3  # blank group fields offered below the filled ones: no JavaScript needed to add one
MAX_GROUPS = 60
# Components whose content is often per case (the requirements for a new card, a lost card, ...):
# the form always offers groups for them; any other component gets them when its file has some.
GROUPED = ("persyaratan", "prosedur")

STATUS_LABELS = {
    "perlu-tinjauan": "Tampil di situs, dengan catatan bahwa isinya masih ditinjau kantor",
    "terbit": "Tampil di situs (sudah ditetapkan)",
    "draft": "Belum tampil di situs (draf)",
}

HINTS = {
    "persyaratan": "Dokumen atau syarat yang harus dibawa atau dipenuhi pemohon. Bila syaratnya berbeda "
                   "menurut keperluan (misalnya KK baru, KK hilang), tulis per kelompok di bawah: judul "
                   "kelompok, lalu syaratnya.",
    "prosedur": "Urutan langkah yang dilalui pemohon, dari datang sampai menerima hasilnya. Nomor langkah "
                "ditambahkan otomatis.",
    "jangka_waktu": "Berapa lama layanan selesai, misalnya \u201c1 hari kerja sejak berkas lengkap.\u201d",
    "biaya": "Biaya yang dibayar pemohon. Layanan administrasi kependudukan gratis; sebutkan dasar "
             "hukumnya.",
    "produk": "Dokumen atau hasil yang diterima pemohon.",
    "pengaduan": "Cara pemohon menyampaikan pengaduan, saran, dan masukan tentang layanan ini. Halaman "
                 "layanan menambahkan tautan formulir pengaduan dan daftar salurannya sendiri.",
    "dasar_hukum": "Peraturan yang menjadi dasar layanan ini.",
    "sarana_prasarana": "Ruang, peralatan, dan fasilitas yang dipakai, termasuk fasilitas bagi penyandang "
                        "disabilitas, lanjut usia, ibu hamil, dan ibu menyusui.",
    "kompetensi_pelaksana": "Pengetahuan, keahlian, dan sikap yang harus dimiliki petugas.",
    "pengawasan_internal": "Siapa yang mengawasi pelaksanaan layanan di dalam kantor.",
    "jumlah_pelaksana": "Jumlah petugas yang melayani.",
    "jaminan_pelayanan": "Janji kantor bahwa layanan diberikan sesuai standar ini.",
    "jaminan_keamanan": "Bagaimana kantor menjaga keamanan data dan dokumen serta keselamatan pemohon.",
    "evaluasi_kinerja": "Cara kantor menilai pelaksanaan standar ini, misalnya Survei Kepuasan Masyarakat.",
}

# (key, label, hint, section) for every component, in the regulation's order.
COMPONENTS = tuple((k, n, HINTS[k], "penyampaian") for k, n, _ in standar.PENYAMPAIAN) + \
    tuple((k, n, HINTS[k], "pengelolaan") for k, n in standar.PENGELOLAAN)
_LABEL = {k: n for k, n, _, _ in COMPONENTS}


def _yaml() -> YAML:
    # The standard files' own layout: list items under their key, not indented.
    return site_forms.round_trip(sequence=2, offset=0)


def _dump(data) -> str:
    return site_forms.dump_text(data, _yaml())


class FieldError(BadInput):
    "A problem in one field of the form; `field` is the field's name, to show the message beside it."

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def path_of(slug: str) -> str:
    return f"{DIR}{slug}.yml"


def slug_of(path: str) -> str | None:
    if path.startswith(DIR) and path.endswith(".yml"):
        return path[len(DIR):-len(".yml")]
    return None


def slug_problem(slug: str, files: set[str]) -> str | None:
    """Why `slug` may not name a new service; None when it may. `files`: every path of the
    content repository (published files) and of open changes."""
    if not slug:
        return "Tulis nama singkat layanan untuk alamat halamannya, misalnya surat-pindah."
    if ".." in slug or "/" in slug or "\\" in slug:
        return "Nama singkat layanan tidak boleh berisi '..', '/' atau '\\'."
    if not sop.SLUG.match(slug) or len(slug) > MAX_SLUG:
        return ("Nama singkat layanan hanya boleh berisi huruf kecil, angka dan tanda hubung (misalnya "
                f"surat-pindah), paling panjang {MAX_SLUG} huruf.")
    if slug in RESERVED:
        return f"Nama singkat \u201c{slug}\u201d dipakai oleh sistem; pilih nama lain."
    if path_of(slug) in files:
        return f"Layanan \u201c{slug}\u201d sudah ada; ubah dari daftar layanan."
    page = f"{PAGE_DIR}{slug}"
    if any(f == f"{page}.md" or f.startswith((f"{page}/", f"{page}.")) for f in files):
        return (f"Alamat layanan/{slug}/ sudah dipakai halaman lain di situs; pilih nama singkat lain.")
    return None


def starter(slug: str, nama: str, urutan: int) -> str:
    """The text of a new service's file before its fields are filled: the guidance comment that
    every standard file opens with, and the name."""
    return (f"# Standar Pelayanan: {nama}.\n"
            "# The fourteen components of PermenPANRB 15/2014: `penyampaian` (the six shown to citizens)\n"
            "# and `pengelolaan` (the eight held by the office). This file is the one source of the\n"
            f"# service's page on the site, layanan/{slug}/ (with its notice PDF);\n"
            "# `tinjauan` lists what the office must still confirm; `catatan` what citizens should ask first.\n"
            f"nama: {_dump_scalar(nama)}\nurutan: {urutan}\nstatus: perlu-tinjauan\n")


def _dump_scalar(value: str) -> str:
    return _dump({"x": value})[len("x: "):].rstrip("\n")


def next_urutan(texts: list[str]) -> int:
    numbers = []
    for text in texts:
        data = _yaml().load(text) or {}
        if isinstance(data, dict) and isinstance(data.get("urutan"), int):
            numbers.append(data["urutan"])
    return max(numbers, default=0) + 1


# ------------------------------------------------------------------ file -> form

def form_of(text: str) -> dict:
    """The form's values from a file: top fields as text, each component as
    {"teks": items one per line, "kelompok": [{"judul", "butir"}], "grouped": bool}."""
    data = _yaml().load(text or "") or {}
    if not isinstance(data, dict):
        data = {}
    out = {"nama": str(data.get("nama") or ""), "urutan": str(data.get("urutan") or ""),
           "status": str(data.get("status") or "perlu-tinjauan"), "ringkasan": _oneline(data.get("ringkasan")),
           "tinjauan": "\n".join(_oneline(t) for t in _as_list(data.get("tinjauan"))),
           "catatan": _oneline(data.get("catatan")), "komponen": {}}
    for kode, _, _, section in COMPONENTS:
        value = (data.get(section) or {}).get(kode) if isinstance(data.get(section), dict) else None
        plain, groups = [], []
        for item in _as_list(value):
            if isinstance(item, dict):
                groups.append({"judul": _oneline(item.get("judul")),
                               "butir": "\n".join(_oneline(b) for b in _as_list(item.get("butir")))})
            else:
                plain.append(_oneline(item))
        out["komponen"][kode] = {"teks": "\n".join(plain), "kelompok": groups,
                                 "grouped": kode in GROUPED or bool(groups)}
    return out


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _oneline(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def form_from_post(form) -> dict:
    """The values a refused form showed, to show them again (nothing typed is lost)."""
    out = {k: form.get(k, "") for k in ("nama", "urutan", "status", "ringkasan", "tinjauan", "catatan")}
    out["komponen"] = {}
    for kode, _, _, _ in COMPONENTS:
        groups = [{"judul": j, "butir": b} for j, b in _groups_posted(form, kode)]
        out["komponen"][kode] = {"teks": form.get(kode, ""), "kelompok": groups,
                                 "grouped": kode in GROUPED or bool(groups)}
    return out


# ------------------------------------------------------------------ form -> file

def _lines(value: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (value or "").splitlines() if line.strip()]


def _groups_posted(form, kode: str) -> list[tuple[str, str]]:
    """The groups sent, in order, without the blank ones: their positions are those of the form
    shown again after a refusal, so that a message names the right group."""
    pattern = re.compile(rf"^{re.escape(kode)}-judul-(\d+)$")
    indexes = sorted({int(m.group(1)) for key in form.keys() if (m := pattern.match(key))})
    pairs = [(form.get(f"{kode}-judul-{i}", ""), form.get(f"{kode}-butir-{i}", "")) for i in indexes]
    return [(j, b) for j, b in pairs if j.strip() or b.strip()][:MAX_GROUPS]


def _component(form, kode: str, old) -> str | CommentedSeq:
    label = _LABEL[kode]
    items: list = list(_lines(form.get(kode)))
    for n, (judul, butir) in enumerate(_groups_posted(form, kode), 1):
        judul, butir = " ".join(judul.split()), _lines(butir)
        if not judul:
            raise FieldError(f"{kode}-judul-{n - 1}", f"{label}: kelompok ke-{n} belum memiliki judul. Tulis "
                                                      "judulnya, misalnya \u201cKK hilang atau rusak\u201d.")
        if not butir:
            raise FieldError(f"{kode}-butir-{n - 1}", f"{label}: kelompok \u201c{judul}\u201d belum berisi "
                                                      "butir. Tulis satu butir per baris, atau kosongkan judulnya.")
        group = CommentedMap()
        group["judul"] = judul
        group["butir"] = CommentedSeq(butir)
        items.append(group)
    if not items:
        raise FieldError(kode, f"{label} wajib diisi. Standar Pelayanan wajib memuat keempat belas komponen "
                               "(Peraturan Menteri PANRB Nomor 15 Tahun 2014).")
    if len(items) == 1 and isinstance(items[0], str) and not isinstance(old, list):
        return items[0]  # one text stays one paragraph, as the file had it
    return CommentedSeq(items)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _oneline(value) if isinstance(value, str) else value


def _put(mapping: CommentedMap, key: str, value, order: tuple[str, ...]) -> None:
    """Set a key, leaving it untouched when its content is the same (its comments and layout stay),
    and putting a new key where the standard's order has it."""
    old = mapping.get(key)
    if key in mapping and _plain(old) == _plain(value):
        return
    if isinstance(old, CommentedSeq) and isinstance(value, CommentedSeq) and len(old) and len(value):
        comment = old.ca.items.get(len(old) - 1)  # a comment line below the list belongs to its last item
        if comment:
            value.ca.items[len(value) - 1] = comment
    if key in mapping:
        mapping[key] = value
        return
    before = order[:order.index(key)]
    position = max((i + 1 for i, k in enumerate(mapping) if k in before), default=0)
    mapping.insert(position, key, value)


def set_standar(text: str, form, slug: str) -> str:
    """The file's text with the form's values; BadInput (FieldError) on the first problem, and a
    final check by portal.domain.standar, so that what is kept always builds."""
    data = _yaml().load(text or "")
    if not isinstance(data, CommentedMap):
        data = CommentedMap()
    top = standar.TOP_FIELDS
    nama = " ".join((form.get("nama") or "").split())
    if not nama:
        raise FieldError("nama", "Nama layanan wajib diisi.")
    urutan = (form.get("urutan") or "").strip()
    if not urutan.isdigit() or int(urutan) < 1:
        raise FieldError("urutan", "Urutan harus berupa angka 1 atau lebih (urutan layanan di daftar).")
    status = form.get("status") or ""
    if status not in standar.STATUSES:
        raise FieldError("status", "Pilih keadaan tampil halaman layanan.")
    ringkasan = " ".join((form.get("ringkasan") or "").split())
    if not ringkasan:
        raise FieldError("ringkasan", "Ringkasan wajib diisi: satu atau dua kalimat tentang layanan ini.")
    _put(data, "nama", nama, top)
    _put(data, "urutan", int(urutan), top)
    _put(data, "status", status, top)
    _put(data, "ringkasan", ringkasan, top)
    tinjauan = _lines(form.get("tinjauan"))
    if tinjauan:
        _put(data, "tinjauan", CommentedSeq(tinjauan), top)
    else:
        data.pop("tinjauan", None)
    catatan = " ".join((form.get("catatan") or "").split())
    if catatan:
        _put(data, "catatan", catatan, top)
    else:
        data.pop("catatan", None)
    for section in ("penyampaian", "pengelolaan"):
        if not isinstance(data.get(section), CommentedMap):
            _put(data, section, CommentedMap(), top)
    order = tuple(k for k, _, _, _ in COMPONENTS)
    for kode, _, _, section in COMPONENTS:
        _put(data[section], kode, _component(form, kode, data[section].get(kode)), order)
    new_text = _dump(data)
    check(slug, new_text)
    return new_text


def check(slug: str, text: str) -> standar.Standar:
    """The text as portal.domain.standar reads it at build time; BadInput with its message."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{slug}.yml"
        path.write_text(text, encoding="utf-8")
        try:
            return standar.load_one(path)
        except DataError as exc:
            where = f" ({exc.position})" if exc.position else ""
            raise BadInput(f"Isian belum dapat disimpan{where}: {exc.message}.") from None
