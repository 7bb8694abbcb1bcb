"""The Standar Pelayanan of each service (content/data/standar-pelayanan/*.yml).

UU 25/2009 Pasal 15 obliges the office to set a standard per service; PermenPANRB 15/2014 names
its fourteen components. Six face the public (what the site and the notice board show); eight face
the management (held, and shown on request, one click away on the site). One file per service:

    nama: Kartu Keluarga (KK)
    urutan: 2
    status: perlu-tinjauan          # perlu-tinjauan | draft | terbit (as the site's pages)
    ringkasan: ...
    tinjauan: [what the office must still confirm, ...]   # optional
    catatan: ...                    # optional: what to ask the office before coming (special cases)
    penyampaian:                    # the six public components
      persyaratan, prosedur, jangka_waktu, biaya, produk, pengaduan
    pengelolaan:                    # the eight management components
      dasar_hukum, sarana_prasarana, kompetensi_pelaksana, pengawasan_internal,
      jumlah_pelaksana, jaminan_pelayanan, jaminan_keamanan, evaluasi_kinerja

Every component's content ("isi") is either one text, or a list whose items are a text or a group
`{judul: ..., butir: [text, ...]}` (requirements per case: new card, lost card, ...).

The check is portal.domain.sop's: the same checker class, the same Indonesian messages with file
and line ("kolom penyampaian.jangka_waktu (baris 12)"), so the web team meets one kind of message.
Plain Python, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union


from . import datafile, sop

STANDAR_DIR = Path("data") / "standar-pelayanan"
# The site's page statuses (portal.publish.drafts); the generated page carries the same value.
STATUSES = ("perlu-tinjauan", "draft", "terbit")

# PermenPANRB 15/2014: (key in the file, the regulation's name, a plain heading for citizens).
PENYAMPAIAN = (
    ("persyaratan", "Persyaratan", "Persyaratan"),
    ("prosedur", "Sistem, mekanisme, dan prosedur", "Langkah-langkah"),
    ("jangka_waktu", "Jangka waktu pelayanan", "Berapa lama"),
    ("biaya", "Biaya/tarif", "Biaya"),
    ("produk", "Produk pelayanan", "Yang Anda terima"),
    ("pengaduan", "Penanganan pengaduan, saran, dan masukan", "Pengaduan, saran, dan masukan"),
)
PENGELOLAAN = (
    ("dasar_hukum", "Dasar hukum"),
    ("sarana_prasarana", "Sarana dan prasarana, dan/atau fasilitas"),
    ("kompetensi_pelaksana", "Kompetensi pelaksana"),
    ("pengawasan_internal", "Pengawasan internal"),
    ("jumlah_pelaksana", "Jumlah pelaksana"),
    ("jaminan_pelayanan", "Jaminan pelayanan"),
    ("jaminan_keamanan", "Jaminan keamanan dan keselamatan pelayanan"),
    ("evaluasi_kinerja", "Evaluasi kinerja pelaksana"),
)
TOP_FIELDS = ("nama", "urutan", "status", "ringkasan", "tinjauan", "catatan", "penyampaian", "pengelolaan")


@dataclass(frozen=True)
class Kelompok:
    "A titled group of items inside a component (e.g. the requirements when a card is lost)."
    judul: str
    butir: tuple[str, ...]


Isi = tuple[Union[str, Kelompok], ...]  # one text is a one-item tuple


@dataclass(frozen=True)
class Komponen:
    kode: str
    nama: str  # the regulation's name
    judul: str  # the heading shown to citizens
    isi: Isi


@dataclass(frozen=True)
class Standar:
    slug: str  # file name without .yml; also the page name
    path: Path
    nama: str
    urutan: int
    status: str
    ringkasan: str
    tinjauan: tuple[str, ...]
    penyampaian: tuple[Komponen, ...]  # the six, in the regulation's order
    pengelolaan: tuple[Komponen, ...]  # the eight, in the regulation's order
    catatan: str = ""  # cases that differ, to ask the office about before coming

    def komponen(self, kode: str) -> Komponen:
        return next(k for k in self.penyampaian + self.pengelolaan if k.kode == kode)


def load_all(content_dir: str | Path) -> list[Standar]:
    "Every service's standard, checked, in `urutan` order; an empty list when the folder is absent."
    folder = Path(content_dir) / STANDAR_DIR
    return datafile.in_urutan_order([load_one(p) for p in sorted(folder.glob("*.yml"))] if folder.is_dir() else [])


def load_one(path: str | Path) -> Standar:
    "One service's standard, checked; DataError naming file and line on the first problem."
    path = Path(path)
    data, lines = datafile.read_yaml(path)
    return _Checker(path, lines).standar(data)


def names(content_dir: str | Path) -> dict[str, str]:
    "slug -> service name, in order: the services the SKM asks about."
    return {s.slug: s.nama for s in load_all(content_dir)}


class _Checker(datafile.Checker):
    "The SOP files' checker, taught the standard's shape."

    def standar(self, data: Any) -> Standar:
        if not isinstance(data, dict):
            self.fail((), "isi berkas harus berupa kumpulan kolom (nama, urutan, status, penyampaian, pengelolaan)")
        slug = self.path.stem
        if not sop.SLUG.match(slug):
            self.fail((), "nama berkas hanya boleh huruf kecil, angka dan tanda hubung, misalnya 'ktp-el.yml'")
        self.keys(data, TOP_FIELDS, ())
        urutan = self.get(data, "urutan", int, ())
        if urutan < 1:
            self.fail(("urutan",), "urutan harus 1 atau lebih")
        status = self.get(data, "status", str, ())
        if status not in STATUSES:
            self.fail(("status",), f"status harus salah satu dari {', '.join(STATUSES)}, bukan '{status}'")
        return Standar(
            slug=slug, path=self.path, nama=self.get(data, "nama", str, ()), urutan=urutan, status=status,
            ringkasan=self.get(data, "ringkasan", str, ()),
            tinjauan=self.texts(data, "tinjauan", (), required=False, accept_str=True),
            penyampaian=self.section(data, "penyampaian", [(k, n, j) for k, n, j in PENYAMPAIAN]),
            pengelolaan=self.section(data, "pengelolaan", [(k, n, n) for k, n in PENGELOLAAN]),
            catatan=(self.get(data, "catatan", str, (), required=False) or "").strip(),
        )

    def section(self, data: dict, key: str, components: list[tuple[str, str, str]]) -> tuple[Komponen, ...]:
        value = self.get(data, key, dict, ())
        where = (key,)
        self.keys(value, tuple(k for k, _, _ in components), where)
        for kode, nama, _ in components:
            if kode not in value:
                self.fail(where, f"komponen '{kode}' ({nama}) belum ada; Standar Pelayanan wajib memuat "
                                 "keempat belas komponen PermenPANRB 15/2014")
        return tuple(Komponen(kode, nama, judul, self.isi(value, kode, where)) for kode, nama, judul in components)

    def isi(self, data: dict, key: str, where: tuple) -> Isi:
        value = data.get(key)
        if isinstance(value, str):
            return (self.get(data, key, str, where),)
        if value is not None and not isinstance(value, list):
            self.fail(where + (key,), f"harus berupa teks atau daftar (baris berawalan '-'), "
                                      f"bukan {datafile.describe(value)}")
        items = self.get(data, key, list, where)
        if not items:
            self.fail(where + (key,), f"komponen '{key}' kosong")
        out: list[str | Kelompok] = []
        for i, item in enumerate(items):
            w = where + (key, i)
            if isinstance(item, dict):
                self.keys(item, ("judul", "butir"), w)
                butir = self.texts(item, "butir", w)
                if not butir:
                    self.fail(w + ("butir",), "daftar butir kosong")
                out.append(Kelompok(self.get(item, "judul", str, w), butir))
            elif isinstance(item, str) and item.strip():
                out.append(item.strip())
            else:
                self.fail(w, f"setiap butir harus berupa teks atau kelompok (judul, butir), "
                             f"bukan {datafile.describe(item)}")
        return tuple(out)
